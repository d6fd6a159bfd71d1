/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker: receive a burst, classify it, forward it.
 *
 * Per burst, in stages so that the memory latency of the session table is
 * overlapped across packets (the VPP way):
 *   1. parse and check every packet (inline for plain IPv4 TCP/UDP,
 *      classify.c with dp_pkt_parse() for the rest); local traffic
 *      (ARP, ND, ping to us) is set aside and every drop counted here;
 *      build the session key and prefetch its bucket;
 *   2. read the bucket, prefetch the candidate session;
 *   3. compare keys; a hit runs the protocol's state machine and is
 *      forwarded without looking at the rules (established flows skip the
 *      ACL); misses are collected;
 *   4. the misses are classified together with rte_acl (one call per
 *      family); an allow creates the session (or forwards without one for a
 *      stateless rule), a deny drops.
 * Forwarding: route, next-hop MAC (--eth-peer or the neighbour table),
 * MACs rewritten, TTL / hop limit decremented (IPv4 checksum updated
 * incrementally), buffered per output port, sent once per loop.
 *
 * The loop is the worker engine's (dp_engine.h: rx bursts and their
 * counters, tx flush with counted drops, RCU quiescent state, counter
 * reset, idle back-off, drain at stop); vfw gives it the per-burst work
 * (vfw_on_burst) and, between bursts, bounded ageing of the worker's own
 * sessions and a bounded step of a REST session list/flush request
 * (sess_ctl.h). No lock, no syscall (but the idle back-off), no libc
 * allocation, no log.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "acl.h"
#include "dp_engine.h"
#include "dp_pkt.h"
#include "dp_port.h"
#include "dp_worker.h"
#include "fwd.h"
#include "neigh.h"
#include "nexthop.h"
#include "vfw.h"

#define PREFETCH_AHEAD 4
#define ACL_CHUNK 64

_Static_assert((int)VFW_ROLE_UNPROTECTED == (int)VFW_DIR_IN &&
	       (int)VFW_ROLE_PROTECTED == (int)VFW_DIR_OUT, "a port role is the ACL direction");

/* --- stage 1: parse and check --- */

/* First octets that the fast path leaves to the general one: 1 = as source, 2 = as destination. */
#define O_SRC 1
#define O_DST 2
static const uint8_t octet_check[256] = {
	[0] = O_SRC | O_DST, [127] = O_SRC | O_DST,
	[224 ... 255] = O_SRC | O_DST,	/* multicast, class E, broadcast */
};

/*
 * src or dst is one of our addresses or subnet broadcasts: for the general
 * path (to us; a spoofed or martian source).
 */
static inline bool
v4_special(uint32_t src, uint32_t dst)
{
	unsigned int i;
#ifdef __SSE2__
	__m128i d = _mm_set1_epi32((int)dst), s = _mm_set1_epi32((int)src);

	for (i = 0; i < vfw.nb_v4_special; i += 4) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)&vfw.v4_special[i]);

		if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi32(d, a), _mm_cmpeq_epi32(s, a))) != 0)
			return true;
	}
#else
	for (i = 0; i < vfw.nb_v4_special; i++)
		if (dst == vfw.v4_special[i] || src == vfw.v4_special[i])
			return true;
#endif
	return false;
}

/*
 * The common case, inline: IPv4 without options or fragmentation, TCP or
 * UDP, one segment (the caller checks), for our MAC, to be forwarded, with
 * good checksums.
 * Returns 1 with p filled, or -1 (nothing done: the general path decides).
 */
static inline int
fast_v4_tcpudp(struct rte_mbuf *m, uint8_t *d, uint32_t dlen, struct pkt *p)
{
	uint8_t *ip = d + RTE_ETHER_HDR_LEN, *l4 = ip + 20;
	uint64_t ol = m->ol_flags;
	uint32_t tot, hlen, l4len, src, dst, hash;
	uint8_t proto = ip[9];

	/* the shared recogniser says what is plain; TTL and TCP flags are the firewall's own */
	tot = dp_pkt_v4_simple(d, dlen, &hlen);
	if (unlikely(tot == 0 || ip[8] <= 1))
		return -1;
	l4len = tot - 20;
	if (proto == IPPROTO_TCP) {
		if (unlikely(!ct_tcp_flags_valid(l4[13])))
			return -1;
		p->cp.tcp_flags = l4[13];
		p->cp.l4 = l4;
		p->cp.l4len = l4len;
	} else if (proto != IPPROTO_UDP) {
		return -1;	/* ICMP: the general path (errors quote a flow) */
	}
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	/* not to us, not multicast/broadcast, not martian, not from us */
	if (unlikely(((octet_check[ip[12]] & O_SRC) | (octet_check[ip[16]] & O_DST)) != 0 ||
		     v4_special(src, dst)))
		return -1;
	/* port's verdict, else the checksums in software, fused here (faster than the generic sum) */
	if (dp_rx_ip_ck(ol) != DP_RX_CK_GOOD) {
		uint64_t a, b;
		uint32_t c;

		if (dp_rx_ip_ck(ol) == DP_RX_CK_BAD)
			return -1;
		memcpy(&a, ip, 8);
		memcpy(&b, ip + 8, 8);
		memcpy(&c, ip + 16, 4);
		if (!dp_cksum_verifies((a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) + c))
			return -1;
	}
	if (vfw.opt.verify_cksum && dp_rx_l4_ck(ol) != DP_RX_CK_GOOD &&
	    !(proto == IPPROTO_UDP && l4[6] == 0 && l4[7] == 0)) {
		uint64_t sum = (uint64_t)src + dst + rte_cpu_to_be_16(proto) +
			       rte_cpu_to_be_16((uint16_t)l4len);

		if (dp_rx_l4_ck(ol) == DP_RX_CK_BAD || !dp_cksum_verifies(dp_cksum_add(sum, l4, l4len)))
			return -1;
	}
	p->fam = DP_FAM_V4;
	p->l3 = ip;
	p->cp.proto = proto;
	p->cp.v6 = 0;
	p->kind = K_LOOKUP;
	memcpy(&p->sport, l4, 2);
	memcpy(&p->dport, l4 + 2, 2);
	p->pkt_hi = ct_key_v4_hash(&p->key, src, dst, p->sport, p->dport, proto, &hash);
	p->hash = hash;
	return 1;
}

/* Stage 1 for one frame: 1 = IP packet for the session lookup (p filled), 0 = taken. */
static inline int
classify(struct burst *b, struct rte_mbuf *m, struct pkt *p)
{
	const struct vfw_port *port = &vfw.ports[b->in];
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)d;
	bool l2_mcast = false;

	p->m = m;
	p->len = rte_pktmbuf_pkt_len(m);
	if (likely(dlen >= RTE_ETHER_HDR_LEN + 28)) {
		if (likely(rte_is_same_ether_addr(&eh->dst_addr, &port->mac))) {
			if (likely(eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && dlen == p->len)) {
				int r = fast_v4_tcpudp(m, d, dlen, p);

				if (likely(r >= 0))
					return r;
			}
		} else if (rte_is_unicast_ether_addr(&eh->dst_addr)) {
			drop(b, m, VFW_CTR_dropped_other, VFW_CTR_not_for_us);
			return 0;
		} else {
			l2_mcast = true;
		}
	} else if (dlen >= RTE_ETHER_HDR_LEN && !rte_is_same_ether_addr(&eh->dst_addr, &port->mac)) {
		if (rte_is_unicast_ether_addr(&eh->dst_addr)) {
			drop(b, m, VFW_CTR_dropped_other, VFW_CTR_not_for_us);
			return 0;
		}
		l2_mcast = true;
	}
	return vfw_classify_slow(b, m, p, l2_mcast);
}

/* --- forwarding --- */

/* The route of p's destination, NULL = none. */
static inline const struct vfw_route *
route_of(const struct pkt *p)
{
	if (p->fam == DP_FAM_V4) {
		uint32_t d;

		memcpy(&d, p->l3 + 16, 4);
		return vfw_route_lookup4(&vfw_routes, d);
	}
	return vfw_route_lookup6(&vfw_routes, p->l3 + 24);
}

/*
 * Output port and next-hop MAC of p by its route; drops (counted) when
 * there is none. *nh: the route's next hop (index + 1, 0 = per destination).
 */
static inline bool
route_resolve(struct burst *b, const struct pkt *p, uint16_t *out, struct rte_ether_addr *mac,
		uint8_t *nh)
{
	const struct vfw_route *r = route_of(p);
	const uint8_t *dst = p->l3 + (p->fam == DP_FAM_V4 ? 16 : 24);
	const struct vfw_port *op;

	*nh = 0;
	if (unlikely(r == NULL)) {
		drop(b, p->m, VFW_CTR_no_route, VFW_CTR_route_missing);
		return false;
	}
	if (unlikely(r->port == b->in)) {
		drop(b, p->m, VFW_CTR_no_route, VFW_CTR_hairpin);
		return false;
	}
	*nh = r->nh;
	*out = r->port;
	op = &vfw.ports[r->port];
	if (op->has_peer) {
		*mac = op->peer;
		return true;
	}
	if (likely(vfw_worker_neigh_lookup(b->w, r->port, p->fam, r->has_gw ? r->gw : dst, mac)))
		return true;
	vfw_solicit(b->w, r->port, p->fam, r->has_gw ? r->gw : dst);
	drop(b, p->m, VFW_CTR_no_route, VFW_CTR_unresolved);
	return false;
}

/* Ethernet header (dst, then src: 12 bytes as given), TTL / hop limit - 1, to the tx buffer. */
static inline void
emit(struct burst *b, const struct pkt *p, uint16_t out, const void *dst_mac, const void *src_mac)
{
	uint8_t *eh = rte_pktmbuf_mtod(p->m, uint8_t *);

	memcpy(eh, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(eh + RTE_ETHER_ADDR_LEN, src_mac, RTE_ETHER_ADDR_LEN);
	if (p->fam == DP_FAM_V4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p->l3;
		uint32_t c = ip->hdr_checksum;

		/* RFC 1624 for TTL - 1, as Linux ip_decrease_ttl() */
		c += rte_cpu_to_be_16(0x0100);
		ip->hdr_checksum = (uint16_t)(c + (c >= 0xffff));
		ip->time_to_live--;
	} else {
		p->l3[7]--;
	}
	vfw_tx(b->w, out, p->m);
	b->nb_fwd++;
}

/* By the route, the next hop's MAC looked up (and the next hop cached in s, if any). */
static __rte_noinline void
forward_slow(struct burst *b, const struct pkt *p, struct ct_session *s)
{
	struct rte_ether_addr mac;
	uint16_t out;
	uint8_t nh;

	if (!route_resolve(b, p, &out, &mac, &nh))
		return;
	if (s != NULL)
		s->nh[ct_dir_of(s, p->pkt_hi)] = nh;
	emit(b, p, out, &mac, &vfw.ports[out].mac);
}

/*
 * Route and send p (s: its session, whose cached next hop is used, or
 * NULL). An established packet with a resolved next hop reads one next-hop
 * object: no route scan, no neighbour lookup.
 */
static inline void
forward(struct burst *b, const struct pkt *p, struct ct_session *s)
{
	if (likely(s != NULL)) {
		unsigned int k = s->nh[ct_dir_of(s, p->pkt_hi)];

		if (likely(k != 0)) {
			const struct vfw_nexthop *nh = &vfw_nexthops[k - 1];
			uint64_t dst = vfw_nexthop_dst(nh);

			/* the hairpin check of route_resolve() still holds for a spoofed port */
			if (likely((dst & VFW_NH_RESOLVED) != 0 && nh->port != b->in)) {
				emit(b, p, nh->port, &dst, &nh->src);
				return;
			}
		}
	}
	forward_slow(b, p, s);
}

/* --- stage 4: rules for the packets without a session --- */

static void
acl_key4(const struct pkt *p, uint32_t dir, struct vfw_acl4_key *k)
{
	k->proto = p->cp.proto;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	memcpy(&k->src, p->l3 + 12, 4);
	memcpy(&k->dst, p->l3 + 16, 4);
	if (p->cp.proto == IPPROTO_ICMP) {
		k->sport = rte_cpu_to_be_16(p->cp.icmp_type);
		k->dport = rte_cpu_to_be_16(p->icmp_code);
	} else {
		k->sport = p->sport;
		k->dport = p->dport;
	}
	k->dir = rte_cpu_to_be_32(dir);
}

static void
acl_key6(const struct pkt *p, uint32_t dir, struct vfw_acl6_key *k)
{
	k->proto = p->cp.proto;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	memcpy(k->src, p->l3 + 8, 16);
	memcpy(k->dst, p->l3 + 24, 16);
	if (p->cp.proto == IPPROTO_ICMPV6) {
		k->sport = rte_cpu_to_be_16(p->cp.icmp_type);
		k->dport = rte_cpu_to_be_16(p->icmp_code);
	} else {
		k->sport = p->sport;
		k->dport = p->dport;
	}
	k->dir = rte_cpu_to_be_32(dir);
}

/* The rules allowed p with state: find, reopen or create its session and forward. */
static void
stateful(struct burst *b, struct pkt *p)
{
	struct ct_table *ct = &b->w->ct;
	struct rte_ether_addr mac;
	struct ct_session *s = p->s;
	uint16_t out;
	uint8_t nh;

	/* a removal since stage 3 may have freed (and reused) it: find a reopened one again */
	if (s != NULL && (!(s->flags & CT_F_USED) || !ct_key_eq(&s->key, &p->key)))
		p->s = s = ct_lookup(ct, &p->key, p->hash);
	if (s == NULL && b->nb_created != 0)
		s = ct_lookup(ct, &p->key, p->hash);	/* opened earlier in this burst */
	if (s != NULL && s != p->s) {
		switch (ct_packet(ct, s, &p->cp, p->pkt_hi, b->now)) {
		case CT_ACCEPT:
			forward(b, p, s);
			return;
		case CT_INVALID:
			drop(b, p->m, VFW_CTR_dropped_state, vfw_ctr_state_why(p->cp.why));
			return;
		case CT_REOPEN:
			break;
		}
	}
	if (s == NULL && !ct_l4_proto_get(p->cp.proto)->valid_new(&p->cp)) {
		drop(b, p->m, VFW_CTR_dropped_state, VFW_CTR_state_no_session);
		return;
	}
	if (!route_resolve(b, p, &out, &mac, &nh))
		return;		/* no session for what cannot be forwarded */
	if (s != NULL) {
		ct_reopen(ct, s, p->pkt_hi, &p->cp, b->now);
	} else {
		s = ct_create(ct, &p->key, p->hash, p->pkt_hi, &p->cp, b->now);
		if (unlikely(s == NULL)) {
			drop(b, p->m, VFW_CTR_table_full, VFW_CTR_table_full);
			return;
		}
		b->nb_created++;
	}
	s->nh[CT_DIR_ORIG] = nh;	/* p opened it */
	emit(b, p, out, &mac, &vfw.ports[out].mac);
}

static void
decide(struct burst *b, struct pkt *p, uint32_t res)
{
	const struct vfw_ruleset *rs = b->rs;
	uint32_t rule = vfw_acl_rule(rs, res);
	const struct vfw_rule_verdict *v = &rs->verdict[rule];

	vfw_rule_count(rs, b->w->index, rule, p->len);
	if (v->action == VFW_DENY) {
		drop(b, p->m, VFW_CTR_dropped_rule, VFW_CTR_dropped_rule);
		return;
	}
	if (v->stateless || p->kind != K_LOOKUP) {
		/* stateless rule, or an ICMP message that is not part of a flow */
		vfw_ctr_inc(b->w, b->in, VFW_CTR_stateless);
		forward(b, p, NULL);
		return;
	}
	stateful(b, p);
}

static void
handle_misses(struct burst *b, struct pkt *pk, const uint16_t *miss, uint32_t nm)
{
	uint32_t dir = vfw.ports[b->in].role;
	struct vfw_acl4_key k4[ACL_CHUNK];
	struct vfw_acl6_key k6[ACL_CHUNK];
	const uint8_t *p4[ACL_CHUNK], *p6[ACL_CHUNK];
	uint32_t r4[ACL_CHUNK], r6[ACL_CHUNK];
	uint32_t base, i, n, n4, n6, j4, j6;

	for (base = 0; base < nm; base += n) {
		n = RTE_MIN(nm - base, (uint32_t)ACL_CHUNK);
		n4 = n6 = 0;
		for (i = 0; i < n; i++) {
			const struct pkt *p = &pk[miss[base + i]];

			if (p->fam == DP_FAM_V4) {
				acl_key4(p, dir, &k4[n4]);
				p4[n4] = (const uint8_t *)&k4[n4];
				n4++;
			} else {
				acl_key6(p, dir, &k6[n6]);
				p6[n6] = (const uint8_t *)&k6[n6];
				n6++;
			}
		}
		if (n4 != 0)
			vfw_acl_classify(b->rs, 0, p4, r4, n4);
		if (n6 != 0)
			vfw_acl_classify(b->rs, 1, p6, r6, n6);
		for (i = j4 = j6 = 0; i < n; i++) {
			struct pkt *p = &pk[miss[base + i]];

			decide(b, p, p->fam == DP_FAM_V4 ? r4[j4++] : r6[j6++]);
		}
	}
}

/* --- the burst, in a pipeline --- */

/*
 * Each rx queue keeps three bursts in flight, one per stage: in every loop
 * a new burst gets stage 1 (parse, key, bucket prefetch), the previous one
 * stage 2 (bucket read, session prefetch) and the one before stages 3 and
 * 4 (sessions, rules, forwarding), in arrival order. The prefetches of a
 * burst thus have a whole rx (and the other stages) to complete before the
 * data is used, which hides the cache misses of large session tables. A
 * packet waits at most two loops; an empty poll moves the pipeline on, so
 * nothing stays in it when traffic stops.
 */
#define PIPE_DEPTH 3

struct pipe_slot {
	struct pkt *pk;		/* [burst] */
	uint16_t n;		/* packets waiting for stages 2-4 */
};

struct vfw_pipe {
	struct pipe_slot slot[PIPE_DEPTH];
	unsigned int head;	/* the slot of the next new burst */
	uint16_t in;		/* dp_ports[] index of the queue's port */
};

static void
burst_init(struct burst *b, struct vfw_worker *w, const struct vfw_ruleset *rs, uint16_t in,
		uint32_t now)
{
	b->w = w;
	b->rs = rs;
	b->now = now;
	b->in = in;
	b->nb_drop = 0;
	b->nb_fwd = 0;
	b->nb_created = 0;
}

static void
burst_done(struct burst *b)
{
	if (b->nb_drop != 0)
		rte_pktmbuf_free_bulk(b->drop, b->nb_drop);
	if (b->nb_fwd != 0)
		vfw_ctr_add(b->w, b->in, VFW_CTR_forwarded, b->nb_fwd);
}

/* Stage 2 for one packet: its candidate session (checked again in stage 3), prefetched. */
static inline void
stage2_one(struct vfw_worker *w, struct pkt *p)
{
	p->s = p->kind <= K_RELATED ? ct_home_candidate(&w->ct, p->hash) : NULL;
}

/* Stage 2 for the packets of a slot from the index from on. */
static void
stage2(struct vfw_worker *w, struct pipe_slot *sl, uint16_t from)
{
	uint16_t i;

	for (i = from; i < sl->n; i++)
		stage2_one(w, &sl->pk[i]);
}

/*
 * Stage 1 of a received burst: parse, check (drops here), key, bucket prefetch,
 * the burst's bytes summed for the engine's rx_bytes (returned); and
 * stage 2 of the previous burst (prev), one of its packets per new packet:
 * spread over the parsing work, its session prefetches do not all wait
 * for a line fill buffer at once, as they did in a loop of their own
 * (about 8 cycles per packet with 1M flows).
 */
static uint64_t
stage12(struct vfw_worker *w, uint16_t in, struct pipe_slot *sl, struct pipe_slot *prev,
		struct rte_mbuf **mb, uint16_t n, uint32_t now)
{
	struct burst b;
	uint64_t bytes = 0;
	uint16_t i, nc = 0;

	sl->n = 0;
	if (n == 0) {
		stage2(w, prev, 0);
		return 0;
	}
	burst_init(&b, w, NULL, in, now);
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(mb[i], void *));
	for (i = 0; i < n; i++) {
		struct pkt *p = &sl->pk[nc];

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(mb[i + PREFETCH_AHEAD], void *));
		if (i < prev->n)
			stage2_one(w, &prev->pk[i]);
		bytes += rte_pktmbuf_pkt_len(mb[i]);	/* before classify may drop it */
		if (classify(&b, mb[i], p)) {
			if (p->kind <= K_RELATED)
				ct_prefetch(&w->ct, p->hash);
			nc++;
		}
	}
	sl->n = nc;
	stage2(w, prev, n);	/* prev had more packets than this burst */
	burst_done(&b);
	return bytes;
}


/* Traffic for the firewall itself, parsed again (rare). */
static void
local_input(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t scratch[DP_PKT_PARSE_COPY];
	const uint8_t *data;
	struct dp_pkt_info pi;

	if (dp_pkt_parse_mbuf(m, &pi, scratch, &data) != DP_PKT_OK || data != d) {
		rte_pktmbuf_free(m);	/* cannot happen: stage 1 parsed it */
		return;
	}
	if (pi.l3_type == DP_FAM_V4)
		vfw_local_v4(w, in, m, d, &pi);
	else if (pi.l3_type == DP_FAM_V6)
		vfw_local_v6(w, in, m, d, &pi);
	else
		vfw_arp_input(w, in, m, d, rte_pktmbuf_data_len(m));
}

/* Stages 3 and 4: sessions (state machines), rules for the rest, forwarding. */
static void
stage34(struct vfw_worker *w, const struct vfw_ruleset *rs, struct pipe_slot *sl, uint16_t in,
		uint32_t now)
{
	uint16_t miss[DP_MAX_BURST];
	struct burst b;
	uint16_t i, nm = 0;

	if (sl->n == 0)
		return;
	burst_init(&b, w, rs, in, now);
	for (i = 0; i < sl->n; i++) {
		struct pkt *p = &sl->pk[i];
		struct ct_session *s = p->s;

		if (p->kind >= K_NOLOOKUP) {
			if (p->kind == K_LOCAL) {
				if (nm != 0) {	/* keep the order: rules first for what came before */
					handle_misses(&b, sl->pk, miss, nm);
					nm = 0;
				}
				local_input(w, in, p->m);
			} else {
				miss[nm++] = i;
			}
			continue;
		}
		if (s == NULL || !(s->flags & CT_F_USED) || !ct_key_eq(&s->key, &p->key))
			s = ct_lookup(&w->ct, &p->key, p->hash);
		if (s != NULL && unlikely(ct_expired(&w->ct, s, now))) {
			ct_expire(&w->ct, s);	/* idle past its timeout: a new flow */
			s = NULL;
		}
		p->s = s;
		if (s == NULL) {
			if (p->kind == K_RELATED)
				p->kind = K_NOLOOKUP;	/* quotes no flow of ours */
			miss[nm++] = i;
			continue;
		}
		if (p->kind == K_RELATED) {
			vfw_ctr_inc(w, in, VFW_CTR_related);
			forward(&b, p, NULL);	/* an ICMP error: its own destination */
			continue;
		}
		switch (ct_packet(&w->ct, s, &p->cp, p->pkt_hi, now)) {
		case CT_ACCEPT:
			forward(&b, p, s);
			break;
		case CT_INVALID:
			drop(&b, p->m, VFW_CTR_dropped_state, vfw_ctr_state_why(p->cp.why));
			break;
		case CT_REOPEN:
			miss[nm++] = i;	/* a new connection: the rules decide */
			break;
		}
	}
	if (nm != 0)
		handle_misses(&b, sl->pk, miss, nm);
	sl->n = 0;
	burst_done(&b);
}

static inline uint32_t
tick_at(const struct vfw_worker *w, uint64_t tsc)
{
	/* (tsc - base) / tsc_per_tick, as a multiplication */
	return (uint32_t)(((__uint128_t)(tsc - w->tick_base) * w->tick_mult) >> 64);
}

/*
 * The engine's per-burst work: a new burst of rx queue qi enters the
 * pipeline, the oldest one leaves it. An empty burst (n = 0) moves the
 * pipeline on; PIPE_DEPTH of them empty it (the engine's drain at stop).
 */
static inline unsigned int
vfw_on_burst(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfw_worker *w = e->app;
	struct vfw_pipe *pp = &((struct vfw_pipe *)w->pipes)[qi];
	struct pipe_slot *fresh = &pp->slot[pp->head];
	struct pipe_slot *prev = &pp->slot[(pp->head + PIPE_DEPTH - 1) % PIPE_DEPTH];
	struct pipe_slot *oldest = &pp->slot[(pp->head + 1) % PIPE_DEPTH];
	uint16_t in = e->w->rxq[qi].port;
	uint32_t now = tick_at(w, e->now);

	e->rx_bytes = stage12(w, in, fresh, prev, pkts, n, now);
	stage34(w, vfw_ruleset_get(), oldest, in, now);
	pp->head = (pp->head + 1) % PIPE_DEPTH;
	return n;
}

int
vfw_fwd_init(struct vfw_worker *w, unsigned int nb_rxq, uint16_t burst, int socket)
{
	unsigned int q, k;

	w->pipes = rte_zmalloc_socket("vfw_pipes", sizeof(struct vfw_pipe) * (nb_rxq + 1),
			RTE_CACHE_LINE_SIZE, socket);
	if (w->pipes == NULL)
		return -ENOMEM;
	for (q = 0; q < nb_rxq; q++) {
		for (k = 0; k < PIPE_DEPTH; k++) {
			struct vfw_pipe *pp = &((struct vfw_pipe *)w->pipes)[q];

			pp->slot[k].pk = rte_zmalloc_socket("vfw_pipe_pkts", sizeof(struct pkt) * burst,
					RTE_CACHE_LINE_SIZE, socket);
			if (pp->slot[k].pk == NULL)
				return -ENOMEM;
		}
	}
	w->nb_pipes = nb_rxq;
	return 0;
}

void
vfw_fwd_fini(struct vfw_worker *w)
{
	unsigned int q, k;

	if (w->pipes == NULL)
		return;
	for (q = 0; q < w->nb_pipes; q++)
		for (k = 0; k < PIPE_DEPTH; k++)
			rte_free(((struct vfw_pipe *)w->pipes)[q].slot[k].pk);
	rte_free(w->pipes);
	w->pipes = NULL;
}

/*
 * Between bursts: ageing of the worker's own sessions, REST session
 * requests; the first worker also sends the neighbour probes the control
 * loop asked for (a flag it rarely writes: one load otherwise).
 */
static void
vfw_housekeeping(struct dp_engine_ctx *e)
{
	struct vfw_worker *w = e->app;
	uint32_t now = tick_at(w, e->now);

	if (w->ct.cursor != now || w->ct.wheel[now & (CT_WHEEL_SLOTS - 1)] != 0)
		ct_age(&w->ct, now, CT_AGE_BUDGET);
	vfw_sess_serve(&w->sess_mb, w, now);
	if (unlikely(vfw_neigh_probe_pending()) && w->index == 0)
		vfw_send_probes(w);
}

static void
vfw_end(struct dp_engine_ctx *e)
{
	vfw_sess_worker_stop(e->app);
}

static const struct dp_engine vfw_engine = {
	.name = "vfw-fwd",
	.on_burst = vfw_on_burst,
	.burst_sums_rx_bytes = true,
	.housekeeping = vfw_housekeeping,
	.end = vfw_end,
	.drain_empty_bursts = PIPE_DEPTH,	/* what is in the pipeline is finished at stop */
	.loop_tsc = true,
};

int
vfw_worker_main(void *arg)
{
	struct dp_worker *dw = arg;
	struct vfw_worker *w = &vfw.workers[dw->index];
	const struct dp_engine_conf conf = {
		.app = w,
		.burst = vfw.cfg.burst,
		.idle_sleep_us = vfw.cfg.idle_sleep_us,
		.port_ctrs = vfw.pctrs,
		.tx_drop_ctr = VFW_CTR_tx_full,		/* not part of 'dropped' */
		.tx_retry_ctr = DP_ENGINE_NO_CTR,
		.reset = { vfw.pctrs, vfw.sctrs },
		.txbuf = w->tx,
	};

	if (dw->nb_rxq == 0)
		return 0;	/* more workers than rx queues */
	if (dp_engine_ctx_init(&w->eng, dw, &conf) != 0)
		return -ENOMEM;
	return dp_engine_run(&vfw_engine, &w->eng);
}
