/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 1 of the worker for everything but the common case (plain IPv4
 * TCP/UDP, inline in forward.c): Ethernet, VLAN, ARP, IPv4 with options or
 * fragments, ICMP, IPv6 with extension headers, malformed frames. Every
 * check that drops counts its reason (vfw.h); ICMP errors get the key of
 * the flow they quote (related traffic).
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_pkt.h"
#include "dp_port.h"
#include "fwd.h"

_Static_assert(VFW_CTR_malformed_trunc_ext - VFW_CTR_malformed_trunc_eth ==
	       DP_PKT_TRUNC_EXT - DP_PKT_TRUNC_ETH, "malformed counters follow dp_pkt_status");

/* Plain IPv4 (IHL 5, not a fragment) with a whole TCP/UDP/ICMP header, one
 * segment: what dp_pkt_parse() would find, without its generality. */
static bool
parse_v4(const uint8_t *d, uint32_t dlen, uint32_t plen, struct dp_pkt_info *pi)
{
	const uint8_t *ip = d + RTE_ETHER_HDR_LEN, *l4 = ip + 20;
	uint32_t tot, l4len, hlen;

	if (dlen != plen || dlen < RTE_ETHER_HDR_LEN + 28 || ip[0] != 0x45)
		return false;
	tot = rd16(ip + 2);
	if (tot < 28 || tot > dlen - RTE_ETHER_HDR_LEN || (rd16(ip + 6) & 0x3fff) != 0)
		return false;
	l4len = tot - 20;
	switch (ip[9]) {
	case IPPROTO_UDP:
		if (rd16(l4 + 4) != l4len)
			return false;
		hlen = 8;
		break;
	case IPPROTO_TCP:
		hlen = (l4[12] >> 4) * 4u;
		if (l4len < 20 || hlen < 20 || hlen > l4len)
			return false;
		break;
	case IPPROTO_ICMP:
		hlen = 8;
		break;
	default:
		return false;
	}
	pi->ethertype = RTE_ETHER_TYPE_IPV4;
	pi->vlan_tci = 0;
	pi->nb_vlan = 0;
	pi->first_fragment = 0;
	pi->l3_type = DP_L3_IPV4;
	pi->l4_proto = ip[9];
	pi->ip_options = 0;
	pi->fragment = 0;
	pi->l3_off = RTE_ETHER_HDR_LEN;
	pi->l4_off = RTE_ETHER_HDR_LEN + 20;
	pi->l3_len = (uint16_t)tot;
	pi->payload_off = (uint16_t)(pi->l4_off + hlen);
	pi->payload_len = (uint16_t)(l4len - hlen);
	return true;
}

static inline bool
cksum_v4_ok(const struct rte_mbuf *m, const uint8_t *ip, const uint8_t *l4, uint8_t proto,
		uint32_t l4len)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	switch (proto) {
	case IPPROTO_UDP:
		if (l4[6] == 0 && l4[7] == 0)
			return true;	/* no checksum sent */
		/* fall through */
	case IPPROTO_TCP:
		return rte_ipv4_udptcp_cksum_verify((const struct rte_ipv4_hdr *)ip, l4) == 0;
	case IPPROTO_ICMP:
		return rte_raw_cksum(l4, l4len) == 0xffff;
	default:
		return true;
	}
}

/* The session key of an ICMP error: the flow it quotes (IPv4). */
static bool
related_v4(struct pkt *p, const uint8_t *l4, uint32_t l4len)
{
	const uint8_t *in = l4 + 8;
	uint32_t avail = l4len - 8, ihl, src, dst;
	uint16_t sp = 0, dp = 0;
	uint8_t proto;

	if (l4len < 8 + 20 + 8 || in[0] >> 4 != 4)
		return false;
	ihl = (in[0] & 0xf) * 4u;
	if (ihl < 20 || ihl + 8 > avail || memcmp(in + 12, p->l3 + 16, 4) != 0)
		return false;
	proto = in[9];
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		memcpy(&sp, in + ihl, 2);
		memcpy(&dp, in + ihl + 2, 2);
	} else if (proto == IPPROTO_ICMP) {
		if (!ct_icmp_is_echo_request(in[ihl], false) && !ct_icmp_is_echo_reply(in[ihl], false))
			return false;
		memcpy(&sp, in + ihl + 4, 2);
		dp = sp;
	}
	memcpy(&src, in + 12, 4);
	memcpy(&dst, in + 16, 4);
	p->pkt_hi = ct_key_v4(&p->key, src, dst, sp, dp, proto);
	return true;
}

static bool
related_v6(struct pkt *p, const uint8_t *l4, uint32_t l4len)
{
	const uint8_t *in = l4 + 8;
	uint16_t sp = 0, dp = 0;
	uint8_t proto;

	if (l4len < 8 + 40 + 8 || in[0] >> 4 != 6 || memcmp(in + 8, p->l3 + 24, 16) != 0)
		return false;
	proto = in[6];
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		memcpy(&sp, in + 40, 2);
		memcpy(&dp, in + 42, 2);
	} else if (proto == IPPROTO_ICMPV6) {
		if (!ct_icmp_is_echo_request(in[40], true) && !ct_icmp_is_echo_reply(in[40], true))
			return false;
		memcpy(&sp, in + 44, 2);
		dp = sp;
	} else {
		return false;	/* extension headers in the quote: not followed */
	}
	p->pkt_hi = ct_key_v6(&p->key, in + 8, in + 24, sp, dp, proto);
	return true;
}

static inline bool
martian_v4(const uint8_t *src, const uint8_t *dst)
{
	return src[0] == 0 || src[0] == 127 || src[0] >= 224 ||
	       dst[0] == 0 || dst[0] == 127 || dst[0] >= 240;
}

static inline bool
mcast_v4(const uint8_t *dst, uint32_t d)
{
	uint16_t i;

	if (dst[0] >= 224)	/* multicast, and 255.255.255.255 */
		return true;
	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip4 && d == vfw.ports[i].bcast4)
			return true;
	return false;
}

static inline bool
local_v4(uint32_t d)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip4 && d == vfw.ports[i].ip4)
			return true;
	return false;
}

static bool
local_v6(const uint8_t *dst)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip6 && vfw_v6_is_local(&vfw.ports[i], dst))
			return true;
	return false;
}

static inline bool
martian_v6(const uint8_t *src, const uint8_t *dst)
{
	static const uint8_t zero[16], loop[16] = { [15] = 1 };

	return src[0] == 0xff || memcmp(src, zero, 16) == 0 || memcmp(src, loop, 16) == 0 ||
	       memcmp(dst, zero, 16) == 0 || memcmp(dst, loop, 16) == 0 ||
	       (src[0] == 0xfe && (src[1] & 0xc0) == 0x80) ||
	       (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80);
}

/*
 * The session key of an IP packet that passed the checks (both families):
 * ports, TCP flags, ICMP echo id or the flow an ICMP error quotes.
 * 1 = goes to the session lookup, 0 = dropped (counted).
 */
static inline int
l4_key(struct burst *b, struct rte_mbuf *m, struct pkt *p, uint8_t *ip, const uint8_t *l4,
		uint32_t l4len, uint8_t proto, bool v6)
{
	const uint8_t *src = ip + (v6 ? 8 : 12), *dst = ip + (v6 ? 24 : 16);
	uint16_t sport = 0, dport = 0;
	bool key = true;

	p->fam = v6 ? CT_FAM_V6 : CT_FAM_V4;
	p->l3 = ip;
	p->cp.proto = proto;
	p->cp.v6 = v6;
	p->kind = K_LOOKUP;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		memcpy(&sport, l4, 2);
		memcpy(&dport, l4 + 2, 2);
		if (proto == IPPROTO_TCP) {
			p->cp.tcp_flags = l4[13];
			p->cp.l4 = l4;
			/* from the IP header: the frame may go on in further segments */
			p->cp.l4len = (v6 ? rd16(ip + 4) + 40u : rd16(ip + 2)) - (uint32_t)(l4 - ip);
			if (unlikely(!ct_tcp_flags_valid(l4[13]))) {
				drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_tcp_flags);
				return 0;
			}
		}
	} else if (proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
		p->cp.icmp_type = l4[0];
		p->icmp_code = l4[1];
		if (ct_icmp_is_echo_request(l4[0], v6) || ct_icmp_is_echo_reply(l4[0], v6)) {
			memcpy(&sport, l4 + 4, 2);	/* the echo id on both sides */
			dport = sport;
		} else {
			key = false;
			if (ct_icmp_is_error(l4[0], v6) &&
			    (v6 ? related_v6(p, l4, l4len) : related_v4(p, l4, l4len)))
				p->kind = K_RELATED;	/* related_*() built the quoted flow's key */
			else
				p->kind = K_NOLOOKUP;
		}
	}
	p->sport = sport;
	p->dport = dport;
	if (key) {
		if (v6) {
			p->pkt_hi = ct_key_v6(&p->key, src, dst, sport, dport, proto);
		} else {
			uint32_t s4, d4;

			memcpy(&s4, src, 4);
			memcpy(&d4, dst, 4);
			p->pkt_hi = ct_key_v4(&p->key, s4, d4, sport, dport, proto);
		}
	}
	if (p->kind != K_NOLOOKUP)
		p->hash = ct_key_hash(&p->key);
	return 1;
}

/* IPv4 after parsing: 1 = goes to the session lookup, 0 = taken. */
static inline int
ip4_checks(struct burst *b, struct rte_mbuf *m, uint8_t *d, const struct dp_pkt_info *pi,
		struct pkt *p, bool l2_mcast)
{
	uint8_t *ip = d + pi->l3_off, *l4 = d + pi->l4_off;
	uint32_t l4len = pi->l3_len - (pi->l4_off - pi->l3_off), src, dst;
	uint64_t ipf = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint8_t proto = pi->l4_proto;

	if (unlikely(pi->fragment)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_fragment);
		return 0;
	}
	if (unlikely(pi->ip_options)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_ip_options);
		return 0;
	}
	if (unlikely(ipf == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		     (ipf != RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_raw_cksum(ip, 20) != 0xffff))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_ip_cksum);
		return 0;
	}
	if (vfw.opt.verify_cksum && unlikely(!cksum_v4_ok(m, ip, l4, proto, l4len))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_l4_cksum);
		return 0;
	}
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (unlikely(local_v4(dst))) {
		p->kind = K_LOCAL;
		return 1;
	}
	if (unlikely(l2_mcast || mcast_v4(ip + 16, dst))) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_multicast);
		return 0;
	}
	if (unlikely(martian_v4(ip + 12, ip + 16))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian);
		return 0;
	}
	if (unlikely(ip[8] <= 1)) {
		drop(b, m, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
		return 0;
	}
	return l4_key(b, m, p, ip, l4, l4len, proto, false);
}

static int
ip6_checks(struct burst *b, struct rte_mbuf *m, uint8_t *d, const struct dp_pkt_info *pi,
		struct pkt *p, bool l2_mcast)
{
	uint8_t *ip = d + pi->l3_off, *l4 = d + pi->l4_off;
	uint32_t l4len = pi->l3_len - (pi->l4_off - pi->l3_off);
	uint8_t proto = pi->l4_proto;
	const uint8_t *src = ip + 8, *dst = ip + 24;

	if (unlikely(pi->fragment)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_fragment);
		return 0;
	}
	if (vfw.opt.verify_cksum &&
	    (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMPV6)) {
		uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

		if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
		    (f != RTE_MBUF_F_RX_L4_CKSUM_GOOD && !dp_l4_cksum_ok(d, pi))) {
			drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_l4_cksum);
			return 0;
		}
	}
	if (unlikely(local_v6(dst))) {
		p->kind = K_LOCAL;
		return 1;
	}
	if (l2_mcast || dst[0] == 0xff) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_multicast);
		return 0;
	}
	if (martian_v6(src, dst)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian);
		return 0;
	}
	if (ip[7] <= 1) {
		drop(b, m, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
		return 0;
	}
	return l4_key(b, m, p, ip, l4, l4len, proto, true);
}

/* Everything but the common case: parse fully, check, count what is dropped. */
int
vfw_classify_slow(struct burst *b, struct rte_mbuf *m, struct pkt *p, bool l2_mcast)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m), plen = rte_pktmbuf_pkt_len(m);
	uint8_t scratch[DP_PKT_PARSE_COPY];
	const uint8_t *data;
	struct dp_pkt_info pi;
	enum dp_pkt_status st;

	if (dlen >= RTE_ETHER_HDR_LEN) {
		const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)d;

		if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && parse_v4(d, dlen, plen, &pi))
			return ip4_checks(b, m, d, &pi, p, l2_mcast);
		if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
			p->kind = K_LOCAL;
			return 1;
		}
	}
	st = dp_pkt_parse_mbuf(m, &pi, scratch, &data);
	if (unlikely(st != DP_PKT_OK)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_malformed_trunc_eth + (st - DP_PKT_TRUNC_ETH));
		return 0;
	}
	if (pi.nb_vlan != 0) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_vlan);
		return 0;
	}
	if (pi.l3_type == DP_L3_NONE) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_not_ip);
		return 0;
	}
	if (unlikely(data != d)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_malformed_split);
		return 0;
	}
	if (pi.l3_type == DP_L3_IPV4)
		return ip4_checks(b, m, d, &pi, p, l2_mcast);
	return ip6_checks(b, m, d, &pi, p, l2_mcast);
}
