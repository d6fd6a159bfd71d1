/* SPDX-License-Identifier: BSD-3-Clause */
/* Clock readings for control code (dp_time.h). */
#include "dp_time.h"

uint64_t
dp_time_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
