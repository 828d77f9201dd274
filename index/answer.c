/*
 * answer.c: an answer and its hand-out in pieces.
 *
 * Consecutive entries have consecutive lines in the arena, so a run of
 * consecutive entry ids (or of consecutive named code points, each with a
 * single entry) is one piece that points into the index.  Code points
 * without an entry are formatted one at a time into the caller's buffer.
 * Emoji lines come first, from the emoji tables, likewise in runs.
 */
#include <stdlib.h>
#include <string.h>

#include "cf_query.h"
#include "emoji_private.h"

struct cf_answer *
cf_answer_new(void)
{
	return calloc(1, sizeof(struct cf_answer));
}

void
cf_answer_free(struct cf_answer *ans)
{
	if (ans == NULL)
		return;
	free(ans->entry_buf);
	free(ans->range_buf);
	free(ans->bitmap);
	free(ans->seen);
	free(ans->rank_buf);
	free(ans->key_buf);
	free(ans->emoji_buf);
	free(ans->emoji_bits);
	free(ans->cp_buf);
	free(ans->span_buf);
	free(ans);
}

size_t
cf_answer_count(const struct cf_answer *ans)
{
	return ans->count;
}

enum cf_query_form
cf_answer_form(const struct cf_answer *ans)
{
	return ans->form;
}

/* How many more lines a piece may hold under the limit. */
static size_t
lines_left(const struct cf_cursor *cur, size_t limit)
{
	if (limit == 0)
		return SIZE_MAX;
	return cur->lines < limit ? limit - cur->lines : 0;
}

static size_t
line_len(const struct cf_index *idx, uint32_t e)
{
	return idx->entry_off[e + 1] - idx->entry_off[e];
}

/*
 * Where the run of consecutive entries that starts at ent[i] ends.  The
 * entries ascend without repeats, so ent[k] - k never decreases and stays
 * the same exactly along such a run: gallop, then bisect, instead of
 * walking a run of a hundred thousand ideographs line by line.
 */
static size_t
run_end(const uint32_t *ent, size_t i, size_t n)
{
	uint32_t base = ent[i] - (uint32_t)i;
	size_t lo = i, hi, mid, step = 1;

	while (step < n - lo && ent[lo + step] - (uint32_t)(lo + step) == base) {
		lo += step;
		step *= 2;
	}
	hi = step < n - lo ? lo + step : n;	/* past the run, or the end */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ent[mid] - (uint32_t)mid == base)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* The most entries from first on, up to count, whose lines fit in bytes. */
static size_t
lines_that_fit(const struct cf_index *idx, uint32_t first, size_t count,
    size_t bytes)
{
	size_t lo = 1, hi = count, mid;	/* one line always fits */
	uint32_t start = idx->entry_off[first];

	if (idx->entry_off[first + count] - start <= bytes)
		return count;
	while (hi - lo > 1) {		/* lo fits, hi does not */
		mid = lo + (hi - lo) / 2;
		if (idx->entry_off[first + mid] - start <= bytes)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static bool
next_entries(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t room, size_t max_bytes,
    struct cf_piece *piece)
{
	const uint32_t *ent = ans->entries;
	size_t i = cur->item, n;

	if (i >= ans->nentries)
		return false;
	/* One line unless the next one follows it and fits too (always so
	 * for cf_answer_next_item(), which takes a line at a time). */
	if (room == 1 || i + 1 == ans->nentries || ent[i + 1] != ent[i] + 1 ||
	    idx->entry_off[ent[i] + 2] - idx->entry_off[ent[i]] > max_bytes)
		n = 1;
	else if (ans->ascending) {
		n = run_end(ent, i, ans->nentries) - i;
		if (n > room)
			n = room;
		n = lines_that_fit(idx, ent[i], n, max_bytes);
	} else			/* relevance order: short runs, if any */
		for (n = 2; n < room && i + n < ans->nentries &&
		    ent[i + n] == ent[i] + n && idx->entry_off[ent[i] + n + 1] -
		    idx->entry_off[ent[i]] <= max_bytes; n++)
			;
	piece->data = idx->arena + idx->entry_off[ent[i]];
	piece->len = idx->entry_off[ent[i] + n] - idx->entry_off[ent[i]];
	piece->lines = n;
	piece->stable = true;
	piece->first_cp = idx->entry_cp[ent[i]];
	cur->item = i + n;
	return true;
}

static bool
next_code_points(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t room, size_t max_bytes,
    struct cf_piece *piece, char buf[CF_LINE_MAX])
{
	const struct cp_range *r;
	uint32_t cp;
	long e;
	size_t bytes;

	if (cur->item >= ans->nranges)
		return false;
	r = &ans->ranges[cur->item];
	if (cur->next < r->lo)
		cur->next = r->lo;	/* a new cursor */
	cp = cur->next;
	piece->first_cp = cp;
	if ((e = cf_first_entry(idx, cp)) < 0) {
		piece->len = cf_index_describe(idx, cp, &piece->data, buf);
		piece->lines = 1;
		piece->stable = false;
	} else {
		/* The next code point's first entry follows only if cp has one. */
		bytes = line_len(idx, (uint32_t)e);
		for (piece->lines = 1; cp < r->hi && piece->lines < room &&
		    (size_t)e + 1 < idx->nentries &&
		    idx->entry_cp[e + 1] == cp + 1 &&
		    bytes + line_len(idx, (uint32_t)e + 1) <= max_bytes;
		    piece->lines++) {
			e++;
			cp++;
			bytes += line_len(idx, (uint32_t)e);
		}
		piece->data = idx->arena + idx->entry_off[e + 1] - bytes;
		piece->len = bytes;
		piece->stable = true;
	}
	if (cp == r->hi) {
		if (++cur->item < ans->nranges)
			cur->next = ans->ranges[cur->item].lo;
	} else
		cur->next = cp + 1;
	return true;
}

void
cf_cursor_seek(const struct cf_answer *ans, struct cf_cursor *cur,
    size_t offset)
{
	size_t i, n;

	memset(cur, 0, sizeof(*cur));
	if (offset < ans->nemoji || ans->kind == ANSWER_ENTRIES) {
		cur->item = offset;
		return;
	}
	offset -= ans->nemoji;
	for (i = 0; i < ans->nranges; i++) {
		n = ans->ranges[i].hi - ans->ranges[i].lo + 1;
		if (offset < n) {
			cur->next = ans->ranges[i].lo + (uint32_t)offset;
			break;
		}
		offset -= n;
	}
	cur->item = ans->nemoji + i;
}

/* A run of emoji whose lines are consecutive in the tables. */
static bool
next_emoji(const struct cf_answer *ans, struct cf_cursor *cur, size_t room,
    size_t max_bytes, struct cf_piece *piece)
{
	const uint32_t *off = emoji_tables.line_off, *em = ans->emoji;
	size_t i = cur->item, n;

	for (n = 1; n < room && i + n < ans->nemoji &&
	    em[i + n] == em[i] + n &&
	    off[em[i] + n + 1] - off[em[i]] <= max_bytes; n++)
		;
	piece->data = emoji_tables.lines + off[em[i]];
	piece->len = off[em[i] + n] - off[em[i]];
	piece->lines = n;
	piece->stable = true;
	piece->first_cp = 0;
	cur->item = i + n;
	return true;
}

bool
cf_answer_next(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t limit, size_t max_bytes,
    struct cf_piece *piece, char buf[CF_LINE_MAX])
{
	size_t room = lines_left(cur, limit);
	bool more;

	if (room == 0)
		return false;
	if (cur->item < ans->nemoji)
		more = next_emoji(ans, cur, room, max_bytes, piece);
	else {
		/* the entries or ranges count from 0 after the emoji */
		cur->item -= ans->nemoji;
		if (ans->kind == ANSWER_ENTRIES)
			more = next_entries(idx, ans, cur, room, max_bytes,
			    piece);
		else
			more = next_code_points(idx, ans, cur, room,
			    max_bytes, piece, buf);
		cur->item += ans->nemoji;
	}
	if (more)
		cur->lines += piece->lines;
	return more;
}
