/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Idle back-off for poll loops (--idle-sleep USEC). With max_us = 0 a worker
 * busy-polls (benchmarks). Otherwise, after DP_IDLE_SPINS empty polls in a
 * row it sleeps, doubling the sleep from 1 us up to max_us; the first
 * non-empty poll returns it to busy polling. The caller makes the sleep (a
 * syscall, but only when there is no packet to handle): dp_engine.h.
 */
#ifndef DP_IDLE_H
#define DP_IDLE_H

#include <stdint.h>

#define DP_IDLE_SPINS 256

struct dp_idle {
	uint32_t max_us;	/* 0 = never sleep */
	uint32_t empty;		/* empty polls in a row */
	uint32_t sleep_us;	/* next sleep */
};

static inline void
dp_idle_init(struct dp_idle *s, uint32_t max_us)
{
	s->max_us = max_us;
	s->empty = 0;
	s->sleep_us = 1;
}

/* A loop that did some work: back to busy polling. */
static inline void
dp_idle_busy(struct dp_idle *s)
{
	s->empty = 0;
	s->sleep_us = 1;
}

/*
 * A loop that did nothing: how long to sleep now (us; 0 = poll again). The
 * caller sleeps (dp_engine_sleep: RCU offline around the syscall).
 */
static inline uint32_t
dp_idle_next(struct dp_idle *s)
{
	uint32_t us;

	if (s->max_us == 0 || ++s->empty < DP_IDLE_SPINS)
		return 0;
	us = s->sleep_us;
	if (s->sleep_us < s->max_us) {
		s->sleep_us *= 2;
		if (s->sleep_us > s->max_us)
			s->sleep_us = s->max_us;
	}
	return us;
}

#endif /* DP_IDLE_H */
