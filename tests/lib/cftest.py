"""cftest: what the Python tests of every suite share.

A test script defines a function and ends with cftest.main(function): the
function gets the script's arguments (paths made absolute), and calls
check() for every expectation.  A failed check, a timeout or an unexpected
end of file fails the test with status 1; skip() ends it with status 77,
which meson shows as skipped.

Daemons: Daemon.local(path, options...) starts the built daemon on free
loopback ports (--port 0) and waits until it serves; Daemon(argv, env=...)
starts any command line with the systemd variables cleared, for tests that
set them.  Its log is read as it comes (wait_log, log_count).  Leaving a
`with` block kills a daemon still running; stop() ends it with SIGTERM,
after checking that it uses no CPU while nothing happens (a spin anywhere
shows there), and requires exit status 0.

Clients: Client (one blocking socket with a read buffer), query() and
check_serves() for one question, run_rclient() for many clients at once
(tests/robustness/rclient), NotifySocket for $NOTIFY_SOCKET.
"""
import os
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time

PROMPT = b'?> '
LOOPBACK = '127.0.0.1'
SKIP = 77
LISTENING = re.compile(
    r'listening on (\[[0-9a-fA-F:.]+\]|[0-9.]+):([0-9]+)(?: \((http)\))?')
# An idle daemon: timers only.  Its CPU time over IDLE_WATCH seconds.
IDLE_WATCH = 1.0
IDLE_CPU_MAX = 0.05
# For tests whose many clients all come from 127.0.0.1: no per-address
# limit (its default, 64, is for real clients).
ONE_ADDRESS = ('--max-connections-per-address', '0')
SYSTEMD_VARIABLES = ('LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES',
                     'NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID',
                     'JOURNAL_STREAM')


class Failure(Exception):
    pass


class Skipped(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def fail(message):
    raise Failure(message)


def skip(why):
    raise Skipped(why)


def say(message):
    print(message, flush=True)


def cpu_seconds(pid):
    """User and system time the process has used so far."""
    with open(f'/proc/{pid}/stat') as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    # utime and stime: fields 14 and 15 of stat(5), 12 and 13 here.
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Log:
    """The lines a process writes to a pipe, read by a thread as they come."""

    def __init__(self, pipe, echo):
        self.lines = []
        self.echo = echo
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, args=(pipe,),
                                       daemon=True)
        self.reader.start()

    def _read(self, pipe):
        for raw in pipe:
            line = raw.decode('utf-8', 'backslashreplace').rstrip('\n')
            if self.echo:
                say('daemon: ' + line)
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait(self, pattern, timeout, since=0, count=1):
        """The first count matches of pattern from line `since` on."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [m for m in map(regex.search, self.lines[since:])
                         if m]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0 or not self.reader.is_alive():
                    raise Failure(f'no {count} log line(s) matching '
                                  f'{pattern!r} within {timeout} s:\n'
                                  + self.text())
                self.changed.wait(min(left, 0.5))

    def count(self, pattern, since=0):
        regex = re.compile(pattern)
        with self.changed:
            return sum(1 for line in self.lines[since:] if regex.search(line))

    def mark(self):
        with self.changed:
            return len(self.lines)

    def text(self):
        with self.changed:
            return '\n'.join(self.lines)

    def join(self, timeout):
        self.reader.join(timeout)


def logged(logs, pattern, count, since=None, timeout=10):
    """How many lines of logs (each from its mark in since) match pattern,
    once they are count or timeout has passed.  A daemon writes a line
    before its client sees the answer, but the thread reading its pipe
    may not have read the line yet: count it right away and it may be 0."""
    since = since or [0] * len(logs)
    deadline = time.monotonic() + timeout
    while True:
        n = sum(log.count(pattern, mark) for log, mark in zip(logs, since))
        if n >= count or time.monotonic() > deadline:
            return n
        time.sleep(0.05)


class ProcessWatch:
    """What a test reads of a running daemon from /proc/PID: memory,
    descriptors, CPU time.  Needs pid and check_alive(when)."""

    def rss_kib(self):
        with open(f'/proc/{self.pid}/status') as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        raise Failure('no VmRSS in /proc/PID/status')

    def fds(self):
        return len(os.listdir(f'/proc/{self.pid}/fd'))

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def wait_fds(self, target, timeout):
        """Poll until the descriptor count is target; return the last."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.fds()
            if count == target or time.monotonic() > deadline:
                return count
            time.sleep(0.1)

    def check_idle(self):
        """Nothing to do: the daemon must use (next to) no CPU."""
        self.check_alive('before the idle check')
        before = self.cpu_seconds()
        time.sleep(IDLE_WATCH)
        used = self.cpu_seconds() - before
        say(f'idle: {used:.3f} s of CPU in {IDLE_WATCH} s')
        check(used <= IDLE_CPU_MAX, f'{used:.2f} s of CPU in {IDLE_WATCH} s '
              f'with nothing to do: something spins')


class Daemon(ProcessWatch):
    """A daemon process whose stderr is a Log (unless stderr is given)."""

    def __init__(self, argv, env=None, stderr=None, echo_log=True):
        full_env = {k: v for k, v in os.environ.items()
                    if k not in SYSTEMD_VARIABLES}
        full_env.update(env or {})
        self.argv = list(argv)
        self.binary = next((a for a in self.argv if 'charfinderd' in a),
                           self.argv[0])
        self.port = self.http_port = None
        say('starting: ' + ' '.join(self.argv))
        self.proc = subprocess.Popen(
            self.argv, env=full_env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if stderr is None else stderr)
        self.pid = self.proc.pid
        self.log = Log(self.proc.stderr, echo_log) if stderr is None else None

    @classmethod
    def local(cls, path, *options, wrapper=(), start_timeout=30, **kw):
        """The built daemon on free loopback ports, once it serves."""
        http = [] if {'--http-port', '--no-http'} & set(options) else \
            ['--http-port', '0']
        d = cls([*wrapper, path, '--port', '0', *http, *options], **kw)
        try:
            d.port = d.addresses(1, start_timeout)[0][1]
            if '--no-http' not in options:
                d.http_port = d.addresses(1, start_timeout, 'http')[0][1]
            # Logged once the worker threads run: the daemon is complete.
            d.wait_log(r'characters indexed', start_timeout)
        except Failure:
            d.kill()
            raise
        return d

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def addresses(self, count=1, timeout=10.0, kind=None):
        """(host, port) of the first count 'listening on' lines of a kind
        (None: telnet; 'http')."""
        log = self.log
        deadline = time.monotonic() + timeout
        with log.changed:
            while True:
                found = [m for m in map(LISTENING.search, log.lines)
                         if m and m.group(3) == kind]
                if len(found) >= count:
                    break
                left = deadline - time.monotonic()
                if left <= 0 or not log.reader.is_alive():
                    raise Failure(f'fewer than {count} "listening on" '
                                  f'lines within {timeout} s:\n'
                                  + '\n'.join(log.lines))
                log.changed.wait(min(left, 0.5))
        return [(m.group(1).strip('[]'), int(m.group(2)))
                for m in found[:count]]

    def wait_log(self, pattern, timeout, since=0):
        """The first log line from index `since` on that matches."""
        return self.log.wait(pattern, timeout, since)[0]

    def log_count(self, pattern, since=0):
        return self.log.count(pattern, since)

    def log_mark(self):
        return self.log.mark()

    def alive(self):
        return self.proc.poll() is None

    def check_alive(self, when):
        check(self.alive(),
              f'the daemon died {when} (status {self.proc.returncode})')

    def sanitized(self):
        """Built with AddressSanitizer, whose quarantine holds on to freed
        memory (256 MiB by default), or ThreadSanitizer, whose allocator and
        shadow memory grow with whatever the slower daemon has in flight:
        RSS bounds say nothing then.  The plain build checks them."""
        with open(self.binary, 'rb') as binary:
            data = binary.read()
        return b'__asan_init' in data or b'__tsan_init' in data

    def terminate(self, timeout=20):
        """SIGTERM; the exit status (fails if it does not exit in time)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f'no exit within {timeout} s of SIGTERM')
        if self.log:
            self.log.join(5)
        return status

    def stop(self, timeout=20, idle=True):
        """Check that it is idle (unless told otherwise), SIGTERM, exit 0."""
        if idle:
            self.check_idle()
        self.check_alive('before SIGTERM')
        status = self.terminate(timeout)
        check(status == 0, f'exit status {status} after SIGTERM')
        say('daemon stopped with status 0')

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.log:
            self.log.join(5)


class Client:
    """One blocking connection with a read buffer; source: the local
    address to connect from (127.0.0.2 ...: a client that is not 127.0.0.1)."""

    def __init__(self, port, timeout=5, host=LOOPBACK, source=None):
        self.sock = socket.create_connection(
            (host, port), timeout,
            source_address=(source, 0) if source else None)
        self.buf = b''

    def read_until(self, marker, timeout=5):
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            check(left > 0, f'no {marker!r} within {timeout} s; '
                  f'got {self.buf[-200:]!r}')
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            check(data, f'end of file before {marker!r}; '
                  f'got {self.buf[-200:]!r}')
            self.buf += data
        end = self.buf.index(marker) + len(marker)
        got, self.buf = self.buf[:end], self.buf[end:]
        return got

    def prompt(self, timeout=5):
        check(self.read_until(PROMPT, timeout) == PROMPT,
              'something other than the prompt')

    def send(self, data):
        self.sock.sendall(data)

    def ask(self, query, timeout=5):
        """Send one query; its answer, without the prompt that ends it."""
        self.send(query.encode() + b'\r\n')
        return self.read_until(b'\r\n' + PROMPT, timeout)[:-len(PROMPT)]

    def read_to_eof(self, timeout=5):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            check(left > 0, f'no end of file within {timeout} s')
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                break
            if not data:
                break
            self.buf += data
        got, self.buf = self.buf, b''
        return got

    def close(self):
        self.sock.close()


def status_line(answer):
    """The last line of an answer from ask()."""
    return answer.rstrip(b'\r\n').rsplit(b'\r\n', 1)[-1].decode()


def check_chess(client, timeout=5):
    """A normal query, answered in full; returns the seconds it took."""
    began = time.monotonic()
    answer = client.ask('chess black', timeout)
    took = time.monotonic() - began
    check(status_line(answer) == "35 matches for 'chess black'",
          f"wrong answer to 'chess black': {answer[-100:]!r}")
    return took


def query(host, port, text, timeout=10.0):
    """Connect, ask text, return the answer up to the next prompt."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect((host, port))
        received = _recv_until(conn, b'?> ', b'')
        check(received == b'?> ', f'first bytes {received!r}, not the prompt')
        conn.sendall(text.encode() + b'\r\n')
        return _recv_until(conn, b'\r\n?> ', b'')[:-3].decode()


def _recv_until(conn, end, data):
    deadline = time.monotonic() + conn.gettimeout()
    while not data.endswith(end):
        check(time.monotonic() <= deadline, f'no {end!r} after {data[-200:]!r}')
        chunk = conn.recv(65536)
        check(chunk, f'connection closed after {data[-200:]!r}')
        data += chunk
    return data


def check_serves(host, port):
    """Fails unless the daemon at host, port answers a known query."""
    answer = query(host, port, 'registered')
    check(answer == "U+00AE \t\u00ae\tREGISTERED SIGN\r\n"
          "1 match for 'registered'\r\n",
          f'answer from {host} port {port}: {answer!r}')


def run_rclient(rclient, mode, port, timeout=90, **options):
    """Run rclient to completion; it must exit 0."""
    argv = [rclient, mode, '--port', str(port)]
    for name, value in options.items():
        argv += ['--' + name, str(value)]
    say('running: ' + ' '.join(argv))
    done = subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    say(done.stdout.decode(errors='replace').rstrip())
    check(done.returncode == 0, f'rclient {mode} exited {done.returncode}')
    return done.stdout.decode(errors='replace')


def start_rclient(rclient, mode, port, **options):
    """rclient in the background; finish it with wait_rclient."""
    argv = [rclient, mode, '--port', str(port)]
    for name, value in options.items():
        argv += ['--' + name, str(value)]
    say('starting: ' + ' '.join(argv))
    return subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def wait_rclient(proc, timeout):
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise Failure(f'rclient still running after {timeout} s')
    say(out.decode(errors='replace').rstrip())
    check(proc.returncode == 0, f'rclient exited {proc.returncode}')
    return out.decode(errors='replace')


def raise_fd_limit(wanted):
    """Soft descriptor limit to at least wanted (root may raise the hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
            return
        except (ValueError, OSError):
            raise Failure(f'need {wanted} descriptors; the hard limit is '
                          f'{hard} and cannot be raised')
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


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
            check(message is not None, f'no {line} notification within '
                  f'{timeout} s; got {[m[1] for m in self.messages]!r}')
            if line in message[1]:
                return message

    def close(self):
        self.sock.close()
        if not self.name.startswith('@'):
            os.unlink(self.name)


def main(test):
    """Run test(*arguments) and exit 0, 1 (failed) or 77 (skipped)."""
    name = os.path.basename(sys.argv[0])
    args = [os.path.abspath(a) if os.path.exists(a) else a
            for a in sys.argv[1:]]
    try:
        test(*args)
    except Failure as failure:
        say(f'FAIL {name}: {failure}')
        sys.exit(1)
    except Skipped as why:
        say(f'skip {name}: {why}')
        sys.exit(SKIP)
    say(f'PASS {name}')
