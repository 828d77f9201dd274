#!/usr/bin/env python3
"""The build-time generator of the emoji tables refuses what it must.

    test_gen_emoji.py gen_emoji.py UNICODE_DIR

Emoji data of another Unicode version than the names' (ucd.txt), a missing
file, a language list without English first, malformed lines: each stops
the build with a clear message.  The committed data with English alone
gives tables.  (A language that is not in the committed data is refused
earlier, by meson: index/meson.build.)
"""
import os
import re
import subprocess
import sys
import tempfile


def run(gen, langs, emoji_test, ucd, cldr, tmp):
    out = os.path.join(tmp, 'emoji_tables.c')
    p = subprocess.run([sys.executable, gen, out, langs, emoji_test, ucd] +
                       cldr, capture_output=True, text=True)
    tables = ''
    if p.returncode == 0:
        with open(out, encoding='utf-8') as f:
            tables = f.read()
    return p.returncode, p.stderr, tables


def expect_refusal(what, args, pattern):
    rc, err, _ = run(*args)
    if rc == 0 or not re.search(pattern, err):
        sys.exit('{}: exit {}, {!r}; wanted a refusal matching {!r}'.format(
            what, rc, err, pattern))


def altered(tmp, path, name, change):
    """A copy of path, changed by change(text), as tmp/name."""
    with open(path, encoding='utf-8') as f:
        text = change(f.read())
    copy = os.path.join(tmp, name)
    with open(copy, 'w', encoding='utf-8') as f:
        f.write(text)
    return copy


def main():
    gen, data = sys.argv[1:3]
    emoji_test = os.path.join(data, 'emoji-test.txt')
    ucd = os.path.join(data, 'ucd.txt')
    en = os.path.join(data, 'cldr', 'en.txt')
    with tempfile.TemporaryDirectory() as tmp:
        rc, err, tables = run(gen, 'en', emoji_test, ucd, [en], tmp)
        if rc != 0 or '.nlangs = 1,' not in tables or \
                '.version = "17.0",' not in tables:
            sys.exit('en: exit {}, {!r}, or no tables of Emoji 17.0 in '
                     'English'.format(rc, err))
        ucd16 = altered(tmp, ucd, 'ucd16.txt', lambda t: t.replace(
            '@unicode 17.0.0', '@unicode 16.0.0'))
        expect_refusal('names of 16.0', (gen, 'en', emoji_test, ucd16, [en],
                                         tmp),
                       r'emoji data of version 17\.0, but the names are '
                       r'Unicode 16\.0\.0')
        no_version = altered(tmp, ucd, 'ucd-none.txt', lambda t: t.replace(
            '@unicode 17.0.0', ''))
        expect_refusal('no @unicode', (gen, 'en', emoji_test, no_version,
                                       [en], tmp), r'no "@unicode VERSION"')
        missing = os.path.join(tmp, 'missing.txt')
        expect_refusal('no emoji-test.txt', (gen, 'en', missing, ucd, [en],
                                             tmp),
                       r'missing\.txt: cannot read it: No such file')
        expect_refusal('no CLDR file', (gen, 'en,xx', emoji_test, ucd,
                                        [en, missing], tmp),
                       r"no CLDR annotations for language 'xx'")
        expect_refusal('Korean first', (gen, 'ko,en', emoji_test, ucd,
                                        [en, en], tmp),
                       r'LANGS must start with en')
        bad_test = altered(tmp, emoji_test, 'bad-test.txt',
                           lambda t: t.replace('1F600 ; fully-qualified',
                                               '1F600 fully-qualified'))
        expect_refusal('bad emoji-test line', (gen, 'en', bad_test, ucd,
                                               [en], tmp),
                       r'bad-test\.txt:\d+: not an emoji-test\.txt line')
        bad_cldr = altered(tmp, en, 'bad-en.txt', lambda t: t.replace(
            '1F600\ta\t', '1F600\t'))
        expect_refusal('bad CLDR line', (gen, 'en', emoji_test, ucd,
                                         [bad_cldr], tmp),
                       r'bad-en\.txt:\d+: expected 4 TAB-separated fields')


if __name__ == '__main__':
    main()
