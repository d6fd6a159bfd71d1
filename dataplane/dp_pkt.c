/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parse and build helpers (see dp_pkt.h). Every header field is read
 * and written byte-wise in network order, so frames may sit at any alignment.
 */
#include <string.h>

#include <netinet/in.h>

#include <rte_common.h>
#include <rte_tcp.h>

#include "dp_pkt.h"
#include "dp_probe.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define VLAN_LEN 4
#define UDP_HDR_LEN 8
#define TCP_HDR_LEN 20
#define ICMP_HDR_LEN 8
#define IPV6_EXT_MAX 8		/* extension headers walked before giving up */
#define FRAME_MAX 9216		/* largest frame dp_pkt_build() writes */
#define TCP_BUILD_SEQ 0x00010000
#define TCP_BUILD_ACK 0x00020000

static const char *const status_str[] = {
#define DP_PKT_STATUS_STR(name, text) [DP_PKT_##name] = text,
	DP_PKT_STATUS(DP_PKT_STATUS_STR)
#undef DP_PKT_STATUS_STR
};

static const char *const status_name[] = {
	[DP_PKT_OK] = "ok",
	[DP_PKT_TRUNC_ETH] = "trunc_eth",
	[DP_PKT_TRUNC_VLAN] = "trunc_vlan",
	[DP_PKT_TRUNC_L3] = "trunc_l3",
	[DP_PKT_BAD_IP_VER] = "bad_ip_ver",
	[DP_PKT_BAD_IHL] = "bad_ihl",
	[DP_PKT_BAD_IP_LEN] = "bad_ip_len",
	[DP_PKT_TRUNC_L4] = "trunc_l4",
	[DP_PKT_BAD_L4_LEN] = "bad_l4_len",
	[DP_PKT_TRUNC_EXT] = "trunc_ext",
};

_Static_assert(RTE_DIM(status_str) == DP_PKT_STATUS_MAX, "status_str");
_Static_assert(RTE_DIM(status_name) == DP_PKT_STATUS_MAX, "status_name");

const char *
dp_pkt_status_str(enum dp_pkt_status s)
{
	return (unsigned int)s < DP_PKT_STATUS_MAX ? status_str[s] : "unknown status";
}

const char *
dp_pkt_status_name(enum dp_pkt_status s)
{
	return (unsigned int)s < DP_PKT_STATUS_MAX ? status_name[s] : "unknown";
}

/* --- parser --- */

struct parse_ctx {
	const uint8_t *p;
	uint32_t avail;		/* bytes readable at p (<= len) */
	uint32_t len;		/* frame length, for the IP length checks */
	bool short_buf;		/* a header ran past avail but not past len */
};

/* True when n bytes at off are readable; notes when only the buffer is short. */
static inline bool
have(struct parse_ctx *c, uint32_t off, uint32_t n)
{
	if (off + n <= c->avail)
		return true;
	if (off + n <= c->len)
		c->short_buf = true;
	return false;
}

static enum dp_pkt_status
parse_ipv4(struct parse_ctx *c, struct dp_pkt_info *info, uint32_t *l4_len)
{
	const uint8_t *ip = c->p + info->l3_off;
	uint32_t ihl, tot;
	uint16_t frag;

	if (!have(c, info->l3_off, IPV4_HDR_LEN))
		return DP_PKT_TRUNC_L3;
	if (ip[0] >> 4 != 4)
		return DP_PKT_BAD_IP_VER;
	ihl = (ip[0] & 0xf) * 4u;
	if (ihl < IPV4_HDR_LEN)
		return DP_PKT_BAD_IHL;
	if (!have(c, info->l3_off, ihl))
		return DP_PKT_TRUNC_L3;
	tot = dp_rd16(ip + 2);
	if (tot < ihl || tot > c->len - info->l3_off)
		return DP_PKT_BAD_IP_LEN;
	info->l3_len = (uint16_t)tot;
	info->l4_proto = ip[9];
	info->ip_options = ihl > IPV4_HDR_LEN;
	frag = dp_rd16(ip + 6);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		info->fragment = 1;
		info->first_fragment = (frag & RTE_IPV4_HDR_OFFSET_MASK) == 0;
	}
	info->l4_off = (uint16_t)(info->l3_off + ihl);
	*l4_len = tot - ihl;
	return DP_PKT_OK;
}

/*
 * Offset of the final destination given a routing header of elen bytes at
 * off (rh points there) and the current one at dst_off. Segments left 0:
 * the IPv6 header's (dst_off). Otherwise the last address of a type 0
 * (RFC 5095 deprecated it, but its format is plain) or type 2 (RFC 6275)
 * header; for type 4 (SRH, RFC 8754) Segment List[0], the list being in
 * reverse order. 0 (not known) for other types: RPL's compressed addresses
 * (type 3, never outside its domain) and unknown ones.
 */
static uint16_t
rh_final_dst(const uint8_t *rh, uint32_t off, uint32_t elen, uint16_t dst_off)
{
	uint32_t naddr = (elen - 8) / 16;

	if (rh[3] == 0)
		return dst_off;
	if (naddr == 0)
		return 0;
	switch (rh[2]) {
	case 0:
	case 2:
		return (uint16_t)(off + 8 + 16 * (naddr - 1));
	case 4:
		return (uint16_t)(off + 8);
	default:
		return 0;
	}
}

static enum dp_pkt_status
parse_ipv6(struct parse_ctx *c, struct dp_pkt_info *info, uint32_t *l4_len)
{
	const uint8_t *ip = c->p + info->l3_off;
	uint32_t plen, off, end, elen;
	uint8_t nh;
	int n;

	if (!have(c, info->l3_off, IPV6_HDR_LEN))
		return DP_PKT_TRUNC_L3;
	if (ip[0] >> 4 != 6)
		return DP_PKT_BAD_IP_VER;
	plen = dp_rd16(ip + 4);
	if (plen > c->len - info->l3_off - IPV6_HDR_LEN ||
			plen > UINT16_MAX - IPV6_HDR_LEN)
		return DP_PKT_BAD_IP_LEN;
	info->l3_len = (uint16_t)(IPV6_HDR_LEN + plen);
	info->l4_dst_off = (uint16_t)(info->l3_off + 24);
	off = info->l3_off + IPV6_HDR_LEN;
	end = info->l3_off + info->l3_len;
	nh = ip[6];
	/* Each extension header must lie inside the IP payload. */
	for (n = 0; nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT; n++) {
		if (n == IPV6_EXT_MAX || end - off < 8 || !have(c, off, 8))
			return DP_PKT_TRUNC_EXT;
		elen = nh == IPPROTO_FRAGMENT ? 8 : (c->p[off + 1] + 1u) * 8;
		if (end - off < elen || !have(c, off, elen))
			return DP_PKT_TRUNC_EXT;
		if (nh == IPPROTO_FRAGMENT) {
			info->fragment = 1;
			info->first_fragment =
				(dp_rd16(c->p + off + 2) & RTE_IPV6_EHDR_FO_MASK) == 0;
		} else if (nh == IPPROTO_ROUTING) {
			/* a second one makes the final destination ambiguous */
			info->l4_dst_off = info->rh_off != 0 ? 0 : rh_final_dst(c->p + off, off, elen,
					info->l4_dst_off);
			info->rh_off = (uint16_t)off;
		}
		nh = c->p[off];
		off += elen;
	}
	info->l4_proto = nh;
	info->l4_off = (uint16_t)off;
	*l4_len = end - off;
	return DP_PKT_OK;
}

static enum dp_pkt_status
parse_l4(struct parse_ctx *c, struct dp_pkt_info *info, uint32_t l4_len)
{
	const uint8_t *l4 = c->p + info->l4_off;
	bool v4 = info->l3_type == DP_FAM_V4;
	uint32_t hlen;

	info->payload_off = info->l4_off;
	if (info->fragment && !info->first_fragment)
		return DP_PKT_OK;
	if (info->l4_proto == IPPROTO_UDP)
		hlen = UDP_HDR_LEN;
	else if (info->l4_proto == IPPROTO_TCP)
		hlen = TCP_HDR_LEN;
	else if (info->l4_proto == (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		hlen = ICMP_HDR_LEN;
	else {
		info->payload_len = (uint16_t)l4_len;
		return DP_PKT_OK;
	}
	if (l4_len < hlen || !have(c, info->l4_off, hlen))
		return DP_PKT_TRUNC_L4;
	/* A first fragment's UDP length covers the whole datagram. */
	if (info->l4_proto == IPPROTO_UDP && !info->fragment && dp_rd16(l4 + 4) != l4_len)
		return DP_PKT_BAD_L4_LEN;
	if (info->l4_proto == IPPROTO_TCP) {
		hlen = (l4[12] >> 4) * 4u;
		if (hlen < TCP_HDR_LEN)
			return DP_PKT_BAD_L4_LEN;
		if (hlen > l4_len || !have(c, info->l4_off, hlen))
			return DP_PKT_TRUNC_L4;
	}
	info->payload_off = (uint16_t)(info->l4_off + hlen);
	info->payload_len = (uint16_t)(l4_len - hlen);
	return DP_PKT_OK;
}

static enum dp_pkt_status
parse(struct parse_ctx *c, struct dp_pkt_info *info)
{
	enum dp_pkt_status st;
	uint32_t off = RTE_ETHER_HDR_LEN, l4_len = 0;
	uint16_t et;

	memset(info, 0, sizeof(*info));
	if (!have(c, 0, RTE_ETHER_HDR_LEN))
		return DP_PKT_TRUNC_ETH;
	et = dp_rd16(c->p + 12);
	while ((et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) && info->nb_vlan < 2) {
		info->ethertype = et;
		if (!have(c, off, VLAN_LEN))
			return DP_PKT_TRUNC_VLAN;
		if (info->nb_vlan++ == 0)
			info->vlan_tci = dp_rd16(c->p + off);
		et = dp_rd16(c->p + off + 2);
		off += VLAN_LEN;
	}
	info->ethertype = et;
	info->l3_off = (uint16_t)off;
	if (et == RTE_ETHER_TYPE_IPV4) {
		info->l3_type = DP_FAM_V4;
		st = parse_ipv4(c, info, &l4_len);
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		info->l3_type = DP_FAM_V6;
		st = parse_ipv6(c, info, &l4_len);
	} else {
		return DP_PKT_OK;	/* ARP, LLDP, ...: l3_off only */
	}
	if (st != DP_PKT_OK)
		return st;
	return parse_l4(c, info, l4_len);
}

enum dp_pkt_status
dp_pkt_parse(const void *data, uint32_t len, struct dp_pkt_info *info)
{
	struct parse_ctx c = { .p = data, .avail = len, .len = len };

	return parse(&c, info);
}

enum dp_pkt_status
dp_pkt_parse_mbuf(const struct rte_mbuf *m, struct dp_pkt_info *info,
		uint8_t scratch[DP_PKT_PARSE_COPY], const uint8_t **data)
{
	struct parse_ctx c = {
		.p = rte_pktmbuf_mtod(m, const uint8_t *),
		.avail = RTE_MIN(rte_pktmbuf_data_len(m), rte_pktmbuf_pkt_len(m)),
		.len = rte_pktmbuf_pkt_len(m),
	};
	enum dp_pkt_status st = parse(&c, info);
	uint32_t n = RTE_MIN(c.len, (uint32_t)DP_PKT_PARSE_COPY);
	const uint8_t *copy;

	if (c.short_buf && n > c.avail) {
		copy = rte_pktmbuf_read(m, 0, n, scratch);
		if (copy != NULL) {
			c.p = copy;
			c.avail = n;
			c.short_buf = false;
			st = parse(&c, info);
		}
	}
	/* the payload the caller may read is what is contiguous at *data */
	if ((uint32_t)info->payload_off + info->payload_len > c.avail)
		info->payload_len = info->payload_off < c.avail ?
				    (uint16_t)(c.avail - info->payload_off) : 0;
	*data = c.p;
	return st;
}

/* --- checksums --- */

/* Sum of len bytes, the 16-bit field at skip (even, if inside) counted as 0. */
static uint64_t
cksum_add_skip(uint64_t sum, const void *buf, uint32_t len, int skip)
{
	if (skip < 0 || (uint32_t)skip + 2 > len)
		return dp_cksum_add(sum, buf, len);
	sum = dp_cksum_add(sum, buf, (uint32_t)skip);
	return dp_cksum_add(sum, (const uint8_t *)buf + skip + 2, len - (uint32_t)skip - 2);
}

/* Offset of the checksum field in an L4 header, -1 when unknown. */
static int
l4_cksum_off(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP:
		return 6;
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 2;
	default:
		return -1;
	}
}

static uint64_t
phdr_sum_ipv4(const struct rte_ipv4_hdr *ip, uint32_t l4_len, uint8_t proto)
{
	uint64_t sum = dp_cksum_add(0, &ip->src_addr, 8);

	/* the address sum may use all 64 bits: add with carry */
	return dp_cksum_add64(sum, (uint64_t)rte_cpu_to_be_16(proto) +
			rte_cpu_to_be_16((uint16_t)l4_len));
}

static uint64_t
phdr_sum_v6(const uint8_t *src, const uint8_t *dst, uint32_t l4_len, uint8_t proto)
{
	uint64_t sum = dp_cksum_add(dp_cksum_add(0, src, 16), dst, 16);

	return dp_cksum_add64(sum, (uint64_t)rte_cpu_to_be_16(proto) +
			rte_cpu_to_be_16((uint16_t)(l4_len >> 16)) + rte_cpu_to_be_16((uint16_t)l4_len));
}

static uint64_t
phdr_sum_ipv6(const struct rte_ipv6_hdr *ip, uint32_t l4_len, uint8_t proto)
{
	return phdr_sum_v6(ip->src_addr, ip->dst_addr, l4_len, proto);
}

/* The value to store: the complement, a UDP 0 sent as 0xffff. */
static uint16_t
l4_cksum_final(uint64_t sum, uint8_t proto)
{
	uint16_t ck = (uint16_t)~dp_cksum_fold(sum);

	return proto == IPPROTO_UDP && ck == 0 ? 0xffff : ck;
}

/* The stored checksum fields are ignored (counted as 0) by the computing functions. */
uint16_t
dp_ipv4_hdr_cksum(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)~dp_cksum_fold(cksum_add_skip(0, ip, rte_ipv4_hdr_len(ip), 10));
}

bool
dp_ipv4_hdr_cksum_ok(const struct rte_ipv4_hdr *ip)
{
	uint32_t ihl = rte_ipv4_hdr_len(ip);

	return ihl >= IPV4_HDR_LEN && dp_cksum_verifies(dp_cksum_add(0, ip, ihl));
}

uint16_t
dp_l4_cksum_ipv4(const struct rte_ipv4_hdr *ip, const void *l4, uint32_t l4_len,
		uint8_t proto)
{
	uint64_t sum = phdr_sum_ipv4(ip, l4_len, proto);

	return l4_cksum_final(cksum_add_skip(sum, l4, l4_len, l4_cksum_off(proto)), proto);
}

uint16_t
dp_l4_cksum_ipv6(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t l4_len,
		uint8_t proto)
{
	uint64_t sum = phdr_sum_ipv6(ip, l4_len, proto);

	return l4_cksum_final(cksum_add_skip(sum, l4, l4_len, l4_cksum_off(proto)), proto);
}

uint16_t
dp_icmp_cksum(const void *icmp, uint32_t len)
{
	return (uint16_t)~dp_cksum_fold(cksum_add_skip(0, icmp, len, 2));
}

/* L4 bytes of a parsed packet, or 0 when the checksum field is not inside them. */
static uint32_t
l4_span(const struct dp_pkt_info *info)
{
	uint32_t end = (uint32_t)info->l3_off + info->l3_len;
	int coff = l4_cksum_off(info->l4_proto);

	if (info->fragment || coff < 0 || info->l4_off + (uint32_t)coff + 2 > end)
		return 0;
	if (info->l4_proto == (info->l3_type == DP_FAM_V4 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		return 0;
	return end - info->l4_off;
}

/*
 * The pseudo-header sum (0 for ICMPv4) of a parsed packet whose headers are
 * at f, and its L4 length; false when there is no checksum to compute (see
 * l4_span()) or the IPv6 final destination is not known.
 */
static bool
l4_cksum_start(const uint8_t *f, const struct dp_pkt_info *info, uint64_t *sum,
		uint32_t *l4_len)
{
	const uint8_t *ip = f + info->l3_off;
	uint8_t proto = info->l4_proto;

	*l4_len = l4_span(info);
	if (*l4_len == 0)
		return false;
	if (info->l3_type == DP_FAM_V4)
		*sum = proto == IPPROTO_ICMP ? 0 :
		       phdr_sum_ipv4((const struct rte_ipv4_hdr *)ip, *l4_len, proto);
	else if (info->l3_type == DP_FAM_V6 && info->l4_dst_off != 0)
		*sum = phdr_sum_v6(ip + 8, f + info->l4_dst_off, *l4_len, proto);
	else
		return false;
	return true;
}

/* After l4_cksum_start(): UDP without a checksum (none sent; mandatory in IPv6). */
static inline bool
udp_no_cksum(const uint8_t *f, const struct dp_pkt_info *info)
{
	return info->l4_proto == IPPROTO_UDP && dp_rd16(f + info->l4_off + 6) == 0;
}

bool
dp_l4_cksum_ok(const void *frame, const struct dp_pkt_info *info)
{
	uint64_t sum;
	uint32_t len;

	if (!l4_cksum_start(frame, info, &sum, &len))
		return false;
	if (udp_no_cksum(frame, info))
		return info->l3_type == DP_FAM_V4;
	return dp_cksum_fold(dp_cksum_add(sum, (const uint8_t *)frame + info->l4_off, len)) ==
	       0xffff;
}

bool
dp_l4_cksum_ok_mbuf(const struct rte_mbuf *m, const void *frame, const struct dp_pkt_info *info)
{
	uint64_t sum;
	uint32_t len;

	if (!l4_cksum_start(frame, info, &sum, &len))
		return false;
	if (udp_no_cksum(frame, info))
		return info->l3_type == DP_FAM_V4;
	/* the L4 bytes from the mbuf: frame may be a copy of the headers only */
	if (likely((uint32_t)info->l4_off + len <= rte_pktmbuf_data_len(m)))
		sum = dp_cksum_add(sum, rte_pktmbuf_mtod_offset(m, const uint8_t *, info->l4_off), len);
	else if (!dp_cksum_add_mbuf(m, info->l4_off, len, &sum))
		return false;
	return dp_cksum_verifies(sum);
}

bool
dp_cksum_add_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint64_t *sum)
{
	bool odd = false;	/* the next byte is the second of a 16-bit word */

	for (; m != NULL && len != 0; m = m->next) {
		uint32_t dlen = rte_pktmbuf_data_len(m), n;
		uint16_t part;

		if (off >= dlen) {
			off -= dlen;
			continue;
		}
		n = RTE_MIN(dlen - off, len);
		part = dp_cksum_fold(dp_cksum_add(0, rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
				n));
		/* summed from an odd position: its words are byte-swapped (RFC 1071 2.B) */
		if (odd)
			part = (uint16_t)(part << 8 | part >> 8);
		*sum = dp_cksum_add64(*sum, part);
		odd ^= n & 1;
		len -= n;
		off = 0;
	}
	return len == 0;
}

void
dp_pkt_fix_cksums(void *frame, const struct dp_pkt_info *info)
{
	uint8_t *f = frame;
	uint8_t *l4 = f + info->l4_off;
	int coff = l4_cksum_off(info->l4_proto);	/* >= 0 when there is a checksum */
	uint64_t sum;
	uint32_t l4_len;
	uint16_t ck;

	if (info->l3_type == DP_FAM_V4) {
		struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)(f + info->l3_off);

		ip4->hdr_checksum = dp_ipv4_hdr_cksum(ip4);
	} else if (info->l3_type != DP_FAM_V6) {
		return;
	}
	if (!l4_cksum_start(f, info, &sum, &l4_len))
		return;
	memset(l4 + coff, 0, 2);	/* computed with the field as 0 */
	ck = l4_cksum_final(dp_cksum_add(sum, l4, l4_len), info->l4_proto);
	memcpy(l4 + coff, &ck, 2);
}

/* --- builder --- */

/* L4 header length of a valid spec, 0 for an invalid one. */
static uint32_t
spec_l4_hdr_len(const struct dp_pkt_spec *spec)
{
	bool v4 = spec->l3_type == DP_FAM_V4;

	if (!v4 && spec->l3_type != DP_FAM_V6)
		return 0;
	if (spec->l4_proto == IPPROTO_UDP)
		return UDP_HDR_LEN;
	if (spec->l4_proto == IPPROTO_TCP)
		return TCP_HDR_LEN;
	if (spec->l4_proto == (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		return ICMP_HDR_LEN;
	return 0;
}

uint16_t
dp_pkt_min_len(const struct dp_pkt_spec *spec, bool with_probe)
{
	uint32_t l4 = spec_l4_hdr_len(spec);

	if (l4 == 0)
		return 0;
	return (uint16_t)(RTE_ETHER_HDR_LEN + (spec->vlan_tci ? VLAN_LEN : 0) +
		(spec->l3_type == DP_FAM_V4 ? IPV4_HDR_LEN : IPV6_HDR_LEN) + l4 +
		(with_probe ? DP_PROBE_LEN : 0));
}

uint16_t
dp_pkt_build(void *buf, const struct dp_pkt_spec *spec, struct dp_pkt_info *info)
{
	uint16_t min = dp_pkt_min_len(spec, false), len = spec->frame_len;
	uint8_t ttl = spec->ttl ? spec->ttl : 64, proto = spec->l4_proto;
	bool v4 = spec->l3_type == DP_FAM_V4;
	uint32_t off = RTE_ETHER_HDR_LEN, hlen = spec_l4_hdr_len(spec);
	struct dp_pkt_info pi;
	uint8_t *b = buf, *ip, *l4;

	if (min == 0 || len < min || len > FRAME_MAX)
		return 0;
	memset(b, 0, len);
	memset(&pi, 0, sizeof(pi));
	memcpy(b, spec->dst_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy(b + RTE_ETHER_ADDR_LEN, spec->src_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (spec->vlan_tci) {
		dp_wr16(b + 12, RTE_ETHER_TYPE_VLAN);
		dp_wr16(b + 14, spec->vlan_tci);
		off += VLAN_LEN;
		pi.nb_vlan = 1;
		pi.vlan_tci = spec->vlan_tci;
	}
	pi.ethertype = v4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	dp_wr16(b + off - 2, pi.ethertype);
	pi.l3_type = spec->l3_type;
	pi.l4_proto = proto;
	pi.l3_off = (uint16_t)off;
	pi.l3_len = (uint16_t)(len - off);

	ip = b + off;
	if (v4) {
		ip[0] = 0x45;
		ip[1] = spec->tos;
		dp_wr16(ip + 2, pi.l3_len);
		ip[8] = ttl;
		ip[9] = proto;
		dp_wr32(ip + 12, spec->src_ip4);
		dp_wr32(ip + 16, spec->dst_ip4);
		off += IPV4_HDR_LEN;
	} else {
		dp_wr32(ip, 6u << 28 | (uint32_t)spec->tos << 20);
		dp_wr16(ip + 4, (uint16_t)(pi.l3_len - IPV6_HDR_LEN));
		ip[6] = proto;
		ip[7] = ttl;
		memcpy(ip + 8, spec->src_ip6, 16);
		memcpy(ip + 24, spec->dst_ip6, 16);
		pi.l4_dst_off = (uint16_t)(off + 24);
		off += IPV6_HDR_LEN;
	}

	l4 = b + off;
	pi.l4_off = (uint16_t)off;
	pi.payload_off = (uint16_t)(off + hlen);
	pi.payload_len = (uint16_t)(len - off - hlen);
	if (proto == IPPROTO_UDP) {
		dp_wr16(l4, spec->src_port);
		dp_wr16(l4 + 2, spec->dst_port);
		dp_wr16(l4 + 4, (uint16_t)(len - off));
	} else if (proto == IPPROTO_TCP) {
		dp_wr16(l4, spec->src_port);
		dp_wr16(l4 + 2, spec->dst_port);
		dp_wr32(l4 + 4, TCP_BUILD_SEQ);
		dp_wr32(l4 + 8, TCP_BUILD_ACK);
		l4[12] = (TCP_HDR_LEN / 4) << 4;
		l4[13] = spec->tcp_flags ? spec->tcp_flags : RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		dp_wr16(l4 + 14, 0xffff);
	} else {
		l4[0] = v4 ? 8 : 128;	/* echo request */
		dp_wr16(l4 + 4, spec->src_port);
		dp_wr16(l4 + 6, spec->icmp_seq);
	}
	dp_pkt_fix_cksums(b, &pi);
	if (info != NULL)
		*info = pi;
	return len;
}
