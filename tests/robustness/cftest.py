"""cftest.py: what the robustness scripts share.

A script defines test(charfinderd, rclient) and ends with cftest.main(test).
It starts daemons with `with Daemon(path, options...) as d:` (always
--port 0; the port comes from the daemon's "listening on" line), talks to
them with Client (one blocking socket) or run_rclient (many clients), and
calls check() for every expectation.  Any failed check, timeout or
unexpected end of file fails the test with status 1; a daemon still running
when its `with` block is left early is killed, and one stopped normally must
exit 0 after SIGTERM.
"""
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

PROMPT = b'?> '
LOOPBACK = '127.0.0.1'


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def say(message):
    print(message, flush=True)


class Daemon:
    """A charfinderd on a free loopback port, its stderr collected."""

    def __init__(self, path, *options, wrapper=(), start_timeout=30,
                 echo_log=True):
        self.binary = path
        self.argv = [*wrapper, path, '--port', '0', *options]
        self.lines = []
        self.echo_log = echo_log
        self.changed = threading.Condition()
        say('starting: ' + ' '.join(self.argv))
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self.reader = threading.Thread(target=self._read_log, daemon=True)
        self.reader.start()
        try:
            found = self.wait_log(r'listening on 127\.0\.0\.1:(\d+)',
                                  start_timeout)
            # Logged once the worker threads run: the daemon is complete.
            self.wait_log(r'characters indexed', start_timeout)
        except Failure:
            self.kill()
            raise
        self.port = int(found.group(1))

    def _read_log(self):
        for raw in self.proc.stderr:
            line = raw.decode('utf-8', 'backslashreplace').rstrip('\n')
            if self.echo_log:
                say('daemon: ' + line)
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)

    def wait_log(self, pattern, timeout, since=0):
        """The first log line from index `since` on that matches."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[since:]:
                    found = regex.search(line)
                    if found:
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or not self.reader.is_alive():
                    raise Failure(f'no log line matching {pattern!r} '
                                  f'within {timeout} s')
                self.changed.wait(min(left, 0.5))

    def log_count(self, pattern, since=0):
        regex = re.compile(pattern)
        with self.changed:
            return sum(1 for line in self.lines[since:] if regex.search(line))

    def log_mark(self):
        with self.changed:
            return len(self.lines)

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

    def rss_kib(self):
        with open(f'/proc/{self.pid}/status') as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        raise Failure('no VmRSS in /proc/PID/status')

    def fds(self):
        return len(os.listdir(f'/proc/{self.pid}/fd'))

    def cpu_seconds(self):
        with open(f'/proc/{self.pid}/stat') as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
        # utime and stime: fields 14 and 15 of stat(5), 12 and 13 here.
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def wait_fds(self, target, timeout):
        """Poll until the descriptor count is target; return the last."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.fds()
            if count == target or time.monotonic() > deadline:
                return count
            time.sleep(0.1)

    def stop(self, timeout=20):
        """SIGTERM; the daemon must exit 0 within timeout seconds."""
        self.check_alive('before SIGTERM')
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f'no exit within {timeout} s of SIGTERM')
        self.reader.join(5)
        check(status == 0, f'exit status {status} after SIGTERM')
        say('daemon stopped with status 0')


class Client:
    """One blocking loopback connection with a read buffer."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection((LOOPBACK, port), timeout)
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
    check(status_line(answer) == "33 matches for 'chess black'",
          f"wrong answer to 'chess black': {answer[-100:]!r}")
    return took


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


def main(test):
    if len(sys.argv) != 3:
        sys.exit(f'usage: {sys.argv[0]} CHARFINDERD RCLIENT')
    name = os.path.basename(sys.argv[0])
    try:
        test(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
    except Failure as failure:
        say(f'FAIL {name}: {failure}')
        sys.exit(1)
    say(f'PASS {name}')
