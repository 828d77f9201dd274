#!/usr/bin/env python3
"""sandbox: a real systemd as PID 1 of a systemd-nspawn container.

    with Sandbox(['libicu72']) as box:     # packages beyond systemd and dbus
        box.run('systemctl', 'start', 'some.socket')     # inside the container
        subprocess.run(box.in_network(['nc', '127.0.0.1', '2323']))
                                           # a host program on its loopback

The root is a debootstrap minbase of this machine's own release, from the
mirror its apt sources name, cached under /var/tmp/charfinderd-sandbox and
keyed by its package list.  It is built under a lock and marked complete
only at the end, so a build that was interrupted is started again.
--volatile=overlay keeps it clean: whatever a container writes is gone
when it powers off.

The container boots with its own network (a loopback of its own) and is
not registered with a host systemd (there may be none), so nspawn makes
its cgroups below its own: it is started in a cgroup made for it in every
hierarchy, and those are removed, deepest first, once it is gone.  On the
way out Sandbox checks that nothing is left on the host: no process in
the container's namespaces, no cgroup, no new mount.

As a program:
    sandbox.py root [PACKAGE...]    build or find the root, print its path
    sandbox.py shell [PACKAGE...]   boot it, open a shell inside, power off
"""
import contextlib
import ctypes
import fcntl
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CACHE = '/var/tmp/charfinderd-sandbox'
BASE_PACKAGES = ('systemd', 'systemd-sysv', 'dbus')
# Change when the way a root is made changes: old roots are then unused.
RECIPE = 1
INSIDE_ENV = ('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:'
              '/sbin:/bin', 'LANG=C.UTF-8', 'HOME=/root',
              'DEBIAN_FRONTEND=noninteractive')
BOOT_TIMEOUT = 60
POWEROFF_TIMEOUT = 60
NSPAWN_RUN = '/run/systemd/nspawn'
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


class SandboxError(Exception):
    pass


def say(message):
    print('sandbox: ' + message, flush=True)


# --- the root -----------------------------------------------------------

def host_release():
    with open('/etc/os-release') as release:
        for line in release:
            key, _, value = line.strip().partition('=')
            if key == 'VERSION_CODENAME':
                return value.strip('"')
    raise SandboxError('no VERSION_CODENAME in /etc/os-release')


def host_mirror(release):
    """The archive this machine's apt sources use for its release."""
    out = subprocess.run(
        ['apt-get', 'indextargets', '--format', '$(REPO_URI)',
         'Release: ' + release, 'Identifier: Packages', 'Component: main'],
        capture_output=True, text=True, check=True).stdout.split()
    if not out:
        raise SandboxError(f'no apt source for {release} main on this '
                           f'machine (apt-get indextargets)')
    return out[0]


def mounts():
    """(mount point, file system type, source) of every host mount."""
    found = set()
    with open('/proc/self/mountinfo') as info:
        for line in info:
            fields = line.split()
            dash = fields.index('-')
            found.add((fields[4], fields[dash + 1], fields[dash + 2]))
    return found


def remove_tree(path):
    """A directory that may hold mounts (debootstrap mounts /proc and /sys
    in the root while it works): unmount them, then remove it without
    crossing into any file system still mounted."""
    inside = sorted((m for m, _, _ in mounts()
                     if m == path or m.startswith(path + '/')),
                    key=len, reverse=True)
    for mount_point in inside:
        subprocess.run(['umount', '-l', mount_point], check=False)
    subprocess.run(['rm', '-rf', '--one-file-system', path], check=True)


def cached_root(packages=()):
    """The root with BASE_PACKAGES and packages, built if need be."""
    release = host_release()
    wanted = sorted(set(BASE_PACKAGES) | set(packages))
    key = hashlib.sha256(repr((RECIPE, release, wanted)).encode()) \
        .hexdigest()[:16]
    os.makedirs(CACHE, exist_ok=True)
    place = os.path.join(CACHE, f'{release}-{key}')
    root = os.path.join(place, 'root')
    complete = os.path.join(place, 'complete')
    with open(place + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(complete):
            return root
        if os.path.exists(place):
            say(f'removing an unfinished root {place}')
            remove_tree(place)
        os.makedirs(place)
        with open(os.path.join(place, 'packages'), 'w') as listing:
            listing.write('\n'.join(wanted) + '\n')
        mirror = host_mirror(release)
        say(f'building {root}: debootstrap minbase {release} from {mirror} '
            f'with {",".join(wanted)} (a few minutes, once)')
        began = time.monotonic()
        log_path = os.path.join(place, 'debootstrap.log')
        with open(log_path, 'w') as log:
            done = subprocess.run(
                ['debootstrap', '--variant=minbase',
                 '--include=' + ','.join(wanted), release, root, mirror],
                stdout=log, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            with open(log_path) as log:
                tail = log.read()[-3000:]
            remove_tree(place)
            raise SandboxError(f'debootstrap failed ({done.returncode}):\n'
                               + tail)
        with open(complete, 'w') as stamp:
            stamp.write(f'built in {time.monotonic() - began:.0f} s\n')
        say(f'root built in {time.monotonic() - began:.0f} s')
        return root


# --- cgroups ------------------------------------------------------------

def own_cgroups(name):
    """A new cgroup called name below ours in every mounted hierarchy."""
    ours = {}
    with open('/proc/self/cgroup') as cgroup:
        for line in cgroup:
            _, controllers, path = line.rstrip('\n').split(':', 2)
            ours[controllers] = path
    made = []
    with open('/proc/self/mountinfo') as info:
        for line in info:
            fields = line.split()
            dash = fields.index('-')
            fstype, options = fields[dash + 1], fields[dash + 3].split(',')
            if fstype == 'cgroup2':
                path = ours.get('')
            elif fstype == 'cgroup':
                path = next((p for c, p in ours.items() if c and
                             set(c.split(',')) <= set(options)), None)
            else:
                continue
            if path is None:
                continue
            made.append(os.path.join(fields[4] + path.rstrip('/'), name))
    try:
        for cgroup in made:
            os.mkdir(cgroup)
            # A v1 cpuset starts with no CPUs and no memory nodes.
            for knob in ('cpuset.cpus', 'cpuset.mems'):
                if os.path.exists(os.path.join(cgroup, knob)):
                    with open(os.path.join(os.path.dirname(cgroup),
                                           knob)) as parent:
                        value = parent.read()
                    with open(os.path.join(cgroup, knob), 'w') as child:
                        child.write(value)
    except OSError:
        remove_cgroups(made)
        raise
    return made


def cgroup_tree(top):
    """Every cgroup at or below top, deepest first."""
    tree = []
    for path, _, _ in os.walk(top):
        tree.append(path)
    return sorted(tree, key=lambda p: p.count('/'), reverse=True)


def cgroup_pids(cgroups):
    pids = set()
    for top in cgroups:
        for cgroup in cgroup_tree(top) if os.path.isdir(top) else []:
            with contextlib.suppress(FileNotFoundError):
                with open(os.path.join(cgroup, 'cgroup.procs')) as procs:
                    pids.update(int(p) for p in procs.read().split())
    return pids


def remove_cgroups(cgroups):
    """Remove each with everything below it; the ones that would not go."""
    left = []
    for top in cgroups:
        if not os.path.isdir(top):
            continue
        for cgroup in cgroup_tree(top):
            try:
                os.rmdir(cgroup)
            except OSError:
                left.append(cgroup)
    return left


# --- processes ----------------------------------------------------------

def namespace(pid, kind):
    return os.readlink(f'/proc/{pid}/ns/{kind}')


def processes_in(namespaces):
    """Host pids of processes in any of the namespaces {kind: id}."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        for kind, ident in namespaces.items():
            try:
                if namespace(entry, kind) == ident:
                    found.append(int(entry))
                    break
            except OSError:
                break
    return found


def start_time(pid):
    """(start time, state) from /proc/PID/stat: the start time tells a
    process from a later one with the same pid (a restarted daemon)."""
    with open(f'/proc/{pid}/stat') as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return fields[19], fields[0]


def nspawn_files(root, machine):
    """What nspawn keeps on the host while a container runs: a lock on the
    root (shared by the containers of that root) and a directory named
    for the machine."""
    st = os.stat(root)
    files = [f'{NSPAWN_RUN}/propagate/{machine}']
    others = [pid for pid in os.listdir('/proc') if pid.isdigit()
              and cmdline(pid).startswith('systemd-nspawn ')
              and f' -D {root} ' in cmdline(pid)]
    if not others:
        files.append(f'{NSPAWN_RUN}/locks/inode-{st.st_dev}:{st.st_ino}')
    return [f for f in files if os.path.exists(f)]


def cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as argv:
            return argv.read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return ''


def describe(pids):
    return '; '.join(f'{pid} {cmdline(pid).strip() or "(gone)"}'
                     for pid in sorted(pids))


def _die_with_parent():
    """In the child before exec: SIGTERM (a clean power-off) if we die."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


# --- the container ------------------------------------------------------

class Container:
    """Commands for a running container, given the host pid of its PID 1:
    usable from any process (tests pass the pid on)."""

    def __init__(self, pid1):
        self.pid1 = int(pid1)

    def inside(self, argv):
        """argv run inside: every namespace of PID 1, a clean environment."""
        return ['nsenter', '-t', str(self.pid1), '-a', '--',
                'env', '-i', *INSIDE_ENV, *argv]

    def run(self, *argv, input=None, check=True, timeout=120):
        """Runs argv inside; its CompletedProcess (text)."""
        done = subprocess.run(self.inside(argv), input=input, text=True,
                              capture_output=True, timeout=timeout)
        if check and done.returncode != 0:
            raise SandboxError(f'{" ".join(argv)} exited {done.returncode}:'
                               f' {done.stdout}{done.stderr}')
        return done

    def output(self, *argv, **options):
        return self.run(*argv, **options).stdout.strip()

    def in_network(self, argv):
        """A host program (host files, host tools) on the container's
        network: its loopback, its port 2323."""
        return ['nsenter', '-t', str(self.pid1), '-n', '--', *argv]

    @contextlib.contextmanager
    def network(self):
        """This thread's sockets are the container's within the block."""
        libc = ctypes.CDLL(None, use_errno=True)
        home = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
        there = os.open(f'/proc/{self.pid1}/ns/net', os.O_RDONLY)
        try:
            if libc.setns(there, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), 'setns')
            yield
        finally:
            libc.setns(home, CLONE_NEWNET)
            os.close(home)
            os.close(there)

    def copy_in(self, path, inside):
        """A host file into the container (its overlay, gone at power-off)."""
        with open(path, 'rb') as source:
            subprocess.run(self.inside(['sh', '-c', 'cat >"$1"', 'sh',
                                        inside]),
                           stdin=source, check=True, timeout=60)

    def host_pid(self, pid):
        """The host pid of the container's process pid."""
        mine = namespace(self.pid1, 'pid')
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                if namespace(entry, 'pid') != mine:
                    continue
                with open(f'/proc/{entry}/status') as status:
                    for line in status:
                        if line.startswith('NSpid:'):
                            if int(line.split()[-1]) == int(pid):
                                return int(entry)
                            break
            except OSError:
                continue
        raise SandboxError(f'no host process for pid {pid} of the container')


class Sandbox(Container):
    """Boots the cached root (with packages) on entry, powers it off on
    exit, and fails if anything is left on the host."""

    def __init__(self, packages=()):
        super().__init__(0)
        self.packages = packages
        self.nspawn = None
        self.log = None
        self.cgroups = []
        self.work = None
        self.mounts_before = None
        self.namespaces = {}
        self.root = None
        self.machine = None

    def __enter__(self):
        # meson's timeout sends SIGTERM: leave through __exit__ then, which
        # powers the container off and cleans up.
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM,
                          lambda signum, frame: sys.exit('killed by SIGTERM'))
        root = cached_root(self.packages)
        self.work = tempfile.mkdtemp(prefix='charfinderd-sandbox.')
        self.mounts_before = mounts()
        try:
            self._boot(root)
        except BaseException:
            self._power_off()
            raise
        return self

    def __exit__(self, kind, value, traceback):
        problems = self._power_off()
        if problems and kind is None:
            raise SandboxError('left on the host: ' + '; '.join(problems))
        if problems:
            say('also left on the host: ' + '; '.join(problems))
        return False

    def _boot(self, root):
        began = time.monotonic()
        self.root = root
        self.machine = (f'charfinderd-sandbox-{os.getpid()}-'
                        f'{int(began * 1000) % 100000}')
        self.cgroups = own_cgroups(self.machine)

        def start_in_own_cgroups():
            for cgroup in self.cgroups:
                with open(os.path.join(cgroup, 'cgroup.procs'), 'w') as procs:
                    procs.write('0')
            # A booted machine's PID 1 has fs.nr_open as its hard limit, so
            # that LimitNOFILE= of a unit applies as written.  Without
            # CAP_SYS_RESOURCE it stays ours, and systemd clamps to it.
            with open('/proc/sys/fs/nr_open') as nr_open:
                hard = int(nr_open.read())
            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
            with contextlib.suppress(OSError, ValueError):
                resource.setrlimit(resource.RLIMIT_NOFILE,
                                   (min(soft, hard), hard))
            _die_with_parent()

        self.log = open(os.path.join(self.work, 'nspawn.log'), 'w+')
        self.nspawn = subprocess.Popen(
            ['systemd-nspawn', '--quiet', '-D', root, '-M', self.machine,
             '--boot',
             '--volatile=overlay', '--private-network', '--console=passive',
             '--register=no', '--keep-unit'],
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, preexec_fn=start_in_own_cgroups)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while self.pid1 == 0:
            self._check_nspawn('while booting')
            self.pid1 = self._find_pid1()
            if time.monotonic() > deadline:
                raise SandboxError('no PID 1 in the container')
            time.sleep(0.05)
        self.namespaces = {kind: namespace(self.pid1, kind)
                           for kind in ('net', 'pid', 'mnt')}
        while True:
            self._check_nspawn('while booting')
            state = self.run('systemctl', 'is-system-running', '--wait',
                             check=False, timeout=BOOT_TIMEOUT).stdout.strip()
            if state in ('running', 'degraded'):
                break
            if time.monotonic() > deadline:
                raise SandboxError(f'the container did not boot: {state}')
            time.sleep(0.1)
        if state == 'degraded':
            say('booted degraded: ' + self.output(
                'systemctl', '--failed', '--no-legend', '--plain'))
        say(f'{self.output("systemd", "--version").splitlines()[0]} is PID 1 '
            f'(host pid {self.pid1}), booted in '
            f'{time.monotonic() - began:.1f} s')

    def _find_pid1(self):
        """The child of nspawn that is PID 1 of its namespace."""
        try:
            with open(f'/proc/{self.nspawn.pid}/task/{self.nspawn.pid}/'
                      f'children') as children:
                pids = children.read().split()
            for pid in pids:
                with open(f'/proc/{pid}/status') as status:
                    for line in status:
                        if line.startswith('NSpid:') and \
                                line.split()[-1] == '1' and \
                                len(line.split()) > 2:
                            return int(pid)
        except OSError:
            pass
        return 0

    def _check_nspawn(self, when):
        if self.nspawn.poll() is not None:
            self.log.seek(0)
            raise SandboxError(f'systemd-nspawn exited '
                               f'{self.nspawn.returncode} {when}:\n'
                               f'{self.log.read()[-3000:]}')

    def _power_off(self):
        """SIGTERM to nspawn (a clean power-off), then clean up; what was
        left behind, as a list of problems."""
        problems = []
        if self.nspawn is not None and self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(POWEROFF_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append(f'no power-off within {POWEROFF_TIMEOUT} s')
                if self.pid1:
                    # Ends every process of its pid namespace.
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self.pid1, signal.SIGKILL)
                self.nspawn.kill()
                self.nspawn.wait()
        if self.nspawn is not None and self.nspawn.returncode not in (0, None):
            self.log.seek(0)
            problems.append(f'systemd-nspawn exited {self.nspawn.returncode}: '
                            + self.log.read()[-2000:])
        if self.pid1:
            left = processes_in(self.namespaces)
            if left:
                problems.append('processes in the container\'s namespaces: '
                                + describe(left))
                for pid in left:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        left = cgroup_pids(self.cgroups)
        if left:
            problems.append('processes in its cgroups: ' + describe(left))
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        stuck = remove_cgroups(self.cgroups)
        if stuck:
            problems.append('cgroups that could not be removed: '
                            + ', '.join(stuck))
        if self.root is not None:
            kept = nspawn_files(self.root, self.machine)
            if kept:
                problems.append('files of nspawn: ' + ', '.join(kept))
        new = mounts() - (self.mounts_before or set())
        if self.mounts_before is not None and new:
            problems.append('new mounts: ' + ', '.join(
                f'{m} ({t} {s})' for m, t, s in sorted(new)))
        if self.log is not None:
            self.log.close()
            self.log = None
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None
        if not problems and self.nspawn is not None:
            say('powered off; nothing left on the host (processes, cgroups, '
                'mounts, nspawn\'s files checked)')
        self.nspawn = None
        return problems


def main(argv):
    if len(argv) < 2 or argv[1] not in ('root', 'shell'):
        sys.exit(__doc__)
    if argv[1] == 'root':
        print(cached_root(argv[2:]))
        return
    with Sandbox(argv[2:]) as box:
        subprocess.run(box.inside(['bash', '-l']), check=False)


if __name__ == '__main__':
    main(sys.argv)
