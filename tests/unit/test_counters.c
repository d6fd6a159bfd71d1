/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/dp_counters.c: per-lcore blocks summed by readers,
 * concurrent single writers, the reset request consumed by the owner.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dp_counters.h"

#define TEST_COUNTERS(X) \
	X(alpha, "first") \
	X(beta, "second") \
	X(gamma, "third")

static const struct dp_counter_desc desc[] = { TEST_COUNTERS(DP_CTR_DESC) };

static void
test_sum_across_lcores(void **state)
{
	struct dp_counters *c = dp_counters_create(desc, 3, 4);
	uint64_t out[3];
	unsigned int l;

	(void)state;
	assert_non_null(c);
	for (l = 0; l < RTE_MAX_LCORE; l++) {
		uint64_t *b = dp_counters_lcore(c, l);

		dp_ctr_add(&b[dp_counters_index(c, 2, 1)], l + 1);
		dp_ctr_add(&b[dp_counters_index(c, 3, 2)], 1);
	}
	assert_int_equal(dp_counters_sum(c, 2, 1), RTE_MAX_LCORE * (RTE_MAX_LCORE + 1) / 2);
	assert_int_equal(dp_counters_sum(c, 2, 0), 0);
	assert_int_equal(dp_counters_sum(c, 1, 1), 0);
	dp_counters_sum_slot(c, 3, out);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], RTE_MAX_LCORE);
	assert_int_equal(dp_counters_find(c, "gamma"), 2);
	assert_int_equal(dp_counters_find(c, "delta"), -1);
	/* blocks are cache-line aligned: no two writers share a line */
	assert_int_equal((uintptr_t)dp_counters_lcore(c, 1) % RTE_CACHE_LINE_SIZE, 0);
	dp_counters_free(c);
}

struct writer {
	struct dp_counters *c;
	unsigned int lcore;
	uint64_t n;
};

static void *
writer_thread(void *arg)
{
	struct writer *w = arg;
	uint64_t *b = dp_counters_lcore(w->c, w->lcore);
	uint64_t i;

	for (i = 0; i < w->n; i++)
		dp_ctr_add(&b[dp_counters_index(w->c, 0, 0)], 1);
	return NULL;
}

/* Several single writers at once: the sum is exact once they are done. */
static void
test_concurrent_writers(void **state)
{
	struct dp_counters *c = dp_counters_create(desc, 3, 1);
	struct writer w[4];
	pthread_t t[4];
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		w[i] = (struct writer){ c, i * 3, 1000000 + i };
		assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &w[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(dp_counters_sum(c, 0, 0), 4000006);
	dp_counters_free(c);
}

static void
test_reset_by_owner(void **state)
{
	struct dp_counters *c = dp_counters_create(desc, 3, 2);
	uint64_t *b5 = dp_counters_lcore(c, 5), *b6 = dp_counters_lcore(c, 6);

	(void)state;
	dp_ctr_add(&b5[dp_counters_index(c, 1, 0)], 10);
	dp_ctr_add(&b6[dp_counters_index(c, 1, 0)], 20);
	dp_counters_request_reset(c);
	/* nothing changes until the owner consumes the request */
	assert_int_equal(dp_counters_sum(c, 1, 0), 30);
	dp_counters_poll_reset(c, 5);
	assert_int_equal(dp_counters_sum(c, 1, 0), 20);
	dp_counters_poll_reset(c, 6);
	assert_int_equal(dp_counters_sum(c, 1, 0), 0);
	/* a consumed request is not applied twice */
	dp_ctr_add(&b5[dp_counters_index(c, 1, 0)], 3);
	dp_counters_poll_reset(c, 5);
	assert_int_equal(dp_counters_sum(c, 1, 0), 3);
	dp_counters_free(c);
}

static void
test_bad_create(void **state)
{
	(void)state;
	assert_null(dp_counters_create(desc, 0, 1));
	assert_null(dp_counters_create(desc, 3, 0));
	dp_counters_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum_across_lcores),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_reset_by_owner),
		cmocka_unit_test(test_bad_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
