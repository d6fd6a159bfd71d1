/* SPDX-License-Identifier: BSD-3-Clause */
/* Pacing schedule: set-up (the per-packet part is inline in pace.h). */
#include <math.h>
#include <string.h>

#include "pace.h"

void
vpkg_gap_from_pps(uint64_t tsc_hz, double pps, uint64_t *gap, uint32_t *gap_frac)
{
	long double g, ip;

	if (!(pps > 0)) {
		*gap = 0;
		*gap_frac = 0;
		return;
	}
	g = (long double)tsc_hz / (long double)pps;
	ip = floorl(g);
	*gap = (uint64_t)ip;
	*gap_frac = (uint32_t)((g - ip) * 4294967296.0L);
}

void
vpkg_sched_reset(struct vpkg_sched *s, uint64_t max_lag)
{
	s->n = 0;
	s->nb_unpaced = 0;
	s->rr = 0;
	s->nb_finished = 0;
	s->max_lag = max_lag;
}

static void
sift_up(struct vpkg_sched *s, uint32_t i)
{
	struct vpkg_sched_ent e = s->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (s->heap[parent].deadline <= e.deadline)
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = e;
}

void
vpkg_sched_add(struct vpkg_sched *s, uint32_t idx, uint64_t deadline, uint32_t frac)
{
	struct vpkg_pace *p = &s->pace[idx];

	p->lag = p->gap > s->max_lag ? p->gap : s->max_lag;
	if (!p->paced) {
		s->unpaced[s->nb_unpaced++] = idx;
		return;
	}
	s->heap[s->n] = (struct vpkg_sched_ent){ .deadline = deadline, .frac = frac, .idx = idx };
	sift_up(s, s->n);
	s->n++;
}
