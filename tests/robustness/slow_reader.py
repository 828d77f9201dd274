"""A slow reader pipelines a thousand `cjk` and never reads: the daemon's
memory stays within a bound and another client on the same event loop
(--threads 1) is answered promptly meanwhile."""
import time

import cftest
from cftest import Client, check

PIPELINED = 1000
WATCH_FOR = 8			# seconds
# Over the baseline.  The answers are references into the index, the output
# stops at a 512 KiB watermark: measured +4 to +16 KiB (AddressSanitizer:
# +332 KiB).  A daemon that queued the answers would need 4 GB.
RSS_BOUND_KIB = 4 * 1024
LATENCY_BOUND = 1.0		# seconds, worst of the other client's queries


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, '--threads', '1') as d:
        # Warm up: one big answer read in full, so the baseline includes
        # what any answer brings into memory once.
        warm = Client(d.port)
        warm.prompt()
        warm.ask('cjk', 30)
        cftest.check_chess(warm)
        warm.close()
        time.sleep(0.5)
        base = d.rss_kib()

        slow = Client(d.port)
        slow.prompt()
        slow.send(b'cjk\r\n' * PIPELINED)
        other = Client(d.port)
        other.prompt()
        peak, worst, queries = base, 0.0, 0
        end = time.monotonic() + WATCH_FOR
        while time.monotonic() < end:
            peak = max(peak, d.rss_kib())
            worst = max(worst, cftest.check_chess(other, 5))
            queries += 1
            time.sleep(0.2)
        d.check_alive('with a slow reader')
        cftest.say(f'RSS baseline {base} KiB, peak {peak} KiB '
                   f'(+{peak - base} KiB; bound +{RSS_BOUND_KIB} KiB); '
                   f'{queries} queries from another client, worst '
                   f'{worst * 1000:.1f} ms')
        check(peak - base <= RSS_BOUND_KIB,
              f'RSS grew by {peak - base} KiB with a slow reader')
        check(worst < LATENCY_BOUND,
              f'another client waited {worst:.3f} s for an answer')
        # The slow reader was held, not dropped: its answers still come.
        got = slow.read_until(b" matches for 'cjk'", 30)
        check(got.startswith(b'U+'), f'the slow reader got {got[:50]!r}')
        slow.close()
        other.close()
        d.stop()


cftest.main(test)
