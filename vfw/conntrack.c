/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-worker session table: index, free list, timer wheel (see
 * conntrack.h for the design and why it is per worker).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sys/mman.h>
#include <sys/random.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "conntrack.h"

#define WHEEL_MASK (CT_WHEEL_SLOTS - 1)

/* ct_home_candidate() reads sig[0..3] and sig[4..6]+ovf as two 16-byte vectors */
_Static_assert(offsetof(struct ct_bucket, sig) == 0 && offsetof(struct ct_bucket, ovf) == 28 &&
	       sizeof(struct ct_bucket) == RTE_CACHE_LINE_SIZE, "bucket layout");
_Static_assert(sizeof(struct ct_session) == RTE_CACHE_LINE_SIZE, "one cache line per session");
_Static_assert(sizeof(struct ct_key) == 40, "key size");
_Static_assert(sizeof(struct ct_l4_state) == 1 && CT_STATE_MAX <= 32, "protocol state in one byte");
_Static_assert(sizeof(struct ct_l4_ext) == 32, "two protocol states per cache line");

/* read by every lookup: a line of its own, never next to data that is written */
struct ct_hash_key ct_hash_key __rte_cache_aligned;
static bool hash_key_set;

int
ct_hash_seed_random(void)
{
	struct ct_hash_key k;
	size_t got = 0;

	while (got < sizeof(k)) {
		ssize_t n = getrandom((char *)&k + got, sizeof(k) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	ct_hash_key = k;
	hash_key_set = true;
	return 0;
}

/* splitmix64: spreads a test's seed over the key's words */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
ct_hash_seed_set(uint64_t seed)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ct_hash_key.nh); i++)
		ct_hash_key.nh[i] = (uint32_t)splitmix64(&seed);
	ct_hash_key.crc = (uint32_t)splitmix64(&seed);
	hash_key_set = true;
}

const char *const ct_state_names[CT_STATE_MAX] = {
#define CT_STATE_NAME(e, name, sec, help) [CT_##e] = #name,
	VFW_CT_STATES(CT_STATE_NAME)
#undef CT_STATE_NAME
};

const char *const ct_state_help[CT_STATE_MAX] = {
#define CT_STATE_HELP(e, name, sec, help) [CT_##e] = help,
	VFW_CT_STATES(CT_STATE_HELP)
#undef CT_STATE_HELP
};

const uint32_t ct_default_timeout_sec[CT_STATE_MAX] = {
#define CT_STATE_SEC(e, name, sec, help) [CT_##e] = sec,
	VFW_CT_STATES(CT_STATE_SEC)
#undef CT_STATE_SEC
};

const struct dp_counter_desc ct_ctr_desc[CT_CTR_MAX] = {
	VFW_SESS_COUNTERS(DP_CTR_DESC)
};

const struct dp_counter_desc ct_gauge_desc[CT_G_MAX] = {
	{ "active", "Sessions in the tables" },
#define CT_STATE_DESC(e, name, sec, help) { #name, help },
	VFW_CT_STATES(CT_STATE_DESC)
#undef CT_STATE_DESC
};

int
ct_state_find(const char *name)
{
	int i;

	for (i = 0; i < CT_STATE_MAX; i++)
		if (strcmp(ct_state_names[i], name) == 0)
			return i;
	return -1;
}

static uint32_t
nb_buckets_for(uint32_t max_sessions)
{
	uint32_t n = 1;

	/* at most 4 sessions per 7-entry bucket on average when full */
	while (n < (max_sessions + 3) / 4)
		n <<= 1;
	return n < 2 ? 2 : n;
}

size_t
ct_table_memsize(uint32_t max_sessions)
{
	return (size_t)max_sessions * (sizeof(struct ct_session) + sizeof(struct ct_l4_ext)) +
	       (size_t)nb_buckets_for(max_sessions) * sizeof(struct ct_bucket) +
	       CT_WHEEL_SLOTS * sizeof(uint32_t);
}

/*
 * Zeroed memory for a table. With hugepages: EAL memory on the worker's
 * socket. Without (--no-huge, where EAL memory is shared 4 KiB pages): an
 * anonymous mapping with transparent huge pages asked for before it is
 * first touched, because a session table is accessed at random and with
 * 4 KiB pages nearly every access would also miss the TLB. Start-up only.
 */
static void *
table_alloc(struct ct_table *t, const char *name, size_t size, int socket)
{
	void *p;

	if (!t->mapped)
		return rte_zmalloc_socket(name, size, RTE_CACHE_LINE_SIZE, socket);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);	/* a hint: errors do not matter */
	memset(p, 0, size);			/* fault it in now, not on the fast path */
	return p;
}

static void
table_free(const struct ct_table *t, void *p, size_t size)
{
	if (p == NULL)
		return;
	if (t->mapped)
		munmap(p, size);
	else
		rte_free(p);
}

int
ct_table_init(struct ct_table *t, uint32_t max_sessions, const uint32_t *timeouts,
		uint64_t *ctr, uint64_t *gauge, uint32_t now, int socket, char *err, size_t errlen)
{
	uint32_t nb = nb_buckets_for(max_sessions), i;

	memset(t, 0, sizeof(*t));
	if (max_sessions < CT_MIN_SESSIONS || max_sessions > CT_MAX_SESSIONS) {
		snprintf(err, errlen, "session table size %u out of range %u..%u", max_sessions,
			 CT_MIN_SESSIONS, CT_MAX_SESSIONS);
		return -EINVAL;
	}
	if (!hash_key_set && ct_hash_seed_random() != 0) {
		snprintf(err, errlen, "cannot draw the session hash key: getrandom: %s",
			 strerror(errno));
		return -EIO;
	}
	t->bucket_mask = nb - 1;
	t->max_sessions = max_sessions;
	t->mapped = !rte_eal_has_hugepages();
	t->sessions = table_alloc(t, "vfw_ct_sessions", (size_t)max_sessions * sizeof(*t->sessions),
			socket);
	t->ext = table_alloc(t, "vfw_ct_ext", (size_t)max_sessions * sizeof(*t->ext), socket);
	t->buckets = table_alloc(t, "vfw_ct_buckets", (size_t)nb * sizeof(*t->buckets), socket);
	t->wheel = table_alloc(t, "vfw_ct_wheel", CT_WHEEL_SLOTS * sizeof(*t->wheel), socket);
	if (t->sessions == NULL || t->ext == NULL || t->buckets == NULL || t->wheel == NULL) {
		snprintf(err, errlen, "cannot allocate a session table of %u sessions (%zu MiB); "
			 "lower --max-sessions or give EAL more memory (-m MB, hugepages)",
			 max_sessions, ct_table_memsize(max_sessions) >> 20);
		ct_table_fini(t);
		return -ENOMEM;
	}
	for (i = 0; i < max_sessions; i++)
		t->sessions[i].next = i + 1 < max_sessions ? i + 2 : 0;
	t->free_head = 1;
	t->cursor = now;
	memcpy(t->timeouts, timeouts, sizeof(t->timeouts));
	t->ctr = ctr;
	t->gauge = gauge;
	return 0;
}

void
ct_table_fini(struct ct_table *t)
{
	table_free(t, t->sessions, (size_t)t->max_sessions * sizeof(*t->sessions));
	table_free(t, t->ext, (size_t)t->max_sessions * sizeof(*t->ext));
	table_free(t, t->buckets, (size_t)(t->bucket_mask + 1) * sizeof(*t->buckets));
	table_free(t, t->wheel, CT_WHEEL_SLOTS * sizeof(*t->wheel));
	t->sessions = NULL;
	t->ext = NULL;
	t->buckets = NULL;
	t->wheel = NULL;
}

static inline uint32_t
sidx(const struct ct_table *t, const struct ct_session *s)
{
	return (uint32_t)(s - t->sessions);
}

/* --- timer wheel --- */

static void
wheel_unlink(struct ct_table *t, struct ct_session *s)
{
	if (s->prev != 0)
		t->sessions[s->prev - 1].next = s->next;
	else
		t->wheel[s->deadline & WHEEL_MASK] = s->next;
	if (s->next != 0)
		t->sessions[s->next - 1].prev = s->prev;
	s->next = 0;
	s->prev = 0;
}

/* Schedule s at tick deadline, kept within one revolution of the cursor. */
static void
wheel_link(struct ct_table *t, struct ct_session *s, uint32_t deadline)
{
	uint32_t slot, self = sidx(t, s) + 1;

	if ((int32_t)(deadline - t->cursor) < 0)
		deadline = t->cursor;
	else if (deadline - t->cursor >= CT_WHEEL_SLOTS)
		deadline = t->cursor + CT_WHEEL_SLOTS - 1;
	s->deadline = deadline;
	slot = deadline & WHEEL_MASK;
	s->prev = 0;
	s->next = t->wheel[slot];
	if (s->next != 0)
		t->sessions[s->next - 1].prev = self;
	t->wheel[slot] = self;
}

/* --- index --- */

/* Buckets an entry may be from its home: CT_MAX_PROBE, or all of a small table. */
static inline uint32_t
max_probe(const struct ct_table *t)
{
	return t->bucket_mask < CT_MAX_PROBE ? t->bucket_mask + 1 : CT_MAX_PROBE;
}

struct ct_session *
ct_lookup(const struct ct_table *t, const struct ct_key *k, uint32_t hash)
{
	uint32_t b = hash & t->bucket_mask, n, probe = max_probe(t);
	unsigned int i;

	for (n = 0; n < probe; n++) {
		const struct ct_bucket *bk = &t->buckets[b];

		for (i = 0; i < CT_BUCKET_ENTRIES; i++) {
			if (bk->sig[i] == hash && bk->idx[i] != 0) {
				struct ct_session *s = &t->sessions[bk->idx[i] - 1];

				if (ct_key_eq(&s->key, k))
					return s;
			}
		}
		if (bk->ovf == 0)
			break;
		b = (b + 1) & t->bucket_mask;
	}
	return NULL;
}

/* Store (hash, self) in the first free entry within max_probe() buckets; false if none. */
static bool
index_add(struct ct_table *t, uint32_t hash, uint32_t self)
{
	uint32_t home = hash & t->bucket_mask, n, j, probe = max_probe(t);
	unsigned int i;

	for (n = 0; n < probe; n++) {
		struct ct_bucket *bk = &t->buckets[(home + n) & t->bucket_mask];

		for (i = 0; i < CT_BUCKET_ENTRIES; i++) {
			if (bk->idx[i] == 0) {
				bk->sig[i] = hash;
				bk->idx[i] = self;
				for (j = 0; j < n; j++)	/* the buckets passed count the spill */
					t->buckets[(home + j) & t->bucket_mask].ovf++;
				return true;
			}
		}
	}
	return false;
}

static void
index_del(struct ct_table *t, uint32_t hash, uint32_t self)
{
	uint32_t b = hash & t->bucket_mask, n, probe = max_probe(t);
	unsigned int i;

	for (n = 0; n < probe; n++) {
		struct ct_bucket *bk = &t->buckets[b];

		for (i = 0; i < CT_BUCKET_ENTRIES; i++) {
			if (bk->idx[i] == self) {
				bk->idx[i] = 0;
				bk->sig[i] = 0;
				/* undo the spill counts of the buckets passed on insert */
				while (n-- > 0) {
					b = (b - 1) & t->bucket_mask;
					t->buckets[b].ovf--;
				}
				return;
			}
		}
		b = (b + 1) & t->bucket_mask;
	}
}

/* --- sessions --- */

static inline void
gauge(struct ct_table *t, uint8_t state, int64_t d)
{
	dp_ctr_add(&t->gauge[CT_G_STATE_BASE + state], (uint64_t)d);
}

struct ct_session *
ct_create(struct ct_table *t, const struct ct_key *k, uint32_t hash, bool orig_hi,
		const struct ct_pkt *p, uint32_t now)
{
	struct ct_session *s;
	uint32_t self = t->free_head;

	if (unlikely(self == 0)) {
		dp_ctr_add(&t->ctr[CT_CTR_table_full], 1);
		return NULL;
	}
	if (unlikely(!index_add(t, hash, self))) {
		dp_ctr_add(&t->ctr[CT_CTR_bucket_full], 1);
		return NULL;
	}
	s = &t->sessions[self - 1];
	t->free_head = s->next;
	s->key = *k;
	s->hash = hash;
	s->flags = CT_F_USED | (orig_hi ? CT_F_ORIG_HI : 0);
	s->nh[CT_DIR_ORIG] = s->nh[CT_DIR_REPLY] = 0;
	s->last_seen = now;
	ct_l4_proto_get(p->proto)->init(&s->l4, ct_ext(t, s), p);
	wheel_link(t, s, now + t->timeouts[s->l4.state]);
	t->nb_active++;
	dp_ctr_add(&t->gauge[CT_G_active], 1);
	dp_ctr_add(&t->ctr[CT_CTR_created], 1);
	gauge(t, s->l4.state, 1);
	return s;
}

void
ct_state_changed(struct ct_table *t, struct ct_session *s, uint8_t old, uint32_t now)
{
	uint32_t deadline = now + t->timeouts[s->l4.state];

	gauge(t, old, -1);
	gauge(t, s->l4.state, 1);
	/* a shorter timeout must fire earlier; a longer one is fixed lazily */
	if ((int32_t)(deadline - s->deadline) < 0) {
		wheel_unlink(t, s);
		wheel_link(t, s, deadline);
	}
}

void
ct_reopen(struct ct_table *t, struct ct_session *s, bool orig_hi, const struct ct_pkt *p,
		uint32_t now)
{
	uint8_t old = s->l4.state;

	s->flags = CT_F_USED | (orig_hi ? CT_F_ORIG_HI : 0);
	s->nh[CT_DIR_ORIG] = s->nh[CT_DIR_REPLY] = 0;	/* the originator may have changed sides */
	ct_l4_proto_get(p->proto)->init(&s->l4, ct_ext(t, s), p);
	s->last_seen = now;
	dp_ctr_add(&t->ctr[CT_CTR_reopened], 1);
	ct_state_changed(t, s, old, now);
}

/* Back to the free list (already off the wheel). */
static void
release(struct ct_table *t, struct ct_session *s)
{
	uint32_t self = sidx(t, s) + 1;

	index_del(t, s->hash, self);
	gauge(t, s->l4.state, -1);
	s->flags = 0;
	s->prev = 0;
	s->next = t->free_head;
	t->free_head = self;
	t->nb_active--;
}

void
ct_delete(struct ct_table *t, struct ct_session *s)
{
	if (!(s->flags & CT_F_USED))
		return;
	wheel_unlink(t, s);
	release(t, s);
	dp_ctr_add(&t->gauge[CT_G_active], (uint64_t)-1);
}

void
ct_expire(struct ct_table *t, struct ct_session *s)
{
	ct_delete(t, s);
	dp_ctr_add(&t->ctr[CT_CTR_expired], 1);
}

void
ct_flush_one(struct ct_table *t, struct ct_session *s)
{
	if (!(s->flags & CT_F_USED))
		return;
	ct_delete(t, s);
	dp_ctr_add(&t->ctr[CT_CTR_flushed], 1);
}

unsigned int
ct_age(struct ct_table *t, uint32_t now, unsigned int budget)
{
	unsigned int work = 0, empty = 0, expired = 0;

	while (work < budget && (int32_t)(now - t->cursor) >= 0) {
		uint32_t head = t->wheel[t->cursor & WHEEL_MASK];
		struct ct_session *s;
		uint32_t deadline;

		if (head == 0) {
			if (now == t->cursor || ++empty >= CT_AGE_MAX_EMPTY)
				break;	/* the current tick stays open for new entries */
			t->cursor++;
			continue;
		}
		s = &t->sessions[head - 1];
		work++;
		wheel_unlink(t, s);
		deadline = s->last_seen + t->timeouts[s->l4.state];
		if ((int32_t)(now - deadline) >= 0) {
			release(t, s);
			expired++;
		} else {
			wheel_link(t, s, deadline);
		}
	}
	if (work != 0)
		dp_ctr_add(&t->ctr[CT_CTR_age_checks], work);
	if (expired != 0) {
		dp_ctr_add(&t->ctr[CT_CTR_expired], expired);
		dp_ctr_add(&t->gauge[CT_G_active], (uint64_t)-(int64_t)expired);
	}
	return work;
}
