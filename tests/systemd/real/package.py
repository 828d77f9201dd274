#!/usr/bin/env python3
"""package: `dpkg-buildpackage -b -us -uc` builds the .deb of this tree,
named for the version in meson.build; it holds what a Debian user expects
where Debian puts it; lintian finds no error and no warning.  Needs no root.
Usage: package.py SOURCE_DIR DEB_CACHE_DIR VERSION
"""
import os
import subprocess
import sys

from installed import package_of
from sandbox import SandboxError

EXPECTED = [
    './usr/sbin/charfinderd',
    './lib/systemd/system/charfinderd.service',
    './lib/systemd/system/charfinderd.socket',
    './lib/systemd/system/charfinderd-http.socket',
    './usr/share/man/man8/charfinderd.8.gz',
    './usr/share/doc/charfinderd/README.md.gz',
    './usr/share/doc/charfinderd/copyright',
    './usr/share/doc/charfinderd/changelog.gz',
]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    try:
        deb = package_of(*sys.argv[1:3])
    except SandboxError as failure:
        print(f'FAIL: {failure}')
        sys.exit(1)
    arch = subprocess.run(['dpkg', '--print-architecture'],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
    name = f'charfinderd_{sys.argv[3]}_{arch}.deb'
    if os.path.basename(deb) != name:
        print(f'FAIL: built {os.path.basename(deb)}, not {name}: the versions '
              f'in debian/changelog and meson.build differ')
        sys.exit(1)
    print(f'ok: dpkg-buildpackage built {name}')
    listing = subprocess.run(['dpkg-deb', '--contents', deb],
                             capture_output=True, text=True, check=True).stdout
    paths = [line.split()[5] for line in listing.splitlines()]
    missing = [p for p in EXPECTED if p not in paths]
    if missing:
        print(f'FAIL: not in the package: {missing}\n{listing}')
        sys.exit(1)
    print('ok: the package holds ' + ', '.join(p[1:] for p in EXPECTED))

    lintian = subprocess.run(['lintian', '--display-info',
                              '--fail-on', 'error,warning', deb],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    print(lintian.stdout.rstrip())
    if lintian.returncode != 0:
        print(f'FAIL: lintian exited {lintian.returncode}')
        sys.exit(1)
    print('ok: lintian: no error, no warning')


if __name__ == '__main__':
    main()
