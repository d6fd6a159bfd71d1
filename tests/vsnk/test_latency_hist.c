/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of vsnk/latency_hist: bucket edges, width bound, quantiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "latency_hist.h"

#define LAST_BUCKET (LAT_HIST_BUCKETS - 1)
#define MAX_VALUE ((UINT64_C(1) << LAT_HIST_MAX_EXP) - 1)

static struct lat_hist *
hist_new(void)
{
	struct lat_hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

static uint64_t
bucket_high_of(uint64_t v)
{
	return lat_hist_bucket_high(lat_hist_bucket(v));
}

/* Below 2^(SUB_BITS + 1) every value has a bucket of its own. */
static void
test_small_values_exact(void **state)
{
	uint64_t v;

	(void)state;
	for (v = 0; v < 2 * LAT_HIST_SUB; v++) {
		assert_int_equal(lat_hist_bucket(v), v);
		assert_int_equal(lat_hist_bucket_low((unsigned int)v), v);
		assert_int_equal(lat_hist_bucket_high((unsigned int)v), v);
	}
	/* the first bucket of width 2 */
	assert_int_equal(lat_hist_bucket(32), 32);
	assert_int_equal(lat_hist_bucket(33), 32);
	assert_int_equal(lat_hist_bucket(34), 33);
	assert_int_equal(lat_hist_bucket_high(32), 33);
}

/* Edges: from 0, contiguous, each bucket maps back to itself. */
static void
test_edges_contiguous(void **state)
{
	unsigned int b;

	(void)state;
	assert_int_equal(lat_hist_bucket_low(0), 0);
	for (b = 0; b < LAT_HIST_BUCKETS; b++) {
		uint64_t lo = lat_hist_bucket_low(b);
		uint64_t hi = lat_hist_bucket_high(b);

		assert_true(lo <= hi);
		assert_int_equal(lat_hist_bucket(lo), b);
		assert_int_equal(lat_hist_bucket(hi), b);
		if (b + 1 < LAT_HIST_BUCKETS) {
			assert_int_equal(lat_hist_bucket_low(b + 1), hi + 1);
			assert_true(lat_hist_bucket_high(b + 1) > hi);
		}
	}
	assert_int_equal(lat_hist_bucket_high(LAST_BUCKET), MAX_VALUE);
}

/* Every bucket above the exact range is at most 1/SUB of its low edge wide. */
static void
test_relative_width(void **state)
{
	unsigned int b;

	(void)state;
	for (b = 0; b < LAT_HIST_BUCKETS; b++) {
		uint64_t lo = lat_hist_bucket_low(b);
		uint64_t width = lat_hist_bucket_high(b) - lo + 1;

		if (lo < LAT_HIST_SUB)
			assert_int_equal(width, 1);
		else
			assert_true(width * LAT_HIST_SUB <= lo);
	}
}

/* bucket() is monotonic and the value lies within its bucket's edges. */
static void
test_bucket_monotonic(void **state)
{
	unsigned int prev = 0, b;
	uint64_t v;
	int e;

	(void)state;
	for (v = 0; v < 200000; v++) {
		b = lat_hist_bucket(v);
		assert_true(b >= prev);
		assert_true(b <= prev + 1);
		assert_true(lat_hist_bucket_low(b) <= v);
		assert_true(lat_hist_bucket_high(b) >= v);
		prev = b;
	}
	/* around every power of two */
	prev = 0;
	for (e = 1; e < 64; e++) {
		uint64_t p = UINT64_C(1) << e;
		uint64_t vals[3] = { p - 1, p, p + 1 };
		int i;

		for (i = 0; i < 3; i++) {
			b = lat_hist_bucket(vals[i]);
			assert_true(b >= prev);
			assert_true(b < LAT_HIST_BUCKETS);
			if (vals[i] <= MAX_VALUE) {
				assert_true(lat_hist_bucket_low(b) <= vals[i]);
				assert_true(lat_hist_bucket_high(b) >= vals[i]);
			}
			prev = b;
		}
	}
}

static void
test_clamp(void **state)
{
	(void)state;
	assert_int_equal(lat_hist_bucket(MAX_VALUE), LAST_BUCKET);
	assert_int_equal(lat_hist_bucket(MAX_VALUE + 1), LAST_BUCKET);
	assert_int_equal(lat_hist_bucket(UINT64_C(1) << 50), LAST_BUCKET);
	assert_int_equal(lat_hist_bucket(UINT64_MAX), LAST_BUCKET);
	assert_true(lat_hist_bucket(MAX_VALUE / 2) < LAST_BUCKET);
}

static void
test_add_total_merge(void **state)
{
	struct lat_hist *a = hist_new(), *b = hist_new();
	unsigned int b_top;
	uint64_t v, n;

	(void)state;
	assert_int_equal(lat_hist_total(a), 0);
	for (v = 0; v < 1000; v++)
		lat_hist_add(a, v * 37);
	for (v = 0; v < 500; v++)
		lat_hist_add(b, v);
	assert_int_equal(lat_hist_total(a), 1000);
	assert_int_equal(lat_hist_total(b), 500);
	/* the top bucket holds exactly the values within its edges */
	b_top = lat_hist_bucket(37 * 999);
	for (v = 0, n = 0; v < 1000; v++)
		n += v * 37 >= lat_hist_bucket_low(b_top) && v * 37 <= lat_hist_bucket_high(b_top);
	assert_true(n > 1);
	assert_int_equal(a->count[b_top], n);
	lat_hist_merge(a, b);
	assert_int_equal(lat_hist_total(a), 1500);
	assert_int_equal(lat_hist_total(b), 500);
	/* value 0 was added once to each */
	assert_int_equal(a->count[0], 2);
	free(a);
	free(b);
}

static void
test_quantile_empty(void **state)
{
	struct lat_hist *h = hist_new();

	(void)state;
	assert_int_equal(lat_hist_quantile(h, 0.5), 0);
	assert_int_equal(lat_hist_quantile(h, 1.0), 0);
	free(h);
}

/* Values in the exact range give exact quantiles; ranks are ceil(q * n). */
static void
test_quantile_exact(void **state)
{
	struct lat_hist *h = hist_new();
	int i;

	(void)state;
	/* 7 x 3 ns, 93 x 9 ns */
	for (i = 0; i < 7; i++)
		lat_hist_add(h, 3);
	for (i = 0; i < 93; i++)
		lat_hist_add(h, 9);
	assert_int_equal(lat_hist_quantile(h, 0.01), 3);
	/* 0.07 * 100 is 7.000000000000001 in binary: still rank 7 */
	assert_int_equal(lat_hist_quantile(h, 0.07), 3);
	assert_int_equal(lat_hist_quantile(h, 0.071), 9);
	assert_int_equal(lat_hist_quantile(h, 0.08), 9);
	assert_int_equal(lat_hist_quantile(h, 0.5), 9);
	assert_int_equal(lat_hist_quantile(h, 1.0), 9);
	/* a tiny q is the smallest value */
	assert_int_equal(lat_hist_quantile(h, 1e-9), 3);
	free(h);
}

/* 1..1000 once each: quantile q is the high edge of the bucket of q*1000. */
static void
test_quantile_uniform(void **state)
{
	struct lat_hist *h = hist_new();
	uint64_t v;

	(void)state;
	for (v = 1; v <= 1000; v++)
		lat_hist_add(h, v);
	assert_int_equal(lat_hist_quantile(h, 0.5), bucket_high_of(500));
	assert_int_equal(lat_hist_quantile(h, 0.99), bucket_high_of(990));
	assert_int_equal(lat_hist_quantile(h, 0.999), bucket_high_of(999));
	assert_int_equal(lat_hist_quantile(h, 1.0), bucket_high_of(1000));
	assert_int_equal(lat_hist_quantile(h, 0.001), 1);
	/* an upper bound within a bucket width */
	assert_true(lat_hist_quantile(h, 0.5) >= 500);
	assert_true(lat_hist_quantile(h, 0.5) - 500 <= 500 / LAT_HIST_SUB);
	assert_true(lat_hist_quantile(h, 0.99) >= 990);
	assert_true(lat_hist_quantile(h, 0.99) - 990 <= 990 / LAT_HIST_SUB);
	free(h);
}

/* 99 % at 10 us, 0.9 % at 200 us, 0.1 % at 5 ms. */
static void
test_quantile_tail(void **state)
{
	struct lat_hist *h = hist_new();
	int i;

	(void)state;
	for (i = 0; i < 9900; i++)
		lat_hist_add(h, 10000);
	for (i = 0; i < 90; i++)
		lat_hist_add(h, 200000);
	for (i = 0; i < 10; i++)
		lat_hist_add(h, 5000000);
	assert_int_equal(lat_hist_quantile(h, 0.5), bucket_high_of(10000));
	assert_int_equal(lat_hist_quantile(h, 0.99), bucket_high_of(10000));
	assert_int_equal(lat_hist_quantile(h, 0.999), bucket_high_of(200000));
	assert_int_equal(lat_hist_quantile(h, 0.9991), bucket_high_of(5000000));
	assert_int_equal(lat_hist_quantile(h, 1.0), bucket_high_of(5000000));
	/* values beyond the range saturate at the last edge */
	lat_hist_add(h, UINT64_C(1) << 45);
	assert_int_equal(lat_hist_quantile(h, 1.0), MAX_VALUE);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_edges_contiguous),
		cmocka_unit_test(test_relative_width),
		cmocka_unit_test(test_bucket_monotonic),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_add_total_merge),
		cmocka_unit_test(test_quantile_empty),
		cmocka_unit_test(test_quantile_exact),
		cmocka_unit_test(test_quantile_uniform),
		cmocka_unit_test(test_quantile_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
