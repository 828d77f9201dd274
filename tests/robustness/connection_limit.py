"""--max-connections 50: the 51st client is told and closed, the 50 served."""
import time

import cftest
from cftest import Client, check

LIMIT = 50
BUSY = b'error: server busy, try again later\r\n'


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, '--max-connections', str(LIMIT)) as d:
        clients = [Client(d.port) for _ in range(LIMIT)]
        for client in clients:
            client.prompt()
        extra = Client(d.port)
        got = extra.read_to_eof()
        check(got == BUSY, f'client {LIMIT + 1} got {got!r}')
        extra.close()
        for client in clients:
            cftest.check_chess(client)
            check(client.buf == b'', f'unexpected bytes {client.buf!r}')
        # One leaves: there is room for one more, once the daemon knows.
        clients.pop().close()
        deadline = time.monotonic() + 3
        while True:
            late = Client(d.port)
            first = late.read_until(b' ', 2)
            if first != BUSY[:len(first)] or time.monotonic() > deadline:
                break
            late.close()
            time.sleep(0.1)
        check(first + late.buf == cftest.PROMPT,
              f'no room after a client left: {first!r}')
        late.buf = b''
        cftest.check_chess(late)
        late.close()
        for client in clients:
            client.close()
        d.stop()


cftest.main(test)
