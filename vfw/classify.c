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
 * segment: what dp_pkt_parse() would find, from the shared recogniser. */
static bool
parse_v4(const uint8_t *d, uint32_t dlen, uint32_t plen, struct dp_pkt_info *pi)
{
	uint32_t tot, hlen;

	if (dlen != plen)
		return false;
	tot = dp_pkt_v4_simple(d, dlen, &hlen);
	if (tot == 0)
		return false;
	memset(pi, 0, sizeof(*pi));	/* no VLAN, options, fragment; l4_dst_off is IPv6 only */
	pi->ethertype = RTE_ETHER_TYPE_IPV4;
	pi->l3_type = DP_FAM_V4;
	pi->l4_proto = d[RTE_ETHER_HDR_LEN + 9];
	pi->l3_off = RTE_ETHER_HDR_LEN;
	pi->l4_off = DP_PKT_V4_L4_OFF;
	pi->l3_len = (uint16_t)tot;
	pi->payload_off = (uint16_t)(DP_PKT_V4_L4_OFF + hlen);
	pi->payload_len = (uint16_t)(tot - 20 - hlen);
	return true;
}

/*
 * The L4 checksum of a parsed packet (TCP, UDP, ICMP of its family; others
 * are not checked): the port's verdict where it gave one, else summed in
 * software over the IP length, across the mbuf's segments.
 */
static inline bool
l4_cksum_ok(const struct rte_mbuf *m, const uint8_t *d, const struct dp_pkt_info *pi)
{
	enum dp_rx_ck ck = dp_rx_l4_ck(m->ol_flags);
	uint8_t proto = pi->l4_proto;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != dp_fam_icmp_proto(pi->l3_type))
		return true;
	if (ck != DP_RX_CK_SW)
		return ck == DP_RX_CK_GOOD;
	return dp_l4_cksum_ok_mbuf(m, d, pi);
}

/* L4 bytes of a parsed packet, per the IP length. */
static inline uint32_t
l4_len(const struct dp_pkt_info *pi)
{
	return pi->l3_len - (uint32_t)(pi->l4_off - pi->l3_off);
}

/*
 * Of the l4len L4 bytes at l4, those in the first segment (the parser found
 * the L4 header there; a longer packet continues in further segments).
 */
static inline uint32_t
l4_first_seg(const struct rte_mbuf *m, const uint8_t *l4, uint32_t l4len)
{
	const uint8_t *end = rte_pktmbuf_mtod(m, const uint8_t *) + rte_pktmbuf_data_len(m);

	return RTE_MIN(l4len, (uint32_t)(end - l4));
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

/* Sources no packet can come from: this network, loopback, multicast, class E, broadcast. */
static inline bool
martian_src_v4(const uint8_t *src)
{
	return src[0] == 0 || src[0] == 127 || src[0] >= 224;
}

static inline bool
martian_dst_v4(const uint8_t *dst)
{
	return dst[0] == 0 || dst[0] == 127 || dst[0] >= 240;
}

/* d is the directed broadcast of a port's subnet. */
static inline bool
bcast_v4(uint32_t d)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip4 && d == vfw.ports[i].bcast4)
			return true;
	return false;
}

static inline bool
mcast_v4(const uint8_t *dst, uint32_t d)
{
	/* multicast (224/4), the limited broadcast and a subnet's; class E (240/4) is martian */
	return (dst[0] >= 224 && dst[0] < 240) || d == UINT32_MAX || bcast_v4(d);
}

/* a is one of our IPv4 addresses */
static inline bool
local_v4(uint32_t a)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip4 && a == vfw.ports[i].ip4)
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

/* a is one of our IPv6 unicast addresses (global or link-local) */
static bool
own_v6(const uint8_t *a)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (vfw.ports[i].has_ip6 &&
		    (memcmp(a, vfw.ports[i].ip6, 16) == 0 || memcmp(a, vfw.ports[i].ip6_ll, 16) == 0))
			return true;
	return false;
}

static const uint8_t v6_zero[16], v6_loop[16] = { [15] = 1 };

/* Sources no packet can come from, even one for us: loopback, multicast. */
static inline bool
martian_src_v6(const uint8_t *src)
{
	return src[0] == 0xff || memcmp(src, v6_loop, 16) == 0;
}

/* What may not be forwarded: the above, unspecified (DAD uses it: local only), link-local. */
static inline bool
martian_v6(const uint8_t *src, const uint8_t *dst)
{
	return martian_src_v6(src) || memcmp(src, v6_zero, 16) == 0 ||
	       memcmp(dst, v6_zero, 16) == 0 || memcmp(dst, v6_loop, 16) == 0 ||
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

	p->fam = v6 ? DP_FAM_V6 : DP_FAM_V4;
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
			p->cp.l4len = (v6 ? dp_rd16(ip + 4) + 40u : dp_rd16(ip + 2)) - (uint32_t)(l4 - ip);
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
			    (v6 ? related_v6(p, l4, l4_first_seg(m, l4, l4len)) :
				  related_v4(p, l4, l4_first_seg(m, l4, l4len))))
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
	enum dp_rx_ck ipck = dp_rx_ip_ck(m->ol_flags);
	uint32_t src, dst;

	if (unlikely(pi->fragment)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_fragment);
		return 0;
	}
	if (unlikely(pi->ip_options)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_ip_options);
		return 0;
	}
	if (unlikely(ipck == DP_RX_CK_BAD ||
		     (ipck == DP_RX_CK_SW && !dp_ipv4_hdr_cksum_ok((const struct rte_ipv4_hdr *)ip)))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_ip_cksum);
		return 0;
	}
	if (vfw.opt.verify_cksum && unlikely(!l4_cksum_ok(m, d, pi))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_l4_cksum);
		return 0;
	}
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	/* spoofed sources, also towards the firewall itself */
	if (unlikely(local_v4(src))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian_self);
		return 0;
	}
	if (unlikely(martian_src_v4(ip + 12) || bcast_v4(src))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian);
		return 0;
	}
	if (unlikely(local_v4(dst))) {
		p->kind = K_LOCAL;
		return 1;
	}
	if (unlikely(l2_mcast || mcast_v4(ip + 16, dst))) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_multicast);
		return 0;
	}
	if (unlikely(martian_dst_v4(ip + 16))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian);
		return 0;
	}
	if (unlikely(ip[8] <= 1)) {
		drop(b, m, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
		return 0;
	}
	return l4_key(b, m, p, ip, l4, l4_len(pi), pi->l4_proto, false);
}

/*
 * A routing header: type 0 is dropped (RFC 5095: amplification, and it
 * steers past the firewall); one whose final destination is not known
 * (dp_pkt_info.l4_dst_off) is dropped too, since neither its L4 checksum
 * nor where it ends can be told. Returns the detail counter, 0 to go on.
 */
static inline unsigned int
rh_check(const uint8_t *d, const struct dp_pkt_info *pi)
{
	if (likely(pi->rh_off == 0))
		return 0;
	if (d[pi->rh_off + 2] == 0)
		return VFW_CTR_rh0;
	if (pi->l4_dst_off == 0)
		return VFW_CTR_rh_unknown;
	return 0;
}

static int
ip6_checks(struct burst *b, struct rte_mbuf *m, uint8_t *d, const struct dp_pkt_info *pi,
		struct pkt *p, bool l2_mcast)
{
	uint8_t *ip = d + pi->l3_off, *l4 = d + pi->l4_off;
	const uint8_t *src = ip + 8, *dst = ip + 24;
	unsigned int rh;

	if (unlikely(pi->fragment)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_fragment);
		return 0;
	}
	rh = rh_check(d, pi);
	if (unlikely(rh != 0)) {
		drop(b, m, VFW_CTR_malformed, rh);
		return 0;
	}
	if (vfw.opt.verify_cksum && unlikely(!l4_cksum_ok(m, d, pi))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_bad_l4_cksum);
		return 0;
	}
	if (unlikely(own_v6(src))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian_self);
		return 0;
	}
	if (unlikely(martian_src_v6(src))) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_martian);
		return 0;
	}
	if (unlikely(local_v6(dst))) {
		/* arp_nd.c reads the frame as one buffer: not answered in several segments */
		if (unlikely(m->nb_segs != 1)) {
			drop(b, m, VFW_CTR_dropped_other, VFW_CTR_to_self);
			return 0;
		}
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
	return l4_key(b, m, p, ip, l4, l4_len(pi), pi->l4_proto, true);
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
	if (pi.l3_type == DP_FAM_NONE) {
		drop(b, m, VFW_CTR_dropped_other, VFW_CTR_not_ip);
		return 0;
	}
	if (unlikely(data != d)) {
		drop(b, m, VFW_CTR_malformed, VFW_CTR_malformed_split);
		return 0;
	}
	if (pi.l3_type == DP_FAM_V4)
		return ip4_checks(b, m, d, &pi, p, l2_mcast);
	return ip6_checks(b, m, d, &pi, p, l2_mcast);
}
