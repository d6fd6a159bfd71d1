/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histogram, log-linear (HDR style): for a value v in ns, the bucket
 * is chosen by the position of v's highest set bit and the next
 * LAT_HIST_SUB_BITS bits, so every bucket is at most 1/2^SUB_BITS wide
 * relative to its value (about 6 %), from 0 ns to 2^LAT_HIST_MAX_EXP ns
 * (values above land in the last bucket). Adding is a few instructions.
 *
 * Thread safety: one writer (the rx worker owning it), readers copy with
 * relaxed loads (a histogram read while written may be off by the packets
 * of that instant, never torn per bucket).
 */
#ifndef VSNK_LATENCY_HIST_H
#define VSNK_LATENCY_HIST_H

#include <stdint.h>

#define LAT_HIST_SUB_BITS 4
#define LAT_HIST_SUB (1u << LAT_HIST_SUB_BITS)
#define LAT_HIST_MAX_EXP 40	/* 2^40 ns ~ 18 minutes */
#define LAT_HIST_BUCKETS ((LAT_HIST_MAX_EXP - LAT_HIST_SUB_BITS + 1) * LAT_HIST_SUB)

struct lat_hist {
	uint32_t count[LAT_HIST_BUCKETS];	/* written: owner; read: control */
};

/*
 * Bucket index of a value (inline: it is on the per-packet path).
 * Values below 2^SUB_BITS get one bucket each. Above, with e the position of
 * the highest set bit, the bucket is (e - SUB_BITS + 1) * SUB plus the
 * SUB_BITS bits after the leading one. With s = max(e, SUB_BITS) - SUB_BITS
 * both cases are s * SUB + (ns >> s), since ns >> s is then below 2 * SUB.
 * Values from 2^LAT_HIST_MAX_EXP up land in the last bucket.
 */
static inline unsigned int
lat_hist_bucket(uint64_t ns)
{
	unsigned int s = 63u - (unsigned int)__builtin_clzll(ns | LAT_HIST_SUB) - LAT_HIST_SUB_BITS;
	uint64_t b = (uint64_t)s * LAT_HIST_SUB + (ns >> s);

	return b < LAT_HIST_BUCKETS ? (unsigned int)b : LAT_HIST_BUCKETS - 1;
}

/* Lowest and highest value (inclusive) that fall in bucket b. */
uint64_t lat_hist_bucket_low(unsigned int b);
uint64_t lat_hist_bucket_high(unsigned int b);

static inline void
lat_hist_add(struct lat_hist *h, uint64_t ns)
{
	uint32_t *c = &h->count[lat_hist_bucket(ns)];

	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* dst += src (reader side, relaxed loads of src). */
void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src);

/* Total number of values. */
uint64_t lat_hist_total(const struct lat_hist *h);

/*
 * The value at quantile q (0 < q <= 1): the high edge of the bucket holding
 * the ceil(q * total)-th smallest value (an upper bound, within a bucket
 * width of the true value). 0 when empty.
 */
uint64_t lat_hist_quantile(const struct lat_hist *h, double q);

#endif /* VSNK_LATENCY_HIST_H */
