/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw/forward.c, the worker, without EAL (tests/vfw/vfw_harness.h): frames
 * go in through vfw_on_burst() (the three-stage pipeline) and each check is
 * on exact counters and the exact frame that comes out: sessions opened by
 * an allow and followed both ways, the next hop's MAC (--eth-peer, a
 * gateway's once learned, its change), TTL / hop limit decremented with a
 * valid IPv4 header checksum (summed here on its own), what is dropped and
 * why (TTL, hairpin, no route, rules, checksums), order, and the pipeline.
 *
 * The rules: rte_acl needs EAL memory, so rte_acl_classify() is wrapped
 * (-Wl,--wrap): it gives a packet the rule of its destination port
 * (rules[] below) and keeps the keys it was given.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vfw_harness_fwd.h"	/* forward.c and arp_nd.c, frees recorded */

#define UNPROT 0		/* port indexes */
#define PROT 1
#define L3 RTE_ETHER_HDR_LEN
#define INSIDE "10.1.2.3"
#define OUTSIDE "192.0.2.10"
#define SESSIONS 64

/* ---- the rules: by destination port ---- */

enum { R_DNS, R_TELNET, R_ECHO, NB_RULES };	/* the default policy is NB_RULES */

static const struct { uint16_t dport; uint32_t rule; uint8_t action, stateless; } rules[] = {
	{ 53, R_DNS, VFW_ALLOW, 0 },
	{ 23, R_TELNET, VFW_DENY, 0 },
	{ 7, R_ECHO, VFW_ALLOW, 1 },
};

static char acl_ctx[2];		/* what rs.acl[] points to: IPv4, IPv6 */
static struct vfw_acl4_key acl4_seen[DP_MAX_BURST];	/* the IPv4 keys of the last call */
static unsigned int nb_acl4_seen;

int __wrap_rte_acl_classify(const struct rte_acl_ctx *ctx, const uint8_t **data, uint32_t *results,
		uint32_t num, uint32_t categories);

int
__wrap_rte_acl_classify(const struct rte_acl_ctx *ctx, const uint8_t **data, uint32_t *results,
		uint32_t num, uint32_t categories)
{
	bool v4 = (const void *)ctx == &acl_ctx[0];
	uint32_t i, r;

	assert_int_equal(categories, 1);
	if (v4)
		nb_acl4_seen = 0;
	for (i = 0; i < num; i++) {
		uint16_t dport;

		if (v4) {
			memcpy(&acl4_seen[nb_acl4_seen++], data[i], sizeof(struct vfw_acl4_key));
			dport = ((const struct vfw_acl4_key *)(const void *)data[i])->dport;
		} else {
			dport = ((const struct vfw_acl6_key *)(const void *)data[i])->dport;
		}
		results[i] = 0;
		for (r = 0; r < RTE_DIM(rules); r++)
			if (dport == htons(rules[r].dport))
				results[i] = rules[r].rule + 1;
	}
	return 0;
}

/* ---- frames ---- */

struct flow {
	uint16_t in;		/* arrives on */
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;
};

/* A frame sent in and a copy of it as it was. */
struct sent {
	struct rte_mbuf *m;
	uint16_t len;
	uint8_t orig[256];
};

static const uint8_t one_seg[FUZZ_MBUF_CTL];

/* A frame of flow f with TTL ttl and IP id (IPv4), registered; s keeps a copy. */
static struct rte_mbuf *
mk(const struct flow *f, uint8_t ttl, uint16_t id, struct sent *s)
{
	struct dp_pkt_spec spec;
	struct dp_pkt_info pi;

	vh_spec(&spec, f->in, f->proto, f->src, f->dst, f->sport, f->dport);
	spec.ttl = ttl;
	assert_true(spec.frame_len <= sizeof(s->orig));
	assert_int_equal(dp_pkt_build(s->orig, &spec, &pi), spec.frame_len);
	if (pi.l3_type == DP_FAM_V4) {
		dp_wr16(s->orig + L3 + 4, id);
		dp_pkt_fix_cksums(s->orig, &pi);
	}
	s->len = spec.frame_len;
	s->m = vh_frame_add(one_seg, s->orig, s->len, 1);
	return s->m;
}

/* ---- the worker's rx queues: queue i is port i's ---- */

static struct dp_worker dw;

static int
setup(void **state)
{
	unsigned int r;

	(void)state;
	vh_setup_ports();
	vh_world_init();
	for (r = 0; r < RTE_DIM(rules); r++) {
		vh.verdict[rules[r].rule].action = rules[r].action;
		vh.verdict[rules[r].rule].stateless = rules[r].stateless;
	}
	vh.verdict[NB_RULES].action = VFW_DENY;
	vh.rs.nb_rules = NB_RULES;
	vh.rs.acl[0] = (struct rte_acl_ctx *)(void *)&acl_ctx[0];
	vh.rs.acl[1] = (struct rte_acl_ctx *)(void *)&acl_ctx[1];
	nb_acl4_seen = 0;
	memset(&dw, 0, sizeof(dw));
	dw.nb_rxq = 2;
	dw.rxq[0].port = UNPROT;
	dw.rxq[1].port = PROT;
	vh.w.eng.w = &dw;
	/* ticks = tsc - 1 (tick_at(): (tsc - 0) * (2^64 - 1) >> 64); eng.now 2 is tick 1 */
	vh.w.tick_mult = UINT64_MAX;
	vh.w.eng.now = 2;
	assert_int_equal(vfw_fwd_init(&vh.w, dw.nb_rxq, 32, 0), 0);
	vh_table_init(SESSIONS, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vh_table_fini();
	vfw_fwd_fini(&vh.w);
	vh_frames_free();
	return 0;
}

/* One vfw_on_burst() of the queue of port in (n may be 0); the tx buffers are collected. */
static void
burst_in(uint16_t in, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *none[1];

	assert_int_equal(vfw_on_burst(&vh.w.eng, in, n != 0 ? m : none, n), n);
	vh_collect_tx();
}

/* A burst and the PIPE_DEPTH - 1 empty bursts after which it has been through every stage. */
static void
send_all(uint16_t in, struct rte_mbuf **m, uint16_t n)
{
	unsigned int k;

	burst_in(in, m, n);
	for (k = 1; k < PIPE_DEPTH; k++)
		burst_in(in, NULL, 0);
}

static void
send_one(struct rte_mbuf *m, uint16_t in)
{
	send_all(in, &m, 1);
}

static void
assert_ctrs(const char *what, const uint64_t *before, const struct vh_delta *d, unsigned int n)
{
	char err[160];

	if (!vh_ctr_deltas(before, d, n, err, sizeof(err)))
		fail_msg("%s: %s", what, err);
}

#define SNAP(b) uint64_t b[VH_PORTS * VFW_CTR_MAX]; memcpy(b, vh.pctr, sizeof(b))
#define CTRS(what, before, ...) do { \
	const struct vh_delta d_[] = { __VA_ARGS__ }; \
	assert_ctrs(what, before, d_, RTE_DIM(d_)); \
} while (0)

/* The one's complement sum of n bytes (16-bit big-endian words), folded: no library's. */
static uint16_t
ones_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/*
 * s went out of port out to dst_mac, from out's MAC, the rest as it came
 * in but TTL / hop limit - 1, an IPv4 header checksum that verifies.
 */
static void
assert_forwarded(const struct sent *s, uint16_t out, const struct rte_ether_addr *dst_mac)
{
	const struct vh_frame *f = vh_frame_of(s->m);
	const uint8_t *d = rte_pktmbuf_mtod(s->m, const uint8_t *);
	bool v4 = s->orig[12] == 0x08;
	unsigned int ttl_off = L3 + (v4 ? 8 : 7), i;

	assert_int_equal(f->fate, VH_SENT);
	assert_int_equal(f->sent_port, out);
	assert_int_equal(rte_pktmbuf_data_len(s->m), s->len);
	assert_memory_equal(d, dst_mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	assert_memory_equal(d + 6, vh_port_mac[out].addr_bytes, RTE_ETHER_ADDR_LEN);
	assert_int_equal(d[ttl_off], s->orig[ttl_off] - 1);
	for (i = 12; i < s->len; i++)
		if (i != ttl_off && !(v4 && (i == L3 + 10 || i == L3 + 11)) && d[i] != s->orig[i])
			fail_msg("byte %u changed: %#x -> %#x", i, s->orig[i], d[i]);
	if (v4)
		assert_int_equal(ones_sum(d + L3, 20), 0xffff);
}

static void
assert_freed(const struct sent *s)
{
	assert_int_equal(vh_frame_of(s->m)->fate, VH_FREED);
}

static const struct flow dns_out = { PROT, IPPROTO_UDP, INSIDE, OUTSIDE, 40000, 53 };
static const struct flow dns_back = { UNPROT, IPPROTO_UDP, OUTSIDE, INSIDE, 53, 40000 };

/* ---- sessions, next hops ---- */

static void
test_udp_session(void **state)
{
	struct sent a, b, c, e;
	struct ct_key k;
	uint32_t src, dst;

	(void)state;
	{
		SNAP(before);
		send_one(mk(&dns_out, 64, 1, &a), PROT);
		assert_forwarded(&a, UNPROT, &vh_peer_mac[UNPROT]);
		CTRS("first packet", before, { PROT, VFW_CTR_forwarded, 1 });
	}
	/* the rules saw it, from the protected side (direction out) */
	assert_int_equal(nb_acl4_seen, 1);
	assert_int_equal(acl4_seen[0].proto, IPPROTO_UDP);
	assert_int_equal(acl4_seen[0].dport, htons(53));
	assert_int_equal(acl4_seen[0].sport, htons(40000));
	assert_int_equal(acl4_seen[0].dir, rte_cpu_to_be_32(VFW_DIR_OUT));
	assert_int_equal(vh.rule_ctr[R_DNS].packets, 1);
	assert_int_equal(vh.rule_ctr[R_DNS].bytes, a.len);
	/* one session, found by the flow's key */
	assert_int_equal(vh.w.ct.nb_active, 1);
	assert_int_equal(vh.ct_ctr[CT_CTR_created], 1);
	inet_pton(AF_INET, INSIDE, &src);
	inet_pton(AF_INET, OUTSIDE, &dst);
	ct_key_v4(&k, src, dst, htons(40000), htons(53), IPPROTO_UDP);
	assert_non_null(ct_lookup(&vh.w.ct, &k, ct_key_hash(&k)));

	/* the reply and more of both directions: the session, not the rules */
	nb_acl4_seen = 0;
	{
		SNAP(before);
		send_one(mk(&dns_back, 60, 2, &b), UNPROT);
		assert_forwarded(&b, PROT, &vh_peer_mac[PROT]);
		send_one(mk(&dns_out, 64, 3, &c), PROT);
		assert_forwarded(&c, UNPROT, &vh_peer_mac[UNPROT]);
		send_one(mk(&dns_back, 2, 4, &e), UNPROT);
		assert_forwarded(&e, PROT, &vh_peer_mac[PROT]);
		CTRS("the flow", before, { UNPROT, VFW_CTR_forwarded, 2 },
		     { PROT, VFW_CTR_forwarded, 1 });
	}
	assert_int_equal(nb_acl4_seen, 0);
	assert_int_equal(vh.rule_ctr[R_DNS].packets, 1);
	assert_int_equal(vh.w.ct.nb_active, 1);
	assert_int_equal(vh.ct_ctr[CT_CTR_created], 1);
}

static void
test_rules(void **state)
{
	const struct flow telnet = { UNPROT, IPPROTO_UDP, OUTSIDE, INSIDE, 1000, 23 };
	const struct flow other = { UNPROT, IPPROTO_UDP, OUTSIDE, INSIDE, 1000, 80 };
	const struct flow echo = { UNPROT, IPPROTO_UDP, OUTSIDE, INSIDE, 1000, 7 };
	struct sent a, b, c, d;

	(void)state;
	{
		SNAP(before);
		send_one(mk(&telnet, 64, 1, &a), UNPROT);
		assert_freed(&a);
		CTRS("denied by a rule", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_dropped_rule, 1 });
		assert_int_equal(acl4_seen[0].dir, rte_cpu_to_be_32(VFW_DIR_IN));
	}
	{
		SNAP(before);
		send_one(mk(&other, 64, 2, &b), UNPROT);
		send_one(mk(&other, 64, 3, &c), UNPROT);
		assert_freed(&b);
		assert_freed(&c);
		CTRS("denied by the default", before, { UNPROT, VFW_CTR_dropped, 2 },
		     { UNPROT, VFW_CTR_dropped_rule, 2 });
	}
	{
		SNAP(before);
		send_one(mk(&echo, 64, 4, &d), UNPROT);
		assert_forwarded(&d, PROT, &vh_peer_mac[PROT]);
		CTRS("stateless allow", before, { UNPROT, VFW_CTR_forwarded, 1 },
		     { UNPROT, VFW_CTR_stateless, 1 });
	}
	/* each packet counted by the rule that decided it, its bytes too */
	assert_int_equal(vh.rule_ctr[R_TELNET].packets, 1);
	assert_int_equal(vh.rule_ctr[R_TELNET].bytes, a.len);
	assert_int_equal(vh.rule_ctr[NB_RULES].packets, 2);
	assert_int_equal(vh.rule_ctr[NB_RULES].bytes, b.len + c.len);
	assert_int_equal(vh.rule_ctr[R_ECHO].packets, 1);
	assert_int_equal(vh.rule_ctr[R_DNS].packets, 0);
	assert_int_equal(vh.w.ct.nb_active, 0);	/* neither a deny nor a stateless allow opens one */
}

/*
 * Port 1 without --eth-peer, 10.2/16 behind gateway 10.1.0.254 there: the
 * first packet of a flow takes the gateway's MAC from the neighbour table,
 * the rest of the flow from the next hop its session cached, which follows
 * the gateway's new MAC.
 */
static void
test_gateway_nexthop(void **state)
{
	static const struct rte_ether_addr mac_a = { { 0x02, 0, 0, 0, 0xaa, 0x01 } };
	static const struct rte_ether_addr mac_b = { { 0x02, 0, 0, 0, 0xbb, 0x02 } };
	const struct flow in_flow = { UNPROT, IPPROTO_UDP, OUTSIDE, "10.2.0.5", 1000, 53 };
	const struct flow back = { PROT, IPPROTO_UDP, "10.2.0.5", OUTSIDE, 53, 1000 };
	struct sent a, b, c, d, e;
	uint8_t gw[4];

	(void)state;
	vfw.ports[PROT].has_peer = false;
	memset(&vfw_routes, 0, sizeof(vfw_routes));
	vh_route(DP_FAM_V4, "10.1.0.0", 24, PROT, NULL);
	vh_route(DP_FAM_V4, "10.2.0.0", 16, PROT, "10.1.0.254");
	vh_route(DP_FAM_V4, "0.0.0.0", 0, UNPROT, NULL);
	vh_bind();
	inet_pton(AF_INET, "10.1.0.254", gw);
	{
		SNAP(before);
		send_one(mk(&in_flow, 64, 1, &a), UNPROT);
		assert_freed(&a);
		CTRS("gateway unknown", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_no_route, 1 }, { UNPROT, VFW_CTR_unresolved, 1 },
		     { PROT, VFW_CTR_solicit_nombuf, 1 });	/* an ARP request tried */
		assert_int_equal(vh.w.ct.nb_active, 0);
	}
	/* learned: the worker's neighbours and the next hop (the control thread's part) */
	vfw_worker_neigh_learn(&vh.w, PROT, DP_FAM_V4, gw, &mac_a);
	vfw_nexthop_learned(PROT, DP_FAM_V4, gw, &mac_a);
	{
		SNAP(before);
		send_one(mk(&in_flow, 64, 2, &b), UNPROT);
		assert_forwarded(&b, PROT, &mac_a);
		send_one(mk(&back, 64, 3, &c), PROT);
		assert_forwarded(&c, UNPROT, &vh_peer_mac[UNPROT]);
		CTRS("gateway known", before, { UNPROT, VFW_CTR_forwarded, 1 },
		     { PROT, VFW_CTR_forwarded, 1 });
		assert_int_equal(vh.w.ct.nb_active, 1);
	}
	/*
	 * The gateway's MAC changes; only the next hop is told (the worker's
	 * own neighbour entry still says mac_a): the flow's packets go to
	 * mac_b, so they take the next hop their session cached.
	 */
	vfw_nexthop_learned(PROT, DP_FAM_V4, gw, &mac_b);
	send_one(mk(&in_flow, 64, 4, &d), UNPROT);
	assert_forwarded(&d, PROT, &mac_b);
	send_one(mk(&back, 64, 5, &e), PROT);
	assert_forwarded(&e, UNPROT, &vh_peer_mac[UNPROT]);
}

/*
 * What the worker learned itself bridges only the moment until the shared
 * table has it: past a second it is not used (an entry the table let die,
 * aged or failed its probes, is not brought back from there), the
 * neighbour is asked again.
 */
static void
test_recent_neighbour_expires(void **state)
{
	static const struct rte_ether_addr mac_h = { { 0x02, 0, 0, 0, 0xcc, 0x07 } };
	const struct flow to_host = { UNPROT, IPPROTO_UDP, OUTSIDE, "10.1.0.7", 1000, 53 };
	struct sent a, b;
	uint8_t host[4];

	(void)state;
	vfw.ports[PROT].has_peer = false;
	memset(&vfw_routes, 0, sizeof(vfw_routes));
	vh_route(DP_FAM_V4, "10.1.0.0", 24, PROT, NULL);
	vh_route(DP_FAM_V4, "0.0.0.0", 0, UNPROT, NULL);
	vh_bind();
	inet_pton(AF_INET, "10.1.0.7", host);
	vfw_worker_neigh_learn(&vh.w, PROT, DP_FAM_V4, host, &mac_h);
	send_one(mk(&to_host, 64, 1, &a), UNPROT);
	assert_forwarded(&a, PROT, &mac_h);
	vfw.tsc_hz = 1;		/* a second is one cycle: what it learned is stale */
	{
		SNAP(before);
		send_one(mk(&to_host, 64, 2, &b), UNPROT);
		assert_freed(&b);
		CTRS("learned more than a second ago", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_no_route, 1 }, { UNPROT, VFW_CTR_unresolved, 1 },
		     { PROT, VFW_CTR_solicit_nombuf, 1 });	/* an ARP request tried */
	}
}

/* ---- TTL ---- */

static void
test_ttl(void **state)
{
	const struct flow v6_out = { PROT, IPPROTO_UDP, "2001:db8:1::5", "2001:db8:7::9", 40000, 53 };
	struct sent a, b, d;

	(void)state;
	{
		SNAP(before);
		send_one(mk(&dns_out, 2, 1, &a), PROT);
		assert_forwarded(&a, UNPROT, &vh_peer_mac[UNPROT]);
		assert_int_equal(rte_pktmbuf_mtod(a.m, uint8_t *)[L3 + 8], 1);
		send_one(mk(&dns_out, 1, 2, &b), PROT);
		assert_freed(&b);
		CTRS("TTL", before, { PROT, VFW_CTR_forwarded, 1 }, { PROT, VFW_CTR_dropped, 1 },
		     { PROT, VFW_CTR_no_route, 1 }, { PROT, VFW_CTR_ttl_exceeded, 1 });
	}
	{
		SNAP(before);
		send_one(mk(&v6_out, 64, 0, &d), PROT);
		assert_forwarded(&d, UNPROT, &vh_peer_mac[UNPROT]);
		CTRS("hop limit", before, { PROT, VFW_CTR_forwarded, 1 });
	}
}

/*
 * The incremental checksum update for every checksum a header can start
 * with: the IP id runs through all 65536 values, the other fields fixed.
 * The one header whose checksum computes to 0x0000 is also sent with
 * 0xffff, the same sum in one's complement (RFC 1624 section 3): the
 * end-around carry of the update matters only there.
 */
static void
test_ttl_cksum_all(void **state)
{
	struct rte_mbuf *m[17];
	static struct sent s[17];
	unsigned int i, n, nb_ffff = 0;
	uint32_t id;

	(void)state;
	send_one(mk(&dns_out, 64, 0, &s[0]), PROT);	/* the session: the rest take the fast path */
	vh_frames_free();
	for (id = 0; id < 65536; id += 16) {
		for (i = n = 0; i < 16; i++) {
			m[n] = mk(&dns_out, 64, (uint16_t)(id + i), &s[n]);
			if (dp_rd16(s[n].orig + L3 + 10) == 0) {
				n++;
				memcpy(&s[n], &s[n - 1], sizeof(s[n]));
				s[n].orig[L3 + 10] = s[n].orig[L3 + 11] = 0xff;
				m[n] = s[n].m = vh_frame_add(one_seg, s[n].orig, s[n].len, 1);
				nb_ffff++;
			}
			n++;
		}
		send_all(PROT, m, (uint16_t)n);
		for (i = 0; i < n; i++)
			assert_forwarded(&s[i], UNPROT, &vh_peer_mac[UNPROT]);
		vh_frames_free();
	}
	assert_int_equal(nb_ffff, 1);
	assert_int_equal(vh_ctr(PROT, VFW_CTR_forwarded), 1 + 65536 + 1);
}

/* ---- what cannot be forwarded ---- */

static void
test_hairpin(void **state)
{
	const struct flow across = { UNPROT, IPPROTO_UDP, OUTSIDE, "198.51.100.1", 1000, 53 };
	const struct flow spoofed = { UNPROT, IPPROTO_UDP, INSIDE, OUTSIDE, 40000, 53 };
	struct sent a, b, c;

	(void)state;
	{
		SNAP(before);
		send_one(mk(&across, 64, 1, &a), UNPROT);
		assert_freed(&a);
		CTRS("routed back out", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_no_route, 1 }, { UNPROT, VFW_CTR_hairpin, 1 });
		assert_int_equal(vh.w.ct.nb_active, 0);
	}
	/* a session's cached next hop is not taken back out of the input port either */
	send_one(mk(&dns_out, 64, 2, &b), PROT);
	assert_forwarded(&b, UNPROT, &vh_peer_mac[UNPROT]);
	{
		SNAP(before);
		send_one(mk(&spoofed, 64, 3, &c), UNPROT);	/* the inside's packet, on the outside */
		assert_freed(&c);
		CTRS("session's next hop is the input port", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_no_route, 1 }, { UNPROT, VFW_CTR_hairpin, 1 });
	}
}

static void
test_no_route(void **state)
{
	struct sent a;

	(void)state;
	memset(&vfw_routes, 0, sizeof(vfw_routes));
	vh_route(DP_FAM_V4, "10.1.0.0", 16, PROT, NULL);
	vh_route(DP_FAM_V4, "10.0.0.0", 24, UNPROT, NULL);
	vh_bind();
	{
		SNAP(before);
		send_one(mk(&dns_out, 64, 1, &a), PROT);
		assert_freed(&a);
		CTRS("no route", before, { PROT, VFW_CTR_dropped, 1 }, { PROT, VFW_CTR_no_route, 1 },
		     { PROT, VFW_CTR_route_missing, 1 });
	}
	assert_int_equal(vh.rule_ctr[R_DNS].packets, 1);	/* allowed, then not routed */
	assert_int_equal(vh.w.ct.nb_active, 0);		/* no session for it */
}

static void
test_l4_cksum(void **state)
{
	struct sent a, b, c;

	(void)state;
	send_one(mk(&dns_out, 64, 1, &a), PROT);
	assert_forwarded(&a, UNPROT, &vh_peer_mac[UNPROT]);
	{
		SNAP(before);
		mk(&dns_out, 64, 2, &b);
		rte_pktmbuf_mtod(b.m, uint8_t *)[L3 + 20 + 6] ^= 0x10;
		b.orig[L3 + 20 + 6] ^= 0x10;
		send_one(b.m, PROT);
		assert_freed(&b);
		CTRS("bad UDP checksum", before, { PROT, VFW_CTR_dropped, 1 },
		     { PROT, VFW_CTR_malformed, 1 }, { PROT, VFW_CTR_bad_l4_cksum, 1 });
	}
	{
		SNAP(before);
		mk(&dns_out, 64, 3, &c);
		rte_pktmbuf_mtod(c.m, uint8_t *)[L3 + 20 + 6] ^= 0x10;
		c.orig[L3 + 20 + 6] ^= 0x10;
		c.m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD;	/* the port's verdict is taken */
		send_one(c.m, PROT);
		assert_forwarded(&c, UNPROT, &vh_peer_mac[UNPROT]);
		CTRS("port says good", before, { PROT, VFW_CTR_forwarded, 1 });
	}
}

/* Stage 1's Ethernet checks (forward.c's own, before classify.c): another MAC, a group MAC. */
static void
test_l2(void **state)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 }, bcast[6] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct sent a, b, c;

	(void)state;
	{
		SNAP(before);
		mk(&dns_out, 64, 1, &a);
		memcpy(rte_pktmbuf_mtod(a.m, uint8_t *), other, 6);
		send_one(a.m, PROT);
		assert_freed(&a);
		/* a frame too short for the fast path, for another MAC */
		memset(b.orig, 0, 20);
		memcpy(b.orig, other, 6);
		b.m = vh_frame_add(one_seg, b.orig, 20, 1);
		send_one(b.m, PROT);
		assert_freed(&b);
		CTRS("not for us", before, { PROT, VFW_CTR_dropped, 2 },
		     { PROT, VFW_CTR_dropped_other, 2 }, { PROT, VFW_CTR_not_for_us, 2 });
	}
	{
		SNAP(before);
		mk(&dns_out, 64, 3, &c);
		memcpy(rte_pktmbuf_mtod(c.m, uint8_t *), bcast, 6);
		send_one(c.m, PROT);
		assert_freed(&c);
		CTRS("unicast IP in a broadcast frame", before, { PROT, VFW_CTR_dropped, 1 },
		     { PROT, VFW_CTR_dropped_other, 1 }, { PROT, VFW_CTR_multicast, 1 });
	}
	assert_int_equal(vh.w.ct.nb_active, 0);
}

/* An ICMP error about a tracked flow passes without the rules; one about none meets them. */
static void
test_icmp_related(void **state)
{
	struct sent a, b, c;

	(void)state;
	send_one(mk(&dns_out, 64, 1, &a), PROT);
	{
		SNAP(before);
		b.len = vh_icmp4_error(b.orig, sizeof(b.orig), UNPROT, 3, "192.0.2.77", INSIDE,
				       OUTSIDE, 40000, 53);
		b.m = vh_frame_add(one_seg, b.orig, b.len, 1);
		send_one(b.m, UNPROT);
		assert_forwarded(&b, PROT, &vh_peer_mac[PROT]);
		CTRS("related", before, { UNPROT, VFW_CTR_forwarded, 1 },
		     { UNPROT, VFW_CTR_related, 1 });
	}
	{
		SNAP(before);
		c.len = vh_icmp4_error(c.orig, sizeof(c.orig), UNPROT, 3, "192.0.2.77", INSIDE,
				       OUTSIDE, 40001, 53);
		c.m = vh_frame_add(one_seg, c.orig, c.len, 1);
		send_one(c.m, UNPROT);
		assert_freed(&c);
		CTRS("quoting no flow", before, { UNPROT, VFW_CTR_dropped, 1 },
		     { UNPROT, VFW_CTR_dropped_rule, 1 });
		assert_int_equal(vh.rule_ctr[NB_RULES].packets, 1);
		assert_int_equal(acl4_seen[0].proto, IPPROTO_ICMP);
		assert_int_equal(acl4_seen[0].sport, htons(3));	/* type */
		assert_int_equal(acl4_seen[0].dport, htons(1));	/* code */
	}
}

/* ---- order and the pipeline ---- */

/* The IP id of a frame (the tests number their frames with it). */
static uint16_t
id_of(const struct rte_mbuf *m)
{
	return dp_rd16(rte_pktmbuf_mtod(m, const uint8_t *) + L3 + 4);
}

static void
test_order(void **state)
{
	const struct flow f2 = { PROT, IPPROTO_UDP, "10.1.9.9", OUTSIDE, 40002, 53 };
	struct rte_mbuf *m[24];
	static struct sent s[24];
	const struct dp_engine_txbuf *t = &vh.w.tx[UNPROT];
	unsigned int i;
	uint16_t last1 = 0, last2 = 0;

	(void)state;
	/* one flow, opened by the first packet of the burst: the burst's order */
	for (i = 0; i < RTE_DIM(s); i++)
		m[i] = mk(&dns_out, 64, (uint16_t)(100 + i), &s[i]);
	send_all(PROT, m, RTE_DIM(s));
	for (i = 0; i < RTE_DIM(s); i++) {
		assert_forwarded(&s[i], UNPROT, &vh_peer_mac[UNPROT]);
		assert_int_equal(vh_frame_of(m[i])->sent_pos, i);
	}
	assert_int_equal(vh.w.ct.nb_active, 1);
	vh_frames_free();
	/*
	 * Two flows interleaved, one established, one new: each keeps its own
	 * order (hits leave in stage 3, misses after the rules, stage 4).
	 */
	for (i = 0; i < RTE_DIM(s); i++)
		m[i] = mk(i % 3 == 0 ? &f2 : &dns_out, 64, (uint16_t)(200 + i), &s[i]);
	assert_int_equal(vfw_on_burst(&vh.w.eng, PROT, m, RTE_DIM(s)), RTE_DIM(s));
	assert_int_equal(vfw_on_burst(&vh.w.eng, PROT, m, 0), 0);
	assert_int_equal(t->n, 0);
	assert_int_equal(vfw_on_burst(&vh.w.eng, PROT, m, 0), 0);
	assert_int_equal(t->n, RTE_DIM(s));
	for (i = 0; i < t->n; i++) {
		uint16_t id = id_of(t->m[i]);
		uint16_t *last = (id - 200) % 3 == 0 ? &last2 : &last1;

		assert_true(id > *last);
		*last = id;
	}
	vh_collect_tx();
	for (i = 0; i < RTE_DIM(s); i++)
		assert_forwarded(&s[i], UNPROT, &vh_peer_mac[UNPROT]);
}

static void
test_pipeline(void **state)
{
	struct rte_mbuf *b1[3], *b2[2];
	struct sent s1[3], s2[2];
	unsigned int i;
	uint64_t bytes = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		b1[i] = mk(&dns_out, 64, (uint16_t)(1 + i), &s1[i]);
		bytes += s1[i].len;
	}
	for (i = 0; i < 2; i++)
		b2[i] = mk(&dns_out, 64, (uint16_t)(10 + i), &s2[i]);
	/* a burst is in stage 1 after its rx, in stage 2 after the next, out after the third */
	burst_in(PROT, b1, 3);
	assert_int_equal(vh.w.eng.rx_bytes, bytes);	/* summed in stage 1 for the engine */
	for (i = 0; i < 3; i++)
		assert_int_equal(vh_frame_of(b1[i])->fate, VH_NONE);
	burst_in(PROT, b2, 2);
	for (i = 0; i < 3; i++)
		assert_int_equal(vh_frame_of(b1[i])->fate, VH_NONE);
	assert_int_equal(vh_ctr(PROT, VFW_CTR_forwarded), 0);
	burst_in(PROT, NULL, 0);	/* an empty burst moves it on */
	for (i = 0; i < 3; i++)
		assert_forwarded(&s1[i], UNPROT, &vh_peer_mac[UNPROT]);
	for (i = 0; i < 2; i++)
		assert_int_equal(vh_frame_of(b2[i])->fate, VH_NONE);
	assert_int_equal(vh_ctr(PROT, VFW_CTR_forwarded), 3);
	/* PIPE_DEPTH empty bursts empty it whatever is in it */
	for (i = 0; i < PIPE_DEPTH; i++)
		burst_in(PROT, NULL, 0);
	for (i = 0; i < 2; i++)
		assert_forwarded(&s2[i], UNPROT, &vh_peer_mac[UNPROT]);
	assert_int_equal(vh_ctr(PROT, VFW_CTR_forwarded), 5);
	/* the other queue's pipeline is its own: nothing moved it */
	assert_int_equal(vh_ctr(UNPROT, VFW_CTR_forwarded), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_nexthop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_cksum_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l4_cksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_related, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recent_neighbour_expires, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
