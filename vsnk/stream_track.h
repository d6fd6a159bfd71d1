/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-stream accounting from probe headers: received, lost, duplicated,
 * reordered, latency.
 *
 * Sequence numbers are 32-bit on the wire and extended to 64 bits relative
 * to the highest one seen (signed 32-bit distance), so wrap-around is
 * invisible. A bitmap of the last STREAM_SEQ_WINDOW sequence numbers below
 * the highest tells a duplicate from a late (reordered) packet.
 *
 * Generator restart: a packet whose sequence is below the highest seen but
 * whose tx timestamp is later than every timestamp seen so far cannot be a
 * late or duplicated copy (those carry their original, earlier timestamp):
 * the generator started again. For generators that write no timestamp
 * (tx_ns 0), a jump back beyond the window is taken as a restart; with
 * timestamps, such a packet is a very late one, counted as late and unique
 * (it is too old to tell whether it is a duplicate). The current epoch is
 * closed (its losses kept in lost_closed) and a new one starts.
 *
 * Loss in an epoch = (highest - first + 1) - unique: a packet that arrives
 * late first counts as lost, then no longer does.
 *
 * Thread safety: a stream_state is written by one rx worker (relaxed stores);
 * control threads read it (stream_track_read). With several rx workers, each
 * has its own table; stream_report_add() combines them. The loss figure
 * across workers is exact while a stream's epochs line up across workers
 * (one rx queue per stream, or no generator restart).
 */
#ifndef VSNK_STREAM_TRACK_H
#define VSNK_STREAM_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "latency_hist.h"

#define STREAM_SEQ_WINDOW 1024	/* bits, multiple of 64 */

struct stream_state {
	/* all fields: written by the owning rx worker; read by control threads */
	uint64_t received;	/* probe packets, duplicates included */
	uint64_t bytes;		/* their L2 bytes */
	uint64_t unique;	/* distinct sequence numbers in the current epoch */
	uint64_t duplicates;
	uint64_t reordered;	/* arrived below the highest sequence seen */
	uint64_t lost_closed;	/* lost in epochs closed by a restart */
	uint64_t restarts;	/* generator restarts seen */
	uint64_t first_seq;	/* extended; lowest sequence of the epoch */
	uint64_t highest_seq;	/* extended; highest sequence of the epoch */
	uint64_t max_tx_ns;	/* latest probe timestamp seen */
	uint64_t last_rx_ns;	/* arrival time of the last packet */
	uint64_t lat_min;	/* ns, over packets with rx >= tx */
	uint64_t lat_max;
	uint64_t lat_sum;
	uint64_t lat_count;
	uint64_t lat_negative;	/* packets whose tx time was after the rx time (clock skew) */
	uint64_t window[STREAM_SEQ_WINDOW / 64];	/* ring: bit q % WINDOW: q seen, q in (highest - WINDOW, highest] */
	struct lat_hist hist;
};

/*
 * The owning worker reads its own fields with plain loads (no other thread
 * writes them) and writes them with relaxed atomic stores, so that readers
 * (relaxed loads) never see a torn value.
 */
#define STREAM_TRACK_STORE(field, val) __atomic_store_n(&(field), (val), __ATOMIC_RELAXED)

/*
 * The sequence number part of stream_track_update() for everything but the
 * next number of an open epoch (first packet, gap, duplicate, late packet,
 * restart). received is the count before this packet.
 */
void stream_track_seq_slow(struct stream_state *s, uint32_t seq, uint64_t tx_ns,
		uint64_t received);

/*
 * Account one probe packet of len bytes, received at rx_ns. Inline: it is
 * on the per-packet path; the next sequence number of an open epoch (the
 * common case) is one test and three stores, the rest is out of line.
 */
static inline void
stream_track_update(struct stream_state *s, uint32_t seq, uint64_t tx_ns,
		uint64_t rx_ns, uint32_t len)
{
	uint64_t received = s->received;
	uint64_t hi = s->highest_seq;
	uint64_t lat, next, *w;
	unsigned int p;

	STREAM_TRACK_STORE(s->received, received + 1);
	STREAM_TRACK_STORE(s->bytes, s->bytes + len);
	STREAM_TRACK_STORE(s->last_rx_ns, rx_ns);

	/* tx_ns == 0: a generator that writes no timestamp, no latency */
	if (__builtin_expect(tx_ns != 0, 1)) {
		if (__builtin_expect(rx_ns >= tx_ns, 1)) {
			lat = rx_ns - tx_ns;
			if (lat < s->lat_min || s->lat_count == 0)
				STREAM_TRACK_STORE(s->lat_min, lat);
			if (lat > s->lat_max)
				STREAM_TRACK_STORE(s->lat_max, lat);
			STREAM_TRACK_STORE(s->lat_sum, s->lat_sum + lat);
			STREAM_TRACK_STORE(s->lat_count, s->lat_count + 1);
			lat_hist_add(&s->hist, lat);
		} else {
			STREAM_TRACK_STORE(s->lat_negative, s->lat_negative + 1);
		}
	}

	next = hi + 1;
	/* received == 0: a zeroed state, whose highest_seq means nothing yet */
	if (__builtin_expect(seq == (uint32_t)next && received != 0, 1)) {
		/* ring window: the bit of next is that of next - WINDOW, now out */
		p = (unsigned int)(next % STREAM_SEQ_WINDOW);
		w = &s->window[p / 64];
		STREAM_TRACK_STORE(*w, *w | (UINT64_C(1) << (p % 64)));
		STREAM_TRACK_STORE(s->highest_seq, next);
		STREAM_TRACK_STORE(s->unique, s->unique + 1);
	} else {
		stream_track_seq_slow(s, seq, tx_ns, received);
	}

	if (tx_ns > s->max_tx_ns)
		STREAM_TRACK_STORE(s->max_tx_ns, tx_ns);
}

/* A consistent-enough copy of a state (relaxed loads), for readers. */
void stream_track_read(const struct stream_state *s, struct stream_state *out);

/* Summary of one stream over one or several workers' states. */
struct stream_report {
	uint64_t received;
	uint64_t bytes;
	uint64_t unique;
	uint64_t lost;
	uint64_t duplicates;
	uint64_t reordered;
	uint64_t restarts;
	uint64_t first_seq;
	uint64_t highest_seq;
	uint64_t last_rx_ns;
	uint64_t lat_min, lat_max, lat_avg;	/* ns; 0 when no latency sample */
	uint64_t lat_p50, lat_p99, lat_p999;
	uint64_t lat_negative;
	struct lat_hist hist;
	uint64_t lat_count;	/* latency samples */
	uint64_t lat_sum;	/* ns, over the samples */
	/* private to stream_report_add/finish */
	uint64_t lost_closed;	/* sum of the states' lost_closed */
};

/* Start a report (zeroed). */
void stream_report_init(struct stream_report *r);
/* Add one worker's state of the stream (from stream_track_read) to a report. */
void stream_report_add(struct stream_report *r, const struct stream_state *s);
/* Compute lost, averages and quantiles after the last stream_report_add. */
void stream_report_finish(struct stream_report *r);

#endif /* VSNK_STREAM_TRACK_H */
