/* SPDX-License-Identifier: BSD-3-Clause */
#include "ves_sched.h"

uint64_t
ves_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * VES_NS_PER_S + (uint64_t)ts.tv_nsec;
}
