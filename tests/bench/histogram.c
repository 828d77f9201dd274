/*
 * histogram.c: values below 128 have a bucket each; above, a value whose
 * highest bit is b falls in one of 64 buckets of width 2^(b - 6).
 */
#include "histogram.h"

static unsigned int
bucket_of(uint64_t v)
{
	unsigned int shift;

	if (v < 128)
		return v;
	shift = 63 - __builtin_clzll(v) - 6;
	return shift * 64 + (unsigned int)(v >> shift);
}

/* The middle of a bucket: the value a percentile reports. */
static uint64_t
value_of(unsigned int bucket)
{
	unsigned int shift;
	uint64_t low;

	if (bucket < 128)
		return bucket;
	shift = bucket / 64 - 1;
	low = (uint64_t)(bucket - shift * 64) << shift;
	return low + ((1ULL << shift) >> 1);
}

void
histogram_record(struct histogram *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->total++;
	if (ns > h->max)
		h->max = ns;
}

uint64_t
histogram_percentile(const struct histogram *h, double p)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)(p * (double)h->total);
	if (rank >= h->total)
		rank = h->total - 1;
	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		seen += h->count[i];
		if (seen > rank)
			return value_of(i) < h->max ? value_of(i) : h->max;
	}
	return h->max;
}
