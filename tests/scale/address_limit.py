"""--max-connections-per-address (3 here), directly and behind HAProxy: the
next connection from a full address gets the error line (HTTP: 429) and is
closed, other addresses are served, and a place freed is taken again.
Behind HAProxy the address is the one its PROXY header names: a client
gets 3 sessions on each replica, 9 in all, and the 10th is refused.  HTTP
behind HAProxy is limited by HAProxy itself (the configuration's
stick-table, 3 here too), with the replicas' 429 answer.
Usage: address_limit.py CHARFINDERD"""
import http.client
import json
import re
import socket
import struct
import tempfile
import time

import cftest
from cftest import check, say
from cluster import Cluster, client

LIMIT = 3
REFUSED = b'error: too many connections from your address\r\n'
SIGNATURE = b'\r\n\r\n\x00\r\nQUIT\n'


def proxied(port, client_addr):
    """A connection from 127.0.0.1 (trusted) whose v2 header names
    client_addr (IPv4 or IPv6), port 40000."""
    family = socket.AF_INET6 if ':' in client_addr else socket.AF_INET
    dst = '::1' if family == socket.AF_INET6 else '127.0.0.1'
    body = (socket.inet_pton(family, client_addr)
            + socket.inet_pton(family, dst) + struct.pack('!HH', 40000, port))
    header = (SIGNATURE + bytes([0x21, 0x21 if family == socket.AF_INET6
                                 else 0x11])
              + struct.pack('!H', len(body)) + body)
    c = cftest.Client(port, source='127.0.0.1')
    c.send(header)
    return c


def served(c, what):
    c.prompt()
    check(cftest.status_line(c.ask('registered'))
          == "1 match for 'registered'", f'{what}: not served')


def refused(c, what):
    got = c.read_to_eof()
    check(got == REFUSED, f'{what}: got {got!r}, not the error line')
    c.close()


def fill(make, what):
    """LIMIT connections from one address, each served."""
    clients = []
    for i in range(LIMIT):
        c = make()
        served(c, f'{what}, connection {i + 1}')
        clients.append(c)
    return clients


def retry_served(make, what):
    """A place was freed: a new connection is served once the replica has
    seen the close (a moment)."""
    deadline = time.monotonic() + 5
    while True:
        c = make()
        first = c.read_until(b' ', 5)
        if first == cftest.PROMPT:
            c.buf = first + c.buf
            served(c, what)
            return c
        check(time.monotonic() < deadline, f'{what}: still refused')
        c.close()
        time.sleep(0.1)


def direct(cluster):
    r1 = cluster.replicas[0]
    # Clients of their own addresses.
    full = fill(lambda: client(r1.port, '127.0.0.5'), '127.0.0.5')
    refused(client(r1.port, '127.0.0.5'), f'127.0.0.5, connection '
            f'{LIMIT + 1}')
    other = client(r1.port, '127.0.0.6')
    served(other, '127.0.0.6, beside a full address')
    other.close()
    conn = http.client.HTTPConnection(cftest.LOOPBACK, r1.http_port,
                                      timeout=10,
                                      source_address=('127.0.0.5', 0))
    conn.request('GET', '/search?q=registered')
    r = conn.getresponse()
    body = r.read()
    check(r.status == 429 and json.loads(body) == {
        'error': 'too many connections from your address'},
        f'HTTP from a full address: {r.status} {body!r}')
    conn.close()
    full.pop().close()
    full.append(retry_served(lambda: client(r1.port, '127.0.0.5'),
                             '127.0.0.5 after one left'))
    say(f'direct: {LIMIT} from 127.0.0.5 served, the next refused (HTTP: '
        '429), 127.0.0.6 served, a place freed taken again')

    # Clients a PROXY header names; IPv6 counted by its /64.
    for name, same, other in (
            ('IPv4', ['192.0.2.50'] * 4, '192.0.2.51'),
            ('IPv6 /64', ['2001:db8:1:2::1', '2001:db8:1:2::2',
                          '2001:db8:1:2::3', '2001:db8:1:2:ffff::9'],
             '2001:db8:1:3::1')):
        held = [proxied(r1.port, a) for a in same[:LIMIT]]
        for c, a in zip(held, same):
            served(c, f'{name}: {a}')
        refused(proxied(r1.port, same[LIMIT]),
                f'{name}: {same[LIMIT]}, beyond {LIMIT}')
        held.append(proxied(r1.port, other))
        served(held[-1], f'{name}: {other}')
        full += held
        say(f'direct, PROXY headers, {name}: {LIMIT} served, '
            f'{same[LIMIT]} refused, {other} served')
    check(cftest.logged([r1.log], r'192\.0\.2\.50:40000: too many clients '
                        r'from its address$', 1) == 1,
          'the refusal of 192.0.2.50 is not logged once')
    for c in full:
        c.close()


def behind_haproxy(cluster):
    port = cluster.telnet_port
    # One at a time: leastconn spreads them, LIMIT on each replica.
    full = fill(lambda: client(port, '127.0.0.7'), '127.0.0.7') \
        + fill(lambda: client(port, '127.0.0.7'), '127.0.0.7') \
        + fill(lambda: client(port, '127.0.0.7'), '127.0.0.7')
    for r in cluster.replicas:
        n = cftest.logged([r.log], r'client 127\.0\.0\.7:\d+$', LIMIT)
        check(n == LIMIT, f'{r.name}: {n} sessions of 127.0.0.7')
    refused(client(port, '127.0.0.7'), f'127.0.0.7 through HAProxy, '
            f'connection {len(full) + 1}')
    check(cftest.logged([r.log for r in cluster.replicas],
                        r'127\.0\.0\.7:\d+: too many clients from its '
                        r'address$', 1) == 1,
          'the refusal through HAProxy is not logged once')
    other = client(port, '127.0.0.8')
    served(other, '127.0.0.8 through HAProxy, beside a full address')
    other.close()
    full.pop().close()
    full.append(retry_served(lambda: client(port, '127.0.0.7'),
                             '127.0.0.7 through HAProxy after one left'))
    for c in full:
        c.close()
    say(f'through HAProxy: 127.0.0.7 has {LIMIT} on each of 3 replicas, '
        'the next is refused, 127.0.0.8 served, a place freed taken again')


def http_get(conn, what):
    conn.request('GET', '/search?q=registered')
    r = conn.getresponse()
    body = r.read()
    return r, body


def http_behind_haproxy(cluster):
    def connect(source):
        return http.client.HTTPConnection(
            cftest.LOOPBACK, cluster.http_port, timeout=10,
            source_address=(source, 0))
    held = []
    for i in range(LIMIT):
        held.append(connect('127.0.0.9'))
        r, body = http_get(held[-1], f'127.0.0.9, connection {i + 1}')
        check(r.status == 200, f'127.0.0.9 HTTP {i + 1}: {r.status}')
    extra = connect('127.0.0.9')
    r, body = http_get(extra, 'beyond')
    check(r.status == 429 and r.getheader('Content-Type')
          == 'application/json; charset=utf-8' and json.loads(body) == {
              'error': 'too many connections from your address'},
          f'HTTP through HAProxy, connection {LIMIT + 1}: {r.status} '
          f'{r.getheader("Content-Type")} {body!r}')
    check(extra.sock is None or extra.sock.recv(1) == b'',
          'the refused HTTP connection stayed open')
    extra.close()
    other = connect('127.0.0.10')
    check(http_get(other, '127.0.0.10')[0].status == 200,
          '127.0.0.10 refused beside a full address')
    other.close()
    held.pop().close()
    deadline = time.monotonic() + 5
    while True:
        again = connect('127.0.0.9')
        status = http_get(again, 'again')[0].status
        again.close()
        if status == 200:
            break
        check(time.monotonic() < deadline, 'no HTTP place freed')
        time.sleep(0.1)
    for c in held:
        c.close()
    say(f'HTTP through HAProxy: {LIMIT} keep-alive connections from '
        '127.0.0.9 served, the next one 429 and closed, 127.0.0.10 '
        'served, a place freed taken again')


def test(charfinderd):
    with tempfile.TemporaryDirectory() as tmp, \
            Cluster(charfinderd, tmp, options=(
                '--max-connections-per-address', str(LIMIT)),
                http_limit=LIMIT) as cluster:
        direct(cluster)
        behind_haproxy(cluster)
        http_behind_haproxy(cluster)
        for r in cluster.replicas:
            check(r.log.count(r'closing$') == 0,
                  f'{r.name} warned: {r.log.text()[-400:]}')
        check(not any(re.search(r'client 127\.0\.0\.1:', line)
                      for r in cluster.replicas for line in r.log.lines),
              'a session named HAProxy as its client')
        cluster.stop()


cftest.main(test)
