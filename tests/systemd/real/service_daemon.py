"""service_daemon: charfinderd.service in the sandbox, in the shape of the
robustness scripts' cftest.Daemon, so that those scripts drive the daemon
that systemd runs, unchanged.

Daemon(path, *options) restarts the service as `charfinderd OPTIONS` (a
drop-in); the `prlimit --nofile=A:B` wrapper becomes LimitNOFILE=A:B.  The
log is the service's journal, read when asked; pid is the host pid of its
main process (its /proc gives RSS, descriptors and CPU time; signals reach
it); the port is the socket unit's.  stop() is `systemctl stop`, which
must end with exit status 0.  The container is the one whose PID 1 has the
host pid in $CHARFINDERD_SANDBOX_PID1; the script runs in its network.
"""
import os
import re
import time

import cftest
from installed import UNIT, Journal, Service
from sandbox import Container, start_time

PORT = 2323		# charfinderd.socket
HTTP_PORT = 8080	# charfinderd-http.socket


def settings_of(wrapper):
    if not wrapper:
        return []
    found = re.fullmatch(r'--nofile=(\d+):(\d+)', ' '.join(wrapper[1:]))
    if wrapper[0] != 'prlimit' or not found:
        raise cftest.Failure(f'no systemd setting for the wrapper {wrapper}')
    return [f'LimitNOFILE={found.group(1)}:{found.group(2)}']


class _MainProcess:
    """What the scripts use of Popen: signals, and how it ended."""

    def __init__(self, daemon):
        self.daemon = daemon

    def send_signal(self, signum):
        os.kill(self.daemon.pid, signum)

    def poll(self):
        return None if self.daemon.alive() else self.returncode

    @property
    def returncode(self):
        return '%s, %s %s' % self.daemon.service.exit_status()


class ServiceDaemon(cftest.ProcessWatch):
    def __init__(self, path, *options, wrapper=(), start_timeout=30,
                 echo_log=True):
        box = Container(os.environ['CHARFINDERD_SANDBOX_PID1'])
        self.service = Service(box)
        self.echo_log = echo_log
        self.journal = Journal(box)
        self.service.systemctl('stop', UNIT)	# its last lines are not ours
        self.cursor = self.journal.cursor()
        self.shown = 0
        settings = settings_of(wrapper)
        cftest.say(f'starting {UNIT} as {path} {" ".join(options)} '
                   f'{" ".join(settings)}')
        self.service.restart_with(options, settings)
        self.pid = self.service.host_main_pid()
        self.started = start_time(self.pid)[0]
        self.proc = _MainProcess(self)
        self.port = PORT
        self.http_port = HTTP_PORT
        self.wait_log(r'listening on', start_timeout)

    @classmethod
    def local(cls, path, *options, **kw):
        """As cftest.Daemon.local: the daemon, once it serves."""
        return cls(path, *options, **kw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def _log(self):
        """The daemon's lines so far: read from the journal when asked
        (journalctl --sync first), so that a count is never early."""
        entries = self.journal.since(self.cursor, '_SYSTEMD_UNIT=' + UNIT,
                                     '_TRANSPORT=stdout')
        if self.echo_log:
            for entry in entries[self.shown:]:
                cftest.say('daemon: ' + entry['MESSAGE'])
        self.shown = len(entries)
        return [entry['MESSAGE'] for entry in entries]

    def wait_log(self, pattern, timeout, since=0):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self._log()[since:]:
                found = regex.search(line)
                if found:
                    return found
            if time.monotonic() > deadline:
                raise cftest.Failure(f'no log line matching {pattern!r} '
                                     f'within {timeout} s')
            time.sleep(0.2)

    def log_count(self, pattern, since=0):
        regex = re.compile(pattern)
        return sum(1 for line in self._log()[since:] if regex.search(line))

    def log_mark(self):
        return len(self._log())

    def alive(self):
        """The same main process, not stopped by death (a restarted one
        does not count)."""
        try:
            started, state = start_time(self.pid)
        except (FileNotFoundError, ProcessLookupError):
            return False
        return started == self.started and state not in 'ZX'

    def check_alive(self, when):
        cftest.check(self.alive(), f'the daemon died {when} '
                     f'({self.proc.returncode})')

    def sanitized(self):
        return False		# the package is built without sanitizers

    def stop(self, timeout=20, idle=True):
        if idle:
            self.check_idle()
        self.check_alive('before systemctl stop')
        done = self.service.systemctl('stop', UNIT, check=False,
                                      timeout=timeout)
        result = self.service.exit_status()
        self._log()
        cftest.check(done.returncode == 0 and result == ('success', 'exited',
                                                         0),
                     f'systemctl stop exited {done.returncode}; the daemon '
                     f'ended: {result}')
        cftest.say('systemctl stop: exit status 0')

    def kill(self):
        if self.service.state() in ('active', 'activating', 'deactivating'):
            self.service.systemctl('kill', '--signal=KILL', UNIT,
                                   check=False)
            self.service.systemctl('stop', UNIT, check=False)
        self.service.systemctl('reset-failed', UNIT, check=False)

