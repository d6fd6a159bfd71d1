/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw: the stateful firewall of the vFWCL chain. Options, start-up (rule
 * set, ports and their roles and addresses, symmetric RSS, routes,
 * per-worker session tables), the main loop, clean stop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "acl.h"
#include "dp_clock.h"
#include "dp_escape.h"
#include "dp_lifecycle.h"
#include "dp_main.h"
#include "dp_telemetry.h"
#include "dp_mgmt.h"
#include "dp_net.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_worker.h"
#include "neigh.h"
#include "nexthop.h"
#include "vfw.h"
#include "vfw_mgmt.h"
#include "ves_ports.h"

struct vfw vfw;

/* --- options --- */

static int
parse_port_id(const char *s, uint16_t *id)
{
	uint64_t v;

	if (dp_parse_u64(s, 0, RTE_MAX_ETHPORTS - 1, &v) != 0)
		return -EINVAL;
	*id = (uint16_t)v;
	return 0;
}

/* "PORT,REST": the port id and a pointer to REST inside buf. */
static int
split_port(const char *value, char *buf, size_t len, uint16_t *id, char **rest)
{
	char *comma;

	if (value == NULL || strlen(value) >= len)
		return -EINVAL;
	strcpy(buf, value);
	comma = strchr(buf, ',');
	if (comma == NULL)
		return -EINVAL;
	*comma = '\0';
	*rest = comma + 1;
	return parse_port_id(buf, id);
}

/* "ADDR/LEN" (IPv4 or IPv6) into family, address, length; host bits allowed. */
static int
parse_addr_len(const char *s, uint8_t *family, uint8_t *addr, uint8_t *plen, bool need_len)
{
	struct dp_prefix p;

	/* the callers' message names the whole option value */
	if (s == NULL || dp_prefix_parse(s, need_len ? DP_PFX_NEED_LEN : 0, &p, NULL, 0) != 0)
		return -EINVAL;
	*family = p.family;
	memcpy(addr, p.addr, 16);
	*plen = p.len;
	return 0;
}

static int
set_rules(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;

	return dp_opt_path(o->rules_file, sizeof(o->rules_file), name, value, err, errlen);
}

static int
set_role_port(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	uint16_t id;

	if (parse_port_id(value, &id) != 0)
		return dp_opt_error(err, errlen, name, value, "a port id 0..%u", RTE_MAX_ETHPORTS - 1);
	if (name[0] == 'u')
		o->unprotected_port = id;
	else
		o->protected_port = id;
	return 0;
}

static int
set_port_ip(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	char buf[128], *rest;
	uint8_t fam, addr[16], plen;
	uint16_t id;

	if (split_port(value, buf, sizeof(buf), &id, &rest) != 0 ||
	    parse_addr_len(rest, &fam, addr, &plen, true) != 0)
		return dp_opt_error(err, errlen, name, value,
				"expected PORT,IPV4/LEN or PORT,IPV6/LEN, e.g. 0,192.168.10.100/24");
	if (plen == 0 || (fam == DP_FAM_V4 && plen > 30) || (fam == DP_FAM_V6 && plen > 126))
		return dp_opt_error(err, errlen, name, value, "the prefix leaves no room for neighbours");
	if (fam == DP_FAM_V4) {
		o->port[id].has_ip4 = true;
		memcpy(o->port[id].ip4, addr, 4);
		o->port[id].plen4 = plen;
	} else {
		o->port[id].has_ip6 = true;
		memcpy(o->port[id].ip6, addr, 16);
		o->port[id].plen6 = plen;
	}
	return 0;
}

static int
set_eth_peer(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	char buf[64], *rest;
	uint16_t id;

	if (split_port(value, buf, sizeof(buf), &id, &rest) != 0 ||
	    dp_parse_mac(rest, o->port[id].peer.addr_bytes) != 0)
		return dp_opt_error(err, errlen, name, value, "expected PORT,XX:XX:XX:XX:XX:XX");
	if (!rte_is_unicast_ether_addr(&o->port[id].peer))
		return dp_opt_error(err, errlen, name, value, "not a unicast MAC");
	o->port[id].has_peer = true;
	return 0;
}

static int
set_route(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	struct vfw_static_route *r;
	char buf[128], *comma;
	uint8_t gfam, gplen;

	if (o->nb_routes == VFW_MAX_STATIC_ROUTES)
		return dp_opt_error(err, errlen, name, value, "at most %u static routes",
				VFW_MAX_STATIC_ROUTES);
	r = &o->routes[o->nb_routes];
	if (value == NULL || strlen(value) >= sizeof(buf) || strlen(value) >= sizeof(r->text))
		return dp_opt_error(err, errlen, name, value, "expected PREFIX/LEN,GATEWAY");
	strcpy(buf, value);
	comma = strchr(buf, ',');
	if (comma == NULL)
		return dp_opt_error(err, errlen, name, value, "expected PREFIX/LEN,GATEWAY");
	*comma = '\0';
	if (parse_addr_len(buf, &r->family, r->prefix, &r->plen, true) != 0 ||
	    parse_addr_len(comma + 1, &gfam, r->gw, &gplen, false) != 0)
		return dp_opt_error(err, errlen, name, value,
				"expected PREFIX/LEN,GATEWAY, e.g. 0.0.0.0/0,192.168.10.1");
	if (gfam != r->family)
		return dp_opt_error(err, errlen, name, value, "prefix and gateway of different families");
	strcpy(r->text, value);
	o->nb_routes++;
	return 0;
}

static int
set_max_sessions(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, CT_MIN_SESSIONS, CT_MAX_SESSIONS, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "sessions per worker, %u..%u",
				CT_MIN_SESSIONS, CT_MAX_SESSIONS);
	o->max_sessions = (uint32_t)v;
	return 0;
}

static int
set_timeout_kv(struct vfw_options *o, const char *name, const char *state, const char *sec,
		const char *value, char *err, size_t errlen)
{
	int s = ct_state_find(state);
	double v;

	if (s < 0)
		return dp_opt_error(err, errlen, name, value,
				"unknown state '%s' (see --help for the names)", state);
	if (dp_parse_double(sec, 0.01, CT_TIMEOUT_MAX_SEC, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0.01..%u", CT_TIMEOUT_MAX_SEC);
	o->timeout_ms[s] = (uint32_t)(v * 1000.0 + 0.5);
	return 0;
}

static int
set_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	char buf[64], *eq;

	if (value == NULL || strlen(value) >= sizeof(buf) || strchr(value, '=') == NULL)
		return dp_opt_error(err, errlen, name, value, "expected STATE=SECONDS, e.g. udp_first=10");
	strcpy(buf, value);
	eq = strchr(buf, '=');
	*eq = '\0';
	return set_timeout_kv(ctx, name, buf, eq + 1, value, err, errlen);
}


static int
set_max_packets(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;

	if (dp_parse_u64(value, 1, UINT64_MAX, &o->max_packets) != 0)
		return dp_opt_error(err, errlen, name, value, "a positive integer");
	return 0;
}

static const struct dp_option vfw_options[] = {
	{ "rules", "FILE", "rule file, a regular file of at most 16 MiB (default: the built-in "
	  "policy, vfw/rules/example.rules)", set_rules },
	{ "unprotected-port", "PORT", "port id of the unprotected side (default: the first port)", set_role_port },
	{ "protected-port", "PORT", "port id of the protected side (default: the second port)", set_role_port },
	{ "port-ip", "PORT,ADDR/LEN", "address of a port, IPv4 or IPv6, repeatable (defaults below)", set_port_ip },
	{ "eth-peer", "PORT,MAC", "next-hop MAC for everything sent out of PORT (no ARP/ND there)", set_eth_peer },
	{ "route", "PREFIX/LEN,GW", "static route via GW (in a connected subnet), repeatable", set_route },
	{ "max-sessions", "N", "session table size per worker (default 1048576)", set_max_sessions },
	{ "timeout", "STATE=SEC", "idle timeout of a session state (seconds, 10 ms steps), repeatable", set_timeout },
	{ "no-verify-cksum", NULL, "do not verify TCP/UDP/ICMP checksums in software",
	  DP_OPT_BOOL(struct vfw_options, verify_cksum, false) },
	{ "max-packets", "N", "stop after N packets received on all ports", set_max_packets },
};

/* --config keys that take several values: arrays of strings, or an object. */
static int
config_key(void *ctx, const char *key, json_t *value, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		const char *opt;
		dp_opt_set_fn fn;
	} lists[] = {
		{ "port-ips", "port-ip", set_port_ip },
		{ "eth-peers", "eth-peer", set_eth_peer },
		{ "routes", "route", set_route },
	};
	const char *k;
	json_t *v;
	size_t i, j;
	int rc;

	for (i = 0; i < RTE_DIM(lists); i++) {
		if (strcmp(key, lists[i].key) != 0)
			continue;
		if (!json_is_array(value)) {
			snprintf(err, errlen, "key '%s' must be an array of strings", key);
			return -EINVAL;
		}
		json_array_foreach(value, j, v) {
			if (!json_is_string(v)) {
				snprintf(err, errlen, "key '%s' must be an array of strings", key);
				return -EINVAL;
			}
			rc = lists[i].fn(ctx, lists[i].opt, json_string_value(v), err, errlen);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	if (strcmp(key, "timeouts") == 0) {
		if (!json_is_object(value)) {
			snprintf(err, errlen, "key 'timeouts' must be an object {\"STATE\": SECONDS}");
			return -EINVAL;
		}
		json_object_foreach(value, k, v) {
			char sec[32];

			if (!json_is_number(v)) {
				snprintf(err, errlen, "timeouts: '%s' must be a number of seconds", k);
				return -EINVAL;
			}
			snprintf(sec, sizeof(sec), "%.17g", json_number_value(v));
			rc = set_timeout_kv(ctx, "timeout", k, sec, sec, err, errlen);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	return -ENOENT;
}

static char usage_extra[4096];

static const char *
build_usage(void)
{
	size_t o = 0;
	int s;

	o += (size_t)snprintf(usage_extra + o, sizeof(usage_extra) - o,
		"Ports: the unprotected port (default the first) has 192.168.10.100/24 and\n"
		"2001:db8:10::100/64, the protected one 192.168.20.100/24 and 2001:db8:20::100/64\n"
		"unless --port-ip says otherwise. vfw answers ARP, neighbour solicitations and\n"
		"ping for them and forwards between the ports: connected subnets plus --route.\n"
		"Next hops are resolved by ARP/ND unless --eth-peer gives the MAC.\n"
		"Rules: see vfw/README.md; SIGHUP reloads --rules live (a bad file keeps the\n"
		"current set; a SIGHUP during start-up reloads once the first set is live).\n"
		"A rule file is a regular file of at most 16 MiB. Without --rules the built-in\n"
		"policy: protected side out, replies back, inbound only UDP 8080 and ping.\n"
		"Session timeouts (--timeout STATE=SEC):\n");
	for (s = 0; s < CT_STATE_MAX; s++)
		o += (size_t)snprintf(usage_extra + o, sizeof(usage_extra) - o,
				"  %-18s %6u s  %s\n", ct_state_names[s], ct_default_timeout_sec[s],
				ct_state_help[s]);
	snprintf(usage_extra + o, sizeof(usage_extra) - o,
		"--config JSON: the option names, plus \"port-ips\", \"eth-peers\", \"routes\"\n"
		"(arrays of strings) and \"timeouts\" ({\"udp_first\": 10}).\n"
		"Exit status: 0 clean stop, 1 run time failure, 2 bad options or rules.\n");
	return usage_extra;
}

static struct dp_app vfw_app = {
	.name = "vfw",
	.summary = "stateful firewall: rules (rte_acl), connection tracking, forwarding between ports",
	.options = vfw_options,
	.nb_options = RTE_DIM(vfw_options),
	.ctx = &vfw.opt,
	.config_key = config_key,
};

/* --- start-up --- */

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

static void
setup_ports(void)
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

static void
setup_routes(void)
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
 * Both directions of a flow must reach the same worker (conntrack.h):
 * with several rx queues, program one symmetric RSS key on every port.
 */
static void
setup_symmetric_rss(void)
{
	uint16_t p;

	for (p = 0; p < dp_nb_ports; p++) {
		struct rte_eth_rss_conf conf;
		struct rte_eth_dev_info info;
		uint8_t key[256];
		unsigned int i;
		int rc;

		if (dp_ports[p].nb_rxq <= 1)
			continue;
		if (dp_ports[p].nb_rxq != dp_ports[0].nb_rxq)
			dp_die(DP_EXIT_USAGE, "--rxq: every port needs the same number of rx queues");
		rc = rte_eth_dev_info_get(dp_ports[p].port_id, &info);
		memset(&conf, 0, sizeof(conf));
		conf.rss_key = key;
		conf.rss_key_len = info.hash_key_size != 0 ?
			info.hash_key_size : 40;
		if (rc == 0)
			rc = rte_eth_dev_rss_hash_conf_get(dp_ports[p].port_id, &conf);
		for (i = 0; i < conf.rss_key_len; i++)
			key[i] = (i & 1) ? 0x5a : 0x6d;
		if (rc == 0)
			rc = rte_eth_dev_rss_hash_update(dp_ports[p].port_id, &conf);
		if (rc == 0)
			continue;
		if (strcmp(dp_ports[p].driver, "net_af_packet") == 0) {
			printf("port %u (%s): the kernel's fanout hash spreads flows symmetrically\n",
			       dp_ports[p].port_id, dp_ports[p].name);
			continue;
		}
		dp_die(DP_EXIT_USAGE, "--rxq: invalid value '%u' (port %u (%s) cannot be given a "
		       "symmetric RSS key: %s; per-worker session tables need both directions of a "
		       "flow on one worker; use --rxq 1)", dp_ports[p].nb_rxq, dp_ports[p].port_id,
		       dp_ports[p].driver, strerror(-rc));
	}
}

/* Worker i polls rx queue q of every port where q % workers == i. */
static void
assign_queues(void)
{
	unsigned int i;
	uint16_t p, q;

	dp_workers_assign_queues();
	for (i = 0; i < dp_nb_workers; i++)
		dp_workers[i].nb_rxq = 0;
	for (p = 0; p < dp_nb_ports; p++) {
		for (q = 0; q < dp_ports[p].nb_rxq; q++) {
			struct dp_worker *w = &dp_workers[q % dp_nb_workers];

			if (w->nb_rxq < DP_MAX_WORKER_QUEUES)
				w->rxq[w->nb_rxq++] = (struct dp_queue_ref){ p, q };
		}
	}
	for (i = 0; i < dp_nb_workers; i++) {
		if (dp_workers[i].nb_txq != dp_nb_ports)
			dp_die(DP_EXIT_USAGE, "--txq: every worker needs its own tx queue on every "
			       "port (%u workers)", dp_nb_workers);
	}
	if (dp_ports[0].nb_rxq < dp_nb_workers)
		printf("vfw: %u rx queue(s) per port for %u workers: %u worker(s) idle "
		       "(--rxq %u uses them all)\n", dp_ports[0].nb_rxq, dp_nb_workers,
		       dp_nb_workers - dp_ports[0].nb_rxq, dp_nb_workers);
}

static void
setup_workers(void)
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

static void
free_all(void *ctx)
{
	unsigned int i;

	RTE_SET_USED(ctx);
	vfw_ctl_stop();
	for (i = 0; vfw.workers != NULL && i < vfw.nb_workers; i++) {
		ct_table_fini(&vfw.workers[i].ct);
		vfw_fwd_fini(&vfw.workers[i]);
	}
	rte_free(vfw.workers);
	vfw.workers = NULL;
	vfw_rules_fini();
	vfw_neigh_fini();
}

static void
vfw_tick(void *ctx)
{
	RTE_SET_USED(ctx);
	if (vfw.opt.max_packets != 0 && dp_stats_ports_sum(vfw.pctrs, DP_PORT_CTR_rx_packets) >= vfw.opt.max_packets)
		atomic_store(&dp_quit, true);
}

static void
on_sighup(int sig)
{
	RTE_SET_USED(sig);
	atomic_store(&vfw.reload_req, true);
}

/*
 * First thing in main: until a handler is installed, SIGHUP's default
 * action ends the process, and EAL initialisation alone takes a good part
 * of a second. The request waits in reload_req; the control thread, started
 * once the first rule set is live, carries it out and logs it.
 */
static void
install_sighup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sighup;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}

/* The rules of --rules (or the built-in set); also restart's re-read (dp_lifecycle.h). */
static int
replace_rules(void *ctx, char *err, size_t errlen)
{
	RTE_SET_USED(ctx);
	if (vfw.opt.rules_file[0] != '\0')
		return vfw_rules_replace_from_file(vfw.opt.rules_file, err, errlen);
	return vfw_rules_replace_from_text(vfw_rules_builtin, "<built-in>", err, errlen);
}

static void
load_rules(void)
{
	char err[DP_ERR_LEN];
	int rc = replace_rules(NULL, err, sizeof(err));

	/* whatever is wrong with the file (missing, not regular, too large, bad rules) is the user's */
	if (rc == -ENOMEM)
		dp_die(DP_EXIT_FAIL, "rules: %s", err);
	if (rc != 0)
		dp_die(DP_EXIT_USAGE, "--rules: %s", err);
}

static void
print_summary(void)
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

/*
 * net_af_xdp without --xdp-steer: on port idx, vfw's own IPv4 address (and
 * the ARP for it) and what it routes out of its other ports (connected
 * subnets and --route prefixes). The kernel keeps the rest, its own
 * addresses on the same interface included. IPv6 stays with the kernel: the
 * program has no IPv6 rules yet.
 */
static void
vfw_xdp_traffic(void *ctx, uint16_t idx, struct dp_xdp_traffic *t)
{
	const struct vfw_port *vp = &vfw.ports[idx];
	uint32_t i;

	RTE_SET_USED(ctx);
	if (vp->has_ip4)
		dp_xdp_traffic_add_dst(t, rte_be_to_cpu_32(vp->ip4), 32);
	for (i = 0; i < vfw_routes.nb[0]; i++) {
		const struct vfw_route *r = &vfw_routes.r[0][i];
		uint32_t prefix;

		if (r->port == idx)
			continue;
		memcpy(&prefix, r->prefix, sizeof(prefix));
		dp_xdp_traffic_add_dst(t, rte_be_to_cpu_32(prefix), r->plen);
	}
}

int
main(int argc, char **argv)
{
	struct dp_port_want want = {
		.nb_rxq = 1,
		.nb_txq = 1,
		.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_RX_OFFLOAD_TCP_CKSUM,
	};
	struct dp_main_hooks hooks = {
		.stats_print = vfw_stats_print,
		.stats_json = ves_ports_stats_json,
		.tick = vfw_tick,
		.cleanup = free_all,
		.xdp_traffic = vfw_xdp_traffic,
	};
	char err[DP_ERR_LEN];
	int rc, wrc, s;

	install_sighup();
	vfw.opt.max_sessions = CT_DEFAULT_MAX_SESSIONS;
	vfw.opt.verify_cksum = true;
	vfw.opt.unprotected_port = -1;
	vfw.opt.protected_port = -1;
	for (s = 0; s < CT_STATE_MAX; s++)
		vfw.opt.timeout_ms[s] = ct_default_timeout_sec[s] * 1000u;
	vfw_app.usage_extra = build_usage();
	if (vfw_mgmt_register_options(&vfw_app) != 0 || ves_ports_register(&vfw_app) != 0)
		dp_die(DP_EXIT_FAIL, "too many option groups");
	ves_ports_set_stats_json(vfw_stats_json);
	dp_main_init(&vfw_app, &vfw.cfg, argc, argv);
	rc = ves_ports_check(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	vfw.tsc_hz = dp_clock_tsc_hz();

	rc = dp_workers_select(&vfw.cfg, err, sizeof(err));
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	vfw.pctrs = dp_counters_create(vfw_port_ctr_desc, VFW_CTR_MAX, RTE_MAX_ETHPORTS);
	vfw.sctrs = dp_counters_create(ct_ctr_desc, CT_CTR_MAX, 1);
	vfw.gctrs = dp_counters_create(ct_gauge_desc, CT_G_MAX, 1);
	if (vfw.pctrs == NULL || vfw.sctrs == NULL || vfw.gctrs == NULL)
		dp_die(DP_EXIT_FAIL, "cannot allocate counters");
	if (vfw_rules_init(dp_nb_workers, err, sizeof(err)) != 0 ||
	    vfw_neigh_init(err, sizeof(err)) != 0)
		dp_die(DP_EXIT_FAIL, "%s", err);
	load_rules();
	rc = dp_lifecycle_init(&(struct dp_lifecycle_hooks){ .port_ctrs = vfw.pctrs,
			.restart_rereads = "--rules", .reload = replace_rules });
	if (rc != 0)
		dp_fail(rc, "lifecycle: %s", strerror(-rc));

	want.extra_mbufs = dp_nb_workers * (VFW_TXBUF * 4u + 256u);
	rc = dp_ports_init(&vfw.cfg, &want, dp_nb_workers, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	rc = vfw_mgmt_create(hooks.stats_json, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", rc == -EINVAL ? err : strerror(-rc));
	dp_ports_show();
	setup_ports();
	setup_routes();
	setup_symmetric_rss();
	assign_queues();
	setup_workers();
	print_summary();

	if (vfw_ctl_start() != 0)
		dp_die(DP_EXIT_FAIL, "cannot start the control thread");

	rc = vfw_mgmt_start(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	vfw_stats_start();
	/* the agent's baseline is taken before the first packet: deltas add up to the totals */
	rc = ves_ports_start(dp_mgmt_view(), vfw.pctrs, "vfw", err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	dp_capture_init();	/* says why not when unavailable, not fatal */
	vfw_telemetry_register();	/* a refused command is logged, not fatal */
	wrc = dp_main_run(&vfw.cfg, &hooks, vfw_worker_main);
	dp_lifecycle_stop();
	vfw_ctl_stop();
	ves_ports_stop();	/* the last partial interval, after the workers stopped */
	vfw_mgmt_stop();	/* REST off before the ports are closed */
	if (vfw.cfg.stats_period > 0)
		vfw_stats_print(NULL);
	dp_telemetry_close();	/* before the state its commands read is freed */
	rc = dp_main_finish(&vfw.cfg, &hooks, wrc);
	ves_ports_free();
	dp_counters_free(vfw.pctrs);
	dp_counters_free(vfw.sctrs);
	dp_counters_free(vfw.gctrs);
	return rc;
}
