/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clock readings for control code, the project's one clock_gettime
 * wrapper (no DPDK: mgmt/, ves-agent/ and the controller use it too). The
 * data plane's own time base is dp_clock.h (TSC, anchored to the wall
 * clock).
 */
#ifndef DP_TIME_H
#define DP_TIME_H

#include <stdint.h>
#include <time.h>

/* clock id's time in nanoseconds (CLOCK_MONOTONIC, CLOCK_REALTIME, ...). */
uint64_t dp_time_ns(clockid_t id);

static inline uint64_t
dp_mono_ns(void)
{
	return dp_time_ns(CLOCK_MONOTONIC);
}

/* Wall clock: nanoseconds / milliseconds since the Unix epoch. */
static inline uint64_t
dp_real_ns(void)
{
	return dp_time_ns(CLOCK_REALTIME);
}

static inline uint64_t
dp_real_ms(void)
{
	return dp_real_ns() / 1000000;
}

#endif /* DP_TIME_H */
