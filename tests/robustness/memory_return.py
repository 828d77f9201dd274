"""Memory taken under load is given back once the load is gone.

Three rounds of 1,000 clients at once, each asking 5 random queries
(prefix and multi-word searches, code point ranges, identify; at most 50
lines each) and leaving.  A while after each crowd has left, the daemon's
RSS must be back within a few MiB of what it was before the first crowd:
the workers return their free heap memory once they have had no client
for a second."""
import random
import selectors
import socket
import time

import cftest
from cftest import check

CLIENTS = 1000
ROUNDS = 3
QUERIES = ['chess black', 'smil*', 'latin small letter', 'arrow*', 'mark',
           'U+0000..U+00FF', 'greek', 'box drawings', '\u00e9\u2603',
           'math* bold', 'black', 'letter', 'sign', 'cyr*', 'tag']
SETTLE = 3.0			# seconds after a crowd leaves
RSS_SLACK_KIB = 4 * 1024


def crowd(port, rng):
    """CLIENTS clients at once, each with 5 queries, until each is closed."""
    sel = selectors.DefaultSelector()
    pending = {}
    for _ in range(CLIENTS):
        sock = socket.create_connection((cftest.LOOPBACK, port), 10)
        sock.setblocking(False)
        words = rng.sample(QUERIES, 5)
        data = (''.join(q + '\r\n' for q in words) +
                '/quit\r\n').encode()
        pending[sock] = data
        sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    closed, deadline = 0, time.monotonic() + 60
    while closed < CLIENTS:
        check(time.monotonic() < deadline, f'{CLIENTS - closed} clients '
              'still open after 60 s')
        for key, events in sel.select(1):
            sock = key.fileobj
            if events & selectors.EVENT_WRITE and pending[sock]:
                sent = sock.send(pending[sock])
                pending[sock] = pending[sock][sent:]
                if not pending[sock]:
                    sel.modify(sock, selectors.EVENT_READ)
            if events & selectors.EVENT_READ:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = b''
                if not data:
                    sel.unregister(sock)
                    sock.close()
                    closed += 1
    sel.close()


def test(charfinderd, rclient):
    cftest.raise_fd_limit(CLIENTS + 1000)
    rng = random.Random(2326)
    with cftest.Daemon.local(charfinderd, *cftest.ONE_ADDRESS) as d:
        cftest.check_serves(cftest.LOOPBACK, d.port)
        base = d.rss_kib()
        after = []
        for n in range(ROUNDS):
            crowd(d.port, rng)
            time.sleep(SETTLE)
            after.append(d.rss_kib())
            cftest.say(f'round {n + 1}: RSS {after[-1]} KiB, '
                       f'{after[-1] - base:+d} KiB since start-up')
        cftest.say(f'RSS at start-up {base} KiB, after each crowd {after}')
        if d.sanitized():
            cftest.say('sanitizer build: the RSS bound is not checked')
        else:
            check(max(after) - base <= RSS_SLACK_KIB,
                  f'RSS {max(after)} KiB after the crowds left, '
                  f'{base} KiB at start-up')
        d.stop()


cftest.main(test)
