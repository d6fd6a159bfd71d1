/* SPDX-License-Identifier: BSD-3-Clause */
#include <pthread.h>
#include <time.h>

#include <jansson.h>
#include <rte_cycles.h>

#include "dp_clock.h"

#define BRACKET_TRIES 7		/* keep the tightest of these brackets */
#define INIT_MEASURE_NS 50000000ull	/* first rate estimate over 50 ms */

struct dp_clock dp_clock;
__thread uint64_t dp_clock_last_ns;

/* Owned by the control thread; the lock only guards the status copy. */
static struct dp_clock_disc disc;
static pthread_mutex_t disc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t next_update_mono;

/*
 * Read clock id between two TSC readings; of several tries keep the one
 * with the shortest bracket (least disturbed by an interrupt or a
 * preemption), paired with the bracket's middle.
 */
static struct dp_clock_point
sample_point(clockid_t id)
{
	struct dp_clock_point best = { 0, 0 };
	uint64_t best_width = UINT64_MAX;
	int i;

	for (i = 0; i < BRACKET_TRIES; i++) {
		uint64_t t0 = rte_rdtsc_precise();
		uint64_t ns = dp_time_ns(id);
		uint64_t t1 = rte_rdtsc_precise();

		if (t1 - t0 < best_width) {
			best_width = t1 - t0;
			best.tsc = t0 + (t1 - t0) / 2;
			best.ns = ns;
		}
	}
	return best;
}

static void
take_sample(struct dp_clock_sample *s)
{
	s->mono = sample_point(CLOCK_MONOTONIC);
	s->real = sample_point(CLOCK_REALTIME);
}

static void
publish(const struct dp_clock_seg *seg, double hz)
{
	uint32_t seq = dp_clock.seq;

	__atomic_store_n(&dp_clock.seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&dp_clock.seg.base_tsc, seg->base_tsc, __ATOMIC_RELAXED);
	__atomic_store_n(&dp_clock.seg.base_ns, seg->base_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&dp_clock.seg.mult, seg->mult, __ATOMIC_RELAXED);
	__atomic_store_n(&dp_clock.tsc_hz, (uint64_t)(hz + 0.5), __ATOMIC_RELAXED);
	__atomic_store_n(&dp_clock.seq, seq + 2, __ATOMIC_RELEASE);
}

void
dp_clock_init(void)
{
	struct dp_clock_sample s0, s1;
	struct timespec d = { .tv_sec = 0, .tv_nsec = (long)INIT_MEASURE_NS };
	double hz;

	take_sample(&s0);
	nanosleep(&d, NULL);
	take_sample(&s1);
	hz = (double)(s1.mono.tsc - s0.mono.tsc) * 1e9 / (double)(s1.mono.ns - s0.mono.ns);
	pthread_mutex_lock(&disc_lock);
	dp_clock_disc_start(&disc, &s0, hz, DP_CLOCK_PERIOD_NS);
	/* anchor at the later sample, the rate ring keeps the earlier one */
	disc.seg.base_tsc = s1.real.tsc;
	disc.seg.base_ns = s1.real.ns;
	publish(&disc.seg, disc.hz);
	pthread_mutex_unlock(&disc_lock);
	next_update_mono = s1.mono.ns + DP_CLOCK_PERIOD_NS;
}

void
dp_clock_discipline(void)
{
	struct dp_clock_sample s;

	/* a tenth of a period early is due: the control loop's timer fires just before */
	if (dp_mono_ns() + DP_CLOCK_PERIOD_NS / 10 < next_update_mono)
		return;
	take_sample(&s);
	pthread_mutex_lock(&disc_lock);
	dp_clock_disc_update(&disc, &s);
	publish(&disc.seg, disc.hz);
	pthread_mutex_unlock(&disc_lock);
	next_update_mono = s.mono.ns + DP_CLOCK_PERIOD_NS;
}

void
dp_clock_get_status(struct dp_clock_status *st)
{
	pthread_mutex_lock(&disc_lock);
	st->tsc_hz = disc.hz;
	st->nominal_hz = (double)rte_get_tsc_hz();
	st->offset_ns = disc.offset_ns;
	st->slew_ppm = disc.slew_ppm;
	st->updates = disc.updates;
	st->rate_resets = disc.rate_resets;
	pthread_mutex_unlock(&disc_lock);
}

json_t *
dp_clock_json(void)
{
	struct dp_clock_status st;
	json_t *o = json_object();

	dp_clock_get_status(&st);
	/* the time this JSON was built, for comparison with an outside clock */
	json_object_set_new(o, "now_ns", json_integer((json_int_t)dp_clock_ns()));
	json_object_set_new(o, "tsc_hz", json_real(st.tsc_hz));
	json_object_set_new(o, "nominal_tsc_hz", json_real(st.nominal_hz));
	json_object_set_new(o, "offset_ns", json_integer((json_int_t)st.offset_ns));
	json_object_set_new(o, "slew_ppm", json_real(st.slew_ppm));
	json_object_set_new(o, "updates", json_integer((json_int_t)st.updates));
	json_object_set_new(o, "rate_resets", json_integer((json_int_t)st.rate_resets));
	return o;
}
