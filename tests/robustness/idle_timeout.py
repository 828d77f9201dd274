"""--idle-timeout 2: an idle client is told why and closed; a busy one is not.
"""
import threading
import time

import cftest
from cftest import Client, check

IDLE = 2
FAREWELL = (f'\r\nerror: idle for {IDLE} seconds, closing the connection\r\n'
            .encode())
BUSY_FOR = 3 * IDLE


def keep_querying(port, failures):
    """Queries every half second for BUSY_FOR seconds, then once more."""
    try:
        client = Client(port)
        client.prompt()
        end = time.monotonic() + BUSY_FOR
        while time.monotonic() < end:
            cftest.check_chess(client)
            time.sleep(0.5)
        cftest.check_chess(client)
        client.close()
    except Exception as failure:
        failures.append(failure)


def test(charfinderd, rclient):
    with cftest.Daemon(charfinderd, '--idle-timeout', str(IDLE)) as d:
        failures = []
        busy = threading.Thread(target=keep_querying, args=(d.port, failures))
        busy.start()
        idle = Client(d.port)
        idle.prompt()
        began = time.monotonic()
        got = idle.read_to_eof(IDLE + 5)
        took = time.monotonic() - began
        idle.close()
        cftest.say(f'idle client closed after {took:.2f} s')
        check(got == FAREWELL, f'the idle client got {got!r}')
        check(IDLE - 0.5 <= took <= IDLE + 2,
              f'closed after {took:.2f} s, not about {IDLE}')
        busy.join(BUSY_FOR + 10)
        check(not busy.is_alive(), 'the busy client hangs')
        check(not failures, f'the busy client: {failures}')
        d.stop()


cftest.main(test)
