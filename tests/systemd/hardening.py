#!/usr/bin/env python3
"""hardening: the service's sandbox still lets the daemon serve.

Without systemd as PID 1 the sandbox cannot be applied as systemd would, so
the daemon runs a whole session the way the unit starts it, and every
system call it makes is checked against what the unit allows:

  systemd-socket-activate (two sockets, IPv4 and IPv6, as the .socket)
    -> unshare -n            (PrivateNetwork: a network namespace of its own)
    -> setpriv nobody        (DynamicUser: unprivileged, no capabilities,
                              no new privileges)
    -> charfinderd           (traced by strace -f, with LimitNOFILE applied,
                              $NOTIFY_SOCKET a path socket of this test)

Then, from the trace of the daemon and its threads: each system call is in
the unit's SystemCallFilter, each socket() family in
RestrictAddressFamilies, no mapping is writable and executable
(MemoryDenyWriteExecute), no namespace is made, nothing is written to the
file system and nothing outside the sandbox's view (/dev beyond
PrivateDevices, /proc beyond the process's own, home directories) is
touched.  The table at the end says which unit line was shown how.
Usage: hardening.py DAEMON SERVICE
"""
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import cftest
from cftest import Log, NotifySocket, check, check_serves, fail, query, skip

DEVICES_OF_PRIVATEDEVICES = {'/dev/null', '/dev/zero', '/dev/full',
                             '/dev/random', '/dev/urandom', '/dev/tty',
                             '/dev/ptmx', '/dev/pts/ptmx'}
# /proc files outside the process's own that a library reads if it can and
# does without under ProcSubset=pid (the systemd-real suite runs the daemon
# under the unit itself).
PROC_OPTIONAL = {
    # jemalloc: whether the kernel overcommits; when it cannot tell, it
    # decommits unused pages with mmap(PROT_NONE) instead of madvise().
    '/proc/sys/vm/overcommit_memory',
}
PATH_SYSCALLS = re.compile(
    r'^(open|openat|openat2|creat|stat|lstat|newfstatat|statx|access|'
    r'faccessat|faccessat2|readlink|readlinkat|truncate|mkdir|mkdirat|'
    r'unlink|unlinkat|rename|renameat|renameat2|chmod|fchmodat|chown|'
    r'fchownat|utimensat|symlink|symlinkat|link|linkat|mknod|mknodat)$')
READ_ONLY = re.compile(
    r'^(open|openat|openat2|stat|lstat|newfstatat|statx|access|faccessat|'
    r'faccessat2|readlink|readlinkat)$')
WRITE_FLAGS = re.compile(r'\bO_(WRONLY|RDWR|CREAT|TRUNC)\b')
CLONE_NEW = re.compile(r'\bCLONE_NEW\w+')
LINE = re.compile(r'^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$')


def unit_settings(path):
    """[(key, value)] of the [Service] section, in order."""
    settings, section = [], None
    for raw in open(path):
        line = raw.strip()
        if line.startswith('['):
            section = line
        elif section == '[Service]' and '=' in line and line[0] not in '#;':
            key, value = line.split('=', 1)
            settings.append((key.strip(), value.strip()))
    return settings


def syscall_groups():
    """{'@group': set of names (syscalls and @groups)} from systemd."""
    out = subprocess.run(['systemd-analyze', 'syscall-filter', '--no-pager'],
                         capture_output=True, text=True, check=True).stdout
    groups, current = {}, None
    for line in out.split('\n'):
        if line.startswith('@'):
            current = groups.setdefault(line.strip(), set())
        elif line.startswith('#'):
            current = None
        elif current is not None and line.strip() and \
                not line.strip().startswith('#'):
            current.add(line.strip())
    return groups


def expand(name, groups):
    if not name.startswith('@'):
        return {name}
    check(name in groups, 'unknown system call group ' + name)
    result = set()
    for member in groups[name]:
        result |= expand(member, groups)
    return result


def allowed_syscalls(settings, groups):
    """What SystemCallFilter= lines allow, merged as systemd.exec(5) says:
    the first line sets the mode; an allow list always holds @default."""
    allowed, mode = None, None
    for key, value in settings:
        if key != 'SystemCallFilter':
            continue
        deny = value.startswith('~')
        names = value.lstrip('~').split()
        names = {n.split(':')[0] for n in names}
        if mode is None:
            mode = 'deny' if deny else 'allow'
            allowed = set() if deny else expand('@default', groups)
        members = set().union(*(expand(n, groups) for n in names))
        if (mode == 'allow') != deny:
            allowed |= members
        else:
            allowed -= members
    check(mode == 'allow', 'the unit has no SystemCallFilter allow list')
    return allowed


def allowed_families(settings):
    for key, value in settings:
        if key == 'RestrictAddressFamilies':
            check(not value.startswith('~'), 'expected an allow list')
            return set(value.split())
    fail('the unit has no RestrictAddressFamilies=')


def free_port():
    """A port free on 127.0.0.1 and on ::1."""
    for _ in range(20):
        with socket.socket() as v4, socket.socket(socket.AF_INET6) as v6:
            v4.bind(('127.0.0.1', 0))
            port = v4.getsockname()[1]
            try:
                v6.bind(('::1', port))
                return port
            except OSError:
                continue
    fail('no free port')


def traced_child(strace):
    """The pid of strace's one child: systemd-socket-activate, which
    becomes the daemon by exec; None if there is none."""
    try:
        children = open('/proc/%d/task/%d/children'
                        % (strace.pid, strace.pid)).read().split()
    except OSError:
        return None
    return int(children[0]) if len(children) == 1 else None


def works(argv):
    try:
        return subprocess.run(argv, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False


def http_session(port):
    """HTTP: a streamed answer, an error, /char, /metrics, on IPv4 and
    IPv6, keep-alive."""
    for host in ('127.0.0.1', '[::1]'):
        for path in ('/search?q=cjk&limit=0', '/search?q=%ZZ',
                     '/char/U+265A', '/metrics', '/healthz', '/nothing'):
            try:
                with urllib.request.urlopen('http://%s:%d%s'
                                            % (host, port, path),
                                            timeout=30) as r:
                    r.read()
            except urllib.error.HTTPError as e:
                check(e.code in (400, 404), '%s: %d' % (path, e.code))


def session(port):
    """Two clients in turn, IPv4 then IPv6, the query forms and commands."""
    check_serves('127.0.0.1', port)
    for text in ('registered', 'smil* face', 'U+2654..U+2659', '\u00e9',
                 'cjk', '/version', '/stats', '/help', '/limit 3', 'latin'):
        answer = query('127.0.0.1', port, text, timeout=30)
        check(answer.endswith('\r\n'), 'no answer to %r' % text)
    check_serves('::1', port)
    with socket.create_connection(('::1', port), timeout=10) as conn:
        conn.sendall(b'/quit\r\n')
        deadline = time.monotonic() + 10
        while conn.recv(65536):
            check(time.monotonic() < deadline, '/quit did not close')


def trace_of_daemon(trace_path, daemon_path):
    """[(pid, syscall, rest of line)] from the daemon's execve on."""
    events, started = [], False
    real = os.path.realpath(daemon_path)
    for line in open(trace_path, errors='replace'):
        m = LINE.match(line)
        if not m:
            check(not re.search(r'runs in (32|x32) bit mode', line),
                  'a non-native ABI: ' + line)
            continue
        if m.group(2):
            continue    # the end of an <unfinished ...> call seen before
        pid, name, rest = m.group(1), m.group(3), m.group(4)
        if not started:
            started = (name == 'execve' and rest.endswith('= 0') and
                       os.path.realpath(rest.split('"')[1]) == real)
            continue
        events.append((pid, name, rest))
    check(started, 'no execve of %s in the trace' % daemon_path)
    return events


def analyse(events, syscalls_allowed, families_allowed):
    """Violations per unit setting, and the syscalls seen."""
    bad = {}

    def violation(setting, what):
        bad.setdefault(setting, []).append(what)

    seen = {}
    own = re.compile(r'^/proc/(self|thread-self|%s)(/|$)'
                     % '|'.join(sorted({pid for pid, _, _ in events})))
    for pid, name, rest in events:
        seen[name] = seen.get(name, 0) + 1
        if name not in syscalls_allowed:
            violation('SystemCallFilter', name)
        if name in ('socket', 'socketpair'):
            family = rest.split(',')[0].strip()
            if family not in families_allowed:
                violation('RestrictAddressFamilies', '%s(%s)' % (name, family))
        if name == 'mmap' and 'PROT_EXEC' in rest and 'PROT_WRITE' in rest:
            violation('MemoryDenyWriteExecute', 'mmap(' + rest)
        if name in ('mprotect', 'pkey_mprotect') and 'PROT_EXEC' in rest:
            violation('MemoryDenyWriteExecute', name + '(' + rest)
        if name in ('clone', 'clone3', 'unshare', 'setns') and \
                CLONE_NEW.search(rest):
            violation('RestrictNamespaces', name + '(' + rest)
        if name == 'personality' and not rest.startswith('0xffffffff'):
            violation('LockPersonality', 'personality(' + rest)
        if name in ('shmget', 'msgget', 'semget', 'mq_open'):
            violation('PrivateIPC', name)
        if name in ('add_key', 'request_key', 'keyctl'):
            violation('KeyringMode', name)
        if PATH_SYSCALLS.match(name) and '"' in rest:
            path = rest.split('"')[1]
            if not READ_ONLY.match(name) or WRITE_FLAGS.search(rest):
                violation('ProtectSystem', '%s(%s' % (name, rest))
            if path.startswith('/dev/') and \
                    path not in DEVICES_OF_PRIVATEDEVICES:
                violation('PrivateDevices', path)
            if path.startswith('/proc/') and not own.match(path) and \
                    path not in PROC_OPTIONAL:
                violation('ProcSubset', path)
            if re.match(r'^/(home|root|run/user)(/|$)', path):
                violation('ProtectHome', path)
    return bad, seen


def main(daemon_path, service_path):
    for tool in ('strace', 'systemd-analyze', 'systemd-socket-activate'):
        if shutil.which(tool) is None:
            skip(tool + ' not installed')
    settings = unit_settings(service_path)
    groups = syscall_groups()
    syscalls_allowed = allowed_syscalls(settings, groups)
    families_allowed = allowed_families(settings)
    nofile = int(dict(settings).get('LimitNOFILE', '0')) or None

    wrappers, shown = [], {}
    if os.geteuid() == 0 and works(['unshare', '-n', 'true']):
        wrappers += ['unshare', '-n']
        shown['PrivateNetwork'] = 'a network namespace of its own (unshare -n)'
    if os.geteuid() == 0 and works(['setpriv', '--reuid=nobody',
                                    '--regid=nogroup', '--clear-groups',
                                    'true']):
        wrappers += ['setpriv', '--reuid=nobody', '--regid=nogroup',
                     '--clear-groups', '--inh-caps=-all',
                     '--bounding-set=-all', '--no-new-privs']
        shown['DynamicUser'] = 'ran as nobody, no capabilities, no new privileges'

    tmp = tempfile.mkdtemp(prefix='charfinderd-hardening-')
    try:
        run(daemon_path, settings, tmp, wrappers, shown, syscalls_allowed,
            families_allowed, nofile)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(daemon_path, settings, tmp, wrappers, shown, syscalls_allowed,
        families_allowed, nofile):
    os.chmod(tmp, 0o755)
    notify = NotifySocket(os.path.join(tmp, 'notify'))
    os.chmod(notify.name, 0o777)
    trace = os.path.join(tmp, 'trace')
    port = free_port()
    http_port = free_port()

    if nofile:
        # soft = hard as LimitNOFILE= sets them, within what we may raise.
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard != resource.RLIM_INFINITY and hard < nofile:
            print('LimitNOFILE=%d lowered to the hard limit %d here'
                  % (nofile, hard))
            nofile = hard

    def limits():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    env = dict(os.environ, NOTIFY_SOCKET=notify.name)
    for name in ('LISTEN_PID', 'LISTEN_FDS', 'WATCHDOG_USEC', 'JOURNAL_STREAM'):
        env.pop(name, None)
    argv = (['strace', '-f', '-qq', '-o', trace,
             'systemd-socket-activate', '-l', '127.0.0.1:%d' % port,
             '-l', '[::1]:%d' % port, '-l', '127.0.0.1:%d' % http_port,
             '-l', '[::1]:%d' % http_port,
             '--fdname=charfinderd:charfinderd:http:http',
             '--setenv=NOTIFY_SOCKET'] + wrappers +
            [daemon_path, '-v'])
    print('running: ' + ' '.join(argv))
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=limits)
    log = Log(proc.stderr, echo=False)
    try:
        log.wait(r'Listening on \[::1\]:%d' % http_port, 10)
        # The first connection starts the daemon; READY=1 once it is up.
        check_serves('127.0.0.1', port)
        notify.wait_for('READY=1', 30)
        daemon_pid = traced_child(proc)
        check(daemon_pid is not None, 'no daemon under strace')
        status = open('/proc/%d/status' % daemon_pid).read()
        print(''.join(l + '\n' for l in status.split('\n')
                      if re.match(r'(Name|Uid|Gid|Groups|CapEff|CapBnd|'
                                  r'NoNewPrivs|Threads):', l)))
        if 'DynamicUser' in shown:
            check(re.search(r'^Uid:\s+65534\s', status, re.M) and
                  re.search(r'^CapEff:\s+0+$', status, re.M) and
                  re.search(r'^NoNewPrivs:\s+1$', status, re.M),
                  'not unprivileged')
        if 'PrivateNetwork' in shown:
            check(os.readlink('/proc/%d/ns/net' % daemon_pid) !=
                  os.readlink('/proc/self/ns/net'), 'same network namespace')
        print(''.join(l + '\n' for l in open('/proc/%d/limits' % daemon_pid)
                      .read().split('\n') if 'open files' in l))
        session(port)
        http_session(http_port)
        os.kill(daemon_pid, signal.SIGTERM)
        notify.wait_for('STOPPING=1', 10)
        check(proc.wait(15) == 0, 'exit status %r' % proc.returncode)
    except subprocess.TimeoutExpired:
        fail('the daemon did not exit after SIGTERM')
    finally:
        # The daemon first: killing strace would leave it running, untraced.
        if proc.poll() is None and traced_child(proc) is not None:
            os.kill(traced_child(proc), signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.join(5)
        print('log:\n  ' + '\n  '.join(log.lines[-20:]))
        notify.close()

    events = trace_of_daemon(trace, daemon_path)
    bad, seen = analyse(events, syscalls_allowed, families_allowed)
    print('%d system calls of %d kinds by %d threads:'
          % (len(events), len(seen), len({pid for pid, _, _ in events})))
    print('  ' + ' '.join('%s:%d' % kv for kv in sorted(seen.items())))

    by_trace = {
        'SystemCallFilter': 'every system call in the allowed set',
        'SystemCallErrorNumber': 'no call would have been refused',
        'SystemCallArchitectures': 'native ABI only (no 32-bit calls)',
        'RestrictAddressFamilies': 'socket() families: %s' % ' '.join(
            sorted({r.split(',')[0] for _, n, r in events
                    if n in ('socket', 'socketpair')})),
        'MemoryDenyWriteExecute': 'no W+X mmap, no mprotect(PROT_EXEC)',
        'RestrictNamespaces': 'no CLONE_NEW*, unshare, setns',
        'LockPersonality': 'no personality() change',
        'RestrictRealtime': 'no scheduler change (in SystemCallFilter)',
        'ProtectSystem': 'nothing opened for writing or created',
        'PrivateTmp': 'nothing written at all',
        'ProtectHome': 'no path under /home, /root, /run/user',
        'PrivateDevices': 'no device beyond /dev/null & co.',
        'DevicePolicy': 'no device beyond /dev/null & co.',
        'ProtectProc': 'no /proc path but its own',
        'ProcSubset': 'no /proc path but its own',
        'PrivateIPC': 'no SysV or POSIX message IPC',
        'RemoveIPC': 'no SysV or POSIX message IPC',
        'KeyringMode': 'no keyring calls',
        'UMask': 'nothing created',
        'ProtectClock': 'no clock change (in SystemCallFilter)',
        'ProtectHostname': 'no hostname change (in SystemCallFilter)',
        'ProtectKernelTunables': 'nothing written (no /proc/sys, /sys)',
        'ProtectKernelModules': 'no module calls (in SystemCallFilter)',
        'ProtectKernelLogs': 'no syslog(2), no /dev/kmsg',
        'ProtectControlGroups': 'nothing written',
        'PrivateMounts': 'no mount calls (in SystemCallFilter)',
    }
    shown['Type'] = 'READY=1, then served; STOPPING=1 on SIGTERM'
    shown['NotifyAccess'] = 'sent by the main process (LISTEN_PID)'
    if nofile:
        shown['LimitNOFILE'] = 'soft = hard = %d for the daemon' % nofile
    for key, test in (('ExecStart', 'the verify test'),
                      ('WatchdogSec', 'the notify test (WATCHDOG=1)'),

                      ('TimeoutStopSec', 'the notify test (exit on SIGTERM)')):
        shown[key] = 'see ' + test
    shown['Restart'] = 'not exercised: needs systemd as PID 1'
    for key in ('PrivateUsers', 'CapabilityBoundingSet', 'AmbientCapabilities',
                'NoNewPrivileges', 'RestrictSUIDSGID'):
        if 'DynamicUser' in shown:
            shown[key] = shown['DynamicUser']
    print('\nunit line -> how this run showed it serves with it:')
    failed = False
    for key, value in settings:
        if key in bad:
            how = 'VIOLATED: ' + ', '.join(sorted(set(bad[key]))[:10])
            failed = True
        elif key in shown:
            how = shown[key]
        elif by_trace.get(key):
            how = 'from the trace: ' + by_trace[key]
        else:
            how = 'not exercised here'
        print('  %-40s %s' % ('%s=%s' % (key, value), how))
    for key in bad:
        if key not in dict(settings):
            print('  (no %s= line) would be violated by: %s'
                  % (key, ', '.join(sorted(set(bad[key]))[:10])))
    if failed:
        fail('the daemon needs something the unit forbids')


if __name__ == '__main__':
    cftest.main(main)
