#!/usr/bin/env python3
"""activation_http: under socket activation, two sockets told apart by the
names systemd gives them (FileDescriptorName=, LISTEN_FDNAMES): the one
named "charfinderd" serves telnet, the one named "http" serves HTTP, and
the daemon's own --port and --http-port are ignored.
Usage: activation_http.py DAEMON
"""
import shutil
import socket
import urllib.request

import cftest
from cftest import Daemon, check, check_serves


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main(daemon_path):
    if shutil.which('systemd-socket-activate') is None:
        cftest.skip('systemd-socket-activate not installed')
    telnet, http = free_port(), free_port()
    argv = ['systemd-socket-activate', '-l', f'127.0.0.1:{telnet}', '-l',
            f'127.0.0.1:{http}', '--fdname=charfinderd:http',
            daemon_path, '--port', '1', '--http-port', '1']
    with Daemon(argv) as d:
        d.wait_log(rf'Listening on 127\.0\.0\.1:{http}', 10)
        # The first connection starts the daemon.
        check_serves('127.0.0.1', telnet)
        d.wait_log(rf'listening on 127\.0\.0\.1:{http} \(http\) \(socket '
                   r'activation\)', 10)
        with urllib.request.urlopen(f'http://127.0.0.1:{http}/search?'
                                    'q=registered', timeout=10) as r:
            body = r.read().decode()
            check(r.status == 200 and '"U+00AE"' in body,
                  f'HTTP answer {r.status}: {body}')
        check(d.terminate() == 0, 'exit status after SIGTERM')


if __name__ == '__main__':
    cftest.main(main)
