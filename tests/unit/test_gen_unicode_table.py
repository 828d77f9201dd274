#!/usr/bin/env python3
"""The build-time generator of the newer-than-ICU table refuses what it must.

    test_gen_unicode_table.py gen_unicode_table.py ucd.txt

Data older than ICU (a newer ICU must never be shadowed), a baseline newer
than ICU, malformed or missing data: each stops the build with a clear
message.  Data as new as ICU gives an empty table.
"""
import os
import re
import subprocess
import sys
import tempfile


def run(gen, ucd, icu, tmp):
    out = [os.path.join(tmp, 'unicode_table.h'),
           os.path.join(tmp, 'unicode_shared.h')]
    p = subprocess.run([sys.executable, gen, ucd, icu] + out,
                       capture_output=True, text=True)
    table = ''
    if p.returncode == 0:
        with open(out[0], encoding='utf-8') as f:
            table = f.read()
    return p.returncode, p.stderr, table


def expect_refusal(gen, ucd, icu, tmp, pattern):
    rc, err, _ = run(gen, ucd, icu, tmp)
    if rc == 0 or not re.search(pattern, err):
        sys.exit('ICU {} with {}: exit {}, {!r}; wanted a refusal '
                 'matching {!r}'.format(icu, ucd, rc, err, pattern))


def newer_count(table):
    m = re.search(r'const size_t newer_nchars = (\d+);', table)
    return int(m.group(1)) if m else -1


def main():
    gen, ucd = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        rc, err, table = run(gen, ucd, '15.0', tmp)
        if rc != 0 or newer_count(table) <= 0 or '"15.0"' in table:
            sys.exit('ICU 15.0: exit {}, {!r}, {} lines, or a 15.0 '
                     'line in the table'.format(rc, err, newer_count(table)))
        rc, err, table = run(gen, ucd, '17.0', tmp)
        if rc != 0 or newer_count(table) != 0:
            sys.exit('ICU 17.0: exit {}, {!r}, {} lines, not an empty '
                     'table'.format(rc, err, newer_count(table)))
        expect_refusal(gen, ucd, '18.0', tmp,
                       r'Unicode 17\.0 data is older than the system '
                       r'ICU\'s Unicode 18\.0.*index/unicode/regen')
        expect_refusal(gen, ucd, '13.0', tmp, r'would have no name')
        expect_refusal(gen, os.path.join(tmp, 'missing.txt'), '15.0', tmp,
                       r'missing\.txt: No such file')
        with open(ucd, encoding='utf-8') as f:
            lines = f.read().split('\n')
        for bad, pattern in (
                (('1FAE9;', ';Zz;'), r':\d+: bad general category'),
                (('1FAE9;', ';16.0;', ';13.0;'), r':\d+: age 13\.0'),
                (('@unicode',),
                 r':\d+: @unicode and @since must come first')):
            broken = os.path.join(tmp, 'broken.txt')
            with open(broken, 'w', encoding='utf-8') as f:
                for line in lines:
                    if line.startswith(bad[0]):
                        if len(bad) == 1:
                            continue
                        line = line.replace(';So;', bad[1]) if len(bad) == 2 \
                            else line.replace(bad[1], bad[2])
                    f.write(line + '\n')
            expect_refusal(gen, broken, '15.0', tmp, pattern)
    print('gen_unicode_table: 8 cases as expected')


if __name__ == '__main__':
    main()
