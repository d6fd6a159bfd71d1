/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's start-up once the ports run (vfw_setup.h): the rule set, the ports'
 * roles and addresses, routes and next hops, the workers' queues and
 * per-worker state, the summary printed before the workers start. Errors in
 * what the user gave end the process with exit 2, allocation failures with 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "acl.h"
#include "dp_escape.h"
#include "dp_main.h"
#include "dp_net.h"
#include "dp_port.h"
#include "dp_worker.h"
#include "forward.h"
#include "neigh.h"
#include "nexthop.h"
#include "route.h"
#include "vfw.h"
#include "vfw_setup.h"

/* The rules of --rules (or the built-in set); also restart's re-read (dp_lifecycle.h). */
int
vfw_replace_rules(void *ctx, char *err, size_t errlen)
{
	RTE_SET_USED(ctx);
	if (vfw.opt.rules_file[0] != '\0')
		return vfw_rules_replace_from_file(vfw.opt.rules_file, err, errlen);
	return vfw_rules_replace_from_text(vfw_rules_builtin, "<built-in>", err, errlen);
}

void
vfw_load_rules(void)
{
	char err[DP_ERR_LEN];
	int rc = vfw_replace_rules(NULL, err, sizeof(err));

	/* whatever is wrong with the file (missing, not regular, too large, bad rules) is the user's */
	if (rc == -ENOMEM)
		dp_die(DP_EXIT_FAIL, "rules: %s", err);
	if (rc != 0)
		dp_die(DP_EXIT_USAGE, "--rules: %s", err);
}

static int
port_index(uint16_t id)
{
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++)
		if (dp_ports[i].port_id == id)
			return i;
	return -1;
}

static void
set_v4(struct vfw_port *p, const uint8_t *ip, uint8_t plen)
{
	uint32_t h, mask = plen == 0 ? 0 : ~0u << (32 - plen);

	p->has_ip4 = true;
	memcpy(&p->ip4, ip, 4);
	p->plen4 = plen;
	h = ntohl(p->ip4);
	p->bcast4 = htonl(h | ~mask);
}

static void
set_v6(struct vfw_port *p, const uint8_t *ip, uint8_t plen)
{
	const uint8_t *mac = p->mac.addr_bytes;

	p->has_ip6 = true;
	memcpy(p->ip6, ip, 16);
	p->plen6 = plen;
	memset(p->ip6_ll, 0, 16);
	p->ip6_ll[0] = 0xfe;
	p->ip6_ll[1] = 0x80;
	p->ip6_ll[8] = mac[0] ^ 0x02;
	p->ip6_ll[9] = mac[1];
	p->ip6_ll[10] = mac[2];
	p->ip6_ll[11] = 0xff;
	p->ip6_ll[12] = 0xfe;
	p->ip6_ll[13] = mac[3];
	p->ip6_ll[14] = mac[4];
	p->ip6_ll[15] = mac[5];
}

void
vfw_setup_ports(void)
{
	static const uint8_t def4[2][4] = { { 192, 168, 10, 100 }, { 192, 168, 20, 100 } };
	static const uint8_t def6[2][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x10, [15] = 0x00, [14] = 0x01 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x20, [15] = 0x00, [14] = 0x01 },
	};
	int role_idx[2], i, id;
	uint16_t p;

	if (dp_nb_ports < 2)
		dp_die(DP_EXIT_USAGE, "vfw needs two ports, unprotected and protected (%u in use); "
		       "add one (e.g. --vdev net_null1) or widen --portmask", dp_nb_ports);
	role_idx[0] = vfw.opt.unprotected_port >= 0 ? port_index((uint16_t)vfw.opt.unprotected_port) : 0;
	role_idx[1] = vfw.opt.protected_port >= 0 ? port_index((uint16_t)vfw.opt.protected_port) :
		(role_idx[0] == 1 ? 0 : 1);
	if (role_idx[0] < 0)
		dp_die(DP_EXIT_USAGE, "--unprotected-port: invalid value '%d' (not a port in use)",
		       vfw.opt.unprotected_port);
	if (role_idx[1] < 0)
		dp_die(DP_EXIT_USAGE, "--protected-port: invalid value '%d' (not a port in use)",
		       vfw.opt.protected_port);
	if (role_idx[0] == role_idx[1])
		dp_die(DP_EXIT_USAGE, "--protected-port: invalid value '%u' (it is also the unprotected port)",
		       dp_ports[role_idx[1]].port_id);
	for (id = 0; id < RTE_MAX_ETHPORTS; id++) {
		const struct vfw_port_opt *po = &vfw.opt.port[id];

		if ((po->has_ip4 || po->has_ip6) && port_index((uint16_t)id) < 0)
			dp_die(DP_EXIT_USAGE, "--port-ip: invalid value for port %d (not a port in use)", id);
		if (po->has_peer && port_index((uint16_t)id) < 0)
			dp_die(DP_EXIT_USAGE, "--eth-peer: invalid value for port %d (not a port in use)", id);
	}
	for (p = 0; p < dp_nb_ports; p++) {
		struct vfw_port *vp = &vfw.ports[p];
		const struct vfw_port_opt *po = &vfw.opt.port[dp_ports[p].port_id];
		int r = p == role_idx[0] ? 0 : p == role_idx[1] ? 1 : -1;

		memset(vp, 0, sizeof(*vp));
		vp->port_id = dp_ports[p].port_id;
		vp->mac = dp_ports[p].mac;
		vp->role = r == 0 ? VFW_ROLE_UNPROTECTED : r == 1 ? VFW_ROLE_PROTECTED : VFW_ROLE_NONE;
		if (po->has_ip4)
			set_v4(vp, po->ip4, po->plen4);
		else if (r >= 0)
			set_v4(vp, def4[r], 24);
		if (po->has_ip6)
			set_v6(vp, po->ip6, po->plen6);
		else if (r >= 0)
			set_v6(vp, def6[r], 64);
		if (po->has_peer) {
			vp->has_peer = true;
			vp->peer = po->peer;
		}
		if (vp->has_ip4) {
			vfw.v4_special[vfw.nb_v4_special++] = vp->ip4;
			vfw.v4_special[vfw.nb_v4_special++] = vp->bcast4;
		}
	}
	while (vfw.nb_v4_special % 4 != 0)
		vfw.v4_special[vfw.nb_v4_special++] = 0;	/* 0.0.0.0 never gets here */
	for (i = 0; i < (int)dp_nb_ports; i++) {
		for (p = 0; p < i; p++) {
			const struct vfw_port *a = &vfw.ports[i], *b = &vfw.ports[p];
			uint8_t plen;

			plen = RTE_MIN(a->plen4, b->plen4);
			if (a->has_ip4 && b->has_ip4 &&
			    vfw_prefix_contains(DP_FAM_V4, (const uint8_t *)&a->ip4, plen,
					(const uint8_t *)&b->ip4))
				dp_die(DP_EXIT_USAGE, "--port-ip: ports %u and %u have overlapping IPv4 subnets",
				       a->port_id, b->port_id);
			plen = RTE_MIN(a->plen6, b->plen6);
			if (a->has_ip6 && b->has_ip6 &&
			    vfw_prefix_contains(DP_FAM_V6, a->ip6, plen, b->ip6))
				dp_die(DP_EXIT_USAGE, "--port-ip: ports %u and %u have overlapping IPv6 subnets",
				       a->port_id, b->port_id);
		}
	}
}

/* Every route's next hop (nexthop.h): a port's --eth-peer, else the route's gateway. */
static void
bind_nexthops(void)
{
	struct rte_ether_addr src[RTE_MAX_ETHPORTS];
	const struct rte_ether_addr *peer[RTE_MAX_ETHPORTS];
	uint16_t p;

	vfw_nexthop_reset();
	for (p = 0; p < dp_nb_ports; p++) {
		src[p] = vfw.ports[p].mac;
		peer[p] = vfw.ports[p].has_peer ? &vfw.ports[p].peer : NULL;
	}
	if (vfw_nexthop_bind(&vfw_routes, src, peer) != 0)
		dp_die(DP_EXIT_USAGE, "--route: too many next hops");
}

void
vfw_setup_routes(void)
{
	unsigned int i;
	uint16_t p;

	memset(&vfw_routes, 0, sizeof(vfw_routes));
	for (p = 0; p < dp_nb_ports; p++) {
		const struct vfw_port *vp = &vfw.ports[p];

		if (vp->has_ip4)
			vfw_route_add(&vfw_routes, DP_FAM_V4, (const uint8_t *)&vp->ip4, vp->plen4, p, NULL);
		if (vp->has_ip6)
			vfw_route_add(&vfw_routes, DP_FAM_V6, vp->ip6, vp->plen6, p, NULL);
	}
	for (i = 0; i < vfw.opt.nb_routes; i++) {
		const struct vfw_static_route *r = &vfw.opt.routes[i];
		int out = -1;

		for (p = 0; p < dp_nb_ports && out < 0; p++) {
			const struct vfw_port *vp = &vfw.ports[p];

			if (r->family == DP_FAM_V4 && vp->has_ip4 &&
			    vfw_prefix_contains(DP_FAM_V4, (const uint8_t *)&vp->ip4, vp->plen4, r->gw))
				out = p;
			if (r->family == DP_FAM_V6 && vp->has_ip6 &&
			    vfw_prefix_contains(DP_FAM_V6, vp->ip6, vp->plen6, r->gw))
				out = p;
		}
		if (out < 0)
			dp_die(DP_EXIT_USAGE, "--route: invalid value '%s' (the gateway is in no "
			       "connected subnet)", r->text);
		if (vfw_route_add(&vfw_routes, r->family, r->prefix, r->plen, (uint16_t)out, r->gw) != 0)
			dp_die(DP_EXIT_USAGE, "--route: too many routes");
	}
	bind_nexthops();
}

/*
 * Both directions of a flow must reach the same worker (conntrack.h): the
 * ports have the symmetric RSS key (want.symmetric_rss) and worker i polls
 * rx queue q of every port where q % workers == i.
 */
void
vfw_setup_queues(void)
{
	char err[DP_ERR_LEN];
	int rc;

	rc = dp_workers_assign_flow_queues(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	if (dp_ports[0].nb_rxq < dp_nb_workers)
		printf("vfw: %u rx queue(s) per port for %u workers: %u worker(s) idle "
		       "(--rxq %u uses them all)\n", dp_ports[0].nb_rxq, dp_nb_workers,
		       dp_nb_workers - dp_ports[0].nb_rxq, dp_nb_workers);
}

void
vfw_setup_workers(void)
{
	uint32_t timeouts[CT_STATE_MAX];
	uint64_t base = rte_rdtsc();
	char err[DP_ERR_LEN];
	unsigned int i;
	int s;

	for (s = 0; s < CT_STATE_MAX; s++)
		timeouts[s] = ct_ms_to_ticks(vfw.opt.timeout_ms[s]);
	vfw.nb_workers = dp_nb_workers;
	vfw.workers = rte_zmalloc("vfw_workers", sizeof(*vfw.workers) * dp_nb_workers,
			RTE_CACHE_LINE_SIZE);
	if (vfw.workers == NULL)
		dp_die(DP_EXIT_FAIL, "cannot allocate the worker state");
	for (i = 0; i < dp_nb_workers; i++) {
		struct vfw_worker *w = &vfw.workers[i];
		const struct dp_worker *dw = &dp_workers[i];

		w->lcore = dw->lcore;
		w->index = i;
		w->pctr = dp_counters_lcore(vfw.pctrs, dw->lcore);
		w->stride = vfw.pctrs->stride;
		w->tick_base = base;
		w->tsc_per_tick = vfw.tsc_hz / CT_TICKS_PER_SEC;
		w->tick_mult = (uint64_t)(((__uint128_t)1 << 64) / w->tsc_per_tick);
		if (dw->nb_rxq == 0)
			continue;	/* idle worker: no table */
		if (vfw_fwd_init(w, dw->nb_rxq, vfw.cfg.burst, (int)rte_lcore_to_socket_id(dw->lcore)) != 0)
			dp_die(DP_EXIT_FAIL, "worker %u: cannot allocate its burst buffers", i);
		if (ct_table_init(&w->ct, vfw.opt.max_sessions, timeouts,
				dp_counters_lcore(vfw.sctrs, dw->lcore),
				dp_counters_lcore(vfw.gctrs, dw->lcore), 0,
				(int)rte_lcore_to_socket_id(dw->lcore), err, sizeof(err)) != 0)
			dp_die(DP_EXIT_FAIL, "worker %u: %s", i, err);
	}
}

void
vfw_free_workers(void)
{
	unsigned int i;

	for (i = 0; vfw.workers != NULL && i < vfw.nb_workers; i++) {
		ct_table_fini(&vfw.workers[i].ct);
		vfw_fwd_fini(&vfw.workers[i]);
	}
	rte_free(vfw.workers);
	vfw.workers = NULL;
}

void
vfw_print_summary(void)
{
	struct vfw_rules_info info;
	struct vfw_rule_stat *st = NULL;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	char source[DP_ERR_LEN];
	uint16_t p;

	for (p = 0; p < dp_nb_ports; p++) {
		const struct vfw_port *vp = &vfw.ports[p];

		rte_ether_format_addr(mac, sizeof(mac), &vp->mac);
		inet_ntop(AF_INET, &vp->ip4, a4, sizeof(a4));
		inet_ntop(AF_INET6, vp->ip6, a6, sizeof(a6));
		printf("vfw: port %u %s %s", vp->port_id,
		       vp->role == VFW_ROLE_UNPROTECTED ? "unprotected" :
		       vp->role == VFW_ROLE_PROTECTED ? "protected" : "(no role)", mac);
		if (vp->has_ip4)
			printf(" %s/%u", a4, vp->plen4);
		if (vp->has_ip6)
			printf(" %s/%u", a6, vp->plen6);
		if (vp->has_peer) {
			rte_ether_format_addr(mac, sizeof(mac), &vp->peer);
			printf(" peer %s", mac);
		}
		printf("\n");
	}
	if (vfw_rules_stats(&info, &st) == 0)
		printf("vfw: rules from %s: %u rule(s), %s\n",
		       dp_escape_str(source, sizeof(source), info.source), info.nb_rules,
		       st[info.nb_rules].text);
	free(st);
	printf("vfw: %u worker(s), %u session(s) per worker (%zu MiB each, %zu bytes per session)\n",
	       dp_nb_workers, vfw.opt.max_sessions, ct_table_memsize(vfw.opt.max_sessions) >> 20,
	       ct_table_memsize(vfw.opt.max_sessions) / vfw.opt.max_sessions);
	fflush(stdout);
}
