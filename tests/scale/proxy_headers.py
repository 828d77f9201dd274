"""PROXY headers against one replica, from a raw socket: what HAProxy's
doc/proxy-protocol.txt allows is accepted (v1 TCP4, TCP6 and UNKNOWN; v2
PROXY and LOCAL over IPv4, IPv6 and other families, with TLVs), whole or
a byte at a time, with the first query in the same write; what it does not
is closed at once, and a header that never ends after 5 seconds, each with
exactly one log line and nothing written; from an address that is not
--proxy-from, the same bytes are a query like any other.
Usage: proxy_headers.py CHARFINDERD"""
import re
import select
import socket
import struct
import threading
import time

import cftest
from cftest import check, say

TRUSTED = '127.0.0.1'
UNTRUSTED = '127.0.0.3'
TIMEOUT = 5		# charfinderd's PROXY_TIMEOUT
SIGNATURE = b'\r\n\r\n\x00\r\nQUIT\n'
CHESS = b'chess black king\r\n'
CHESS_ANSWER = ("U+265A \t\u265a\tBLACK CHESS KING\r\n"
                "U+1FA0F\t\U0001fa0f\tBLACK CHESS KING ROTATED NINETY "
                "DEGREES\r\n"
                "U+1FA24\t\U0001fa24\tBLACK CHESS TURNED KING\r\n"
                "U+1FA39\t\U0001fa39\tBLACK CHESS KING ROTATED TWO HUNDRED "
                "SEVENTY DEGREES\r\n"
                "4 matches for 'chess black king'\r\n?> ").encode()
# Type-length-value fields after the addresses (section 2.2.1): ALPN,
# AUTHORITY, CRC32C (not checked: the spec makes it optional), NOOP,
# UNIQUE_ID, and a custom one.
TLVS = (b'\x01\x00\x02h2' + b'\x02\x00\x0bexample.org'
        + b'\x03\x00\x04\x00\x00\x00\x00' + b'\x04\x00\x03\x00\x00\x00'
        + b'\x05\x00\x04abcd' + b'\xe0\x00\x01\x2a')


def v2(command, family, body):
    """A v2 header: version 2, command (0 LOCAL, 1 PROXY), family byte."""
    return (SIGNATURE + bytes([0x20 | command, family])
            + struct.pack('!H', len(body)) + body)


def inet4(src, dst, sport, dport):
    return (socket.inet_pton(socket.AF_INET, src)
            + socket.inet_pton(socket.AF_INET, dst)
            + struct.pack('!HH', sport, dport))


def inet6(src, dst, sport, dport):
    return (socket.inet_pton(socket.AF_INET6, src)
            + socket.inet_pton(socket.AF_INET6, dst)
            + struct.pack('!HH', sport, dport))


MAX_V6 = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
# name: (header, the client the replica must log, or None for its own
# view of the connection: LOCAL, UNKNOWN, families without an address)
GOOD = {
    'v1 TCP4': (b'PROXY TCP4 192.0.2.7 127.0.0.1 40000 2323\r\n',
                '192.0.2.7:40000'),
    'v1 TCP6': (b'PROXY TCP6 2001:db8::7 ::1 40001 2323\r\n',
                '[2001:db8::7]:40001'),
    'v1 TCP6, longest': (f'PROXY TCP6 {MAX_V6} {MAX_V6} 65535 65535\r\n'
                         .encode(), f'[{MAX_V6}]:65535'),
    'v1 UNKNOWN': (b'PROXY UNKNOWN\r\n', None),
    # The spec's worst case: 107 bytes, CR LF included.
    'v1 UNKNOWN, 107 bytes': (b'PROXY UNKNOWN ' + MAX_V6.encode() + b' '
                              + MAX_V6.encode() + b' 65535 65535\r\n',
                              None),
    'v2 PROXY TCP4': (v2(1, 0x11, inet4('192.0.2.8', '127.0.0.1', 40002,
                                        2323)), '192.0.2.8:40002'),
    'v2 PROXY TCP4, TLVs': (v2(1, 0x11, inet4('192.0.2.9', '127.0.0.1',
                                              40003, 2323) + TLVS),
                            '192.0.2.9:40003'),
    'v2 PROXY TCP6, TLVs': (v2(1, 0x21, inet6('2001:db8::9', '::1', 40004,
                                              2323) + TLVS),
                            '[2001:db8::9]:40004'),
    'v2 PROXY TCP6, 1024 bytes': (v2(1, 0x21, inet6(
        '2001:db8::a', '::1', 40005, 2323)
        + b'\x04\x03\xc9' + bytes(969)), '[2001:db8::a]:40005'),
    'v2 LOCAL': (v2(0, 0x00, b''), None),
    'v2 LOCAL, addresses and TLVs': (v2(0, 0x11, inet4(
        '192.0.2.10', '127.0.0.1', 40006, 2323) + TLVS), None),
    'v2 PROXY UNSPEC': (v2(1, 0x00, b''), None),
    'v2 PROXY UDP4': (v2(1, 0x12, inet4('192.0.2.11', '127.0.0.1', 40007,
                                        53)), None),
    'v2 PROXY UNIX': (v2(1, 0x31, bytes(216)), None),
}
# name: (bytes, the reason logged)
BAD = {
    'a query': (CHESS, 'no PROXY header from a --proxy-from source'),
    'HTTP': (b'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'no PROXY header'),
    'lower case': (b'proxy TCP4 198.51.100.7 127.0.0.1 1 2\r\n',
                   'no PROXY header'),
    'a v2 signature gone wrong': (SIGNATURE[:7] + b'QUIX\n' + bytes(8),
                                  'no PROXY header'),
    'v1 TCP5': (b'PROXY TCP5 198.51.100.7 127.0.0.1 1 2\r\n',
                'must be TCP4, TCP6 or UNKNOWN'),
    'v1 address 256': (b'PROXY TCP4 192.0.2.256 127.0.0.1 1 2\r\n',
                       'a bad address'),
    'v1 TCP4 with IPv6': (b'PROXY TCP4 ::1 ::1 1 2\r\n',
                          'a bad address'),
    'v1 TCP6 with IPv4': (b'PROXY TCP6 198.51.100.7 127.0.0.1 1 2\r\n',
                          'a bad address'),
    'v1 port 65536': (b'PROXY TCP4 198.51.100.7 127.0.0.1 65536 2\r\n',
                      'a bad port'),
    'v1 port 01': (b'PROXY TCP4 198.51.100.7 127.0.0.1 01 2\r\n',
                   'a bad port'),
    'v1 port -1': (b'PROXY TCP4 198.51.100.7 127.0.0.1 -1 2\r\n',
                   'a bad port'),
    'v1 five fields': (b'PROXY TCP4 198.51.100.7 127.0.0.1 1\r\n',
                       'needs 6 fields'),
    'v1 two spaces': (b'PROXY TCP4  198.51.100.7 127.0.0.1 1 2\r\n',
                      'needs 6 fields'),
    'v1 CR without LF': (b'PROXY TCP4 198.51.100.7 127.0.0.1 1 2\rX',
                         'a CR without LF'),
    'v1 LF without CR': (b'PROXY TCP4 198.51.100.7 127.0.0.1 1 2\n',
                         'a NUL or LF inside'),
    'v1 NUL': (b'PROXY TCP4 198.51.100.7\x00 127.0.0.1 1 2\r\n',
               'a NUL or LF inside'),
    'v1 108 bytes': (b'PROXY UNKNOWN ' + MAX_V6.encode() + b' '
                     + MAX_V6.encode() + b' 65535 655350\r\n',
                     'no CR LF within 107 bytes'),
    'v1 oversized': (b'PROXY TCP4 ' + b'1' * 300 + b'\r\n',
                     'no CR LF within 107 bytes'),
    'v2 version 1': (SIGNATURE + b'\x11\x11\x00\x0c'
                     + inet4('198.51.100.7', '127.0.0.1', 1, 2),
                     'another version or command'),
    'v2 command 2': (SIGNATURE + b'\x22\x11\x00\x0c'
                     + inet4('198.51.100.7', '127.0.0.1', 1, 2),
                     'another version or command'),
    'v2 TCP4, 8 bytes': (v2(1, 0x11, inet4('198.51.100.7', '127.0.0.1', 1,
                                           2)[:8]), 'too short'),
    'v2 TCP6, 12 bytes': (v2(1, 0x21, inet4('198.51.100.7', '127.0.0.1', 1,
                                            2)), 'too short'),
    'v2 1025 bytes': (v2(1, 0x21, inet6('2001:db8::a', '::1', 1, 2)
                         + b'\x04\x03\xca' + bytes(970)), 'over 1024 bytes'),
    'v2 oversized': (SIGNATURE + b'\x21\x11\xff\xff' + bytes(100),
                     'over 1024 bytes'),
}
# Never finished: (bytes sent at once, what the log says)
LATE = {
    'nothing': b'',
    'half a v1 header': b'PROXY TCP4 198.51.100.7 ',
    'half a v2 header': v2(1, 0x11, inet4('198.51.100.7', '127.0.0.1', 1,
                                          2))[:20],
    'a v2 header without its TLVs': v2(1, 0x11, inet4(
        '198.51.100.7', '127.0.0.1', 1, 2) + TLVS)[:30],
}
NO_HEADER = 'no PROXY header within 5 seconds'


def connect(port, source=TRUSTED):
    s = socket.create_connection((cftest.LOOPBACK, port), 5,
                                 source_address=(source, 0))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def send_bytewise(s, data):
    """One byte per write, a pause between, so that each is its own read."""
    for i in range(len(data)):
        s.sendall(data[i:i + 1])
        time.sleep(0.002)


def read_to_eof(s, timeout):
    """Everything until the replica closes; fails after timeout."""
    got = b''
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        check(left > 0, f'not closed within {timeout} s; got {got!r}')
        ready, _, _ = select.select([s], [], [], left)
        if not ready:
            continue
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return got
        if not chunk:
            return got
        got += chunk


def read_until(s, end, timeout=10):
    got = b''
    deadline = time.monotonic() + timeout
    while not got.endswith(end):
        left = deadline - time.monotonic()
        check(left > 0, f'no {end!r} within {timeout} s; got {got[-200:]!r}')
        s.settimeout(left)
        chunk = s.recv(65536)
        check(chunk, f'closed after {got[-200:]!r}')
        got += chunk
    return got


def peer_lines(d, port, mark):
    """The log lines about the connection from our local port, but
    'connection from' and 'closed'."""
    peer = re.escape(f'{TRUSTED}:{port}')
    return [line for line in d.log.lines[mark:]
            if re.search(rf'\b{peer}\b', line)
            and not re.search(rf'connection from {peer} \(a proxy\)$|'
                              rf'closed {peer}$', line)]


def wait_closed_logged(d, port, mark, client=None):
    """Once the replica logged the close (by the name of the client a
    header named, if any): the lines about the connection."""
    name = client or f'{TRUSTED}:{port}'
    d.wait_log(rf'closed {re.escape(name)}$', 10, mark)
    return peer_lines(d, port, mark)


def good(d, name, header, client, bytewise):
    mark = d.log_mark()
    s = connect(d.port)
    port = s.getsockname()[1]
    if bytewise:
        send_bytewise(s, header)
        s.sendall(CHESS)
    else:
        s.sendall(header + CHESS)	# the first query in the same write
    got = read_until(s, b'?> ' + CHESS_ANSWER)
    check(got == b'?> ' + CHESS_ANSWER, f'{name}: got {got!r}')
    s.sendall(b'/quit\r\n')
    check(read_to_eof(s, 10) == b'goodbye\r\n', f'{name}: no goodbye')
    s.close()
    lines = wait_closed_logged(d, port, mark, client)
    if client is None:
        check(lines == [], f'{name}: {lines!r}')
    else:
        check(len(lines) == 1 and lines[0].endswith(
            f'{TRUSTED}:{port}: client {client}'),
            f'{name}: not the one line naming {client}: {lines!r}')


def bad(d, name, data, reason, bytewise):
    mark = d.log_mark()
    s = connect(d.port)
    port = s.getsockname()[1]
    try:
        if bytewise:
            send_bytewise(s, data)
        else:
            s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass		# closed before the rest went out: fine
    got = read_to_eof(s, 10)
    s.close()
    check(got == b'', f'{name}: the replica wrote {got!r}')
    lines = wait_closed_logged(d, port, mark)
    check(len(lines) == 1 and reason in lines[0]
          and lines[0].endswith(', closing'),
          f'{name}: not one line saying {reason!r}: {lines!r}')


def late(d):
    """Headers that never end, and one dribbled a byte every 0.4 s: each is
    closed after 5 s, not before, with one line."""
    mark = d.log_mark()
    began = time.monotonic()
    # And a session whose header came: idle as long, it stays open.
    idle = connect(d.port)
    idle.sendall(GOOD['v2 PROXY TCP4'][0])
    check(read_until(idle, b'?> ') == b'?> ', 'no prompt after a header')
    sockets = {}
    for name, data in LATE.items():
        s = connect(d.port)
        s.sendall(data)
        sockets[name] = s
    dribbled = connect(d.port)
    sockets['dribbled'] = dribbled
    header = GOOD['v1 TCP4'][0]

    def dribble():
        try:
            for i in range(len(header)):
                dribbled.sendall(header[i:i + 1])
                time.sleep(0.4)
        except OSError:
            pass	# closed by the replica, as it should
    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    for name, s in sockets.items():
        got = read_to_eof(s, 20)
        took = time.monotonic() - began
        check(got == b'', f'{name}: the replica wrote {got!r}')
        # Timers never fire early: the lower bound holds on any machine.
        check(took >= TIMEOUT - 0.5, f'{name}: closed after {took:.1f} s, '
              f'before {TIMEOUT} s')
        port = s.getsockname()[1]
        lines = wait_closed_logged(d, port, mark)
        check(len(lines) == 1 and NO_HEADER in lines[0],
              f'{name}: not one line saying {NO_HEADER!r}: {lines!r}')
        say(f'never finished, {name}: closed after {took:.1f} s')
        s.close()
    thread.join()
    idle.sendall(CHESS)
    got = read_until(idle, CHESS_ANSWER)
    check(got == CHESS_ANSWER, f'a session idle for {TIMEOUT} s after its '
          f'header: {got!r}')
    idle.close()

    # A header cut short by the end of the input: closed at once.
    mark = d.log_mark()
    s = connect(d.port)
    port = s.getsockname()[1]
    s.sendall(GOOD['v2 PROXY TCP4, TLVs'][0][:40])
    s.shutdown(socket.SHUT_WR)
    check(read_to_eof(s, 5) == b'', 'a cut header: the replica wrote')
    s.close()
    lines = wait_closed_logged(d, port, mark)
    check(len(lines) == 1 and 'ended within its PROXY header' in lines[0],
          f'a cut header: {lines!r}')


def untrusted(d, plain):
    """From an address that is not --proxy-from, a header is what it is to
    any client: the same bytes get the same answer as from a replica that
    trusts nobody, and nothing is parsed or logged."""
    for name in ('v1 TCP4', 'v2 PROXY TCP4, TLVs'):
        data = GOOD[name][0] + CHESS
        answers = []
        for daemon in (d, plain):
            mark = daemon.log_mark()
            s = connect(daemon.port, UNTRUSTED)
            first = read_until(s, b'?> ')
            s.sendall(data)
            # Either answered and waiting (v1: a query) or closed (v2: a
            # line that starts with a control character ends the session).
            time.sleep(0.3)
            s.shutdown(socket.SHUT_WR)
            answers.append(first + read_to_eof(s, 10))
            s.close()
            client = GOOD[name][1].split(':')[0]
            check(daemon.log_count(re.escape(client), mark) == 0,
                  f'{name} from {UNTRUSTED}: {client} in the log')
            check(daemon.log_count('closing$', mark) == 0,
                  f'{name} from {UNTRUSTED}: a warning')
        check(answers[0] == answers[1], f'{name} from {UNTRUSTED}: '
              f'{answers[0]!r}, but {answers[1]!r} from a replica that '
              'trusts nobody')
        say(f'{name} from {UNTRUSTED}: {answers[0][:80]!r}...')
    s = connect(d.port, UNTRUSTED)
    read_until(s, b'?> ')
    s.sendall(GOOD['v1 TCP4'][0])
    answer = read_until(s, b'?> ')
    check(answer == ("No match for 'PROXY TCP4 192.0.2.7 127.0.0.1 40000 "
                     "2323'\r\n?> ").encode(),
          f'a v1 header as a query: {answer!r}')
    s.close()


def test(charfinderd):
    with cftest.Daemon.local(charfinderd, '--proxy-from', TRUSTED, '-v',
                             echo_log=False) as d, \
            cftest.Daemon.local(charfinderd, echo_log=False) as plain:
        for bytewise in (False, True):
            how = 'a byte at a time' if bytewise else 'in one write'
            for name, (header, client) in GOOD.items():
                good(d, name, header, client, bytewise)
            say(f'{len(GOOD)} good headers, {how}: the prompt, the answer '
                'and the real client logged')
            for name, (data, reason) in BAD.items():
                bad(d, name, data, reason, bytewise)
            say(f'{len(BAD)} bad headers, {how}: closed, nothing written, '
                'one log line each')
        untrusted(d, plain)
        late(d)
        check(d.log_count(r'\b(192\.0\.2\.1[01]|198\.51\.100\.7)\b')
              == 0, 'a client named by LOCAL, UDP or a bad header was '
              'logged')
        plain.stop()
        d.stop()


cftest.main(test)
