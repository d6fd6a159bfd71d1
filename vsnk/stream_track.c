/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-stream accounting: sequence extension, duplicate/late detection with a
 * sliding bitmap, generator restarts. stream_track_update() (inline in
 * stream_track.h) handles latency and the next sequence number; everything
 * else comes here. Both are on the per-packet path: no allocation, no
 * logging, no syscall. Memory model: see STREAM_TRACK_STORE.
 */
#include <stdint.h>
#include <string.h>

#include "stream_track.h"

#define ST_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define ST_STORE(field, val) STREAM_TRACK_STORE(field, val)
#define ST_LOAD(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

#define WINDOW_WORDS (STREAM_SEQ_WINDOW / 64)
#define SEQ_SPAN (UINT64_C(1) << 32)

_Static_assert(STREAM_SEQ_WINDOW % 64 == 0 && STREAM_SEQ_WINDOW > 0,
		"STREAM_SEQ_WINDOW must be a positive multiple of 64");

/*
 * The window is a ring: extended sequence number q lives at bit q % WINDOW,
 * valid for q in (highest - WINDOW, highest]. Moving up by one is then a
 * single bit set (the bit of highest + 1 - WINDOW falls out by being reused).
 */
static inline void
window_set(uint64_t *w, uint64_t q)
{
	unsigned int p = (unsigned int)(q % STREAM_SEQ_WINDOW);

	ST_STORE(w[p / 64], w[p / 64] | (UINT64_C(1) << (p % 64)));
}

static inline int
window_test(const uint64_t *w, uint64_t q)
{
	unsigned int p = (unsigned int)(q % STREAM_SEQ_WINDOW);

	return (w[p / 64] >> (p % 64)) & 1;
}

/* Window moves up from hi by n >= 1: the numbers in between are unseen. */
static void
window_advance(uint64_t *w, uint64_t hi, uint64_t n)
{
	unsigned int i;
	uint64_t q;

	if (n >= STREAM_SEQ_WINDOW) {
		for (i = 0; i < WINDOW_WORDS; i++)
			ST_STORE(w[i], 0);
	} else {
		for (q = hi + 1; q < hi + n; q++) {
			unsigned int p = (unsigned int)(q % STREAM_SEQ_WINDOW);

			/* whole words at once when aligned */
			if (p % 64 == 0 && hi + n - q >= 64) {
				ST_STORE(w[p / 64], 0);
				q += 63;
				continue;
			}
			ST_STORE(w[p / 64], w[p / 64] & ~(UINT64_C(1) << (p % 64)));
		}
	}
	window_set(w, hi + n);
}

/* A new epoch starting at this packet: its extended sequence is the raw one. */
static void
epoch_start(struct stream_state *s, uint32_t seq)
{
	unsigned int i;

	ST_STORE(s->first_seq, (uint64_t)seq);
	ST_STORE(s->highest_seq, (uint64_t)seq);
	ST_STORE(s->unique, 1);
	for (i = 0; i < WINDOW_WORDS; i++)
		ST_STORE(s->window[i], 0);
	window_set(s->window, seq);
}

/* Everything but the next sequence number of an open epoch. */
void
stream_track_seq_slow(struct stream_state *s, uint32_t seq, uint64_t tx_ns, uint64_t received)
{
	uint64_t hi = s->highest_seq;
	uint64_t first = s->first_seq;
	uint64_t back, span;
	int32_t d;

	if (received == 0) {
		epoch_start(s, seq);
		return;
	}
	d = (int32_t)(seq - (uint32_t)hi);
	if (d > 0) {
		/* ahead: the numbers skipped count as lost until they arrive */
		window_advance(s->window, hi, (uint64_t)d);
		ST_STORE(s->highest_seq, hi + (uint64_t)d);
		ST_STORE(s->unique, s->unique + 1);
		return;
	}
	if (d == 0) {
		ST_STORE(s->duplicates, s->duplicates + 1);
		return;
	}
	back = (uint64_t)(-(int64_t)d);
	if (tx_ns > s->max_tx_ns || (tx_ns == 0 && back >= STREAM_SEQ_WINDOW)) {
		/* generator restart: close the epoch, keep its losses */
		span = hi - first + 1;
		if (span > s->unique)
			ST_STORE(s->lost_closed, s->lost_closed + (span - s->unique));
		ST_STORE(s->restarts, s->restarts + 1);
		epoch_start(s, seq);
		return;
	}
	if (back >= STREAM_SEQ_WINDOW) {
		/*
		 * Older than the window but with its original timestamp: a very
		 * late packet. Whether it is a duplicate cannot be told any more;
		 * it is counted as a late unique packet.
		 */
		ST_STORE(s->unique, s->unique + 1);
		ST_STORE(s->reordered, s->reordered + 1);
		if (back <= hi && hi - back < first)
			ST_STORE(s->first_seq, hi - back);
		return;
	}
	if (window_test(s->window, hi - back)) {
		ST_STORE(s->duplicates, s->duplicates + 1);
		return;
	}
	window_set(s->window, hi - back);
	ST_STORE(s->unique, s->unique + 1);
	ST_STORE(s->reordered, s->reordered + 1);
	if (ST_UNLIKELY(back > hi)) {
		/*
		 * Late packet from before extended 0 (the epoch started just
		 * after a 32-bit wrap): move the epoch up by 2^32, which keeps
		 * every extended value congruent to its raw one.
		 */
		hi += SEQ_SPAN;
		first += SEQ_SPAN;
		ST_STORE(s->highest_seq, hi);
		ST_STORE(s->first_seq, first);
	}
	if (hi - back < first)
		ST_STORE(s->first_seq, hi - back);
}

void
stream_track_read(const struct stream_state *s, struct stream_state *out)
{
	unsigned int i;

	out->received = ST_LOAD(s->received);
	out->bytes = ST_LOAD(s->bytes);
	out->unique = ST_LOAD(s->unique);
	out->duplicates = ST_LOAD(s->duplicates);
	out->reordered = ST_LOAD(s->reordered);
	out->lost_closed = ST_LOAD(s->lost_closed);
	out->restarts = ST_LOAD(s->restarts);
	out->first_seq = ST_LOAD(s->first_seq);
	out->highest_seq = ST_LOAD(s->highest_seq);
	out->max_tx_ns = ST_LOAD(s->max_tx_ns);
	out->last_rx_ns = ST_LOAD(s->last_rx_ns);
	out->lat_min = ST_LOAD(s->lat_min);
	out->lat_max = ST_LOAD(s->lat_max);
	out->lat_sum = ST_LOAD(s->lat_sum);
	out->lat_count = ST_LOAD(s->lat_count);
	out->lat_negative = ST_LOAD(s->lat_negative);
	for (i = 0; i < WINDOW_WORDS; i++)
		out->window[i] = ST_LOAD(s->window[i]);
	for (i = 0; i < LAT_HIST_BUCKETS; i++)
		out->hist.count[i] = ST_LOAD(s->hist.count[i]);
}

void
stream_report_init(struct stream_report *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * Each worker extends sequence numbers on its own, from the first packet it
 * saw: two workers may disagree by a multiple of 2^32 (one started before a
 * wrap, the other after). Bring s's epoch into the report's frame (first
 * sequence numbers of one epoch are less than 2^31 apart).
 */
static void
report_add_range(struct stream_report *r, uint64_t first, uint64_t highest)
{
	int32_t d;
	uint64_t shift;

	if (r->received == 0) {
		r->first_seq = first;
		r->highest_seq = highest;
		return;
	}
	d = (int32_t)((uint32_t)first - (uint32_t)r->first_seq);
	if (d < 0 && (uint64_t)(-(int64_t)d) > r->first_seq) {
		/* s starts below extended 0 in the report's frame */
		r->first_seq += SEQ_SPAN;
		r->highest_seq += SEQ_SPAN;
	}
	shift = r->first_seq + (uint64_t)(int64_t)d - first;	/* modulo 2^64 */
	first += shift;
	highest += shift;
	if (first < r->first_seq)
		r->first_seq = first;
	if (highest > r->highest_seq)
		r->highest_seq = highest;
}

void
stream_report_add(struct stream_report *r, const struct stream_state *s)
{
	if (s->received == 0)
		return;
	report_add_range(r, s->first_seq, s->highest_seq);
	if (s->lat_count != 0) {
		if (r->lat_count == 0 || s->lat_min < r->lat_min)
			r->lat_min = s->lat_min;
		if (s->lat_max > r->lat_max)
			r->lat_max = s->lat_max;
	}
	if (s->last_rx_ns > r->last_rx_ns)
		r->last_rx_ns = s->last_rx_ns;
	r->received += s->received;
	r->bytes += s->bytes;
	r->unique += s->unique;
	r->duplicates += s->duplicates;
	r->reordered += s->reordered;
	r->restarts += s->restarts;
	r->lost_closed += s->lost_closed;
	r->lat_count += s->lat_count;
	r->lat_sum += s->lat_sum;
	r->lat_negative += s->lat_negative;
	lat_hist_merge(&r->hist, &s->hist);
}

void
stream_report_finish(struct stream_report *r)
{
	uint64_t span;

	r->lost = r->lost_closed;
	if (r->received != 0) {
		span = r->highest_seq - r->first_seq + 1;
		if (span > r->unique)
			r->lost += span - r->unique;
	}
	if (r->lat_count != 0) {
		r->lat_avg = (r->lat_sum + r->lat_count / 2) / r->lat_count;
		r->lat_p50 = lat_hist_quantile(&r->hist, 0.5);
		r->lat_p99 = lat_hist_quantile(&r->hist, 0.99);
		r->lat_p999 = lat_hist_quantile(&r->hist, 0.999);
		/* a quantile is its bucket's high edge: never report it above the max */
		r->lat_p50 = r->lat_p50 > r->lat_max ? r->lat_max : r->lat_p50;
		r->lat_p99 = r->lat_p99 > r->lat_max ? r->lat_max : r->lat_p99;
		r->lat_p999 = r->lat_p999 > r->lat_max ? r->lat_max : r->lat_p999;
	} else {
		r->lat_min = r->lat_max = r->lat_avg = 0;
		r->lat_p50 = r->lat_p99 = r->lat_p999 = 0;
	}
}
