/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of vpkg/pace.h: the deadline schedule, on a simulated TSC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pace.h"

#define HZ 2500000000ull	/* a 2.5 GHz TSC */
#define MS (HZ / 1000)

static struct vpkg_sched *s;

static int
setup(void **state)
{
	(void)state;
	s = calloc(1, sizeof(*s));
	vpkg_sched_reset(s, MS);	/* max lag 1 ms */
	return s == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	free(s);
	return 0;
}

static void
set_pace(uint32_t idx, double pps, uint64_t limit, uint64_t end)
{
	struct vpkg_pace *p = &s->pace[idx];

	vpkg_gap_from_pps(HZ, pps, &p->gap, &p->gap_frac);
	p->paced = pps > 0;
	p->remaining = limit;
	p->end = end;
}

/* 10 pps: one packet every 100 ms, never a burst. */
static void
test_low_rate_spacing(void **state)
{
	uint32_t out[32];
	uint64_t t, last = 0;
	unsigned int sent = 0;
	uint16_t n;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 10, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 0, 0);
	/* poll every 10 us for 1 s */
	for (t = 0; t < HZ; t += HZ / 100000) {
		n = vpkg_sched_due(s, t, 32, out);
		assert_true(n <= 1);
		if (n == 1) {
			if (sent > 0) {
				uint64_t gap = t - last;

				assert_true(gap >= 100 * MS - HZ / 100000 && gap <= 100 * MS + HZ / 100000);
			}
			last = t;
			sent++;
		}
	}
	assert_int_equal(sent, 10);
}

/* 10 Mpps on a 2.5 GHz TSC: 250 cycles apart, exact over time; bursts bounded by max. */
static void
test_high_rate_exact(void **state)
{
	uint32_t out[32];
	uint64_t t, total = 0;
	uint16_t n;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 10e6, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 0, 0);
	for (t = 0; t < HZ / 10; t += 1000) {	/* a loop every 400 ns */
		n = vpkg_sched_due(s, t, 32, out);
		assert_true(n <= 32);
		total += n;
	}
	/* packets due in [0, 0.1 s): 1e6, within one loop's worth */
	assert_true(total >= 1000000 - 4 && total <= 1000000 + 4);
	/* a gap with a fraction: 3 Mpps = 833.33 cycles; 3e6 packets in 1 s exactly */
	vpkg_sched_reset(s, 10 * MS);
	set_pace(0, 3e6, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 0, 0);
	total = 0;
	for (t = 0; t < HZ; t += 5000)
		total += vpkg_sched_due(s, t, 512, out);
	assert_true(total >= 3000000 - 8 && total <= 3000000 + 8);
}

/* After a stall, at most max_lag of debt is sent, not the whole stall. */
static void
test_stall_bounded(void **state)
{
	uint32_t out[512];
	uint64_t total = 0, t, skips0 = s->skips;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 1e6, VPKG_NO_LIMIT, UINT64_MAX);	/* 1 per us */
	vpkg_sched_add(s, 0, 0, 0);
	assert_int_equal(vpkg_sched_due(s, 0, 512, out), 1);
	/* stall 100 ms: 100000 packets of debt; max lag 1 ms = 1000 */
	t = 100 * MS;
	for (;;) {
		uint16_t n = vpkg_sched_due(s, t, 512, out);

		if (n == 0)
			break;
		total += n;
	}
	assert_true(total >= 1000 && total <= 1002);
	assert_int_equal(s->skips, skips0 + 1);
	/* and then back on the grid */
	assert_int_equal(vpkg_sched_due(s, t + HZ / 1000000, 512, out), 1);
}

/* A slow stream keeps its grid through a stall shorter than its gap, then sends at most 2. */
static void
test_stall_slow_stream(void **state)
{
	uint32_t out[32];
	uint64_t skips0 = s->skips;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 10, VPKG_NO_LIMIT, UINT64_MAX);	/* 100 ms gap */
	vpkg_sched_add(s, 0, 0, 0);
	assert_int_equal(vpkg_sched_due(s, 0, 32, out), 1);
	/* 30 ms late: sent, grid kept */
	assert_int_equal(vpkg_sched_due(s, 130 * MS, 32, out), 1);
	assert_true(vpkg_sched_next(s) == 200 * MS);
	assert_int_equal(s->skips, skips0);
	/* stalled 350 ms past the 200 ms deadline: two back to back, then 100 ms on */
	assert_int_equal(vpkg_sched_due(s, 550 * MS, 32, out), 2);
	assert_int_equal(s->skips, skips0 + 1);
	assert_true(vpkg_sched_next(s) == 650 * MS);
}

/* Several streams come out in deadline order. */
static void
test_time_order(void **state)
{
	uint32_t out[64];
	unsigned int count[3] = { 0, 0, 0 };
	uint64_t t;
	uint16_t n, i;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 100, VPKG_NO_LIMIT, UINT64_MAX);
	set_pace(1, 200, VPKG_NO_LIMIT, UINT64_MAX);
	set_pace(2, 400, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 3 * MS, 0);
	vpkg_sched_add(s, 1, 1 * MS, 0);
	vpkg_sched_add(s, 2, 2 * MS, 0);
	n = vpkg_sched_due(s, 3 * MS, 64, out);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[2], 0);
	for (t = 3 * MS + 1; t <= HZ + 3 * MS; t += MS / 10) {
		n = vpkg_sched_due(s, t, 64, out);
		for (i = 0; i < n; i++)
			count[out[i]]++;
	}
	assert_true(count[0] >= 99 && count[0] <= 101);
	assert_true(count[1] >= 199 && count[1] <= 201);
	assert_true(count[2] >= 399 && count[2] <= 401);
}

/* Limits: packet count and end time; finished streams are reported once. */
static void
test_limits(void **state)
{
	uint32_t out[64];
	uint64_t t, sent0 = 0, sent1 = 0;
	uint16_t n, i;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 1000, 5, UINT64_MAX);
	set_pace(1, 1000, VPKG_NO_LIMIT, 10 * MS);
	vpkg_sched_add(s, 0, 0, 0);
	vpkg_sched_add(s, 1, 0, 0);
	for (t = 0; t < 100 * MS; t += MS / 4) {
		n = vpkg_sched_due(s, t, 64, out);
		for (i = 0; i < n; i++) {
			if (out[i] == 0)
				sent0++;
			else
				sent1++;
		}
	}
	assert_int_equal(sent0, 5);
	assert_int_equal(sent1, 10);	/* deadlines 0..9 ms */
	assert_int_equal(s->nb_finished, 2);
	assert_int_equal(s->n, 0);
	assert_true(vpkg_sched_next(s) == UINT64_MAX);
}

/* A new gap applies from the next deadline. */
static void
test_rate_change(void **state)
{
	uint32_t out[8];

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 10, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 0, 0);
	assert_int_equal(vpkg_sched_due(s, 0, 8, out), 1);
	assert_true(vpkg_sched_next(s) == 100 * MS);
	set_pace(0, 1000, VPKG_NO_LIMIT, UINT64_MAX);	/* the worker does this at resync */
	assert_int_equal(vpkg_sched_due(s, 50 * MS, 8, out), 0);
	assert_int_equal(vpkg_sched_due(s, 100 * MS, 8, out), 1);
	assert_true(vpkg_sched_next(s) == 101 * MS);
}

/*
 * The worker's re-base at a rate change: the next packet follows the last one
 * by the new gap, or goes now when that time has passed.
 */
static void
test_rebase(void **state)
{
	uint64_t old_gap, new_gap, d;
	uint32_t old_frac, new_frac, f;

	(void)state;
	vpkg_gap_from_pps(HZ, 10, &old_gap, &old_frac);		/* 100 ms */
	vpkg_gap_from_pps(HZ, 1000, &new_gap, &new_frac);	/* 1 ms */
	/* last packet at 100 ms, pending at 200 ms, change at 130 ms: next at 130 ms (now) */
	d = 200 * MS;
	f = 0;
	vpkg_rebase_deadline(&d, &f, old_gap, old_frac, new_gap, new_frac, 130 * MS);
	assert_true(d == 130 * MS && f == 0);
	/* change at 100.4 ms: 101 ms, one new gap after the last packet */
	d = 200 * MS;
	f = 0;
	vpkg_rebase_deadline(&d, &f, old_gap, old_frac, new_gap, new_frac, 100 * MS + MS / 2);
	assert_true(d == 101 * MS);
	/* slowing down: 1 ms -> 100 ms, last at 10 ms, pending at 11 ms: next at 110 ms */
	d = 11 * MS;
	f = 0;
	vpkg_rebase_deadline(&d, &f, new_gap, new_frac, old_gap, old_frac, 10 * MS + 10);
	assert_true(d == 110 * MS);
	/* fractions carry: 3 Mpps (gap 333.33 cycles) to 1 Mpps (1000 cycles) */
	vpkg_gap_from_pps(HZ, 3e6, &old_gap, &old_frac);
	vpkg_gap_from_pps(HZ, 1e6, &new_gap, &new_frac);
	d = 1000 + old_gap;
	f = old_frac;
	vpkg_rebase_deadline(&d, &f, old_gap, old_frac, new_gap, new_frac, 0);
	assert_true(d == 1000 + new_gap && f == new_frac);
}

/* Unpaced streams fill the burst, one stream per burst, after the paced ones. */
static void
test_unpaced(void **state)
{
	uint32_t out[32];
	uint16_t n, i;

	(void)state;
	vpkg_sched_reset(s, MS);
	set_pace(0, 0, VPKG_NO_LIMIT, UINT64_MAX);
	set_pace(1, 0, 40, UINT64_MAX);
	set_pace(2, 10, VPKG_NO_LIMIT, UINT64_MAX);
	vpkg_sched_add(s, 0, 0, 0);
	vpkg_sched_add(s, 1, 0, 0);
	vpkg_sched_add(s, 2, 0, 0);
	assert_true(vpkg_sched_next(s) == 0);
	n = vpkg_sched_due(s, 0, 32, out);
	assert_int_equal(n, 32);
	assert_int_equal(out[0], 2);
	for (i = 1; i < 32; i++)
		assert_int_equal(out[i], out[1]);
	n = vpkg_sched_due(s, 1, 32, out);
	assert_int_equal(n, 32);
	/* stream 1 has 40 packets: it ends and the other unpaced one fills */
	n = vpkg_sched_due(s, 2, 32, out);
	n = vpkg_sched_due(s, 3, 32, out);
	assert_int_equal(n, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_low_rate_spacing),
		cmocka_unit_test(test_high_rate_exact),
		cmocka_unit_test(test_stall_bounded),
		cmocka_unit_test(test_stall_slow_stream),
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_rate_change),
		cmocka_unit_test(test_rebase),
		cmocka_unit_test(test_unpaced),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
