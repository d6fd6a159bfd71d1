/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histogram: bucket edges, merging and quantiles (reader side).
 * lat_hist_bucket() and lat_hist_add() are inline in the header.
 */
#include <stdint.h>

#include "latency_hist.h"

/*
 * Bucket b = g * SUB + m (group g, sub-bucket m). Group 0 holds the values
 * 0 .. SUB - 1, one each; group g >= 1 holds the values whose highest set bit
 * is bit g + SUB_BITS - 1, SUB buckets of width 2^(g - 1) each.
 */
uint64_t
lat_hist_bucket_low(unsigned int b)
{
	unsigned int g, m;

	if (b >= LAT_HIST_BUCKETS)
		b = LAT_HIST_BUCKETS - 1;
	g = b / LAT_HIST_SUB;
	m = b % LAT_HIST_SUB;
	if (g == 0)
		return m;
	return (uint64_t)(LAT_HIST_SUB + m) << (g - 1);
}

uint64_t
lat_hist_bucket_high(unsigned int b)
{
	unsigned int g;

	if (b >= LAT_HIST_BUCKETS)
		b = LAT_HIST_BUCKETS - 1;
	g = b / LAT_HIST_SUB;
	if (g == 0)
		return b;
	return lat_hist_bucket_low(b) + (UINT64_C(1) << (g - 1)) - 1;
}

void
lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	unsigned int i;

	for (i = 0; i < LAT_HIST_BUCKETS; i++)
		dst->count[i] += __atomic_load_n(&src->count[i], __ATOMIC_RELAXED);
}

uint64_t
lat_hist_total(const struct lat_hist *h)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < LAT_HIST_BUCKETS; i++)
		total += __atomic_load_n(&h->count[i], __ATOMIC_RELAXED);
	return total;
}

/*
 * ceil(q * total) in [1, total], without libm. A product that lands a
 * rounding error above an integer (0.07 * 100 = 7.000000000000001) counts
 * as that integer.
 */
static uint64_t
quantile_rank(double q, uint64_t total)
{
	double x = q * (double)total;
	uint64_t rank;

	if (!(x > 0.0))
		return 1;
	if (x >= (double)total)
		return total;
	rank = (uint64_t)x;
	if ((double)rank < x - x * 1e-12)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > total)
		rank = total;
	return rank;
}

uint64_t
lat_hist_quantile(const struct lat_hist *h, double q)
{
	uint32_t count[LAT_HIST_BUCKETS];
	uint64_t total = 0, rank, seen = 0;
	unsigned int i;

	/* one snapshot, so the total and the walk agree */
	for (i = 0; i < LAT_HIST_BUCKETS; i++) {
		count[i] = __atomic_load_n(&h->count[i], __ATOMIC_RELAXED);
		total += count[i];
	}
	if (total == 0)
		return 0;
	rank = quantile_rank(q, total);
	for (i = 0; i < LAT_HIST_BUCKETS; i++) {
		seen += count[i];
		if (seen >= rank)
			return lat_hist_bucket_high(i);
	}
	return lat_hist_bucket_high(LAT_HIST_BUCKETS - 1);
}
