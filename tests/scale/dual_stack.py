"""A socket of both families, as systemd/charfinderd.socket makes it
(BindIPv6Only=both): IPv4 clients arrive as ::ffff:a.b.c.d and must still
be counted each by its own address (not all in ::ffff:0:0/64), and
HAProxy at 127.0.0.1 must still be a --proxy-from 127.0.0.1 source.
Usage: dual_stack.py CHARFINDERD"""
import shutil
import socket

import cftest
from cftest import Client, Daemon, check, say

LIMIT = 2


def test(charfinderd):
    if shutil.which('systemd-socket-activate') is None:
        cftest.skip('systemd-socket-activate is not installed (Debian: '
                    'systemd)')
    with open('/proc/sys/net/ipv6/bindv6only') as f:
        if f.read().strip() != '0':
            cftest.skip('net.ipv6.bindv6only is set: no socket of both '
                        'families to test with')
    with socket.socket() as s:
        s.bind((cftest.LOOPBACK, 0))
        port = s.getsockname()[1]
    argv = ['systemd-socket-activate', '-l', f'[::]:{port}',
            '--fdname=charfinderd', charfinderd, '--no-http', '-v',
            '--max-connections-per-address', str(LIMIT),
            '--proxy-from', cftest.LOOPBACK]
    with Daemon(argv) as d:
        d.wait_log(rf'Listening on \[::\]:{port}', 10)
        held = []
        for source in ('127.0.0.2', '127.0.0.3'):
            for _ in range(LIMIT):
                c = Client(port, source=source, timeout=30)
                c.prompt(timeout=30)	# the first starts the daemon
                held.append(c)
            extra = Client(port, source=source)
            got = extra.read_to_eof()
            check(got == b'error: too many connections from your '
                  b'address\r\n', f'{source}, connection {LIMIT + 1}: '
                  f'{got!r}')
            extra.close()
        say(f'127.0.0.2 and 127.0.0.3 through [::]: {LIMIT} each, the '
            'next refused: counted apart')
        proxied = Client(port, source=cftest.LOOPBACK)
        proxied.send(b'PROXY TCP4 192.0.2.7 127.0.0.1 40000 2323\r\n')
        proxied.prompt()
        check(cftest.status_line(proxied.ask('registered'))
              == "1 match for 'registered'", 'not served after a header')
        d.wait_log(r': client 192\.0\.2\.7:40000$', 5)
        say('127.0.0.1 through [::] is a --proxy-from 127.0.0.1 source')
        for c in held + [proxied]:
            c.close()
        check(d.terminate() == 0, 'exit status after SIGTERM')


cftest.main(test)
