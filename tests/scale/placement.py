"""Where telnet clients are served (issue 15's fairness): one address gets
at most half of the worker threads (one of two), however many connections
it opens, and a new address starts at the worker with the fewest clients,
so that a client with many connections and heavy queries shares no
worker with the others.  Read from /stats ("clients on each" worker), not
timed: the benchmark measures the latency this buys.
Usage: placement.py CHARFINDERD"""
import re
import time

import cftest
from cftest import Client, Daemon, check, say

STATS = re.compile(rb'threads: (\d+); clients on each:((?: \d+)+)\r\n')


def clients_on_each(client):
    """Clients on each worker, most first (the asking one counts)."""
    m = STATS.search(client.ask('/stats'))
    check(m is not None, 'no "clients on each" line in /stats')
    return sorted((int(n) for n in m.group(2).split()), reverse=True)


def connect(port, source, n):
    clients = []
    for _ in range(n):
        c = Client(port, source=source)
        c.prompt()	# adopted by its worker: counted
        clients.append(c)
    return clients


def expect(client, want, what):
    got = clients_on_each(client)
    say(f'{what}: clients on each worker {got}')
    check(got == want, f'{what}: clients on each worker {got}, not {want}')


def two_workers(charfinderd, *options):
    with Daemon.local(charfinderd, '--threads', '2', '--no-http',
                      *options) as d:
        heavy = connect(d.port, '127.0.0.2', 6)
        light = connect(d.port, '127.0.0.3', 1)[0]
        # Round-robin would give 4 and 3.
        expect(light, [6, 1], f'2 threads {" ".join(options)}: 6 clients '
               'from one address, then one from another')
        for c in heavy:
            c.close()
        d.stop()


def four_workers(charfinderd):
    with Daemon.local(charfinderd, '--threads', '4', '--no-http') as d:
        held = connect(d.port, '127.0.0.2', 8)
        held += connect(d.port, '127.0.0.3', 1)
        expect(held[-1], [4, 4, 1, 0], '4 threads: 8 clients from one '
               'address (half the workers), then one from another')
        held += connect(d.port, '127.0.0.4', 1)
        expect(held[-1], [4, 4, 1, 1], '4 threads: one more address, on '
               'the worker with none')
        for c in held[:8]:
            c.close()
        deadline = time.monotonic() + 5
        while clients_on_each(held[-1]) != [1, 1, 0, 0]:
            check(time.monotonic() < deadline, '8 clients closed, still '
                  'counted after 5 s')
            time.sleep(0.05)
        # The address starts again where there is least to do: a worker
        # with no client.
        back = connect(d.port, '127.0.0.2', 1)[0]
        expect(back, [1, 1, 1, 0], '4 threads: the address again, after '
               'all its clients left')
        d.stop()


def proxied(charfinderd):
    """A proxy's clients are known by address only in the worker: they go
    round all the workers, not to the proxy address's one."""
    with Daemon.local(charfinderd, '--threads', '2', '--no-http', '-v',
                      '--proxy-from', cftest.LOOPBACK) as d:
        held = []
        for i in range(4):
            c = Client(d.port, source=cftest.LOOPBACK)
            c.send(f'PROXY TCP4 192.0.2.{i + 1} 127.0.0.1 40000 '
                   f'{d.port}\r\n'.encode())
            c.prompt()
            held.append(c)
        expect(held[-1], [2, 2], '2 threads: 4 clients through a proxy')
        d.stop()


def test(charfinderd):
    two_workers(charfinderd)
    two_workers(charfinderd, '--max-connections-per-address', '0')
    four_workers(charfinderd)
    proxied(charfinderd)


if __name__ == '__main__':
    cftest.main(test)
