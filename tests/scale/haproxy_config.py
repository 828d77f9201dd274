"""systemd/haproxy/charfinderd.cfg as shipped, and the copies the other
tests run, pass `haproxy -c` without a warning.
Usage: haproxy_config.py"""
import os
import subprocess
import tempfile

from cftest import check, main, say
from cluster import CONFIG, haproxy_config, need_haproxy


def haproxy_check(haproxy, path):
    done = subprocess.run([haproxy, '-c', '-f', path],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = done.stdout.decode(errors='replace').strip()
    check(done.returncode == 0 and out == 'Configuration file is valid',
          f'haproxy -c -f {path}: status {done.returncode}:\n{out}')
    say(f'{path}: {out}')


def test():
    haproxy = need_haproxy()
    haproxy_check(haproxy, CONFIG)
    with open(CONFIG) as f:
        shipped = f.read()
    # Both copies the other tests run: with and without every
    # connection's log line.
    for log_connections in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, 'haproxy.cfg')
            with open(copy, 'w') as out:
                out.write(haproxy_config(
                    shipped, 2323, 8080,
                    [(2331, 8081), (2332, 8082), (2333, 8083)],
                    os.path.join(tmp, 'haproxy.sock'),
                    log_connections=log_connections))
            haproxy_check(haproxy, copy)


main(test)
