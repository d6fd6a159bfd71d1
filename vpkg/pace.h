/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pacing: a time-ordered schedule of TSC deadlines per tx worker (a binary
 * min-heap, as TRex does). Every paced stream has its next deadline; a
 * stream is due when its deadline is <= now, and each packet moves its
 * deadline by one gap (cycles + a 32-bit fraction, so 10 Mpps on a 2.5 GHz
 * TSC is exact over time). 10 pps is one packet every 100 ms, never a burst
 * every 3.2 s; a high rate yields up to one burst of due packets per loop.
 *
 * Debt is bounded: a stream found late by more than its lag bound (the
 * worker stalled) has its deadline pulled up to now - bound, so it catches up
 * at most bound worth of packets, not the whole stall. The bound is
 * max(max_lag, one gap): a slow stream keeps its grid through stalls shorter
 * than its gap and then sends at most two packets back to back.
 *
 * Unpaced streams (rate "max") are not in the heap: they fill what is left
 * of each burst, one stream per burst, round-robin.
 *
 * A new gap (rate change) applies from the next deadline: the pending one is
 * kept by the schedule. The worker re-bases it when it installs a table with
 * a new gap (vpkg_rebase_deadline): the next packet then follows the last one
 * by the new gap, so a stream sped up from 10 pps does not wait out the rest
 * of its old 100 ms gap.
 *
 * Thread safety: one schedule per worker, used by that worker only (and by
 * the unit tests).
 */
#ifndef VPKG_PACE_H
#define VPKG_PACE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "spec.h"

#define VPKG_NO_LIMIT UINT64_MAX

struct vpkg_sched_ent {
	uint64_t deadline;	/* TSC */
	uint32_t frac;		/* fraction of a cycle, << 32 */
	uint32_t idx;		/* the stream's index in the worker's local list */
};

struct vpkg_pace {
	uint64_t gap;		/* cycles between packets, integer part */
	uint32_t gap_frac;	/* fraction of a cycle, << 32 */
	uint8_t paced;		/* 0: unpaced ("max") */
	uint64_t remaining;	/* packets still to send; VPKG_NO_LIMIT */
	uint64_t end;		/* no packet due at or after this TSC; UINT64_MAX */
	uint64_t lag;		/* debt bound in cycles (set by vpkg_sched_add) */
};

/* Written and read by its worker only. */
struct vpkg_sched {
	uint32_t n;		/* entries in the heap */
	uint32_t nb_unpaced;
	uint32_t rr;		/* next unpaced stream */
	uint32_t nb_finished;	/* streams that reached their limit since the last clear */
	uint64_t max_lag;	/* cycles */
	uint64_t skips;		/* deadlines pulled up after a stall */
	uint32_t finished[VPKG_MAX_STREAMS];
	uint32_t unpaced[VPKG_MAX_STREAMS];
	struct vpkg_sched_ent heap[VPKG_MAX_STREAMS];
	struct vpkg_pace pace[VPKG_MAX_STREAMS];	/* by local index */
};

/* Gap of a rate in TSC cycles (integer part and 32-bit fraction). */
void vpkg_gap_from_pps(uint64_t tsc_hz, double pps, uint64_t *gap, uint32_t *gap_frac);

/*
 * Rate change of a running stream: (deadline, frac) is its pending deadline
 * under the old gap. Make it the last packet's deadline plus the new gap, or
 * now when that time has passed (no catch-up burst at a change).
 */
static inline void
vpkg_rebase_deadline(uint64_t *deadline, uint32_t *frac, uint64_t old_gap, uint32_t old_frac,
		uint64_t new_gap, uint32_t new_frac, uint64_t now)
{
	__uint128_t d = ((__uint128_t)*deadline << 32) | *frac;
	__uint128_t og = ((__uint128_t)old_gap << 32) | old_frac;
	__uint128_t ng = ((__uint128_t)new_gap << 32) | new_frac;
	__uint128_t n = (__uint128_t)now << 32;

	d = (d > og ? d - og : 0) + ng;
	if (d < n)
		d = n;
	*deadline = (uint64_t)(d >> 32);
	*frac = (uint32_t)d;
}

/* Empty the schedule. */
void vpkg_sched_reset(struct vpkg_sched *s, uint64_t max_lag);

/* Add local stream idx (its pace[] gap, limits set), first due at deadline. */
void vpkg_sched_add(struct vpkg_sched *s, uint32_t idx, uint64_t deadline, uint32_t frac);

/* Earliest deadline, now-or-earlier (0) when an unpaced stream is active, UINT64_MAX if none. */
static inline uint64_t
vpkg_sched_next(const struct vpkg_sched *s)
{
	if (s->nb_unpaced > 0)
		return 0;
	return s->n > 0 ? s->heap[0].deadline : UINT64_MAX;
}

static inline void
vpkg_sched_sift_down(struct vpkg_sched *s, uint32_t i)
{
	struct vpkg_sched_ent e = s->heap[i];
	uint32_t n = s->n;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && s->heap[c + 1].deadline < s->heap[c].deadline)
			c++;
		if (s->heap[c].deadline >= e.deadline)
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	s->heap[i] = e;
}

static inline void
vpkg_sched_pop(struct vpkg_sched *s)
{
	s->heap[0] = s->heap[--s->n];
	if (s->n > 1)
		vpkg_sched_sift_down(s, 0);
}

/*
 * The streams due at now, in deadline order, at most max packets: the local
 * index of the stream of each packet goes to out[]. Streams that reach their
 * packet count or duration leave the schedule and are listed in finished[].
 */
static inline uint16_t
vpkg_sched_due(struct vpkg_sched *s, uint64_t now, uint16_t max, uint32_t *out)
{
	uint16_t n = 0;

	while (n < max && s->n > 0) {
		struct vpkg_sched_ent *e = &s->heap[0];
		struct vpkg_pace *p;
		uint64_t f;

		if (e->deadline > now)
			break;
		p = &s->pace[e->idx];
		if (unlikely(p->remaining == 0 || e->deadline >= p->end)) {
			s->finished[s->nb_finished++] = e->idx;
			vpkg_sched_pop(s);
			continue;
		}
		if (unlikely(now - e->deadline > p->lag)) {
			e->deadline = now - p->lag;
			e->frac = 0;
			s->skips++;
		}
		out[n++] = e->idx;
		p->remaining--;
		f = (uint64_t)e->frac + p->gap_frac;
		e->deadline += p->gap + (f >> 32);
		e->frac = (uint32_t)f;
		if (unlikely(p->remaining == 0 || e->deadline >= p->end)) {
			s->finished[s->nb_finished++] = e->idx;
			vpkg_sched_pop(s);
		} else if (s->n > 1) {
			vpkg_sched_sift_down(s, 0);
		}
	}
	while (n < max && s->nb_unpaced > 0) {
		uint32_t idx, take;
		struct vpkg_pace *p;

		if (s->rr >= s->nb_unpaced)
			s->rr = 0;
		idx = s->unpaced[s->rr];
		p = &s->pace[idx];
		if (unlikely(p->remaining == 0 || now >= p->end)) {
			s->finished[s->nb_finished++] = idx;
			s->unpaced[s->rr] = s->unpaced[--s->nb_unpaced];
			continue;
		}
		take = max - n;
		if (p->remaining < take)
			take = (uint32_t)p->remaining;
		p->remaining -= take;
		while (take-- > 0)
			out[n++] = idx;
		s->rr++;
		if (p->remaining > 0)
			break;	/* one unpaced stream per burst */
	}
	return n;
}

#endif /* VPKG_PACE_H */
