/*
 * emoji_info.c: the emoji tables read back for cf_emoji.h.
 */
#include <string.h>

#include "cf_emoji.h"
#include "emoji_private.h"

const char *
cf_emoji_version(void)
{
	return emoji_tables.version;
}

size_t
cf_emoji_count(void)
{
	return emoji_tables.nemoji;
}

size_t
cf_emoji_languages(void)
{
	return emoji_tables.nlangs;
}

const char *
cf_emoji_language(size_t lang)
{
	return lang < emoji_tables.nlangs ? emoji_tables.langs[lang] : NULL;
}

/* Group or subgroup g (subgroups are numbered after the groups). */
static const char *
group_name(size_t g, size_t *len)
{
	const uint32_t *off = emoji_tables.group_off;

	*len = off[g + 1] - off[g];
	return emoji_tables.group_text + off[g];
}

bool
cf_emoji_info(long e, struct cf_emoji_info *info)
{
	const struct emoji_tables *t = &emoji_tables;
	const char *line;

	if (e < 0 || (size_t)e >= t->nemoji)
		return false;
	info->cps = t->cps + t->cp_off[e];
	info->ncps = t->cp_off[e + 1] - t->cp_off[e];
	/* "U+1F44D\t👍\tthumbs up\r\n" */
	line = t->lines + t->line_off[e];
	info->text = strchr(line, '\t') + 1;
	info->name = strchr(info->text, '\t') + 1;
	info->text_len = (size_t)(info->name - 1 - info->text);
	info->name_len = (size_t)(t->lines + t->line_off[e + 1] - 2 -
	    info->name);
	info->group = group_name(t->group[e], &info->group_len);
	info->subgroup = group_name(t->ngroups + t->subgroup[e],
	    &info->subgroup_len);
	info->base = t->base[e];
	return true;
}

bool
cf_emoji_annotation(long e, size_t lang, struct cf_emoji_annotation *a)
{
	const struct emoji_tables *t = &emoji_tables;
	size_t at;

	if (e < 0 || (size_t)e >= t->nemoji || lang >= t->nlangs)
		return false;
	at = 2 * ((size_t)e * t->nlangs + lang);
	a->lang = t->langs[lang];
	a->tts = t->annot_text + t->annot_off[at];
	a->tts_len = t->annot_off[at + 1] - t->annot_off[at];
	a->keywords = t->annot_text + t->annot_off[at + 1];
	a->keywords_len = t->annot_off[at + 2] - t->annot_off[at + 1];
	return true;
}

bool
cf_emoji_next_keyword(const char **p, const char *end, const char **keyword,
    size_t *len)
{
	const char *bar;

	if (*p >= end)
		return false;
	bar = memchr(*p, '|', (size_t)(end - *p));
	*keyword = *p;
	*len = (size_t)((bar != NULL ? bar : end) - *p);
	*p = bar != NULL ? bar + 1 : end;
	return true;
}
