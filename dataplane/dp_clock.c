/* SPDX-License-Identifier: BSD-3-Clause */
#include <time.h>

#include <rte_cycles.h>

#include "dp_clock.h"

struct dp_clock dp_clock;

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
dp_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Measure the TSC against CLOCK_MONOTONIC over ms milliseconds. */
static uint64_t
measure_tsc_hz(unsigned int ms)
{
	uint64_t t0 = dp_mono_ns(), c0 = rte_rdtsc();
	struct timespec d = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000 };
	uint64_t t1, c1;

	nanosleep(&d, NULL);
	t1 = dp_mono_ns();
	c1 = rte_rdtsc();
	return (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));
}

void
dp_clock_init(uint64_t tsc_hz)
{
	if (tsc_hz == 0)
		tsc_hz = measure_tsc_hz(20);
	dp_clock.tsc_hz = tsc_hz;
	dp_clock.mult = (uint64_t)(((__uint128_t)1000000000ull << DP_CLOCK_SHIFT) / tsc_hz);
	/* sample the pair back to back so the anchor error is one syscall */
	dp_clock.base_tsc = rte_rdtsc();
	dp_clock.base_ns = clock_ns(CLOCK_REALTIME);
}
