/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of vpkg/tmpl.c and gen.h: templates compiled from specs, the
 * per-packet writer (walks, sizes, probe) and its incremental checksums,
 * checked against the full software checksums of dp_pkt.h, in software
 * and offload modes.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf_core.h>

#include "dp_pkt.h"
#include "dp_probe.h"
#include "gen.h"
#include "spec.h"
#include "tmpl.h"

static struct vpkg_env env;
static uint8_t frame[2048];
static char err[256];

static void
env_init(uint64_t offloads)
{
	unsigned int w;

	memset(&env, 0, sizeof(env));
	env.tsc_hz = 2500000000ull;
	env.nb_ports = 1;
	env.nb_workers = 2;
	env.port[0].port_id = 0;
	env.port[0].peer_state = VPKG_PEER_STATIC;
	env.port[0].mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	env.port[0].peer = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	env.port[0].tx_offloads = offloads;
	env.port[0].speed_mbps = 10000;
	for (w = 0; w < VPKG_MAX_WORKERS; w++)
		env.port[0].txq[w] = w < 2 ? (int16_t)w : -1;
}

static void
spec_from_json(const char *text, struct vpkg_stream_spec *sp)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	int rc;

	assert_non_null(root);
	rc = vpkg_spec_parse_json(root, sp, 1, err, sizeof(err));
	if (rc != 1)
		fail_msg("%s: %s", text, err);
	json_decref(root);
}

struct seen {
	uint32_t src[64], dst[64];
	uint16_t sport[64], dport[64], len[64];
};

/* Generate n packets of spec text; check every one; record the varying fields. */
static void
run_stream(const char *text, uint64_t offloads, unsigned int n, struct seen *seen)
{
	struct vpkg_stream_spec sp;
	struct vpkg_cstream cs;
	struct vpkg_slot st;
	unsigned int i;

	env_init(offloads);
	spec_from_json(text, &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	memset(&st, 0, sizeof(st));
	st.rng = 88172645463325252ull;
	for (i = 0; i < n; i++) {
		uint64_t ts = 1700000000123456789ull + i * 1000003ull;
		struct vpkg_stamp stamp;
		struct dp_pkt_info pi;
		struct dp_probe pr;
		uint16_t len;

		memset(frame, 0xee, sizeof(frame));
		vpkg_stamp_init(&stamp, ts);
		len = vpkg_gen_fill(frame, &cs, &st, &stamp);
		assert_int_equal(dp_pkt_parse(frame, len, &pi), DP_PKT_OK);
		assert_int_equal(pi.l3_len + pi.l3_off, len);
		if (cs.probe) {
			assert_int_equal(dp_probe_decode(frame + pi.payload_off, pi.payload_len, &pr), 0);
			assert_int_equal(pr.stream_id, sp.id);
			assert_int_equal(pr.seq, i);
			assert_true(pr.tx_ns == ts);
		}
		if (pi.l4_proto == IPPROTO_ICMP || pi.l4_proto == IPPROTO_ICMPV6)
			assert_int_equal(dp_rd16(frame + pi.l4_off + 6), (uint16_t)i);
		if (cs.l4_mode == VPKG_L4_SW) {
			if (!dp_l4_cksum_ok(frame, &pi))
				fail_msg("%s: packet %u: bad L4 checksum", text, i);
		} else {
			/* offload: the field holds the pseudo-header sum of this packet */
			uint16_t ph = pi.l3_type == DP_FAM_V4 ?
				rte_ipv4_phdr_cksum((const struct rte_ipv4_hdr *)(frame + pi.l3_off), 0) :
				rte_ipv6_phdr_cksum((const struct rte_ipv6_hdr *)(frame + pi.l3_off), 0);
			uint16_t got;

			memcpy(&got, frame + cs.l4_ck_off, 2);
			assert_int_equal(got, ph);
			assert_true(cs.ol_flags & (RTE_MBUF_F_TX_UDP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM));
		}
		if (pi.l3_type == DP_FAM_V4) {
			if (offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
				assert_int_equal(dp_rd16(frame + pi.l3_off + 10), 0);
			else if (!dp_ipv4_hdr_cksum_ok((const struct rte_ipv4_hdr *)(frame + pi.l3_off)))
				fail_msg("%s: packet %u: bad IPv4 checksum", text, i);
		}
		if (seen != NULL && i < 64) {
			int a = pi.l3_type == DP_FAM_V4 ? 12 : 20;
			int b = pi.l3_type == DP_FAM_V4 ? 16 : 36;

			seen->src[i] = dp_rd32(frame + pi.l3_off + a);
			seen->dst[i] = dp_rd32(frame + pi.l3_off + b);
			seen->sport[i] = dp_rd16(frame + pi.l4_off + (pi.l4_proto == IPPROTO_UDP ||
					pi.l4_proto == IPPROTO_TCP ? 0 : 4));
			seen->dport[i] = dp_rd16(frame + pi.l4_off + 2);
			seen->len[i] = len;
		}
	}
	assert_int_equal(st.seq, n);
	vpkg_cstream_free(&cs);
}

static void
test_onap_default(void **state)
{
	struct seen s;
	unsigned int i;

	(void)state;
	run_stream("[{\"name\":\"fw_udp1\"}]", 0, 64, &s);
	for (i = 0; i < 64; i++) {
		assert_int_equal(s.src[i], 0xc0a80ac8);
		assert_int_equal(s.dst[i], 0xc0a814fa);
		assert_int_equal(s.sport[i], 15320);
		assert_int_equal(s.dport[i], 8080);
		assert_int_equal(s.len[i], 60);
	}
}

static void
test_walks(void **state)
{
	struct seen s;
	unsigned int i;

	(void)state;
	run_stream("[{\"src_ip\":\"10.0.0.1-10.0.0.3\",\"dst_ip\":{\"from\":\"10.1.0.0\","
		   "\"to\":\"10.1.3.0\",\"step\":256},\"src_port\":\"100-101\",\"dst_port\":"
		   "{\"from\":1,\"to\":1000,\"walk\":\"random\"},\"size\":\"64-70\"}]", 0, 1000, &s);
	for (i = 0; i < 64; i++) {
		assert_int_equal(s.src[i], 0x0a000001 + i % 3);
		assert_int_equal(s.dst[i], 0x0a010000 + (i % 4) * 256);
		assert_int_equal(s.sport[i], 100 + i % 2);
		assert_true(s.dport[i] >= 1 && s.dport[i] <= 1000);
		assert_int_equal(s.len[i], 60 + i % 7);
	}
}

static void
test_imix_mix(void **state)
{
	struct vpkg_stream_spec sp;
	struct vpkg_cstream cs;
	struct vpkg_slot st;
	unsigned int i, c64 = 0, c594 = 0, c1518 = 0;

	(void)state;
	env_init(0);
	spec_from_json("[{\"size\":\"imix\"}]", &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 1200; i++) {
		struct vpkg_stamp stamp;
		uint16_t len;

		vpkg_stamp_init(&stamp, i);
		len = vpkg_gen_fill(frame, &cs, &st, &stamp);

		c64 += len == 60;
		c594 += len == 590;
		c1518 += len == 1514;
	}
	/* exactly 7:4:1 over whole cycles */
	assert_int_equal(c64, 700);
	assert_int_equal(c594, 400);
	assert_int_equal(c1518, 100);
	vpkg_cstream_free(&cs);
	run_stream("[{\"size\":\"imix\",\"src_ip\":\"10.0.0.1-10.0.0.9\"}]", 0, 100, NULL);
}

static void
test_protocols(void **state)
{
	static const char *const specs[] = {
		"[{\"proto\":\"tcp\",\"size\":74,\"src_port\":\"1-5\"}]",
		"[{\"proto\":\"tcp-syn\",\"size\":\"74-90\",\"dst_ip\":\"10.0.0.1-10.0.0.5\"}]",
		"[{\"proto\":\"icmp\",\"src_port\":\"7-9\",\"size\":\"64-100\"}]",
		"[{\"proto\":\"udp\",\"vlan\":100,\"size\":\"imix\"}]",
		"[{\"src_ip\":\"2001:db8::1-2001:db8::4\",\"dst_ip\":\"2001:db8::ff\",\"size\":\"78-200\"}]",
		"[{\"proto\":\"tcp\",\"src_ip\":\"2001:db8::1\",\"dst_ip\":\"2001:db8::2-2001:db8::9\","
		"\"size\":\"94-120\"}]",
		"[{\"proto\":\"icmp\",\"src_ip\":\"2001:db8::1\",\"dst_ip\":\"2001:db8::2-2001:db8::9\","
		"\"size\":\"78:1,1518:1\"}]",
		"[{\"proto\":\"tcp\",\"size\":64}]",	/* no room for the probe */
	};
	static const uint64_t offl[] = {
		0,
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
	};
	unsigned int i, k;

	(void)state;
	for (k = 0; k < sizeof(offl) / sizeof(offl[0]); k++)
		for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
			run_stream(specs[i], offl[k], 300, NULL);
}

/* Checksum corner: a UDP checksum that computes to 0 is sent as 0xffff. */
static void
test_udp_zero(void **state)
{
	(void)state;
	/* walk many ports and times: every packet verifies, whatever the sum */
	run_stream("[{\"src_port\":\"0-65535\",\"dst_port\":{\"from\":0,\"to\":65535,"
		   "\"walk\":\"random\"}}]", 0, 70000, NULL);
}

/* The burst writer (fast path for simple streams) writes what the per-packet one does. */
static void
burst_check(const char *text, uint64_t offloads)
{
	enum { N = 40 };
	static uint8_t bufs[N][RTE_PKTMBUF_HEADROOM + 2048];
	struct rte_mbuf mb[N], *m[N];
	struct vpkg_stream_spec sp;
	struct vpkg_cstream cs;
	struct vpkg_slot st, st2;
	struct vpkg_stamp stamp;
	uint16_t len[N], i;

	env_init(offloads);
	spec_from_json(text, &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	memset(&st, 0, sizeof(st));
	st.rng = 1;
	st.seq = 0xfffffff0u;	/* wraps within the burst */
	st2 = st;
	for (i = 0; i < N; i++) {
		memset(&mb[i], 0, sizeof(mb[i]));
		mb[i].buf_addr = bufs[i];
		mb[i].buf_len = sizeof(bufs[i]);
		mb[i].ol_flags = 0x5a5a;	/* stale values from an earlier life */
		mb[i].tx_offload = 0x1234;
		m[i] = &mb[i];
	}
	vpkg_stamp_init(&stamp, 1234567890123456789ull);
	vpkg_gen_burst(m, N, &cs, &st, &stamp, len);
	assert_int_equal(st.seq, (uint32_t)(0xfffffff0u + N));
	assert_int_equal(st.generated, N);
	for (i = 0; i < N; i++) {
		uint16_t l = vpkg_gen_fill(frame, &cs, &st2, &stamp);

		assert_int_equal(len[i], l);
		assert_int_equal(m[i]->pkt_len, l);
		assert_int_equal(m[i]->data_len, l);
		assert_int_equal(m[i]->data_off, RTE_PKTMBUF_HEADROOM);
		assert_true(m[i]->ol_flags == cs.ol_flags);
		assert_true(m[i]->tx_offload == cs.tx_offload);
		assert_memory_equal(rte_pktmbuf_mtod(m[i], uint8_t *), frame, l);
	}
	vpkg_cstream_free(&cs);
}

static void
test_burst_writer(void **state)
{
	(void)state;
	burst_check("[{}]", 0);
	burst_check("[{\"size\":1518}]", 0);
	burst_check("[{\"proto\":\"tcp\",\"size\":64}]", 0);	/* no probe */
	burst_check("[{\"proto\":\"tcp\",\"size\":128}]", RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	burst_check("[{\"size\":\"imix\",\"src_ip\":\"10.0.0.1-10.0.0.3\"}]", 0);	/* general path */
	burst_check("[{\"proto\":\"icmp\"}]", 0);
}

static void
test_build_errors(void **state)
{
	struct vpkg_stream_spec sp;
	struct vpkg_cstream cs;

	(void)state;
	env_init(0);
	spec_from_json("[{\"port\":1}]", &sp);
	assert_int_not_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_non_null(strstr(err, ".port"));
	spec_from_json("[{\"rate\":\"20Gbps\"}]", &sp);
	assert_int_not_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "line rate"));
	spec_from_json("[{\"rate\":\"15Mpps\"}]", &sp);	/* 64 B: 14.88 Mpps max at 10G */
	assert_int_not_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	spec_from_json("[{\"rate\":\"100%\"}]", &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_true(cs.pps > 14880952 && cs.pps < 14880953);
	vpkg_cstream_free(&cs);
	env.port[0].speed_mbps = 0;
	assert_int_not_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown"));
	env_init(0);
	env.port[0].txq[1] = -1;
	spec_from_json("[{\"id\":1}]", &sp);
	assert_int_not_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx queue"));
	/* unresolved next hop: built, not ready */
	env_init(0);
	env.port[0].peer_state = VPKG_PEER_UNRESOLVED;
	spec_from_json("[{}]", &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_false(cs.ready);
	vpkg_cstream_free(&cs);
	spec_from_json("[{\"dst_mac\":\"02:00:00:00:00:09\"}]", &sp);
	assert_int_equal(vpkg_cstream_build(&cs, &sp, &env, err, sizeof(err)), 0);
	assert_true(cs.ready);
	assert_int_equal(cs.tmpl[5], 9);
	vpkg_cstream_free(&cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_onap_default),
		cmocka_unit_test(test_walks),
		cmocka_unit_test(test_imix_mix),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_udp_zero),
		cmocka_unit_test(test_burst_writer),
		cmocka_unit_test(test_build_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
