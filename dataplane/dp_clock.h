/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Nanosecond clock for the fast path: the TSC scaled to ns and anchored to
 * CLOCK_REALTIME at start-up, so that two processes (vpkg and vsnk) on one
 * host, or on hosts synchronised by PTP, share the time base of the probe.
 * No syscall per call.
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <stdint.h>

#include <rte_cycles.h>

struct dp_clock {
	/* written: dp_clock_init (main, before workers start); read: all */
	uint64_t base_tsc;
	uint64_t base_ns;
	uint64_t tsc_hz;
	uint64_t mult;		/* ns per tsc, fixed point << DP_CLOCK_SHIFT */
};

#define DP_CLOCK_SHIFT 32

extern struct dp_clock dp_clock;

/* Anchor the clock (after rte_eal_init, or with tsc_hz=0 to measure it). */
void dp_clock_init(uint64_t tsc_hz);

static inline uint64_t
dp_clock_tsc_to_ns(uint64_t tsc)
{
	uint64_t d = tsc - dp_clock.base_tsc;

	return dp_clock.base_ns + (uint64_t)(((__uint128_t)d * dp_clock.mult) >> DP_CLOCK_SHIFT);
}

static inline uint64_t
dp_clock_ns(void)
{
	return dp_clock_tsc_to_ns(rte_rdtsc());
}

/* CLOCK_MONOTONIC in ns (control threads). */
uint64_t dp_mono_ns(void);

#endif /* DP_CLOCK_H */
