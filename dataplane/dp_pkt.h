/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parse and build helpers: Ethernet (+ up to two VLAN tags), IPv4,
 * IPv6, UDP, TCP, ICMP / ICMPv6, ARP. Checksums in software.
 *
 * Thread safety: all functions are pure (no shared state); safe on any lcore.
 * The parser never reads past the len bytes it is given.
 */
#ifndef DP_PKT_H
#define DP_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "dp_cksum.h"
#include "dp_net.h"

/* What dp_pkt_parse() found; DP_PKT_OK means every header up to L4 is whole. */
#define DP_PKT_STATUS(X) \
	X(OK,            "ok") \
	X(TRUNC_ETH,     "truncated Ethernet header") \
	X(TRUNC_VLAN,    "truncated VLAN tag") \
	X(TRUNC_L3,      "truncated IP header") \
	X(BAD_IP_VER,    "IP version does not match the EtherType") \
	X(BAD_IHL,       "IPv4 header length below 20 bytes") \
	X(BAD_IP_LEN,    "IP total length larger than the frame or below the header") \
	X(TRUNC_L4,      "truncated L4 header") \
	X(BAD_L4_LEN,    "L4 length field inconsistent with the IP length") \
	X(TRUNC_EXT,     "truncated IPv6 extension header")

#define DP_PKT_STATUS_ENUM(name, text) DP_PKT_##name,
enum dp_pkt_status {
	DP_PKT_STATUS(DP_PKT_STATUS_ENUM)
	DP_PKT_STATUS_MAX
};
#undef DP_PKT_STATUS_ENUM

/* One-line description of a status, for logs and error counters. */
const char *dp_pkt_status_str(enum dp_pkt_status s);
/* Short identifier of a status ("trunc_eth"...), for counter names. */
const char *dp_pkt_status_name(enum dp_pkt_status s);

struct dp_pkt_info {
	uint16_t ethertype;	/* innermost, host order */
	uint16_t vlan_tci;	/* outermost VLAN TCI, host order; 0 if none */
	uint8_t nb_vlan;	/* 0, 1 or 2 tags */
	uint8_t l3_type;	/* enum dp_family; DP_FAM_NONE: not IP (ARP, LLDP, ...: see ethertype) */
	uint8_t l4_proto;	/* IPPROTO_*, 0 when not IP */
	uint8_t ip_options;	/* IPv4 with IHL > 5 */
	uint8_t fragment;	/* 1 for any fragment (IPv4 MF/offset, IPv6 frag hdr) */
	uint8_t first_fragment;	/* the fragment with offset 0 (holds the L4 header) */
	uint16_t l3_off;	/* offset of the IP (or ARP) header */
	uint16_t l4_off;	/* offset of the L4 header (valid when l4_proto != 0) */
	uint16_t payload_off;	/* offset of the L4 payload (UDP/TCP data, ICMP echo data) */
	uint16_t payload_len;	/* bytes of payload inside the IP length and the frame */
	uint16_t l3_len;	/* IP total length (header + payload) per the header */
	uint16_t rh_off;	/* IPv6: offset of the routing header, 0 when none */
	/*
	 * IPv6: offset of the final destination, the address the L4 checksum's
	 * pseudo-header uses (RFC 8200 8.1): the IPv6 header's, or with
	 * segments left the last one of a type 0, 2 or 4 (SRH) routing header.
	 * 0 when it is not known (segments left in another type, or two
	 * routing headers): the L4 checksum then cannot be verified.
	 */
	uint16_t l4_dst_off;
};

/*
 * Parse len bytes of a frame starting at data. Fills info as far as it gets
 * and returns the first problem found. Fragments other than the first stop
 * after L3 (l4_proto is set, payload_len is 0). Unknown L4 protocols stop
 * after L3 with payload_off = l4_off. ICMP: payload_off is after the 8-byte
 * header (the echo data for echo request/reply).
 */
enum dp_pkt_status dp_pkt_parse(const void *data, uint32_t len, struct dp_pkt_info *info);

/*
 * Parse an mbuf: the first segment in place; if headers continue into
 * further segments, the first DP_PKT_PARSE_COPY bytes are copied into
 * scratch and *data is pointed there. *data receives the bytes the offsets
 * in info refer to. payload_len is clipped to the bytes readable at *data
 * (a payload that continues into further segments is not all visible).
 */
#define DP_PKT_PARSE_COPY 256
enum dp_pkt_status dp_pkt_parse_mbuf(const struct rte_mbuf *m, struct dp_pkt_info *info,
		uint8_t scratch[DP_PKT_PARSE_COPY], const uint8_t **data);

/* --- checksums (software) --- */

/* IPv4 header checksum over ihl*4 bytes; returns the value to store (network order). */
uint16_t dp_ipv4_hdr_cksum(const struct rte_ipv4_hdr *ip);
/* True when the IPv4 header checksum verifies. */
bool dp_ipv4_hdr_cksum_ok(const struct rte_ipv4_hdr *ip);
/*
 * L4 (UDP/TCP/ICMPv6) checksum with the pseudo header, over l4_len bytes at
 * l4. Returns the value to store (network order); for UDP a computed 0 is
 * returned as 0xffff.
 */
uint16_t dp_l4_cksum_ipv4(const struct rte_ipv4_hdr *ip, const void *l4, uint32_t l4_len,
		uint8_t proto);
uint16_t dp_l4_cksum_ipv6(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t l4_len,
		uint8_t proto);
/* ICMPv4 checksum over len bytes (no pseudo header). */
uint16_t dp_icmp_cksum(const void *icmp, uint32_t len);
/*
 * Verify the L4 checksum of a parsed, whole, unfragmented packet, all of it
 * at frame. UDP over IPv4 with checksum 0 is valid (none sent). Returns
 * true when it verifies; false also when it cannot be verified (an IPv6
 * final destination not known: see l4_dst_off).
 */
bool dp_l4_cksum_ok(const void *frame, const struct dp_pkt_info *info);
/*
 * The same for a packet in an mbuf, which may be a chain of segments: the
 * headers are read at frame (the first segment, or dp_pkt_parse_mbuf()'s
 * copy), the L4 bytes from the mbuf, across its segments; false when the
 * chain holds fewer bytes than the IP length says.
 */
bool dp_l4_cksum_ok_mbuf(const struct rte_mbuf *m, const void *frame,
		const struct dp_pkt_info *info);
/*
 * Add the one's complement sum of len bytes at offset off of the packet in
 * m (across its segments) to *sum, as dp_cksum_add() does for contiguous
 * bytes (the byte at off starts a 16-bit word). Never reads past the
 * data of a segment. Returns false (*sum then meaningless) when the chain
 * holds fewer than off + len bytes.
 */
bool dp_cksum_add_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint64_t *sum);
/* --- fast path for the common frame --- */

#define DP_PKT_UDP4_PAYLOAD_OFF (RTE_ETHER_HDR_LEN + 20 + 8)
#define DP_PKT_V4_L4_OFF (RTE_ETHER_HDR_LEN + 20)

/*
 * The one fast recogniser of the common frame, for every binary, so that
 * the firewall and the sink agree on what is plain: untagged Ethernet, IPv4
 * without options, not a fragment, the whole IP packet inside the avail
 * contiguous bytes at f (avail at most the frame length), and a whole L4
 * header: UDP with a length matching the IP length, TCP with a data offset
 * of at least 20 bytes inside the IP length, or ICMP (8 bytes). Returns the
 * IP total length and the L4 header length in *l4_hlen (the protocol is
 * f[23]), or 0 when the frame is not such a one (then the caller takes the
 * general path, dp_pkt_parse(); nothing is said about the frame).
 *
 * For a frame it accepts, dp_pkt_parse() on the same bytes returns DP_PKT_OK
 * with l3_type IPv4, l3_off 14, that l4_proto, no fragment, no options,
 * l4_off DP_PKT_V4_L4_OFF, payload_off l4_off + *l4_hlen and payload_len =
 * the result - 20 - *l4_hlen, all of it readable at f. It reads only bytes
 * below avail.
 */
static inline uint32_t
dp_pkt_v4_simple(const uint8_t *f, uint32_t avail, uint32_t *l4_hlen)
{
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN, *l4 = ip + 20;
	uint32_t w, tot, l4len, hlen;

	if (unlikely(avail < DP_PKT_V4_L4_OFF + 8))
		return 0;
	/* a few fields per 32-bit load, fewer branches: EtherType, version, IHL */
	memcpy(&w, f + 12, 4);
	if ((rte_be_to_cpu_32(w) & 0xffffff00) != 0x08004500)
		return 0;
	/* MF flag and fragment offset (a fragment); DF, TTL ignored */
	memcpy(&w, ip + 6, 4);
	if ((rte_be_to_cpu_32(w) & 0x3fff0000) != 0)
		return 0;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	if (tot < 28 || tot > avail - RTE_ETHER_HDR_LEN)
		return 0;
	l4len = tot - 20;
	switch (ip[9]) {
	case IPPROTO_UDP:
		if (((uint32_t)l4[4] << 8 | l4[5]) != l4len)
			return 0;
		hlen = 8;
		break;
	case IPPROTO_TCP:
		if (l4len < 20)
			return 0;	/* before reading the data offset: it may lie past the frame */
		hlen = (l4[12] >> 4) * 4u;
		if (hlen < 20 || hlen > l4len)
			return 0;
		break;
	case IPPROTO_ICMP:
		hlen = 8;
		break;
	default:
		return 0;
	}
	*l4_hlen = hlen;
	return tot;
}

/*
 * dp_pkt_v4_simple() for UDP only (the sink's common frame): the IP total
 * length, 0 for anything else; payload at DP_PKT_UDP4_PAYLOAD_OFF.
 */
static inline uint32_t
dp_pkt_udp4_simple(const uint8_t *f, uint32_t avail)
{
	uint32_t hlen, tot = dp_pkt_v4_simple(f, avail, &hlen);

	return tot != 0 && f[RTE_ETHER_HDR_LEN + 9] == IPPROTO_UDP ? tot : 0;
}

/*
 * The port's word on a received checksum, read from the mbuf's offload
 * flags the same way by every binary: GOOD (verified by the port), BAD
 * (drop or count as malformed), or SW (unknown, or "none": not correct in
 * the packet but the data is whole; verify in software where checking).
 */
enum dp_rx_ck {
	DP_RX_CK_SW = 0,
	DP_RX_CK_GOOD,
	DP_RX_CK_BAD,
};

static inline enum dp_rx_ck
dp_rx_ck_of(uint64_t flags, uint64_t good, uint64_t bad)
{
	if (flags == good)
		return DP_RX_CK_GOOD;
	return flags == bad ? DP_RX_CK_BAD : DP_RX_CK_SW;
}

/* The IPv4 header checksum's verdict. */
static inline enum dp_rx_ck
dp_rx_ip_ck(uint64_t ol_flags)
{
	return dp_rx_ck_of(ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
			RTE_MBUF_F_RX_IP_CKSUM_BAD);
}

/* The L4 (TCP/UDP) checksum's verdict. */
static inline enum dp_rx_ck
dp_rx_l4_ck(uint64_t ol_flags)
{
	return dp_rx_ck_of(ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
			RTE_MBUF_F_RX_L4_CKSUM_BAD);
}

/*
 * IPv4 header and UDP checksums of a frame dp_pkt_udp4_simple() accepted
 * (tot its result): true when both verify, the same answers as
 * dp_ipv4_hdr_cksum_ok() and dp_l4_cksum_ok() (UDP checksum 0: none sent,
 * valid over IPv4 per RFC 768).
 */
static inline bool
dp_pkt_udp4_cksum_ok(const uint8_t *f, uint32_t tot, bool check_ip, bool check_udp)
{
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
	const uint8_t *udp = ip + 20;
	uint64_t addr, sum;
	bool ok = true;

	/* the addresses are in both sums: add them once */
	addr = dp_cksum_add(0, ip + 12, 8);
	if (check_ip)
		ok = dp_cksum_verifies(dp_cksum_add(addr, ip, 12));
	if (check_udp && (udp[6] != 0 || udp[7] != 0)) {
		sum = dp_cksum_add64(addr, (uint64_t)rte_cpu_to_be_16(IPPROTO_UDP) +
				rte_cpu_to_be_16((uint16_t)(tot - 20)));
		ok &= dp_cksum_verifies(dp_cksum_add(sum, udp, tot - 20));
	}
	return ok;
}

/* --- builders: write headers into a buffer, return bytes written --- */

struct dp_pkt_spec {
	struct rte_ether_addr src_mac, dst_mac;
	uint16_t vlan_tci;	/* 0 = untagged */
	uint8_t l3_type;	/* DP_FAM_V4 or DP_FAM_V6 */
	uint8_t l4_proto;	/* IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP (v4) / IPPROTO_ICMPV6 (v6) */
	uint8_t ttl;		/* TTL / hop limit; 0 = 64 */
	uint8_t tos;		/* TOS / traffic class */
	uint8_t tcp_flags;	/* RTE_TCP_*_FLAG; 0 = ACK|PSH for data */
	uint32_t src_ip4, dst_ip4;	/* host order */
	uint8_t src_ip6[16], dst_ip6[16];
	uint16_t src_port, dst_port;	/* host order; ICMP: id in src_port */
	uint16_t icmp_seq;		/* ICMP echo sequence */
	uint16_t frame_len;	/* whole frame without FCS; the payload fills the rest */
};

/* Smallest frame_len for a spec's headers (plus probe when with_probe). */
uint16_t dp_pkt_min_len(const struct dp_pkt_spec *spec, bool with_probe);

/*
 * Build a whole frame of spec->frame_len bytes into buf (at least that many
 * bytes): headers, payload zeroed, lengths and all checksums correct.
 * Returns frame_len, or 0 if frame_len is below dp_pkt_min_len(spec, false)
 * or spec is invalid. info (optional) receives the offsets.
 */
uint16_t dp_pkt_build(void *buf, const struct dp_pkt_spec *spec, struct dp_pkt_info *info);

/*
 * Recompute all checksums of a frame built by dp_pkt_build() after its
 * payload or fields changed (software path). info from dp_pkt_build/parse.
 */
void dp_pkt_fix_cksums(void *frame, const struct dp_pkt_info *info);

#endif /* DP_PKT_H */
