/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore counters.
 *
 * A counter set is a list of named 64-bit counters (defined once with an
 * X-macro by its owner, so that C enum, JSON, text, Prometheus and VES names
 * cannot drift) times a number of slots (usually ports). Every lcore has its
 * own cache-aligned block: one writer (the worker running on that lcore),
 * relaxed atomic stores, any number of readers that sum the blocks.
 *
 * Reset: a reader sets the lcore's reset request; the owning worker consumes
 * it with dp_counters_poll_reset() at a quiescent point of its loop and zeroes
 * its own block, so no counter is ever written by two threads.
 */
#ifndef DP_COUNTERS_H
#define DP_COUNTERS_H

#include <stdatomic.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_config.h>

struct dp_counter_desc {
	const char *name;	/* snake_case; JSON key and Prometheus suffix */
	const char *help;	/* one line */
};

/* X-macro helper: X(name, help) -> a struct dp_counter_desc initialiser */
#define DP_CTR_DESC(name, help) { #name, help },

/* Counters every binary keeps per port. */
#define DP_PORT_COUNTERS(X) \
	X(rx_packets, "Packets received by the application") \
	X(rx_bytes,   "Bytes received (L2, without FCS)") \
	X(tx_packets, "Packets sent") \
	X(tx_bytes,   "Bytes sent (L2, without FCS)") \
	X(dropped,    "Packets dropped by the application")

struct dp_counter_block {
	/* written: owning worker (relaxed); read: any thread */
	uint64_t *v;
	/* written: any reader (request), the owning worker (consume) */
	atomic_uint reset_req;
} __rte_cache_aligned;

struct dp_counters {
	const struct dp_counter_desc *desc;	/* immutable after create */
	unsigned int nb_counters;
	unsigned int nb_slots;
	unsigned int stride;	/* counters per slot */
	struct dp_counter_block lcore[RTE_MAX_LCORE];
};

/*
 * Create a set of nb_counters x nb_slots counters for every lcore (memory is
 * allocated at start-up, cache aligned, zeroed). Returns NULL on ENOMEM.
 */
struct dp_counters *dp_counters_create(const struct dp_counter_desc *desc,
		unsigned int nb_counters, unsigned int nb_slots);
void dp_counters_free(struct dp_counters *c);

/* The block a worker writes into (call once, off the fast path). */
static inline uint64_t *
dp_counters_lcore(struct dp_counters *c, unsigned int lcore)
{
	return c->lcore[lcore].v;
}

/* Index of counter idx of slot in a block. */
static inline unsigned int
dp_counters_index(const struct dp_counters *c, unsigned int slot, unsigned int idx)
{
	return slot * c->stride + idx;
}

/* Single-writer add: a relaxed load and store, no locked instruction. */
static inline void
dp_ctr_add(uint64_t *ctr, uint64_t n)
{
	__atomic_store_n(ctr, __atomic_load_n(ctr, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* Add n to counter idx of slot in a block of the given stride (one writer: its lcore). */
static inline void
dp_ctr_slot_add(uint64_t *block, unsigned int stride, unsigned int slot, unsigned int idx,
		uint64_t n)
{
	dp_ctr_add(&block[slot * stride + idx], n);
}

static inline uint64_t
dp_ctr_read(const uint64_t *ctr)
{
	return __atomic_load_n(ctr, __ATOMIC_RELAXED);
}

/* Sum counter idx of slot over all lcores. */
uint64_t dp_counters_sum(const struct dp_counters *c, unsigned int slot, unsigned int idx);
/* Sum every counter of slot into out[nb_counters]. */
void dp_counters_sum_slot(const struct dp_counters *c, unsigned int slot, uint64_t *out);

/* Ask every lcore's worker to zero its block. */
void dp_counters_request_reset(struct dp_counters *c);

/* Worker side: zero the own block if a reset was requested. Cheap when not. */
static inline void
dp_counters_poll_reset(struct dp_counters *c, unsigned int lcore)
{
	struct dp_counter_block *b = &c->lcore[lcore];
	unsigned int i, n;

	if (likely(atomic_load_explicit(&b->reset_req, memory_order_relaxed) == 0))
		return;
	n = c->nb_slots * c->stride;
	for (i = 0; i < n; i++)
		__atomic_store_n(&b->v[i], 0, __ATOMIC_RELAXED);
	atomic_store_explicit(&b->reset_req, 0, memory_order_release);
}

/* Lookup a counter by name; -1 if unknown. */
int dp_counters_find(const struct dp_counters *c, const char *name);

#endif /* DP_COUNTERS_H */
