/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker engine: the one poll loop of every binary.
 *
 * A binary describes its work as a struct dp_engine (in the manner of a
 * testpmd forwarding engine): what to do with one received burst, what is
 * due now when no rx drives it (a generator), what to do between bursts,
 * and what to do before and after the loop. The engine owns everything
 * around that work, written once:
 *   - the quit check, and pause/resume (dp_lifecycle.h): see dp_engine_pause_point();
 *   - rx bursts from the worker's queues, counted (rx_packets, rx_bytes);
 *   - tx: per-port buffering (dp_engine_tx) or a direct burst
 *     (dp_engine_tx_burst) with retries; sent packets counted (tx_packets,
 *     tx_bytes), what the queue did not take freed and counted as a tx drop;
 *   - one RCU QSBR variable per process (dp_rcu()), a quiescent state once
 *     per loop, offline while sleeping;
 *   - counter reset requests (dp_counters_poll_reset) of the binary's sets;
 *   - the idle back-off (dp_idle.h);
 *   - the stop: bounded rx drain, empty bursts to empty a pipeline, tx flush.
 *
 * RCU thread ids: the worker index (struct dp_worker.index, 0..nb_workers-1),
 * in every binary; control threads never register, they only synchronize.
 * Counter blocks stay per lcore (dp_counters.h).
 *
 * The loop, dp_engine_run(), is a static inline function: each binary calls
 * it once with a static const struct dp_engine, so the compiler sees the
 * callbacks and inlines them (no indirect call per burst).
 *
 * Threads: a struct dp_engine_ctx is written and read by its worker only
 * (counters: dp_counters.h; reset requests come through dp_counters).
 */
#ifndef DP_ENGINE_H
#define DP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp_counters.h"
#include "dp_idle.h"
#include "dp_options.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_worker.h"

#define DP_ENGINE_TXBUF 64		/* packets buffered per output port */
#define DP_ENGINE_MAX_RESET 4		/* counter sets whose reset the engine polls */
#define DP_ENGINE_NO_CTR UINT32_MAX	/* "no such counter" */

/* Packets buffered for one output port (dp_ports[] index). */
struct dp_engine_txbuf {
	uint16_t n;
	uint32_t bytes;			/* of the n packets */
	struct rte_mbuf *m[DP_ENGINE_TXBUF];
};

struct dp_engine_ctx;

/*
 * The lifecycle word of one worker (dp_lifecycle.c writes want, the
 * worker acks): want = (request sequence << 1) | paused. The worker reads
 * want once per loop (a relaxed load: no lock on the fast path), acts on a
 * change between two loops, then stores ack = want, so the control side
 * answers only once every worker has acted, like an epoch.
 */
struct dp_engine_lc {
	uint32_t want;
	uint32_t ack;
	uint32_t started;	/* 1 while the worker runs its loop */
	uint64_t started_ms;	/* wall clock when it entered the loop */
} __rte_cache_aligned;

#define DP_ENGINE_LC_PAUSED 1u
#define DP_ENGINE_LC_SLEEP_US 1000	/* poll period while paused */

/* By worker index (struct dp_worker.index). */
extern struct dp_engine_lc dp_engine_lc[RTE_MAX_LCORE];

/*
 * An eventfd a worker writes after each ack, so the lifecycle's waiter
 * sleeps until then instead of polling; -1 = none. Written: main before
 * the workers start (dp_lifecycle_init); read: workers.
 */
extern int dp_engine_lc_ack_fd;

/* Worker: ack want (once per lifecycle change, never per packet). */
void dp_engine_lc_ack(struct dp_engine_ctx *e, uint32_t want);

/*
 * What a binary does; a static const object per binary. Every callback but
 * one of on_burst / on_due may be NULL.
 */
struct dp_engine {
	const char *name;
	/* On the worker before the loop; non-zero ends the worker with that value. */
	int (*begin)(struct dp_engine_ctx *e);
	/*
	 * One rx burst of the worker's queue qi (e->w->rxq[qi]), already
	 * counted (its bytes after the call with burst_sums_rx_bytes). The callback owns the n packets: it sends them
	 * (dp_engine_tx) or frees them. Called with n = 0 too, so a pipeline
	 * moves on when traffic stops. Returns the work done (for the idle
	 * back-off; usually n).
	 */
	unsigned int (*on_burst)(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts,
			uint16_t n);
	/* A generator's work of one loop: what is due now. Returns packets sent or built. */
	unsigned int (*on_due)(struct dp_engine_ctx *e);
	/* Once per loop after the bursts and the tx flush, before the quiescent state. */
	void (*housekeeping)(struct dp_engine_ctx *e);
	/*
	 * Nothing done in this loop: how long to sleep (us, 0 = poll again).
	 * NULL = the --idle-sleep back-off of dp_idle.h.
	 */
	uint32_t (*idle_us)(struct dp_engine_ctx *e);
	/* On the worker after the drain and the last tx flush (still RCU online). */
	void (*end)(struct dp_engine_ctx *e);
	/* At stop: rx rounds over all queues, until two rounds in a row are empty. */
	uint16_t drain_rx_rounds;
	/* At stop, then: empty bursts given to on_burst per queue (a pipeline's depth). */
	uint16_t drain_empty_bursts;
	/* Paused (dp_lifecycle.h), after the pipeline was emptied and tx flushed; optional. */
	void (*pause)(struct dp_engine_ctx *e);
	/*
	 * Resumed after paused_tsc TSC cycles (e->now is fresh): e.g. move a
	 * schedule's deadlines on so nothing is sent to catch up; optional.
	 */
	void (*resume)(struct dp_engine_ctx *e, uint64_t paused_tsc);
	/* Read rte_rdtsc() into e->now at the top of every loop. */
	bool loop_tsc;
	/*
	 * on_burst sums the burst's bytes (rte_pktmbuf_pkt_len, before it
	 * sends or frees a packet) into e->rx_bytes in the pass over the
	 * packets it makes anyway; the engine counts them after the call
	 * instead of walking the burst a second time.
	 */
	bool burst_sums_rx_bytes;
};

/* How a binary sets up one worker's engine (dp_engine_ctx_init). */
struct dp_engine_conf {
	void *app;			/* the binary's per-worker state (e->app) */
	uint16_t burst;			/* rx burst size */
	uint32_t idle_sleep_us;		/* --idle-sleep (0 = busy poll) */
	uint32_t rx_interval_us;	/* poll rx every so often (0 = every loop; needs loop_tsc) */
	/* per-port counters; the first ones DP_PORT_COUNTERS, slot = dp_ports[] index */
	struct dp_counters *port_ctrs;
	uint32_t tx_drop_ctr;		/* counter of packets tx did not take */
	bool tx_drop_is_dropped;	/* count them in 'dropped' as well */
	uint32_t tx_retry;		/* extra tx_burst calls for what was not taken */
	uint32_t tx_retry_ctr;		/* counter of those calls, or DP_ENGINE_NO_CTR */
	struct dp_counters *reset[DP_ENGINE_MAX_RESET];	/* sets to reset on request; NULL ends */
	struct dp_engine_txbuf *txbuf;	/* [RTE_MAX_ETHPORTS] for dp_engine_tx(), or NULL */
};

/* One worker's engine state. Written and read by the worker only. */
struct dp_engine_ctx {
	struct dp_worker *w;
	void *app;
	uint64_t now;			/* rte_rdtsc() at the top of the loop (loop_tsc) */
	uint64_t *pctr;			/* this lcore's port counter block */
	unsigned int pstride;
	uint16_t burst;
	bool tx_drop_is_dropped;
	uint32_t tx_drop_ctr;
	uint32_t tx_retry;
	uint32_t tx_retry_ctr;
	uint32_t rcu_id;		/* = w->index */
	uint32_t lc_seen;		/* the last lifecycle want acted on */
	struct rte_rcu_qsbr *rcu;
	uint64_t rx_gap;		/* tsc between rx rounds; 0 = every loop */
	uint64_t next_rx;
	uint64_t rx_bytes;		/* on_burst's sum (burst_sums_rx_bytes), counted after it */
	struct dp_idle idle;
	unsigned int nb_reset;
	struct dp_counters *reset[DP_ENGINE_MAX_RESET];
	struct dp_engine_txbuf *tx;	/* by dp_ports[] index, NULL when unbuffered */
	uint16_t txq[RTE_MAX_ETHPORTS];	/* this worker's tx queue per port (w->txq) */
};

/*
 * The process's RCU QSBR variable, for every configuration the workers read
 * (created on the first call, sized for RTE_MAX_LCORE thread ids; call it
 * first on the main thread before the workers start). NULL on ENOMEM.
 */
struct rte_rcu_qsbr *dp_rcu(void);
/* Free it (at exit, once no thread is registered). */
void dp_rcu_free(void);

/* Set up e for worker w (main or the worker, before dp_engine_run). */
int dp_engine_ctx_init(struct dp_engine_ctx *e, struct dp_worker *w,
		const struct dp_engine_conf *conf);

/* Counted helpers of the binary's port counters (slot = dp_ports[] index). */
static inline void
dp_engine_ctr_add(const struct dp_engine_ctx *e, uint16_t port, unsigned int idx, uint64_t n)
{
	dp_ctr_slot_add(e->pctr, e->pstride, port, idx, n);
}

/*
 * Send n packets (of bytes bytes in all) on port now, with e->tx_retry
 * retries; frees and counts what the queue did not take. Returns the
 * number sent (m[0..sent) are the driver's now).
 */
uint16_t dp_engine_tx_burst(struct dp_engine_ctx *e, uint16_t port, struct rte_mbuf **m,
		uint16_t n, uint64_t bytes);

/* Send the buffered packets of one port. */
void dp_engine_tx_flush(struct dp_engine_ctx *e, uint16_t port);

/* Buffer m for port; sent when the buffer is full or at the end of the loop. */
static inline void
dp_engine_tx(struct dp_engine_ctx *e, uint16_t port, struct rte_mbuf *m)
{
	struct dp_engine_txbuf *t = &e->tx[port];

	t->m[t->n++] = m;
	t->bytes += rte_pktmbuf_pkt_len(m);
	if (unlikely(t->n == DP_ENGINE_TXBUF))
		dp_engine_tx_flush(e, port);
}

static inline void
dp_engine_flush_all(struct dp_engine_ctx *e)
{
	uint16_t p;

	if (e->tx == NULL)
		return;
	for (p = 0; p < dp_nb_ports; p++)
		if (e->tx[p].n != 0)
			dp_engine_tx_flush(e, p);
}

/* Sleep us microseconds, RCU offline (the syscall is only made when idle). */
void dp_engine_sleep(struct dp_engine_ctx *e, uint32_t us);

/* Start-up and stop of the loop (dp_engine.c): RCU registration. */
void dp_engine_online(struct dp_engine_ctx *e);
void dp_engine_offline(struct dp_engine_ctx *e);

/* One rx burst of every queue of the worker through on_burst; returns the work. */
static __rte_always_inline unsigned int
dp_engine_rx_round(const struct dp_engine *eng, struct dp_engine_ctx *e)
{
	const struct dp_worker *w = e->w;
	struct rte_mbuf *pkts[DP_MAX_BURST];
	unsigned int work = 0;
	uint16_t qi, n, i;

	for (qi = 0; qi < w->nb_rxq; qi++) {
		const struct dp_queue_ref *q = &w->rxq[qi];

		n = rte_eth_rx_burst(dp_ports[q->port].port_id, q->queue, pkts, e->burst);
		if (n != 0) {
			uint64_t bytes = 0;

			dp_engine_ctr_add(e, q->port, DP_PORT_CTR_rx_packets, n);
			if (!eng->burst_sums_rx_bytes) {
				for (i = 0; i < n; i++)
					bytes += rte_pktmbuf_pkt_len(pkts[i]);
				dp_engine_ctr_add(e, q->port, DP_PORT_CTR_rx_bytes, bytes);
			}
		}
		work += eng->on_burst(e, qi, pkts, n);
		if (eng->burst_sums_rx_bytes && n != 0) {
			dp_engine_ctr_add(e, q->port, DP_PORT_CTR_rx_bytes, e->rx_bytes);
			e->rx_bytes = 0;
		}
	}
	return work;
}

static __rte_always_inline void
dp_engine_poll_resets(struct dp_engine_ctx *e)
{
	unsigned int i;

	for (i = 0; i < e->nb_reset; i++)
		dp_counters_poll_reset(e->reset[i], e->w->lcore);
}

/* The stop: drain rx (bounded), empty the binary's pipeline, flush tx. */
static __rte_always_inline void
dp_engine_drain(const struct dp_engine *eng, struct dp_engine_ctx *e)
{
	unsigned int r, k, empty = 0;
	uint16_t qi;

	if (eng->on_burst == NULL)
		return;
	for (r = 0; r < eng->drain_rx_rounds && empty < 2; r++)
		empty = dp_engine_rx_round(eng, e) == 0 ? empty + 1 : 0;
	for (k = 0; k < eng->drain_empty_bursts; k++)
		for (qi = 0; qi < e->w->nb_rxq; qi++)
			eng->on_burst(e, qi, NULL, 0);
}

/*
 * Paused: nothing received or sent (the NIC counts what it drops: rx
 * missed), RCU offline, counter resets still served, until a want without
 * DP_ENGINE_LC_PAUSED or the quit. Every want seen is acked.
 */
static __rte_noinline void
dp_engine_paused(const struct dp_engine *eng, struct dp_engine_ctx *e, uint32_t want)
{
	uint64_t t0 = rte_rdtsc();
	uint16_t qi, k;

	/* between two loops only the tx buffers and the binary's pipeline hold packets */
	if (eng->on_burst != NULL)
		for (k = 0; k < eng->drain_empty_bursts; k++)
			for (qi = 0; qi < e->w->nb_rxq; qi++)
				eng->on_burst(e, qi, NULL, 0);
	dp_engine_flush_all(e);
	if (eng->pause != NULL)
		eng->pause(e);
	rte_rcu_qsbr_thread_offline(e->rcu, e->rcu_id);
	while ((want & DP_ENGINE_LC_PAUSED) != 0) {
		dp_engine_lc_ack(e, want);
		do {
			if (dp_should_quit())
				goto out;
			dp_engine_poll_resets(e);
			rte_delay_us_sleep(DP_ENGINE_LC_SLEEP_US);
			want = __atomic_load_n(&dp_engine_lc[e->rcu_id].want, __ATOMIC_ACQUIRE);
		} while (want == e->lc_seen);
	}
out:
	rte_rcu_qsbr_thread_online(e->rcu, e->rcu_id);
	e->now = rte_rdtsc();
	if (eng->resume != NULL)
		eng->resume(e, e->now - t0);
	dp_idle_busy(&e->idle);
	if (!dp_should_quit())
		dp_engine_lc_ack(e, want);
}

/*
 * The pause point, once per loop and nowhere else: between two loops no
 * packet is held but in the tx buffers and the binary's pipeline, both
 * emptied before pausing (as at stop).
 */
static __rte_always_inline void
dp_engine_pause_point(const struct dp_engine *eng, struct dp_engine_ctx *e)
{
	uint32_t want = __atomic_load_n(&dp_engine_lc[e->rcu_id].want, __ATOMIC_ACQUIRE);

	if (likely(want == e->lc_seen))
		return;
	if ((want & DP_ENGINE_LC_PAUSED) != 0) {
		dp_engine_paused(eng, e, want);
		return;
	}
	dp_engine_lc_ack(e, want);
}

/*
 * The worker loop: runs until dp_quit, drains, returns 0 (or what begin
 * returned). eng must be a compile-time constant object for the callbacks
 * to be inlined.
 */
static __rte_always_inline int
dp_engine_run(const struct dp_engine *eng, struct dp_engine_ctx *e)
{
	int rc;

	if (eng->begin != NULL && (rc = eng->begin(e)) != 0)
		return rc;
	dp_engine_online(e);
	while (!dp_should_quit()) {
		unsigned int work = 0;
		uint32_t us;

		dp_engine_pause_point(eng, e);
		if (eng->loop_tsc)
			e->now = rte_rdtsc();
		if (eng->on_due != NULL)
			work += eng->on_due(e);
		if (eng->on_burst != NULL) {
			if (e->rx_gap == 0) {
				work += dp_engine_rx_round(eng, e);
			} else if (unlikely(e->now >= e->next_rx)) {
				work += dp_engine_rx_round(eng, e);
				e->next_rx = e->now + e->rx_gap;
			}
		}
		dp_engine_flush_all(e);
		if (eng->housekeeping != NULL)
			eng->housekeeping(e);
		rte_rcu_qsbr_quiescent(e->rcu, e->rcu_id);
		dp_engine_poll_resets(e);
		if (likely(work != 0)) {
			dp_idle_busy(&e->idle);
			continue;
		}
		us = eng->idle_us != NULL ? eng->idle_us(e) : dp_idle_next(&e->idle);
		if (us != 0)
			dp_engine_sleep(e, us);
	}
	dp_engine_drain(eng, e);
	dp_engine_flush_all(e);
	if (eng->end != NULL)
		eng->end(e);
	dp_engine_offline(e);
	return 0;
}

#endif /* DP_ENGINE_H */
