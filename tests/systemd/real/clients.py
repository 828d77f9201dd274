#!/usr/bin/env python3
"""clients: the project's own integration or robustness scripts, unchanged,
against charfinderd.service as systemd runs it in the sandbox, installed
from the .deb.

The scripts run on the host in the container's network (nsenter -n): its
loopback, its port 2323, the socket systemd holds.  Where they would start
a daemon, the service is restarted with their options (standin.py for the
expect scripts, service_daemon.py for the Python ones).

For the run the system call filter kills instead of failing the call with
EPERM (a drop-in empties SystemCallErrorNumber=): a call the unit does not
allow, on any path the scripts take, ends the daemon with SIGSYS instead of
passing unseen.  After each script PID 1's journal must show no main
process killed by a signal.

Usage: clients.py SOURCE_DIR DEB_CACHE_DIR integration SCRIPT.exp...
       clients.py SOURCE_DIR DEB_CACHE_DIR robustness RCLIENT SCRIPT.py...
"""
import os
import subprocess
import sys
import time

from installed import (DROPINS, UNIT, Installed, Journal, Service,
                       package_of, skip_unless_root)
from sandbox import SandboxError, say

HERE = os.path.dirname(os.path.abspath(__file__))
STRICT_FILTER = ['[Service]', '# A call outside the filter kills.',
                 'SystemCallErrorNumber=']


def command(kind, script, rclient):
    if kind == 'integration':
        return ['expect', '-f', script, os.path.join(HERE, 'standin.py')]
    return [sys.executable, os.path.join(HERE, 'run_robustness.py'), script,
            rclient]


def run_script(box, service, journal, kind, script, rclient, timeout):
    """Runs one script; its problems (empty: it passed)."""
    name = os.path.basename(script)
    cursor = journal.cursor()
    env = dict(os.environ, CHARFINDERD_SANDBOX_PID1=str(box.pid1),
               PYTHONDONTWRITEBYTECODE='1')
    began = time.monotonic()
    try:
        done = subprocess.run(box.in_network(command(kind, script, rclient)),
                              env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        output, status = done.stdout.decode(errors='replace'), done.returncode
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b'').decode(errors='replace')
        status = f'timeout after {timeout} s'
    took = time.monotonic() - began
    problems = [] if status == 0 else [f'{name} exited {status}']
    service.systemctl('stop', UNIT, check=False)
    service.systemctl('reset-failed', UNIT, check=False)
    # PID 1 logs the end of a main process unless it exited cleanly.
    ends = [e['MESSAGE'] for e in journal.since(cursor, 'UNIT=' + UNIT,
                                                '_PID=1')
            if 'Main process exited' in e['MESSAGE']]
    problems += [f'{name}: {end}' for end in ends if 'code=exited' not in end]
    print(f'--- {name} ({took:.1f} s)')
    print(output.rstrip())
    print(f'{"FAIL" if problems else "PASS"} {name} in the sandbox'
          + ''.join('\n  ' + p for p in problems), flush=True)
    return problems


def main():
    skip_unless_root()
    if len(sys.argv) < 5 or sys.argv[3] not in ('integration', 'robustness'):
        sys.exit(__doc__)
    source, cache, kind = sys.argv[1:4]
    rclient = sys.argv[4] if kind == 'robustness' else None
    scripts = sys.argv[5:] if kind == 'robustness' else sys.argv[4:]
    timeout = 60 if kind == 'integration' else 120
    problems = []
    try:
        with Installed(package_of(source, cache)) as box:
            service = Service(box)
            journal = Journal(box)
            service.set_dropin('50-strict-filter', STRICT_FILTER)
            for script in scripts:
                problems += run_script(box, service, journal, kind,
                                       os.path.abspath(script), rclient,
                                       timeout)
            box.run('rm', '-rf', DROPINS)
    except SandboxError as failure:
        problems.append(str(failure))
    if problems:
        print('FAIL:\n  ' + '\n  '.join(problems), flush=True)
        sys.exit(1)
    say(f'all {len(scripts)} {kind} scripts passed against {UNIT}')


if __name__ == '__main__':
    main()
