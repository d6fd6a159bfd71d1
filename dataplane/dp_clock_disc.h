/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The discipline of the probe clock, as pure arithmetic on samples (no
 * DPDK, no syscall), so that a unit test can drive it with a simulated TSC
 * and a simulated CLOCK_REALTIME.
 *
 * The clock is piecewise linear in the TSC: one segment maps
 *   ns(tsc) = base_ns + (tsc - base_tsc) * mult / 2^32.
 * At every update (about once a second) the control thread samples the TSC
 * against CLOCK_MONOTONIC (for the rate: it never steps, and follows NTP's
 * frequency corrections) and CLOCK_REALTIME (for the offset), and starts a
 * new segment where the old one is at that instant (so the clock is
 * continuous), with a rate that removes half of the offset to
 * CLOCK_REALTIME within one period. The rate never differs from the
 * measured TSC rate by more than DP_CLOCK_MAX_SLEW_PPM: the clock never
 * steps, a step of CLOCK_REALTIME (settimeofday, an NTP step) is slewed
 * away (1 s in about 20 s at 5 %).
 */
#ifndef DP_CLOCK_DISC_H
#define DP_CLOCK_DISC_H

#include <stdint.h>

#define DP_CLOCK_SHIFT 32
#define DP_CLOCK_RATE_POINTS 16		/* the rate is measured over up to 16 periods */
#define DP_CLOCK_MAX_SLEW_PPM 50000	/* 5 %: bound of the correction rate */

/* One linear segment of the tsc -> ns map. */
struct dp_clock_seg {
	uint64_t base_tsc;
	uint64_t base_ns;
	uint64_t mult;		/* ns per tsc tick << DP_CLOCK_SHIFT */
};

/* A clock reading paired with the TSC at the middle of its bracket. */
struct dp_clock_point {
	uint64_t tsc;
	uint64_t ns;
};

struct dp_clock_sample {
	struct dp_clock_point mono;	/* CLOCK_MONOTONIC: rate */
	struct dp_clock_point real;	/* CLOCK_REALTIME: offset */
};

/* The discipline's state; one owner (the control thread). */
struct dp_clock_disc {
	struct dp_clock_point rate_pts[DP_CLOCK_RATE_POINTS];	/* ring of CLOCK_MONOTONIC points */
	unsigned int rate_n;		/* points held */
	unsigned int rate_next;		/* slot of the next point */
	double hz;			/* TSC rate measured against CLOCK_MONOTONIC */
	uint64_t period_ns;		/* expected time between updates */
	struct dp_clock_seg seg;	/* the segment in force */
	int64_t offset_ns;		/* CLOCK_REALTIME - clock, at the last update */
	double slew_ppm;		/* correction applied by the segment in force */
	uint64_t updates;
	uint64_t rate_resets;		/* TSC or CLOCK_MONOTONIC went backwards */
};

/* The clock at tsc on segment s (tsc may precede the segment's base). */
static inline uint64_t
dp_clock_seg_ns(const struct dp_clock_seg *s, uint64_t tsc)
{
	int64_t d = (int64_t)(tsc - s->base_tsc);
	__int128 x = (__int128)d * (__int128)s->mult;

	return s->base_ns + (uint64_t)(int64_t)(x >> DP_CLOCK_SHIFT);
}

/*
 * Start the discipline at sample s with a first rate estimate hz (from a
 * short measurement); the first segment is anchored at s.real.
 */
void dp_clock_disc_start(struct dp_clock_disc *d, const struct dp_clock_sample *s,
			 double hz, uint64_t period_ns);

/* Take sample s (taken after the previous one); d->seg is the new segment. */
void dp_clock_disc_update(struct dp_clock_disc *d, const struct dp_clock_sample *s);

/* The segment's multiplier for a rate hz corrected by slew (fraction, e.g. 1e-6). */
uint64_t dp_clock_mult(double hz, double slew);

#endif /* DP_CLOCK_DISC_H */
