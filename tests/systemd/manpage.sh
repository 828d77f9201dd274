#!/bin/sh
# manpage: charfinderd(8) renders without a warning and documents every
# option that `charfinderd --help` lists, and the service's sections.
# Usage: manpage.sh DAEMON MANPAGE
set -eu
if ! command -v man >/dev/null 2>&1; then
	echo "skip: man not installed"
	exit 77
fi
daemon=$1 manpage=$2
status=0

warnings=$(MANWIDTH=80 man --warnings -l "$manpage" 2>&1 >/dev/null) || {
	echo "FAIL: man -l exited non-zero"
	status=1
}
if [ -n "$warnings" ]; then
	echo "FAIL: man -l warns:"
	echo "$warnings"
	status=1
fi
page=$(MANWIDTH=200 man -l "$manpage" 2>/dev/null)

options=$("$daemon" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] || { echo "FAIL: no options in --help"; exit 1; }
for option in $options; do
	printf '%s\n' "$page" | grep -qw -- "$option" ||
	    { echo "FAIL: $option is not in the man page"; status=1; }
done
for section in NAME SYNOPSIS DESCRIPTION PROTOCOL SIGNALS 'THE SERVICE' \
    'EXIT STATUS' EXAMPLES; do
	printf '%s\n' "$page" | grep -q "^$section\$" ||
	    { echo "FAIL: no section $section"; status=1; }
done
[ $status -eq 0 ] && echo "ok: $(echo $options | wc -w) options documented"
exit $status
