"""cfdtest: what the systemd suite's Python tests share.

Start the built daemon, read its log, find its ports, talk the protocol,
receive notifications; everything bounded in time, loopback only.
"""
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

SKIP = 77
LISTENING = re.compile(r'listening on (\[[0-9a-fA-F:.]+\]|[0-9.]+):([0-9]+)')


def skip(why):
    print('skip: ' + why)
    sys.exit(SKIP)


def fail(why):
    print('FAIL: ' + why)
    sys.exit(1)


def check(condition, why):
    if not condition:
        fail(why)


class Log:
    """Lines a process writes to a pipe, read as they come."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.lines = []
        self.partial = b''
        self.eof = False

    def _read(self, timeout):
        if self.eof:
            return False
        ready, _, _ = select.select([self.pipe], [], [], max(timeout, 0))
        if not ready:
            return False
        data = os.read(self.pipe.fileno(), 65536)
        if not data:
            self.eof = True
            return False
        self.partial += data
        *done, self.partial = self.partial.split(b'\n')
        self.lines += [line.decode('utf-8', 'replace') for line in done]
        return True

    def wait_for(self, pattern, count=1, timeout=10.0):
        """The first count matches of pattern, or fail after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in map(re.compile(pattern).search, self.lines)
                     if m]
            if len(found) >= count:
                return found[:count]
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(left) and self.eof):
                fail('no %d line(s) matching %r in the log:\n%s'
                     % (count, pattern, self.text()))

    def drain(self, timeout=0.2):
        while self._read(timeout):
            pass

    def text(self):
        return '\n'.join(self.lines + [self.partial.decode('utf-8', 'replace')])


class Daemon:
    """The built daemon as a child process whose stderr is a Log."""

    def __init__(self, argv, env=None, stderr=subprocess.PIPE, **popen_args):
        full_env = dict(os.environ)
        for name in ('LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES',
                     'NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID',
                     'JOURNAL_STREAM'):
            full_env.pop(name, None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(argv, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=stderr,
                                     **popen_args)
        self.log = Log(self.proc.stderr) if stderr == subprocess.PIPE else None

    def addresses(self, count=1, timeout=10.0):
        """(host, port) of each 'listening on' line."""
        found = self.log.wait_for(LISTENING.pattern, count, timeout)
        return [(m.group(1).strip('[]'), int(m.group(2))) for m in found]

    def stop(self, timeout=10.0):
        """SIGTERM, then the exit status (fails if it does not exit)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail('the daemon did not exit within %gs of SIGTERM' % timeout)
        if self.log:
            self.log.drain(0)
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def query(host, port, text, timeout=10.0):
    """Connects, asks text, returns the answer up to the next prompt."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect((host, port))
        received = _until(conn, b'?> ', b'')
        check(received == b'?> ', 'first bytes %r, not the prompt' % received)
        conn.sendall(text.encode() + b'\r\n')
        return _until(conn, b'\r\n?> ', b'')[:-3].decode()


def _until(conn, end, data):
    deadline = time.monotonic() + conn.gettimeout()
    while not data.endswith(end):
        if time.monotonic() > deadline:
            fail('no %r after %r' % (end, data[-200:]))
        chunk = conn.recv(65536)
        if not chunk:
            fail('connection closed after %r' % data[-200:])
        data += chunk
    return data


def check_serves(host, port):
    """Fails unless the daemon at host, port answers a known query."""
    answer = query(host, port, 'registered')
    check(answer == "U+00AE \t\u00ae\tREGISTERED SIGN\r\n"
          "1 match for 'registered'\r\n",
          'answer from %s port %d: %r' % (host, port, answer))


class NotifySocket:
    """A datagram socket standing in for systemd's $NOTIFY_SOCKET."""

    def __init__(self, name):
        """name: a path, or '@...' for an abstract socket."""
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind('\0' + name[1:] if name.startswith('@') else name)
        self.messages = []

    def receive(self, timeout):
        """The next datagram as (time, [lines]), or None after timeout."""
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not ready:
            return None
        data = self.sock.recv(4096).decode()
        message = (time.monotonic(), data.split('\n'))
        self.messages.append(message)
        return message

    def wait_for(self, line, timeout=10.0):
        """The first message with that exact line (such as READY=1)."""
        deadline = time.monotonic() + timeout
        for message in self.messages:
            if line in message[1]:
                return message
        while True:
            message = self.receive(deadline - time.monotonic())
            if message is None:
                fail('no %s notification within %gs; got %r'
                     % (line, timeout, [m[1] for m in self.messages]))
            if line in message[1]:
                return message

    def close(self):
        self.sock.close()
        if not self.name.startswith('@'):
            os.unlink(self.name)
