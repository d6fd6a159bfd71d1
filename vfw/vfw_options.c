/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's command line and --config keys (vfw_options.h): the option table,
 * one setter per option (each checks its value and names it when bad), the
 * --help text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_common.h>

#include "dp_net.h"
#include "neigh.h"
#include "vfw_options.h"

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

static int
set_neigh_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vfw_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 1, VFW_NEIGH_TIMEOUT_MAX_SEC, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 1..%u", VFW_NEIGH_TIMEOUT_MAX_SEC);
	o->neigh_timeout_sec = (uint32_t)v;
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
	{ "neigh-timeout", "SEC", "a learned neighbour (ARP/ND) that no packet used and no reply "
	  "refreshed for SEC seconds is forgotten; one in use that nothing confirmed for SEC/2 "
	  "gets 3 unicast probes a second apart, then is forgotten unanswered (default 300)",
	  set_neigh_timeout },
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

static char usage_extra[4096];	/* written once by build_usage */

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

/* ctx and usage_extra set by vfw_options_app (main, before the options are parsed). */
static struct dp_app vfw_app = {
	.name = "vfw",
	.summary = "stateful firewall: rules (rte_acl), connection tracking, forwarding between ports",
	.options = vfw_options,
	.nb_options = RTE_DIM(vfw_options),
	.config_key = config_key,
};

struct dp_app *
vfw_options_app(struct vfw_options *o)
{
	int s;

	memset(o, 0, sizeof(*o));
	o->max_sessions = CT_DEFAULT_MAX_SESSIONS;
	o->verify_cksum = true;
	o->neigh_timeout_sec = VFW_NEIGH_TIMEOUT_SEC;
	o->unprotected_port = -1;
	o->protected_port = -1;
	for (s = 0; s < CT_STATE_MAX; s++)
		o->timeout_ms[s] = ct_default_timeout_sec[s] * 1000u;
	vfw_app.ctx = o;
	vfw_app.usage_extra = build_usage();
	return &vfw_app;
}
