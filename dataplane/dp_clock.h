/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Nanosecond clock for the fast path: the TSC, disciplined to
 * CLOCK_REALTIME, so that two processes (vpkg and vsnk) on one host, or on
 * hosts synchronised by NTP/PTP, share the time base of the probe. The TSC
 * rate is measured (DPDK's nominal rte_get_tsc_hz() can be 0.2 % off on a
 * VM): never use rte_get_tsc_hz() for time, use dp_clock_tsc_hz().
 *
 * The control thread calls dp_clock_discipline() (dp_main_loop does); about
 * once a second it publishes a new segment (dp_clock_disc.h) under a
 * sequence count. Readers take no lock and make no syscall; a reader that
 * races with an update retries. Time read by one thread never goes
 * backwards, and its rate never differs from the TSC's measured rate by
 * more than DP_CLOCK_MAX_SLEW_PPM.
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <stdint.h>

#include <jansson.h>
#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "dp_clock_disc.h"
#include "dp_time.h"	/* dp_mono_ns, dp_real_ns */

#define DP_CLOCK_PERIOD_NS 1000000000ull	/* re-anchor once a second */

struct dp_clock {
	/*
	 * Written by the control thread only (dp_clock_init before the workers
	 * start, then dp_clock_discipline); read by every thread with
	 * dp_clock_seg_read(). seq is odd while a write is in progress.
	 */
	uint32_t seq;
	struct dp_clock_seg seg;
	uint64_t tsc_hz;	/* measured TSC rate (Hz), rounded */
};

extern struct dp_clock dp_clock;
/* this thread's last reading: dp_clock_ns() never returns less */
extern __thread uint64_t dp_clock_last_ns;

/* Measure the TSC rate and anchor the clock (main thread, before workers). */
void dp_clock_init(void);

/*
 * Control thread: re-anchor to CLOCK_REALTIME when a period has passed since
 * the last update (cheap otherwise). Call it at least every 100 ms or so.
 */
void dp_clock_discipline(void);

/* What the discipline last saw, for the stats. */
struct dp_clock_status {
	double tsc_hz;		/* measured */
	double nominal_hz;	/* rte_get_tsc_hz(), for comparison only */
	int64_t offset_ns;	/* CLOCK_REALTIME - clock at the last update */
	double slew_ppm;	/* correction in force */
	uint64_t updates;
	uint64_t rate_resets;
};
void dp_clock_get_status(struct dp_clock_status *st);

/* The status and the clock's reading as a JSON object (stats "clock"). */
json_t *dp_clock_json(void);

/* The measured TSC rate, for turning durations into ticks (pacing, timeouts). */
static inline uint64_t
dp_clock_tsc_hz(void)
{
	return __atomic_load_n(&dp_clock.tsc_hz, __ATOMIC_RELAXED);
}

/* The segment in force, read consistently without a lock. */
static inline void
dp_clock_seg_read(struct dp_clock_seg *s)
{
	uint32_t s0, s1;

	do {
		s0 = __atomic_load_n(&dp_clock.seq, __ATOMIC_ACQUIRE);
		s->base_tsc = __atomic_load_n(&dp_clock.seg.base_tsc, __ATOMIC_RELAXED);
		s->base_ns = __atomic_load_n(&dp_clock.seg.base_ns, __ATOMIC_RELAXED);
		s->mult = __atomic_load_n(&dp_clock.seg.mult, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s1 = __atomic_load_n(&dp_clock.seq, __ATOMIC_RELAXED);
	} while (unlikely((s0 & 1) != 0 || s0 != s1));
}

/*
 * The time, in ns since the epoch, of a TSC reading this thread has just
 * taken (readings passed in must not decrease, as rte_rdtsc() does not).
 */
static inline uint64_t
dp_clock_ns_at(uint64_t tsc)
{
	struct dp_clock_seg s;
	uint64_t ns;

	dp_clock_seg_read(&s);
	ns = dp_clock_seg_ns(&s, tsc);
	/* a segment published between two readings may start a few ns lower */
	if (unlikely(ns < dp_clock_last_ns))
		ns = dp_clock_last_ns;
	dp_clock_last_ns = ns;
	return ns;
}

static inline uint64_t
dp_clock_ns(void)
{
	return dp_clock_ns_at(rte_rdtsc());
}

#endif /* DP_CLOCK_H */
