/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clock_probe: the probe clock (dataplane/dp_clock.c) against the kernel's
 * CLOCK_REALTIME, for scripts/bench-clock. Runs the clock as the binaries
 * do (dp_clock_init, then dp_clock_discipline() from a control thread every
 * 100 ms) and samples it every --interval-ms: realtime r0, dp_clock_ns(),
 * realtime r1. A sample whose bracket r1 - r0 is wider than 2 us (the
 * thread was interrupted) is taken again. One line per sample on stdout:
 *   REALTIME_NS  DP_CLOCK_MINUS_REALTIME_NS  BRACKET_NS
 * No EAL is needed: the clock only reads the TSC.
 *
 *   clock_probe --duration 600 --interval-ms 10
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dp_clock.h"

#define MAX_BRACKET_NS 2000
#define TRIES 20

static atomic_bool stop;

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

static void *
control(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		dp_clock_discipline();
		sleep_ns(100000000ull);
	}
	return NULL;
}

static int
usage(const char *why)
{
	fprintf(stderr, "clock_probe: %s\nusage: clock_probe --duration SEC [--interval-ms MS]\n", why);
	return 2;
}

int
main(int argc, char **argv)
{
	double duration = 0, interval_ms = 10;
	pthread_t th;
	uint64_t end;
	char *e;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		double v = strtod(argv[i + 1], &e);

		if (*e != '\0' || !(v > 0) || v > 1e6)
			return usage("bad value");
		if (strcmp(argv[i], "--duration") == 0)
			duration = v;
		else if (strcmp(argv[i], "--interval-ms") == 0)
			interval_ms = v;
		else
			return usage("unknown option");
	}
	if (i != argc || duration <= 0)
		return usage("--duration is required");
	dp_clock_init();
	if (pthread_create(&th, NULL, control, NULL) != 0)
		return usage("cannot start the control thread");
	end = dp_mono_ns() + (uint64_t)(duration * 1e9);
	while (dp_mono_ns() < end) {
		uint64_t r0 = 0, r1 = 0, c = 0;
		int t;

		for (t = 0; t < TRIES; t++) {
			r0 = dp_real_ns();
			c = dp_clock_ns();
			r1 = dp_real_ns();
			if (r1 - r0 <= MAX_BRACKET_NS)
				break;
		}
		printf("%llu %lld %llu\n", (unsigned long long)((r0 + r1) / 2),
		       (long long)(c - (r0 + r1) / 2), (unsigned long long)(r1 - r0));
		sleep_ns((uint64_t)(interval_ms * 1e6));
	}
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	return 0;
}
