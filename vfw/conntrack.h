/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection tracking: the session table of one worker.
 *
 * Why per-worker tables and not one shared lock-free table: a session is
 * touched by every packet of its flow (state, last-seen time), created and
 * aged. In a shared table each of those is a write to a cache line that
 * other cores also write (the two directions of a flow may arrive on two
 * cores), creation needs a multi-writer insert (rte_hash takes a lock for
 * that), and a deleted entry can only be reused after an RCU grace period.
 * With one table per worker nothing is shared: no atomic, no lock, no RCU on
 * the per-packet path, and ageing is plain single-threaded list work. The
 * price is that both directions of a flow must reach the same worker;
 * vfw_main.c guarantees it: worker i polls rx queue i of every port, and the
 * ports hash with one symmetric RSS key (0x6d5a...), so that (a, b) and
 * (b, a) land in the same queue index on both ports; a port that cannot be
 * given that key is run with one rx queue. This is what VPP's ACL plugin
 * does (per-worker session tables) and what DPDK's l3fwd-style firewalls
 * do with symmetric RSS.
 *
 * Layout (memory per session: sizeof(struct ct_session) + the bucket share
 * + sizeof(struct ct_l4_ext), about 112 bytes):
 *   - sessions: an array of 64-byte sessions (one cache line each), free
 *     ones chained in a LIFO list;
 *   - ext: beside it, 32 bytes per session for what a protocol keeps that
 *     does not fit in the session's line (TCP's sequence windows), so that
 *     the UDP and other flows never touch it;
 *   - index: cache-line buckets of 7 (32-bit hash, session index) pairs;
 *     a full bucket spills into the next one and counts it in ovf, so a
 *     lookup stops at the first bucket with ovf == 0 (buckets >= sessions/4,
 *     so at most 57% full). An entry is stored at most CT_MAX_PROBE
 *     buckets from its home: a new flow whose home and the buckets after
 *     it are full is refused (bucket_full), so no lookup reads more than
 *     CT_MAX_PROBE buckets, whatever the keys;
 *   - the hash is keyed with a secret drawn at start-up (getrandom), not a
 *     constant: CRC32C alone is linear, so flows colliding under it collide
 *     under any seed; an NH universal hash of the key (one multiply per 8
 *     bytes, Black et al., UMAC) folded by a CRC step is not, and an outside
 *     host cannot compute flows that share a bucket (hash flooding); The index is small (16 bytes per session), so
 *     it stays in the caches longer than the sessions; measured faster than
 *     open addressing on the sessions themselves (one 128-byte-per-session
 *     array) with 1M flows;
 *   - the key is the 5-tuple with the two endpoints sorted, so that both
 *     directions of a flow find the session with one lookup; the session
 *     remembers which endpoint opened it (CT_F_ORIG_HI);
 *   - ageing: a timer wheel of 4096 slots of 10 ms, ticked by the owning
 *     worker with a budget per loop (ct_age). A packet only stores its time
 *     in the session; the wheel entry is moved only when the state's timeout
 *     gets shorter. When an entry fires, the session expires if it was idle
 *     for its state's timeout, else it is rescheduled at its real deadline.
 *     An idle session is removed within one tick (10 ms) of its timeout
 *     when the worker keeps up; a packet that finds its session idle past
 *     the timeout treats it as expired (ct_expired) even before that.
 *
 * Sessions never move; a removed one goes back to the free list, so a
 * pointer to it must be checked (CT_F_USED, key) after a removal.
 *
 * Thread safety: a table belongs to one worker; only that worker calls these
 * functions. Control threads see the table only through the counters.
 */
#ifndef VFW_CONNTRACK_H
#define VFW_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_prefetch.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#else
#include <rte_hash_crc.h>
#endif

#include "ct_proto.h"
#include "dp_counters.h"
#include "dp_net.h"

#define CT_TICKS_PER_SEC 100u		/* the wheel and timestamps tick every 10 ms */
#define CT_WHEEL_SLOTS 4096u		/* 41 s per revolution */
#define CT_BUCKET_ENTRIES 7
#define CT_MIN_SESSIONS 64u
#define CT_MAX_SESSIONS (16u << 20)
#define CT_DEFAULT_MAX_SESSIONS (1u << 20)
#define CT_AGE_BUDGET 64u		/* wheel entries examined per worker loop */
#define CT_AGE_MAX_EMPTY 256u		/* empty wheel slots skipped per call */
#define CT_MAX_PROBE 16u		/* buckets a lookup reads at most (112 entries) */

/*
 * Session counters, per worker (slot 0 of their own counter sets): events
 * (may be reset) and gauges (never reset: active sessions, sessions per
 * state; each worker adds +1/-1 to its own block, the sum is the total).
 */
#define VFW_SESS_COUNTERS(X) \
	X(created,    "Sessions created") \
	X(expired,    "Sessions removed after their idle timeout") \
	X(reopened,   "TCP sessions in TIME_WAIT or CLOSED taken over by a new SYN") \
	X(table_full, "New flows refused because the worker's table was full") \
	X(bucket_full, "New flows refused because their hash bucket and the next ones were full (a flood of colliding flows)") \
	X(invalid,    "Packets refused by a session's state machine") \
	X(flushed,    "Sessions removed by a flush request (REST)") \
	X(age_checks, "Timer wheel entries examined by the ageing")

#define CT_CTR_ENUM(name, help) CT_CTR_##name,
enum ct_ctr {
	VFW_SESS_COUNTERS(CT_CTR_ENUM)
	CT_CTR_MAX
};
#undef CT_CTR_ENUM

/* Gauges: active, then one per state (named after the state). */
enum ct_gauge {
	CT_G_active,
	CT_G_STATE_BASE,
	CT_G_MAX = CT_G_STATE_BASE + CT_STATE_MAX
};

extern const struct dp_counter_desc ct_gauge_desc[CT_G_MAX];
extern const struct dp_counter_desc ct_ctr_desc[CT_CTR_MAX];

/* Both directions of a flow give the same key: endpoint 0 sorts before 1. */
struct ct_key {
	union {
		struct {
			uint8_t addr[2][16];	/* IPv4: first 4 bytes, rest zero */
			uint16_t port[2];	/* network order; ICMP echo: id, id */
			uint8_t proto;
			uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 */
			uint16_t zero;
		};
		uint64_t q[5];
	};
};

#define CT_F_ORIG_HI 0x01	/* the originator is endpoint 1 of the key */
#define CT_F_USED 0x02		/* in the table (not on the free list) */

struct ct_session {
	struct ct_key key;
	uint32_t hash;		/* of key */
	uint32_t last_seen;	/* tick of the last valid packet */
	uint32_t deadline;	/* tick of the wheel slot the session is in */
	uint32_t next;		/* wheel list (or free list): index + 1, 0 = none */
	uint32_t prev;		/* wheel list: index + 1, 0 = head */
	struct ct_l4_state l4;	/* state, protocol private */
	uint8_t flags;		/* CT_F_* */
	/*
	 * By enum ct_dir: the next hop the direction's packets take, cached by
	 * the forwarding (vfw's nexthop.h index + 1; 0 = not looked up, or a
	 * next hop per destination): routes are immutable while workers run
	 * and a direction's route depends on the key alone. Zeroed by
	 * ct_create and ct_reopen; written and read by the owning worker.
	 */
	uint8_t nh[2];
} __rte_cache_aligned;

struct ct_bucket {
	uint32_t sig[CT_BUCKET_ENTRIES];	/* key hash */
	uint32_t ovf;				/* entries homed here or before, stored after */
	uint32_t idx[CT_BUCKET_ENTRIES];	/* session index + 1, 0 = empty */
	uint32_t pad;
} __rte_cache_aligned;

/* All fields: written and read by the owning worker only. */
struct ct_table {
	struct ct_bucket *buckets;
	struct ct_session *sessions;
	struct ct_l4_ext *ext;		/* by session index: protocol state beside the session */
	uint32_t *wheel;		/* CT_WHEEL_SLOTS list heads (index + 1) */
	uint32_t bucket_mask;
	uint32_t max_sessions;
	uint32_t free_head;		/* index + 1 of the first free session, 0 = full */
	uint32_t nb_active;
	uint32_t cursor;		/* next wheel tick to process */
	uint32_t timeouts[CT_STATE_MAX];	/* in ticks */
	uint64_t *ctr;			/* the owning lcore's session counters (CT_CTR_*) */
	uint64_t *gauge;		/* the owning lcore's gauges (CT_G_*) */
	bool mapped;			/* memory from mmap (no hugepages), not rte_malloc */
};

/* Bytes of memory a table of max_sessions takes. */
size_t ct_table_memsize(uint32_t max_sessions);

/*
 * Allocate and initialise a table: EAL memory with hugepages, else an
 * anonymous mapping with transparent huge pages. timeouts in ticks,
 * ctr, gauge: the counter blocks the table writes, now: current tick.
 * Returns 0, or -ENOMEM / -EINVAL with a one-line reason in err.
 */
int ct_table_init(struct ct_table *t, uint32_t max_sessions, const uint32_t *timeouts,
		uint64_t *ctr, uint64_t *gauge, uint32_t now, int socket, char *err, size_t errlen);
void ct_table_fini(struct ct_table *t);

/*
 * The hash key: NH keys for the five 8-byte words of a key, the CRC step's
 * initial value. Drawn once per process (ct_hash_seed_random(), called by
 * the first ct_table_init()); written before the workers start, read only
 * afterwards.
 */
struct ct_hash_key {
	uint32_t nh[10];
	uint32_t crc;
};

extern struct ct_hash_key ct_hash_key __rte_cache_aligned;

/* Draw the hash key from getrandom(): 0 or -errno. */
int ct_hash_seed_random(void);

/* A key derived from seed (tests: reproducible hashes). */
void ct_hash_seed_set(uint64_t seed);

/* One NH step: an 8-byte word as two 32-bit halves, each added to its key. */
static inline uint64_t
ct_nh(uint64_t w, const uint32_t *k)
{
	return (uint64_t)((uint32_t)w + k[0]) * (uint32_t)((uint32_t)(w >> 32) + k[1]);
}

static inline uint32_t
ct_hash_fold(uint64_t nh)
{
#ifdef __SSE4_2__
	return (uint32_t)_mm_crc32_u64(ct_hash_key.crc, nh);
#else
	return rte_hash_crc_8byte(nh, ct_hash_key.crc);
#endif
}

/* The hash of an IPv4 key from its two words (addresses, then ports/proto/family). */
static inline uint32_t
ct_hash_v4(uint64_t addrs, uint64_t q4)
{
	return ct_hash_fold(ct_nh(addrs, &ct_hash_key.nh[0]) + ct_nh(q4, &ct_hash_key.nh[2]));
}

static inline uint32_t
ct_key_hash(const struct ct_key *k)
{
	uint64_t nh = 0;
	unsigned int i;

	/* IPv4 addresses are the low 4 bytes of q[0] and q[2] (the rest is
	 * zero): two words instead of five, the latency of every lookup */
	if (k->family == DP_FAM_V4)
		return ct_hash_v4(k->q[0] | k->q[2] << 32, k->q[4]);
	for (i = 0; i < 5; i++)
		nh += ct_nh(k->q[i], &ct_hash_key.nh[2 * i]);
	return ct_hash_fold(nh);
}

static inline bool
ct_key_eq(const struct ct_key *a, const struct ct_key *b)
{
	return ((a->q[0] ^ b->q[0]) | (a->q[1] ^ b->q[1]) | (a->q[2] ^ b->q[2]) |
		(a->q[3] ^ b->q[3]) | (a->q[4] ^ b->q[4])) == 0;
}

/*
 * IPv4 key from a packet's addresses and ports as they are in the packet
 * (network order). Returns true when the packet's source is endpoint 1.
 * Built from registers and hashed from them (no store-to-load stall); the
 * hash equals ct_key_hash() of the stored key.
 */
static inline bool
ct_key_v4_hash(struct ct_key *k, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		uint8_t proto, uint32_t *hash)
{
	bool hi = src > dst || (src == dst && sport > dport);
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	uint64_t a = hi ? dst : src, b = hi ? src : dst;
	uint64_t q4 = (uint64_t)(hi ? dport : sport) | (uint64_t)(hi ? sport : dport) << 16 |
		      (uint64_t)proto << 32 | (uint64_t)DP_FAM_V4 << 40;

	k->q[0] = a;
	k->q[1] = 0;
	k->q[2] = b;
	k->q[3] = 0;
	k->q[4] = q4;
	*hash = ct_hash_v4(a | b << 32, q4);	/* as ct_key_hash() */
	return hi;
#else
	k->q[0] = 0;
	k->q[1] = 0;
	k->q[2] = 0;
	k->q[3] = 0;
	memcpy(k->addr[0], hi ? &dst : &src, 4);
	memcpy(k->addr[1], hi ? &src : &dst, 4);
	k->port[0] = hi ? dport : sport;
	k->port[1] = hi ? sport : dport;
	k->proto = proto;
	k->family = DP_FAM_V4;
	k->zero = 0;
#endif
	*hash = ct_key_hash(k);
	return hi;
}

static inline bool
ct_key_v4(struct ct_key *k, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		uint8_t proto)
{
	uint32_t h;

	return ct_key_v4_hash(k, src, dst, sport, dport, proto, &h);
}

static inline bool
ct_key_v6(struct ct_key *k, const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport, uint8_t proto)
{
	int c = memcmp(src, dst, 16);
	bool hi = c > 0 || (c == 0 && sport > dport);

	memcpy(k->addr[0], hi ? dst : src, 16);
	memcpy(k->addr[1], hi ? src : dst, 16);
	k->port[0] = hi ? dport : sport;
	k->port[1] = hi ? sport : dport;
	k->proto = proto;
	k->family = DP_FAM_V6;
	k->zero = 0;
	return hi;
}

static inline void
ct_prefetch(const struct ct_table *t, uint32_t hash)
{
	rte_prefetch0(&t->buckets[hash & t->bucket_mask]);
}

/*
 * The first session of the home bucket with this hash, prefetched, or
 * NULL. It may be stale or another key: check CT_F_USED and the key.
 */
static inline struct ct_session *
ct_home_candidate(const struct ct_table *t, uint32_t hash)
{
	const struct ct_bucket *b = &t->buckets[hash & t->bucket_mask];
	struct ct_session *s = NULL;
#ifdef __SSE4_2__
	__m128i h = _mm_set1_epi32((int)hash);
	__m128i s0 = _mm_load_si128((const __m128i *)(const void *)&b->sig[0]);
	__m128i s1 = _mm_load_si128((const __m128i *)(const void *)&b->sig[4]);	/* sig[4..6], ovf */
	unsigned int m = (unsigned int)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(s0, h))) |
			 ((unsigned int)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(s1, h))) & 0x7) << 4;

	for (; m != 0; m &= m - 1) {
		unsigned int i = (unsigned int)__builtin_ctz(m);

		if (b->idx[i] != 0) {
			s = &t->sessions[b->idx[i] - 1];
			break;
		}
	}
#else
	unsigned int i;

	for (i = 0; i < CT_BUCKET_ENTRIES; i++) {
		if (b->sig[i] == hash && b->idx[i] != 0) {
			s = &t->sessions[b->idx[i] - 1];
			break;
		}
	}
#endif
	if (s != NULL)
		rte_prefetch0(s);
	return s;
}

/* Full lookup: the session with key k, or NULL. */
struct ct_session *ct_lookup(const struct ct_table *t, const struct ct_key *k, uint32_t hash);

/*
 * Create a session for a packet that may open one (the caller checked
 * valid_new and looked up first). orig_hi: the packet's source is endpoint
 * 1. Returns NULL when the table is full (counted in table_full) or the
 * new flow's buckets are (bucket_full: CT_MAX_PROBE).
 */
struct ct_session *ct_create(struct ct_table *t, const struct ct_key *k, uint32_t hash,
		bool orig_hi, const struct ct_pkt *p, uint32_t now);

/* The protocol state beside session s. */
static inline struct ct_l4_ext *
ct_ext(const struct ct_table *t, const struct ct_session *s)
{
	return &t->ext[s - t->sessions];
}

/* Direction of a packet whose source is endpoint pkt_hi of the key. */
static inline enum ct_dir
ct_dir_of(const struct ct_session *s, bool pkt_hi)
{
	return pkt_hi == ((s->flags & CT_F_ORIG_HI) != 0) ? CT_DIR_ORIG : CT_DIR_REPLY;
}

/* Out of line: a state changed (gauges, maybe an earlier deadline). */
void ct_state_changed(struct ct_table *t, struct ct_session *s, uint8_t old, uint32_t now);

/*
 * A packet of session s: run its protocol's state machine. On CT_ACCEPT
 * the session is refreshed (last_seen = now); INVALID and REOPEN leave it
 * untouched (INVALID is counted, p->why says why).
 */
static inline enum ct_verdict
ct_packet(struct ct_table *t, struct ct_session *s, struct ct_pkt *p, bool pkt_hi,
		uint32_t now)
{
	uint8_t old = s->l4.state;
	enum ct_verdict v;

	if (p->proto == IPPROTO_UDP && (old == CT_UDP_ESTABLISHED || ct_dir_of(s, pkt_hi) == CT_DIR_ORIG)) {
		s->last_seen = now;	/* UDP, no state change: ct_udp.c's answer, inline */
		return CT_ACCEPT;
	}
	v = ct_l4_proto_get(p->proto)->update(&s->l4, ct_ext(t, s), p, ct_dir_of(s, pkt_hi));
	if (unlikely(v != CT_ACCEPT)) {
		if (v == CT_INVALID)
			dp_ctr_add(&t->ctr[CT_CTR_invalid], 1);
		return v;
	}
	s->last_seen = now;
	if (unlikely(s->l4.state != old))
		ct_state_changed(t, s, old, now);
	return v;
}

/* Start a new connection on a session whose state machine said REOPEN. */
void ct_reopen(struct ct_table *t, struct ct_session *s, bool orig_hi, const struct ct_pkt *p,
		uint32_t now);

/* Remove a session now. */
void ct_delete(struct ct_table *t, struct ct_session *s);

/* Remove a session on request (counted as flushed). */
void ct_flush_one(struct ct_table *t, struct ct_session *s);

/* Remove a session found idle past its timeout (counted as expired). */
void ct_expire(struct ct_table *t, struct ct_session *s);

/*
 * Ageing: process due wheel entries up to tick now, examining at most
 * budget sessions (and skipping at most CT_AGE_MAX_EMPTY empty slots).
 * Returns the number of sessions examined.
 */
unsigned int ct_age(struct ct_table *t, uint32_t now, unsigned int budget);

/* Seconds / milliseconds to ticks, for timeouts (at least one tick). */
static inline uint32_t
ct_sec_to_ticks(uint32_t sec)
{
	return sec * CT_TICKS_PER_SEC;
}

static inline uint32_t
ct_ms_to_ticks(uint32_t ms)
{
	uint32_t t = (ms + 1000 / CT_TICKS_PER_SEC - 1) / (1000 / CT_TICKS_PER_SEC);

	return t == 0 ? 1 : t;
}

/* True when s has been idle for its state's timeout (the wheel may not have seen it yet). */
static inline bool
ct_expired(const struct ct_table *t, const struct ct_session *s, uint32_t now)
{
	return (int32_t)(now - (s->last_seen + t->timeouts[s->l4.state])) >= 0;
}

#endif /* VFW_CONNTRACK_H */
