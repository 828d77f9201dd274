/*
 * charinfo.c: one code point's name, aliases and properties, from ICU or,
 * for a character newer than ICU's Unicode, from the compiled-in table.
 */
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "cf_charinfo.h"
#include "index_private.h"
#include "newer_unicode.h"

/*
 * The name as the index shows it, from the first line of cp (ICU's or the
 * table's name; a control's line shows a label, "<control-0007>").
 */
static const char *
index_name(const struct cf_index *idx, uint32_t cp, char *buf)
{
	long e = cf_first_entry(idx, cp);
	const char *p, *end;
	size_t len;

	if (e < 0)
		return NULL;
	p = idx->arena + idx->entry_off[e];
	end = idx->arena + idx->entry_off[e + 1] - 2;	/* CR LF */
	p = (const char *)memchr(p, '\t', (size_t)(end - p)) + 1;
	p = (const char *)memchr(p, '\t', (size_t)(end - p)) + 1;
	if (*p == '<')
		return NULL;
	len = (size_t)(end - p);
	/* An alias line: "NAME (alias ALIAS)"; no name has a parenthesis. */
	for (const char *q = p; q < end; q++)
		if (*q == '(') {
			len = (size_t)(q - p - 1);
			break;
		}
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static void
add_alias(struct cf_char_info *info, const char *alias, const char *type)
{
	if (info->naliases < CF_CHAR_ALIASES_MAX) {
		info->aliases[info->naliases].alias = alias;
		info->aliases[info->naliases].type = type;
		info->naliases++;
	}
}

/* ICU's correction, then the aliases of NameAliases.txt. */
static void
icu_aliases(uint32_t cp, struct cf_char_info *info)
{
	const char *alias[CF_CHAR_ALIASES_MAX], *type[CF_CHAR_ALIASES_MAX];
	UErrorCode status = U_ZERO_ERROR;
	int32_t len = u_charName((UChar32)cp, U_CHAR_NAME_ALIAS,
	    info->correction_buf, (int32_t)sizeof(info->correction_buf),
	    &status);
	size_t i, n;

	if (U_SUCCESS(status) && len > 0)
		add_alias(info, info->correction_buf, "correction");
	n = cf_name_aliases(cp, alias, type, CF_CHAR_ALIASES_MAX);
	for (i = 0; i < n; i++)
		add_alias(info, alias[i], type[i]);
}

static const char *
icu_block(uint32_t cp)
{
	UBlockCode block = ublock_getCode((UChar32)cp);
	const char *newer;

	if (block == UBLOCK_NO_BLOCK && (newer = cf_newer_block(cp)) != NULL)
		return newer;
	return u_getPropertyValueName(UCHAR_BLOCK, block,
	    U_LONG_PROPERTY_NAME);
}

static const char *
icu_script(uint32_t cp)
{
	UErrorCode status = U_ZERO_ERROR;
	UScriptCode script = uscript_getScript((UChar32)cp, &status);

	if (U_FAILURE(status))
		script = USCRIPT_UNKNOWN;
	return u_getPropertyValueName(UCHAR_SCRIPT, script,
	    U_LONG_PROPERTY_NAME);
}

static const char *
icu_age(uint32_t cp, char *buf)
{
	UVersionInfo age;

	u_charAge((UChar32)cp, age);
	if (age[0] == 0 && age[1] == 0 && age[2] == 0 && age[3] == 0)
		return NULL;	/* unassigned */
	u_versionToString(age, buf);
	return buf;
}

bool
cf_char_info(const struct cf_index *idx, uint32_t cp,
    struct cf_char_info *info)
{
	const struct newer_char *c;
	UCharCategory gc;
	size_t i;

	if (cp > CF_CODEPOINT_MAX)
		return false;
	info->cp = cp;
	info->naliases = 0;
	info->name = index_name(idx, cp, info->name_buf);
	if ((c = cf_newer_find(cp)) != NULL) {
		info->newer = true;
		for (i = 0; i < c->naliases; i++) {
			const struct newer_alias *a =
			    &newer_aliases[c->first_alias + i];

			add_alias(info, newer_text + a->alias,
			    newer_text + a->type);
		}
		gc = (UCharCategory)c->gc;
		info->block = newer_text + c->block;
		info->script = newer_text + c->script;
		info->age = newer_text + c->age;
		info->emoji = (c->flags & NEWER_EMOJI) != 0;
	} else {
		info->newer = false;
		icu_aliases(cp, info);
		gc = (UCharCategory)u_charType((UChar32)cp);
		info->block = icu_block(cp);
		info->script = icu_script(cp);
		info->age = icu_age(cp, info->age_buf);
		info->emoji = u_hasBinaryProperty((UChar32)cp, UCHAR_EMOJI);
	}
	info->gc = u_getPropertyValueName(UCHAR_GENERAL_CATEGORY, gc,
	    U_SHORT_PROPERTY_NAME);
	info->gc_name = u_getPropertyValueName(UCHAR_GENERAL_CATEGORY, gc,
	    U_LONG_PROPERTY_NAME);
	info->label = info->name;
	if (info->label == NULL) {
		UErrorCode status = U_ZERO_ERROR;
		int32_t len = u_charName((UChar32)cp, U_EXTENDED_CHAR_NAME,
		    info->name_buf, (int32_t)sizeof(info->name_buf), &status);

		if (U_FAILURE(status) || len < 0)
			info->name_buf[0] = '\0';
		info->label = info->name_buf;
	}
	return true;
}
