"""50 hostile clients (random bytes, IAC DO floods, IAC SB without SE, NULs,
endless lines): meanwhile and afterwards the daemon lives and answers."""
import time

import cftest
from cftest import Client, check

CLIENTS = 50
BYTES = 16 << 20		# per client
# Growth over the flood.  Each client may hold its line (4 KiB), its input
# (64 KiB) and its output (512 KiB) watermarks: under 29 MiB for 50; measured
# about 1.1 MiB.  An unbounded buffer would grow by the 800 MiB sent.
RSS_BOUND_KIB = 32 * 1024


def probe(d, when):
    """A new client, one normal query; the seconds it took."""
    d.check_alive(when)
    client = Client(d.port)
    client.prompt()
    took = cftest.check_chess(client, 5)
    client.close()
    return took


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, *cftest.ONE_ADDRESS) as d:
        base_fds = d.fds()
        probe(d, 'at start')
        base = d.rss_kib()
        flood = cftest.start_rclient(rclient, 'flood', d.port,
                                     clients=CLIENTS, kind='mixed',
                                     bytes=BYTES, timeout=90)
        probes, worst, peak = 0, 0.0, base
        while flood.poll() is None and probes < 1000:
            worst = max(worst, probe(d, 'during the flood'))
            peak = max(peak, d.rss_kib())
            probes += 1
            time.sleep(0.2)
        cftest.wait_rclient(flood, 100)
        probe(d, 'after the flood')
        cftest.say(f'{probes} probes during the flood, worst '
                   f'{worst * 1000:.1f} ms; RSS {base} KiB before, '
                   f'{peak} KiB peak, {d.rss_kib()} KiB after')
        check(probes > 0, 'the flood ended before any probe')
        left = d.wait_fds(base_fds, 10)
        check(left == base_fds, f'{left - base_fds} descriptors still open '
              f'after the hostile clients left')
        if d.sanitized():
            cftest.say('sanitizer build: the RSS bound is not checked')
        else:
            check(peak - base <= RSS_BOUND_KIB,
                  f'RSS grew by {peak - base} KiB during the flood')
        d.stop()


cftest.main(test)
