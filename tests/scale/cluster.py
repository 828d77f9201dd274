"""cluster: charfinderd replicas behind HAProxy, for the scale suite.

Cluster(charfinderd, tmpdir) starts three replicas on free loopback ports
(--proxy-from 127.0.0.1 -v: HAProxy connects from 127.0.0.1) and HAProxy in
the foreground (-db) with a copy of systemd/haproxy/charfinderd.cfg, the
repository's configuration, in which haproxy_config() replaces only the
addresses and ports, the stats socket's path, the log target, maxconn (for
this machine's descriptor limit) and what needs root (and, for a test that
reads every connection's log line, threads and dontlognull).  HAProxy's
view of the replicas comes from its stats socket (status(), wait_status()).
Load runs tests/bench/loadgen --reconnect in the background.

Clients that must be told apart from HAProxy connect from 127.0.0.2 and
other loopback addresses (the whole of 127.0.0.0/8 is local): a replica
trusts 127.0.0.1 only.
"""
import csv
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import cftest
from cftest import check, say

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CONFIG = os.path.join(REPO, 'systemd', 'haproxy', 'charfinderd.cfg')
TELNET = 'charfinderd_telnet'
HTTP = 'charfinderd_http'
BACKENDS = (TELNET, HTTP)
# HAProxy's descriptors here: the test's limit, not a production host's.
TEST_MAXCONN = 4000


def need_haproxy():
    """The path of haproxy, or skip the test (the only reason to skip)."""
    path = shutil.which('haproxy') or (
        '/usr/sbin/haproxy' if os.access('/usr/sbin/haproxy', os.X_OK)
        else None)
    if path is None:
        cftest.skip('haproxy is not installed (Debian: apt-get install '
                    'haproxy; .ci/setup does)')
    return path


def free_port():
    """A loopback port nobody listens on now (HAProxy binds it next)."""
    with socket.socket() as s:
        s.bind((cftest.LOOPBACK, 0))
        return s.getsockname()[1]


def _replace(text, pattern, replacement, count):
    """text with pattern replaced; exactly count times, or the repository's
    configuration changed shape and the test would run something else."""
    new, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    check(n == count, f'{CONFIG}: {n} lines match {pattern!r}, not {count}')
    return new


def haproxy_config(text, telnet_port, http_port, replicas, stats_socket,
                   http_limit=None, log_connections=False):
    """The repository's configuration on loopback: telnet_port and
    http_port for the front ends, replicas [(port, http_port)] on
    127.0.0.1 for r1 ..., the stats socket in the test's directory, and
    http_limit (if given) for HTTP connections per address.  What needs
    root goes: chroot, user, group, daemon (HAProxy runs with -db).
    Instead of syslog, stderr: every connection (option tcplog: client,
    server, how it ended) if log_connections, else emergencies only (what
    happens to the servers is on stderr anyway).  With log_connections
    HAProxy runs one thread and logs null connections too, so that no
    connection's line is missing."""
    for keyword in ('chroot', 'user', 'group', 'daemon'):
        text = _replace(text, rf'^\s*{keyword}\b.*\n', '', 1)
    level = 'info' if log_connections else 'emerg'
    text = _replace(text, r'^(\s*log) /dev/log local0$',
                    rf'\1 stderr format raw local0 {level}', 1)
    if log_connections:
        # Every connection's line, or the test cannot tell where one went.
        # HAProxy drops a line rather than wait when two of its threads
        # write one at the same moment (fd_write_frag_line() gives up after
        # 200 tries): one thread.  And dontlognull leaves out a connection
        # whose client sent nothing, as one closed before its prompt may.
        text = _replace(text, r'^global\n', 'global\n\tnbthread 1\n', 1)
        text = _replace(text, r'^\s*option dontlognull\n', '', 1)
    text = _replace(text, r'/run/haproxy/charfinderd\.sock', stats_socket, 1)
    text = _replace(text, r'^(\s*maxconn) \d+', rf'\1 {TEST_MAXCONN}', 1)
    text = _replace(text, r'^(\s*bind) :2323\b',
                    rf'\1 {cftest.LOOPBACK}:{telnet_port}', 1)
    text = _replace(text, r'^(\s*bind) :8080\b',
                    rf'\1 {cftest.LOOPBACK}:{http_port}', 1)
    check(len(re.findall(r'^\s*server ', text, re.MULTILINE))
          == 2 * len(replicas), f'{CONFIG}: not {len(replicas)} replicas '
          'in each backend')
    for i, (port, http) in enumerate(replicas, 1):
        text = _replace(text, rf'^(\s*server r{i}) 10\.0\.0\.1{i}:2323\b',
                        rf'\1 {cftest.LOOPBACK}:{port}', 1)
        text = _replace(text, rf'^(\s*server r{i}) 10\.0\.0\.1{i}:8080\b',
                        rf'\1 {cftest.LOOPBACK}:{http}', 1)
    if http_limit is not None:
        text = _replace(text, r'\bsc0_conn_cur gt 64\b',
                        f'sc0_conn_cur gt {http_limit}', 1)
    return text


class Replica:
    """One charfinderd, restartable on the same ports."""

    def __init__(self, charfinderd, name, options):
        self.charfinderd = charfinderd
        self.name = name
        self.options = list(options)
        self.daemon = cftest.Daemon.local(charfinderd, *self.options,
                                          echo_log=False)
        self.port = self.daemon.port
        self.http_port = self.daemon.http_port

    def queries(self):
        """Queries the replica has answered, from its /metrics (asked from
        127.0.0.2: 127.0.0.1 would owe it a PROXY header)."""
        conn = http.client.HTTPConnection(cftest.LOOPBACK, self.http_port,
                                          timeout=10,
                                          source_address=('127.0.0.2', 0))
        try:
            conn.request('GET', '/metrics')
            r = conn.getresponse()
            body = r.read().decode()
        finally:
            conn.close()
        check(r.status == 200, f'{self.name} /metrics: {r.status}')
        return sum(int(n) for n in re.findall(
            r'^charfinderd_queries_total\{[^}]*\} (\d+)$', body,
            re.MULTILINE))

    def restart(self):
        """A new process on the same ports, once it serves."""
        check(not self.daemon.alive(), f'{self.name} is still running')
        d = cftest.Daemon([self.charfinderd, '--port', str(self.port),
                           '--http-port', str(self.http_port),
                           *self.options], echo_log=False)
        try:
            d.addresses(1, 30)
            d.addresses(1, 30, 'http')
            d.wait_log(r'characters indexed', 30)
        except cftest.Failure:
            d.kill()
            raise
        self.daemon = d

    @property
    def log(self):
        return self.daemon.log


class Cluster:
    """Replicas r1, r2, r3 behind HAProxy; a context manager."""

    def __init__(self, charfinderd, tmpdir, replicas=3, options=(),
                 http_limit=None, log_connections=False):
        self.haproxy_path = need_haproxy()
        self.replicas = []
        self.haproxy = None
        try:
            for i in range(1, replicas + 1):
                self.replicas.append(Replica(
                    charfinderd, f'r{i}',
                    ('--proxy-from', cftest.LOOPBACK, '-v', *options)))
            self.telnet_port, self.http_port = free_port(), free_port()
            self.stats_socket = os.path.join(tmpdir, 'haproxy.sock')
            with open(CONFIG) as f:
                text = haproxy_config(
                    f.read(), self.telnet_port, self.http_port,
                    [(r.port, r.http_port) for r in self.replicas],
                    self.stats_socket, http_limit, log_connections)
            self.config = os.path.join(tmpdir, 'haproxy.cfg')
            with open(self.config, 'w') as f:
                f.write(text)
            self.haproxy = cftest.Daemon(
                [self.haproxy_path, '-db', '-f', self.config],
                echo_log=True)
            self._wait_stats_socket(10)
            for r in self.replicas:
                for backend in BACKENDS:
                    self.wait_status(backend, r.name, 'UP', 20,
                                     checked=True)
        except BaseException:
            self.close()
            raise
        say(f'cluster: HAProxy on {self.telnet_port} (telnet) and '
            f'{self.http_port} (http); replicas '
            + ', '.join(f'{r.name} {r.port}/{r.http_port}'
                        for r in self.replicas))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.haproxy is not None:
            self.haproxy.kill()
        for r in self.replicas:
            r.daemon.kill()

    def stop(self):
        """HAProxy exits 0 on SIGUSR1 (its soft stop), then every replica
        still running on SIGTERM."""
        self.haproxy.check_alive('before the end')
        self.haproxy.proc.send_signal(signal.SIGUSR1)
        try:
            status = self.haproxy.proc.wait(10)
        except subprocess.TimeoutExpired:
            cftest.fail('HAProxy did not stop within 10 s of SIGUSR1')
        check(status == 0, f'HAProxy: exit status {status} after SIGUSR1')
        for r in self.replicas:
            if r.daemon.alive():
                status = r.daemon.terminate()
                check(status == 0, f'{r.name}: exit status {status} after '
                      'SIGTERM')

    def replica(self, name):
        return next(r for r in self.replicas if r.name == name)

    def _wait_stats_socket(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self.haproxy.check_alive('at start-up')
            try:
                self.stats_command('show info')
                return
            except (FileNotFoundError, ConnectionRefusedError):
                check(time.monotonic() < deadline, 'no HAProxy stats '
                      f'socket within {timeout} s')
                time.sleep(0.05)

    def stats_command(self, command):
        """One command on HAProxy's stats socket; its answer."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.stats_socket)
            s.sendall(command.encode() + b'\n')
            data = b''
            while chunk := s.recv(65536):
                data += chunk
        return data.decode()

    def stats(self):
        """show stat, as {(backend, server): row} (row: a dict by column)."""
        lines = self.stats_command('show stat').splitlines()
        check(lines and lines[0].startswith('# '),
              f'not a show stat answer: {lines[:2]!r}')
        rows = csv.DictReader([lines[0][2:]] + lines[1:])
        return {(row['pxname'], row['svname']): row for row in rows}

    def status(self, backend, server):
        """'UP', 'DOWN', 'UP 1/2' (going down), 'MAINT' ..."""
        return self.stats()[(backend, server)]['status']

    def wait_status(self, backend, server, wanted, timeout, checked=False,
                    poll=0.02):
        """Seconds until server's status is wanted (and, if checked, it
        has passed a health check: HAProxy starts servers UP)."""
        began = time.monotonic()
        while True:
            self.haproxy.check_alive('while waiting for a server state')
            row = self.stats()[(backend, server)]
            if row['status'] == wanted and (
                    not checked or row['check_status'] in ('L7OK', 'L4OK')):
                return time.monotonic() - began
            if time.monotonic() - began > timeout:
                cftest.fail(f'{backend}/{server} is {row["status"]} '
                            f'({row["check_status"]}: {row["check_desc"]}), '
                            f'not {wanted}, after {timeout} s')
            time.sleep(poll)

    def server_of(self, client, timeout=10):
        """With log_connections: the server HAProxy gave the telnet
        connection from client ('127.0.0.2:PORT'), once it has ended."""
        line = self.haproxy.log.wait(
            rf'^{re.escape(client)} \[.*\] {TELNET} {TELNET}/(\S+) ',
            timeout)[0]
        return line.group(1)


def client(port, source):
    """A cftest.Client to 127.0.0.1:port from the loopback address source."""
    return cftest.Client(port, source=source)


class Load:
    """tests/bench/loadgen --reconnect in the background, from source."""
    ENDED = re.compile(r'connection \d+ \(port (\d+)\): (.*): (session ended|'
                       r'no prompt), (\d+) quer(?:y|ies) unanswered'
                       r'(, an answer cut)?$')

    def __init__(self, loadgen, port, queries, seconds, connections,
                 in_flight=2, source='127.0.0.2', session_queries=None):
        argv = [loadgen, '--port', str(port), '--queries', queries,
                '--duration', str(seconds), '--connections',
                str(connections), '--in-flight', str(in_flight),
                '--source', source, '--reconnect']
        if session_queries:
            argv += ['--session-queries', str(session_queries)]
        say('starting: ' + ' '.join(argv))
        self.seconds = seconds
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)

    def wait(self):
        """The RESULT line as a dict of numbers, and the connections that
        ended: [(port, why, 'session ended' or 'no prompt', unanswered,
        cut)]."""
        try:
            out, err = self.proc.communicate(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            cftest.fail('loadgen did not finish')
        out, err = out.decode(), err.decode()
        say(out.rstrip())
        ended = []
        for line in err.splitlines():
            m = self.ENDED.search(line)
            check(m, f'loadgen: {line}')
            ended.append((int(m.group(1)), m.group(2), m.group(3),
                          int(m.group(4)), bool(m.group(5))))
        check(self.proc.returncode == 0,
              f'loadgen exited {self.proc.returncode}: {err[-500:]}')
        result = re.search(r'^RESULT (.*)$', out, re.MULTILINE)
        check(result, 'no RESULT line from loadgen')
        numbers = {k: float(v) for k, v in
                   (kv.split('=') for kv in result.group(1).split())}
        return numbers, ended
