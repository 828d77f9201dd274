#!/usr/bin/env python3
"""Compile the emoji data of index/unicode/ into C tables for the emoji search.

    gen_emoji.py OUTPUT.c LANGS EMOJI_TEST UCD CLDR_FILE...

EMOJI_TEST is emoji-test.txt; UCD is ucd.txt, whose "@unicode" line is the
Unicode version of the names (the emoji data must be of the same version);
LANGS is the comma-separated list of languages, English first, and each
CLDR_FILE is cldr/LANG.txt for one of them, in the same order.

The emoji are emoji-test.txt's fully-qualified and component sequences, in
its order.  Each is found by the words of its name, its CLDR short names
(tts) and keywords in every language, its group and its subgroup: words are
maximal runs of letters, marks and digits, case-folded (str.casefold(): the
full case folding of CaseFolding.txt, as ICU's u_strFoldCase()).  The
tables are sorted here, so the daemon builds nothing at start-up: see
emoji_private.h for what each table holds.
"""
import re
import sys
import unicodedata

SKIN_TONES = range(0x1F3FB, 0x1F400)
VS16 = 0xFE0F
LINE_MAX = 256          # CF_LINE_MAX


def fail(path, lineno, why):
    where = '{}:{}: '.format(path, lineno) if lineno else '{}: '.format(path)
    sys.exit('gen_emoji.py: ' + where + why)


def words(text):
    """The folded words of text: runs of letters, marks and digits."""
    out, cur = [], []
    for ch in text + ' ':
        if unicodedata.category(ch)[0] in 'LMN':
            cur.append(ch)
        elif cur:
            out.append(''.join(cur).casefold())
            cur = []
    return out


def major_minor(version):
    parts = version.split('.')
    while len(parts) > 2 and parts[-1] == '0':
        parts.pop()
    return '.'.join(parts[:2]) if len(parts) >= 2 else version


def read_ucd_version(path):
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                m = re.match(r'@unicode\s+([0-9.]+)\s*$', line)
                if m:
                    return m.group(1)
    except OSError as e:
        fail(path, 0, 'cannot read the names\' data: {}'.format(e.strerror))
    fail(path, 0, 'no "@unicode VERSION" line')


class Emoji:
    def __init__(self, cps, name, group, subgroup):
        self.cps = cps
        self.name = name
        self.group = group
        self.subgroup = subgroup
        self.base = None
        self.annotations = []   # per language: (tts, [keywords]) or None


def read_emoji_test(path):
    """The emoji, and every sequence of the file (any status) as a key."""
    emoji, sequences, version = [], [], None
    group = subgroup = None
    try:
        f = open(path, encoding='utf-8')
    except OSError as e:
        fail(path, 0, 'cannot read it: {}'.format(e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            m = re.match(r'# (Version|group|subgroup): (.+)$', line)
            if m:
                if m.group(1) == 'Version':
                    version = m.group(2).strip()
                elif m.group(1) == 'group':
                    group = m.group(2).strip()
                else:
                    subgroup = m.group(2).strip()
                continue
            if line.startswith('#') or not line.strip():
                continue
            m = re.match(r'([0-9A-F ]+?)\s*;\s*([a-z-]+)\s*#\s*\S+\s+'
                         r'E[0-9.]+\s+(.+)$', line)
            if not m or group is None or subgroup is None:
                fail(path, lineno, 'not an emoji-test.txt line')
            cps = tuple(int(c, 16) for c in m.group(1).split())
            status, name = m.group(2), m.group(3).strip()
            sequences.append(cps)
            if status in ('fully-qualified', 'component'):
                emoji.append(Emoji(cps, name, group, subgroup))
            elif status not in ('minimally-qualified', 'unqualified'):
                fail(path, lineno, 'unknown status {!r}'.format(status))
    if version is None:
        fail(path, 0, 'no "# Version:" line')
    if not emoji:
        fail(path, 0, 'no emoji')
    return version, emoji, sequences


def stripped(cps):
    return tuple(c for c in cps if c != VS16)


def find_bases(emoji):
    """
    A skin-tone variant's base: the emoji of the same sequence without the
    tones, or else the emoji before it named as the variant is before its
    colon ("kiss: person, person, light skin tone, dark skin tone" is a
    variant of 💏 "kiss").
    """
    by_key = {stripped(e.cps): e for e in emoji}
    by_name = {}
    for e in emoji:
        if len(e.cps) == 1 or not any(c in SKIN_TONES for c in e.cps):
            e.base = by_name[e.name] = e
            continue
        e.base = by_key.get(stripped(c for c in e.cps if c not in SKIN_TONES))
        if e.base is None:
            e.base = by_name.get(e.name.split(':')[0])
        if e.base is None:
            sys.exit('gen_emoji.py: no base emoji for {} ({})'.format(
                e.name, ' '.join('{:04X}'.format(c) for c in e.cps)))


def read_cldr(path, lang, by_key):
    """Annotate the emoji of by_key in language lang."""
    try:
        f = open(path, encoding='utf-8')
    except OSError as e:
        fail(path, 0, 'no CLDR annotations for language {!r}: {}'.format(
            lang, e.strerror))
    seen = 0
    with f:
        for lineno, line in enumerate(f, 1):
            if line.startswith('#') or not line.strip():
                continue
            fields = line.rstrip('\n').split('\t')
            if len(fields) != 4 or fields[1] not in ('a', 'd'):
                fail(path, lineno, 'expected 4 TAB-separated fields')
            try:
                key = tuple(int(c, 16) for c in fields[0].split())
            except ValueError:
                fail(path, lineno, 'bad code points {!r}'.format(fields[0]))
            e = by_key.get(key)
            if e is None:
                continue        # a symbol that is not an emoji
            keywords = [k.strip() for k in fields[3].split('|')
                        if k.strip()]
            if '|' in fields[2] or any('|' in k for k in keywords):
                fail(path, lineno, 'a "|" inside a name or keyword')
            e.annotations[-1] = (fields[2].strip(), keywords)
            seen += 1
    if seen == 0:
        fail(path, 0, 'annotates none of the emoji')


def c_string(text):
    """A C string literal of UTF-8 text: ", \\, ? (trigraphs) and controls
    escaped, everything else as it is."""
    out = []
    for ch in text:
        if ch in '"\\?' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append('\\{:03o}'.format(ord(ch)))
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def write_array(out, ctype, name, values, per_line=12):
    out.write('static const {} {}[] = {{\n'.format(ctype, name))
    for i in range(0, len(values), per_line):
        out.write('\t' + ', '.join(str(v) for v in values[i:i + per_line]) +
                  ',\n')
    if not values:
        out.write('\t0\n')
    out.write('};\n\n')


def write_blob(out, name, chunks):
    """chunks (bytes) concatenated in one char array, a literal each."""
    out.write('static const char {}[] =\n'.format(name))
    for c in chunks:
        out.write('    ' + c_string(c.decode('utf-8')) + '\n')
    out.write('    "";\n\n')


def line_of(e):
    label = ' '.join('U+{:04X}'.format(c) for c in e.cps)
    if len(e.cps) == 1:
        label = label.ljust(7)
    text = ''.join(chr(c) for c in e.cps)
    line = '{}\t{}\t{}\r\n'.format(label, text, e.name).encode('utf-8')
    if len(line) > LINE_MAX:
        sys.exit('gen_emoji.py: the line of {} is longer than {} bytes'.format(
            e.name, LINE_MAX))
    return line


def build(emoji, sequences, langs):
    """Words, postings, phrases and identify keys."""
    groups = list(dict.fromkeys(e.group for e in emoji))
    subgroups = list(dict.fromkeys(e.subgroup for e in emoji))
    item_words = []
    phrases = []        # per emoji: (names, keywords), each a word list
    for e in emoji:
        names = [words(e.name)]
        keywords = []
        for a in e.annotations:
            if a is None:
                continue
            tts, kws = a
            names.append(words(tts))
            keywords.extend(words(k) for k in kws)
        names = [p for i, p in enumerate(names) if p and p not in names[:i]]
        keywords = [p for i, p in enumerate(keywords)
                    if p and p not in keywords[:i]]
        ws = set(words(e.group)) | set(words(e.subgroup))
        for p in names + keywords:
            ws.update(p)
        item_words.append(ws)
        phrases.append((names, keywords))
    vocabulary = sorted({w for ws in item_words for w in ws},
                        key=lambda w: w.encode('utf-8'))
    word_id = {w: i for i, w in enumerate(vocabulary)}
    postings = [[] for _ in vocabulary]
    for i, ws in enumerate(item_words):
        for w in ws:
            postings[word_id[w]].append(i)
    index_of = {}
    for i, e in enumerate(emoji):
        index_of.setdefault(stripped(e.cps), i)
    keys = {}
    for cps in sequences:
        k = stripped(cps)
        if k not in index_of:
            sys.exit('gen_emoji.py: no fully-qualified emoji for {}'.format(
                ' '.join('{:04X}'.format(c) for c in cps)))
        keys[k] = index_of[k]
    return groups, subgroups, vocabulary, word_id, postings, phrases, keys


def write_tables(path, version, sources, emoji, langs, built):
    groups, subgroups, vocabulary, word_id, postings, phrases, keys = built
    if len(emoji) >= 1 << 16 or len(vocabulary) >= 1 << 16:
        sys.exit('gen_emoji.py: more than 65535 emoji or words: widen the '
                 'tables\' ids')
    lines = [line_of(e) for e in emoji]
    annot = []          # per (emoji, language): tts, then keywords
    for e in emoji:
        for a in e.annotations:
            tts, kws = a if a is not None else ('', [])
            annot.append(tts.encode('utf-8'))
            annot.append('|'.join(kws).encode('utf-8'))
    phrase_start, phrase_names, phrase_word_start, phrase_words = [0], [], \
        [0], []
    for names, keywords in phrases:
        for p in names + keywords:
            phrase_words.extend(word_id[w] for w in p)
            phrase_word_start.append(len(phrase_words))
        phrase_names.append(len(names))
        phrase_start.append(len(phrase_word_start) - 1)
    key_list = sorted(keys)
    with open(path, 'w', encoding='utf-8') as out:
        out.write('/* Generated by gen_emoji.py from {}: do not edit. */\n'
                  .format(', '.join(sources)))
        out.write('#include "emoji_private.h"\n\n')
        out.write('/* A few tables are one long string: fine for any C '
                  'compiler we build with. */\n')
        out.write('#pragma GCC diagnostic ignored "-Woverlength-strings"\n\n')

        def offsets(chunks):
            off = [0]
            for c in chunks:
                off.append(off[-1] + len(c))
            return off

        write_blob(out, 'lines', lines)
        write_array(out, 'uint32_t', 'line_off', offsets(lines))
        seqs = [c for e in emoji for c in e.cps]
        write_array(out, 'uint32_t', 'cps', ['0x{:X}'.format(c) for c in seqs])
        write_array(out, 'uint32_t', 'cp_off',
                    offsets([e.cps for e in emoji]))
        index_of = {id(e): i for i, e in enumerate(emoji)}
        write_array(out, 'uint16_t', 'base', [index_of[id(e.base)]
                                             for e in emoji])
        write_array(out, 'uint8_t', 'group', [groups.index(e.group)
                                             for e in emoji])
        write_array(out, 'uint8_t', 'subgroup', [subgroups.index(e.subgroup)
                                                for e in emoji])
        names = [g.encode('utf-8') for g in groups + subgroups]
        write_blob(out, 'group_text', names)
        write_array(out, 'uint32_t', 'group_off', offsets(names))
        write_blob(out, 'annot_text', annot)
        write_array(out, 'uint32_t', 'annot_off', offsets(annot))
        vocab = [w.encode('utf-8') for w in vocabulary]
        write_blob(out, 'word_text', vocab)
        write_array(out, 'uint32_t', 'word_off', offsets(vocab))
        write_array(out, 'uint32_t', 'post_start', offsets(postings))
        write_array(out, 'uint16_t', 'postings',
                    [i for p in postings for i in p])
        write_array(out, 'uint32_t', 'phrase_start', phrase_start)
        write_array(out, 'uint8_t', 'phrase_names', phrase_names)
        write_array(out, 'uint32_t', 'phrase_word_start', phrase_word_start)
        write_array(out, 'uint16_t', 'phrase_words', phrase_words)
        write_array(out, 'uint32_t', 'key_cps', ['0x{:X}'.format(c)
                                                for k in key_list for c in k])
        write_array(out, 'uint32_t', 'key_off', offsets(key_list))
        write_array(out, 'uint16_t', 'key_emoji', [keys[k] for k in key_list])
        out.write('static const char *const langs[] = {{ {} }};\n\n'.format(
            ', '.join('"{}"'.format(lang) for lang in langs)))
        out.write('const struct emoji_tables emoji_tables = {\n')
        fields = [
            ('version', '"{}"'.format(version)),
            ('nemoji', len(emoji)),
            ('lines', 'lines'), ('line_off', 'line_off'),
            ('cps', 'cps'), ('cp_off', 'cp_off'),
            ('base', 'base'),
            ('group', 'group'), ('subgroup', 'subgroup'),
            ('ngroups', len(groups)), ('nsubgroups', len(subgroups)),
            ('group_text', 'group_text'), ('group_off', 'group_off'),
            ('nlangs', len(langs)), ('langs', 'langs'),
            ('annot_text', 'annot_text'), ('annot_off', 'annot_off'),
            ('nwords', len(vocabulary)),
            ('max_word_len', max(len(w) for w in vocab)),
            ('word_text', 'word_text'), ('word_off', 'word_off'),
            ('post_start', 'post_start'), ('postings', 'postings'),
            ('phrase_start', 'phrase_start'),
            ('phrase_names', 'phrase_names'),
            ('phrase_word_start', 'phrase_word_start'),
            ('phrase_words', 'phrase_words'),
            ('nkeys', len(key_list)),
            ('max_key_len', max(len(k) for k in key_list)),
            ('key_cps', 'key_cps'), ('key_off', 'key_off'),
            ('key_emoji', 'key_emoji'),
        ]
        for field, value in fields:
            out.write('\t.{} = {},\n'.format(field, value))
        out.write('};\n')


def main():
    if len(sys.argv) < 6:
        sys.exit('usage: gen_emoji.py OUTPUT.c LANGS EMOJI_TEST UCD '
                 'CLDR_FILE...')
    output, lang_list, emoji_test, ucd = sys.argv[1:5]
    cldr_files = sys.argv[5:]
    langs = [lang.strip() for lang in lang_list.split(',')]
    if langs[0] != 'en' or len(set(langs)) != len(langs) or \
            len(langs) != len(cldr_files):
        sys.exit('gen_emoji.py: LANGS must start with en, name each language '
                 'once and match the CLDR files')
    names_version = read_ucd_version(ucd)
    version, emoji, sequences = read_emoji_test(emoji_test)
    if major_minor(names_version) != major_minor(version):
        fail(emoji_test, 0, 'emoji data of version {}, but the names are '
             'Unicode {} ({}): regenerate index/unicode together'.format(
                 version, names_version, ucd))
    find_bases(emoji)
    by_key = {}
    for e in emoji:
        by_key.setdefault(stripped(e.cps), e)
    for lang, path in zip(langs, cldr_files):
        for e in emoji:
            e.annotations.append(None)
        read_cldr(path, lang, by_key)
    built = build(emoji, sequences, langs)
    sources = ['emoji-test.txt ' + version] + [
        'cldr/{}.txt'.format(lang) for lang in langs]
    write_tables(output, version, sources, emoji, langs, built)


if __name__ == '__main__':
    main()
