/*
 * histogram.h: latencies in nanoseconds, in log-linear buckets (64 per
 * power of two, so a percentile is within 1.6% of the truth), in fixed
 * memory however long the run.
 */
#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#include <stdint.h>

#define HISTOGRAM_BUCKETS	(57 * 64 + 128)

struct histogram {
	uint64_t	count[HISTOGRAM_BUCKETS];
	uint64_t	total;
	uint64_t	max;
};

void histogram_record(struct histogram *, uint64_t ns);
/* The value below which a fraction p (0 .. 1) of the samples lie. */
uint64_t histogram_percentile(const struct histogram *, double p);

#endif
