"""Out of descriptors.

Part 1: started under `ulimit -n 64`, the daemon fits --max-connections
under the limit, so the limit turns clients away before accept() can fail.
Part 2: the limit of a running daemon is lowered (prlimit) below what its
clients need: accept() fails with EMFILE; the daemon logs the pause once,
does not spin, stays alive, and serves again when descriptors free up."""
import resource
import time

import cftest
from cftest import Client, check

LOW = 64
MAX_CLIENTS = 200		# bounded: far more than LOW allows
WATCH_FOR = 2			# seconds out of descriptors
CPU_BOUND = 0.2			# seconds of CPU while out of descriptors
BUSY = b'error: server busy, try again later\r\n'
PAUSE_LOG = r'accept \(telnet\): .*(open files|EMFILE)'


def first_bytes(client):
    """'?> ' for a served client, 'error: ' for a refused one, or None."""
    try:
        return client.read_until(b' ', 1)
    except cftest.Failure:
        return None


def fitted_limit(charfinderd):
    with cftest.Daemon.local(charfinderd, '--max-connections', '10000',
                       wrapper=('prlimit', f'--nofile={LOW}:{LOW}')) as d:
        found = d.wait_log(r'lowered to (\d+)', 1)
        fitted = int(found.group(1))
        check(fitted < LOW, f'--max-connections lowered to {fitted} only')
        clients = []
        for _ in range(fitted):
            clients.append(Client(d.port))
            check(first_bytes(clients[-1]) == cftest.PROMPT,
                  f'client {len(clients)} of {fitted} not served')
        extra = Client(d.port)
        got = extra.read_to_eof()
        check(got == BUSY, f'client {fitted + 1} got {got!r}')
        for client in clients + [extra]:
            client.close()
        d.stop()


def out_of_descriptors(charfinderd):
    with cftest.Daemon.local(charfinderd, '--threads', '1') as d:
        resource.prlimit(d.pid, resource.RLIMIT_NOFILE, (LOW, LOW))
        mark = d.log_mark()
        clients, pending = [], None
        while pending is None and len(clients) < MAX_CLIENTS:
            client = Client(d.port)
            if first_bytes(client) == cftest.PROMPT:
                clients.append(client)
            else:
                pending = client
        check(pending is not None,
              f'{len(clients)} clients served under a limit of {LOW}')
        cftest.say(f'{len(clients)} clients served, then accept failed')
        cpu = d.cpu_seconds()
        time.sleep(WATCH_FOR)
        cpu = d.cpu_seconds() - cpu
        d.check_alive('out of descriptors')
        logged = d.log_count(PAUSE_LOG, since=mark)
        cftest.say(f'out of descriptors for {WATCH_FOR} s: {cpu:.2f} s of '
                   f'CPU, {logged} log lines about it')
        check(cpu <= CPU_BOUND, f'{cpu:.2f} s of CPU in {WATCH_FOR} s: spins')
        check(logged == 1, f'the pause was logged {logged} times, not once')
        for client in clients[:10]:
            client.close()
        # The client that waited is served now, and a new one too.
        pending.read_until(cftest.PROMPT, 3)
        cftest.check_chess(pending)
        fresh = Client(d.port)
        fresh.prompt()
        cftest.check_chess(fresh)
        for client in clients[10:] + [pending, fresh]:
            client.close()
        d.stop()


def test(charfinderd, rclient):
    fitted_limit(charfinderd)
    out_of_descriptors(charfinderd)


cftest.main(test)
