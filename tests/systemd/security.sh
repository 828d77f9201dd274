#!/bin/sh
# security: `systemd-analyze security --offline=true` rates the built service
# 1.0 or lower.  Usage: security.sh DAEMON SERVICE
set -eu
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "skip: systemd-analyze not installed"
	exit 77
fi
daemon=$1 service=$2
limit=1.0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

sed "s|^ExecStart=[^ ]*|ExecStart=$daemon|" "$service" >"$dir/charfinderd.service"
cd "$dir"
# --threshold makes the command itself fail above the limit (it counts in
# tenths: 10 is 1.0); the printed level is checked as well.
set +e
systemd-analyze security --offline=true --threshold=10 --no-pager \
    ./charfinderd.service >security.out 2>&1
rc=$?
set -e
grep -E '✗|Overall' security.out || true
level=$(sed -n 's/.*Overall exposure level for charfinderd.service: \([0-9.]*\).*/\1/p' \
    security.out)
if [ -z "$level" ]; then
	echo "FAIL: no exposure level in the output:"
	cat security.out
	exit 1
fi
if [ $rc -ne 0 ] || ! awk -v l="$level" -v m="$limit" 'BEGIN { exit !(l <= m) }'; then
	echo "FAIL: exposure $level (limit $limit), systemd-analyze exited $rc"
	exit 1
fi
echo "ok: exposure $level <= $limit"
