"""installed: charfinderd installed from its .deb in a sandbox, and what the
systemd-real tests do with it: systemctl, drop-ins, the journal.

    with Installed(deb) as box:          # booted, `apt install ./the.deb` done
        service = Service(box)
        service.restart_with(['--idle-timeout', '2'])

Service and Journal need only a Container, so a program started by a test
(the stand-ins for the daemon) reaches the same container by the host pid
of its PID 1, passed in CHARFINDERD_SANDBOX_PID1.
"""
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from sandbox import Sandbox, SandboxError, say

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = 'charfinderd.service'
DAEMON = '/usr/sbin/charfinderd'
DROPINS = '/run/systemd/system/charfinderd.service.d'
SKIP = 77


def skip_unless_root():
    if os.geteuid() != 0:
        print('skip: systemd-nspawn needs root to boot a container')
        sys.exit(SKIP)


def package_of(source, cache):
    """The .deb of the source tree as it is now: built by build_deb.sh once
    for each state of the tree (names, modes and contents), kept in cache
    for the other tests of the suite."""
    tree = subprocess.run(
        ['tar', '-C', source, '-c', '--exclude-vcs',
         '--exclude-tag-all=build.ninja', '--sort=name', '--mtime=@0',
         '--owner=0', '--group=0', '--numeric-owner', '.'],
        stdout=subprocess.PIPE, check=True).stdout
    key = hashlib.sha256(tree).hexdigest()[:16]
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, 'lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        place = os.path.join(cache, key)
        if not os.path.isdir(place):
            for old in os.listdir(cache):
                if old != 'lock':
                    shutil.rmtree(os.path.join(cache, old))
            say(f'building the .deb of {source} (dpkg-buildpackage)')
            began = time.monotonic()
            os.mkdir(place + '.part')
            try:
                subprocess.run([os.path.join(HERE, 'build_deb.sh'), source,
                                place + '.part'], check=True)
            except subprocess.CalledProcessError:
                shutil.rmtree(place + '.part')
                raise SandboxError('dpkg-buildpackage failed')
            os.rename(place + '.part', place)
            say(f'built in {time.monotonic() - began:.0f} s')
        debs = [name for name in os.listdir(place) if name.endswith('.deb')]
        if len(debs) != 1:
            raise SandboxError(f'not one .deb in {place}: {debs}')
        return os.path.join(place, debs[0])


def deb_depends(deb):
    """The names in the package's Depends (first of each alternative)."""
    field = subprocess.run(['dpkg-deb', '-f', deb, 'Depends'],
                           capture_output=True, text=True, check=True).stdout
    return sorted({d.split('|')[0].split('(')[0].strip()
                   for d in field.split(',') if d.strip()})


class Installed(Sandbox):
    """A sandbox with the package's dependencies in its root and the
    package installed the way a user does."""

    def __init__(self, deb):
        super().__init__(deb_depends(deb))
        self.deb = os.path.abspath(deb)

    def __enter__(self):
        super().__enter__()
        try:
            self.install()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def files(self):
        """Every path on the container's root file system and in /run."""
        return set(self.output('find', '/', '/run', '-xdev').splitlines())

    def install(self):
        name = os.path.basename(self.deb)
        self.files_before_install = self.files()
        self.copy_in(self.deb, '/root/' + name)
        done = self.run('sh', '-c', f'cd /root && apt install -y ./{name}',
                        check=False)
        if done.returncode != 0:
            raise SandboxError(f'apt install ./{name} failed:\n'
                               f'{done.stdout}{done.stderr}')
        say(f'installed with apt install ./{name}')


class Journal:
    """The journal of the container: entries as dicts (MESSAGE, PRIORITY,
    _PID, ...), read after a cursor."""

    def __init__(self, container):
        self.box = container

    def cursor(self):
        """Where the journal ends now: read what comes after it later."""
        self.box.run('journalctl', '--sync')
        last = self.box.output('journalctl', '-n', '1', '-o', 'json',
                               '--no-pager')
        return json.loads(last)['__CURSOR'] if last else None

    def since(self, cursor, *matches):
        """Entries after cursor that match (FIELD=VALUE ...)."""
        self.box.run('journalctl', '--sync')
        argv = ['journalctl', '-o', 'json', '--no-pager']
        if cursor:
            argv.append('--after-cursor=' + cursor)
        out = self.box.output(*argv)
        return [e for e in map(entry, filter(None, out.splitlines()))
                if matching(e, matches)]

    def wait_for(self, cursor, matches, wanted, timeout=10):
        """Entries after cursor that match, once wanted(entries) is true:
        journald takes in a service's output when it gets to it."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.since(cursor, *matches)
            if wanted(entries) or time.monotonic() > deadline:
                return entries
            time.sleep(0.2)

    def follow(self, cursor, *matches):
        """A JournalFollower of the entries after cursor."""
        return JournalFollower(self.box, cursor, matches)


def matching(record, matches):
    """Whether the entry has every FIELD=VALUE.  The filtering is ours:
    journalctl --after-cursor with matches can skip the first entry after
    the cursor when the cursor's entry does not match."""
    return all(str(record.get(field)) == value for field, value in
               (match.split('=', 1) for match in matches))


def entry(line):
    record = json.loads(line)
    message = record.get('MESSAGE', '')
    if isinstance(message, list):	# not UTF-8: journalctl gives the bytes
        message = bytes(message).decode('utf-8', 'backslashreplace')
    record['MESSAGE'] = message
    return record


class JournalFollower:
    """journalctl -f in a thread: entries as they come, and a condition
    variable to wait on them."""

    def __init__(self, container, cursor, matches):
        argv = ['journalctl', '-f', '-o', 'json', '--no-pager']
        argv.append('--after-cursor=' + cursor if cursor else '--lines=all')
        self.matches = matches
        self.entries = []
        self.changed = threading.Condition()
        # nsenter does not pass signals on, so journalctl lives as long as
        # a shell inside that waits for the end of its input: ours.
        self.proc = subprocess.Popen(container.inside(
            ['sh', '-c', '"$@" & trap "kill $!" EXIT; read -r _', 'sh',
             *argv]), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            stdin=subprocess.PIPE)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            record = entry(line)
            if not matching(record, self.matches):
                continue
            with self.changed:
                self.entries.append(record)
                self.changed.notify_all()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()
        self.thread.join(5)


class Service:
    """charfinderd.service in the container: its state, drop-ins, restarts."""

    def __init__(self, container, unit=UNIT):
        self.box = container
        self.unit = unit

    def systemctl(self, *args, check=True, timeout=60):
        return self.box.run('systemctl', *args, check=check, timeout=timeout)

    def show(self, *properties, unit=None):
        out = self.box.output('systemctl', 'show', unit or self.unit,
                              '--property=' + ','.join(properties))
        values = dict(line.split('=', 1) for line in out.splitlines())
        return [values.get(p, '') for p in properties]

    def state(self, unit=None):
        return self.box.run('systemctl', 'is-active', unit or self.unit,
                            check=False).stdout.strip()

    def main_pid(self):
        return int(self.show('MainPID')[0])

    def host_main_pid(self):
        return self.box.host_pid(self.main_pid())

    def wait_for(self, what, condition, timeout=30):
        """Polls condition() until true; fails after timeout seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SandboxError(f'{self.unit}: not {what} within '
                                   f'{timeout} s (state {self.state()})')
            time.sleep(0.1)

    def set_dropin(self, name, lines):
        """A drop-in /run/.../charfinderd.service.d/NAME.conf, loaded."""
        self.box.run('sh', '-c', f'mkdir -p {DROPINS} && '
                     f'cat >{DROPINS}/{name}.conf',
                     input='\n'.join(lines) + '\n')
        self.systemctl('daemon-reload')

    def remove_dropin(self, name):
        self.box.run('rm', '-f', f'{DROPINS}/{name}.conf')
        self.systemctl('daemon-reload')

    def restart_with(self, options=(), settings=(), check=True):
        """Stops the service, then starts it (the socket stays) as
        `charfinderd OPTIONS` with extra [Service] settings."""
        for option in options:
            if not option or any(c in option for c in ' \t"\'\\$%;'):
                raise SandboxError(f'an option systemd would not pass as '
                                   f'is: {option!r}')
        self.set_dropin('60-options', [
            '[Service]', 'ExecStart=',
            'ExecStart=' + ' '.join([DAEMON, *options]), *settings])
        self.systemctl('stop', self.unit)
        self.systemctl('reset-failed', self.unit, check=False)
        self.systemctl('start', self.unit, check=check)

    def exit_status(self):
        """(Result, how the main process ended, its status)."""
        result, code, status = self.show('Result', 'ExecMainCode',
                                         'ExecMainStatus')
        # ExecMainCode is a CLD_* code: 1 exited, 2 killed, 3 dumped.
        how = {'1': 'exited', '2': 'killed', '3': 'dumped'}.get(code, code)
        return result, how, int(status or 0)
