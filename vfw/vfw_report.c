/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw control side: the periodic stats lines and the stats JSON (final
 * --stats-file, later the REST stats). Reads counters, never writes them.
 *
 * JSON: "ports" (every per-port counter, plus role, MAC, addresses),
 * "totals", "rules" (per rule: line, text, action, packets, bytes; the
 * default policy last), "rule_set", "sessions" (gauges, events, per state,
 * timeouts, sizes), "neighbours".
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dp_clock.h"
#include "acl.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_telemetry.h"
#include "neigh.h"
#include "vfw.h"
#include "vfw_report.h"

const struct dp_counter_desc vfw_port_ctr_desc[VFW_CTR_MAX] = {
	VFW_PORT_COUNTERS(DP_CTR_DESC)
};

static struct dp_rate_state rate_state;	/* owned by the stats printer */

void
vfw_stats_start(void)
{
	dp_stats_rate_init(&rate_state);
}

void
vfw_stats_print(void *ctx)
{
	uint64_t v[VFW_CTR_MAX], g[CT_G_MAX], e[CT_CTR_MAX];
	uint16_t p;

	RTE_SET_USED(ctx);
	dp_stats_print_ports(stdout, vfw.pctrs, &rate_state);
	for (p = 0; p < dp_nb_ports; p++) {
		dp_counters_sum_slot(vfw.pctrs, p, v);
		printf("port %u: fwd %" PRIu64 " local %" PRIu64 " drop rule %" PRIu64 " state %" PRIu64
		       " malformed %" PRIu64 " table-full %" PRIu64 " no-route %" PRIu64 " other %" PRIu64
		       " tx-full %" PRIu64 "\n",
		       dp_ports[p].port_id, v[VFW_CTR_forwarded], v[VFW_CTR_local],
		       v[VFW_CTR_dropped_rule], v[VFW_CTR_dropped_state], v[VFW_CTR_malformed],
		       v[VFW_CTR_table_full], v[VFW_CTR_no_route], v[VFW_CTR_dropped_other],
		       v[VFW_CTR_tx_full]);
	}
	dp_counters_sum_slot(vfw.gctrs, 0, g);
	dp_counters_sum_slot(vfw.sctrs, 0, e);
	printf("sessions: active %" PRIu64 " created %" PRIu64 " expired %" PRIu64
	       " table-full %" PRIu64 " | tcp est %" PRIu64 " udp %" PRIu64 "/%" PRIu64
	       " icmp %" PRIu64 "/%" PRIu64 "\n",
	       g[CT_G_active], e[CT_CTR_created], e[CT_CTR_expired], e[CT_CTR_table_full],
	       g[CT_G_STATE_BASE + CT_TCP_ESTABLISHED], g[CT_G_STATE_BASE + CT_UDP_FIRST],
	       g[CT_G_STATE_BASE + CT_UDP_ESTABLISHED], g[CT_G_STATE_BASE + CT_ICMP_FIRST],
	       g[CT_G_STATE_BASE + CT_ICMP_REPLY]);
	fflush(stdout);
}

static const char *
role_name(uint8_t role)
{
	return role == VFW_ROLE_UNPROTECTED ? "unprotected" :
	       role == VFW_ROLE_PROTECTED ? "protected" : "none";
}

static json_t *
addr_json(uint8_t family, const void *a, int plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t n;

	inet_ntop(family == DP_FAM_V4 ? AF_INET : AF_INET6, a, buf, sizeof(buf) - 8);
	n = strlen(buf);
	if (plen >= 0)
		snprintf(buf + n, sizeof(buf) - n, "/%d", plen);
	return json_string(buf);
}

static json_t *
ports_json(void)
{
	json_t *ports = dp_stats_ports_json(vfw.pctrs);
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	size_t i;

	for (i = 0; ports != NULL && i < json_array_size(ports); i++) {
		json_t *jp = json_array_get(ports, i);
		const struct vfw_port *vp = &vfw.ports[i];

		json_object_set_new(jp, "role", json_string(role_name(vp->role)));
		rte_ether_format_addr(mac, sizeof(mac), &vp->mac);
		json_object_set_new(jp, "mac", json_string(mac));
		if (vp->has_ip4)
			json_object_set_new(jp, "ipv4", addr_json(DP_FAM_V4, &vp->ip4, vp->plen4));
		if (vp->has_ip6) {
			json_object_set_new(jp, "ipv6", addr_json(DP_FAM_V6, vp->ip6, vp->plen6));
			json_object_set_new(jp, "ipv6_link_local", addr_json(DP_FAM_V6, vp->ip6_ll, -1));
		}
		if (vp->has_peer) {
			rte_ether_format_addr(mac, sizeof(mac), &vp->peer);
			json_object_set_new(jp, "eth_peer", json_string(mac));
		}
	}
	return ports;
}

static json_t *
totals_json(void)
{
	uint64_t v[VFW_CTR_MAX], sum[VFW_CTR_MAX] = { 0 };
	json_t *tot = json_object();
	unsigned int k;
	uint16_t p;

	for (p = 0; p < dp_nb_ports; p++) {
		dp_counters_sum_slot(vfw.pctrs, p, v);
		for (k = 0; k < VFW_CTR_MAX; k++)
			sum[k] += v[k];
	}
	for (k = 0; k < VFW_CTR_MAX; k++)
		json_object_set_new(tot, vfw_port_ctr_desc[k].name, json_integer((json_int_t)sum[k]));
	return tot;
}

static void
rules_json(json_t *root)
{
	struct vfw_rules_info info;
	struct vfw_rule_stat *st;
	json_t *arr = json_array(), *set = json_object();
	uint32_t i;

	if (vfw_rules_stats(&info, &st) != 0) {
		json_object_set_new(root, "rules", arr);
		json_object_set_new(root, "rule_set", set);
		return;
	}
	for (i = 0; i <= info.nb_rules; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "index", json_integer(i));
		json_object_set_new(r, "line", json_integer(st[i].line));
		json_object_set_new(r, "rule", json_string(st[i].text));
		json_object_set_new(r, "action", json_string(st[i].action == VFW_ALLOW ? "allow" : "deny"));
		json_object_set_new(r, "default", json_boolean(st[i].is_default));
		json_object_set_new(r, "packets", json_integer((json_int_t)st[i].packets));
		json_object_set_new(r, "bytes", json_integer((json_int_t)st[i].bytes));
		json_array_append_new(arr, r);
	}
	json_object_set_new(set, "source", json_string(info.source));
	json_object_set_new(set, "generation", json_integer((json_int_t)info.generation));
	json_object_set_new(set, "loaded_ns", json_integer((json_int_t)info.loaded_ns));
	json_object_set_new(set, "nb_rules", json_integer(info.nb_rules));
	json_object_set_new(set, "ipv4_rules", json_integer(info.nb_v4));
	json_object_set_new(set, "ipv6_rules", json_integer(info.nb_v6));
	json_object_set_new(root, "rules", arr);
	json_object_set_new(root, "rule_set", set);
	free(st);
}

/* Each worker's table: its active sessions and how many per state (the gauges it writes). */
static json_t *
workers_sessions_json(void)
{
	json_t *arr = json_array();
	unsigned int w, k;

	for (w = 0; vfw.workers != NULL && w < vfw.nb_workers; w++) {
		const uint64_t *g = vfw.workers[w].ct.gauge;
		json_t *o, *states;

		if (g == NULL)
			continue;
		o = json_object();
		states = json_object();
		json_object_set_new(o, "worker", json_integer(w));
		json_object_set_new(o, "active",
				json_integer((json_int_t)__atomic_load_n(&g[CT_G_active], __ATOMIC_RELAXED)));
		for (k = 0; k < CT_STATE_MAX; k++)
			json_object_set_new(states, ct_state_names[k], json_integer((json_int_t)
					__atomic_load_n(&g[CT_G_STATE_BASE + k], __ATOMIC_RELAXED)));
		json_object_set_new(o, "states", states);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
sessions_json(void)
{
	uint64_t g[CT_G_MAX], e[CT_CTR_MAX];
	json_t *s = json_object(), *states = json_object(), *to = json_object();
	size_t mem = ct_table_memsize(vfw.opt.max_sessions);
	unsigned int k, tables = 0;

	for (k = 0; k < vfw.nb_workers; k++)
		tables += vfw.workers != NULL && vfw.workers[k].ct.sessions != NULL;
	dp_counters_sum_slot(vfw.gctrs, 0, g);
	dp_counters_sum_slot(vfw.sctrs, 0, e);
	json_object_set_new(s, "active", json_integer((json_int_t)g[CT_G_active]));
	for (k = 0; k < CT_CTR_MAX; k++)
		json_object_set_new(s, ct_ctr_desc[k].name, json_integer((json_int_t)e[k]));
	for (k = 0; k < CT_STATE_MAX; k++) {
		json_object_set_new(states, ct_state_names[k],
				json_integer((json_int_t)g[CT_G_STATE_BASE + k]));
		json_object_set_new(to, ct_state_names[k], vfw.opt.timeout_ms[k] % 1000 == 0 ?
				json_integer(vfw.opt.timeout_ms[k] / 1000) :
				json_real(vfw.opt.timeout_ms[k] / 1000.0));
	}
	json_object_set_new(s, "states", states);
	json_object_set_new(s, "timeouts", to);
	json_object_set_new(s, "max_per_worker", json_integer(vfw.opt.max_sessions));
	json_object_set_new(s, "tables", json_integer(tables));
	json_object_set_new(s, "max", json_integer((json_int_t)vfw.opt.max_sessions * tables));
	json_object_set_new(s, "memory_bytes", json_integer((json_int_t)(mem * tables)));
	json_object_set_new(s, "bytes_per_session", json_integer((json_int_t)(mem / vfw.opt.max_sessions)));
	json_object_set_new(s, "session_struct_bytes", json_integer(sizeof(struct ct_session)));
	json_object_set_new(s, "workers", workers_sessions_json());
	return s;
}

static json_t *
neighbours_json(void)
{
	struct vfw_neigh_entry *e = calloc(VFW_NEIGH_SLOTS, sizeof(*e));
	json_t *arr = json_array();
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int n, i;

	if (e == NULL)
		return arr;
	n = vfw_neigh_snapshot(e, VFW_NEIGH_SLOTS);
	for (i = 0; i < n; i++) {
		json_t *j = json_object();

		rte_ether_format_addr(mac, sizeof(mac), &e[i].mac);
		json_object_set_new(j, "port", json_integer(dp_ports[e[i].port].port_id));
		json_object_set_new(j, "ip", addr_json(e[i].family, e[i].ip, -1));
		json_object_set_new(j, "mac", json_string(mac));
		json_array_append_new(arr, j);
	}
	free(e);
	return arr;
}

static json_t *
neigh_counts_json(void)
{
	struct vfw_neigh_counts c;

	vfw_neigh_get_counts(&c);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "entries", (json_int_t)c.live,
			"slots", (json_int_t)VFW_NEIGH_SLOTS, "aged", (json_int_t)c.aged,
			"evicted", (json_int_t)c.evicted, "probes", (json_int_t)c.probes,
			"failed", (json_int_t)c.failed);
}

json_t *
vfw_stats_json(void *ctx)
{
	json_t *root = json_object();

	RTE_SET_USED(ctx);
	json_object_set_new(root, "program", json_string("vfw"));
	json_object_set_new(root, "clock", dp_clock_json());
	json_object_set_new(root, "ports", ports_json());
	json_object_set_new(root, "totals", totals_json());
	rules_json(root);
	json_object_set_new(root, "sessions", sessions_json());
	json_object_set_new(root, "neighbours", neighbours_json());
	json_object_set_new(root, "neighbour_learn_lost", json_integer((json_int_t)vfw_neigh_lost()));
	json_object_set_new(root, "neighbour_table", neigh_counts_json());
	return root;
}

/* Telemetry: sections of the stats JSON (dp_telemetry.h). */
static json_t *
tel_stats(const char *params)
{
	RTE_SET_USED(params);
	return dp_telemetry_ports_totals(vfw_stats_json(NULL));
}

static json_t *
tel_rules(const char *params)
{
	RTE_SET_USED(params);
	return dp_telemetry_section(vfw_stats_json(NULL), "rules");
}

static json_t *
tel_sessions(const char *params)
{
	RTE_SET_USED(params);
	return dp_telemetry_section(vfw_stats_json(NULL), "sessions");
}

static const struct dp_telemetry_cmd vfw_tel_cmds[] = {
	{ "/vfw/stats", tel_stats, "vfw per-port counters and totals (as the stats file)" },
	{ "/vfw/rules", tel_rules, "vfw rules with their hits, by index (default policy last)" },
	{ "/vfw/sessions", tel_sessions, "vfw sessions: totals, per state, per worker" },
};

int
vfw_telemetry_register(void)
{
	return dp_telemetry_register(vfw_tel_cmds, RTE_DIM(vfw_tel_cmds));
}
