#!/usr/bin/env python3
"""notify: the daemon's messages to a $NOTIFY_SOCKET that this test owns.

READY=1 once it answers on every address, a STATUS= line (characters,
Unicode version, addresses), WATCHDOG=1 at half of WATCHDOG_USEC when
WATCHDOG_PID is the daemon (and none when it is another process),
STOPPING=1 on SIGTERM, then exit status 0, even when SIGTERM keeps coming
all through the stop.
Usage: notify.py DAEMON
"""
import os
import signal
import statistics
import time

import cftest
from cftest import Daemon, NotifySocket, check, check_serves, fail

WATCHDOG_USEC = 400000          # so pings every 0.2 s
WATCH_SECONDS = 2.0


def start(daemon_path, notify, watchdog_pid):
    """The daemon with WATCHDOG_PID set as systemd does, or to another pid."""
    argv = [daemon_path, '--port', '0', '--http-port', '0', '--address', '127.0.0.1',
            '--address', '::1']
    env = {'NOTIFY_SOCKET': notify.name, 'WATCHDOG_USEC': str(WATCHDOG_USEC)}
    if watchdog_pid == 'self':
        # The shell's pid is the daemon's after exec.
        argv = ['sh', '-c', 'WATCHDOG_PID=$$ exec "$@"', 'sh'] + argv
    else:
        env['WATCHDOG_PID'] = str(watchdog_pid)
    return Daemon(argv, env=env)


def status_line(notify):
    for _, lines in notify.messages:
        for line in lines:
            if line.startswith('STATUS='):
                return line
    return None


def watchdog_times(notify):
    return [t for t, lines in notify.messages if 'WATCHDOG=1' in lines]


def with_watchdog(daemon_path):
    notify = NotifySocket('@charfinderd-notify-%d' % os.getpid())
    daemon = start(daemon_path, notify, 'self')
    try:
        ready_at, ready = notify.wait_for('READY=1')
        print('READY message: %r' % ready)
        addresses = daemon.addresses(2)
        # Ready means serving on every address, right away.
        for host, port in addresses:
            check_serves(host, port)

        # STATUS= may come with READY=1 or in a datagram of its own.
        deadline = time.monotonic() + 1.0
        while status_line(notify) is None and time.monotonic() < deadline:
            notify.receive(deadline - time.monotonic())
        status = status_line(notify)
        check(status is not None, 'no STATUS= line')
        print(status)
        check('\n' not in status and len(status) > len('STATUS='),
              'STATUS is not one line')
        for host, port in addresses:
            shown = ('[%s]:%d' if ':' in host else '%s:%d') % (host, port)
            check(shown in status, 'address %s not in %r' % (shown, status))
        check('Unicode 17.0' in status, 'no Unicode version in %r' % status)
        check('character' in status, 'no characters count in %r' % status)

        cpu_before = cftest.cpu_seconds(daemon.proc.pid)
        deadline = time.monotonic() + WATCH_SECONDS
        while time.monotonic() < deadline:
            notify.receive(deadline - time.monotonic())
        # Petting the watchdog must cost next to nothing while idle.
        cpu = cftest.cpu_seconds(daemon.proc.pid) - cpu_before
        print('CPU time while idle with the watchdog: %.3fs in %.1fs'
              % (cpu, WATCH_SECONDS))
        check(cpu < 0.1 * WATCH_SECONDS, 'busy while idle')
        pings = [t for t in watchdog_times(notify) if t >= ready_at]
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        print('%d WATCHDOG=1 in %.1fs after READY=1, median gap %s'
              % (len(pings), WATCH_SECONDS,
                 '%.3fs' % statistics.median(gaps) if gaps else '-'))
        interval = WATCHDOG_USEC / 1e6 / 2
        check(len(pings) >= 4, 'too few WATCHDOG=1')
        check(0.5 * interval <= statistics.median(gaps) <= 1.5 * interval,
              'WATCHDOG=1 not at half of WATCHDOG_USEC (%.3fs)' % interval)

        stop_at = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        stopping_at, _ = notify.wait_for('STOPPING=1', 5.0)
        print('STOPPING=1 %.3fs after SIGTERM' % (stopping_at - stop_at))
        status = daemon.terminate()
        check(status == 0, 'exit status %r after SIGTERM' % status)
    finally:
        daemon.kill()
        notify.close()


def without_watchdog(daemon_path):
    notify = NotifySocket('@charfinderd-notify-other-%d' % os.getpid())
    # The watchdog is meant for another process: the daemon stays silent.
    daemon = start(daemon_path, notify, os.getpid())
    try:
        ready_at, _ = notify.wait_for('READY=1')
        deadline = ready_at + 1.0
        while time.monotonic() < deadline:
            notify.receive(deadline - time.monotonic())
        if watchdog_times(notify):
            fail('WATCHDOG=1 although WATCHDOG_PID is another process')
        status = daemon.terminate()
        check(status == 0, 'exit status %r after SIGTERM' % status)
    finally:
        daemon.kill()
        notify.close()


def repeated_sigterm(daemon_path):
    """SIGTERM again and again until the daemon is gone: the first one
    starts the stop, and none of the others may cut it short."""
    notify = NotifySocket('@charfinderd-notify-repeat-%d' % os.getpid())
    daemon = start(daemon_path, notify, os.getpid())
    try:
        notify.wait_for('READY=1')
        sent, deadline = 0, time.monotonic() + 10.0
        while daemon.proc.poll() is None and time.monotonic() < deadline:
            try:
                os.kill(daemon.proc.pid, signal.SIGTERM)
                sent += 1
            except ProcessLookupError:
                break
        status = daemon.proc.wait(5.0)
        print('%d SIGTERMs during the stop, exit status %r' % (sent, status))
        check(status == 0, 'exit status %r after %d SIGTERMs' % (status, sent))
    finally:
        daemon.kill()
        notify.close()


def main(daemon_path):
    with_watchdog(daemon_path)
    without_watchdog(daemon_path)
    repeated_sigterm(daemon_path)


if __name__ == '__main__':
    cftest.main(main)
