/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg tx worker: take the streams due now from the schedule (at most one
 * burst), build them from their templates, stamp the probe, send, account;
 * poll rx now and then for ARP; report a quiescent state once per loop.
 *
 * Time: one rte_rdtsc() per loop. The probe's tx time is that reading,
 * converted to ns (the burst time: when the packets are built, just before
 * rte_eth_tx_burst), not the ideal deadline, so inter-departure times from
 * the probes show the real pacing error.
 *
 * No lock, no allocation from libc, no log, and no syscall except the idle
 * sleep (--idle-sleep) when nothing is due.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "arp.h"
#include "dp_clock.h"
#include "dp_port.h"
#include "dp_worker.h"
#include "gen.h"
#include "pace.h"
#include "streams.h"
#include "vpkg.h"

#define SLEEP_MARGIN_US 80	/* wake this early and spin to the deadline */
#define SLEEP_MIN_US 150	/* do not sleep for less */

struct tx_ctx {
	struct vpkg_worker *vw;
	unsigned int wid;		/* worker index = QSBR thread id */
	uint64_t *pctr;			/* this lcore's port counter block */
	unsigned int pstride;
	uint64_t *sctr;			/* this lcore's stream counter block */
	unsigned int sstride;
	uint16_t burst;
	uint32_t tx_retry;
	struct rte_mempool *pool;
};

static inline void
pctr_add(const struct tx_ctx *c, uint16_t port, unsigned int idx, uint64_t n)
{
	dp_ctr_add(&c->pctr[port * c->pstride + idx], n);
}

static inline void
sctr_add(const struct tx_ctx *c, uint16_t id, unsigned int idx, uint64_t n)
{
	dp_ctr_add(&c->sctr[id * c->sstride + idx], n);
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
static inline uint64_t
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
	return bytes;
}

/* Send n built packets of one port; account per port and per stream. */
static void
send_port(const struct tx_ctx *c, uint16_t port, struct rte_mbuf **m, const uint32_t *idx,
		const uint16_t *len, uint16_t n, uint64_t now)
{
	const struct dp_port *dp = &dp_ports[port];
	uint16_t q = (uint16_t)c->vw->txq[port];
	uint16_t sent, i, run;
	uint32_t tries = 0;
	uint64_t bytes = 0;

	sent = rte_eth_tx_burst(dp->port_id, q, m, n);
	while (unlikely(sent < n) && tries < c->tx_retry) {
		tries++;
		sent += rte_eth_tx_burst(dp->port_id, q, m + sent, n - sent);
	}
	if (unlikely(sent < n)) {
		rte_pktmbuf_free_bulk(m + sent, n - sent);
		pctr_add(c, port, VPKG_CTR_tx_refused, n - sent);
		pctr_add(c, port, VPKG_CTR_dropped, n - sent);
	}
	if (unlikely(tries != 0))
		pctr_add(c, port, VPKG_CTR_tx_retries, tries);
	/* per stream, by runs of the same stream */
	for (i = 0; i < n; i = run) {
		for (run = i + 1; run < n && idx[run] == idx[i]; run++)
			;
		bytes += account_run(c, &c->vw->local[idx[i]], len, i, run, sent, now);
	}
	pctr_add(c, port, VPKG_CTR_tx_packets, sent);
	pctr_add(c, port, VPKG_CTR_tx_bytes, bytes);
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
			pctr_add(c, lo->cs->port, VPKG_CTR_tx_nombuf, 1);
			pctr_add(c, lo->cs->port, VPKG_CTR_dropped, 1);
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

static void
poll_rx(const struct tx_ctx *c, const struct dp_worker *w)
{
	struct rte_mbuf *pkts[DP_MAX_BURST];
	uint16_t i, j, n;

	for (i = 0; i < w->nb_rxq; i++) {
		const struct dp_queue_ref *q = &w->rxq[i];
		uint64_t bytes = 0;

		if (q->queue == 0)
			vpkg_arp_poll_request(q->port, c->vw->txq[q->port], c->pctr, c->pstride);
		n = rte_eth_rx_burst(dp_ports[q->port].port_id, q->queue, pkts, c->burst);
		if (n == 0)
			continue;
		for (j = 0; j < n; j++)
			bytes += pkts[j]->pkt_len;
		pctr_add(c, q->port, VPKG_CTR_rx_packets, n);
		pctr_add(c, q->port, VPKG_CTR_rx_bytes, bytes);
		vpkg_arp_rx(q->port, c->vw->txq[q->port], pkts, n, c->pctr, c->pstride);
	}
}

/* Nothing due: sleep towards the next deadline, bounded by --idle-sleep, RCU offline. */
static void
idle_sleep(const struct tx_ctx *c, uint64_t now, uint32_t max_us)
{
	uint64_t next = vpkg_sched_next(c->vw->sched);
	uint64_t hz = dp_clock_tsc_hz(), us;

	if (next <= now)
		return;
	us = next == UINT64_MAX ? max_us : (next - now) * 1000000 / hz;
	if (us < SLEEP_MIN_US)
		return;
	if (next != UINT64_MAX)
		us -= SLEEP_MARGIN_US;
	if (us > max_us)
		us = max_us;
	rte_rcu_qsbr_thread_offline(vpkg_streams_qsbr(), c->wid);
	rte_delay_us_sleep((unsigned int)us);
	rte_rcu_qsbr_thread_online(vpkg_streams_qsbr(), c->wid);
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

int
vpkg_tx_worker(void *arg)
{
	struct dp_worker *w = arg;
	struct vpkg_worker *vw = &vpkg.workers[w->index];
	struct rte_rcu_qsbr *qs = vpkg_streams_qsbr();
	const uint64_t rx_gap = dp_clock_tsc_hz() * VPKG_RX_INTERVAL_US / 1000000;
	const uint32_t max_us = vpkg.cfg.idle_sleep_us;
	struct tx_ctx c = {
		.vw = vw,
		.wid = w->index,
		.pctr = dp_counters_lcore(vpkg.port_ctrs, w->lcore),
		.pstride = vpkg.port_ctrs->stride,
		.sctr = dp_counters_lcore(vpkg.stream_ctrs, w->lcore),
		.sstride = vpkg.stream_ctrs->stride,
		.burst = vpkg.cfg.burst,
		.tx_retry = vpkg.opt.tx_retry,
		.pool = dp_pktmbuf_pool,
	};
	uint64_t cur_gen = 0;	/* generations, not pointers: a freed table's address comes back */
	uint32_t idx[DP_MAX_BURST];
	uint64_t next_rx = 0, skips = 0;

	rte_rcu_qsbr_thread_register(qs, c.wid);
	rte_rcu_qsbr_thread_online(qs, c.wid);
	while (!dp_should_quit()) {
		const struct vpkg_table *t;
		uint64_t now;
		uint16_t n;

		rte_rcu_qsbr_quiescent(qs, c.wid);	/* no table reference held here */
		t = vpkg_table_load();
		now = rte_rdtsc();
		if (unlikely((t != NULL ? t->gen : 0) != cur_gen)) {
			resync(vw, t, c.wid, now);
			cur_gen = t != NULL ? t->gen : 0;
		}
		n = vpkg_sched_due(vw->sched, now, c.burst, idx);
		if (n != 0)
			send_burst(&c, idx, n, now);
		if (unlikely(vw->sched->nb_finished != 0))
			mark_finished(vw);
		if (unlikely(vw->sched->skips != skips)) {
			skips = vw->sched->skips;
			__atomic_store_n(&vw->skips, skips, __ATOMIC_RELAXED);
		}
		if (unlikely(now >= next_rx)) {
			poll_rx(&c, w);
			next_rx = now + rx_gap;
		}
		dp_counters_poll_reset(vpkg.port_ctrs, w->lcore);
		dp_counters_poll_reset(vpkg.stream_ctrs, w->lcore);
		if (unlikely(atomic_load_explicit(&vw->reset_req, memory_order_acquire) != 0)) {
			reset_own(vw);
			skips = 0;
		}
		if (n == 0 && max_us != 0)
			idle_sleep(&c, rte_rdtsc(), max_us);
	}
	/* stop: nothing is held between loops (refused packets are freed at once) */
	rte_rcu_qsbr_thread_offline(qs, c.wid);
	rte_rcu_qsbr_thread_unregister(qs, c.wid);
	return 0;
}
