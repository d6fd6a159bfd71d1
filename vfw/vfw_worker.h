/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vfw worker's own state (struct vfw_worker, one per worker lcore in
 * vfw.workers) and the helpers its code counts and sends with.
 *
 * Thread safety: written and read by the worker only (counters: see
 * dp_counters.h), except sess_mb (sess_ctl.h's protocol); set up and freed
 * by main while no worker runs (vfw_setup.c).
 */
#ifndef VFW_WORKER_H
#define VFW_WORKER_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "conntrack.h"
#include "dp_counters.h"
#include "dp_engine.h"
#include "sess_ctl.h"

#define VFW_TXBUF DP_ENGINE_TXBUF	/* tx buffered per port (the engine's) */
#define VFW_SOLICIT_SLOTS 64
#define VFW_NEIGH_RECENT 16

struct vfw_solicit {
	uint64_t tsc;			/* last request sent */
	uint8_t family;
	uint16_t port;
	uint8_t ip[16];
};

/*
 * What this worker learned lately, usable before the shared table has it:
 * for a second only, so an entry the table let die (aged, or failed its
 * probes) is not brought back from here.
 */
struct vfw_neigh_recent {
	uint8_t family;			/* 0 = empty */
	uint16_t port;
	uint8_t ip[16];
	struct rte_ether_addr mac;
	uint64_t tsc;			/* when it was learned */
};

struct vfw_worker {
	unsigned int lcore;
	unsigned int index;
	uint64_t *pctr;			/* port counters block of this lcore */
	unsigned int stride;
	struct ct_table ct;
	struct dp_engine_ctx eng;	/* the worker loop's state (dp_engine.h) */
	struct dp_engine_txbuf tx[RTE_MAX_ETHPORTS];	/* by dp_ports[] index: eng.tx */
	struct vfw_solicit solicit[VFW_SOLICIT_SLOTS];
	struct vfw_neigh_recent recent[VFW_NEIGH_RECENT];
	unsigned int recent_next;
	uint64_t tsc_per_tick;
	uint64_t tick_mult;		/* 2^64 / tsc_per_tick */
	uint64_t tick_base;
	void *pipes;			/* per rx queue bursts in flight (forward.c) */
	unsigned int nb_pipes;
	struct vfw_sess_mailbox sess_mb;	/* shared with control threads: see sess_ctl.h */
} __rte_cache_aligned;

/* --- the worker's helpers (forward.c, arp_nd.c) --- */

static inline void
vfw_ctr_inc(struct vfw_worker *w, uint16_t port, unsigned int idx)
{
	dp_ctr_slot_add(w->pctr, w->stride, port, idx, 1);
}

static inline void
vfw_ctr_add(struct vfw_worker *w, uint16_t port, unsigned int idx, uint64_t n)
{
	dp_ctr_slot_add(w->pctr, w->stride, port, idx, n);
}

/*
 * Send m out of port (buffered; the engine sends at the end of the loop,
 * counts tx_packets/tx_bytes, frees and counts as tx_full what the queue
 * does not take).
 */
static inline void
vfw_tx(struct vfw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	dp_engine_tx(&w->eng, port, m);
}

#endif /* VFW_WORKER_H */
