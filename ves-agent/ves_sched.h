/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wall-clock schedule: interval boundaries are multiples of the period since
 * the epoch (10 s: :00, :10, :20, ...), computed from CLOCK_REALTIME and
 * waited for as absolute deadlines, so an interval never drifts: a late
 * wake-up delays one sample, not the ones after it.
 *
 * The clock is dp_real_ns() (dp_time.h). Thread safety: pure functions.
 */
#ifndef VES_SCHED_H
#define VES_SCHED_H

#include <stdint.h>

#include "dp_time.h"

#define VES_NS_PER_S UINT64_C(1000000000)

/* The first boundary strictly after now. */
static inline uint64_t
ves_sched_next(uint64_t now_ns, uint64_t period_ns)
{
	return (now_ns / period_ns + 1) * period_ns;
}

/* The latest boundary at or before now. */
static inline uint64_t
ves_sched_floor(uint64_t now_ns, uint64_t period_ns)
{
	return now_ns / period_ns * period_ns;
}

/* ns since the epoch into an absolute timespec (for CLOCK_REALTIME waits). */
static inline struct timespec
ves_ns_to_timespec(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / VES_NS_PER_S),
		.tv_nsec = (long)(ns % VES_NS_PER_S),
	};

	return ts;
}

#endif /* VES_SCHED_H */
