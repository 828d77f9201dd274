#!/usr/bin/env python3
"""service: the Debian package under a real systemd (PID 1 of a container).

Installs the .deb with apt, then checks, in this order: the socket is
enabled and listening and the service waits; `systemctl start` of the
socket; the first connection starts the service; its STATUS= line; who
it runs as (dynamic user, no capabilities, no new privileges, seccomp, its
own network, user and mount namespaces, LimitNOFILE); IPv4 and IPv6;
`systemd-analyze security`; journal priorities; Restart= after SIGSEGV;
the watchdog after SIGSTOP; `systemctl stop` after STOPPING=1; apt remove
and purge.  The sandbox checks on the way out that nothing is left on the
host.  Usage: service.py SOURCE_DIR DEB_CACHE_DIR (see package_of)
"""
import json
import re
import socket
import sys
import time
import urllib.request

from installed import (DROPINS, UNIT, Installed, Journal, Service,
                       package_of, skip_unless_root)
from sandbox import SandboxError

PROMPT = b'?> '
REGISTERED = ("U+00AE \t\u00ae\tREGISTERED SIGN\r\n"
              "1 match for 'registered'\r\n")
DYNAMIC_UIDS = range(61184, 65520)	# systemd's range for DynamicUser=
LIMIT_NOFILE = 65536			# as in charfinderd.service
SECURITY_LIMIT = 1.0
WATCHDOG = 3				# seconds, lowered by a drop-in


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def ok(message):
    print('ok: ' + message, flush=True)


def ask(host, port, query, timeout=10):
    """Connects, reads the prompt, sends query; the answer before the next
    prompt.  Call within box.network()."""
    with socket.create_connection((host, port), timeout) as conn:
        got = b''
        while not got.endswith(PROMPT):
            data = conn.recv(65536)
            check(data, f'{host} port {port}: closed before the prompt')
            got += data
        check(got == PROMPT, f'first bytes {got!r}, not the prompt')
        conn.sendall(query.encode() + b'\r\n')
        got = b''
        while not got.endswith(b'\r\n' + PROMPT):
            data = conn.recv(65536)
            check(data, f'closed after {got[-200:]!r}')
            got += data
        return got[:-len(PROMPT)].decode()


def probe_telnet(box, port, host='127.0.0.1'):
    with box.network():
        answer = ask(host, port, 'registered')
    check(answer == REGISTERED, f'{host} port {port} answered {answer!r}')


def refused(box, port):
    with box.network():
        try:
            socket.create_connection(('127.0.0.1', port), 5).close()
        except ConnectionRefusedError:
            return True
    return False


def probe_http(box, port, host='127.0.0.1'):
    """GET /search over HTTP: the same answer as telnet's, as JSON."""
    url_host = f'[{host}]' if ':' in host else host
    with box.network():
        with urllib.request.urlopen(f'http://{url_host}:{port}/search?'
                                    'q=registered', timeout=10) as r:
            status, body = r.status, json.loads(r.read())
    check(status == 200 and body['results'] == [
        {'cp': 'U+00AE', 'char': '\u00ae', 'name': 'REGISTERED SIGN'}],
        f'{host} port {port} (http) answered {status} {body}')


# Every socket unit of the package: (unit, port, a probe that fails unless
# the daemon answers there).  Another front end is one more line.
SOCKETS = [('charfinderd.socket', 2323, probe_telnet),
           ('charfinderd-http.socket', 8080, probe_http)]


def installed_and_waiting(box, service):
    """apt install gave a listening port and no running service."""
    for unit, port, _ in SOCKETS:
        enabled = box.run('systemctl', 'is-enabled', unit,
                          check=False).stdout.strip()
        check(enabled == 'enabled', f'{unit} is {enabled!r} after install')
        check(service.state(unit) == 'active', f'{unit} not active')
        listen = service.show('Listen', unit=unit)[0]
        check(f'[::]:{port} (Stream)' in listen, f'{unit} listens on {listen}')
    check(service.state() == 'inactive',
          f'{UNIT} is {service.state()} before any client')
    ok('after apt install: ' + ', '.join(f'{u} enabled and listening on '
                                         f'[::]:{p}' for u, p, _ in SOCKETS)
       + f'; {UNIT} not started')


def socket_start(box, service):
    for unit, port, _ in SOCKETS:
        service.systemctl('stop', unit)
        check(service.state(unit) == 'inactive', f'{unit} still active')
        check(refused(box, port), f'port {port} open with {unit} stopped')
        service.systemctl('start', unit)
        check(service.state(unit) == 'active', f'{unit} did not start')
    ok('systemctl stop / start ' + ' '.join(u for u, _, _ in SOCKETS) +
       ': the port closes and opens again')


def activation(box, service):
    check(service.state() == 'inactive' and service.main_pid() == 0,
          f'{UNIT} runs before the first connection')
    for unit, port, probe in SOCKETS:
        probe(box, port)
        check(service.state() == 'active', f'{UNIT} is {service.state()} '
              f'after a client of {unit} was answered')
    ok(f'the first connection started {UNIT} (main pid '
       f'{service.main_pid()}), and it answered')


def notify_status(service):
    kind, status = service.show('Type', 'StatusText')
    check(kind == 'notify', f'Type={kind}')
    check(re.fullmatch(r'\d+ characters \(Unicode [0-9.]+\) on \[::\]:\d+.*',
                       status), f'STATUS= line {status!r}')
    ok(f'Type=notify, STATUS: "{status}"')


def credentials(box, service):
    pid = service.main_pid()
    status = dict(line.split(':', 1) for line in box.output(
        'cat', f'/proc/{pid}/status').splitlines())
    uids = status['Uid'].split()
    gids = status['Gid'].split()
    check(len(set(uids)) == 1 and int(uids[0]) in DYNAMIC_UIDS,
          f'Uid: {uids}: not one dynamic user')
    check(len(set(gids)) == 1 and gids[0] == uids[0], f'Gid: {gids}')
    name = box.output('readlink', f'/run/systemd/dynamic-uid/direct:{uids[0]}')
    check(name == 'charfinderd', f'uid {uids[0]} is {name!r}')
    for cap in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'):
        check(int(status[cap], 16) == 0, f'{cap}: {status[cap].strip()}')
    check(status['NoNewPrivs'].strip() == '1', 'NoNewPrivs is not 1')
    check(status['Seccomp'].strip() == '2', 'Seccomp is not 2 (filter)')
    # systemd clamps LimitNOFILE= to its own hard limit (the host's, when
    # the host does not let it be raised).
    room = min(LIMIT_NOFILE, nofile(box, 1)[1])
    check(nofile(box, pid) == (room, room),
          f'open files limit {nofile(box, pid)}, expected {room}')
    for kind in ('net', 'user', 'mnt'):
        own = box.output('readlink', f'/proc/{pid}/ns/{kind}')
        check(own != box.output('readlink', f'/proc/1/ns/{kind}'),
              f'the daemon shares the {kind} namespace of PID 1')
    ok(f'runs as dynamic user charfinderd (uid {uids[0]}), no capabilities, '
       f'NoNewPrivs 1, Seccomp 2, {room} descriptors (LimitNOFILE='
       f'{LIMIT_NOFILE}; PID 1 may have {nofile(box, 1)[1]}), its own '
       f'network, user and mount namespaces')


def nofile(box, pid):
    """(soft, hard) descriptor limit of a process of the container."""
    limits = box.output('cat', f'/proc/{pid}/limits')
    found = re.search(r'Max open files\s+(\d+)\s+(\d+)', limits)
    return int(found.group(1)), int(found.group(2))


def both_families(box):
    for unit, port, probe in SOCKETS:
        probe(box, port, '::1')
        probe(box, port, '127.0.0.1')
    ok('answers on ::1 and on 127.0.0.1 (one socket, BindIPv6Only=both)')


def security(box):
    out = box.run('systemd-analyze', 'security', UNIT, '--no-pager',
                  '--threshold=10', check=False)
    level = re.search(r'Overall exposure level for \S+: ([0-9.]+)',
                      out.stdout)
    check(level, f'no exposure level: {out.stdout[-500:]}{out.stderr}')
    check(out.returncode == 0 and float(level.group(1)) <= SECURITY_LIMIT,
          f'exposure {level.group(1)} (limit {SECURITY_LIMIT}), exit '
          f'{out.returncode}')
    ok(f'systemd-analyze security {UNIT}: {level.group(1)} (limit '
       f'{SECURITY_LIMIT})')


def journal_priorities(box, service, journal):
    """What the daemon sends with a <N> prefix is what the journal keeps;
    a usage error (no prefix, before the log is set up) is an error."""
    cursor = journal.cursor()
    # -vv: connections (info) and queries (debug); 64 descriptors: a
    # warning that --max-connections was lowered.
    service.restart_with(['-vv'], ['LimitNOFILE=64'])
    probe_telnet(box, SOCKETS[0][1])
    service.systemctl('stop', UNIT)
    service.restart_with(['--bogus'], ['Restart=no'], check=False)
    expected = [(r'--max-connections .* lowered', 4),
                (r'characters indexed', 5),
                (r'listening on', 5),
                (r'connection from', 6),
                (r'registered', 7),
                (r'stopping', 5),
                (r'unknown option --bogus', 3)]
    matches = ['_SYSTEMD_UNIT=' + UNIT, '_TRANSPORT=stdout']

    def all_there(entries):
        return all(any(re.search(p, e['MESSAGE']) for e in entries)
                   for p, _ in expected)

    entries = journal.wait_for(cursor, matches, all_there)
    for pattern, priority in expected:
        found = [e for e in entries if re.search(pattern, e['MESSAGE'])]
        check(found, f'no journal line matching {pattern!r}: '
              f'{[e["MESSAGE"] for e in entries]}')
        check(all(e.get('PRIORITY') == str(priority) for e in found),
              f'{pattern!r}: priority {[e.get("PRIORITY") for e in found]}, '
              f'expected {priority}')
    check(not any(e['MESSAGE'].startswith('<') for e in entries),
          'a <N> prefix reached the journal as text')
    names = {3: 'err', 4: 'warning', 5: 'notice', 6: 'info', 7: 'debug'}
    ok('journal priorities: ' + ', '.join(
        f'{p!r} {names[n]}' for p, n in expected))
    service.remove_dropin('60-options')
    service.systemctl('reset-failed', UNIT, check=False)


def main_exits(journal, cursor, how):
    """PID 1's lines about the main process since cursor that say how."""
    entries = journal.wait_for(
        cursor, ['UNIT=' + UNIT, '_PID=1'],
        lambda es: any(how in e['MESSAGE'] for e in es))
    return [e['MESSAGE'] for e in entries if 'Main process exited' in
            e['MESSAGE'] or 'Watchdog timeout' in e['MESSAGE']]


def restarted(box, service, journal, signal_name, cause, timeout):
    """Sends signal_name to the main process: systemd must restart it."""
    pid = service.main_pid()
    restarts = int(service.show('NRestarts')[0])
    cursor = journal.cursor()
    box.run('sh', '-c', f'kill -{signal_name} {pid}')
    service.wait_for('restarted', lambda: service.state() == 'active' and
                     service.main_pid() not in (0, pid), timeout)
    now = int(service.show('NRestarts')[0])
    check(now == restarts + 1, f'NRestarts {restarts} -> {now}')
    lines = main_exits(journal, cursor, cause)
    check(any(cause in line for line in lines),
          f'PID 1 did not log {cause!r}: {lines}')
    probe_telnet(box, SOCKETS[0][1])
    return lines


def segv_restart(box, service, journal):
    service.systemctl('start', UNIT)
    lines = restarted(box, service, journal, 'SEGV', 'status=11/SEGV', 30)
    ok(f'kill -SEGV: "{lines[0]}"; Restart= brought it back and it answers')


def watchdog(box, service, journal):
    service.set_dropin('70-watchdog',
                       ['[Service]', f'WatchdogSec={WATCHDOG}s'])
    service.systemctl('restart', UNIT)
    pid = service.main_pid()
    restarts = service.show('NRestarts')[0]
    # Pinging at half the interval, it outlives the watchdog twice over.
    time.sleep(2 * WATCHDOG + 1)
    check(service.main_pid() == pid and
          service.show('NRestarts')[0] == restarts,
          f'restarted while running normally with WatchdogSec={WATCHDOG}s')
    lines = restarted(box, service, journal, 'STOP', 'Watchdog timeout',
                      WATCHDOG + 30)
    service.remove_dropin('70-watchdog')
    service.systemctl('restart', UNIT)
    ok(f'WatchdogSec={WATCHDOG}s: the daemon keeps it happy for '
       f'{2 * WATCHDOG + 1} s; after kill -STOP: "{lines[0]}", restarted, '
       f'answers')


def stop(box, service, journal):
    """systemctl stop: exit 0, and STOPPING=1 reached PID 1 before the main
    process exited (PID 1's debug log shows both)."""
    probe_telnet(box, SOCKETS[0][1])
    pid = service.main_pid()
    cursor = journal.cursor()
    box.run('systemctl', 'log-level', 'debug')
    try:
        done = service.systemctl('stop', UNIT, check=False)
    finally:
        box.run('systemctl', 'log-level', 'info')
    check(done.returncode == 0, f'systemctl stop exited {done.returncode}: '
          f'{done.stderr}')
    result = service.exit_status()
    check(result == ('success', 'exited', 0), f'after stop: {result}')
    entries = journal.wait_for(
        cursor, ['UNIT=' + UNIT, '_PID=1'],
        lambda es: any('Main process exited' in e['MESSAGE'] for e in es))
    said = [e['MESSAGE'] for e in entries]
    stopping = [i for i, m in enumerate(said)
                if f'from PID {pid} (STOPPING=1)' in m]
    exited = [i for i, m in enumerate(said) if 'Main process exited' in m]
    check(stopping and exited and stopping[0] < exited[0],
          f'no STOPPING=1 before the exit in PID 1\'s log: {said}')
    ok(f'systemctl stop exited 0; PID 1 got STOPPING=1, then '
       f'"{said[exited[0]]}"')


def remove_and_purge(box, service):
    probe_telnet(box, SOCKETS[0][1])
    check(service.state() == 'active', 'not running before apt remove')
    pid = service.host_main_pid()
    box.run('rm', '-rf', DROPINS)
    box.run('systemctl', 'daemon-reload')
    box.run('apt', 'remove', '-y', 'charfinderd')
    for unit, port, _ in SOCKETS + [(UNIT, None, None)]:
        check(service.state(unit) == 'inactive', f'{unit} runs after remove')
        state = box.run('systemctl', 'is-enabled', unit, check=False)
        check(state.returncode != 0, f'{unit} is {state.stdout.strip()} '
              f'after remove')
        if port:
            check(refused(box, port), f'port {port} open after remove')
    try:
        with open(f'/proc/{pid}/status'):
            raise Failure('the daemon still runs after apt remove')
    except FileNotFoundError:
        pass
    ok('apt remove: units stopped and gone (systemctl is-enabled: '
       'not-found), ports closed, the daemon gone')

    box.run('apt', 'purge', '-y', 'charfinderd')
    box.run('rm', f'/root/{box.deb.rsplit("/", 1)[1]}')
    known = box.run('dpkg', '-s', 'charfinderd', check=False)
    check(known.returncode != 0, 'dpkg still knows charfinderd after purge')
    # Installing and purging again wrote logs and caches of apt and dpkg:
    # everything else must be as it was before the install.
    noise = re.compile(r'^/(var/log|var/cache/(apt|debconf|ldconfig)|'
                       r'var/lib/apt/(extended_states|lists/auxfiles)|'
                       r'var/lib/dpkg/[^/]*-old$|'
                       r'run/(systemd|log|udev|agetty\.reload))')
    new = sorted(p for p in box.files() - box.files_before_install
                 if not noise.match(p))
    check(not new, f'left after purge: {new}')
    left = box.output('find', '/', '/run', '-xdev', '-name', '*charfinderd*')
    check(not left, f'left after purge: {left}')
    ok('apt purge: dpkg forgets it, no file is new since before the '
       'install, none is named *charfinderd*')


def main():
    skip_unless_root()
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        with Installed(package_of(*sys.argv[1:3])) as box:
            service = Service(box)
            journal = Journal(box)
            installed_and_waiting(box, service)
            socket_start(box, service)
            activation(box, service)
            notify_status(service)
            credentials(box, service)
            both_families(box)
            security(box)
            journal_priorities(box, service, journal)
            segv_restart(box, service, journal)
            watchdog(box, service, journal)
            stop(box, service, journal)
            remove_and_purge(box, service)
    except (Failure, SandboxError) as failure:
        print(f'FAIL: {failure}', flush=True)
        sys.exit(1)
    print('PASS service', flush=True)


if __name__ == '__main__':
    main()
