// regen.mjs: write the committed Unicode data of index/unicode/ from the
// unpacked npm packages.  Run through ./regen, which fetches and checks them:
//
//     node regen.mjs PKG_DIR SOURCES_FILE OUT_DIR
//
// PKG_DIR/<package name>/ holds each unpacked package; SOURCES_FILE lists
// "package@version integrity" per line.  The formats are in README.md.
// Every check that fails stops the run before a file is written.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, sourcesFile, outDir] = process.argv.slice(2);
if (!outDir) {
	console.error('usage: node regen.mjs PKG_DIR SOURCES_FILE OUT_DIR');
	process.exit(2);
}

// The Unicode versions in order; the table holds what came after SINCE.
const UNICODE = '17.0.0';
const SINCE = '14.0.0';
const AGES = ['15.0.0', '15.1.0', '16.0.0', '17.0.0'];
const EMOJI_VERSION = '17.0';
const CLDR_VERSION = '48';
const LANGUAGES = ['en', 'ko', 'ja', 'zh', 'es', 'fr', 'de'];
// Formal alias types, in the order an entry lists them.
const ALIAS_TYPES = ['Correction', 'Control', 'Alternate', 'Figment',
	'Abbreviation'];
// Emoji properties and their letters in the flags field.
const EMOJI_FLAGS = [['Emoji', 'E'], ['Emoji_Presentation', 'P'],
	['Emoji_Modifier', 'M'], ['Emoji_Modifier_Base', 'B'],
	['Emoji_Component', 'C'], ['Extended_Pictographic', 'X']];
const GC_SHORT = {
	Uppercase_Letter: 'Lu', Lowercase_Letter: 'Ll', Titlecase_Letter: 'Lt',
	Modifier_Letter: 'Lm', Other_Letter: 'Lo', Nonspacing_Mark: 'Mn',
	Spacing_Mark: 'Mc', Enclosing_Mark: 'Me', Decimal_Number: 'Nd',
	Letter_Number: 'Nl', Other_Number: 'No', Connector_Punctuation: 'Pc',
	Dash_Punctuation: 'Pd', Open_Punctuation: 'Ps', Close_Punctuation: 'Pe',
	Initial_Punctuation: 'Pi', Final_Punctuation: 'Pf',
	Other_Punctuation: 'Po', Math_Symbol: 'Sm', Currency_Symbol: 'Sc',
	Modifier_Symbol: 'Sk', Other_Symbol: 'So', Space_Separator: 'Zs',
	Line_Separator: 'Zl', Paragraph_Separator: 'Zp', Control: 'Cc',
	Format: 'Cf', Surrogate: 'Cs', Private_Use: 'Co', Unassigned: 'Cn',
};
// emoji-test.txt's group titles, by emojibase's group keys.
const GROUP_TITLES = {
	'smileys-emotion': 'Smileys & Emotion', 'people-body': 'People & Body',
	component: 'Component', 'animals-nature': 'Animals & Nature',
	'food-drink': 'Food & Drink', 'travel-places': 'Travel & Places',
	activities: 'Activities', objects: 'Objects', symbols: 'Symbols',
	flags: 'Flags',
};

function fail(why) {
	console.error(`regen: ${why}`);
	process.exit(1);
}

function check(ok, why) {
	if (!ok)
		fail(why);
}

const pkg = (name, ...rest) => path.join(pkgDir, name, ...rest);
const load = async (name, ...rest) =>
	(await import(pathToFileURL(pkg(name, ...rest)).href)).default;
const json = (name, ...rest) =>
	JSON.parse(fs.readFileSync(pkg(name, ...rest), 'utf8'));
const hex = (cp) => cp.toString(16).toUpperCase().padStart(4, '0');
const hexSeq = (s) => Array.from(s, (c) => hex(c.codePointAt(0))).join(' ');
const short = (v) => v.replace(/\.0$/, '');	// "15.0.0" -> "15.0"
const sources = fs.readFileSync(sourcesFile, 'utf8').trim().split('\n');
const sourceOf = (name) => {
	const line = sources.find((s) => s.startsWith(name + '@'));
	check(line, `no source line for ${name}`);
	return line;
};

// --- The UCD part ---------------------------------------------------------

const UCD = (v) => `@unicode/unicode-${v}`;

async function assignedSet(version) {
	return new Set(await load(UCD(version),
	    'Binary_Property/Assigned/code-points.mjs'));
}

// A property given as one folder of ranges per value: cp -> value.
async function rangeProperty(version, property, wanted) {
	const map = new Map();
	const dir = pkg(UCD(version), property);
	for (const value of fs.readdirSync(dir).sort()) {
		if (!fs.statSync(path.join(dir, value)).isDirectory())
			continue;
		for (const r of await load(UCD(version), property, value,
		    'ranges.mjs'))
			for (let cp = r.begin; cp < r.end; cp++)
				if (wanted.has(cp))
					map.set(cp, value);
	}
	return map;
}

// Is the package's data the Unicode version its name says?  A character
// that version added must be there, and one the next added must not.
function checkVersion(version, assigned, added, notYet) {
	check(assigned.has(added) && (notYet === undefined ||
	    !assigned.has(notYet)), `${UCD(version)} does not hold Unicode ` +
	    `${version} data (U+${hex(added)} / U+${hex(notYet ?? 0)})`);
}

async function makeUcd() {
	const since = await assignedSet(SINCE);
	const sets = {};
	for (const v of AGES)
		sets[v] = await assignedSet(v);
	// SHAKING FACE (15.0), CJK Ext. I (15.1), FACE WITH BAGS UNDER EYES
	// (16.0), DISTORTED FACE (17.0).
	checkVersion(SINCE, since, 0x1FAE0, 0x1FAE8);
	checkVersion('15.0.0', sets['15.0.0'], 0x1FAE8, 0x2EBF0);
	checkVersion('15.1.0', sets['15.1.0'], 0x2EBF0, 0x1FAE9);
	checkVersion('16.0.0', sets['16.0.0'], 0x1FAE9, 0x1FAEA);
	checkVersion('17.0.0', sets['17.0.0'], 0x1FAEA);

	const names = await load(UCD(UNICODE), 'Names/index.mjs');
	// Unicode 17.0 names 159,801 characters (algorithmic names included).
	check(names.size === 159801 && names.get(0x1FAEA) === 'DISTORTED FACE',
	    `${UCD(UNICODE)}: ${names.size} names, not Unicode 17.0's 159801`);
	const gc = await load(UCD(UNICODE), 'General_Category/index.mjs');
	const fresh = [...sets[UNICODE]].filter((cp) => !since.has(cp))
	    .sort((a, b) => a - b);
	const wanted = new Set(fresh);
	const block = await rangeProperty(UNICODE, 'Block', wanted);
	const script = await rangeProperty(UNICODE, 'Script', wanted);
	const flags = new Map(fresh.map((cp) => [cp, '']));
	for (const [prop, letter] of EMOJI_FLAGS)
		for (const cp of await load(UCD(UNICODE), 'Binary_Property',
		    prop, 'code-points.mjs'))
			if (wanted.has(cp))
				flags.set(cp, flags.get(cp) + letter);
	const aliases = new Map();
	for (const type of ALIAS_TYPES) {
		const byCp = await load(UCD(UNICODE), 'Names', type,
		    'index.mjs');
		for (const [cp, list] of Object.entries(byCp))
			for (const alias of list) {
				check(/^[A-Z0-9][A-Z0-9 -]*$/.test(alias),
				    `unexpected alias ${alias}`);
				if (!wanted.has(Number(cp)))
					continue;
				const have = aliases.get(Number(cp)) ?? [];
				have.push(`${type.toLowerCase()}:${alias}`);
				aliases.set(Number(cp), have);
			}
	}

	const rows = fresh.map((cp) => {
		const age = AGES.find((v) => sets[v].has(cp));
		const name = names.get(cp);
		const g = GC_SHORT[gc.get(cp)];
		check(name && /^[A-Z0-9][A-Z0-9 -]*$/.test(name),
		    `U+${hex(cp)}: bad name ${name}`);
		check(g && g !== 'Cn', `U+${hex(cp)}: bad category ${gc.get(cp)}`);
		check(block.has(cp) && script.has(cp),
		    `U+${hex(cp)}: no block or script`);
		// The UCD's rule NR2: a name that is a prefix and the code
		// point in hex (CJK, Tangut, Khitan, Nushu, Egyptian ...).
		const algorithmic = name.endsWith('-' + hex(cp)) &&
		    !aliases.has(cp);
		return {
			lo: cp, hi: cp,
			name: algorithmic ? name.slice(0, -hex(cp).length) + '*'
			    : name,
			rest: [g, short(age), block.get(cp), script.get(cp),
				flags.get(cp)].join(';'),
			aliases: (aliases.get(cp) ?? []).join('|'),
			algorithmic,
		};
	});
	// Runs of consecutive algorithmic names alike in all else: one line.
	const lines = [];
	for (const r of rows) {
		const last = lines[lines.length - 1];
		if (last && r.algorithmic && last.algorithmic &&
		    last.hi + 1 === r.lo && last.name === r.name &&
		    last.rest === r.rest)
			last.hi = r.lo;
		else
			lines.push(r);
	}
	// The blocks added since: a code point of one that is still
	// unassigned has that block too.
	const blocks = [];
	const oldBlocks = new Set(fs.readdirSync(pkg(UCD(SINCE), 'Block')));
	for (const value of fs.readdirSync(pkg(UCD(UNICODE), 'Block')).sort())
		if (!oldBlocks.has(value) && value !== 'No_Block' &&
		    !value.includes('.'))
			for (const r of await load(UCD(UNICODE), 'Block', value,
			    'ranges.mjs'))
				blocks.push([r.begin, r.end - 1, value]);
	blocks.sort((a, b) => a[0] - b[0]);
	const counts = AGES.map((v) =>
	    `${short(v)}: ${fresh.filter((cp) => sets[v].has(cp) &&
		!AGES.slice(0, AGES.indexOf(v)).some((w) => sets[w].has(cp)))
		.length}`).join(', ');
	const out = [
		`# ucd.txt: every code point Unicode ${short(UNICODE)} assigns ` +
		    `that Unicode ${short(SINCE)} did not.`,
		`# Generated by index/unicode/regen from ${sourceOf(UCD(UNICODE))}`,
		`# (names, aliases, categories, blocks, scripts, emoji ` +
		    `properties) and the Assigned`,
		`# property of @unicode/unicode-{${AGES.slice(0, -1)
		    .map(short).join(',')}} (ages): do not edit.`,
		`# ${fresh.length} code points by age: ${counts}.`,
		'# Format: see README.md.  Fields: code point or range;name;' +
		    'gc;age;block;script;emoji flags;aliases',
		`@unicode ${UNICODE}`,
		`@since ${SINCE}`,
		...blocks.map(([lo, hi, name]) =>
		    `@block ${hex(lo)}..${hex(hi)};${name}`),
	];
	for (const l of lines)
		out.push([l.lo === l.hi ? hex(l.lo) : `${hex(l.lo)}..${hex(l.hi)}`,
			l.name, l.rest, l.aliases].join(';'));
	return out.join('\n') + '\n';
}

// --- The emoji part: emoji-test.txt, rebuilt from emojibase-data ----------

const EB = 'emojibase-data';

// emojibase's version numbers (0.6, 1, 15.1, 17) as emoji-test's (E1.0).
const emojiVersion = (v) => 'E' + (Number.isInteger(v) ? v + '.0' : String(v));
const fromHex = (h) => String.fromCodePoint(...h.split('-')
    .map((x) => parseInt(x, 16)));
const stripVs = (h) => h.split('-').filter((x) => x !== 'FE0F' &&
    x !== 'FE0E').join('-');

function makeEmojiTest() {
	const data = json(EB, 'en/data.json');
	const hexcodes = json(EB, 'meta/hexcodes.json');
	const meta = json(EB, 'meta/groups.json');
	const version = json(EB, 'package.json').version;
	check(version.startsWith(EMOJI_VERSION + '.'),
	    `${EB} ${version} is not for Emoji ${EMOJI_VERSION}`);

	// Every emoji-test form by its code points without variation
	// selectors: [hexcode, 0 fully / 1 minimally / 2 unqualified], in
	// file order.  The FE0E forms are emojibase's own text presentation.
	const forms = new Map();
	for (const [base, variants] of Object.entries(hexcodes))
		for (const [h, q] of Object.entries(variants)) {
			if (h.split('-').includes('FE0E'))
				continue;
			const k = stripVs(h);
			const have = forms.get(k) ?? { base, list: [] };
			check(have.base === base, `${h} under two bases`);
			have.list.push([h, q]);
			forms.set(k, have);
		}

	const entries = [];
	for (const e of data)
		for (const x of [e, ...(e.skins ?? [])])
			if (x.group !== undefined)	// not a lone regional indicator
				entries.push(x);
	entries.sort((a, b) => a.order - b.order);
	check(entries.some((x) => x.hexcode === '1FAEA' && x.version === 17),
	    `${EB}: no DISTORTED FACE of Emoji 17.0`);

	const lines = [];
	const counts = { 'fully-qualified': 0, 'minimally-qualified': 0,
		unqualified: 0, component: 0 };
	let group, subgroup;
	const emit = (h, status, x) => {
		counts[status]++;
		const cps = h.split('-').join(' ');
		lines.push(`${cps} ; ${status} # ${fromHex(h)} ` +
		    `${emojiVersion(x.version)} ${x.label}`);
	};
	for (const x of entries) {
		const g = meta.groups[x.group], s = meta.subgroups[x.subgroup];
		check(GROUP_TITLES[g] && s, `${x.hexcode}: bad group ${g}/${s}`);
		if (g !== group) {
			lines.push('', `# group: ${GROUP_TITLES[g]}`);
			group = g;
			subgroup = undefined;
		}
		if (s !== subgroup) {
			lines.push('', `# subgroup: ${s}`);
			subgroup = s;
		}
		check(/^[^;\n]+$/.test(x.label), `${x.hexcode}: bad label`);
		if (g === 'component') {
			emit(x.hexcode, 'component', x);
			continue;
		}
		const f = forms.get(stripVs(x.hexcode));
		check(f, `${x.hexcode}: no qualification data`);
		// The fully-qualified form; a single emoji-presentation code
		// point also has an FE0F form, which emoji-test does not list.
		const full = f.list.filter(([, q]) => q === 0)
		    .map(([h]) => h).sort((a, b) => a.length - b.length);
		check(full.length === 1 || (full.length === 2 &&
		    !full[0].includes('-') && full[1] === full[0] + '-FE0F'),
		    `${x.hexcode}: fully-qualified forms ${full}`);
		emit(full[0], 'fully-qualified', x);
		for (const [h, q] of f.list)
			if (q !== 0) {
				check(q === 1 || q === 2, `${h}: status ${q}`);
				emit(h, q === 1 ? 'minimally-qualified' :
				    'unqualified', x);
			}
	}
	const head = [
		'# emoji-test.txt',
		`# Emoji Keyboard/Display Test Data for UTS #51, rebuilt by ` +
		    'index/unicode/regen from',
		`# ${sourceOf(EB)}`,
		'# (en/data.json, meta/hexcodes.json, meta/groups.json): do not ' +
		    'edit.',
		`# Version: ${EMOJI_VERSION}`,
		'#',
		'# Format: code points; status # emoji E<version> name',
		'# as in emoji-test.txt, in its order, without column padding.',
	];
	const tail = ['', '# Status Counts'];
	for (const [k, n] of Object.entries(counts))
		tail.push(`# ${k} : ${n}`);
	tail.push('', '#EOF');
	return [...head, ...lines, ...tail].join('\n') + '\n';
}

// --- CLDR annotations -------------------------------------------------------

const CLDR_A = 'cldr-annotations-full';
const CLDR_D = 'cldr-annotations-derived-full';

function annotationRows(kind, name, dir, key, lang) {
	const meta = json(name, 'package.json');
	check(meta.cldrVersion === CLDR_VERSION,
	    `${name}: CLDR ${meta.cldrVersion}, not ${CLDR_VERSION}`);
	const doc = json(name, dir, lang, 'annotations.json')[key];
	check(doc.identity.language === lang.split('-')[0],
	    `${name} ${lang}: identity ${doc.identity.language}`);
	const rows = [];
	for (const [cp, v] of Object.entries(doc.annotations)) {
		const tts = v.tts ?? [];
		const words = v.default ?? [];
		check(tts.length <= 1, `${lang} ${hexSeq(cp)}: ${tts.length} tts`);
		for (const w of [...tts, ...words])
			check(w.length > 0 && !/[\t\n|]/.test(w),
			    `${lang} ${hexSeq(cp)}: bad keyword ${w}`);
		rows.push([hexSeq(cp), kind, tts[0] ?? '', words.join('|')]);
	}
	return rows;
}

function compareSeq(a, b) {
	const x = a.split(' ').map((h) => parseInt(h, 16));
	const y = b.split(' ').map((h) => parseInt(h, 16));
	for (let i = 0; i < x.length && i < y.length; i++)
		if (x[i] !== y[i])
			return x[i] - y[i];
	return x.length - y.length;
}

function makeCldr(lang) {
	const rows = [
		...annotationRows('a', CLDR_A, 'annotations', 'annotations', lang),
		...annotationRows('d', CLDR_D, 'annotationsDerived',
		    'annotationsDerived', lang),
	];
	rows.sort((p, q) => compareSeq(p[0], q[0]) ||
	    (p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0));
	for (let i = 1; i < rows.length; i++)
		check(rows[i][0] !== rows[i - 1][0],
		    `${lang} ${rows[i][0]}: annotated twice`);
	if (lang === 'en')
		check(rows.some((r) => r[0] === '1FAEA' && r[2] ===
		    'distorted face'), 'CLDR en: no DISTORTED FACE (Emoji 17.0)');
	return [
		`# cldr/${lang}.txt: CLDR ${CLDR_VERSION} annotations for ` +
		    `language ${lang}, written by index/unicode/regen from`,
		`# ${sourceOf(CLDR_A)}`,
		`# ${sourceOf(CLDR_D)}`,
		'# Code points as CLDR keys them: without U+FE0F.  Do not edit.',
		'# Format: code points<TAB>a (annotations) or d ' +
		    '(annotationsDerived)<TAB>tts<TAB>keyword|keyword...',
		...rows.map((r) => r.join('\t')),
	].join('\n') + '\n';
}

// --- Write everything, once all of it is made -------------------------------

const files = new Map();
files.set('ucd.txt', await makeUcd());
files.set('emoji-test.txt', makeEmojiTest());
for (const lang of LANGUAGES)
	files.set(`cldr/${lang}.txt`, makeCldr(lang));
files.set('LICENSE-Unicode.txt', fs.readFileSync(pkg(CLDR_A, 'LICENSE'),
    'utf8'));
files.set('LICENSE-emojibase.txt', fs.readFileSync(pkg(EB, 'LICENSE'),
    'utf8'));
check(files.get('LICENSE-Unicode.txt').startsWith('UNICODE LICENSE V3'),
    `${CLDR_A}: LICENSE is not the Unicode License V3`);

fs.rmSync(path.join(outDir, 'cldr'), { recursive: true, force: true });
fs.mkdirSync(path.join(outDir, 'cldr'));
for (const [name, text] of files) {
	fs.writeFileSync(path.join(outDir, name), text);
	console.log(`regen: ${name}: ${Buffer.byteLength(text)} bytes`);
}
