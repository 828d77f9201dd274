"""Answers through HAProxy are byte for byte the answers of a replica asked
directly, on telnet and HTTP, and every replica names the real client (the
test's own address and port, 127.0.0.2), never HAProxy's.
Usage: through_haproxy.py CHARFINDERD"""
import http.client
import re
import tempfile
import urllib.parse

import cftest
from cftest import check, say
from cluster import TELNET, Cluster, client

CLIENT = '127.0.0.2'
# A forged X-Forwarded-For: HAProxy adds its own header after it.
FORGED = '192.0.2.66'
QUERIES = ['chess black', 'U+2654..U+2659', ':cat', 'registered', 'nbsp',
           'é♚', "jabberwocky's vest", 'U+0000..U+00FF', 'smil* face',
           'cjk']
HTTP_TARGETS = ['/healthz', '/char/U+2654', '/char/U+1F408'] + [
    '/search?' + urllib.parse.urlencode({'q': q, 'limit': 0})
    for q in QUERIES]


def telnet_answers(port, source):
    """The greeting and each query's answer, prompt included, as bytes;
    the connection's local port."""
    c = client(port, source)
    got = [c.read_until(cftest.PROMPT)]
    c.send(b'/limit 0\r\n')
    c.read_until(cftest.PROMPT)
    for q in QUERIES:
        got.append(c.ask(q, timeout=60) + cftest.PROMPT)
    local_port = c.sock.getsockname()[1]
    c.close()
    return got, local_port


def http_answers(port, source, headers=None):
    """(status, content type, body) of each target, on one keep-alive
    connection."""
    conn = http.client.HTTPConnection(cftest.LOOPBACK, port, timeout=60,
                                      source_address=(source, 0))
    got = []
    for target in HTTP_TARGETS:
        conn.request('GET', target, headers=headers or {})
        r = conn.getresponse()
        got.append((r.status, r.getheader('Content-Type'), r.read()))
    conn.close()
    return got


def test(charfinderd):
    with tempfile.TemporaryDirectory() as tmp, \
            Cluster(charfinderd, tmp) as cluster:
        r1 = cluster.replicas[0]
        direct, _ = telnet_answers(r1.port, CLIENT)
        check(all(a.endswith(b'\r\n' + cftest.PROMPT) for a in direct[1:]),
              'a direct answer without its prompt')
        say(f'{len(QUERIES)} direct answers, {sum(map(len, direct))} bytes')

        # Three sessions at once through HAProxy: leastconn gives each
        # replica one, and each must answer exactly as r1 did.
        marks = [r.log.mark() for r in cluster.replicas]
        sessions = []
        for _ in cluster.replicas:
            c = client(cluster.telnet_port, CLIENT)
            c.prompt()
            sessions.append(c)
        for c in sessions:
            c.send(b'/limit 0\r\n')
            c.read_until(cftest.PROMPT)
        for i, c in enumerate(sessions):
            got = [cftest.PROMPT] + [c.ask(q, timeout=60) + cftest.PROMPT
                                     for q in QUERIES]
            for q, a, b in zip(['(greeting)'] + QUERIES, got, direct):
                check(a == b, f'session {i}: {q!r} through HAProxy differs '
                      f'from the direct answer: {a[-120:]!r} / {b[-120:]!r}')
        ports = [c.sock.getsockname()[1] for c in sessions]
        for c in sessions:
            c.close()
        say(f'3 sessions through HAProxy from {CLIENT} (ports {ports}): '
            'every answer identical')

        # Each replica logged one of them, by the client's real address.
        for r, mark in zip(cluster.replicas, marks):
            cftest.logged([r.log], rf': client {re.escape(CLIENT)}:\d+$', 1,
                          [mark])
            lines = [line for line in r.log.lines[mark:]
                     if re.search(rf': client {re.escape(CLIENT)}:\d+$',
                                  line)]
            check(len(lines) == 1, f'{r.name}: {len(lines)} sessions from '
                  f'{CLIENT}, not 1 (leastconn): {lines!r}')
            m = re.search(r'charfinderd: 127\.0\.0\.1:(\d+): client '
                          rf'{re.escape(CLIENT)}:(\d+)$', lines[0])
            check(m and int(m.group(2)) in ports,
                  f'{r.name}: {lines[0]!r} names no port of ours {ports}')
            check(r.log.count(rf'connection from {re.escape(CLIENT)}',
                              mark) == 0,
                  f'{r.name}: HAProxy\'s client connected to it directly')
            say(f'{r.name}: {lines[0]}')
            ports.remove(int(m.group(2)))

        # HTTP: the same bodies; each request logged for its real client,
        # whatever X-Forwarded-For the client sent itself.
        direct_http = http_answers(r1.http_port, CLIENT)
        marks = [r.log.mark() for r in cluster.replicas]
        for headers in ({}, {'X-Forwarded-For': FORGED}):
            through = http_answers(cluster.http_port, CLIENT, headers)
            for target, a, b in zip(HTTP_TARGETS, through, direct_http):
                check(a == b, f'{target} through HAProxy: {a[0]} {a[1]} '
                      f'{a[2][:100]!r}; directly: {b[0]} {b[1]} '
                      f'{b[2][:100]!r}')
        check(all(a[0] == 200 for a in direct_http),
              f'statuses {[a[0] for a in direct_http]}')
        logged = cftest.logged([r.log for r in cluster.replicas],
                               rf'\(http\): request for {re.escape(CLIENT)}$',
                               2 * len(HTTP_TARGETS), marks)
        forged = sum(r.log.count(re.escape(FORGED), m)
                     for r, m in zip(cluster.replicas, marks))
        check(logged == 2 * len(HTTP_TARGETS),
              f'{logged} HTTP requests logged for {CLIENT}, not '
              f'{2 * len(HTTP_TARGETS)}')
        check(forged == 0, f'the forged address {FORGED} was logged')
        say(f'{2 * len(HTTP_TARGETS)} HTTP requests through HAProxy: the '
            f'same bodies, each logged for {CLIENT}, none for {FORGED}')

        # Health checks come with PROXY v2 LOCAL: no client, no warning.
        for r in cluster.replicas:
            check(r.log.count(r'closing$|PROXY') == 0,
                  f'{r.name} warned: {r.log.text()[-500:]}')
        check(cluster.status(TELNET, 'r1') == 'UP', 'r1 is not UP')
        cluster.stop()


cftest.main(test)
