"""The HTTP front end with curl: every endpoint, status code and header, and
/search's answers compared with telnet's for the same queries.
Usage: http_api.py DAEMON"""
import http.client
import json
import re
import shutil
import socket
import subprocess
import time

import cftest
from cftest import Client, check

RESULT = re.compile(r'^(U\+[0-9A-F]{4,6}(?: U\+[0-9A-F]{4,6})*) *\t([^\t]*)\t'
                    r'(.*?)(?: \(alias (.*)\))?$')
SECURITY_HEADERS = {'x-content-type-options': 'nosniff',
                    'referrer-policy': 'no-referrer'}
QUERIES = ['chess black', 'smil*', 'smil* face', 'U+2654..U+2659', 'U+0007',
           'U+D800 U+FFFE U+E000 U+0378', 'é♚', 'nbsp', 'zwj', 'line feed',
           'registered', "jabberwocky's vest", 'cjk', 'latin small letter a',
           'bags under eyes', ':cat', ':flag korea', ':thumbs up dark',
           '\U0001f469\u200d\U0001f4bb', ':\uc6c3\uc74c']


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        check(self.headers.get('content-type') ==
              'application/json; charset=utf-8',
              f'content type {self.headers.get("content-type")}')
        return json.loads(self.body)


def curl(port, target, *options, host='127.0.0.1'):
    """One request with curl; the status, headers (lower case) and body."""
    out = subprocess.run(['curl', '-s', '-S', '-i', '--max-time', '60',
                          *options, f'http://{host}:{port}{target}'],
                         stdout=subprocess.PIPE, check=True).stdout
    head, _, body = out.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    return Answer(status, headers, body)


def check_headers(answer, what):
    for name, value in SECURITY_HEADERS.items():
        check(answer.headers.get(name) == value,
              f'{what}: {name} is {answer.headers.get(name)!r}')


def telnet_results(port, query):
    """The telnet answer's lines as dicts, and its status line."""
    client = Client(port)
    client.prompt()
    client.send(b'/limit 0\r\n')
    client.read_until(cftest.PROMPT)
    answer = client.ask(query, timeout=60).decode()
    client.close()
    lines = answer.rstrip('\r\n').split('\r\n')
    results = []
    for line in lines[:-1]:
        m = RESULT.match(line)
        check(m, f'telnet line {line!r}')
        r = {'cp': m.group(1).split()[0], 'char': m.group(2),
             'name': m.group(3)}
        if m.group(4):
            r['alias'] = m.group(4)
        results.append(r)
    return results, lines[-1], answer


def same_as_telnet(d, query):
    results, status, answer = telnet_results(d.port, query)
    encoded = subprocess.run(['python3', '-c', 'import sys, urllib.parse; '
                              'print(urllib.parse.quote_plus(sys.argv[1]))',
                              query], stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    got = curl(d.http_port, f'/search?q={encoded}&limit=0')
    check(got.status == 200, f'{query!r}: status {got.status}')
    check_headers(got, query)
    data = got.json()
    check(data['count'] == len(results), f'{query!r}: count {data["count"]}'
          f', telnet {len(results)}')
    check([{k: r[k] for k in ('cp', 'char', 'name', 'alias') if k in r}
           for r in data['results']] == results,
          f'{query!r}: results differ from telnet')
    text = curl(d.http_port, f'/search?q={encoded}&limit=0&format=text')
    check(text.headers.get('content-type') == 'text/plain; charset=utf-8',
          'format=text content type')
    check(text.body.decode() == answer, f'{query!r}: format=text differs '
          'from the telnet answer')
    cftest.say(f'{query!r}: {len(results)} results, as on telnet')


def emoji(d):
    """Emoji results carry their sequence, keywords, group and subgroup;
    relevance order, skin tones and /char's keywords."""
    port = d.http_port
    laugh = curl(port, '/search?q=:laugh').json()
    cps = {r['cp'] for r in laugh['results']}
    check({'U+1F606', 'U+1F923', 'U+1F602'} <= cps, f':laugh: {cps}')
    first = laugh['results'][0]
    check('laugh' in first['keywords']['en'] and 'ko' in first['keywords']
          and first['group'] == 'Smileys & Emotion' and first['subgroup'],
          f':laugh, first result: {first}')
    tech = curl(port, '/search?q=:woman+technologist').json()['results']
    check(len(tech) == 1 and tech[0]['cps'] == ['U+1F469', 'U+200D',
                                                'U+1F4BB'] and
          tech[0]['char'] == '\U0001f469\u200d\U0001f4bb' and
          tech[0]['name'] == 'woman technologist', f'technologist: {tech}')
    cat = curl(port, '/search?q=:cat&order=relevance&limit=1').json()
    check(cat['results'][0]['name'] == 'cat', f':cat by relevance: {cat}')
    plain = curl(port, '/search?q=:thumbs+up').json()
    tones = curl(port, '/search?q=:thumbs+up&tones=on').json()
    check(plain['count'] == 1 and tones['count'] == 6,
          f':thumbs up: {plain["count"]}, with tones {tones["count"]}')
    bad = curl(port, '/search?q=a&order=up')
    check(bad.status == 400, 'order=up accepted')
    grin = curl(port, '/char/U+1F600').json()
    check('grin' in grin['keywords']['en'] and grin['emoji'] is True,
          f'/char/U+1F600: {grin}')
    # Paging cuts the relevance order: the first page is the best ones.
    best = curl(port, '/search?q=heart&order=relevance&limit=0').json()
    page = curl(port, '/search?q=heart&order=relevance&offset=5&limit=5')
    check(page.json()['results'] == best['results'][5:10],
          'offset and limit do not cut the relevance order')


def errors(d):
    port = d.http_port
    for target, code, words in [
            ('/search', 400, 'missing q'),
            ('/search?q=a%00b', 400, 'control character'),
            ('/search?q=%ZZ', 400, 'bad percent-encoding'),
            ('/search?q=%ff', 400, 'not valid UTF-8'),
            ('/search?q=a&q=b', 400, 'more than once'),
            ('/search?q=a&limit=x', 400, 'limit must be'),
            ('/search?q=a&offset=-1', 400, 'offset must be'),
            ('/search?q=a&format=xml', 400, 'format must be'),
            ('/search?q=U%2BZZ', 400, "bad code point 'U+ZZ'"),
            ('/search?q=' + '+'.join(['w'] * 65), 400, 'too many words'),
            ('/char/U+110000', 400, 'bad code point'),
            ('/char/265A', 400, 'bad code point'),
            ('/nothing', 404, 'no such page')]:
        got = curl(port, target)
        check(got.status == code, f'{target}: status {got.status}, not '
              f'{code}')
        check_headers(got, target)
        check(words in got.json()['error'], f'{target}: {got.body!r}')
    post = curl(port, '/search?q=a', '-X', 'POST')
    check(post.status == 405 and post.headers.get('allow') == 'GET, HEAD',
          f'POST: {post.status} {post.headers}')
    body = curl(port, '/search?q=a', '--data', 'hello')
    check(body.status == 413, f'a body: {body.status}')
    big = curl(port, '/search?q=a', '-H', 'X-Big: ' + 'a' * 9000)
    check(big.status in (400, 431), f'9000 bytes of header: {big.status}')
    check(big.headers.get('connection') == 'close', 'open after a header '
          'over the limit')


def endpoints(d):
    port = d.http_port
    # + and %20 are both a space; the same answer as telnet's above.
    plus = curl(port, '/search?q=chess+black').json()
    space = curl(port, '/search?q=chess%20black').json()
    check(plus == space and plus['query'] == 'chess black' and
          plus['count'] == 35 and len(plus['results']) == 35 and
          plus['results'][0] == {'cp': 'U+265A', 'char': '\u265a',
                                 'name': 'BLACK CHESS KING'},
          f'chess black: {plus}')
    # Paging: limit 100 by default, offset and limit cut the same order.
    whole = curl(port, '/search?q=letter&limit=0').json()['results']
    page = curl(port, '/search?q=letter').json()
    check(page['limit'] == 100 and page['results'] == whole[:100],
          'the default page is not the first 100')
    for offset, limit in ((100, 7), (10850, 20), (20000, 5)):
        got = curl(port, f'/search?q=letter&offset={offset}&limit={limit}')
        check(got.json()['results'] == whole[offset:offset + limit],
              f'offset {offset} limit {limit}')
    head = curl(port, '/search?q=chess', '-I')
    check(head.status == 200 and head.body == b'' and
          head.headers.get('content-type') == 'application/json; '
          'charset=utf-8', f'HEAD: {head.status} {head.headers}')
    info = curl(port, '/char/u+265a').json()
    check(info['cp'] == 'U+265A' and info['char'] == '\u265a' and
          info['name'] == 'BLACK CHESS KING' and info['category'] == 'So'
          and info['block'] == 'Miscellaneous Symbols' and
          info['script'] == 'Common' and info['age'] == '1.1' and
          info['utf8'] == 'E2 99 9A' and info['utf16'] == '265A' and
          info['emoji'] is False, f'/char/U+265A: {info}')
    nbsp = curl(port, '/char/U+00A0').json()
    check({'alias': 'NBSP', 'type': 'abbreviation'} in nbsp['aliases'],
          f'/char/U+00A0: {nbsp}')
    new = curl(port, '/char/U+1FAE9').json()
    check(new['name'] == 'FACE WITH BAGS UNDER EYES' and
          new['age'] == '16.0' and new['emoji'] is True, f'/char/U+1FAE9: '
          f'{new}')
    unassigned = curl(port, '/char/U+0378')
    check(unassigned.status == 200 and unassigned.json()['name'] is None and
          unassigned.json()['label'] == '<unassigned-0378>',
          f'/char/U+0378: {unassigned.body}')
    health = curl(port, '/healthz')
    check(health.status == 200 and health.body == b'ok\n', '/healthz')
    metrics = curl(port, '/metrics')
    check(metrics.headers.get('content-type', '').startswith(
          'text/plain; version=0.0.4'), 'metrics content type')
    text = metrics.body.decode()
    for name in ('charfinderd_connections{front="http"}',
                 'charfinderd_queries_total{form="names"}',
                 'charfinderd_errors_total{kind="bad_query"}',
                 'charfinderd_query_duration_seconds_bucket{le="+Inf"}',
                 'charfinderd_index_build_seconds',
                 'charfinderd_uptime_seconds'):
        check(name in text, f'/metrics has no {name}')
    # IPv6 as well: the same addresses as telnet.
    v6 = curl(port, '/healthz', host='[::1]')
    check(v6.status == 200, 'HTTP on ::1')


def keep_alive(d):
    """200 requests on one connection, mixed with a streamed answer."""
    before = metric(d, 'charfinderd_connections_total{front="http"}')
    conn = http.client.HTTPConnection('127.0.0.1', d.http_port, timeout=30)
    for i in range(200):
        q = 'cjk&limit=0' if i % 50 == 0 else f'U%2B{0x2654 + i % 6:04X}'
        conn.request('GET', f'/search?q={q}')
        r = conn.getresponse()
        data = json.loads(r.read())
        check(r.status == 200 and data['count'] >= 1, f'request {i}')
    conn.close()
    time.sleep(0.2)
    after = metric(d, 'charfinderd_connections_total{front="http"}')
    # This connection, and the one that asked for /metrics.
    check(after - before == 2, f'{after - before} connections for 200 '
          'keep-alive requests')


def metric(d, name):
    text = curl(d.http_port, '/metrics').body.decode()
    for line in text.split('\n'):
        if line.startswith(name + ' '):
            return float(line.split()[-1])
    cftest.fail(f'no {name} in /metrics')


def test(charfinderd):
    if shutil.which('curl') is None:
        cftest.skip('curl not installed')
    with cftest.Daemon.local(charfinderd, '--address', '127.0.0.1',
                             '--address', '::1') as d:
        for query in QUERIES:
            same_as_telnet(d, query)
        endpoints(d)
        emoji(d)
        errors(d)
        keep_alive(d)
        d.check_alive('after the requests')
        d.stop()


cftest.main(test)
