#!/bin/sh
# verify: the units pass `systemd-analyze verify` without a word of warning,
# on copies whose ExecStart is the built daemon, with the man page that
# Documentation= names; and they carry the settings issues 4 and 13 ask for.
# Usage: verify.sh DAEMON SERVICE SOCKET HTTP_SOCKET MANPAGE
set -eu
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "skip: systemd-analyze not installed"
	exit 77
fi
daemon=$1 service=$2 socket=$3 http_socket=$4 manpage=$5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

sed "s|^ExecStart=[^ ]*|ExecStart=$daemon|" "$service" >"$dir/charfinderd.service"
cp "$socket" "$dir/charfinderd.socket"
cp "$http_socket" "$dir/charfinderd-http.socket"
mkdir -p "$dir/man/man8"
cp "$manpage" "$dir/man/man8/charfinderd.8"

status=0
fail() {
	echo "FAIL: $*"
	status=1
}

# Documentation=man:charfinderd(8) is checked with man(1) when there is one.
man_check=yes
if ! command -v man >/dev/null 2>&1; then
	echo "note: man not installed, Documentation= not checked"
	man_check=no
fi

cd "$dir"
# verify exits 0 on unknown keys and other warnings: any output fails too.
if ! MANPATH="$dir/man" systemd-analyze verify --man=$man_check \
    ./charfinderd.socket ./charfinderd-http.socket ./charfinderd.service \
    >verify.out 2>&1; then
	fail "systemd-analyze verify exited non-zero"
fi
if [ -s verify.out ]; then
	fail "systemd-analyze verify said:"
	cat verify.out
fi

must_have() {
	grep -Eq "^$2\$" "$1" || fail "$1 lacks a line matching $2"
}
must_have charfinderd.service "ExecStart=$daemon"
must_have charfinderd.service 'Type=notify'
must_have charfinderd.service 'NotifyAccess=main'
must_have charfinderd.service 'Restart=on-failure'
must_have charfinderd.service 'WatchdogSec=[1-9][0-9]*s?'
must_have charfinderd.service 'LimitNOFILE=[1-9][0-9]{3,}'
must_have charfinderd.service 'DynamicUser=yes'
must_have charfinderd.socket 'ListenStream=2323'
must_have charfinderd.socket 'BindIPv6Only=both'
must_have charfinderd.socket 'FileDescriptorName=[a-z]+'
must_have charfinderd.socket 'Backlog=[0-9]{3,}'
must_have charfinderd-http.socket 'ListenStream=8080'
must_have charfinderd-http.socket 'FileDescriptorName=http'
must_have charfinderd-http.socket 'Service=charfinderd.service'
must_have charfinderd.service 'Sockets=charfinderd.socket charfinderd-http.socket'

[ $status -eq 0 ] && echo "ok: the units verify, settings present"
exit $status
