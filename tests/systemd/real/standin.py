#!/usr/bin/env python3
"""standin: what the integration scripts start as "the daemon" when they
drive charfinderd.service in the sandbox.

`standin.py --port 0 OPTIONS` restarts the service as `charfinderd
OPTIONS` and writes its journal to stderr as the daemon would write its
log ("listening on [::]:2323 ..." gives the scripts the port).  SIGTERM
is `systemctl stop`, SIGINT is SIGINT to the main process; either way the
stand-in exits with the daemon's exit status.  If the main process dies
otherwise (a crash, a system call the filter forbids), it exits 1 at once.
The container is the one whose PID 1 has the host pid in
$CHARFINDERD_SANDBOX_PID1.
"""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from installed import UNIT, Journal, Service  # noqa: E402
from sandbox import Container, start_time  # noqa: E402

requested = []


def main():
    options = sys.argv[1:]
    if options[:1] == ['--port']:
        options = options[2:]
    box = Container(os.environ['CHARFINDERD_SANDBOX_PID1'])
    service = Service(box)
    journal = Journal(box)
    service.systemctl('stop', UNIT)	# its last lines are not ours
    cursor = journal.cursor()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda n, frame: requested.append(n))
    service.restart_with(options, check=False)
    log = journal.follow(cursor, '_SYSTEMD_UNIT=' + UNIT, '_TRANSPORT=stdout')
    pid = service.host_main_pid() if service.state() == 'active' else 0
    started = start_time(pid)[0] if pid else None
    shown = 0
    while True:
        with log.changed:
            for entry in log.entries[shown:]:
                print('charfinderd: ' + entry['MESSAGE'], file=sys.stderr,
                      flush=True)
            shown = len(log.entries)
        if requested:
            break
        try:
            if start_time(pid)[0] != started:
                raise FileNotFoundError
        except (FileNotFoundError, ProcessLookupError):
            time.sleep(0.5)		# the last lines of its log
            print(f'standin: the main process ended: '
                  f'{service.exit_status()}', file=sys.stderr, flush=True)
            sys.exit(1)
        time.sleep(0.05)
    if requested[0] == signal.SIGTERM:
        service.systemctl('stop', UNIT, check=False)
    else:
        service.systemctl('kill', '--kill-whom=main', '--signal=INT', UNIT)
        service.wait_for('stopped', lambda: service.state() != 'active')
    result, how, status = service.exit_status()
    print(f'standin: {UNIT} ended: {result}, {how} {status}',
          file=sys.stderr, flush=True)
    log.close()
    sys.exit(status if how == 'exited' else 1)


main()
