/* SPDX-License-Identifier: BSD-3-Clause */
/* vfw's worker without EAL (vfw_harness.h). */
#include <arpa/inet.h>
#include <string.h>

#include "dp_net.h"
#include "dp_port.h"
#include "neigh.h"
#include "nexthop.h"
#include "route.h"
#include "sess_ctl.h"
#include "vfw_harness.h"

/* vfw_main.c's and acl.c's globals, for the files compiled in */
struct vfw vfw;
struct vfw_ruleset *vfw_ruleset_cur;
struct rte_rcu_qsbr *vfw_rcu;

struct vh_world vh;

const struct rte_ether_addr vh_port_mac[VH_PORTS] = {
	{ { 0x02, 0, 0, 0, 0, 0x01 } }, { { 0x02, 0, 0, 0, 0, 0x02 } },
};
const struct rte_ether_addr vh_peer_mac[VH_PORTS] = {
	{ { 0x02, 0, 0, 0, 0, 0x11 } }, { { 0x02, 0, 0, 0, 0, 0x12 } },
};

/*
 * The shared neighbour table (neigh.c) needs EAL memory and a ring: here it
 * stays empty, and what a worker learns stays in its own recent list.
 */
static struct vfw_neigh neigh_slots[VFW_NEIGH_SLOTS];
struct vfw_neigh *vfw_neigh_tab = neigh_slots;

void
vfw_neigh_learn(uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac)
{
	(void)port;
	(void)family;
	(void)ip;
	(void)mac;
}

void
vfw_neigh_confirm(uint16_t port, uint8_t family, const uint8_t *ip)
{
	(void)port;
	(void)family;
	(void)ip;
}

/* No ageing pass here: nothing asks for a probe. */
bool vfw_neigh_probe_flag;

unsigned int
vfw_neigh_probe_take(struct vfw_neigh_entry *out, unsigned int max)
{
	(void)out;
	(void)max;
	return 0;
}

/* The REST session requests (sess_ctl.c) are not part of a burst. */
void
vfw_sess_serve_slow(struct vfw_worker *w, uint32_t now)
{
	(void)w;
	(void)now;
}

void
vfw_sess_worker_stop(struct vfw_worker *w)
{
	(void)w;
}

/*
 * Wrapped (-Wl,--wrap): the session table's memory from malloc, not EAL
 * memory (nor the mapping ct_table_init() takes without hugepages: an mmap
 * per fuzz input would cost more than the packets).
 */
int __wrap_rte_eal_has_hugepages(void);

int
__wrap_rte_eal_has_hugepages(void)
{
	return 1;
}


/* --- ports, routes --- */

static void
port_v4(struct vfw_port *p, const char *ip)
{
	VH_CHECK(inet_pton(AF_INET, ip, &p->ip4) == 1);
	p->has_ip4 = true;
	p->plen4 = 24;
	p->bcast4 = p->ip4 | htonl(0xff);
}

static void
port_v6(struct vfw_port *p, const char *ip)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	VH_CHECK(inet_pton(AF_INET6, ip, p->ip6) == 1);
	p->has_ip6 = true;
	p->plen6 = 64;
	memcpy(p->ip6_ll, ll, 8);
	memcpy(p->ip6_ll + 8, p->ip6 + 8, 8);
}

void
vh_route(uint8_t fam, const char *prefix, uint8_t plen, uint16_t port, const char *gw)
{
	int af = fam == DP_FAM_V4 ? AF_INET : AF_INET6;
	uint8_t a[16] = { 0 }, g[16] = { 0 };

	VH_CHECK(inet_pton(af, prefix, a) == 1);
	VH_CHECK(gw == NULL || inet_pton(af, gw, g) == 1);
	VH_CHECK(vfw_route_add(&vfw_routes, fam, a, plen, port, gw != NULL ? g : NULL) == 0);
}

void
vh_bind(void)
{
	const struct rte_ether_addr src[VH_PORTS] = { vfw.ports[0].mac, vfw.ports[1].mac };
	const struct rte_ether_addr *peer[VH_PORTS];
	uint16_t i;

	for (i = 0; i < VH_PORTS; i++)
		peer[i] = vfw.ports[i].has_peer ? &vfw.ports[i].peer : NULL;
	vfw_nexthop_reset();
	VH_CHECK(vfw_nexthop_bind(&vfw_routes, src, peer) == 0);
}

void
vh_setup_ports(void)
{
	static const char *v4[VH_PORTS] = { "10.0.0.1", "10.1.0.1" };
	static const char *v6[VH_PORTS] = { "2001:db8::1", "2001:db8:1::1" };
	uint16_t i;

	memset(vfw.ports, 0, sizeof(vfw.ports));
	memset(&vfw_routes, 0, sizeof(vfw_routes));
	memset(vfw.v4_special, 0, sizeof(vfw.v4_special));
	vfw.nb_v4_special = 0;
	for (i = 0; i < VH_PORTS; i++) {
		struct vfw_port *p = &vfw.ports[i];

		p->role = i == 0 ? VFW_ROLE_UNPROTECTED : VFW_ROLE_PROTECTED;
		p->port_id = i;
		p->mac = vh_port_mac[i];
		p->has_peer = true;
		p->peer = vh_peer_mac[i];
		port_v4(p, v4[i]);
		port_v6(p, v6[i]);
		vfw.v4_special[vfw.nb_v4_special++] = p->ip4;
		vfw.v4_special[vfw.nb_v4_special++] = p->bcast4;
	}
	/* the protected side is 10.1/16 and 2001:db8:1::/48, everything else is outside */
	vh_route(DP_FAM_V4, "10.1.0.0", 16, 1, NULL);
	vh_route(DP_FAM_V4, "0.0.0.0", 0, 0, NULL);
	vh_route(DP_FAM_V6, "2001:db8:1::", 48, 1, NULL);
	vh_route(DP_FAM_V6, "::", 0, 0, NULL);
	dp_nb_ports = VH_PORTS;
	vh_bind();
	vfw.opt.verify_cksum = true;
	vfw.nb_workers = 1;
	vfw.tsc_hz = UINT64_C(2000000000);	/* what the worker learns is usable for a second */
}

void
vh_spec(struct dp_pkt_spec *s, uint16_t in, uint8_t proto, const char *src, const char *dst,
		uint16_t sport, uint16_t dport)
{
	bool v6 = strchr(src, ':') != NULL;

	memset(s, 0, sizeof(*s));
	s->dst_mac = vfw.ports[in].mac;
	s->src_mac = vfw.ports[in].peer;
	s->l3_type = v6 ? DP_FAM_V6 : DP_FAM_V4;
	s->l4_proto = proto;
	if (v6) {
		VH_CHECK(inet_pton(AF_INET6, src, s->src_ip6) == 1);
		VH_CHECK(inet_pton(AF_INET6, dst, s->dst_ip6) == 1);
	} else {
		uint32_t a;

		VH_CHECK(inet_pton(AF_INET, src, &a) == 1);
		s->src_ip4 = ntohl(a);
		VH_CHECK(inet_pton(AF_INET, dst, &a) == 1);
		s->dst_ip4 = ntohl(a);
	}
	s->src_port = sport;
	s->dst_port = dport;
	s->frame_len = dp_pkt_min_len(s, false);
	VH_CHECK(s->frame_len != 0);
}

uint16_t
vh_icmp4_error(uint8_t *buf, size_t size, uint16_t in, uint8_t type, const char *router,
		const char *quote_src, const char *quote_dst, uint16_t sport, uint16_t dport)
{
	uint8_t *icmp = buf + RTE_ETHER_HDR_LEN + 20, *q = icmp + 8;
	struct dp_pkt_spec s;
	struct dp_pkt_info pi;

	VH_CHECK(size >= VH_ICMP4_ERROR_LEN);
	vh_spec(&s, in, IPPROTO_ICMP, router, quote_src, 0, 0);
	s.frame_len = VH_ICMP4_ERROR_LEN;
	VH_CHECK(dp_pkt_build(buf, &s, NULL) == VH_ICMP4_ERROR_LEN);
	icmp[0] = type;
	icmp[1] = 1;
	memset(icmp + 4, 0, 4);
	q[0] = 0x45;
	dp_wr16(q + 2, 28 + 40);	/* the original was longer */
	q[8] = 63;
	q[9] = IPPROTO_UDP;
	VH_CHECK(inet_pton(AF_INET, quote_src, q + 12) == 1);
	VH_CHECK(inet_pton(AF_INET, quote_dst, q + 16) == 1);
	{
		uint16_t ck = dp_ipv4_hdr_cksum((const struct rte_ipv4_hdr *)(const void *)q);

		memcpy(q + 10, &ck, 2);	/* network order already */
	}
	dp_wr16(q + 20, sport);
	dp_wr16(q + 22, dport);
	dp_wr16(q + 24, 48);
	VH_CHECK(dp_pkt_parse(buf, VH_ICMP4_ERROR_LEN, &pi) == DP_PKT_OK);
	dp_pkt_fix_cksums(buf, &pi);
	return VH_ICMP4_ERROR_LEN;
}

/* --- the worker --- */

void
vh_world_init(void)
{
	unsigned int s;

	memset(&vh.w, 0, sizeof(vh.w));
	memset(&vh.rs, 0, sizeof(vh.rs));
	memset(vh.verdict, 0, sizeof(vh.verdict));
	memset(vh.rule_ctr, 0, sizeof(vh.rule_ctr));
	memset(vh.pctr, 0, sizeof(vh.pctr));
	ct_hash_seed_set(1);
	for (s = 0; s < CT_STATE_MAX; s++)
		vh.timeouts[s] = ct_sec_to_ticks(ct_default_timeout_sec[s]);
	/* the default policy alone: allow, with state */
	vh.verdict[0].action = VFW_ALLOW;
	vh.rs.verdict = vh.verdict;
	vh.rs.ctr[0] = vh.rule_ctr;
	vfw_ruleset_cur = &vh.rs;
	vh.w.pctr = vh.pctr;
	vh.w.stride = VFW_CTR_MAX;
	vh.w.eng.tx = vh.w.tx;
	vh.w.eng.app = &vh.w;
}

void
vh_table_init(uint32_t max_sessions, uint32_t now)
{
	char err[256];

	memset(vh.ct_ctr, 0, sizeof(vh.ct_ctr));
	memset(vh.ct_gauge, 0, sizeof(vh.ct_gauge));
	if (ct_table_init(&vh.w.ct, max_sessions, vh.timeouts, vh.ct_ctr, vh.ct_gauge, now, 0,
			  err, sizeof(err)) != 0) {
		fprintf(stderr, "vfw_harness: %s\n", err);
		abort();
	}
}

void
vh_table_fini(void)
{
	ct_table_fini(&vh.w.ct);
}

/* --- frames --- */

struct rte_mbuf *
vh_frame_add(const uint8_t ctl[FUZZ_MBUF_CTL], const uint8_t *frame, size_t len, int single)
{
	struct vh_frame *f;

	VH_CHECK(vh.nb_fr < VH_MAX_FRAMES);
	f = &vh.fr[vh.nb_fr++];
	f->fate = VH_NONE;
	f->sent_port = 0;
	f->sent_pos = 0;
	return fuzz_chain_build(&f->chain, ctl, frame, len, single);
}

struct vh_frame *
vh_frame_of(const struct rte_mbuf *m)
{
	unsigned int i;

	for (i = 0; i < vh.nb_fr; i++)
		if (&vh.fr[i].chain.seg[0] == m)
			return &vh.fr[i];
	VH_CHECK(!"the worker ended an mbuf that is not a registered frame");
	return NULL;
}

void
vh_frames_free(void)
{
	unsigned int i;

	for (i = 0; i < vh.nb_fr; i++)
		fuzz_chain_free(&vh.fr[i].chain);
	vh.nb_fr = 0;
}

void
vh_freed(struct rte_mbuf *m)
{
	struct vh_frame *f = vh_frame_of(m);

	VH_CHECK(f->fate == VH_NONE);
	f->fate = VH_FREED;
}

void
vh_free_bulk(struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vh_freed(m[i]);
}

void
vh_collect_tx(void)
{
	uint16_t port, i;

	for (port = 0; port < VH_PORTS; port++) {
		struct dp_engine_txbuf *t = &vh.w.tx[port];

		for (i = 0; i < t->n; i++) {
			struct vh_frame *f = vh_frame_of(t->m[i]);

			VH_CHECK(f->fate == VH_NONE);
			f->fate = VH_SENT;
			f->sent_port = (uint8_t)port;
			f->sent_pos = i;
		}
		t->n = 0;
		t->bytes = 0;
	}
}

const char *
vh_ctr_name(unsigned int idx)
{
#define VH_CTR_NAME(name, help) #name,
	static const char *const names[VFW_CTR_MAX] = { VFW_PORT_COUNTERS(VH_CTR_NAME) };
#undef VH_CTR_NAME

	return idx < VFW_CTR_MAX ? names[idx] : "?";
}

bool
vh_ctr_deltas(const uint64_t before[VH_PORTS * VFW_CTR_MAX], const struct vh_delta *d,
		unsigned int n, char *err, size_t errlen)
{
	uint64_t want[VH_PORTS * VFW_CTR_MAX] = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		VH_CHECK(d[i].port < VH_PORTS && d[i].idx < VFW_CTR_MAX);
		want[d[i].port * VFW_CTR_MAX + d[i].idx] += d[i].n;
	}
	for (i = 0; i < VH_PORTS * VFW_CTR_MAX; i++) {
		uint64_t got = vh.pctr[i] - before[i];

		if (got != want[i]) {
			snprintf(err, errlen, "port %u counter %s moved by %llu, expected %llu",
				 i / VFW_CTR_MAX, vh_ctr_name(i % VFW_CTR_MAX), (unsigned long long)got,
				 (unsigned long long)want[i]);
			return false;
		}
	}
	return true;
}
