"""--write-timeout 2: a client that pipelines big answers and never reads is
closed soon after its output stops moving; one that reads, if in bursts, is
not."""
import fcntl
import struct
import termios
import time

import cftest
from cftest import Client, check

TIMEOUT = 2
PIPELINED = 50


def unread_bytes(client):
    got = fcntl.ioctl(client.sock.fileno(), termios.FIONREAD, b'\0' * 4)
    return struct.unpack('i', got)[0]


def stuck_client(d):
    """Never reads: closed TIMEOUT seconds after its output stopped."""
    base = d.fds()
    stuck = Client(d.port)
    stuck.prompt()
    stuck.send(b'cjk\r\n' * PIPELINED)
    # The output moves while the kernel's buffers fill: note when it stops.
    last, last_change = -1, time.monotonic()
    deadline = time.monotonic() + TIMEOUT + 20
    while d.fds() > base:
        check(time.monotonic() < deadline, 'the stuck client is never closed')
        now = unread_bytes(stuck)
        if now != last:
            last, last_change = now, time.monotonic()
        time.sleep(0.05)
    took = time.monotonic() - last_change
    cftest.say(f'stuck client: {last} bytes arrived; closed {took:.2f} s '
               f'after its output stopped')
    check(TIMEOUT - 1 <= took <= TIMEOUT + 2,
          f'closed {took:.2f} s after its output stopped, not about {TIMEOUT}')
    got = stuck.read_to_eof(10)
    stuck.close()
    answers = got.count(b" matches for 'cjk'")
    check(answers < PIPELINED,
          f'all {answers} answers arrived: the client was not stuck')


def bursty_client(d):
    """Reads everything there is, every TIMEOUT / 2 seconds: served."""
    bursty = Client(d.port)
    bursty.prompt()
    bursty.send(b'cjk\r\n' * 3)
    deadline = time.monotonic() + 60
    for _ in range(3):
        while b" matches for 'cjk'\r\n" + cftest.PROMPT not in bursty.buf:
            check(time.monotonic() < deadline, 'the bursty reader hangs')
            time.sleep(TIMEOUT / 2)
            bursty.sock.settimeout(0)
            try:
                while True:
                    data = bursty.sock.recv(1 << 20)
                    check(data, 'the bursty reader was closed')
                    bursty.buf += data
            except BlockingIOError:
                pass
        bursty.read_until(b" matches for 'cjk'\r\n" + cftest.PROMPT)
    cftest.check_chess(bursty)
    bursty.close()


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, '--write-timeout', str(TIMEOUT)) as d:
        stuck_client(d)
        bursty_client(d)
        d.stop()


cftest.main(test)
