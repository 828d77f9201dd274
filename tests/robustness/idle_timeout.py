"""--idle-timeout 2: an idle client is told why and closed; a busy one is
not, and neither is one that sends nothing while it slowly reads a long
answer.  --idle-timeout 1: "1 second"."""
import socket
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


def read_slowly(port, failures):
    """Asks for 'cjk' (4 MB) and takes 1.25 times IDLE to read it, sending
    nothing meanwhile: not idle, so no farewell after the answer either.
    A small receive buffer keeps most of the answer on the daemon's side,
    where the daemon can see that it is still being read."""
    try:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.settimeout(IDLE + 5)
        sock.connect((cftest.LOOPBACK, port))
        end = b"matches for 'cjk'\r\n?> "
        got = bytearray()
        while not got.endswith(b'?> '):
            got += sock.recv(3)
        sock.sendall(b'cjk\r\n')
        began, got = time.monotonic(), bytearray()
        while end not in got:
            chunk = sock.recv(65536)
            check(chunk, f'closed after {len(got)} bytes of the answer')
            got += chunk
            # the 4 MB in 1.25 * IDLE: well before the second idle check
            time.sleep(max(0.0, began + len(got) * 1.25 * IDLE / 4.1e6 -
                           time.monotonic()))
        took = time.monotonic() - began
        sock.settimeout(0.3)
        try:
            got += sock.recv(65536)
        except socket.timeout:
            pass
        check(b'error: idle' not in got, 'told it was idle while it was '
              'reading its answer')
        check(took > IDLE, f'read the answer in {took:.2f} s: too fast '
              f'to show anything')
        cftest.say(f'slow reader got {len(got)} bytes in {took:.2f} s')
        sock.close()
    except Exception as failure:
        failures.append(failure)


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, '--idle-timeout', str(IDLE)) as d:
        failures = []
        busy = threading.Thread(target=keep_querying, args=(d.port, failures))
        busy.start()
        slow = threading.Thread(target=read_slowly, args=(d.port, failures))
        slow.start()
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
        slow.join(60)
        check(not slow.is_alive(), 'the slow reader hangs')
        check(not failures, f'the busy or the slow client: {failures}')
        d.stop()
    with cftest.Daemon.local(charfinderd, '--idle-timeout', '1') as d:
        idle = Client(d.port)
        idle.prompt()
        got = idle.read_to_eof(6)
        idle.close()
        check(got == b'\r\nerror: idle for 1 second, closing the '
              b'connection\r\n', f'with --idle-timeout 1, the client got '
              f'{got!r}')
        d.stop()


cftest.main(test)
