#!/usr/bin/env python3
"""Turn index/unicode/ucd.txt into the C table of what ICU does not know.

    gen_unicode_table.py ucd.txt ICU_UNICODE_VERSION unicode_table.h \\
        unicode_shared.h

unicode_table.h holds the lines of ucd.txt whose age is newer than ICU's
Unicode version (U_UNICODE_VERSION), for the index; unicode_shared.h the
others, which ICU knows too, for the unit test that checks that ICU and
the table agree on them.  Both use the types of newer_unicode.h.

Refuses data older than ICU (a newer ICU is never shadowed by older
names), data whose baseline is newer than ICU (characters in between
would be missing), and any line it does not understand.  The format is in
index/unicode/README.md.
"""
import re
import sys

GC_ENUMS = {
    'Lu': 'U_UPPERCASE_LETTER', 'Ll': 'U_LOWERCASE_LETTER',
    'Lt': 'U_TITLECASE_LETTER', 'Lm': 'U_MODIFIER_LETTER',
    'Lo': 'U_OTHER_LETTER', 'Mn': 'U_NON_SPACING_MARK',
    'Me': 'U_ENCLOSING_MARK', 'Mc': 'U_COMBINING_SPACING_MARK',
    'Nd': 'U_DECIMAL_DIGIT_NUMBER', 'Nl': 'U_LETTER_NUMBER',
    'No': 'U_OTHER_NUMBER', 'Zs': 'U_SPACE_SEPARATOR',
    'Zl': 'U_LINE_SEPARATOR', 'Zp': 'U_PARAGRAPH_SEPARATOR',
    'Cc': 'U_CONTROL_CHAR', 'Cf': 'U_FORMAT_CHAR',
    'Co': 'U_PRIVATE_USE_CHAR', 'Cs': 'U_SURROGATE',
    'Pd': 'U_DASH_PUNCTUATION', 'Ps': 'U_START_PUNCTUATION',
    'Pe': 'U_END_PUNCTUATION', 'Pc': 'U_CONNECTOR_PUNCTUATION',
    'Po': 'U_OTHER_PUNCTUATION', 'Sm': 'U_MATH_SYMBOL',
    'Sc': 'U_CURRENCY_SYMBOL', 'Sk': 'U_MODIFIER_SYMBOL',
    'So': 'U_OTHER_SYMBOL', 'Pi': 'U_INITIAL_PUNCTUATION',
    'Pf': 'U_FINAL_PUNCTUATION',
}
FLAGS = 'EPMBCX'        # the order of ucd.txt and of NEWER_EMOJI ...
ALIAS_TYPES = ('correction', 'control', 'alternate', 'figment',
               'abbreviation')
CP = r'[0-9A-F]{4,6}'
NAME = r'[A-Z0-9][A-Z0-9 -]*'
VALUE = r'[A-Za-z0-9_]+'


class Malformed(Exception):
    pass


def version_tuple(text):
    if not re.fullmatch(r'[0-9]+(\.[0-9]+)*', text):
        raise Malformed('bad version {!r}'.format(text))
    parts = [int(p) for p in text.split('.')]
    while len(parts) > 2 and parts[-1] == 0:
        parts.pop()
    while len(parts) < 2:
        parts.append(0)
    return tuple(parts)


def short(version):
    return '.'.join(str(p) for p in version)


def code_point(text):
    if not re.fullmatch(CP, text) or int(text, 16) > 0x10FFFF:
        raise Malformed('bad code point {!r}'.format(text))
    return int(text, 16)


def parse_range(text):
    lo, _, hi = text.partition('..')
    lo = code_point(lo)
    hi = code_point(hi) if hi else lo
    if hi < lo:
        raise Malformed('empty range {!r}'.format(text))
    return lo, hi


def parse_char(line, data_version, since):
    fields = line.split(';')
    if len(fields) != 8:
        raise Malformed('expected 8 fields, not {}'.format(len(fields)))
    cps, name, gc, age, block, script, flags, aliases = fields
    lo, hi = parse_range(cps)
    if name.endswith('*'):
        # Rule NR2: the prefix, then the code point in hex.  A range
        # keeps the prefix; a single character gets its whole name.
        name = name[:-1]
        if not re.fullmatch(NAME + '-', name):
            raise Malformed('bad name prefix {!r}'.format(name))
        if lo == hi:
            name += '{:04X}'.format(lo)
    elif lo != hi:
        raise Malformed('a range needs a name PREFIX-*')
    elif not re.fullmatch(NAME, name):
        raise Malformed('bad name {!r}'.format(name))
    if len(name) > 100:
        raise Malformed('name longer than 100 bytes')
    if gc not in GC_ENUMS or gc == 'Cn':
        raise Malformed('bad general category {!r}'.format(gc))
    v = version_tuple(age)
    if not since < v <= data_version:
        raise Malformed('age {} is not after {} and up to {}'.format(
            age, short(since), short(data_version)))
    for value in (block, script):
        if not re.fullmatch(VALUE, value):
            raise Malformed('bad block or script {!r}'.format(value))
    if not re.fullmatch('E?P?M?B?C?X?', flags):
        raise Malformed('bad emoji flags {!r}'.format(flags))
    alias_list = []
    for a in aliases.split('|') if aliases else []:
        kind, _, text = a.partition(':')
        if kind not in ALIAS_TYPES or not re.fullmatch(NAME, text):
            raise Malformed('bad alias {!r}'.format(a))
        alias_list.append((text, kind))
    if alias_list and lo != hi:
        raise Malformed('a range with aliases')
    return dict(lo=lo, hi=hi, name=name, gc=gc, age=v, block=block,
                script=script, flags=flags, aliases=alias_list)


def read_ucd(path):
    """(data version, baseline, blocks, chars) of ucd.txt."""
    header = {}
    blocks, chars = [], []
    last = -1
    try:
        f = open(path, encoding='utf-8')
    except OSError as e:
        sys.exit('{}: {} (index/unicode/regen writes it)'.format(
            path, e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            try:
                if not line or line.startswith('#'):
                    continue
                if line.startswith('@'):
                    key, _, value = line[1:].partition(' ')
                    if key in ('unicode', 'since') and key not in header:
                        header[key] = version_tuple(value)
                    elif len(header) != 2:
                        raise Malformed('@unicode and @since must come first')
                    elif key == 'block':
                        cps, _, name = value.partition(';')
                        lo, hi = parse_range(cps)
                        if not re.fullmatch(VALUE, name):
                            raise Malformed('bad block name')
                        blocks.append((lo, hi, name))
                    else:
                        raise Malformed('unexpected {!r}'.format(line))
                    continue
                if len(header) != 2:
                    raise Malformed('@unicode and @since must come first')
                c = parse_char(line, header['unicode'], header['since'])
                if c['lo'] <= last:
                    raise Malformed('not in code point order')
                last = c['hi']
                chars.append(c)
            except Malformed as e:
                sys.exit('{}:{}: {}'.format(path, lineno, e))
    if len(header) != 2 or not chars:
        sys.exit('{}: no @unicode and @since header, or no characters: '
                 'is it index/unicode/ucd.txt?'.format(path))
    return header['unicode'], header['since'], blocks, chars


class Text:
    """The strings of one table, each once, NUL-terminated, by offset."""

    def __init__(self):
        self.offsets = {}
        self.size = 0

    def __call__(self, s):
        if s not in self.offsets:
            self.offsets[s] = self.size
            self.size += len(s.encode()) + 1
        return self.offsets[s]

    def lines(self, decl):
        # One literal per string ("\0" then a digit would read as octal).
        # Names and values are [A-Za-z0-9 ._-] only: nothing to escape.
        out = ['#pragma GCC diagnostic push',
               '#pragma GCC diagnostic ignored "-Woverlength-strings"',
               decl + ' =']
        out += ['\t"{}\\0"'.format(t) for t in self.offsets] or ['\t""']
        out[-1] += ';'
        out.append('#pragma GCC diagnostic pop')
        return out


def char_rows(chars, text, aliases):
    rows = []
    for c in chars:
        flags = ' | '.join(
            'NEWER_' + n for f, n in zip(FLAGS, (
                'EMOJI', 'EMOJI_PRESENTATION', 'EMOJI_MODIFIER',
                'EMOJI_MODIFIER_BASE', 'EMOJI_COMPONENT',
                'EXTENDED_PICTOGRAPHIC')) if f in c['flags']) or '0'
        rows.append('\t{{ 0x{:04X}, 0x{:04X}, {}, {}, {}, {}, {}, {}, {}, '
                    '{}, {} }},\t/* {} */'.format(
                        c['lo'], c['hi'], text(c['name']),
                        text(short(c['age'])), text(c['block']),
                        text(c['script']), len(aliases),
                        len(c['aliases']), len(c['name']),
                        GC_ENUMS[c['gc']], flags, c['name']))
        aliases.extend((text(a), text(k), len(a)) for a, k in c['aliases'])
    return rows or ['\t{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },']


def alias_rows(aliases):
    return ['\t{{ {}, {}, {} }},'.format(*a) for a in aliases] or \
        ['\t{ 0, 0, 0 },']


def write_header(path, guard, source, lines):
    with open(path, 'w', encoding='utf-8') as out:
        out.write('/* Generated by gen_unicode_table.py from {}: do not '
                  'edit. */\n'.format(source))
        out.write('#ifndef {0}\n#define {0}\n\n'.format(guard))
        out.write('#include <unicode/uchar.h>\n\n#include "newer_unicode.h"'
                  '\n\n')
        out.write('\n'.join(lines) + '\n\n#endif\n')


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: gen_unicode_table.py ucd.txt ICU_UNICODE_VERSION '
                 'unicode_table.h unicode_shared.h')
    path, icu_text, table_path, shared_path = sys.argv[1:]
    icu = version_tuple(icu_text)
    data, since, blocks, chars = read_ucd(path)
    if data < icu:
        sys.exit('{}: Unicode {} data is older than the system ICU\'s '
                 'Unicode {}: ICU would be shadowed by older names. Run '
                 'index/unicode/regen with packages for Unicode {} or newer '
                 '(see index/unicode/README.md).'.format(
                     path, short(data), short(icu), short(icu)))
    if icu < since:
        sys.exit('{}: the data starts after Unicode {}, but the system ICU '
                 'has Unicode {}: the characters in between would have no '
                 'name.'.format(path, short(since), short(icu)))
    source = 'index/unicode/ucd.txt (Unicode {})'.format(short(data))

    newer = [c for c in chars if c['age'] > icu]
    text, aliases = Text(), []
    rows = char_rows(newer, text, aliases)
    block_rows = ['\t{{ 0x{:04X}, 0x{:04X}, {} }},\t/* {} */'.format(
        lo, hi, text(name), name) for lo, hi, name in blocks]
    lines = ['/* Unicode {} characters that ICU\'s Unicode {} does not have. '
             '*/'.format(short(data), short(icu)),
             'const char newer_names_version[] = "{}";'.format(
                 short(max(data, icu))),
             'const size_t newer_nchars = {};'.format(len(newer)),
             'const struct newer_char newer_chars[] = {']
    lines += rows
    lines += ['};', '', 'const struct newer_alias newer_aliases[] = {']
    lines += alias_rows(aliases)
    lines += ['};', '', 'const size_t newer_nblocks = {};'.format(
        len(blocks)), 'const struct newer_block newer_blocks[] = {']
    lines += block_rows or ['\t{ 0, 0, 0 },']
    lines += ['};', '']
    lines += text.lines('const char newer_text[]')
    write_header(table_path, 'UNICODE_TABLE_H', source, lines)

    shared = [c for c in chars if c['age'] <= icu]
    text, aliases = Text(), []
    rows = char_rows(shared, text, aliases)
    lines = ['/* Unicode {} characters that ICU\'s Unicode {} has too. */'
             .format(short(data), short(icu)),
             'static const size_t shared_nchars = {};'.format(len(shared)),
             'static const struct newer_char shared_chars[] = {']
    lines += rows
    lines += ['};', '', 'static const struct newer_alias shared_aliases[] '
              '= {']
    lines += alias_rows(aliases)
    lines += ['};', '']
    lines += text.lines('static const char shared_text[]')
    write_header(shared_path, 'UNICODE_SHARED_H', source, lines)


if __name__ == '__main__':
    main()
