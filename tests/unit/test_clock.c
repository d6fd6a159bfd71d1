/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The clock discipline (dataplane/dp_clock_disc.c) driven by a simulated
 * host: a TSC whose real rate is 0.5 % away from the first estimate (as
 * DPDK's nominal rate was on an AMD VM, only larger), clock readings with
 * jitter, updates that come late, and a CLOCK_REALTIME that steps by +1 s
 * and -1 s. Checked: the clock converges to CLOCK_REALTIME, never goes
 * backwards, and its rate never leaves the slew bound.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dp_clock_disc.h"

#define NS 1000000000ull
#define TRUE_HZ 2096022000.0		/* the TSC's real rate */
#define EPOCH_NS 1796000000000000000ull	/* CLOCK_REALTIME at simulated t = 0 */
#define JITTER_NS 200			/* each clock reading is off by up to this */

struct host {
	uint64_t tsc0;
	int64_t real_step_ns;		/* CLOCK_REALTIME - true time, beyond the epoch */
	uint64_t rng;
};

static uint64_t
rnd(struct host *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static int64_t
jitter(struct host *h)
{
	return (int64_t)(rnd(h) % (2 * JITTER_NS + 1)) - JITTER_NS;
}

static uint64_t
tsc_at(const struct host *h, uint64_t t_ns)
{
	return h->tsc0 + (uint64_t)llround((double)t_ns * TRUE_HZ / 1e9);
}

static uint64_t
real_at(const struct host *h, uint64_t t_ns)
{
	return EPOCH_NS + t_ns + (uint64_t)h->real_step_ns;
}

static void
sample_at(struct host *h, uint64_t t_ns, struct dp_clock_sample *s)
{
	s->mono.tsc = tsc_at(h, t_ns);
	s->mono.ns = (uint64_t)((int64_t)t_ns + 5 * NS + jitter(h));
	s->real.tsc = tsc_at(h, t_ns + 300);
	s->real.ns = (uint64_t)((int64_t)real_at(h, t_ns + 300) + jitter(h));
}

struct check {
	uint64_t last_clock, last_t;
	bool have_last;
	double min_rate, max_rate;
	uint64_t backwards;
};

/* Read the clock at true time t (readings in increasing t). */
static int64_t
read_at(struct host *h, const struct dp_clock_disc *d, struct check *c, uint64_t t)
{
	uint64_t clk = dp_clock_seg_ns(&d->seg, tsc_at(h, t));

	if (c->have_last) {
		if (clk < c->last_clock)
			c->backwards++;
		if (t - c->last_t >= 1000000) {
			double rate = (double)(clk - c->last_clock) / (double)(t - c->last_t);

			c->min_rate = fmin(c->min_rate, rate);
			c->max_rate = fmax(c->max_rate, rate);
		}
	}
	c->last_clock = clk;
	c->last_t = t;
	c->have_last = true;
	return (int64_t)(clk - real_at(h, t));
}

/*
 * Run the simulated host from t0 to t1 (ns): an update every period (100 ms
 * late now and then, 3 s late once a minute), 10 readings in between.
 * Returns the largest |clock - CLOCK_REALTIME| seen after t_settled.
 */
static int64_t
run(struct host *h, struct dp_clock_disc *d, struct check *c, uint64_t *t,
    uint64_t t_end, uint64_t t_settled)
{
	int64_t worst = 0;

	while (*t < t_end) {
		uint64_t gap = NS + (rnd(h) % 4 == 0 ? 100000000ull : 0);
		struct dp_clock_sample s;
		uint64_t i;

		if (*t % (60 * NS) < NS)
			gap = 3 * NS;
		for (i = 1; i <= 10; i++) {
			uint64_t tr = *t + gap * i / 11;
			int64_t err = read_at(h, d, c, tr);

			if (tr >= t_settled && llabs(err) > worst)
				worst = llabs(err);
		}
		*t += gap;
		sample_at(h, *t, &s);
		read_at(h, d, c, *t + 299);	/* just before the new segment's base */
		dp_clock_disc_update(d, &s);
		read_at(h, d, c, *t + 301);	/* just after */
	}
	return worst;
}

static void
start(struct host *h, struct dp_clock_disc *d, struct check *c, double hz0)
{
	struct dp_clock_sample s;

	h->tsc0 = 123456789012345ull;
	h->real_step_ns = 0;
	h->rng = 0x9e3779b97f4a7c15ull;
	sample_at(h, 0, &s);
	dp_clock_disc_start(d, &s, hz0, NS);
	c->have_last = false;
	c->min_rate = 1e9;
	c->max_rate = 0;
	c->backwards = 0;
}

static void
check_rate_bound(const struct check *c)
{
	double bound = DP_CLOCK_MAX_SLEW_PPM * 1e-6;

	assert_true(c->min_rate >= 1.0 - bound - 1e-4);
	assert_true(c->max_rate <= 1.0 + bound + 1e-4);
	assert_int_equal(c->backwards, 0);
}

/* A first rate estimate 0.5 % off: the clock follows CLOCK_REALTIME anyway. */
static void
test_converges_from_wrong_rate(void **state)
{
	struct host h;
	struct dp_clock_disc d;
	struct check c;
	uint64_t t = 0;
	int64_t worst;

	(void)state;
	start(&h, &d, &c, TRUE_HZ * 1.005);
	worst = run(&h, &d, &c, &t, 300 * NS, 30 * NS);
	/* after 30 s, within 2 us of CLOCK_REALTIME (readings jitter by 0.2 us) */
	assert_true(worst < 2000);
	assert_true(fabs(d.hz / TRUE_HZ - 1.0) < 1e-6);
	check_rate_bound(&c);
}

/* With the wrong nominal rate and no discipline, the error grows: 0.5 % of the run. */
static void
test_undisciplined_drifts(void **state)
{
	struct host h;
	struct dp_clock_disc d;
	struct check c;
	int64_t err;

	(void)state;
	start(&h, &d, &c, TRUE_HZ * 1.005);
	err = read_at(&h, &d, &c, 10 * NS);
	assert_true(llabs(err) > 40000000);	/* ~50 ms after 10 s */
}

/* CLOCK_REALTIME steps by +1 s, then -1 s: slewed away, never stepped. */
static void
test_realtime_steps_are_slewed(void **state)
{
	struct host h;
	struct dp_clock_disc d;
	struct check c;
	uint64_t t = 0;
	int64_t worst, err;

	(void)state;
	start(&h, &d, &c, TRUE_HZ * 0.995);
	run(&h, &d, &c, &t, 60 * NS, 60 * NS);
	h.real_step_ns = (int64_t)NS;
	/* right after the step the clock is still 1 s behind: no jump */
	err = read_at(&h, &d, &c, t + 1000);
	assert_true(err < -(int64_t)NS + 10000);
	worst = run(&h, &d, &c, &t, 180 * NS, 150 * NS);
	assert_true(worst < 2000);
	check_rate_bound(&c);
	h.real_step_ns = 0;
	err = read_at(&h, &d, &c, t + 1000);
	assert_true(err > (int64_t)NS - 10000);
	worst = run(&h, &d, &c, &t, 300 * NS, 270 * NS);
	assert_true(worst < 2000);
	check_rate_bound(&c);
	assert_true(c.min_rate < 0.96 && c.max_rate > 1.04);	/* it did slew at the bound */
}

/* The TSC going backwards (migration) restarts the rate measurement. */
static void
test_tsc_backwards_resets_rate(void **state)
{
	struct host h;
	struct dp_clock_disc d;
	struct check c;
	struct dp_clock_sample s;
	uint64_t t = 0;

	(void)state;
	start(&h, &d, &c, TRUE_HZ);
	run(&h, &d, &c, &t, 5 * NS, 5 * NS);
	sample_at(&h, t + NS, &s);
	s.mono.tsc = 1000;
	s.real.tsc = 1300;
	dp_clock_disc_update(&d, &s);
	assert_int_equal(d.rate_resets, 1);
	assert_true(fabs(d.hz / TRUE_HZ - 1.0) < 1e-5);	/* the last good rate stays */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges_from_wrong_rate),
		cmocka_unit_test(test_undisciplined_drifts),
		cmocka_unit_test(test_realtime_steps_are_slewed),
		cmocka_unit_test(test_tsc_backwards_resets_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
