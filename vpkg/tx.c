/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg tx worker: a tx-only engine (dp_engine.h owns the loop: quit, RCU
 * quiescent state, counter reset, tx counting with retries and freeing of
 * what the queue refused, rx now and then). Its work of a loop is what is
 * due now: the streams due from the schedule (at most one burst), built
 * from their templates, probe stamped, sent, accounted per stream; and the
 * rx bursts (every VPKG_RX_INTERVAL_US) go to ARP.
 *
 * Time: one rte_rdtsc() per loop. The probe's tx time is that reading,
 * converted to ns (the burst time: when the packets are built, just before
 * rte_eth_tx_burst), not the ideal deadline, so inter-departure times from
 * the probes show the real pacing error.
 *
 * No lock, no allocation from libc, no log, and no syscall except the idle
 * sleep (--idle-sleep) when nothing is due.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "arp.h"
#include "dp_clock.h"
#include "dp_engine.h"
#include "dp_port.h"
#include "dp_worker.h"
#include "gen.h"
#include "pace.h"
#include "streams.h"
#include "vpkg.h"

#define SLEEP_MARGIN_US 80	/* wake this early and spin to the deadline */
#define SLEEP_MIN_US 150	/* do not sleep for less */

struct tx_ctx {
	struct dp_engine_ctx *e;
	struct vpkg_worker *vw;
	unsigned int wid;		/* worker index */
	uint64_t *sctr;			/* this lcore's stream counter block */
	unsigned int sstride;
	uint16_t burst;
	uint32_t max_us;		/* --idle-sleep */
	struct rte_mempool *pool;
	uint64_t cur_gen;	/* generations, not pointers: a freed table's address comes back */
	uint64_t skips;
};

static inline void
sctr_add(const struct tx_ctx *c, uint16_t id, unsigned int idx, uint64_t n)
{
	dp_ctr_slot_add(c->sctr, c->sstride, id, idx, n);
}

/* Save the schedule's deadlines into the slots, then schedule table t. */
static void
resync(struct vpkg_worker *vw, const struct vpkg_table *t, unsigned int wid, uint64_t now)
{
	struct vpkg_sched *s = vw->sched;
	uint32_t mark = vw->epoch + 1, i, k, nb_paced = 0, j = 0;

	for (i = 0; i < s->n; i++) {
		struct vpkg_slot *st = vw->local[s->heap[i].idx].st;
		const struct vpkg_pace *p = &s->pace[s->heap[i].idx];

		st->deadline = s->heap[i].deadline;
		st->frac = s->heap[i].frac;
		st->gap = p->gap;
		st->gap_frac = p->gap_frac;
		st->paced = 1;
		st->mark = mark;
	}
	for (i = 0; i < s->nb_unpaced; i++) {
		vw->local[s->unpaced[i]].st->paced = 0;
		vw->local[s->unpaced[i]].st->mark = mark;
	}
	vw->epoch = mark;
	vpkg_sched_reset(s, s->max_lag);
	vw->nb_local = 0;
	if (t == NULL || wid >= t->nb_workers)
		return;
	for (k = 0; k < t->wl_cnt[wid]; k++) {
		const struct vpkg_cstream *cs = &t->streams[t->wl_idx[t->wl_off[wid] + k]];

		if (cs->enabled && cs->ready && cs->pps > 0)
			nb_paced++;
	}
	for (k = 0; k < t->wl_cnt[wid]; k++) {
		const struct vpkg_cstream *cs = &t->streams[t->wl_idx[t->wl_off[wid] + k]];
		struct vpkg_slot *st = &vpkg_slots[cs->id];
		uint32_t idx = vw->nb_local++;
		struct vpkg_pace *p = &s->pace[idx];
		uint64_t deadline;
		uint32_t frac = 0;

		vw->local[idx].cs = cs;
		vw->local[idx].st = st;
		if (!cs->enabled || !cs->ready || st->done)
			continue;
		if (cs->count != 0 && st->generated >= cs->count) {
			__atomic_store_n(&st->done, 1, __ATOMIC_RELAXED);
			continue;
		}
		p->gap = cs->gap;
		p->gap_frac = cs->gap_frac;
		p->paced = cs->pps > 0;
		p->remaining = cs->count != 0 ? cs->count - st->generated : VPKG_NO_LIMIT;
		if (st->mark == mark && (st->paced || !p->paced)) {
			deadline = st->deadline;	/* carries on */
			frac = st->frac;
			if (p->paced && (st->gap != p->gap || st->gap_frac != p->gap_frac))
				/* new rate: the next packet follows the last by the new gap */
				vpkg_rebase_deadline(&deadline, &frac, st->gap, st->gap_frac,
						p->gap, p->gap_frac, now);
		} else if (st->mark == mark) {
			deadline = now;		/* unpaced until now: paced from now */
		} else {
			/* (re)started: spread the paced streams over one gap */
			deadline = now;
			if (p->paced && nb_paced > 1)
				deadline += (uint64_t)((double)cs->gap * j / nb_paced);
			if (p->paced)
				j++;
		}
		if (!st->started) {
			st->start_tsc = deadline;
			st->started = 1;
		}
		p->end = cs->duration_tsc != 0 ? st->start_tsc + cs->duration_tsc : UINT64_MAX;
		vpkg_sched_add(s, idx, deadline, frac);
	}
	__atomic_store_n(&vw->table_gen, t->gen, __ATOMIC_RELAXED);
}

/* Account a run of packets [from, to) of one stream: sent below nb_sent, refused above. */
static inline void
account_run(const struct tx_ctx *c, const struct vpkg_local *lo, const uint16_t *len,
		uint16_t from, uint16_t to, uint16_t nb_sent, uint64_t now)
{
	uint16_t id = lo->cs->id, i, sent_end = RTE_MIN(to, RTE_MAX(from, nb_sent));
	uint64_t bytes = 0;

	for (i = from; i < sent_end; i++)
		bytes += len[i];
	if (likely(sent_end > from)) {
		sctr_add(c, id, VPKG_SCTR_tx_packets, sent_end - from);
		sctr_add(c, id, VPKG_SCTR_tx_bytes, bytes);
		if (unlikely(lo->st->first_tsc == 0))
			__atomic_store_n(&lo->st->first_tsc, now, __ATOMIC_RELAXED);
		__atomic_store_n(&lo->st->last_tsc, now, __ATOMIC_RELAXED);
	}
	if (unlikely(to > sent_end))
		sctr_add(c, id, VPKG_SCTR_refused, to - sent_end);
}

/*
 * Send n built packets of one port (the engine counts per port, retries,
 * frees and counts what the queue refused); account per stream.
 */
static void
send_port(const struct tx_ctx *c, uint16_t port, struct rte_mbuf **m, const uint32_t *idx,
		const uint16_t *len, uint16_t n, uint64_t now)
{
	uint16_t sent, i, run;
	uint64_t bytes = 0;

	for (i = 0; i < n; i++)
		bytes += len[i];
	sent = dp_engine_tx_burst(c->e, port, m, n, bytes);
	/* per stream, by runs of the same stream */
	for (i = 0; i < n; i = run) {
		for (run = i + 1; run < n && idx[run] == idx[i]; run++)
			;
		account_run(c, &c->vw->local[idx[i]], len, i, run, sent, now);
	}
}

static void
send_burst(const struct tx_ctx *c, uint32_t *idx, uint16_t n, uint64_t now)
{
	struct vpkg_worker *vw = c->vw;
	struct rte_mbuf *m[DP_MAX_BURST];
	uint16_t len[DP_MAX_BURST];
	struct vpkg_stamp stamp;
	uint64_t now_ns;
	uint16_t i, k, run, port;
	bool one_port = true;

	/* raw mbufs: next, nb_segs and refcnt are already right in the pool (as testpmd txonly) */
	if (unlikely(rte_mempool_get_bulk(c->pool, (void **)m, n) != 0)) {
		for (i = 0; i < n; i++) {
			const struct vpkg_local *lo = &vw->local[idx[i]];

			lo->st->generated++;
			sctr_add(c, lo->cs->id, VPKG_SCTR_refused, 1);
			dp_engine_ctr_add(c->e, lo->cs->port, VPKG_CTR_tx_nombuf, 1);
			dp_engine_ctr_add(c->e, lo->cs->port, VPKG_CTR_dropped, 1);
		}
		return;
	}
	now_ns = dp_clock_ns_at(now);
	vpkg_stamp_init(&stamp, now_ns);
	port = vw->local[idx[0]].cs->port;
	/* by runs of one stream (a whole burst at high rates) */
	for (i = 0; i < n; i = run) {
		const struct vpkg_local *lo = &vw->local[idx[i]];

		for (run = i + 1; run < n && idx[run] == idx[i]; run++)
			;
		vpkg_gen_burst(m + i, run - i, lo->cs, lo->st, &stamp, len + i);
		if (unlikely(vw->txlog.rec != NULL))
			for (k = i; k < run; k++)
				vpkg_txlog_add(&vw->txlog, now_ns,
					       lo->st->seq - (run - k), lo->cs->id, len[k]);
		if (lo->cs->port != port)
			one_port = false;
	}
	if (likely(one_port)) {
		send_port(c, port, m, idx, len, n, now);
		return;
	}
	/* several ports in one burst: send port by port, keeping the order per port */
	while (n > 0) {
		struct rte_mbuf *pm[DP_MAX_BURST];
		uint32_t pidx[DP_MAX_BURST];
		uint16_t plen[DP_MAX_BURST], np = 0;

		port = vw->local[idx[0]].cs->port;
		for (i = 0, k = 0; i < n; i++) {
			if (vw->local[idx[i]].cs->port == port) {
				pm[np] = m[i];
				pidx[np] = idx[i];
				plen[np++] = len[i];
			} else {
				m[k] = m[i];
				idx[k] = idx[i];
				len[k++] = len[i];
			}
		}
		send_port(c, port, pm, pidx, plen, np, now);
		n = k;
	}
}

/*
 * The engine's rx burst of queue qi (every VPKG_RX_INTERVAL_US, counted by
 * the engine): ARP answers; and an ARP request the control side asked for.
 */
static inline unsigned int
tx_on_rx(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts, uint16_t n)
{
	const struct tx_ctx *c = e->app;
	const struct dp_queue_ref *q = &e->w->rxq[qi];
	int16_t txq = c->vw->txq[q->port];

	if (q->queue == 0)
		vpkg_arp_poll_request(q->port, txq, e->pctr, e->pstride);
	if (n != 0)
		vpkg_arp_rx(q->port, txq, pkts, n, e->pctr, e->pstride);
	return n;
}

/* Nothing due: sleep (the engine's, RCU offline) towards the next deadline, at most --idle-sleep. */
static uint32_t
tx_idle_us(struct dp_engine_ctx *e)
{
	const struct tx_ctx *c = e->app;
	uint64_t next = vpkg_sched_next(c->vw->sched), now = rte_rdtsc();
	uint64_t hz = dp_clock_tsc_hz(), us;

	if (c->max_us == 0 || next <= now)
		return 0;
	us = next == UINT64_MAX ? c->max_us : (next - now) * 1000000 / hz;
	if (us < SLEEP_MIN_US)
		return 0;
	if (next != UINT64_MAX)
		us -= SLEEP_MARGIN_US;
	return (uint32_t)RTE_MIN(us, (uint64_t)c->max_us);
}

/* A stats reset (REST): the achieved-rate window of its streams and the skip count restart. */
static void
reset_own(struct vpkg_worker *vw)
{
	uint32_t k;

	for (k = 0; k < vw->nb_local; k++) {
		__atomic_store_n(&vw->local[k].st->first_tsc, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&vw->local[k].st->last_tsc, 0, __ATOMIC_RELAXED);
	}
	vw->sched->skips = 0;
	__atomic_store_n(&vw->skips, 0, __ATOMIC_RELAXED);
	atomic_store_explicit(&vw->reset_req, 0, memory_order_release);
}

static void
mark_finished(struct vpkg_worker *vw)
{
	struct vpkg_sched *s = vw->sched;
	uint32_t i;

	for (i = 0; i < s->nb_finished; i++)
		__atomic_store_n(&vw->local[s->finished[i]].st->done, 1, __ATOMIC_RELAXED);
	s->nb_finished = 0;
}

/* What is due now: the table's streams (re-scheduled when it changed), one burst. */
static inline unsigned int
tx_on_due(struct dp_engine_ctx *e)
{
	struct tx_ctx *c = e->app;
	struct vpkg_worker *vw = c->vw;
	const struct vpkg_table *t;
	uint32_t idx[DP_MAX_BURST];
	uint64_t now = e->now;
	uint16_t n;

	/* no table reference is held across the engine's quiescent state but vw's own */
	t = vpkg_table_load();
	if (unlikely((t != NULL ? t->gen : 0) != c->cur_gen)) {
		resync(vw, t, c->wid, now);
		c->cur_gen = t != NULL ? t->gen : 0;
	}
	n = vpkg_sched_due(vw->sched, now, c->burst, idx);
	if (n != 0)
		send_burst(c, idx, n, now);
	if (unlikely(vw->sched->nb_finished != 0))
		mark_finished(vw);
	if (unlikely(vw->sched->skips != c->skips)) {
		c->skips = vw->sched->skips;
		__atomic_store_n(&vw->skips, c->skips, __ATOMIC_RELAXED);
	}
	return n;
}

/* Between loops: a stats reset of the worker's own figures (REST). */
static void
tx_housekeeping(struct dp_engine_ctx *e)
{
	struct tx_ctx *c = e->app;

	if (unlikely(atomic_load_explicit(&c->vw->reset_req, memory_order_acquire) != 0)) {
		reset_own(c->vw);
		c->skips = 0;
	}
}

/*
 * Resumed after a pause (dp_lifecycle.h): the schedule moves on by the time
 * paused, so the streams continue at their rate with no burst to catch up
 * (adding one constant keeps the heap's order); a stream's end moves too.
 */
static void
tx_resume(struct dp_engine_ctx *e, uint64_t paused_tsc)
{
	struct vpkg_sched *s = ((struct tx_ctx *)e->app)->vw->sched;
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		struct vpkg_pace *p = &s->pace[s->heap[i].idx];

		s->heap[i].deadline += paused_tsc;
		if (p->end != UINT64_MAX)
			p->end += paused_tsc;
	}
}

/* A generator: no rx burst drives it (rx only for ARP, now and then), like testpmd's txonly. */
static const struct dp_engine vpkg_tx_engine = {
	.name = "vpkg-tx",
	.on_due = tx_on_due,
	.on_burst = tx_on_rx,
	.housekeeping = tx_housekeeping,
	.idle_us = tx_idle_us,
	.resume = tx_resume,
	.loop_tsc = true,
};

int
vpkg_tx_worker(void *arg)
{
	struct dp_worker *w = arg;
	struct vpkg_worker *vw = &vpkg.workers[w->index];
	struct dp_engine_ctx e;
	struct tx_ctx c = {
		.e = &e,
		.vw = vw,
		.wid = w->index,
		.sctr = dp_counters_lcore(vpkg.stream_ctrs, w->lcore),
		.sstride = vpkg.stream_ctrs->stride,
		.burst = vpkg.cfg.burst,
		.max_us = vpkg.cfg.idle_sleep_us,
		.pool = dp_pktmbuf_pool,
	};
	const struct dp_engine_conf conf = {
		.app = &c,
		.burst = vpkg.cfg.burst,
		.idle_sleep_us = vpkg.cfg.idle_sleep_us,
		.rx_interval_us = VPKG_RX_INTERVAL_US,
		.port_ctrs = vpkg.port_ctrs,
		.tx_drop_ctr = VPKG_CTR_tx_refused,
		.tx_drop_is_dropped = true,
		.tx_retry = vpkg.opt.tx_retry,
		.tx_retry_ctr = VPKG_CTR_tx_retries,
		.reset = { vpkg.port_ctrs, vpkg.stream_ctrs },
	};

	if (dp_engine_ctx_init(&e, w, &conf) != 0)
		return -ENOMEM;
	/* stop: nothing is held between loops (refused packets are freed at once) */
	return dp_engine_run(&vpkg_tx_engine, &e);
}
