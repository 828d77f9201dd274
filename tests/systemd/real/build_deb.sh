#!/bin/sh
# build_deb: the Debian package of the source tree as it is (uncommitted
# changes included), built the way a packager would: `dpkg-buildpackage -b
# -us -uc` in a copy outside the tree, with a clean environment.  Meson
# build directories in the tree are left out of the copy.  The package
# (not its -dbgsym) is moved to OUTPUT_DIR.
# Usage: build_deb.sh SOURCE_DIR OUTPUT_DIR
set -eu
src=$1 out=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/charfinderd-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

mkdir "$scratch/charfinderd"
tar -C "$src" -c --exclude-vcs --exclude-tag-all=build.ninja . |
    tar -C "$scratch/charfinderd" -x
cd "$scratch/charfinderd"
if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    dpkg-buildpackage -b -us -uc >"$scratch/build.log" 2>&1; then
	tail -n 60 "$scratch/build.log" >&2
	echo "build_deb: dpkg-buildpackage failed (log above)" >&2
	exit 1
fi
mv "$scratch"/charfinderd_*.deb "$out"/
