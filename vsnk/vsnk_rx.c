/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk rx worker: an rx-only engine (dp_engine.h owns the loop, the rx
 * counters, the idle back-off, the counter reset and the drain at stop);
 * per burst, classify and account every frame, free in bulk. No lock, no
 * syscall, no allocation, no log per packet.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_clock.h"
#include "dp_engine.h"
#include "dp_pkt.h"
#include "dp_port.h"
#include "dp_probe.h"
#include "dp_worker.h"
#include "vsnk.h"

#define PREFETCH_AHEAD 4
#define DRAIN_ROUNDS 64	/* bounded: an endless source never empties */

_Static_assert(VSNK_CTR_malformed_trunc_ext - VSNK_CTR_malformed_trunc_eth ==
	       DP_PKT_TRUNC_EXT - DP_PKT_TRUNC_ETH, "malformed counters follow dp_pkt_status");

struct rx_ctx {
	struct vsnk_worker *vw;
	uint64_t *ctr;			/* this lcore's counter block */
	unsigned int stride;
	struct stream_state *streams;
	uint32_t max_streams;
	bool verify_cksum;
	bool no_fast_path;		/* every frame through the general parser (tests) */
};

/* Per-burst sums of the counters every packet touches (rx ones: the engine). */
struct burst_acc {
	uint64_t probe;
};

static inline void
ctr_inc(const struct rx_ctx *c, uint16_t slot, unsigned int idx)
{
	dp_ctr_slot_add(c->ctr, c->stride, slot, idx, 1);
}

/* 1 when the checksums are right or unknown-and-not-checked, 0 when wrong. */
static inline int
cksum_ok(const struct rx_ctx *c, const struct rte_mbuf *m, const uint8_t *frame,
		const struct dp_pkt_info *pi, uint64_t rx_offloads)
{
	enum dp_rx_ck ip = dp_rx_ip_ck(m->ol_flags), l4 = dp_rx_l4_ck(m->ol_flags);
	bool sw_ip, sw_l4;

	if (ip == DP_RX_CK_BAD || l4 == DP_RX_CK_BAD)
		return 0;
	/* a "good" counts only from a port asked to check (rx_offloads) */
	sw_ip = c->verify_cksum && pi->l3_type == DP_FAM_V4 &&
		!((rx_offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) && ip == DP_RX_CK_GOOD);
	/* an IPv6 final destination not known (routing header): not checkable */
	sw_l4 = c->verify_cksum && !pi->fragment &&
		(pi->l4_proto == IPPROTO_UDP || pi->l4_proto == IPPROTO_TCP ||
		 pi->l4_proto == IPPROTO_ICMPV6 || pi->l4_proto == IPPROTO_ICMP) &&
		!(pi->l3_type == DP_FAM_V6 && pi->l4_dst_off == 0) &&
		l4 != DP_RX_CK_GOOD;
	if (sw_ip && !dp_ipv4_hdr_cksum_ok((const struct rte_ipv4_hdr *)(frame + pi->l3_off)))
		return 0;
	/* across the segments of a chained frame (frame: the first one, or a copy of the headers) */
	if (sw_l4 && !dp_l4_cksum_ok_mbuf(m, frame, pi))
		return 0;
	return 1;
}

/* The protocols whose payload may start with a probe header. */
static inline bool
l4_may_carry_probe(unsigned int proto)
{
	switch (proto) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return true;
	default:
		return false;
	}
}

static inline void
count_foreign(const struct rx_ctx *c, uint16_t slot, const struct dp_pkt_info *pi)
{
	unsigned int idx;

	if (pi->l3_type == DP_FAM_NONE)
		idx = pi->ethertype == RTE_ETHER_TYPE_ARP ? VSNK_CTR_foreign_arp :
							    VSNK_CTR_foreign_non_ip;
	else if (pi->fragment && !pi->first_fragment)
		idx = VSNK_CTR_foreign_fragment;
	else if (pi->l4_proto == IPPROTO_UDP)
		idx = VSNK_CTR_foreign_udp;
	else if (pi->l4_proto == IPPROTO_TCP)
		idx = VSNK_CTR_foreign_tcp;
	else if (pi->l4_proto == IPPROTO_ICMP || pi->l4_proto == IPPROTO_ICMPV6)
		idx = VSNK_CTR_foreign_icmp;
	else
		idx = VSNK_CTR_foreign_ip_other;
	ctr_inc(c, slot, VSNK_CTR_foreign_packets);
	ctr_inc(c, slot, idx);
}

/*
 * The probe at the start of the payload. It is normally in the contiguous
 * bytes the parser saw; when the payload starts at the end of a segment, the
 * 16 bytes are gathered from the chain (only within the IP length).
 */
static inline int
probe_read(const struct rte_mbuf *m, const uint8_t *frame, const struct dp_pkt_info *pi,
		struct dp_probe *probe)
{
	uint8_t buf[DP_PROBE_LEN];
	const void *p;

	if (likely(pi->payload_len >= DP_PROBE_LEN))
		return dp_probe_decode(frame + pi->payload_off, pi->payload_len, probe);
	if (m->nb_segs == 1 || pi->fragment ||
	    (uint32_t)pi->l3_off + pi->l3_len < (uint32_t)pi->payload_off + DP_PROBE_LEN)
		return dp_probe_decode(frame + pi->payload_off, pi->payload_len, probe);
	p = rte_pktmbuf_read(m, pi->payload_off, DP_PROBE_LEN, buf);
	return p == NULL ? -1 : dp_probe_decode(p, DP_PROBE_LEN, probe);
}

static inline void
count_probe(const struct rx_ctx *c, uint16_t slot, const struct dp_probe *probe,
		uint64_t now_ns, uint32_t len, struct burst_acc *acc)
{
	acc->probe++;
	if (likely(probe->stream_id < c->max_streams))
		stream_track_update(&c->streams[probe->stream_id], probe->seq, probe->tx_ns,
				now_ns, len);
	else
		ctr_inc(c, slot, VSNK_CTR_probe_untracked);
}

/*
 * The common frame (untagged IPv4 without options, UDP, whole in one
 * segment: dp_pkt_udp4_simple) accounted without the general parser, with
 * the same checks and the same counters as handle_pkt_slow() would give it.
 * Returns false, having counted nothing, for any other frame and for one
 * whose checksum is wrong or flagged bad: handle_pkt_slow() then classifies
 * it (rare, so it may do the work again).
 */
static inline bool
handle_pkt_fast(const struct rx_ctx *c, uint16_t slot, uint64_t rx_offloads,
		const struct rte_mbuf *m, uint64_t now_ns, struct burst_acc *acc)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t ol = m->ol_flags;
	struct dp_probe probe;
	bool sw_ip, sw_l4;
	uint32_t tot;

	/* multi-segment frames: the general path (it sums across the segments) */
	if (unlikely(c->no_fast_path || m->nb_segs != 1))
		return false;
	tot = dp_pkt_udp4_simple(f, RTE_MIN(m->data_len, m->pkt_len));
	if (unlikely(tot == 0))
		return false;
	/* the verdicts read where they are used: no enum kept across the checks */
	if (unlikely(dp_rx_ip_ck(ol) == DP_RX_CK_BAD || dp_rx_l4_ck(ol) == DP_RX_CK_BAD))
		return false;
	/* as cksum_ok(): software checks only where the port did not vouch */
	sw_ip = c->verify_cksum &&
		!((rx_offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) && dp_rx_ip_ck(ol) == DP_RX_CK_GOOD);
	sw_l4 = c->verify_cksum && dp_rx_l4_ck(ol) != DP_RX_CK_GOOD;
	if ((sw_ip || sw_l4) && unlikely(!dp_pkt_udp4_cksum_ok(f, tot, sw_ip, sw_l4)))
		return false;
	if (likely(dp_probe_decode(f + DP_PKT_UDP4_PAYLOAD_OFF,
			tot - (DP_PKT_UDP4_PAYLOAD_OFF - RTE_ETHER_HDR_LEN), &probe) == 0)) {
		count_probe(c, slot, &probe, now_ns, m->pkt_len, acc);
		return true;
	}
	ctr_inc(c, slot, VSNK_CTR_foreign_packets);
	ctr_inc(c, slot, VSNK_CTR_foreign_udp);
	return true;
}

/* Any frame, through the general parser. */
static void
handle_pkt_slow(const struct rx_ctx *c, uint16_t slot, uint64_t rx_offloads,
		const struct rte_mbuf *m, uint64_t now_ns, struct burst_acc *acc)
{
	uint8_t scratch[DP_PKT_PARSE_COPY];
	struct dp_pkt_info pi;
	struct dp_probe probe;
	const uint8_t *frame;
	enum dp_pkt_status st;
	unsigned int proto;

	st = dp_pkt_parse_mbuf(m, &pi, scratch, &frame);
	if (unlikely(st != DP_PKT_OK)) {
		ctr_inc(c, slot, VSNK_CTR_malformed);
		ctr_inc(c, slot, VSNK_CTR_malformed_trunc_eth + (st - DP_PKT_TRUNC_ETH));
		ctr_inc(c, slot, VSNK_CTR_dropped);
		return;
	}
	if (unlikely(pi.l3_type == DP_FAM_NONE)) {
		count_foreign(c, slot, &pi);
		return;
	}
	/* the IPv4 header checksum is checked on every fragment, L4 on whole packets */
	if (unlikely(!cksum_ok(c, m, frame, &pi, rx_offloads))) {
		ctr_inc(c, slot, VSNK_CTR_bad_checksum);
		ctr_inc(c, slot, VSNK_CTR_dropped);
		return;
	}
	if (unlikely(pi.fragment && !pi.first_fragment)) {
		count_foreign(c, slot, &pi);
		return;
	}
	proto = pi.l4_proto;
	if (l4_may_carry_probe(proto)) {
		if (probe_read(m, frame, &pi, &probe) == 0) {
			count_probe(c, slot, &probe, now_ns, m->pkt_len, acc);
			return;
		}
	}
	count_foreign(c, slot, &pi);
}

static inline void
handle_pkt(const struct rx_ctx *c, uint16_t slot, uint64_t rx_offloads, struct rte_mbuf *m,
		uint64_t now_ns, struct burst_acc *acc)
{
	if (likely(handle_pkt_fast(c, slot, rx_offloads, m, now_ns, acc)))
		return;
	handle_pkt_slow(c, slot, rx_offloads, m, now_ns, acc);
}

/* The engine's per-burst work: one burst of the worker's queue qi. */
static inline unsigned int
rx_on_burst(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts, uint16_t n)
{
	const struct rx_ctx *c = e->app;
	const struct dp_queue_ref *q = &e->w->rxq[qi];
	const struct dp_port *port = &dp_ports[q->port];
	struct burst_acc acc = { 0 };
	uint64_t now_ns, bytes = 0;
	uint16_t i;

	if (n == 0)
		return 0;
	now_ns = dp_clock_ns();
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
		handle_pkt(c, q->port, port->rx_offloads, pkts[i], now_ns, &acc);
	}
	e->rx_bytes = bytes;	/* the engine counts them (burst_sums_rx_bytes) */
	rte_pktmbuf_free_bulk(pkts, n);
	if (acc.probe != 0)
		dp_ctr_slot_add(c->ctr, c->stride, q->port, VSNK_CTR_probe_packets, acc.probe);
	return n;
}

static void
consume_reset(struct vsnk_worker *vw, uint32_t max_streams)
{
	if (likely(atomic_load_explicit(&vw->reset_req, memory_order_relaxed) == 0))
		return;
	memset(vw->streams, 0, sizeof(*vw->streams) * max_streams);
	atomic_store_explicit(&vw->reset_req, 0, memory_order_release);
}

/* Between bursts: a stats reset of the worker's streams (REST). */
static void
rx_housekeeping(struct dp_engine_ctx *e)
{
	const struct rx_ctx *c = e->app;

	consume_reset(c->vw, c->max_streams);
}

/* The flags a restart may have changed while the worker was paused (vsnk_reload.c). */
static void
rx_flags_load(struct rx_ctx *c)
{
	c->verify_cksum = __atomic_load_n(&vsnk.opt.verify_cksum, __ATOMIC_RELAXED);
	c->no_fast_path = __atomic_load_n(&vsnk.opt.no_fast_path, __ATOMIC_RELAXED);
}

static void
rx_resume(struct dp_engine_ctx *e, uint64_t paused_tsc)
{
	RTE_SET_USED(paused_tsc);
	rx_flags_load(e->app);
}

static const struct dp_engine vsnk_rx_engine = {
	.name = "vsnk-rx",
	.on_burst = rx_on_burst,
	.resume = rx_resume,
	.burst_sums_rx_bytes = true,
	.housekeeping = rx_housekeeping,
	.drain_rx_rounds = DRAIN_ROUNDS,
};

int
vsnk_rx_worker(void *arg)
{
	struct dp_worker *w = arg;
	struct vsnk_worker *vw = &vsnk.workers[w->index];
	struct rx_ctx c = {
		.vw = vw,
		.ctr = dp_counters_lcore(vsnk.ctrs, w->lcore),
		.stride = vsnk.ctrs->stride,
		.streams = vw->streams,
		.max_streams = vsnk.opt.max_streams,
	};
	const struct dp_engine_conf conf = {
		.app = &c,
		.burst = vsnk.cfg.burst,
		.idle_sleep_us = vsnk.cfg.idle_sleep_us,
		.port_ctrs = vsnk.ctrs,
		.tx_drop_ctr = VSNK_CTR_dropped,	/* vsnk sends nothing */
		.tx_retry_ctr = DP_ENGINE_NO_CTR,
		.reset = { vsnk.ctrs },
	};
	struct dp_engine_ctx e;

	if (w->nb_rxq == 0)
		return 0;	/* more workers than rx queues */
	rx_flags_load(&c);
	if (dp_engine_ctx_init(&e, w, &conf) != 0)
		return -ENOMEM;
	return dp_engine_run(&vsnk_rx_engine, &e);
}
