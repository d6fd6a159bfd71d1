/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw/classify.c, the worker's general parse and checks
 * (vfw_classify_slow()), without EAL: every drop reason it counts, one
 * frame each, with exactly its three counters (dropped, the class, the
 * detail) and the frame set aside for freeing; what it lets through
 * (local traffic, a flow's key, an ICMP error's quoted flow). Frames arrive
 * on the unprotected port of the harness (vfw_harness.h), each in a
 * buffer of exactly its length (one malloc per segment), so that the
 * sanitizer build catches a read past the data.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>

#include "dp_net.h"
#include "dp_pkt.h"
#include "fwd.h"
#include "vfw_harness.h"

#define IN 0		/* the input port: unprotected */
#define L3 RTE_ETHER_HDR_LEN
#define SRC4 "192.0.2.10"	/* outside */
#define DST4 "10.1.2.3"		/* inside */
#define SRC6 "2001:db8:5::10"
#define DST6 "2001:db8:1::20"

static uint8_t buf[2048];	/* the frame being built; copied into an exact buffer to run */
static struct burst burst;

/* ---- building ---- */

/* A frame of proto from src to dst (ports 40000 -> 53), extra payload bytes; its length. */
static uint16_t
build_len(uint8_t proto, const char *src, const char *dst, uint16_t extra)
{
	struct dp_pkt_spec s;

	vh_spec(&s, IN, proto, src, dst, 40000, 53);
	s.frame_len = (uint16_t)(s.frame_len + extra);
	assert_int_equal(dp_pkt_build(buf, &s, NULL), s.frame_len);
	return s.frame_len;
}

static uint16_t
build(uint8_t proto, const char *src, const char *dst)
{
	return build_len(proto, src, dst, 0);
}

static uint16_t
udp4(void)
{
	return build(IPPROTO_UDP, SRC4, DST4);
}

static uint16_t
udp6(void)
{
	return build(IPPROTO_UDP, SRC6, DST6);
}

/* All checksums of the frame in buf made right again after an edit (it must parse). */
static void
refix(uint16_t len)
{
	struct dp_pkt_info pi;

	assert_int_equal(dp_pkt_parse(buf, len, &pi), DP_PKT_OK);
	dp_pkt_fix_cksums(buf, &pi);
}

/* n bytes inserted at off in the frame of len bytes; returns the new length. */
static uint16_t
insert(uint16_t len, uint16_t off, const void *bytes, uint16_t n)
{
	assert_true(len + n <= sizeof(buf));
	memmove(buf + off + n, buf + off, len - off);
	memcpy(buf + off, bytes, n);
	return (uint16_t)(len + n);
}

/* An IPv6 extension header of type nh inserted first in the chain (its next header set). */
static uint16_t
ext6(uint16_t len, uint8_t nh, uint8_t *ext, uint16_t elen)
{
	uint8_t *ip = buf + L3;

	ext[0] = ip[6];
	ip[6] = nh;
	dp_wr16(ip + 4, (uint16_t)(dp_rd16(ip + 4) + elen));
	return insert(len, L3 + 40, ext, elen);
}

/* A routing header of type type, one address, segments left 1, first in udp6()'s chain. */
static uint16_t
rh6(uint8_t type)
{
	uint8_t rh[24] = { 0, 2, type, 1 };
	uint16_t len = udp6();

	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::99", rh + 8), 1);
	return ext6(len, IPPROTO_ROUTING, rh, sizeof(rh));
}

/* udp6() behind n destination-options headers (8 bytes each, PadN). */
static uint16_t
dstopts6(unsigned int n)
{
	uint16_t len = udp6();
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint8_t opt[8] = { 0, 0, 1, 4 };

		len = ext6(len, IPPROTO_DSTOPTS, opt, sizeof(opt));
	}
	return len;
}

/* ---- running ---- */

static const uint8_t one_seg[FUZZ_MBUF_CTL];

/*
 * The frame in buf (len bytes; ctl NULL: one segment, else fuzz_mbuf.h's
 * split) with the rx flags ol through vfw_classify_slow(). Returns its
 * result; the frame is in burst.drop exactly when it returned 0.
 */
static int
run(uint16_t len, const uint8_t *ctl, uint64_t ol, bool l2_mcast, struct pkt *p)
{
	struct rte_mbuf *m = vh_frame_add(ctl != NULL ? ctl : one_seg, buf, len, ctl == NULL);
	int r;

	m->ol_flags = ol;
	memset(&burst, 0, sizeof(burst));
	burst.w = &vh.w;
	burst.in = IN;
	memset(p, 0, sizeof(*p));
	p->m = m;	/* as forward.c's classify() does */
	p->len = rte_pktmbuf_pkt_len(m);
	r = vfw_classify_slow(&burst, m, p, l2_mcast);
	if (r == 0) {
		assert_int_equal(burst.nb_drop, 1);
		assert_ptr_equal(burst.drop[0], m);
	} else {
		assert_int_equal(r, 1);
		assert_int_equal(burst.nb_drop, 0);
	}
	return r;
}

/* The counters moved by exactly d since before (the whole block), else the test fails. */
static void
assert_ctrs(const char *what, const uint64_t *before, const struct vh_delta *d, unsigned int n)
{
	char err[160];

	if (!vh_ctr_deltas(before, d, n, err, sizeof(err)))
		fail_msg("%s: %s", what, err);
}

/* The frame in buf is dropped and counted dropped, cls and detail (once each) on the input port. */
static void
expect_drop_ol(const char *what, uint16_t len, const uint8_t *ctl, uint64_t ol, bool l2_mcast,
		unsigned int cls, unsigned int detail)
{
	uint64_t before[VH_PORTS * VFW_CTR_MAX];
	const struct vh_delta d[] = {
		{ IN, VFW_CTR_dropped, 1 }, { IN, (uint16_t)cls, 1 }, { IN, (uint16_t)detail, 1 },
	};
	struct pkt p;

	memcpy(before, vh.pctr, sizeof(before));
	if (run(len, ctl, ol, l2_mcast, &p) != 0)
		fail_msg("%s: not dropped", what);
	assert_ctrs(what, before, d, detail != cls ? 3 : 2);
	vh_frames_free();
}

static void
expect_drop(const char *what, uint16_t len, unsigned int cls, unsigned int detail)
{
	expect_drop_ol(what, len, NULL, 0, false, cls, detail);
}

static void
expect_malformed(const char *what, uint16_t len, unsigned int detail)
{
	expect_drop(what, len, VFW_CTR_malformed, detail);
}

/* The frame in buf passes (no counter moves) as kind; p gets its view (its frame stays alive). */
static void
expect_pass(const char *what, uint16_t len, const uint8_t *ctl, uint64_t ol, uint8_t kind,
		struct pkt *p)
{
	uint64_t before[VH_PORTS * VFW_CTR_MAX];

	memcpy(before, vh.pctr, sizeof(before));
	if (run(len, ctl, ol, false, p) != 1)
		fail_msg("%s: dropped", what);
	assert_ctrs(what, before, NULL, 0);
	if (p->kind != kind)
		fail_msg("%s: kind %u, expected %u", what, p->kind, kind);
}

static int
setup(void **state)
{
	(void)state;
	vh_setup_ports();
	vh_world_init();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vh_frames_free();
	return 0;
}

/* ---- truncated or inconsistent headers: the parser's status, counted ---- */

static void
test_truncated(void **state)
{
	uint16_t len;

	(void)state;
	memset(buf, 0, sizeof(buf));
	expect_malformed("13-byte frame", 13, VFW_CTR_malformed_trunc_eth);
	expect_malformed("empty frame", 0, VFW_CTR_malformed_trunc_eth);

	udp4();
	dp_wr16(buf + 12, RTE_ETHER_TYPE_VLAN);
	expect_malformed("VLAN tag cut", L3 + 3, VFW_CTR_malformed_trunc_vlan);

	udp4();
	expect_malformed("IPv4 header cut", L3 + 19, VFW_CTR_malformed_trunc_l3);
	udp6();
	expect_malformed("IPv6 header cut", L3 + 39, VFW_CTR_malformed_trunc_l3);

	/* the IP length says where L4 ends: a header longer than that is cut */
	/* the IP length says where L4 ends (the header checksums are not read before) */
	udp4();
	dp_wr16(buf + L3 + 2, 20 + 7);
	expect_malformed("UDP header cut", L3 + 27, VFW_CTR_malformed_trunc_l4);
	build(IPPROTO_TCP, SRC4, DST4);
	dp_wr16(buf + L3 + 2, 20 + 19);
	expect_malformed("TCP header cut", L3 + 39, VFW_CTR_malformed_trunc_l4);
	len = build(IPPROTO_TCP, SRC4, DST4);
	buf[L3 + 20 + 12] = 15 << 4;	/* 60-byte header in a 20-byte segment */
	expect_malformed("TCP options past the IP length", len, VFW_CTR_malformed_trunc_l4);
	build(IPPROTO_ICMP, SRC4, DST4);
	dp_wr16(buf + L3 + 2, 20 + 7);
	expect_malformed("ICMP header cut", L3 + 27, VFW_CTR_malformed_trunc_l4);
	udp6();
	dp_wr16(buf + L3 + 4, 7);
	expect_malformed("UDP header cut (IPv6)", L3 + 47, VFW_CTR_malformed_trunc_l4);

	/* IPv6 extension headers */
	udp6();
	buf[L3 + 6] = IPPROTO_HOPOPTS;
	dp_wr16(buf + L3 + 4, 4);
	expect_malformed("extension header cut", L3 + 44, VFW_CTR_malformed_trunc_ext);
	len = udp6();
	{
		uint8_t hbh[8] = { 0, 5 };	/* says 48 bytes */

		len = ext6(len, IPPROTO_HOPOPTS, hbh, sizeof(hbh));
	}
	expect_malformed("extension header longer than the packet", len,
			 VFW_CTR_malformed_trunc_ext);
}

static void
test_bad_headers(void **state)
{
	uint16_t len;

	(void)state;
	len = udp4();
	buf[L3] = 0x65;
	expect_malformed("IPv4 EtherType, version 6", len, VFW_CTR_malformed_bad_ip_ver);
	len = udp6();
	buf[L3] = 0x45;
	expect_malformed("IPv6 EtherType, version 4", len, VFW_CTR_malformed_bad_ip_ver);
	len = udp4();
	buf[L3] = 0x44;
	expect_malformed("IHL 4", len, VFW_CTR_malformed_bad_ihl);
	len = udp4();
	dp_wr16(buf + L3 + 2, (uint16_t)(len - L3 + 1));
	expect_malformed("IP length past the frame", len, VFW_CTR_malformed_bad_ip_len);
	len = udp4();
	dp_wr16(buf + L3 + 2, 19);
	expect_malformed("IP length below the header", len, VFW_CTR_malformed_bad_ip_len);
	len = udp6();
	dp_wr16(buf + L3 + 4, (uint16_t)(len - L3 - 40 + 1));
	expect_malformed("IPv6 payload length past the frame", len, VFW_CTR_malformed_bad_ip_len);
	len = udp4();
	dp_wr16(buf + L3 + 20 + 4, 9);
	expect_malformed("UDP length beyond the IP length", len, VFW_CTR_malformed_bad_l4_len);
	len = build(IPPROTO_TCP, SRC4, DST4);
	buf[L3 + 20 + 12] = 4 << 4;
	expect_malformed("TCP data offset 4", len, VFW_CTR_malformed_bad_l4_len);

	/* headers that do not fit the first segment: cut 20 bytes into the frame */
	{
		const uint8_t split[FUZZ_MBUF_CTL] = { 1, 0, 19 };	/* 2 segments, cut at 20 */

		len = udp4();
		expect_drop_ol("headers across two segments", len, split, 0, false,
			       VFW_CTR_malformed, VFW_CTR_malformed_split);
	}

	len = udp4();
	buf[L3 + 10] ^= 0x01;
	expect_malformed("IPv4 header checksum", len, VFW_CTR_bad_ip_cksum);
	len = udp4();
	expect_drop_ol("IPv4 header checksum BAD by the port", len, NULL,
		       RTE_MBUF_F_RX_IP_CKSUM_BAD, false, VFW_CTR_malformed, VFW_CTR_bad_ip_cksum);
	len = build(IPPROTO_TCP, SRC4, DST4);
	buf[L3 + 20 + 13] = RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG;
	refix(len);
	expect_malformed("TCP SYN+FIN", len, VFW_CTR_bad_tcp_flags);
	len = build(IPPROTO_TCP, SRC6, DST6);
	buf[L3 + 40 + 13] = 0;
	refix(len);
	expect_malformed("TCP without flags (IPv6)", len, VFW_CTR_bad_tcp_flags);
	len = udp4();
	{
		const uint8_t nops[4] = { 1, 1, 1, 1 };

		len = insert(len, L3 + 20, nops, 4);
		buf[L3] = 0x46;
		dp_wr16(buf + L3 + 2, (uint16_t)(dp_rd16(buf + L3 + 2) + 4));
		refix(len);
	}
	expect_malformed("IPv4 options", len, VFW_CTR_ip_options);
}

static void
test_l4_cksum(void **state)
{
	struct pkt p;
	uint16_t len;

	(void)state;
	len = udp4();
	buf[L3 + 20 + 6] ^= 0x10;
	expect_malformed("UDP checksum", len, VFW_CTR_bad_l4_cksum);
	len = udp6();
	buf[L3 + 40 + 6] ^= 0x10;
	expect_malformed("UDP checksum (IPv6)", len, VFW_CTR_bad_l4_cksum);
	len = build(IPPROTO_ICMP, SRC4, DST4);
	buf[L3 + 20 + 2] ^= 0x10;
	expect_malformed("ICMP checksum", len, VFW_CTR_bad_l4_cksum);
	len = build(IPPROTO_ICMPV6, SRC6, DST6);
	buf[L3 + 40 + 2] ^= 0x10;
	expect_malformed("ICMPv6 checksum", len, VFW_CTR_bad_l4_cksum);

	/* the port's verdict wins over the bytes */
	len = udp4();
	buf[L3 + 20 + 6] ^= 0x10;
	expect_pass("wrong UDP checksum, port says GOOD", len, NULL, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		    K_LOOKUP, &p);
	vh_frames_free();
	len = udp4();
	expect_drop_ol("right UDP checksum, port says BAD", len, NULL, RTE_MBUF_F_RX_L4_CKSUM_BAD,
		       false, VFW_CTR_malformed, VFW_CTR_bad_l4_cksum);
	/* not checked at all without verify_cksum */
	vfw.opt.verify_cksum = false;
	len = udp4();
	buf[L3 + 20 + 6] ^= 0x10;
	expect_pass("wrong UDP checksum, not verified", len, NULL, 0, K_LOOKUP, &p);
	vfw.opt.verify_cksum = true;
}

static void
test_fragments(void **state)
{
	uint16_t len;

	(void)state;
	len = udp4();
	dp_wr16(buf + L3 + 6, 0x2000);	/* MF */
	refix(len);
	expect_malformed("IPv4 first fragment", len, VFW_CTR_fragment);
	len = udp4();
	dp_wr16(buf + L3 + 6, 0x0010);	/* offset 128 */
	refix(len);
	expect_malformed("IPv4 later fragment", len, VFW_CTR_fragment);
	len = udp6();
	{
		uint8_t frag[8] = { 0, 0, 0, 0x01, 0, 0, 0, 7 };	/* offset 0, M */

		len = ext6(len, IPPROTO_FRAGMENT, frag, sizeof(frag));
	}
	expect_malformed("IPv6 fragment header", len, VFW_CTR_fragment);
}

static void
test_ipv6_ext(void **state)
{
	struct pkt p;
	uint16_t len;

	(void)state;
	expect_malformed("routing header type 0", rh6(0), VFW_CTR_rh0);
	expect_malformed("routing header type 3 (final destination unknown)", rh6(3),
			 VFW_CTR_rh_unknown);
	/* the parser walks 8 extension headers, no more */
	len = dstopts6(8);
	refix(len);
	expect_pass("8 extension headers", len, NULL, 0, K_LOOKUP, &p);
	assert_int_equal(p.cp.proto, IPPROTO_UDP);
	vh_frames_free();
	len = dstopts6(9);
	expect_malformed("9 extension headers", len, VFW_CTR_malformed_trunc_ext);
}

static void
test_other(void **state)
{
	struct dp_pkt_spec s;
	uint16_t len;

	(void)state;
	vh_spec(&s, IN, IPPROTO_UDP, SRC4, DST4, 1, 2);
	s.vlan_tci = 5;
	s.frame_len = (uint16_t)(s.frame_len + 4);
	assert_int_equal(dp_pkt_build(buf, &s, NULL), s.frame_len);
	expect_drop("VLAN tag", s.frame_len, VFW_CTR_dropped_other, VFW_CTR_vlan);

	len = udp4();
	dp_wr16(buf + 12, 0x88cc);	/* LLDP */
	expect_drop("not IP", len, VFW_CTR_dropped_other, VFW_CTR_not_ip);
	len = udp4();
	dp_wr16(buf + 12, 0x88cc);
	expect_drop("not IP, bare Ethernet header", L3, VFW_CTR_dropped_other, VFW_CTR_not_ip);
}

/* ---- addresses ---- */

static void
test_martians(void **state)
{
	static const struct { const char *src, *dst; unsigned int detail; } v4[] = {
		{ "10.0.0.1", DST4, VFW_CTR_martian_self },	/* the input port's address */
		{ "10.1.0.1", "192.0.2.1", VFW_CTR_martian_self },	/* the other port's */
		{ "0.1.2.3", DST4, VFW_CTR_martian },
		{ "127.0.0.1", DST4, VFW_CTR_martian },
		{ "224.0.0.5", DST4, VFW_CTR_martian },
		{ "255.255.255.255", DST4, VFW_CTR_martian },
		{ "10.0.0.255", DST4, VFW_CTR_martian },	/* a subnet's broadcast */
		{ SRC4, "0.0.0.9", VFW_CTR_martian },
		{ SRC4, "127.1.1.1", VFW_CTR_martian },
		{ SRC4, "240.0.0.1", VFW_CTR_martian },	/* class E, not multicast */
		{ SRC4, "254.255.255.255", VFW_CTR_martian },
	};
	static const struct { const char *src, *dst; unsigned int detail; } v6[] = {
		{ "2001:db8::1", DST6, VFW_CTR_martian_self },
		{ "fe80::1", DST6, VFW_CTR_martian_self },	/* port 0's link-local */
		{ "::1", DST6, VFW_CTR_martian },
		{ "ff02::1", DST6, VFW_CTR_martian },
		{ "::", DST6, VFW_CTR_martian },
		{ "fe80::5", DST6, VFW_CTR_martian },
		{ SRC6, "fe80::5", VFW_CTR_martian },
		{ SRC6, "::1", VFW_CTR_martian },
		{ SRC6, "::", VFW_CTR_martian },
	};
	char what[96];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(v4); i++) {
		snprintf(what, sizeof(what), "%s -> %s", v4[i].src, v4[i].dst);
		expect_malformed(what, build(IPPROTO_UDP, v4[i].src, v4[i].dst), v4[i].detail);
	}
	for (i = 0; i < RTE_DIM(v6); i++) {
		snprintf(what, sizeof(what), "%s -> %s", v6[i].src, v6[i].dst);
		expect_malformed(what, build(IPPROTO_UDP, v6[i].src, v6[i].dst), v6[i].detail);
	}
}

static void
test_multicast(void **state)
{
	static const char *const v4[] = { "224.0.0.5", "239.1.1.1", "255.255.255.255", "10.1.0.255" };
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(v4); i++)
		expect_drop(v4[i], build(IPPROTO_UDP, SRC4, v4[i]), VFW_CTR_dropped_other,
			    VFW_CTR_multicast);
	expect_drop("ff0e::1", build(IPPROTO_UDP, SRC6, "ff0e::1"), VFW_CTR_dropped_other,
		    VFW_CTR_multicast);
	expect_drop_ol("unicast IPv4 in an Ethernet multicast", udp4(), NULL, 0, true,
		       VFW_CTR_dropped_other, VFW_CTR_multicast);
	expect_drop_ol("unicast IPv6 in an Ethernet multicast", udp6(), NULL, 0, true,
		       VFW_CTR_dropped_other, VFW_CTR_multicast);
}

static void
test_ttl(void **state)
{
	uint16_t len;

	(void)state;
	len = udp4();
	buf[L3 + 8] = 1;
	refix(len);
	expect_drop("TTL 1", len, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
	len = udp4();
	buf[L3 + 8] = 0;
	refix(len);
	expect_drop("TTL 0", len, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
	len = udp6();
	buf[L3 + 7] = 1;
	expect_drop("hop limit 1", len, VFW_CTR_no_route, VFW_CTR_ttl_exceeded);
}

/* ---- what passes ---- */

static void
test_local(void **state)
{
	const uint8_t split[FUZZ_MBUF_CTL] = { 1, 0, 0x40 };	/* 2 segments, cut at 65 */
	struct pkt p;
	uint16_t len;

	(void)state;
	len = build(IPPROTO_ICMP, SRC4, "10.0.0.1");
	expect_pass("ping to the port", len, NULL, 0, K_LOCAL, &p);
	len = build(IPPROTO_UDP, SRC4, "10.1.0.1");
	buf[L3 + 8] = 1;	/* for us, TTL does not matter */
	refix(len);
	expect_pass("UDP to the other port, TTL 1", len, NULL, 0, K_LOCAL, &p);
	len = build(IPPROTO_ICMPV6, SRC6, "2001:db8::1");
	expect_pass("ping6 to the port", len, NULL, 0, K_LOCAL, &p);
	len = udp4();
	dp_wr16(buf + 12, RTE_ETHER_TYPE_ARP);
	expect_pass("ARP", L3 + (uint16_t)sizeof(struct rte_arp_hdr), NULL, 0, K_LOCAL, &p);
	vh_frames_free();
	/* arp_nd.c reads one buffer: IPv6 for us in two segments is not answered */
	len = build_len(IPPROTO_ICMPV6, SRC6, "2001:db8::1", 16);
	assert_true(len > 66);
	expect_drop_ol("ping6 to the port in two segments", len, split, 0, false,
		       VFW_CTR_dropped_other, VFW_CTR_to_self);
}

static void
test_flow_key(void **state)
{
	struct ct_key k;
	struct pkt p;
	uint32_t s, d;
	uint16_t len;

	(void)state;
	len = build(IPPROTO_TCP, SRC4, DST4);	/* ACK|PSH */
	expect_pass("TCP", len, NULL, 0, K_LOOKUP, &p);
	inet_pton(AF_INET, SRC4, &s);
	inet_pton(AF_INET, DST4, &d);
	assert_int_equal(p.pkt_hi, ct_key_v4(&k, s, d, htons(40000), htons(53), IPPROTO_TCP));
	assert_true(ct_key_eq(&p.key, &k));
	assert_int_equal(p.hash, ct_key_hash(&k));
	assert_int_equal(p.cp.tcp_flags, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG);
	assert_int_equal(p.cp.l4len, 20);
	assert_int_equal(p.fam, DP_FAM_V4);
	assert_ptr_equal(p.l3, rte_pktmbuf_mtod(p.m, uint8_t *) + L3);
}

static uint16_t
icmp4_error(uint8_t type, const char *router, const char *quote_src, const char *quote_dst)
{
	return vh_icmp4_error(buf, sizeof(buf), IN, type, router, quote_src, quote_dst, 40000, 53);
}

static void
test_icmp_error(void **state)
{
	struct ct_key k;
	struct pkt p;
	uint32_t s, d;
	uint8_t hi;

	(void)state;
	/* a flow from the inside (10.1.2.3 -> 192.0.2.10) gets unreachable back from outside */
	expect_pass("ICMP error quoting a flow", icmp4_error(3, "192.0.2.77", DST4, SRC4), NULL, 0,
		    K_RELATED, &p);
	inet_pton(AF_INET, DST4, &s);
	inet_pton(AF_INET, SRC4, &d);
	hi = ct_key_v4(&k, s, d, htons(40000), htons(53), IPPROTO_UDP);
	assert_true(ct_key_eq(&p.key, &k));
	assert_int_equal(p.pkt_hi, hi);
	assert_int_equal(p.hash, ct_key_hash(&k));
	assert_int_equal(p.cp.icmp_type, 3);
	assert_int_equal(p.icmp_code, 1);
	vh_frames_free();
	{
		uint16_t len = icmp4_error(11, "192.0.2.77", DST4, SRC4);

		/* the quote's source is not the error's destination */
		buf[L3 + 20 + 8 + 15] ^= 1;
		refix(len);
		expect_pass("ICMP error quoting no flow", len, NULL, 0, K_NOLOOKUP, &p);
	}
	vh_frames_free();
	{
		uint16_t len = icmp4_error(3, "192.0.2.77", DST4, SRC4);

		buf[L3 + 20 + 8] = 0x65;	/* the quote is not IPv4 */
		refix(len);
		expect_pass("ICMP error quoting no IPv4 header", len, NULL, 0, K_NOLOOKUP, &p);
	}
	vh_frames_free();
	{
		uint16_t len = build(IPPROTO_ICMP, SRC4, DST4);

		buf[L3 + 20] = 9;	/* router advertisement: neither echo nor error */
		refix(len);
		expect_pass("ICMP router advertisement", len, NULL, 0, K_NOLOOKUP, &p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l4_cksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_ext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_martians, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multicast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
