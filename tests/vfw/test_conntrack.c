/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of vfw/conntrack.c: keys, lookup in both directions, full
 * table, bucket spill (also across the end), removal, random operations
 * against a reference, state-driven timeouts and their expiry by
 * the timer wheel, reopen. No EAL: rte_zmalloc_socket, rte_free and
 * rte_eal_has_hugepages are wrapped (-Wl,--wrap).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include <rte_tcp.h>

#include "conntrack.h"
#include "test_malloc_wrap.h"
#include "test_rnd.h"

int __wrap_rte_eal_has_hugepages(void);

/* Alternate between the two allocators (EAL memory, anonymous mapping). */
static int has_hugepages = 1;

int
__wrap_rte_eal_has_hugepages(void)
{
	has_hugepages = !has_hugepages;
	return has_hugepages;
}

#define TPS CT_TICKS_PER_SEC

static uint64_t ctr[CT_CTR_MAX];
static uint64_t gauge[CT_G_MAX];
static uint32_t timeouts[CT_STATE_MAX];
static char err[256];

static void
table_init(struct ct_table *t, uint32_t n, uint32_t now)
{
	int s;

	memset(ctr, 0, sizeof(ctr));
	memset(gauge, 0, sizeof(gauge));
	for (s = 0; s < CT_STATE_MAX; s++)
		timeouts[s] = ct_sec_to_ticks(ct_default_timeout_sec[s]);
	if (ct_table_init(t, n, timeouts, ctr, gauge, now, 0, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static struct ct_pkt udp = { .proto = IPPROTO_UDP };

static void
test_key_symmetric(void **state)
{
	struct ct_key a, b, c;
	uint8_t s6[16], d6[16];
	bool ha, hb;

	(void)state;
	ha = ct_key_v4(&a, ip("10.0.0.1"), ip("10.0.0.2"), htons(1000), htons(80), IPPROTO_TCP);
	hb = ct_key_v4(&b, ip("10.0.0.2"), ip("10.0.0.1"), htons(80), htons(1000), IPPROTO_TCP);
	assert_true(ct_key_eq(&a, &b));
	assert_int_equal(ct_key_hash(&a), ct_key_hash(&b));
	assert_true(ha != hb);
	/* another port, protocol, or address: another key */
	ct_key_v4(&c, ip("10.0.0.1"), ip("10.0.0.2"), htons(1001), htons(80), IPPROTO_TCP);
	assert_false(ct_key_eq(&a, &c));
	ct_key_v4(&c, ip("10.0.0.1"), ip("10.0.0.2"), htons(1000), htons(80), IPPROTO_UDP);
	assert_false(ct_key_eq(&a, &c));
	/* same addresses, ports decide the order */
	ha = ct_key_v4(&a, ip("10.0.0.1"), ip("10.0.0.1"), htons(5), htons(6), IPPROTO_UDP);
	hb = ct_key_v4(&b, ip("10.0.0.1"), ip("10.0.0.1"), htons(6), htons(5), IPPROTO_UDP);
	assert_true(ct_key_eq(&a, &b));
	assert_true(ha != hb);
	inet_pton(AF_INET6, "2001:db8::1", s6);
	inet_pton(AF_INET6, "2001:db8::2", d6);
	ha = ct_key_v6(&a, s6, d6, htons(1), htons(2), IPPROTO_UDP);
	hb = ct_key_v6(&b, d6, s6, htons(2), htons(1), IPPROTO_UDP);
	assert_true(ct_key_eq(&a, &b));
	assert_true(ha != hb);
	assert_int_equal(a.family, DP_FAM_V6);
	assert_int_equal(sizeof(struct ct_key), 40);
	assert_int_equal(sizeof(struct ct_session), 64);
	assert_int_equal(sizeof(struct ct_bucket), 64);
}

static struct ct_session *
add_udp(struct ct_table *t, uint32_t i, uint32_t now)
{
	struct ct_key k;
	bool hi = ct_key_v4(&k, htonl(0x0a000000 + i), ip("192.168.20.250"), htons(1000), htons(8080),
			IPPROTO_UDP);

	return ct_create(t, &k, ct_key_hash(&k), hi, &udp, now);
}

static struct ct_session *
find_udp(struct ct_table *t, uint32_t i, bool reverse)
{
	struct ct_key k;

	if (reverse)
		ct_key_v4(&k, ip("192.168.20.250"), htonl(0x0a000000 + i), htons(8080), htons(1000),
				IPPROTO_UDP);
	else
		ct_key_v4(&k, htonl(0x0a000000 + i), ip("192.168.20.250"), htons(1000), htons(8080),
				IPPROTO_UDP);
	return ct_lookup(t, &k, ct_key_hash(&k));
}

/* The fast path hashes the IPv4 key from registers: it must match ct_key_hash(). */
static void
test_key_v4_hash_matches(void **state)
{
	unsigned int i, buckets[64] = { 0 };
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (i = 0; i < 100000; i++) {
		struct ct_key k;
		uint32_t h;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		ct_key_v4_hash(&k, (uint32_t)x, (uint32_t)(x >> 32), (uint16_t)(x >> 7),
				(uint16_t)(x >> 23), i & 1 ? IPPROTO_TCP : IPPROTO_UDP, &h);
		assert_int_equal(h, ct_key_hash(&k));
		buckets[h & 63]++;
	}
	/* and spreads keys over buckets: each of 64 gets 1/64 +- 20% */
	for (i = 0; i < 64; i++)
		assert_true(buckets[i] > 100000 / 64 * 8 / 10 && buckets[i] < 100000 / 64 * 12 / 10);
}

static void
test_create_lookup_full_delete(void **state)
{
	const uint32_t n = 1024;
	struct ct_table t;
	uint32_t i;

	(void)state;
	table_init(&t, n, 0);
	for (i = 0; i < n; i++)
		assert_non_null(add_udp(&t, i, 0));
	assert_int_equal(ctr[CT_CTR_created], n);
	assert_int_equal(gauge[CT_G_active], n);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_UDP_FIRST], n);
	/* full: new flows refused and counted, existing ones still found */
	assert_null(add_udp(&t, n, 0));
	assert_int_equal(ctr[CT_CTR_table_full], 1);
	for (i = 0; i < n; i++) {
		struct ct_session *s = find_udp(&t, i, false);

		assert_non_null(s);
		assert_ptr_equal(find_udp(&t, i, true), s);
	}
	assert_null(find_udp(&t, n, false));
	/* delete half; the others stay reachable (spilled buckets included) */
	for (i = 0; i < n; i += 2)
		ct_delete(&t, find_udp(&t, i, false));
	assert_int_equal(gauge[CT_G_active], n / 2);
	for (i = 0; i < n; i++) {
		if (i % 2)
			assert_non_null(find_udp(&t, i, true));
		else
			assert_null(find_udp(&t, i, true));
	}
	for (i = 0; i < n / 2; i++)
		assert_non_null(add_udp(&t, n + i, 0));
	assert_null(add_udp(&t, 5 * n, 0));
	ct_table_fini(&t);
}

static void age_all_far(struct ct_table *t, uint32_t until);

/* Keys homed in one bucket: the spill keeps them all (home = last: across the end). */
static void
probe_runs(uint32_t home)
{
	struct ct_table t;
	struct ct_key keys[40];
	uint32_t i, found = 0;

	table_init(&t, 256, 0);	/* 64 buckets */
	if (home > t.bucket_mask)
		home = t.bucket_mask;
	for (i = 0; found < 40; i++) {
		struct ct_key k;

		ct_key_v4(&k, htonl(0x0a000000 + i), ip("1.1.1.1"), 1, 2, IPPROTO_UDP);
		if ((ct_key_hash(&k) & t.bucket_mask) != home)
			continue;
		keys[found] = k;
		assert_non_null(ct_create(&t, &k, ct_key_hash(&k), false, &udp, 0));
		found++;
	}
	for (i = 0; i < 40; i++)
		assert_non_null(ct_lookup(&t, &keys[i], ct_key_hash(&keys[i])));
	assert_int_equal(t.buckets[home].ovf, 40 - CT_BUCKET_ENTRIES);
	/* delete from the middle of the chain: the rest stay reachable */
	for (i = 0; i < 40; i += 3)
		ct_delete(&t, ct_lookup(&t, &keys[i], ct_key_hash(&keys[i])));
	for (i = 0; i < 40; i++) {
		struct ct_session *r = ct_lookup(&t, &keys[i], ct_key_hash(&keys[i]));

		if (i % 3 == 0)
			assert_null(r);
		else
			assert_non_null(r);
	}
	for (i = 0; i < 40; i++)
		if (i % 3 != 0)
			ct_delete(&t, ct_lookup(&t, &keys[i], ct_key_hash(&keys[i])));
	for (i = 0; i <= t.bucket_mask; i++)
		assert_int_equal(t.buckets[i].ovf, 0);
	assert_int_equal(gauge[CT_G_active], 0);
	ct_table_fini(&t);
}

static void
test_probe_runs(void **state)
{
	(void)state;
	probe_runs(7);
	probe_runs(UINT32_MAX);	/* the last bucket: spills wrap around to the first */
}

/*
 * Random creates and deletes against a reference (which key is in): every
 * lookup agrees, nothing is lost by the shifts, the wheel stays linked
 * (everything expires in the end).
 */
static void
test_random_against_reference(void **state)
{
	enum { KEYS = 600, OPS = 40000, MAX = 512 };
	static bool in[KEYS];
	struct ct_table t;
	uint32_t op, i, n = 0, now = 0;

	(void)state;
	memset(in, 0, sizeof(in));
	table_init(&t, MAX, 0);
	timeouts[CT_UDP_FIRST] = 30 * TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	for (op = 0; op < OPS; op++) {
		uint32_t k = test_rnd() % KEYS;
		struct ct_session *s = find_udp(&t, k, test_rnd() & 1);

		assert_int_equal(s != NULL, in[k]);
		if (op % 97 == 0)
			now++;
		if (s == NULL) {
			s = add_udp(&t, k, now);
			if (n < MAX) {
				assert_non_null(s);
				in[k] = true;
				n++;
			} else {
				assert_null(s);
			}
		} else if (test_rnd() % 3 == 0) {
			assert_int_equal(ct_packet(&t, s, &udp, true, now), CT_ACCEPT);
		} else {
			ct_delete(&t, s);
			in[k] = false;
			n--;
		}
		if (op % 1000 == 0)
			for (i = 0; i < KEYS; i++)
				assert_int_equal(find_udp(&t, i, false) != NULL, in[i]);
	}
	assert_int_equal(t.nb_active, n);
	assert_int_equal(gauge[CT_G_active], n);
	age_all_far(&t, now + 200 * TPS);
	assert_int_equal(t.nb_active, 0);
	assert_int_equal(gauge[CT_G_active], 0);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_UDP_FIRST], 0);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_UDP_ESTABLISHED], 0);
	for (i = 0; i < KEYS; i++)
		assert_null(find_udp(&t, i, false));
	ct_table_fini(&t);
}

/* Age until nothing is left to do at tick now. */
static void
age_all(struct ct_table *t, uint32_t now)
{
	unsigned int guard = 0;

	while ((ct_age(t, now, 16) != 0 || t->cursor != now) && guard++ < 1000000)
		;
	assert_int_equal(t->cursor, now);
}

/* Age in steps of at most a wheel revolution until tick until. */
static void
age_all_far(struct ct_table *t, uint32_t until)
{
	uint32_t now = t->cursor;

	while ((int32_t)(until - now) > 0) {
		now += RTE_MIN(until - now, CT_WHEEL_SLOTS / 2);
		age_all(t, now);
	}
}

/* Step the clock tick by tick, ageing each time; return the tick s disappeared. */
static uint32_t
expiry_tick(struct ct_table *t, uint32_t from, uint32_t limit, uint32_t i)
{
	uint32_t now;

	for (now = from; now <= limit; now++) {
		age_all(t, now);
		if (find_udp(t, i, false) == NULL)
			return now;
	}
	return UINT32_MAX;
}

static void
test_udp_timeouts(void **state)
{
	struct ct_table t;
	struct ct_session *s;
	const uint32_t t0 = 1000;
	uint32_t when;

	(void)state;
	table_init(&t, 64, t0);
	timeouts[CT_UDP_FIRST] = 2 * TPS;
	timeouts[CT_UDP_ESTABLISHED] = 5 * TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	/* idle from creation: gone exactly at its timeout */
	assert_non_null(add_udp(&t, 1, t0));
	when = expiry_tick(&t, t0, t0 + 10 * TPS, 1);
	assert_int_equal(when, t0 + 2 * TPS);
	assert_int_equal(ctr[CT_CTR_expired], 1);
	assert_int_equal(gauge[CT_G_active], 0);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_UDP_FIRST], 0);

	/* refreshed by packets: lives timeout after the last one */
	s = add_udp(&t, 2, when);
	assert_non_null(s);
	age_all(&t, when + TPS);
	assert_int_equal(ct_packet(&t, s, &udp, false, when + TPS), CT_ACCEPT);
	assert_int_equal(expiry_tick(&t, when + TPS, when + 10 * TPS, 2), when + 3 * TPS);

	/* a reply moves it to established: the longer timeout, rescheduled lazily */
	when += 3 * TPS;
	s = add_udp(&t, 3, when);
	assert_int_equal(ct_packet(&t, s, &udp, true, when + 1), CT_ACCEPT);
	assert_int_equal(s->l4.state, CT_UDP_ESTABLISHED);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_UDP_ESTABLISHED], 1);
	assert_int_equal(expiry_tick(&t, when, when + 20 * TPS, 3), when + 1 + 5 * TPS);
	assert_int_equal(ctr[CT_CTR_expired], 3);
	ct_table_fini(&t);
}

/* A segment without payload (window 1000, header only). */
static struct ct_pkt *
tcp(uint8_t flags, uint32_t seq, uint32_t ack)
{
	static struct ct_pkt p = { .proto = IPPROTO_TCP };
	static uint8_t th[20];
	uint32_t nseq = htonl(seq), nack = htonl(ack);

	memset(th, 0, sizeof(th));
	memcpy(th + 4, &nseq, 4);
	memcpy(th + 8, &nack, 4);
	th[12] = 5 << 4;
	th[13] = flags;
	th[14] = 1000 >> 8;
	th[15] = 1000 & 0xff;
	p.tcp_flags = flags;
	p.l4 = th;
	p.l4len = sizeof(th);
	return &p;
}

static void
test_tcp_timeouts_shorten(void **state)
{
	struct ct_table t;
	struct ct_session *s;
	struct ct_key k;
	uint32_t now = 50, h;
	bool hi;

	(void)state;
	table_init(&t, 64, now);
	timeouts[CT_TCP_ESTABLISHED] = 1000 * TPS;	/* beyond one wheel revolution */
	timeouts[CT_TCP_FIN_WAIT] = 3 * TPS;
	timeouts[CT_TCP_TIME_WAIT] = 2 * TPS;
	timeouts[CT_TCP_CLOSED] = 1 * TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	hi = ct_key_v4(&k, ip("192.168.20.1"), ip("192.168.10.1"), htons(40000), htons(80), IPPROTO_TCP);
	h = ct_key_hash(&k);
	s = ct_create(&t, &k, h, hi, tcp(RTE_TCP_SYN_FLAG, 100, 0), now);
	assert_int_equal(s->l4.state, CT_TCP_SYN_SENT);
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 900, 101), !hi, now),
			CT_ACCEPT);
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_ACK_FLAG, 101, 901), hi, now), CT_ACCEPT);
	assert_int_equal(s->l4.state, CT_TCP_ESTABLISHED);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_TCP_ESTABLISHED], 1);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_TCP_SYN_SENT], 0);
	/* long-lived: survives several wheel revolutions */
	for (now = 50; now < 50 + 3 * CT_WHEEL_SLOTS; now += 97)
		age_all(&t, now);
	assert_ptr_equal(ct_lookup(&t, &k, h), s);
	/* a forged FIN (out of the window) changes nothing, and says why */
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, 90101, 901), hi, now),
			CT_INVALID);
	assert_int_equal(tcp(0, 0, 0)->why, CT_WHY_TCP_SEQ);
	assert_int_equal(s->l4.state, CT_TCP_ESTABLISHED);
	/* the FIN shortens the timeout: the wheel entry moves earlier */
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, 101, 901), hi, now),
			CT_ACCEPT);
	assert_int_equal(s->l4.state, CT_TCP_FIN_WAIT);
	assert_true((int32_t)(s->deadline - (now + 3 * TPS)) <= 0);
	age_all(&t, now + 3 * TPS - 1);
	assert_ptr_equal(ct_lookup(&t, &k, h), s);
	age_all(&t, now + 3 * TPS);
	assert_null(ct_lookup(&t, &k, h));
	assert_int_equal(gauge[CT_G_active], 0);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_TCP_FIN_WAIT], 0);
	ct_table_fini(&t);
}

static void
test_invalid_does_not_refresh(void **state)
{
	struct ct_table t;
	struct ct_session *s;
	struct ct_key k;
	uint32_t h;
	bool hi;

	(void)state;
	table_init(&t, 64, 0);
	timeouts[CT_TCP_SYN_SENT] = 2 * TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	hi = ct_key_v4(&k, ip("1.1.1.1"), ip("2.2.2.2"), htons(1), htons(2), IPPROTO_TCP);
	h = ct_key_hash(&k);
	s = ct_create(&t, &k, h, hi, tcp(RTE_TCP_SYN_FLAG, 1, 0), 0);
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_ACK_FLAG, 7, 2), !hi, TPS), CT_INVALID);
	assert_int_equal(ctr[CT_CTR_invalid], 1);
	assert_int_equal(s->last_seen, 0);
	age_all(&t, 2 * TPS);
	assert_null(ct_lookup(&t, &k, h));
	ct_table_fini(&t);
}

static void
test_reopen(void **state)
{
	struct ct_table t;
	struct ct_session *s;
	struct ct_key k;
	uint32_t h;
	bool hi;

	(void)state;
	table_init(&t, 64, 0);
	hi = ct_key_v4(&k, ip("1.1.1.1"), ip("2.2.2.2"), htons(1), htons(2), IPPROTO_TCP);
	h = ct_key_hash(&k);
	s = ct_create(&t, &k, h, hi, tcp(RTE_TCP_SYN_FLAG, 1, 0), 0);
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, 2), !hi, 1),
			CT_ACCEPT);
	assert_int_equal(s->l4.state, CT_TCP_CLOSED);
	/* the other side now opens: new originator */
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_SYN_FLAG, 50, 0), !hi, 2), CT_REOPEN);
	ct_reopen(&t, s, !hi, tcp(RTE_TCP_SYN_FLAG, 50, 0), 2);
	assert_int_equal(s->l4.state, CT_TCP_SYN_SENT);
	assert_int_equal(ct_dir_of(s, !hi), CT_DIR_ORIG);
	assert_int_equal(ct_dir_of(s, hi), CT_DIR_REPLY);
	assert_int_equal(ctr[CT_CTR_reopened], 1);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_TCP_CLOSED], 0);
	assert_int_equal(gauge[CT_G_STATE_BASE + CT_TCP_SYN_SENT], 1);
	/* with the new connection's windows: its SYN+ACK must ack the new SYN */
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 5, 2), hi, 3),
			CT_INVALID);
	assert_int_equal(ct_packet(&t, s, tcp(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 5, 51), hi, 3),
			CT_ACCEPT);
	assert_int_equal(s->l4.state, CT_TCP_SYN_RECV);
	ct_table_fini(&t);
}

/* Ageing does bounded work per call, and catches up over several calls. */
static void
test_age_budget(void **state)
{
	const uint32_t n = 4096;
	struct ct_table t;
	uint32_t i, calls = 0, work;

	(void)state;
	table_init(&t, n, 0);
	timeouts[CT_UDP_FIRST] = TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	for (i = 0; i < n; i++)
		assert_non_null(add_udp(&t, i, 0));
	do {
		work = ct_age(&t, TPS, CT_AGE_BUDGET);
		assert_true(work <= CT_AGE_BUDGET);
		calls++;
	} while (work != 0 || t.cursor != TPS);
	assert_true(calls >= n / CT_AGE_BUDGET);
	assert_int_equal(ctr[CT_CTR_expired], n);
	assert_int_equal(t.nb_active, 0);
	assert_int_equal(gauge[CT_G_active], 0);
	/* the table is whole again */
	for (i = 0; i < n; i++)
		assert_non_null(add_udp(&t, i, 2 * TPS));
	ct_table_fini(&t);
}

/* A packet that finds its session idle past the timeout: expired at once. */
static void
test_expired_on_lookup(void **state)
{
	struct ct_table t;
	struct ct_session *s;

	(void)state;
	table_init(&t, 64, 0);
	timeouts[CT_UDP_FIRST] = TPS;
	memcpy(t.timeouts, timeouts, sizeof(timeouts));
	s = add_udp(&t, 1, 0);
	assert_false(ct_expired(&t, s, TPS - 1));
	assert_true(ct_expired(&t, s, TPS));
	ct_expire(&t, s);	/* before the wheel got there */
	assert_null(find_udp(&t, 1, false));
	assert_int_equal(ctr[CT_CTR_expired], 1);
	assert_int_equal(gauge[CT_G_active], 0);
	age_all(&t, 2 * TPS);	/* the wheel has nothing left to do for it */
	assert_int_equal(ctr[CT_CTR_expired], 1);
	assert_int_equal(ct_ms_to_ticks(5), 1);
	assert_int_equal(ct_ms_to_ticks(10), 1);
	assert_int_equal(ct_ms_to_ticks(11), 2);
	assert_int_equal(ct_ms_to_ticks(30000), 3000);
	ct_table_fini(&t);
}

static void
test_bad_size(void **state)
{
	struct ct_table t;

	(void)state;
	assert_int_equal(ct_table_init(&t, 10, timeouts, ctr, gauge, 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "out of range"));
	/* 64-byte session, 32 bytes of TCP windows beside it, 16 bytes of index */
	assert_true(ct_table_memsize(1u << 20) / (1u << 20) <= 112);
}

/* IPv4 UDP keys towards one server whose hash under the current key has home bucket home. */
static uint32_t
colliding_keys(struct ct_key *keys, uint32_t n, uint32_t mask, uint32_t home)
{
	uint32_t found = 0, i;

	for (i = 0; found < n; i++) {
		struct ct_key k;

		ct_key_v4(&k, htonl(0x0a000000 + (i >> 16)), ip("192.168.20.7"),
				htons((uint16_t)(1024 + (i & 0xffff))), htons(8080), IPPROTO_UDP);
		if ((ct_key_hash(&k) & mask) == home)
			keys[found++] = k;
	}
	return found;
}

/*
 * Flows an outside host computed to share a bucket under one hash key
 * spread under another: the key is a secret, not a constant (a seeded
 * CRC alone would keep them together: it is linear in the key).
 */
static void
test_seed_spreads_collisions(void **state)
{
	enum { N = 256, MASK = (1 << 14) - 1 };
	static struct ct_key keys[N];
	static uint8_t seen[MASK + 1];
	uint32_t i, distinct = 0;

	(void)state;
	ct_hash_seed_set(1);
	colliding_keys(keys, N, MASK, 1234);
	for (i = 0; i < N; i++)
		assert_int_equal(ct_key_hash(&keys[i]) & MASK, 1234);
	ct_hash_seed_set(2);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		uint32_t b = ct_key_hash(&keys[i]) & MASK;

		distinct += !seen[b];
		seen[b] = 1;
	}
	/* 256 keys into 16384 buckets: about 254 distinct at random */
	if (distinct < N * 9 / 10)
		fail_msg("%u of %u colliding keys in distinct buckets under another key", distinct, N);
	/* the drawn key is neither of them */
	assert_int_equal(ct_hash_seed_random(), 0);
	ct_hash_seed_set(1);
}

/*
 * However the keys fall, a flow sits at most CT_MAX_PROBE buckets from its
 * home: more flows of one bucket than that holds are refused (bucket_full)
 * while the table has room, and the others are found.
 */
static void
test_bucket_bound(void **state)
{
	enum { N = CT_MAX_PROBE * CT_BUCKET_ENTRIES + 50 };
	static struct ct_key keys[N];
	struct ct_table t;
	uint32_t i, created = 0;

	(void)state;
	ct_hash_seed_set(3);
	table_init(&t, 4096, 0);	/* 1024 buckets */
	colliding_keys(keys, N, t.bucket_mask, 100);
	for (i = 0; i < N; i++)
		created += ct_create(&t, &keys[i], ct_key_hash(&keys[i]), false, &udp, 0) != NULL;
	assert_int_equal(created, CT_MAX_PROBE * CT_BUCKET_ENTRIES);
	assert_int_equal(ctr[CT_CTR_bucket_full], N - created);
	assert_int_equal(ctr[CT_CTR_table_full], 0);
	for (i = 0; i < N; i++) {
		if (i < created)
			assert_non_null(ct_lookup(&t, &keys[i], ct_key_hash(&keys[i])));
		else
			assert_null(ct_lookup(&t, &keys[i], ct_key_hash(&keys[i])));
	}
	/* the chain ends where the bound is: the bucket after it is untouched */
	assert_int_equal(t.buckets[(100 + CT_MAX_PROBE) & t.bucket_mask].ovf, 0);
	assert_int_equal(t.buckets[(100 + CT_MAX_PROBE - 1) & t.bucket_mask].ovf, 0);
	assert_int_equal(t.buckets[100].ovf, (CT_MAX_PROBE - 1) * CT_BUCKET_ENTRIES);
	/* a flow of another bucket still gets in */
	assert_non_null(add_udp(&t, 1, 0));
	/* a freed place takes the next one */
	ct_delete(&t, ct_lookup(&t, &keys[0], ct_key_hash(&keys[0])));
	assert_non_null(ct_create(&t, &keys[created], ct_key_hash(&keys[created]), false, &udp, 0));
	ct_table_fini(&t);
	ct_hash_seed_set(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_symmetric),
		cmocka_unit_test(test_key_v4_hash_matches),
		cmocka_unit_test(test_create_lookup_full_delete),
		cmocka_unit_test(test_probe_runs),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_udp_timeouts),
		cmocka_unit_test(test_tcp_timeouts_shorten),
		cmocka_unit_test(test_invalid_does_not_refresh),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_age_budget),
		cmocka_unit_test(test_expired_on_lookup),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_seed_spreads_collisions),
		cmocka_unit_test(test_bucket_bound),
	};

	ct_hash_seed_set(1);	/* reproducible buckets */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
