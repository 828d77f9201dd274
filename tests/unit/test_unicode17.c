/*
 * test_unicode17.c: Unicode 17.0 on an ICU that stops earlier (ICU 72:
 * Unicode 15.0).  Known answers for characters of 15.1, 16.0 and 17.0 in
 * every query form, cf_char_info() for old and new characters, and a check
 * that ICU and the compiled-in table (index/unicode/ucd.txt) agree on every
 * character they both have.
 */
#include "answer_text.h"
#include "cf_charinfo.h"
#include "index_private.h"
#include "unicode_shared.h"

#include <unicode/uversion.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Is age ("16.0") newer than the Unicode version of the ICU we run on? */
static bool
newer_than_icu(const char *age)
{
	UVersionInfo a, icu;

	u_versionFromString(a, age);
	u_getUnicodeVersion(icu);
	return memcmp(a, icu, sizeof(a)) > 0;
}

static void
test_versions(void **state)
{
	(void)state;
	assert_string_equal(cf_names_unicode_version(), "17.0");
	assert_string_equal(cf_icu_unicode_version(), U_UNICODE_VERSION);
	assert_string_equal(cf_icu_version(), U_ICU_VERSION);
}

/* New emoji by code point, by name and by identify (pasted UTF-8). */
static void
test_new_emoji(void **state)
{
	static const char bags[] =
	    "U+1FAE9\t\xf0\x9f\xab\xa9\tFACE WITH BAGS UNDER EYES\r\n";
	static const char distorted[] =
	    "U+1FAEA\t\xf0\x9f\xab\xaa\tDISTORTED FACE\r\n";
	static const char landslide[] =
	    "U+1F6D8\t\xf0\x9f\x9b\x98\tLANDSLIDE\r\n";
	static const char fight[] =
	    "U+1FAEF\t\xf0\x9f\xab\xaf\tFIGHT CLOUD\r\n";
	struct fixture *f = *state;

	assert_answer(f, "U+1FAE9", bags);		/* 16.0 */
	assert_answer(f, "bags under eyes", bags);
	assert_answer(f, "U+1FAEA", distorted);		/* 17.0 */
	assert_answer(f, "distorted face", distorted);
	assert_answer(f, "landslide", landslide);
	assert_answer(f, "fight cloud", fight);
	/* 🫩 and 🫪 pasted, with a 15.0 🫨 (SHAKING FACE) between */
	assert_answer(f, "\xf0\x9f\xab\xa9\xf0\x9f\xab\xa8\xf0\x9f\xab\xaa",
	    "U+1FAE9\t\xf0\x9f\xab\xa9\tFACE WITH BAGS UNDER EYES\r\n"
	    "U+1FAE8\t\xf0\x9f\xab\xa8\tSHAKING FACE\r\n"
	    "U+1FAEA\t\xf0\x9f\xab\xaa\tDISTORTED FACE\r\n");
	assert_int_equal(query(f, "distort* face"), 1);
}

/* CJK Extension I (15.1) and J (17.0): ranges, names, the CJK rule. */
static void
test_new_ideographs(void **state)
{
	struct fixture *f = *state;

	assert_answer(f, "U+2EBF0",
	    "U+2EBF0\t\xf0\xae\xaf\xb0\tCJK UNIFIED IDEOGRAPH-2EBF0\r\n");
	assert_answer(f, "U+2EE5D..U+2EE5E",
	    "U+2EE5D\t\xf0\xae\xb9\x9d\tCJK UNIFIED IDEOGRAPH-2EE5D\r\n"
	    "U+2EE5E\t\xf0\xae\xb9\x9e\t<unassigned-2EE5E>\r\n");
	assert_answer(f, "U+33479",
	    "U+33479\t\xf0\xb3\x91\xb9\tCJK UNIFIED IDEOGRAPH-33479\r\n");
	/* Under their three prefix words only, as ICU's ideographs. */
	assert_int_equal(query(f, "ideograph 2EBF0"), 0);
	assert_int_equal(query(f, "2EBF0"), 0);
	/* 16.0's Egyptian hieroglyphs are named by rule NR2 too. */
	assert_answer(f, "U+13460",
	    "U+13460\t\xf0\x93\x91\xa0\tEGYPTIAN HIEROGLYPH-13460\r\n");
	assert_answer(f, "egyptian hieroglyph 13460",
	    "U+13460\t\xf0\x93\x91\xa0\tEGYPTIAN HIEROGLYPH-13460\r\n");
}

/* Entries stay in code point order, the table's merged with ICU's. */
static void
test_merge_order(void **state)
{
	struct fixture *f = *state;
	const struct cf_index *idx = f->idx;
	char buf[CF_LINE_MAX];
	const char *line;
	size_t e;

	for (e = 1; e < idx->nentries; e++)
		assert_true(idx->entry_cp[e] >= idx->entry_cp[e - 1]);
	/* A 17.0 letter between two of ICU's, and describe's line. */
	assert_answer(f, "U+088E..U+0890",
	    "U+088E \t\xe0\xa2\x8e\tARABIC VERTICAL TAIL\r\n"
	    "U+088F \t\xe0\xa2\x8f\tARABIC LETTER NOON WITH RING ABOVE\r\n"
	    "U+0890 \t\xe0\xa2\x90\tARABIC POUND MARK ABOVE\r\n");
	assert_int_equal(cf_index_describe(idx, 0x1FAE9, &line, buf),
	    strlen("U+1FAE9\t\xf0\x9f\xab\xa9\tFACE WITH BAGS UNDER EYES\r\n"));
	assert_ptr_not_equal(line, buf);
}

static void
assert_alias(const struct cf_char_info *info, size_t i, const char *alias,
    const char *type)
{
	assert_true(i < info->naliases);
	assert_string_equal(info->aliases[i].alias, alias);
	assert_string_equal(info->aliases[i].type, type);
}

static void
test_char_info_old(void **state)
{
	struct fixture *f = *state;
	struct cf_char_info info;

	assert_true(cf_char_info(f->idx, 0x265A, &info));
	assert_string_equal(info.name, "BLACK CHESS KING");
	assert_ptr_equal(info.label, info.name);
	assert_int_equal(info.naliases, 0);
	assert_string_equal(info.gc, "So");
	assert_string_equal(info.gc_name, "Other_Symbol");
	assert_string_equal(info.block, "Miscellaneous_Symbols");
	assert_string_equal(info.script, "Common");
	assert_string_equal(info.age, "1.1");
	assert_false(info.emoji);	/* U+265F only, among the chess men */
	assert_false(info.newer);

	assert_true(cf_char_info(f->idx, 0x01A2, &info));
	assert_string_equal(info.name, "LATIN CAPITAL LETTER OI");
	assert_alias(&info, 0, "LATIN CAPITAL LETTER GHA", "correction");
	assert_int_equal(info.naliases, 1);
	assert_string_equal(info.gc, "Lu");
	assert_string_equal(info.script, "Latin");
	assert_false(info.emoji);

	assert_true(cf_char_info(f->idx, 0xFEFF, &info));
	assert_alias(&info, 0, "BYTE ORDER MARK", "alternate");
	assert_alias(&info, 1, "BOM", "abbreviation");
	assert_alias(&info, 2, "ZWNBSP", "abbreviation");
	assert_int_equal(info.naliases, 3);
	assert_string_equal(info.gc_name, "Format");

	assert_true(cf_char_info(f->idx, 0x0007, &info));
	assert_null(info.name);
	assert_string_equal(info.label, "<control-0007>");
	assert_alias(&info, 0, "ALERT", "control");
	assert_alias(&info, 1, "BEL", "abbreviation");
	assert_string_equal(info.gc, "Cc");

	assert_true(cf_char_info(f->idx, 0x0378, &info));
	assert_null(info.name);
	assert_string_equal(info.label, "<unassigned-0378>");
	assert_null(info.age);
	assert_string_equal(info.gc, "Cn");
	assert_string_equal(info.block, "Greek_And_Coptic");
	assert_string_equal(info.script, "Unknown");

	assert_true(cf_char_info(f->idx, 0xE000, &info));
	assert_null(info.name);
	assert_string_equal(info.label, "<private use area-E000>");
	assert_string_equal(info.gc, "Co");
	assert_string_equal(info.age, "1.1");

	assert_true(cf_char_info(f->idx, 0x1F600, &info));
	assert_string_equal(info.name, "GRINNING FACE");
	assert_true(info.emoji);

	assert_true(cf_char_info(f->idx, CF_CODEPOINT_MAX, &info));
	assert_string_equal(info.label, "<noncharacter-10FFFF>");
	assert_false(cf_char_info(f->idx, CF_CODEPOINT_MAX + 1, &info));
}

static void
test_char_info_new(void **state)
{
	struct fixture *f = *state;
	struct cf_char_info info;

	assert_true(cf_char_info(f->idx, 0x1FAE9, &info));
	assert_string_equal(info.name, "FACE WITH BAGS UNDER EYES");
	assert_ptr_equal(info.label, info.name);
	assert_int_equal(info.naliases, 0);
	assert_string_equal(info.gc, "So");
	assert_string_equal(info.gc_name, "Other_Symbol");
	assert_string_equal(info.block, "Symbols_And_Pictographs_Extended_A");
	assert_string_equal(info.script, "Common");
	assert_string_equal(info.age, "16.0");
	assert_true(info.emoji);
	assert_int_equal(info.newer, newer_than_icu("16.0"));

	assert_true(cf_char_info(f->idx, 0x2EBF0, &info));
	assert_string_equal(info.name, "CJK UNIFIED IDEOGRAPH-2EBF0");
	assert_string_equal(info.gc, "Lo");
	assert_string_equal(info.block, "CJK_Unified_Ideographs_Extension_I");
	assert_string_equal(info.script, "Han");
	assert_string_equal(info.age, "15.1");
	assert_false(info.emoji);
	assert_int_equal(info.newer, newer_than_icu("15.1"));

	/* A script of 16.0, which ICU 72 cannot name. */
	assert_true(cf_char_info(f->idx, 0x10D4A, &info));
	assert_string_equal(info.name, "GARAY VOWEL SIGN A");
	assert_string_equal(info.script, "Garay");
	assert_string_equal(info.block, "Garay");

	/* Unassigned still, in a block of 17.0. */
	assert_true(cf_char_info(f->idx, 0x3347A, &info));
	assert_null(info.name);
	assert_string_equal(info.label, "<unassigned-3347A>");
	assert_null(info.age);
	assert_string_equal(info.gc, "Cn");
	assert_string_equal(info.block, "CJK_Unified_Ideographs_Extension_J");
	assert_string_equal(info.script, "Unknown");
	assert_false(info.newer);
}

/*
 * ICU's binary emoji properties, as the table's letters.  Not
 * Extended_Pictographic: Unicode took it back after 15.0 from nine
 * characters that 15.0 had assigned in ranges reserved for pictographs
 * (U+1F774..U+1F776, U+1F77B..U+1F77F, U+1F7D9), so ICU 72 and 17.0
 * rightly differ there.
 */
static uint8_t
icu_emoji_flags(UChar32 c)
{
	static const UProperty props[] = { UCHAR_EMOJI,
		UCHAR_EMOJI_PRESENTATION, UCHAR_EMOJI_MODIFIER,
		UCHAR_EMOJI_MODIFIER_BASE, UCHAR_EMOJI_COMPONENT };
	uint8_t flags = 0;
	size_t i;

	for (i = 0; i < N(props); i++)
		if (u_hasBinaryProperty(c, props[i]))
			flags |= (uint8_t)(1u << i);
	return flags;
}

/*
 * Every character that both ICU and index/unicode/ucd.txt have (ICU 72:
 * those of Unicode 15.0): the same name, aliases, category, block,
 * script, age and emoji properties.
 */
static void
test_icu_and_table_agree(void **state)
{
	struct fixture *f = *state;
	struct cf_char_info info;
	size_t i, k, count = 0;
	uint32_t cp;

	for (i = 0; i < shared_nchars; i++) {
		const struct newer_char *c = &shared_chars[i];

		const char *age = shared_text + c->age;
		const char *block = shared_text + c->block;
		const char *script = shared_text + c->script;
		const char *gc = u_getPropertyValueName(UCHAR_GENERAL_CATEGORY,
		    c->gc, U_SHORT_PROPERTY_NAME);

		for (cp = c->lo; cp <= c->hi; cp++, count++) {
			char name[CF_LINE_MAX];

			/* A range's names: the prefix, then the hex (NR2). */
			if (c->hi > c->lo)
				snprintf(name, sizeof(name), "%s%04X",
				    shared_text + c->name, (unsigned)cp);
			else
				snprintf(name, sizeof(name), "%s",
				    shared_text + c->name);
			assert_true(cf_char_info(f->idx, cp, &info));
			if (info.newer || info.name == NULL ||
			    strcmp(info.name, name) != 0 ||
			    strcmp(info.gc, gc) != 0 ||
			    strcmp(info.block, block) != 0 ||
			    strcmp(info.script, script) != 0 ||
			    info.age == NULL || strcmp(info.age, age) != 0 ||
			    icu_emoji_flags((UChar32)cp) !=
			    (c->flags & ~NEWER_EXTENDED_PICTOGRAPHIC) ||
			    info.naliases != c->naliases)
				fail_msg("U+%04X: ICU says %s;%s;%s;%s;%s;%d;"
				    "%zu aliases, ucd.txt %s;%s;%s;%s;%s;%d;%d",
				    (unsigned)cp, info.label, info.gc,
				    info.age ? info.age : "-", info.block,
				    info.script, icu_emoji_flags((UChar32)cp),
				    info.naliases, name, gc, age, block, script,
				    c->flags & ~NEWER_EXTENDED_PICTOGRAPHIC,
				    c->naliases);
			for (k = 0; k < c->naliases; k++) {
				const struct newer_alias *a =
				    &shared_aliases[c->first_alias + k];

				assert_string_equal(info.aliases[k].alias,
				    shared_text + a->alias);
				assert_string_equal(info.aliases[k].type,
				    shared_text + a->type);
			}
		}
	}
	print_message("ICU and ucd.txt agree on %zu code points\n", count);
#if U_ICU_VERSION_MAJOR_NUM == 72
	/* Everything of Unicode 15.0 in the table: 4489 code points. */
	assert_int_equal(count, 4489);
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_new_emoji),
		cmocka_unit_test(test_new_ideographs),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_char_info_old),
		cmocka_unit_test(test_char_info_new),
		cmocka_unit_test(test_icu_and_table_agree),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
