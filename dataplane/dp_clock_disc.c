/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dp_clock_disc.h"

uint64_t
dp_clock_mult(double hz, double slew)
{
	long double m = (1e9L / (long double)hz) * (1.0L + (long double)slew);

	return (uint64_t)(m * (long double)(1ull << DP_CLOCK_SHIFT) + 0.5L);
}

static void
rate_reset(struct dp_clock_disc *d, const struct dp_clock_point *p)
{
	d->rate_pts[0] = *p;
	d->rate_n = 1;
	d->rate_next = 1 % DP_CLOCK_RATE_POINTS;
}

/* Add a CLOCK_MONOTONIC point; measure the rate over the oldest one held. */
static void
rate_update(struct dp_clock_disc *d, const struct dp_clock_point *p)
{
	unsigned int oldest = d->rate_n < DP_CLOCK_RATE_POINTS ? 0 : d->rate_next;
	const struct dp_clock_point *o = &d->rate_pts[oldest];
	const struct dp_clock_point *last =
		&d->rate_pts[(d->rate_next + DP_CLOCK_RATE_POINTS - 1) % DP_CLOCK_RATE_POINTS];

	if (d->rate_n == 0) {
		rate_reset(d, p);
		return;
	}
	if (p->tsc <= last->tsc || p->ns <= last->ns) {
		/* the TSC or the clock went backwards (migration, resume): start over */
		d->rate_resets++;
		rate_reset(d, p);
		return;
	}
	d->hz = (double)(p->tsc - o->tsc) * 1e9 / (double)(p->ns - o->ns);
	d->rate_pts[d->rate_next] = *p;
	d->rate_next = (d->rate_next + 1) % DP_CLOCK_RATE_POINTS;
	if (d->rate_n < DP_CLOCK_RATE_POINTS)
		d->rate_n++;
}

void
dp_clock_disc_start(struct dp_clock_disc *d, const struct dp_clock_sample *s,
		    double hz, uint64_t period_ns)
{
	memset(d, 0, sizeof(*d));
	d->hz = hz;
	d->period_ns = period_ns;
	rate_reset(d, &s->mono);
	d->seg.base_tsc = s->real.tsc;
	d->seg.base_ns = s->real.ns;
	d->seg.mult = dp_clock_mult(hz, 0);
}

void
dp_clock_disc_update(struct dp_clock_disc *d, const struct dp_clock_sample *s)
{
	const double max_slew = DP_CLOCK_MAX_SLEW_PPM * 1e-6;
	uint64_t now = dp_clock_seg_ns(&d->seg, s->real.tsc);
	double slew;

	rate_update(d, &s->mono);
	d->offset_ns = (int64_t)(s->real.ns - now);
	/*
	 * Remove half the offset over the next period: a gain below one keeps
	 * the loop stable when an update comes late (up to 4 periods).
	 */
	slew = (double)d->offset_ns / (2.0 * (double)d->period_ns);
	if (slew > max_slew)
		slew = max_slew;
	else if (slew < -max_slew)
		slew = -max_slew;
	d->slew_ppm = slew * 1e6;
	d->seg.base_tsc = s->real.tsc;
	d->seg.base_ns = now;
	d->seg.mult = dp_clock_mult(d->hz, slew);
	d->updates++;
}
