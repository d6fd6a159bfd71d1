/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the packet parser (dataplane/dp_pkt.c). One input is a
 * control prefix (fuzz_mbuf.h) and a frame. The frame is parsed in a
 * buffer of exactly its length (dp_pkt_parse, dp_l4_cksum_ok, the UDP fast
 * check) and as a chain of 1-3 segments (dp_pkt_parse_mbuf,
 * dp_l4_cksum_ok_mbuf, dp_cksum_add_mbuf); besides memory errors, the
 * checks below are the contracts dp_pkt.h states.
 */
#include <string.h>

#include "dp_pkt.h"
#include "fuzz.h"
#include "fuzz_mbuf.h"

/* An IPv4 packet (l3_type is not 0: IP; the innermost EtherType tells which). */
static bool
is_ipv4(const struct dp_pkt_info *pi)
{
	return pi->l3_type != 0 && pi->ethertype == RTE_ETHER_TYPE_IPV4;
}

/* The offsets of a DP_PKT_OK parse stay inside the len bytes parsed. */
static void
check_info(const struct dp_pkt_info *pi, uint32_t len)
{
	FUZZ_CHECK(pi->l3_off <= len);
	if (pi->l3_type == 0)	/* not IP */
		return;
	FUZZ_CHECK((uint32_t)pi->l3_off + pi->l3_len <= len);
	FUZZ_CHECK(pi->l4_off >= pi->l3_off && pi->l4_off <= pi->l3_off + pi->l3_len);
	FUZZ_CHECK((uint32_t)pi->payload_off + pi->payload_len <= (uint32_t)pi->l3_off + pi->l3_len);
	if (pi->l4_dst_off != 0)
		FUZZ_CHECK((uint32_t)pi->l4_dst_off + 16 <= len);
}

/* dp_pkt_udp4_simple() accepts only what dp_pkt_parse() reads the same way. */
static void
check_udp4_simple(const uint8_t *f, uint32_t len, enum dp_pkt_status st,
		const struct dp_pkt_info *pi)
{
	uint32_t tot = dp_pkt_udp4_simple(f, len);
	bool both;

	if (tot == 0)
		return;
	FUZZ_CHECK(st == DP_PKT_OK);
	FUZZ_CHECK(is_ipv4(pi) && pi->l3_off == RTE_ETHER_HDR_LEN);
	FUZZ_CHECK(pi->l4_proto == IPPROTO_UDP && !pi->fragment && pi->l4_off == 34);
	FUZZ_CHECK(pi->payload_off == DP_PKT_UDP4_PAYLOAD_OFF && pi->payload_len == tot - 28);
	both = dp_ipv4_hdr_cksum_ok((const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN)) &&
	       dp_l4_cksum_ok(f, pi);
	FUZZ_CHECK(dp_pkt_udp4_cksum_ok(f, tot, true, true) == both);
}

/* The same sum across segments as over contiguous bytes (modulo 0xffff). */
static void
check_cksum_mbuf(const struct rte_mbuf *m, const uint8_t *f, uint32_t len, const uint8_t *ctl)
{
	uint32_t off = dp_rd16(ctl + 1) % (len + 1);
	uint32_t n = dp_rd16(ctl + 3) % (len - off + 1);
	uint64_t sum = 0;

	off &= ~1u;	/* the byte at off starts a 16-bit word */
	FUZZ_CHECK(dp_cksum_add_mbuf(m, off, n, &sum));
	FUZZ_CHECK(dp_cksum_fold(sum) % 0xffff == dp_cksum_fold(dp_cksum_add(0, f + off, n)) % 0xffff);
	FUZZ_CHECK(!dp_cksum_add_mbuf(m, off, len - off + 1, &sum));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t scratch[DP_PKT_PARSE_COPY];
	struct dp_pkt_info pi, pm;
	enum dp_pkt_status st, sm;
	struct fuzz_chain chain;
	const uint8_t *mdata;
	struct rte_mbuf *m;
	uint32_t len;
	uint8_t *f;

	if (size < FUZZ_MBUF_CTL)
		return 0;
	len = (uint32_t)RTE_MIN(size - FUZZ_MBUF_CTL, (size_t)FUZZ_FRAME_MAX);
	f = fuzz_dup(data + FUZZ_MBUF_CTL, len);
	memset(&pi, 0, sizeof(pi));
	st = dp_pkt_parse(f, len, &pi);
	FUZZ_CHECK(st < DP_PKT_STATUS_MAX);
	if (st == DP_PKT_OK) {
		check_info(&pi, len);
		if (is_ipv4(&pi))
			(void)dp_ipv4_hdr_cksum_ok((const struct rte_ipv4_hdr *)(f + pi.l3_off));
		if (pi.l3_type != 0 && !pi.fragment)
			(void)dp_l4_cksum_ok(f, &pi);
	}
	check_udp4_simple(f, len, st, &pi);

	m = fuzz_chain_build(&chain, data, f, len, 0);
	memset(&pm, 0, sizeof(pm));
	sm = dp_pkt_parse_mbuf(m, &pm, scratch, &mdata);
	if (chain.nb == 1) {
		/* one segment: the same parse, in place */
		FUZZ_CHECK(sm == st && mdata == m->buf_addr);
		FUZZ_CHECK(sm != DP_PKT_OK || memcmp(&pm, &pi, sizeof(pi)) == 0);
	}
	if (sm == DP_PKT_OK && pm.l3_type != 0 && !pm.fragment) {
		bool ok = dp_l4_cksum_ok_mbuf(m, mdata, &pm);

		/* the chain holds the same bytes: the same verdict as the contiguous frame */
		if (st == DP_PKT_OK && pi.l4_off == pm.l4_off && pi.l3_len == pm.l3_len &&
		    pi.l4_proto == pm.l4_proto && pi.l4_dst_off == pm.l4_dst_off)
			FUZZ_CHECK(ok == dp_l4_cksum_ok(f, &pi));
	}
	check_cksum_mbuf(m, f, len, data);
	fuzz_chain_free(&chain);
	free(f);
	return 0;
}
