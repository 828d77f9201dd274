"""The deadlines of an HTTP connection, one at a time (http_conn.h):
a keep-alive connection between requests is idle (--idle-timeout), not a
stalled answer: it outlives --write-timeout and still answers; it is
closed at --idle-timeout; a client that stops reading a long answer is
closed at --write-timeout after its output stopped; a half-sent request
is cut at --http-timeout; a client that leaves in the middle of a long
answer is closed at once."""
import socket
import time

import cftest
from cftest import check

IDLE = 4
WRITE = 1
REQUEST = 2
REQUEST_LINES = b'GET /search?q=chess+black HTTP/1.1\r\nHost: t\r\n\r\n'


def connect(port, rcvbuf=None):
    sock = socket.socket()
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(IDLE + 10)
    sock.connect((cftest.LOOPBACK, port))
    return sock


def read_answer(sock):
    """One response read by its Content-Length; its body."""
    got = b''
    while b'\r\n\r\n' not in got:
        chunk = sock.recv(65536)
        check(chunk, f'closed before the headers: {got[:200]!r}')
        got += chunk
    head, body = got.split(b'\r\n\r\n', 1)
    length = int(next(line.split(b':')[1] for line in head.split(b'\r\n')
                      if line.lower().startswith(b'content-length:')))
    while len(body) < length:
        chunk = sock.recv(65536)
        check(chunk, 'closed in the middle of the body')
        body += chunk
    check(head.startswith(b'HTTP/1.1 200 '), f'not a 200: {head[:80]!r}')
    return body


def wait_closed(sock, limit):
    """Seconds until the daemon closes sock (reading and dropping what
    comes); fails past limit."""
    began = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(1 << 20):
            pass
    except socket.timeout:
        cftest.fail(f'still open {limit} s later')
    except ConnectionResetError:
        pass
    return time.monotonic() - began


def keep_alive(d):
    """Answers, then a pause longer than --write-timeout, then answers
    again on the same connection; then idle until --idle-timeout."""
    sock = connect(d.http_port)
    sock.sendall(REQUEST_LINES)
    check(b'"count":35' in read_answer(sock), 'no chess answer')
    time.sleep(WRITE + 1.5)
    sock.sendall(REQUEST_LINES)
    check(b'"count":35' in read_answer(sock),
          'no second answer after a pause longer than --write-timeout')
    mark = d.log_mark()
    took = wait_closed(sock, IDLE + 5)
    cftest.say(f'keep-alive connection closed {took:.2f} s after its '
               'last answer')
    check(IDLE - 0.5 <= took <= IDLE + 2,
          f'closed {took:.2f} s after its answer, not about {IDLE}')
    d.wait_log(rf'idle for {IDLE} seconds, closing', 5, since=mark)
    sock.close()


def stalled_reader(d):
    """Asks for a long answer and never reads: closed about --write-timeout
    after its output stopped (the kernel's buffers fill first)."""
    sock = connect(d.http_port, rcvbuf=4096)
    mark = d.log_mark()
    sock.sendall(b'GET /search?q=cjk&format=text&limit=0 HTTP/1.1\r\n'
                 b'Host: t\r\n\r\n')
    d.wait_log(rf'nothing read for {WRITE} second, closing', 30, since=mark)
    sock.close()


def half_request(d):
    """Half a request, then nothing: cut at --http-timeout."""
    sock = connect(d.http_port)
    sock.sendall(b'GET /search?q=chess HTTP/1.1\r\nHost')
    took = wait_closed(sock, REQUEST + 5)
    cftest.say(f'half a request: closed after {took:.2f} s')
    check(REQUEST - 0.5 <= took <= REQUEST + 2,
          f'closed after {took:.2f} s, not about {REQUEST}')
    sock.close()


def left_mid_answer(d):
    """Reads the start of a long answer and closes: the connection is gone
    at once, long before any deadline, and the daemon goes idle (the stop
    checks it)."""
    sock = connect(d.http_port)
    mark = d.log_mark()
    sock.sendall(b'GET /search?q=cjk&limit=0 HTTP/1.1\r\nHost: t\r\n\r\n')
    check(sock.recv(1000).startswith(b'HTTP/1.1 200 '), 'no long answer')
    port = sock.getsockname()[1]
    sock.close()
    d.wait_log(rf'closed [^ ]*:{port} \(http\)', WRITE - 0.5, since=mark)


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, '-v',
                             '--idle-timeout', str(IDLE),
                             '--write-timeout', str(WRITE),
                             '--http-timeout', str(REQUEST)) as d:
        keep_alive(d)
        stalled_reader(d)
        half_request(d)
        left_mid_answer(d)
        d.stop()


cftest.main(test)
