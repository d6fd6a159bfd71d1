/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of dataplane/dp_pkt.c: build, parse, checksums. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "dp_pkt.h"
#include "dp_probe.h"
#include "test_rnd.h"

#define BUF_LEN 9300

enum l4_kind { L4_UDP, L4_TCP, L4_ICMP, L4_KINDS };

static uint8_t frame[BUF_LEN];
static uint8_t frame2[BUF_LEN];

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint8_t
l4_proto_of(uint8_t l3, enum l4_kind k)
{
	if (k == L4_UDP)
		return IPPROTO_UDP;
	if (k == L4_TCP)
		return IPPROTO_TCP;
	return l3 == DP_FAM_V4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

static void
spec_init(struct dp_pkt_spec *s, uint8_t l3, enum l4_kind k, uint16_t vlan, uint16_t len)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

	memset(s, 0, sizeof(*s));
	s->src_mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	s->dst_mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	s->vlan_tci = vlan;
	s->l3_type = l3;
	s->l4_proto = l4_proto_of(l3, k);
	s->src_ip4 = 0xc0a80ac8;	/* 192.168.10.200 */
	s->dst_ip4 = 0xc0a814fa;	/* 192.168.20.250 */
	memcpy(s->src_ip6, src6, 16);
	memcpy(s->dst_ip6, dst6, 16);
	s->src_port = 15320;
	s->dst_port = 8080;
	s->icmp_seq = 7;
	s->frame_len = len;
}

/* Build into frame; len 0 means the spec's minimum. Returns the length. */
static uint16_t
build(uint8_t l3, enum l4_kind k, uint16_t vlan, uint16_t len, struct dp_pkt_info *info)
{
	struct dp_pkt_spec s;

	spec_init(&s, l3, k, vlan, len);
	if (len == 0)
		s.frame_len = dp_pkt_min_len(&s, false);
	assert_int_equal(dp_pkt_build(frame, &s, info), s.frame_len);
	return s.frame_len;
}

static void
assert_info_equal(const struct dp_pkt_info *a, const struct dp_pkt_info *b)
{
	assert_int_equal(a->ethertype, b->ethertype);
	assert_int_equal(a->vlan_tci, b->vlan_tci);
	assert_int_equal(a->nb_vlan, b->nb_vlan);
	assert_int_equal(a->l3_type, b->l3_type);
	assert_int_equal(a->l4_proto, b->l4_proto);
	assert_int_equal(a->ip_options, b->ip_options);
	assert_int_equal(a->fragment, b->fragment);
	assert_int_equal(a->first_fragment, b->first_fragment);
	assert_int_equal(a->l3_off, b->l3_off);
	assert_int_equal(a->l4_off, b->l4_off);
	assert_int_equal(a->payload_off, b->payload_off);
	assert_int_equal(a->payload_len, b->payload_len);
	assert_int_equal(a->l3_len, b->l3_len);
}

/* Parse len bytes from an allocation of exactly len bytes (ASan sees overreads). */
static enum dp_pkt_status
parse_exact(const uint8_t *f, uint32_t len, struct dp_pkt_info *info)
{
	uint8_t *copy = test_malloc(len ? len : 1);
	enum dp_pkt_status st;

	memcpy(copy, f, len);
	st = dp_pkt_parse(len ? copy : NULL, len, info);
	test_free(copy);
	return st;
}

/* Invariants for any parse result: nothing points past len. */
static void
assert_within(const struct dp_pkt_info *i, enum dp_pkt_status st, uint32_t len)
{
	assert_true(i->l3_off <= len);
	assert_true(i->l4_off <= len);
	assert_true(i->payload_off <= len);
	assert_true((uint32_t)i->payload_off + i->payload_len <= len);
	if (st == DP_PKT_OK && i->l3_type != DP_FAM_NONE) {
		assert_true((uint32_t)i->l3_off + i->l3_len <= len);
		assert_true((uint32_t)i->payload_off + i->payload_len <=
			(uint32_t)i->l3_off + i->l3_len);
	}
}

/* A built frame parses back to the same info and all checksums verify. */
static void
check_frame(const uint8_t *f, uint16_t len, const struct dp_pkt_info *bi)
{
	struct dp_pkt_info pi;
	const void *ip = f + bi->l3_off;
	uint32_t i;

	assert_int_equal(parse_exact(f, len, &pi), DP_PKT_OK);
	assert_info_equal(&pi, bi);
	assert_int_equal(pi.payload_off + pi.payload_len, len);
	assert_int_equal(pi.l3_off + pi.l3_len, len);
	assert_true(dp_l4_cksum_ok(f, &pi));
	if (pi.l3_type == DP_FAM_V4) {
		assert_true(dp_ipv4_hdr_cksum_ok(ip));
		assert_int_equal(rte_ipv4_cksum(ip), 0);	/* DPDK agrees */
		if (pi.l4_proto != IPPROTO_ICMP)
			assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, f + pi.l4_off), 0);
	} else if (pi.l4_proto != IPPROTO_ICMPV6) {
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(ip, f + pi.l4_off), 0);
	}
	for (i = pi.payload_off; i < len; i++)
		assert_int_equal(f[i], 0);
}

static void
test_status_strings(void **state)
{
	static const char *const names[] = {
#define N(name, text) #name,
		DP_PKT_STATUS(N)
#undef N
	};
	char lower[32];
	int s;
	size_t i;

	(void)state;
	for (s = 0; s < DP_PKT_STATUS_MAX; s++) {
		for (i = 0; names[s][i] != '\0'; i++)
			lower[i] = (char)tolower((unsigned char)names[s][i]);
		lower[i] = '\0';
		assert_non_null(dp_pkt_status_str(s));
		assert_string_equal(dp_pkt_status_name(s), lower);
	}
	assert_string_equal(dp_pkt_status_str(DP_PKT_OK), "ok");
	assert_string_equal(dp_pkt_status_name(DP_PKT_TRUNC_ETH), "trunc_eth");
	assert_non_null(dp_pkt_status_str(DP_PKT_STATUS_MAX));
	assert_non_null(dp_pkt_status_name((enum dp_pkt_status)200));
}

static void
test_min_len(void **state)
{
	static const uint16_t expect[2][L4_KINDS] = { { 42, 54, 42 }, { 62, 74, 62 } };
	struct dp_pkt_spec s;
	int v, k;

	(void)state;
	for (v = 0; v < 2; v++)
		for (k = 0; k < L4_KINDS; k++) {
			spec_init(&s, v ? DP_FAM_V6 : DP_FAM_V4, k, 0, 0);
			assert_int_equal(dp_pkt_min_len(&s, false), expect[v][k]);
			assert_int_equal(dp_pkt_min_len(&s, true), expect[v][k] + DP_PROBE_LEN);
			s.vlan_tci = 10;
			assert_int_equal(dp_pkt_min_len(&s, false), expect[v][k] + 4);
		}
	/* The probe fits a minimum-size IPv4/UDP frame. */
	spec_init(&s, DP_FAM_V4, L4_UDP, 0, 0);
	assert_true(dp_pkt_min_len(&s, true) <= 60);
}

static void
test_build_invalid(void **state)
{
	struct dp_pkt_spec s;

	(void)state;
	spec_init(&s, DP_FAM_V6, L4_UDP, 0, 100);
	s.l4_proto = IPPROTO_ICMP;	/* ICMPv4 over IPv6 */
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	assert_int_equal(dp_pkt_min_len(&s, false), 0);
	spec_init(&s, DP_FAM_V4, L4_UDP, 0, 100);
	s.l4_proto = IPPROTO_ICMPV6;	/* ICMPv6 over IPv4 */
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	s.l4_proto = IPPROTO_GRE;
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	spec_init(&s, DP_FAM_NONE, L4_UDP, 0, 100);
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	spec_init(&s, 7, L4_UDP, 0, 100);
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);

	spec_init(&s, DP_FAM_V4, L4_TCP, 5, 0);
	s.frame_len = (uint16_t)(dp_pkt_min_len(&s, false) - 1);
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	s.frame_len++;
	assert_int_equal(dp_pkt_build(frame, &s, NULL), s.frame_len);
	s.frame_len = 9217;
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
	s.frame_len = 9216;
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 9216);
	s.frame_len = 0;
	assert_int_equal(dp_pkt_build(frame, &s, NULL), 0);
}

static void
test_round_trip(void **state)
{
	static const uint16_t sizes[] = { 0, 1, 60, 64, 128, 1518, 1522, 9216 };
	struct dp_pkt_info bi;
	struct dp_pkt_spec s;
	unsigned int v, k, t, z;
	uint16_t len, min;

	(void)state;
	for (v = 0; v < 2; v++)
		for (k = 0; k < L4_KINDS; k++)
			for (t = 0; t < 2; t++)
				for (z = 0; z < RTE_DIM(sizes); z++) {
					uint8_t l3 = v ? DP_FAM_V6 : DP_FAM_V4;

					spec_init(&s, l3, k, t ? 0x2064 : 0, 0);
					min = dp_pkt_min_len(&s, sizes[z] == 1);
					len = sizes[z] <= 1 ? min : sizes[z];
					if (len < min)
						continue;
					memset(frame, 0xa5, len + 1);
					assert_int_equal(build(l3, k, s.vlan_tci, len, &bi), len);
					assert_int_equal(frame[len], 0xa5);	/* wrote len bytes */
					assert_int_equal(bi.ethertype, v ? RTE_ETHER_TYPE_IPV6 :
						RTE_ETHER_TYPE_IPV4);
					assert_int_equal(bi.nb_vlan, t);
					assert_int_equal(bi.vlan_tci, t ? 0x2064 : 0);
					assert_int_equal(bi.l3_type, l3);
					assert_int_equal(bi.l4_proto, s.l4_proto);
					assert_int_equal(bi.l3_off, 14 + 4 * t);
					assert_int_equal(bi.l4_off, bi.l3_off + (v ? 40 : 20));
					assert_int_equal(bi.payload_off,
						bi.l4_off + (k == L4_TCP ? 20 : 8));
					check_frame(frame, len, &bi);
				}
}

static void
test_build_fields(void **state)
{
	struct dp_pkt_info bi;
	struct dp_pkt_spec s;
	const uint8_t *ip, *l4;

	(void)state;
	/* IPv4/UDP, tagged: every header byte. */
	build(DP_FAM_V4, L4_UDP, 0x2064, 64, &bi);
	static const uint8_t eth[] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
		0x81, 0x00, 0x20, 0x64, 0x08, 0x00 };
	assert_memory_equal(frame, eth, sizeof(eth));
	ip = frame + 18;
	static const uint8_t ip4[] = { 0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17 };
	assert_memory_equal(ip, ip4, sizeof(ip4));
	static const uint8_t addr4[] = { 192, 168, 10, 200, 192, 168, 20, 250 };
	assert_memory_equal(ip + 12, addr4, sizeof(addr4));
	l4 = ip + 20;
	assert_int_equal(dp_rd16(l4), 15320);
	assert_int_equal(dp_rd16(l4 + 2), 8080);
	assert_int_equal(dp_rd16(l4 + 4), 26);
	assert_int_not_equal(dp_rd16(l4 + 6), 0);

	/* TCP defaults, then explicit TTL, TOS and flags. */
	build(DP_FAM_V4, L4_TCP, 0, 60, &bi);
	l4 = frame + bi.l4_off;
	assert_int_equal(l4[12], 0x50);
	assert_int_equal(l4[13], RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG);
	assert_int_equal(dp_rd16(l4 + 14), 0xffff);
	assert_int_equal(dp_rd16(l4 + 18), 0);
	spec_init(&s, DP_FAM_V4, L4_TCP, 0, 60);
	s.ttl = 5;
	s.tos = 0xb8;
	s.tcp_flags = RTE_TCP_SYN_FLAG;
	assert_int_equal(dp_pkt_build(frame, &s, &bi), 60);
	assert_int_equal(frame[15], 0xb8);
	assert_int_equal(frame[22], 5);
	assert_int_equal(frame[bi.l4_off + 13], RTE_TCP_SYN_FLAG);
	check_frame(frame, 60, &bi);

	/* ICMP echo request: type 8, id = src_port, seq. */
	build(DP_FAM_V4, L4_ICMP, 0, 60, &bi);
	l4 = frame + bi.l4_off;
	assert_int_equal(l4[0], 8);
	assert_int_equal(l4[1], 0);
	assert_int_equal(dp_rd16(l4 + 4), 15320);
	assert_int_equal(dp_rd16(l4 + 6), 7);
	assert_int_equal(frame[23], IPPROTO_ICMP);

	/* IPv6 / ICMPv6 echo request with a traffic class. */
	spec_init(&s, DP_FAM_V6, L4_ICMP, 0, 100);
	s.tos = 0xb8;
	assert_int_equal(dp_pkt_build(frame, &s, &bi), 100);
	ip = frame + 14;
	static const uint8_t ip6[] = { 0x6b, 0x80, 0, 0, 0, 46, IPPROTO_ICMPV6, 64 };
	assert_memory_equal(ip, ip6, sizeof(ip6));
	assert_memory_equal(ip + 8, s.src_ip6, 16);
	assert_memory_equal(ip + 24, s.dst_ip6, 16);
	assert_int_equal(frame[bi.l4_off], 128);
	assert_int_equal(dp_rd16(frame + bi.l4_off + 4), 15320);
	check_frame(frame, 100, &bi);
}

/* Every built frame cut at every length: exact status, no offset past len. */
static void
test_truncate_every_length(void **state)
{
	static const uint16_t sizes[] = { 0, 60, 130 };
	struct dp_pkt_info bi, pi;
	enum dp_pkt_status st, want;
	unsigned int v, k, t, z;
	uint32_t l;
	uint16_t len, iph;

	(void)state;
	for (v = 0; v < 2; v++)
		for (k = 0; k < L4_KINDS; k++)
			for (t = 0; t < 2; t++)
				for (z = 0; z < RTE_DIM(sizes); z++) {
					if (v && sizes[z] == 60)
						continue;
					len = build(v ? DP_FAM_V6 : DP_FAM_V4, k, t ? 3 : 0,
						sizes[z], &bi);
					iph = v ? 40 : 20;
					for (l = 0; l <= len; l++) {
						st = parse_exact(frame, l, &pi);
						assert_within(&pi, st, l);
						if (l < 14)
							want = DP_PKT_TRUNC_ETH;
						else if (l < bi.l3_off)
							want = DP_PKT_TRUNC_VLAN;
						else if (l < (uint32_t)bi.l3_off + iph)
							want = DP_PKT_TRUNC_L3;
						else if (l < len)
							want = DP_PKT_BAD_IP_LEN;
						else
							want = DP_PKT_OK;
						assert_int_equal(st, want);
						if (l < bi.payload_off)
							assert_int_not_equal(st, DP_PKT_OK);
					}
				}
}

/* Random corruption of built frames: the parser's invariants always hold. */
static void
test_fuzz(void **state)
{
	struct dp_pkt_info pi;
	enum dp_pkt_status st;
	uint16_t len;
	uint32_t l;
	int i, j;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = build(test_rnd() & 1 ? DP_FAM_V6 : DP_FAM_V4, test_rnd() % L4_KINDS,
			test_rnd() & 1 ? 9 : 0, (uint16_t)(80 + test_rnd() % 80), NULL);
		for (j = test_rnd() % 6; j >= 0; j--)
			frame[test_rnd() % 70] = (uint8_t)test_rnd();
		if (test_rnd() & 1)	/* make IPv6 extension headers likely */
			frame[14 + 6 + (frame[12] == 0x81 ? 4 : 0)] = (uint8_t)(test_rnd() % 4 == 0 ?
				IPPROTO_HOPOPTS : test_rnd() % 2 ? IPPROTO_DSTOPTS : IPPROTO_FRAGMENT);
		l = test_rnd() % (len + 1u);
		st = parse_exact(frame, l, &pi);
		assert_true(st < DP_PKT_STATUS_MAX);
		assert_within(&pi, st, l);
	}
}

/* Copy f (len bytes) to out with n bytes inserted at off; returns the new length. */
static uint16_t
insert(uint8_t *out, const uint8_t *f, uint16_t len, uint16_t off, const void *ins,
		uint16_t n)
{
	memcpy(out, f, off);
	memcpy(out + off, ins, n);
	memcpy(out + off + n, f + off, len - off);
	return (uint16_t)(len + n);
}

static void
test_ipv4_options(void **state)
{
	static const uint8_t nops[40] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	struct dp_pkt_info bi, pi;
	uint16_t len, n;
	uint8_t *ip = frame2 + 14;

	(void)state;
	for (n = 4; n <= 40; n += 36) {
		len = build(DP_FAM_V4, L4_UDP, 0, 80, &bi);
		len = insert(frame2, frame, len, 34, nops, n);
		ip[0] = (uint8_t)(0x45 + n / 4);
		wr16(ip + 2, (uint16_t)(dp_rd16(ip + 2) + n));
		assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
		assert_int_equal(pi.ip_options, 1);
		assert_int_equal(pi.l4_off, 34 + n);
		assert_int_equal(pi.payload_off, 42 + n);
		assert_int_equal(pi.payload_len, 80 - 42);
		assert_int_equal(pi.l3_len, 20 + n + 46);
		assert_false(dp_ipv4_hdr_cksum_ok((const void *)ip));
		dp_pkt_fix_cksums(frame2, &pi);
		assert_true(dp_ipv4_hdr_cksum_ok((const void *)ip));
		assert_int_equal(rte_ipv4_cksum((const void *)ip), 0);
		assert_true(dp_l4_cksum_ok(frame2, &pi));
		/* The UDP checksum does not cover IP options. */
		assert_memory_equal(frame2 + pi.l4_off + 6, frame + bi.l4_off + 6, 2);
		/* Cut inside the options. */
		assert_int_equal(parse_exact(frame2, 34 + n - 1, &pi), DP_PKT_TRUNC_L3);
	}
	/* IHL larger than the total length. */
	build(DP_FAM_V4, L4_UDP, 0, 80, NULL);
	frame[14] = 0x46;
	wr16(frame + 16, 20);
	assert_int_equal(parse_exact(frame, 80, &pi), DP_PKT_BAD_IP_LEN);
}

static void
test_ipv4_fragments(void **state)
{
	struct dp_pkt_info bi, pi;
	uint8_t *ip = frame + 14;

	(void)state;
	/* First fragment: MF, offset 0; the UDP length covers the whole datagram. */
	build(DP_FAM_V4, L4_UDP, 0, 100, &bi);
	ip[6] = 0x20;
	wr16(frame + bi.l4_off + 4, 3000);
	assert_int_equal(parse_exact(frame, 100, &pi), DP_PKT_OK);
	assert_int_equal(pi.fragment, 1);
	assert_int_equal(pi.first_fragment, 1);
	assert_int_equal(pi.l4_proto, IPPROTO_UDP);
	assert_int_equal(pi.payload_off, bi.payload_off);
	assert_int_equal(pi.payload_len, bi.payload_len);
	assert_false(dp_l4_cksum_ok(frame, &pi));
	dp_pkt_fix_cksums(frame, &pi);
	assert_true(dp_ipv4_hdr_cksum_ok((const void *)ip));

	/* A first fragment too short for its L4 header. */
	wr16(ip + 2, 24);
	assert_int_equal(parse_exact(frame, 100, &pi), DP_PKT_TRUNC_L4);

	/* Later fragment (offset 185 * 8, last): stops after L3, even if tiny. */
	build(DP_FAM_V4, L4_TCP, 0, 100, &bi);
	wr16(ip + 6, 185);
	memset(frame + bi.l4_off, 0xff, 20);	/* not a TCP header */
	assert_int_equal(parse_exact(frame, 100, &pi), DP_PKT_OK);
	assert_int_equal(pi.fragment, 1);
	assert_int_equal(pi.first_fragment, 0);
	assert_int_equal(pi.l4_proto, IPPROTO_TCP);
	assert_int_equal(pi.l4_off, 34);
	assert_int_equal(pi.payload_off, 34);
	assert_int_equal(pi.payload_len, 0);
	wr16(ip + 2, 21);
	assert_int_equal(parse_exact(frame, 100, &pi), DP_PKT_OK);
	assert_int_equal(pi.l3_len, 21);

	/* DF alone is not a fragment. */
	build(DP_FAM_V4, L4_UDP, 0, 100, &bi);
	ip[6] = 0x40;
	assert_int_equal(parse_exact(frame, 100, &pi), DP_PKT_OK);
	assert_int_equal(pi.fragment, 0);
	assert_int_equal(pi.first_fragment, 0);
}

/* Build IPv6/UDP and insert extension headers after the IPv6 header. */
static uint16_t
build_v6_ext(uint8_t first_nh, const uint8_t *ext, uint16_t n, struct dp_pkt_info *bi)
{
	uint16_t len = build(DP_FAM_V6, L4_UDP, 0, 120, bi);
	uint8_t *ip = frame2 + 14;

	len = insert(frame2, frame, len, 54, ext, n);
	ip[6] = first_nh;
	wr16(ip + 4, (uint16_t)(dp_rd16(ip + 4) + n));
	return len;
}

static void
test_ipv6_ext(void **state)
{
	/* hop-by-hop (PadN) -> UDP */
	static const uint8_t hbh[8] = { IPPROTO_UDP, 0, 1, 4 };
	/* fragment, offset 0, M=1 -> UDP */
	static const uint8_t frag0[8] = { IPPROTO_UDP, 0, 0x00, 0x01, 1, 2, 3, 4 };
	/* fragment, offset 2 (16 bytes), last -> UDP */
	static const uint8_t frag2[8] = { IPPROTO_UDP, 0, 0x00, 0x10, 1, 2, 3, 4 };
	/* hop-by-hop -> routing (8) -> dest-options (16) -> fragment -> UDP */
	static const uint8_t chain[40] = {
		IPPROTO_ROUTING, 0, 1, 4, [8] = IPPROTO_DSTOPTS, 0, 0, 0,
		[16] = IPPROTO_FRAGMENT, 1, 1, 12, [32] = IPPROTO_UDP, 0, 0, 1,
	};
	struct dp_pkt_info bi, pi;
	uint16_t len;

	(void)state;
	len = build_v6_ext(IPPROTO_HOPOPTS, hbh, 8, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.l4_proto, IPPROTO_UDP);
	assert_int_equal(pi.l4_off, 14 + 40 + 8);
	assert_int_equal(pi.payload_off, 14 + 40 + 8 + 8);
	assert_int_equal(pi.payload_len, bi.payload_len);
	assert_int_equal(pi.l3_len, bi.l3_len + 8);
	assert_int_equal(pi.fragment, 0);
	/* Same UDP checksum: the pseudo header uses the upper-layer protocol. */
	assert_true(dp_l4_cksum_ok(frame2, &pi));
	memset(frame2 + pi.l4_off + 6, 0, 2);
	assert_false(dp_l4_cksum_ok(frame2, &pi));
	dp_pkt_fix_cksums(frame2, &pi);
	assert_memory_equal(frame2 + pi.l4_off + 6, frame + bi.l4_off + 6, 2);
	assert_int_equal(parse_exact(frame2, len - 1, &pi), DP_PKT_BAD_IP_LEN);

	len = build_v6_ext(IPPROTO_FRAGMENT, frag0, 8, &bi);
	wr16(frame2 + 62 + 4, 5000);	/* UDP length of the whole datagram */
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.fragment, 1);
	assert_int_equal(pi.first_fragment, 1);
	assert_int_equal(pi.l4_off, 62);
	assert_int_equal(pi.payload_len, bi.payload_len);
	assert_false(dp_l4_cksum_ok(frame2, &pi));

	len = build_v6_ext(IPPROTO_FRAGMENT, frag2, 8, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.fragment, 1);
	assert_int_equal(pi.first_fragment, 0);
	assert_int_equal(pi.l4_proto, IPPROTO_UDP);
	assert_int_equal(pi.payload_off, 62);
	assert_int_equal(pi.payload_len, 0);

	len = build_v6_ext(IPPROTO_HOPOPTS, chain, 40, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.l4_off, 14 + 40 + 40);
	assert_int_equal(pi.fragment, 1);
	assert_int_equal(pi.first_fragment, 1);
	assert_int_equal(pi.payload_len, bi.payload_len);
}

static void
test_ipv6_ext_bad(void **state)
{
	uint8_t ext[9 * 8] = { 0 };
	struct dp_pkt_info bi, pi;
	uint16_t len;
	int i;

	(void)state;
	/* Header length running past the IP payload. */
	ext[0] = IPPROTO_UDP;
	ext[1] = 20;
	len = build_v6_ext(IPPROTO_HOPOPTS, ext, 8, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_TRUNC_EXT);
	assert_within(&pi, DP_PKT_TRUNC_EXT, len);
	/* IP payload ending inside the first 8 bytes of an extension header. */
	ext[1] = 0;
	len = build_v6_ext(IPPROTO_DSTOPTS, ext, 8, &bi);
	wr16(frame2 + 18, 4);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_TRUNC_EXT);
	/* Fragment header with an empty payload after the IPv6 header. */
	wr16(frame2 + 18, 0);
	frame2[20] = IPPROTO_FRAGMENT;
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_TRUNC_EXT);
	/* Eight extension headers are walked, nine are too many. */
	for (i = 0; i < 9; i++)
		ext[i * 8] = i < 8 ? IPPROTO_DSTOPTS : IPPROTO_UDP;
	len = build_v6_ext(IPPROTO_DSTOPTS, ext + 8, 64, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.l4_off, 14 + 40 + 64);
	len = build_v6_ext(IPPROTO_DSTOPTS, ext, 72, &bi);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_TRUNC_EXT);
	/* Routing header ending inside the L4 header: UDP is then short. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_UDP;
	len = build_v6_ext(IPPROTO_ROUTING, ext, 8, &bi);
	wr16(frame2 + 18, 8 + 4);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_TRUNC_L4);
}

/* Hand-made malformed frames, one per status; all statuses are reached. */
static void
test_every_status(void **state)
{
	bool seen[DP_PKT_STATUS_MAX] = { false };
	struct dp_pkt_info bi, pi;
	enum dp_pkt_status st;
	uint8_t *ip4 = frame + 14, *l4;
	int s;

#define EXPECT(len, want) do { \
	st = parse_exact(frame, (len), &pi); \
	assert_int_equal(st, (want)); \
	assert_within(&pi, st, (len)); \
	seen[st] = true; \
} while (0)

	(void)state;
	build(DP_FAM_V4, L4_UDP, 0, 100, &bi);
	EXPECT(100, DP_PKT_OK);
	EXPECT(13, DP_PKT_TRUNC_ETH);
	EXPECT(30, DP_PKT_TRUNC_L3);
	ip4[0] = 0x65;
	EXPECT(100, DP_PKT_BAD_IP_VER);
	ip4[0] = 0x44;
	EXPECT(100, DP_PKT_BAD_IHL);
	ip4[0] = 0x40;
	EXPECT(100, DP_PKT_BAD_IHL);
	ip4[0] = 0x45;
	wr16(ip4 + 2, 19);
	EXPECT(100, DP_PKT_BAD_IP_LEN);
	wr16(ip4 + 2, 87);
	EXPECT(100, DP_PKT_BAD_IP_LEN);
	wr16(ip4 + 2, 27);	/* 7 bytes of UDP */
	EXPECT(100, DP_PKT_TRUNC_L4);
	wr16(ip4 + 2, 86);
	l4 = frame + bi.l4_off;
	wr16(l4 + 4, 7);
	EXPECT(100, DP_PKT_BAD_L4_LEN);
	wr16(l4 + 4, 67);
	EXPECT(100, DP_PKT_BAD_L4_LEN);
	wr16(l4 + 4, 65);
	EXPECT(100, DP_PKT_BAD_L4_LEN);
	wr16(l4 + 4, 66);
	EXPECT(100, DP_PKT_OK);

	/* TCP: data offset below 5, beyond the IP payload, with options. */
	build(DP_FAM_V4, L4_TCP, 0, 100, &bi);
	l4 = frame + bi.l4_off;
	l4[12] = 0x40;
	EXPECT(100, DP_PKT_BAD_L4_LEN);
	l4[12] = 0xf0;
	wr16(ip4 + 2, 20 + 40);	/* 60-byte TCP header in 40 bytes */
	EXPECT(100, DP_PKT_TRUNC_L4);
	wr16(ip4 + 2, 20 + 19);
	EXPECT(100, DP_PKT_TRUNC_L4);
	wr16(ip4 + 2, 86);
	l4[12] = 0x60;
	EXPECT(100, DP_PKT_OK);
	assert_int_equal(pi.payload_off, bi.l4_off + 24);
	assert_int_equal(pi.payload_len, 100 - bi.l4_off - 24);

	/* ICMP shorter than 8 bytes. */
	build(DP_FAM_V4, L4_ICMP, 0, 60, &bi);
	wr16(ip4 + 2, 27);
	EXPECT(60, DP_PKT_TRUNC_L4);

	/* IPv6: version, payload length, short L4. */
	build(DP_FAM_V6, L4_TCP, 0, 100, &bi);
	EXPECT(53, DP_PKT_TRUNC_L3);
	frame[14] = 0x45;
	EXPECT(100, DP_PKT_BAD_IP_VER);
	frame[14] = 0x60;
	wr16(frame + 18, 47);
	EXPECT(100, DP_PKT_BAD_IP_LEN);
	wr16(frame + 18, 19);
	EXPECT(100, DP_PKT_TRUNC_L4);
	build(DP_FAM_V6, L4_UDP, 0, 100, &bi);
	wr16(frame + bi.l4_off + 4, 45);
	EXPECT(100, DP_PKT_BAD_L4_LEN);
	build(DP_FAM_V6, L4_ICMP, 0, 100, &bi);
	wr16(frame + 18, 7);
	EXPECT(100, DP_PKT_TRUNC_L4);

	/* An IPv4 ethertype carrying an IPv6 header. */
	build(DP_FAM_V6, L4_UDP, 0, 100, &bi);
	wr16(frame + 12, RTE_ETHER_TYPE_IPV4);
	EXPECT(100, DP_PKT_BAD_IP_VER);

	build(DP_FAM_V4, L4_UDP, 7, 100, &bi);
	EXPECT(17, DP_PKT_TRUNC_VLAN);
	assert_int_equal(pi.nb_vlan, 0);

	build(DP_FAM_V6, L4_UDP, 0, 100, &bi);
	frame[20] = IPPROTO_HOPOPTS;
	frame[54] = IPPROTO_UDP;
	frame[55] = 200;
	EXPECT(100, DP_PKT_TRUNC_EXT);
#undef EXPECT

	for (s = 0; s < DP_PKT_STATUS_MAX; s++)
		assert_true(seen[s]);
}

static void
test_l2(void **state)
{
	static const uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };
	struct dp_pkt_info bi, pi;
	uint16_t len;

	(void)state;
	memcpy(frame, arp, sizeof(arp));
	assert_int_equal(parse_exact(frame, 42, &pi), DP_PKT_OK);
	assert_int_equal(pi.l3_type, DP_FAM_NONE);
	assert_int_equal(pi.ethertype, RTE_ETHER_TYPE_ARP);
	assert_int_equal(pi.l3_off, 14);
	assert_int_equal(pi.l4_proto, 0);
	assert_int_equal(pi.payload_len, 0);
	assert_false(dp_l4_cksum_ok(frame, &pi));

	wr16(frame + 12, RTE_ETHER_TYPE_LLDP);
	assert_int_equal(parse_exact(frame, 14, &pi), DP_PKT_OK);
	assert_int_equal(pi.ethertype, RTE_ETHER_TYPE_LLDP);
	assert_int_equal(pi.l3_type, DP_FAM_NONE);

	/* QinQ: outer 802.1ad 100, inner 802.1Q 200. */
	len = build(DP_FAM_V4, L4_UDP, 200, 100, &bi);
	len = insert(frame2, frame, len, 12, (const uint8_t[]){ 0x88, 0xa8, 0x00, 100 }, 4);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.nb_vlan, 2);
	assert_int_equal(pi.vlan_tci, 100);
	assert_int_equal(pi.ethertype, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(pi.l3_off, 22);
	assert_int_equal(pi.l4_off, 42);
	assert_true(dp_l4_cksum_ok(frame2, &pi));
	assert_int_equal(parse_exact(frame2, 21, &pi), DP_PKT_TRUNC_VLAN);
	assert_int_equal(pi.nb_vlan, 1);
	assert_int_equal(pi.vlan_tci, 100);

	/* A third tag is not followed: the frame is not IP. */
	memcpy(frame, frame2, len);
	len = insert(frame2, frame, len, 12, (const uint8_t[]){ 0x81, 0x00, 0x00, 5 }, 4);
	assert_int_equal(parse_exact(frame2, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.nb_vlan, 2);
	assert_int_equal(pi.vlan_tci, 5);
	assert_int_equal(pi.ethertype, RTE_ETHER_TYPE_VLAN);
	assert_int_equal(pi.l3_type, DP_FAM_NONE);
	assert_int_equal(pi.l3_off, 22);
}

/* Ethernet padding: the IP length is shorter than the frame. */
static void
test_padded(void **state)
{
	struct dp_pkt_info bi, pi;
	struct dp_probe p = { .stream_id = 3, .seq = 99, .tx_ns = 12345 }, q;
	unsigned int k, t;
	uint16_t len;
	uint32_t l;

	(void)state;
	for (k = 0; k < L4_KINDS; k++)
		for (t = 0; t < 2; t++) {
			memset(frame, 0, 64);
			len = build(DP_FAM_V4, k, t ? 9 : 0, 0, &bi);
			assert_true(len < 60);
			assert_int_equal(parse_exact(frame, 60, &pi), DP_PKT_OK);
			assert_info_equal(&pi, &bi);
			assert_int_equal(pi.payload_len, 0);
			assert_int_equal(pi.l3_len, len - pi.l3_off);
			assert_true(dp_l4_cksum_ok(frame, &pi));
			for (l = len; l <= 60; l++)	/* cutting padding is fine */
				assert_int_equal(parse_exact(frame, l, &pi), DP_PKT_OK);
		}
	/* Minimum UDP frame with a probe, padded to 60 (the vpkg default). */
	memset(frame, 0, 64);
	len = build(DP_FAM_V4, L4_UDP, 0, 58, &bi);
	dp_probe_encode(frame + bi.payload_off, &p);
	dp_pkt_fix_cksums(frame, &bi);
	assert_int_equal(parse_exact(frame, 60, &pi), DP_PKT_OK);
	assert_int_equal(pi.payload_len, DP_PROBE_LEN);
	assert_true(dp_l4_cksum_ok(frame, &pi));
	assert_int_equal(dp_probe_decode(frame + pi.payload_off, pi.payload_len, &q), 0);
	assert_int_equal(q.seq, 99);
}

static void
test_cksum_corrupt(void **state)
{
	struct dp_pkt_info bi;
	unsigned int v, k;
	const void *ip = frame + 14;

	(void)state;
	for (v = 0; v < 2; v++)
		for (k = 0; k < L4_KINDS; k++) {
			build(v ? DP_FAM_V6 : DP_FAM_V4, k, 0, 100, &bi);
			frame[bi.payload_off + 3] ^= 0x40;
			assert_false(dp_l4_cksum_ok(frame, &bi));
			dp_pkt_fix_cksums(frame, &bi);
			assert_true(dp_l4_cksum_ok(frame, &bi));
			frame[bi.l4_off + 1] ^= 1;	/* port / ICMP code */
			assert_false(dp_l4_cksum_ok(frame, &bi));
		}
	/* IPv4 header: a changed TTL is detected, then fixed. */
	build(DP_FAM_V4, L4_TCP, 0, 100, &bi);
	frame[22]--;
	assert_false(dp_ipv4_hdr_cksum_ok(ip));
	assert_true(dp_l4_cksum_ok(frame, &bi));	/* TTL is not in the pseudo header */
	dp_pkt_fix_cksums(frame, &bi);
	assert_true(dp_ipv4_hdr_cksum_ok(ip));
	/* An address change breaks the L4 checksum through the pseudo header. */
	frame[14 + 12] ^= 1;
	assert_false(dp_l4_cksum_ok(frame, &bi));
	frame[14 + 12] ^= 1;

	/* UDP checksum 0: none sent (valid) in IPv4, invalid in IPv6. */
	build(DP_FAM_V4, L4_UDP, 0, 100, &bi);
	memset(frame + bi.l4_off + 6, 0, 2);
	assert_true(dp_l4_cksum_ok(frame, &bi));
	build(DP_FAM_V6, L4_UDP, 0, 100, &bi);
	memset(frame + bi.l4_off + 6, 0, 2);
	assert_false(dp_l4_cksum_ok(frame, &bi));
}

static void
test_cksum_values(void **state)
{
	/* A classic IPv4 header whose checksum is 0xb861. */
	static const uint8_t hdr[20] = { 0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11,
		0x12, 0x34, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7 };
	uint8_t h[21], save[BUF_LEN];
	struct dp_pkt_info bi;
	uint16_t ck, udp, tcp;
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;
	uint8_t *l4;

	(void)state;
	/* The stored field is ignored; any alignment works. */
	memcpy(h + 1, hdr, 20);
	ck = dp_ipv4_hdr_cksum((const void *)(h + 1));
	memcpy(h + 11, &ck, 2);
	assert_int_equal(h[11], 0xb8);
	assert_int_equal(h[12], 0x61);
	assert_true(dp_ipv4_hdr_cksum_ok((const void *)(h + 1)));

	/* dp_l4_cksum_* honour l4_len: agree with DPDK given a matching IP length. */
	build(DP_FAM_V4, L4_UDP, 0, 200, &bi);
	memcpy(save, frame, 200);
	ip4 = (void *)(frame + 14);
	l4 = frame + bi.l4_off;
	ck = dp_l4_cksum_ipv4(ip4, l4, 101, IPPROTO_UDP);
	wr16(frame + 16, 20 + 101);
	memset(l4 + 6, 0, 2);
	assert_int_equal(ck, rte_ipv4_udptcp_cksum(ip4, l4));
	memcpy(frame, save, 200);

	build(DP_FAM_V6, L4_TCP, 0, 200, &bi);
	ip6 = (void *)(frame + 14);
	l4 = frame + bi.l4_off;
	ck = dp_l4_cksum_ipv6(ip6, l4, 77, IPPROTO_TCP);
	wr16(frame + 18, 77);
	memset(l4 + 16, 0, 2);
	assert_int_equal(ck, rte_ipv6_udptcp_cksum(ip6, l4));

	/* A UDP sum of 0 is sent as 0xffff; TCP keeps 0. Choose the payload so. */
	build(DP_FAM_V4, L4_UDP, 0, 60, &bi);
	l4 = frame + bi.l4_off;
	memcpy(frame + bi.payload_off, l4 + 6, 2);	/* adds ~sum: the sum becomes 0 */
	udp = dp_l4_cksum_ipv4((const void *)(frame + 14), l4, 26, IPPROTO_UDP);
	assert_int_equal(udp, 0xffff);
	memcpy(l4 + 6, &udp, 2);
	assert_true(dp_l4_cksum_ok(frame, &bi));
	build(DP_FAM_V4, L4_TCP, 0, 60, &bi);
	l4 = frame + bi.l4_off;
	memcpy(frame + bi.payload_off, l4 + 16, 2);
	tcp = dp_l4_cksum_ipv4((const void *)(frame + 14), l4, 26, IPPROTO_TCP);
	assert_int_equal(tcp, 0);
	memcpy(l4 + 16, &tcp, 2);
	assert_true(dp_l4_cksum_ok(frame, &bi));

	/* ICMP: no pseudo header; odd lengths. */
	build(DP_FAM_V4, L4_ICMP, 0, 61, &bi);
	frame[60] = 0x5a;
	dp_pkt_fix_cksums(frame, &bi);
	assert_true(dp_l4_cksum_ok(frame, &bi));
	ck = dp_icmp_cksum(frame + bi.l4_off, 61 - bi.l4_off);
	assert_memory_equal(&ck, frame + bi.l4_off + 2, 2);
	assert_int_equal(rte_raw_cksum(frame + bi.l4_off, 61 - bi.l4_off), 0xffff);
}

static bool
cksum_equiv(uint16_t a, uint16_t b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

static void
test_cksum_update16(void **state)
{
	uint8_t buf[64];
	struct dp_pkt_info bi;
	uint16_t ck, full, old, neu;
	unsigned int i, j, w;

	(void)state;
	/* Random buffers and words, against a full recompute. */
	for (i = 0; i < 5000; i++) {
		for (j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)test_rnd();
		if (i % 7 == 0)
			memset(buf, 0xff, 8);
		ck = dp_icmp_cksum(buf, sizeof(buf));
		memcpy(buf + 2, &ck, 2);
		w = (test_rnd() % 31 + 1) * 2;	/* any word but the checksum */
		if (w == 2)
			w = 0;
		memcpy(&old, buf + w, 2);
		neu = i % 5 == 0 ? 0 : i % 5 == 1 ? 0xffff : (uint16_t)test_rnd();
		memcpy(buf + w, &neu, 2);
		ck = dp_cksum_update16(ck, old, neu);
		full = dp_icmp_cksum(buf, sizeof(buf));
		assert_true(cksum_equiv(ck, full));
		memcpy(buf + 2, &ck, 2);
		assert_int_equal(rte_raw_cksum(buf, sizeof(buf)), 0xffff);
	}

	/* NAT-style port rewrite on a built frame (network-order words). */
	build(DP_FAM_V4, L4_UDP, 0, 100, &bi);
	memcpy(&old, frame + bi.l4_off, 2);
	neu = rte_cpu_to_be_16(40000);
	memcpy(frame + bi.l4_off, &neu, 2);
	memcpy(&ck, frame + bi.l4_off + 6, 2);
	ck = dp_cksum_update16(ck, old, neu);
	full = dp_l4_cksum_ipv4((const void *)(frame + 14), frame + bi.l4_off, 66, IPPROTO_UDP);
	assert_true(cksum_equiv(ck, full));
	memcpy(frame + bi.l4_off + 6, &ck, 2);
	assert_true(dp_l4_cksum_ok(frame, &bi));

	/* TTL decrement, host-order words: same result as a recompute. */
	memcpy(&ck, frame + 24, 2);
	ck = rte_be_to_cpu_16(ck);
	old = dp_rd16(frame + 22);
	frame[22]--;
	ck = rte_cpu_to_be_16(dp_cksum_update16(ck, old, dp_rd16(frame + 22)));
	assert_int_equal(ck, dp_ipv4_hdr_cksum((const void *)(frame + 14)));
}

/* Reference one's complement sum: 16-bit words as stored, folded one carry at a time. */
static uint16_t
ref_sum(uint64_t sum, const uint8_t *b, uint32_t len)
{
	uint16_t w;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, b + i, 2);
		sum += w;
	}
	if (len & 1) {
		w = 0;
		memcpy(&w, b + len - 1, 1);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* dp_cksum_add/fold (64-bit words, end-around carry) against the plain 16-bit sum. */
static void
test_cksum_sum(void **state)
{
	static const uint64_t starts[] = { 0, 1, 0xffff, 0xffffffff, UINT64_MAX - 1, UINT64_MAX };
	uint8_t buf[128];
	uint32_t len, i, j;
	int fill;

	(void)state;
	for (fill = 0; fill < 4; fill++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = fill == 0 ? 0 : fill == 1 ? 0xff : fill == 2 ? (uint8_t)(i * 37) :
				(uint8_t)test_rnd();
		for (len = 0; len <= sizeof(buf); len++) {
			assert_int_equal(dp_cksum_fold(dp_cksum_add(0, buf, len)),
					ref_sum(0, buf, len));
			for (j = 0; j < RTE_DIM(starts); j++)
				assert_int_equal(dp_cksum_fold(dp_cksum_add(starts[j], buf, len)),
						dp_cksum_fold(dp_cksum_add64(dp_cksum_fold(starts[j]),
							ref_sum(0, buf, len))));
		}
	}
	/* a non-zero sum never folds to 0, a zero one always does */
	assert_int_equal(dp_cksum_fold(0), 0);
	assert_int_equal(dp_cksum_fold(UINT64_MAX), 0xffff);
	assert_int_equal(dp_cksum_fold(0x10000), 1);
	assert_int_equal(dp_cksum_fold(UINT64_C(0xffff0000ffff0000)), 0xffff);
}

/* dp_cksum_verifies(s) is dp_cksum_fold(s) == 0xffff, at the edges and at random. */
static void
test_cksum_verifies(void **state)
{
	static const uint64_t edges[] = {
		0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0xfffe0001, 0xffffffff, 0x100000000,
		UINT64_C(0xffff0000ffff0000), UINT64_C(0x0001000100010001) * 0xfffe,
		UINT64_MAX - 0xffff, UINT64_MAX - 1, UINT64_MAX,
	};
	unsigned int i;
	uint64_t v;

	(void)state;
	for (i = 0; i < RTE_DIM(edges); i++)
		assert_int_equal(dp_cksum_verifies(edges[i]), dp_cksum_fold(edges[i]) == 0xffff);
	for (i = 0; i < 1000000; i++) {
		v = (uint64_t)test_rnd() << 32 | (uint32_t)test_rnd();
		if (i & 1)
			v -= v % 0xffff;	/* half of them multiples of 0xffff */
		assert_int_equal(dp_cksum_verifies(v), dp_cksum_fold(v) == 0xffff);
	}
}

/* --- chained mbufs (fake ones: no EAL; the fields the mbuf accessors read) --- */

#define CHAIN_MAX 12
#define GUARD 64	/* poison after each segment's data: reading it changes a sum */

struct chain {
	struct rte_mbuf m[CHAIN_MAX];
	uint8_t data[CHAIN_MAX][BUF_LEN + GUARD];
};

static struct chain ch;

/* Spread len bytes of f over n segments of random lengths (some odd, some empty). */
static void
chain_build(const uint8_t *f, uint32_t len, unsigned int n)
{
	uint32_t off = 0;
	unsigned int i;

	memset(ch.m, 0, sizeof(ch.m));
	for (i = 0; i < n; i++) {
		uint32_t left = len - off;
		uint32_t dl = i == n - 1 ? left : RTE_MIN(left, test_rnd() % (2 * len / n + 1));

		if (i == 0 && dl < 128)
			dl = RTE_MIN(left, 128u);	/* the headers in the first one */
		memcpy(ch.data[i], f + off, dl);
		memset(ch.data[i] + dl, 0xa5, GUARD);
		ch.m[i].buf_addr = ch.data[i];
		ch.m[i].data_off = 0;
		ch.m[i].data_len = (uint16_t)dl;
		ch.m[i].next = i + 1 < n ? &ch.m[i + 1] : NULL;
		off += dl;
	}
	ch.m[0].nb_segs = (uint16_t)n;
	ch.m[0].pkt_len = len;
}

/* Change byte off of the chain. */
static void
chain_flip(uint32_t off)
{
	struct rte_mbuf *m;

	for (m = &ch.m[0]; off >= m->data_len; m = m->next)
		off -= m->data_len;
	ch.data[m - ch.m][off] ^= 0x5a;
}

/*
 * dp_cksum_add_mbuf() and dp_l4_cksum_ok_mbuf() over chains against the
 * contiguous sum: every protocol and family, frames of 2090..9002 bytes in
 * 1..CHAIN_MAX segments of random, also odd and empty, lengths; a byte
 * changed anywhere in the L4 bytes is seen; a chain shorter than its
 * lengths say is refused; nothing past a segment's data is read (the
 * guard bytes would change the sums).
 */
static void
test_cksum_mbuf_chain(void **state)
{
	static const uint16_t sizes[] = { 2090, 2100, 3001, 4097, 6000, 9002 };
	struct dp_pkt_spec spec;
	struct dp_pkt_info pi;
	unsigned int si, l3, k, n, r;

	(void)state;
	for (si = 0; si < RTE_DIM(sizes); si++) {
		for (l3 = DP_FAM_V4; l3 <= DP_FAM_V6; l3++) {
			for (k = 0; k < L4_KINDS; k++) {
				uint16_t len = sizes[si];
				uint32_t i, end;

				spec_init(&spec, (uint8_t)l3, k, 0, len);
				assert_int_equal(dp_pkt_build(frame, &spec, &pi), len);
				for (i = pi.payload_off; i < len; i++)
					frame[i] = (uint8_t)test_rnd();
				dp_pkt_fix_cksums(frame, &pi);
				assert_true(dp_l4_cksum_ok(frame, &pi));
				end = (uint32_t)pi.l3_off + pi.l3_len;
				for (n = 1; n <= CHAIN_MAX; n++) {
					for (r = 0; r < 4; r++) {
						uint32_t off = pi.l4_off + test_rnd() % (end - pi.l4_off);
						uint64_t sum = 0;

						chain_build(frame, len, n);
						assert_true(dp_cksum_add_mbuf(&ch.m[0], pi.l4_off,
								end - pi.l4_off, &sum));
						assert_int_equal(dp_cksum_fold(sum), dp_cksum_fold(
								dp_cksum_add(0, frame + pi.l4_off,
									end - pi.l4_off)));
						assert_true(dp_l4_cksum_ok_mbuf(&ch.m[0], ch.data[0], &pi));
						chain_flip(off);
						assert_false(dp_l4_cksum_ok_mbuf(&ch.m[0], ch.data[0], &pi));
					}
				}
				/* the chain holds less than pkt_len says, or than asked */
				chain_build(frame, len, 4);
				if (ch.m[3].data_len != 0) {
					ch.m[3].data_len = (uint16_t)(ch.m[3].data_len / 2);
					uint64_t sum = 0;

					assert_false(dp_l4_cksum_ok_mbuf(&ch.m[0], ch.data[0], &pi));
					assert_false(dp_cksum_add_mbuf(&ch.m[0], 0, len, &sum));
				}
			}
		}
	}
}

/*
 * An IPv6 UDP frame behind a routing header (rh_len bytes at rh; its next
 * header filled in when 0), the UDP checksum for csum_dst.
 */
static uint32_t
build_v6_rh(const uint8_t *rh, uint32_t rh_len, const uint8_t *csum_dst)
{
	struct dp_pkt_spec spec;
	struct dp_pkt_info bi;
	uint8_t *ip = frame + RTE_ETHER_HDR_LEN, save[16];
	uint32_t len;

	spec_init(&spec, DP_FAM_V6, L4_UDP, 0, 200);
	len = dp_pkt_build(frame2, &spec, &bi);
	/* the UDP part after the routing header; its checksum for csum_dst */
	memcpy(frame, frame2, bi.l4_off);
	memcpy(frame + bi.l4_off, rh, rh_len);
	memcpy(frame + bi.l4_off + rh_len, frame2 + bi.l4_off, len - bi.l4_off);
	if (rh[0] == 0)
		frame[bi.l4_off] = ip[6];	/* else the caller chained headers */
	ip[6] = IPPROTO_ROUTING;
	wr16(ip + 4, (uint16_t)(dp_rd16(ip + 4) + rh_len));
	memcpy(save, ip + 24, 16);
	memcpy(ip + 24, csum_dst, 16);
	bi.l4_off = (uint16_t)(bi.l4_off + rh_len);
	bi.l3_len = (uint16_t)(bi.l3_len + rh_len);
	bi.l4_dst_off = RTE_ETHER_HDR_LEN + 24;
	dp_pkt_fix_cksums(frame, &bi);
	memcpy(ip + 24, save, 16);
	return len + rh_len;
}

/*
 * RFC 8200 8.1: with a routing header and segments left, the pseudo-header
 * has the final destination (types 0 and 2: the last address; SRH:
 * Segment List[0]); none left: the IPv6 header's; other types with
 * segments left, or two routing headers: not known (l4_dst_off 0).
 */
static void
test_ipv6_routing_header(void **state)
{
	static const uint8_t final[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 9, [15] = 9 };
	static const uint8_t mid[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 8, [15] = 8 };
	const uint8_t *hdr_dst = frame + RTE_ETHER_HDR_LEN + 24;
	struct {
		uint8_t type, segleft, naddr;
		int final_at;	/* address index of the final destination; -1 header's, -2 unknown */
	} cases[] = {
		{ 4, 1, 2, 0 }, { 4, 2, 2, 0 }, { 4, 0, 2, -1 }, { 2, 1, 1, 0 }, { 0, 1, 2, 1 },
		{ 0, 0, 2, -1 }, { 3, 1, 1, -2 }, { 253, 0, 1, -1 }, { 253, 1, 1, -2 },
	};
	uint8_t rh[8 + 2 * 16 + 8];
	struct dp_pkt_info pi;
	uint32_t len, c, a;

	(void)state;
	for (c = 0; c < RTE_DIM(cases); c++) {
		uint32_t rh_len = 8 + 16u * cases[c].naddr;
		const uint8_t *csum_dst;

		memset(rh, 0, sizeof(rh));
		rh[1] = (uint8_t)(2 * cases[c].naddr);
		rh[2] = cases[c].type;
		rh[3] = cases[c].segleft;
		for (a = 0; a < cases[c].naddr; a++)
			memcpy(rh + 8 + 16 * a, a == (cases[c].type == 4 ? 0u : cases[c].naddr - 1u) ?
			       final : mid, 16);
		csum_dst = cases[c].final_at >= 0 ? final : mid;	/* mid: any wrong one */
		len = build_v6_rh(rh, rh_len, csum_dst);
		assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
		assert_int_equal(pi.rh_off, RTE_ETHER_HDR_LEN + 40);
		assert_int_equal(pi.l4_proto, IPPROTO_UDP);
		if (cases[c].final_at == -2) {
			assert_int_equal(pi.l4_dst_off, 0);
			assert_false(dp_l4_cksum_ok(frame, &pi));
			continue;
		}
		if (cases[c].final_at == -1) {
			assert_int_equal(pi.l4_dst_off, RTE_ETHER_HDR_LEN + 24);
			len = build_v6_rh(rh, rh_len, hdr_dst);
			assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
			assert_true(dp_l4_cksum_ok(frame, &pi));
			len = build_v6_rh(rh, rh_len, final);
			assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
			assert_false(dp_l4_cksum_ok(frame, &pi));
			continue;
		}
		assert_int_equal(memcmp(frame + pi.l4_dst_off, final, 16), 0);
		assert_true(dp_l4_cksum_ok(frame, &pi));
		len = build_v6_rh(rh, rh_len, hdr_dst);	/* checksum for the header's: wrong */
		assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
		assert_false(dp_l4_cksum_ok(frame, &pi));
	}
	/* two routing headers: the final destination is ambiguous */
	memset(rh, 0, sizeof(rh));
	rh[0] = IPPROTO_ROUTING;
	rh[1] = 2;
	rh[2] = 4;
	rh[3] = 1;
	memcpy(rh + 8, final, 16);
	rh[24] = IPPROTO_UDP;
	rh[24 + 1] = 0;
	rh[24 + 2] = 253;
	len = build_v6_rh(rh, 32, final);
	assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
	assert_int_equal(pi.l4_proto, IPPROTO_UDP);
	assert_int_equal(pi.l4_dst_off, 0);
	assert_false(dp_l4_cksum_ok(frame, &pi));
}

/*
 * The fast path (dp_pkt_udp4_simple + dp_pkt_udp4_cksum_ok) against the
 * general parser and checksum checks, on random IPv4/UDP frames (valid,
 * UDP checksum 0, corrupted, padded, truncated) and other frames: it
 * accepts exactly the frames the parser finds OK as untagged IPv4 without
 * options, not fragmented, UDP; for those the offsets and every checksum
 * answer agree. Frames sit in allocations of exactly the bytes given.
 */
static void
test_udp4_fast_path(void **state)
{
	unsigned int accepted = 0, bad_sum = 0, no_sum = 0, rejected = 0;
	struct dp_pkt_info pi;
	enum dp_pkt_status st;
	uint32_t tot, l, k;
	bool simple, ci, cu, slow;
	uint16_t len;
	uint8_t *copy;
	int i, j;

	(void)state;
	for (i = 0; i < 50000; i++) {
		if (test_rnd() % 4 != 0)
			len = build(DP_FAM_V4, L4_UDP, 0, (uint16_t)(42 + test_rnd() % 160), &pi);
		else
			len = build(test_rnd() & 1 ? DP_FAM_V6 : DP_FAM_V4, test_rnd() % L4_KINDS,
				test_rnd() % 8 == 0 ? 9 : 0, (uint16_t)(80 + test_rnd() % 80), &pi);
		for (k = pi.payload_off; k < len; k++)
			frame[k] = (uint8_t)test_rnd();
		dp_pkt_fix_cksums(frame, &pi);
		if (pi.l4_proto == IPPROTO_UDP && pi.l3_type == DP_FAM_V4 && test_rnd() % 8 == 0)
			frame[pi.l4_off + 6] = frame[pi.l4_off + 7] = 0;	/* no checksum */
		if (test_rnd() % 2 == 0)
			for (j = test_rnd() % 3; j >= 0; j--)
				frame[test_rnd() % RTE_MIN(len, 64u)] = (uint8_t)test_rnd();
		if (test_rnd() % 8 == 0) {	/* Ethernet padding after the IP packet */
			k = test_rnd() % 16;
			memset(frame + len, 0, k);
			len = (uint16_t)(len + k);
		}
		l = test_rnd() % 4 == 0 ? test_rnd() % (len + 1u) : len;
		copy = test_malloc(l ? l : 1);
		memcpy(copy, frame, l);

		tot = dp_pkt_udp4_simple(copy, l);
		st = dp_pkt_parse(copy, l, &pi);
		simple = st == DP_PKT_OK && pi.l3_type == DP_FAM_V4 && pi.nb_vlan == 0 &&
			!pi.ip_options && !pi.fragment && pi.l4_proto == IPPROTO_UDP;
		assert_int_equal(tot != 0, simple);
		if (!simple) {
			rejected++;
			test_free(copy);
			continue;
		}
		accepted++;
		assert_int_equal(pi.l3_off, RTE_ETHER_HDR_LEN);
		assert_int_equal(pi.l4_off, RTE_ETHER_HDR_LEN + 20);
		assert_int_equal(pi.payload_off, DP_PKT_UDP4_PAYLOAD_OFF);
		assert_int_equal(pi.l3_len, tot);
		assert_int_equal(pi.payload_len, tot - 28);
		if (copy[pi.l4_off + 6] == 0 && copy[pi.l4_off + 7] == 0)
			no_sum++;
		for (k = 0; k < 4; k++) {
			ci = k & 1;
			cu = k & 2;
			slow = (!ci || dp_ipv4_hdr_cksum_ok((const void *)(copy + pi.l3_off))) &&
				(!cu || dp_l4_cksum_ok(copy, &pi));
			assert_int_equal(dp_pkt_udp4_cksum_ok(copy, tot, ci, cu), slow);
			if (k == 3 && !slow)
				bad_sum++;
		}
		test_free(copy);
	}
	/* every kind of case was seen often */
	assert_true(accepted > 10000 && rejected > 10000);
	assert_true(bad_sum > 1000 && no_sum > 1000);
}

/*
 * dp_pkt_v4_simple(), the one fast IPv4-L4 recogniser, against the parser
 * over every truncation of built frames (UDP, TCP, ICMP, IPv6, tagged) and
 * over corrupted ones: it accepts exactly the frames the parser finds OK as
 * untagged IPv4 without options, not fragmented, UDP/TCP/ICMP, with the
 * same offsets; frames sit in allocations of exactly the bytes given.
 */
static void
check_v4_simple(const uint8_t *f, uint32_t l, unsigned int *accepted)
{
	uint8_t *copy = test_malloc(l ? l : 1);
	struct dp_pkt_info pi;
	uint32_t tot, hlen = 0;
	bool simple;

	memcpy(copy, f, l);
	tot = dp_pkt_v4_simple(copy, l, &hlen);
	simple = dp_pkt_parse(copy, l, &pi) == DP_PKT_OK && pi.l3_type == DP_FAM_V4 &&
		pi.nb_vlan == 0 && !pi.ip_options && !pi.fragment &&
		(pi.l4_proto == IPPROTO_UDP || pi.l4_proto == IPPROTO_TCP ||
		 pi.l4_proto == IPPROTO_ICMP);
	assert_int_equal(tot != 0, simple);
	assert_int_equal(dp_pkt_udp4_simple(copy, l) != 0, simple && pi.l4_proto == IPPROTO_UDP);
	if (simple) {
		(*accepted)++;
		assert_int_equal(pi.l4_off, DP_PKT_V4_L4_OFF);
		assert_int_equal(pi.l3_len, tot);
		assert_int_equal(pi.payload_off, DP_PKT_V4_L4_OFF + hlen);
		assert_int_equal(pi.payload_len, tot - 20 - hlen);
	}
	test_free(copy);
}

static void
test_v4_simple_truncations(void **state)
{
	unsigned int accepted = 0, k, v;
	struct dp_pkt_info pi;
	uint32_t l;
	uint16_t len;
	int i;

	(void)state;
	for (v = 0; v < 3; v++)
		for (k = 0; k < L4_KINDS; k++) {
			len = build(v == 1 ? DP_FAM_V6 : DP_FAM_V4, k, v == 2 ? 9 : 0, 0, &pi);
			/* every length up to the frame, and the frame with padding */
			for (l = 0; l <= len + 4u; l++)
				check_v4_simple(frame, l, &accepted);
		}
	/* each untagged IPv4 kind is taken whole, and with its 4 bytes of padding */
	assert_int_equal(accepted, L4_KINDS * 5);
	for (i = 0; i < 20000; i++) {
		len = build(DP_FAM_V4, test_rnd() % L4_KINDS, 0, (uint16_t)(60 + test_rnd() % 60), &pi);
		frame[test_rnd() % 60] = (uint8_t)test_rnd();
		if (test_rnd() % 2)
			frame[test_rnd() % 60] = (uint8_t)test_rnd();
		check_v4_simple(frame, test_rnd() % 4 == 0 ? test_rnd() % (len + 1u) : len, &accepted);
	}
	assert_true(accepted > 5000);
}

/* The offload verdict table: the only reading of the rx checksum flags. */
static void
test_rx_ck_verdict(void **state)
{
	static const struct {
		uint64_t flags;
		enum dp_rx_ck ip, l4;
	} t[] = {
		{ 0, DP_RX_CK_SW, DP_RX_CK_SW },
		{ RTE_MBUF_F_RX_IP_CKSUM_GOOD, DP_RX_CK_GOOD, DP_RX_CK_SW },
		{ RTE_MBUF_F_RX_IP_CKSUM_BAD, DP_RX_CK_BAD, DP_RX_CK_SW },
		{ RTE_MBUF_F_RX_IP_CKSUM_NONE, DP_RX_CK_SW, DP_RX_CK_SW },
		{ RTE_MBUF_F_RX_L4_CKSUM_GOOD, DP_RX_CK_SW, DP_RX_CK_GOOD },
		{ RTE_MBUF_F_RX_L4_CKSUM_BAD, DP_RX_CK_SW, DP_RX_CK_BAD },
		{ RTE_MBUF_F_RX_L4_CKSUM_NONE, DP_RX_CK_SW, DP_RX_CK_SW },
		{ RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD, DP_RX_CK_GOOD,
		  DP_RX_CK_BAD },
		{ RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_GOOD, DP_RX_CK_BAD,
		  DP_RX_CK_GOOD },
		/* other flags do not change the verdicts */
		{ RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_RSS_HASH |
		  RTE_MBUF_F_RX_OUTER_L4_CKSUM_BAD, DP_RX_CK_GOOD, DP_RX_CK_GOOD },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(t); i++) {
		assert_int_equal(dp_rx_ip_ck(t[i].flags), t[i].ip);
		assert_int_equal(dp_rx_l4_ck(t[i].flags), t[i].l4);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_strings),
		cmocka_unit_test(test_cksum_verifies),
		cmocka_unit_test(test_min_len),
		cmocka_unit_test(test_build_invalid),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_build_fields),
		cmocka_unit_test(test_truncate_every_length),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv6_ext_bad),
		cmocka_unit_test(test_every_status),
		cmocka_unit_test(test_l2),
		cmocka_unit_test(test_padded),
		cmocka_unit_test(test_cksum_corrupt),
		cmocka_unit_test(test_cksum_values),
		cmocka_unit_test(test_cksum_update16),
		cmocka_unit_test(test_cksum_sum),
		cmocka_unit_test(test_udp4_fast_path),
		cmocka_unit_test(test_v4_simple_truncations),
		cmocka_unit_test(test_rx_ck_verdict),
		cmocka_unit_test(test_cksum_mbuf_chain),
		cmocka_unit_test(test_ipv6_routing_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
