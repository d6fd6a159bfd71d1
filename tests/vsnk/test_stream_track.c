/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of vsnk/stream_track: loss, duplicates, reordering, sequence
 * wrap-around, generator restarts, merging workers, latency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stream_track.h"

#define LEN 64
#define LAT 500		/* ns, default latency of feed() */

static struct stream_state *
state_new(void)
{
	struct stream_state *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

/* A packet sent at tx_ns, received LAT ns later. */
static void
feed_tx(struct stream_state *s, uint32_t seq, uint64_t tx_ns)
{
	stream_track_update(s, seq, tx_ns, tx_ns + LAT, LEN);
}

/* A packet whose timestamp follows its sequence number (in-order sending). */
static void
feed(struct stream_state *s, uint32_t seq)
{
	feed_tx(s, seq, 1000000 + (uint64_t)seq * 100);
}

static void
feed_range(struct stream_state *s, uint32_t from, uint32_t to)
{
	uint32_t seq = from;

	for (;;) {
		feed(s, seq);
		if (seq == to)
			break;
		seq++;
	}
}

/* The report of one or two workers' states (either may be NULL). */
static void
report_of(struct stream_report *r, const struct stream_state *a,
		const struct stream_state *b)
{
	struct stream_state *copy = state_new();

	stream_report_init(r);
	if (a != NULL) {
		stream_track_read(a, copy);
		stream_report_add(r, copy);
	}
	if (b != NULL) {
		stream_track_read(b, copy);
		stream_report_add(r, copy);
	}
	stream_report_finish(r);
	free(copy);
}

static uint64_t
lost_of(const struct stream_state *s)
{
	struct stream_report r;

	report_of(&r, s, NULL);
	return r.lost;
}

static void
test_in_order(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;

	(void)state;
	feed_range(s, 0, 9999);
	assert_int_equal(s->received, 10000);
	assert_int_equal(s->bytes, 10000 * LEN);
	assert_int_equal(s->unique, 10000);
	assert_int_equal(s->duplicates, 0);
	assert_int_equal(s->reordered, 0);
	assert_int_equal(s->restarts, 0);
	assert_int_equal(s->first_seq, 0);
	assert_int_equal(s->highest_seq, 9999);
	report_of(&r, s, NULL);
	assert_int_equal(r.received, 10000);
	assert_int_equal(r.unique, 10000);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.first_seq, 0);
	assert_int_equal(r.highest_seq, 9999);
	assert_int_equal(r.last_rx_ns, 1000000 + 9999 * 100 + LAT);
	free(s);
}

/* A zeroed state's first packet is seq 1 (looks like highest + 1). */
static void
test_first_packet_not_zero(void **state)
{
	struct stream_state *s = state_new();

	(void)state;
	feed_range(s, 1, 100);
	assert_int_equal(s->first_seq, 1);
	assert_int_equal(s->highest_seq, 100);
	assert_int_equal(s->unique, 100);
	assert_int_equal(lost_of(s), 0);
	free(s);

	s = state_new();
	feed_range(s, 123456, 123460);
	assert_int_equal(s->first_seq, 123456);
	assert_int_equal(lost_of(s), 0);
	free(s);
}

static void
test_gaps(void **state)
{
	struct stream_state *s = state_new();
	uint32_t seq;

	(void)state;
	/* 0..99 without 10, 20..22, 50..59: 14 lost */
	for (seq = 0; seq < 100; seq++) {
		if (seq == 10 || (seq >= 20 && seq <= 22) || (seq >= 50 && seq <= 59))
			continue;
		feed(s, seq);
	}
	assert_int_equal(s->unique, 86);
	assert_int_equal(lost_of(s), 14);
	/* a jump beyond the window: 100..4999 lost */
	feed(s, 5000);
	assert_int_equal(s->highest_seq, 5000);
	assert_int_equal(lost_of(s), 14 + 4900);
	/* a late one within the window of the new highest */
	feed_tx(s, 4500, 1);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(lost_of(s), 14 + 4899);
	assert_int_equal(s->duplicates, 0);
	assert_int_equal(s->restarts, 0);
	free(s);
}

static void
test_duplicates(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;

	(void)state;
	feed_range(s, 0, 99);
	feed(s, 99);		/* the highest itself */
	feed(s, 98);
	feed(s, 50);
	feed(s, 0);		/* the oldest, 99 back */
	feed(s, 99);
	assert_int_equal(s->received, 105);
	assert_int_equal(s->unique, 100);
	assert_int_equal(s->duplicates, 5);
	assert_int_equal(s->reordered, 0);
	assert_int_equal(s->restarts, 0);
	assert_int_equal(s->first_seq, 0);
	assert_int_equal(lost_of(s), 0);

	/* a late packet, then its duplicate: reordered once, duplicate once */
	feed_range(s, 101, 110);
	assert_int_equal(lost_of(s), 1);
	feed(s, 100);
	feed(s, 100);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(s->duplicates, 6);
	assert_int_equal(s->unique, 111);
	report_of(&r, s, NULL);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.duplicates, 6);
	assert_int_equal(r.received, 117);
	free(s);
}

/* Duplicates at the edges of the window after long in-order runs. */
static void
test_window_edge(void **state)
{
	struct stream_state *s = state_new();

	(void)state;
	feed_range(s, 0, 2047);
	feed(s, 2047 - (STREAM_SEQ_WINDOW - 1));	/* oldest bit of the window */
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->restarts, 0);
	feed(s, 2047 - 64);
	feed(s, 2047 - 63);
	feed(s, 2047 - 65);
	assert_int_equal(s->duplicates, 4);
	assert_int_equal(s->restarts, 0);
	/* one further back with its original (old) timestamp: a very late packet */
	feed_tx(s, 2047 - STREAM_SEQ_WINDOW, 1);
	assert_int_equal(s->restarts, 0);
	assert_int_equal(s->duplicates, 4);
	assert_int_equal(s->reordered, 1);
	/* the same jump without a timestamp: taken as a restart */
	feed_tx(s, 2047 - STREAM_SEQ_WINDOW, 0);
	assert_int_equal(s->restarts, 1);
	assert_int_equal(s->lost_closed, 0);
	free(s);
}

/* A single packet more than a window late, with its old timestamp, is not a restart. */
static void
test_very_late_packet(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;

	(void)state;
	feed_range(s, 0, 499);
	feed_range(s, 501, 2000);
	feed_tx(s, 500, 1000000 + 500 * 100);	/* its original timestamp (see feed()) */
	feed_range(s, 2001, 2010);
	report_of(&r, s, NULL);
	assert_int_equal(r.restarts, 0);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.unique, 2011);
	assert_int_equal(r.reordered, 1);
	free(s);
}

static void
test_reordering(void **state)
{
	struct stream_state *s = state_new();

	(void)state;
	feed_range(s, 0, 9);
	feed(s, 11);
	feed(s, 12);
	assert_int_equal(lost_of(s), 1);
	feed(s, 10);
	assert_int_equal(lost_of(s), 0);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(s->highest_seq, 12);
	/* swapped pairs: 14 13 16 15 ... */
	for (uint32_t seq = 13; seq < 113; seq += 2) {
		feed(s, seq + 1);
		feed(s, seq);
	}
	assert_int_equal(s->reordered, 51);
	assert_int_equal(s->duplicates, 0);
	assert_int_equal(s->unique, 113);
	assert_int_equal(s->highest_seq, 112);
	assert_int_equal(lost_of(s), 0);
	/* a late packet far back in the window, sent long ago */
	feed_range(s, 114, 1000);
	assert_int_equal(lost_of(s), 1);
	feed(s, 113);
	assert_int_equal(lost_of(s), 0);
	assert_int_equal(s->reordered, 52);
	assert_int_equal(s->restarts, 0);
	free(s);
}

/* 0xfffffff0 .. 0x10 across 2^32, a gap and a duplicate across the wrap. */
static void
test_wrap_around(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;
	uint32_t seq = 0xfffffff0u;

	(void)state;
	for (;;) {
		if (seq != 0x2 && seq != 0xfffffffe)
			feed_tx(s, seq, 1000 + (uint32_t)(seq + 0x10));
		if (seq == 0x3)
			feed_tx(s, 0xffffffffu, 1000 + 0xf);	/* duplicate, 4 back */
		if (seq == 0x5)
			feed_tx(s, 0xfffffffeu, 1000 + 0xe);	/* late, 7 back */
		if (seq == 0x10)
			break;
		seq++;
	}
	/* 33 numbers, 0x2 lost */
	assert_int_equal(s->first_seq, 0xfffffff0u);
	assert_int_equal(s->highest_seq, UINT64_C(0x100000010));
	assert_int_equal(s->received, 33);
	assert_int_equal(s->unique, 32);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(s->restarts, 0);
	report_of(&r, s, NULL);
	assert_int_equal(r.lost, 1);
	assert_int_equal(r.highest_seq - r.first_seq + 1, 33);
	free(s);
}

/* Epoch starts right after a wrap, then a late packet from before it. */
static void
test_late_before_zero(void **state)
{
	struct stream_state *s = state_new();

	(void)state;
	feed_tx(s, 2, 300);
	feed_tx(s, 3, 400);
	feed_tx(s, 0xffffffffu, 100);
	assert_int_equal(s->restarts, 0);
	assert_int_equal(s->first_seq, 0xffffffffu);
	assert_int_equal(s->highest_seq, UINT64_C(0x100000003));
	assert_int_equal(lost_of(s), 2);
	feed_tx(s, 0, 150);
	feed_tx(s, 1, 200);
	feed_tx(s, 1, 200);
	feed_tx(s, 4, 500);
	assert_int_equal(s->highest_seq, UINT64_C(0x100000004));
	assert_int_equal(lost_of(s), 0);
	assert_int_equal(s->unique, 6);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->reordered, 3);
	free(s);
}

/* The generator starts again at 0: its timestamps are later than any seen. */
static void
test_restart_by_timestamp(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;
	uint32_t seq;

	(void)state;
	for (seq = 0; seq < 100; seq++)
		if (seq != 10 && seq != 20 && seq != 30)
			feed_tx(s, seq, 1000 + seq);
	assert_int_equal(lost_of(s), 3);
	/* restart 10 ns after the last packet of the first run */
	for (seq = 0; seq < 50; seq++)
		if (seq != 7)
			feed_tx(s, seq, 1100 + seq);
	assert_int_equal(s->restarts, 1);
	assert_int_equal(s->lost_closed, 3);
	assert_int_equal(s->duplicates, 0);
	assert_int_equal(s->reordered, 0);
	assert_int_equal(s->first_seq, 0);
	assert_int_equal(s->highest_seq, 49);
	assert_int_equal(s->unique, 49);
	report_of(&r, s, NULL);
	assert_int_equal(r.received, 97 + 49);
	assert_int_equal(r.restarts, 1);
	assert_int_equal(r.lost, 3 + 1);
	assert_int_equal(r.duplicates, 0);

	/* a real duplicate carries its old timestamp: not a restart */
	feed_tx(s, 40, 1140);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->restarts, 1);
	/* a second restart, 1 lost in the epoch it closes */
	feed_range(s, 50, 60);
	feed_tx(s, 3, 9000000);
	assert_int_equal(s->restarts, 2);
	assert_int_equal(s->first_seq, 3);
	assert_int_equal(s->lost_closed, 4);
	free(s);
}

/* No timestamps: a jump back beyond the window closes the epoch. */
static void
test_restart_by_jump_back(void **state)
{
	struct stream_state *s = state_new();
	struct stream_report r;
	uint32_t seq;

	(void)state;
	for (seq = 0; seq < 5000; seq++)
		if (seq != 100 && seq != 4000)
			stream_track_update(s, seq, 0, 1000 + seq, LEN);
	/* within the window and no timestamp: a duplicate, no restart */
	stream_track_update(s, 4500, 0, 9000, LEN);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->restarts, 0);
	for (seq = 0; seq < 100; seq++)
		stream_track_update(s, seq, 0, 10000 + seq, LEN);
	assert_int_equal(s->restarts, 1);
	assert_int_equal(s->lost_closed, 2);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->first_seq, 0);
	assert_int_equal(s->highest_seq, 99);
	/* no timestamp, no latency sample */
	assert_int_equal(s->lat_count, 0);
	assert_int_equal(s->lat_negative, 0);
	report_of(&r, s, NULL);
	assert_int_equal(r.lost, 2);
	assert_int_equal(r.unique, 100);
	assert_int_equal(r.received, 4998 + 1 + 100);
	assert_int_equal(r.lat_min, 0);
	assert_int_equal(r.lat_max, 0);
	assert_int_equal(r.lat_avg, 0);
	assert_int_equal(r.lat_p99, 0);
	free(s);
}

/* Late packets of the start of an epoch extend it downwards. */
static void
test_late_before_first(void **state)
{
	struct stream_state *s = state_new();

	(void)state;
	feed_tx(s, 100, 10000);
	feed_range(s, 101, 110);
	assert_int_equal(s->first_seq, 100);
	feed_tx(s, 99, 900);
	feed_tx(s, 98, 800);
	assert_int_equal(s->first_seq, 98);
	assert_int_equal(s->unique, 13);
	assert_int_equal(s->reordered, 2);
	assert_int_equal(lost_of(s), 0);
	feed_tx(s, 98, 800);
	assert_int_equal(s->duplicates, 1);
	assert_int_equal(s->first_seq, 98);
	/* 60 back: 51..97 become part of the epoch, lost until they come */
	feed_tx(s, 50, 500);
	assert_int_equal(s->first_seq, 50);
	assert_int_equal(s->unique, 14);
	assert_int_equal(lost_of(s), 47);
	assert_int_equal(s->restarts, 0);
	free(s);
}

/* Two workers, odd and even sequence numbers: the merged loss is exact. */
static void
test_merge_odd_even(void **state)
{
	struct stream_state *a = state_new(), *b = state_new();
	struct stream_report r;
	uint32_t seq;

	(void)state;
	for (seq = 0; seq < 1000; seq++) {
		if (seq == 5 || seq == 100 || seq == 101 || seq == 998)
			continue;
		feed(seq % 2 ? b : a, seq);
	}
	/* each alone sees the other's numbers as lost */
	assert_true(lost_of(a) > 400);
	assert_true(lost_of(b) > 400);
	report_of(&r, a, b);
	assert_int_equal(r.received, 996);
	assert_int_equal(r.unique, 996);
	assert_int_equal(r.bytes, 996 * LEN);
	assert_int_equal(r.first_seq, 0);
	assert_int_equal(r.highest_seq, 999);
	assert_int_equal(r.lost, 4);
	assert_int_equal(r.duplicates, 0);
	assert_int_equal(r.reordered, 0);
	assert_int_equal(r.lat_min, LAT);
	assert_int_equal(r.lat_max, LAT);
	assert_int_equal(r.lat_avg, LAT);
	assert_int_equal(lat_hist_total(&r.hist), 996);
	/* the other order gives the same */
	report_of(&r, b, a);
	assert_int_equal(r.lost, 4);
	assert_int_equal(r.first_seq, 0);
	assert_int_equal(r.highest_seq, 999);
	free(a);
	free(b);
}

/* Workers whose first packets fall on either side of a 32-bit wrap. */
static void
test_merge_across_wrap(void **state)
{
	struct stream_state *a = state_new(), *b = state_new();
	struct stream_report r;
	uint32_t seq = 0xfffffff8u;

	(void)state;
	for (;;) {
		if (seq % 2 == 0)
			feed_tx(a, seq, 1000 + (uint32_t)(seq + 8));
		else if (seq < 0x80000000u)	/* b loses all before the wrap */
			feed_tx(b, seq, 1000 + (uint32_t)(seq + 8));
		if (seq == 8)
			break;
		seq++;
	}
	assert_int_equal(a->first_seq, 0xfffffff8u);
	assert_int_equal(b->first_seq, 1);
	report_of(&r, a, b);
	assert_int_equal(r.unique, 9 + 4);
	assert_int_equal(r.highest_seq - r.first_seq + 1, 17);
	assert_int_equal(r.lost, 4);
	report_of(&r, b, a);
	assert_int_equal(r.unique, 9 + 4);
	assert_int_equal(r.highest_seq - r.first_seq + 1, 17);
	assert_int_equal(r.lost, 4);
	free(a);
	free(b);
}

static void
test_report_empty(void **state)
{
	struct stream_state *a = state_new(), *empty = state_new();
	struct stream_report r;

	(void)state;
	report_of(&r, NULL, NULL);
	assert_int_equal(r.received, 0);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.lat_avg, 0);
	assert_int_equal(r.lat_p50, 0);

	/* a worker that saw nothing of the stream changes nothing */
	feed_range(a, 500, 600);
	report_of(&r, empty, a);
	assert_int_equal(r.first_seq, 500);
	assert_int_equal(r.highest_seq, 600);
	assert_int_equal(r.lost, 0);
	report_of(&r, a, empty);
	assert_int_equal(r.first_seq, 500);
	assert_int_equal(r.lost, 0);
	/* finish twice gives the same */
	stream_report_finish(&r);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.received, 101);
	free(a);
	free(empty);
}

static void
test_latency(void **state)
{
	struct stream_state *s = state_new(), *t = state_new();
	struct stream_report r;

	(void)state;
	stream_track_update(s, 0, 1000, 1100, LEN);	/* 100 */
	stream_track_update(s, 1, 2000, 2300, LEN);	/* 300 */
	stream_track_update(s, 2, 3000, 3200, LEN);	/* 200 */
	stream_track_update(s, 3, 4000, 5000, LEN);	/* 1000 */
	stream_track_update(s, 4, 6000, 5990, LEN);	/* negative */
	assert_int_equal(s->lat_min, 100);
	assert_int_equal(s->lat_max, 1000);
	assert_int_equal(s->lat_count, 4);
	assert_int_equal(s->lat_sum, 1600);
	assert_int_equal(s->lat_negative, 1);
	assert_int_equal(s->received, 5);
	assert_int_equal(s->unique, 5);
	report_of(&r, s, NULL);
	assert_int_equal(r.lat_min, 100);
	assert_int_equal(r.lat_max, 1000);
	assert_int_equal(r.lat_avg, 400);
	assert_int_equal(r.lat_negative, 1);
	assert_int_equal(r.lat_p50, lat_hist_bucket_high(lat_hist_bucket(200)));
	/* the bucket of 1000 reaches above it: clamped to the max seen */
	assert_int_equal(r.lat_p99, 1000);
	assert_int_equal(r.lat_p999, 1000);
	assert_int_equal(lat_hist_total(&r.hist), 4);

	/* zero latency is a sample; min over workers with samples only */
	stream_track_update(t, 5, 7000, 7000, LEN);
	report_of(&r, s, t);
	assert_int_equal(r.lat_min, 0);
	assert_int_equal(r.lat_max, 1000);
	assert_int_equal(r.lat_avg, 320);
	free(t);
	t = state_new();
	stream_track_update(t, 5, 8000, 7000, LEN);	/* only a negative one */
	report_of(&r, t, s);
	assert_int_equal(r.lat_min, 100);
	assert_int_equal(r.lat_negative, 2);
	assert_int_equal(r.lost, 0);
	free(s);
	free(t);
}

/* The reader's copy equals the state. */
static void
test_read(void **state)
{
	struct stream_state *s = state_new(), *copy = state_new();

	(void)state;
	feed_range(s, 0, 3000);
	feed(s, 2990);
	feed(s, 4000);
	feed(s, 3500);
	stream_track_update(s, 4001, 9000000, 8000000, LEN);
	memset(copy, 0xa5, sizeof(*copy));
	stream_track_read(s, copy);
	assert_memory_equal(s, copy, sizeof(*s));
	free(s);
	free(copy);
}

/* xorshift64, deterministic */
static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Random steps forward and late packets against a reference model. */
static void
test_random_against_model(void **state)
{
	enum { N = 4000000 };
	struct stream_state *s = state_new();
	bool *seen = calloc(N + 1, sizeof(*seen));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint64_t unique = 0, dups = 0, late = 0, received = 0;
	uint32_t hi = 0, seq;
	int i;

	(void)state;
	assert_non_null(seen);
	stream_track_update(s, 0, 0, 1, LEN);
	seen[0] = true;
	unique = received = 1;
	for (i = 0; i < 100000; i++) {
		uint64_t r = rnd(&x);

		if (r % 4 == 0 && hi > 0) {
			/* somewhere in the window, maybe already seen */
			uint32_t back = (uint32_t)((r >> 8) % STREAM_SEQ_WINDOW);

			if (back > hi)
				back = hi;
			seq = hi - back;
		} else {
			uint32_t step = (r >> 8) % 8 == 0 ? (uint32_t)((r >> 16) % 300) + 1 : 1;

			if (hi + step > N)
				break;
			seq = hi + step;
		}
		stream_track_update(s, seq, 0, 1, LEN);
		received++;
		if (seen[seq]) {
			dups++;
		} else {
			seen[seq] = true;
			unique++;
			if (seq < hi)
				late++;
		}
		if (seq > hi)
			hi = seq;
	}
	assert_int_equal(s->received, received);
	assert_int_equal(s->unique, unique);
	assert_int_equal(s->duplicates, dups);
	assert_int_equal(s->reordered, late);
	assert_int_equal(s->restarts, 0);
	assert_int_equal(s->highest_seq, hi);
	assert_int_equal(lost_of(s), (uint64_t)hi + 1 - unique);
	print_message("random model: %d packets, %llu late, %llu duplicates\n", i, (unsigned long long)late, (unsigned long long)dups);
	assert_true(late > 1000);
	assert_true(dups > 1000);
	free(seen);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_first_packet_not_zero),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_very_late_packet),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_late_before_zero),
		cmocka_unit_test(test_restart_by_timestamp),
		cmocka_unit_test(test_restart_by_jump_back),
		cmocka_unit_test(test_late_before_first),
		cmocka_unit_test(test_merge_odd_even),
		cmocka_unit_test(test_merge_across_wrap),
		cmocka_unit_test(test_report_empty),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
