#!/usr/bin/env python3
"""journal: with stderr on the stream JOURNAL_STREAM names, every log line
starts with a syslog priority "<N>"; on any other stderr, none does.
Usage: journal.py DAEMON
"""
import os
import re
import tempfile
import time

import cftest
from cftest import Daemon, check, check_serves

PRIORITY = re.compile(r'^<[0-7]>')


def run(daemon_path, log_path, journal_stream):
    """Starts the daemon with stderr to log_path, serves one client,
    stops it and returns its log lines."""
    env = {'JOURNAL_STREAM': journal_stream} if journal_stream else {}
    with open(log_path, 'wb') as log:
        if journal_stream == 'match':
            st = os.fstat(log.fileno())
            env['JOURNAL_STREAM'] = '%d:%d' % (st.st_dev, st.st_ino)
        daemon = Daemon([daemon_path, '--port', '0', '--http-port', '0', '-vv'], env=env,
                        stderr=log)
    try:
        port = None
        deadline = time.monotonic() + 10
        while port is None:
            check(time.monotonic() < deadline and daemon.proc.poll() is None,
                  'no "listening on" line in ' + open(log_path).read())
            time.sleep(0.05)
            m = re.search(r'listening on 127\.0\.0\.1:(\d+)',
                          open(log_path).read())
            port = m and int(m.group(1))
        check_serves('127.0.0.1', port)
        check(daemon.terminate() == 0,
              'exit status %r' % daemon.proc.returncode)
    finally:
        daemon.kill()
    return [line for line in open(log_path).read().split('\n') if line]


def main(daemon_path):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'stderr')
        journal = run(daemon_path, path, 'match')
        print('journal:\n  ' + '\n  '.join(journal))
        check(len(journal) >= 4, 'too few lines with -vv')
        for line in journal:
            check(PRIORITY.match(line), 'no priority prefix: %r' % line)
        for what in ('characters indexed', 'listening on', 'connection from'):
            check(any(what in line for line in journal), 'no %r line' % what)
        # Each line its own priority: -vv detail is less urgent than start-up.
        levels = {line[1] for line in journal}
        check(len(levels) >= 2, 'one priority for every line: %r' % levels)

        # A JOURNAL_STREAM naming another file (inode), and none at all.
        st = os.stat(tmp)
        for stream in ('%d:%d' % (st.st_dev, st.st_ino), None):
            plain = run(daemon_path, path, stream)
            check(len(plain) >= 4, 'too few lines with -vv')
            for line in plain:
                check(not line.startswith('<'),
                      'priority prefix with JOURNAL_STREAM=%s: %r'
                      % (stream, line))
        print('plain:\n  ' + '\n  '.join(plain))


if __name__ == '__main__':
    cftest.main(main)
