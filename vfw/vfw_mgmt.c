/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "dp_mgmt.h"
#include "mgmt.h"
#include "sess_ctl.h"
#include "ves_ports.h"
#include "vfw.h"
#include "dp_lifecycle.h"
#include "vfw_mgmt.h"

static struct mgmt_options mopt;	/* written: option setters; then immutable */
static struct mgmt_server *srv;		/* written: main; read: main */

static const char *const action_names[] = { "deny", "allow" };

json_t *
vfw_mgmt_rules_json(void)
{
	struct vfw_rules_info info;
	struct vfw_rule_stat *st = NULL;
	json_t *rules, *root;
	uint32_t i;

	if (vfw_rules_stats(&info, &st) != 0)
		return json_null();
	rules = json_array();
	for (i = 0; i <= info.nb_rules; i++) {
		json_array_append_new(rules, json_pack("{s:i,s:b,s:s,s:s,s:I,s:I}",
				"line", (int)st[i].line, "default", st[i].is_default,
				"action", st[i].action < 2 ? action_names[st[i].action] : "?",
				"text", st[i].text, "packets", (json_int_t)st[i].packets,
				"bytes", (json_int_t)st[i].bytes));
	}
	free(st);
	root = json_pack("{s:s,s:I,s:i,s:o}", "source", info.source,
			"generation", (json_int_t)info.generation, "nb_rules", (int)info.nb_rules,
			"rules", rules);
	return root;
}

static int
get_rules(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *j = vfw_mgmt_rules_json();

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (j == NULL || json_is_null(j)) {
		json_decref(j);
		return mgmt_reply_error(rep, 500, "the rule set cannot be read");
	}
	return mgmt_reply_json(rep, 200, j);
}

static int
put_rules(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "rules", NULL };
	const char *text;
	char err[512];
	int rc;

	RTE_SET_USED(ctx);
	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, "body", rep) != 0 ||
	    /* as long as --mgmt-max-body lets it be (the body holds it) */
	    mgmt_json_string(req->body, "rules", true, SIZE_MAX, &text, rep) != 0)
		return rep->status;
	rc = vfw_rules_replace_from_text(text, "<api>", err, sizeof(err));
	if (rc == -EINVAL)
		return mgmt_reply_error(rep, 400, "rules refused, the current set stays: %s", err);
	if (rc != 0)
		return mgmt_reply_error(rep, 500, "rules not replaced, the current set stays: %s", err);
	return mgmt_reply_json(rep, 200, vfw_mgmt_rules_json());
}

/* --- sessions: GET (paged, filtered) and DELETE (flush) /api/v1/sessions --- */

#define SESS_LIST_DEFAULT 100

static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {
	{ "icmp", IPPROTO_ICMP }, { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmpv6", IPPROTO_ICMPV6 },
};

static int
parse_addr_filter(const char *v, struct vfw_sess_filter *f, struct mgmt_reply *rep)
{
	struct dp_prefix p;
	char why[200];

	/* host bits are allowed: "the sessions of 10.1.2.3/24" */
	if (dp_prefix_parse(v, 0, &p, why, sizeof(why)) != 0)
		return mgmt_reply_error(rep, 400, "query 'addr': %s", why);
	f->family = p.family;
	f->plen = p.len;
	memcpy(f->addr, p.addr, sizeof(f->addr));
	return 0;
}

/* The filter from the query (addr, proto, port, state); a 400 naming the bad one. */
static int
parse_filter(const struct mgmt_request *req, struct vfw_sess_filter *f, struct mgmt_reply *rep)
{
	const char *v;
	uint64_t u;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->state = -1;
	v = mgmt_req_query(req, "addr");
	if (v != NULL && parse_addr_filter(v, f, rep) != 0)
		return rep->status;
	v = mgmt_req_query(req, "proto");
	if (v != NULL) {
		for (i = 0; i < RTE_DIM(proto_names); i++)
			if (strcmp(v, proto_names[i].name) == 0)
				f->proto = proto_names[i].proto;
		if (f->proto == 0) {
			if (v[0] < '0' || v[0] > '9')
				return mgmt_reply_error(rep, 400, "query 'proto': '%.64s' is not "
						"tcp, udp, icmp, icmpv6 or a number 1..255", v);
			if (mgmt_parse_uint(v, "query 'proto'", 1, 255, &u, rep) != 0)
				return rep->status;
			f->proto = (uint8_t)u;
		}
	}
	v = mgmt_req_query(req, "port");
	if (v != NULL) {
		if (mgmt_parse_uint(v, "query 'port'", 0, 65535, &u, rep) != 0)
			return rep->status;
		f->has_port = true;
		f->port = (uint16_t)u;
	}
	v = mgmt_req_query(req, "state");
	if (v != NULL) {
		f->state = ct_state_find(v);
		if (f->state < 0)
			return mgmt_reply_error(rep, 400, "query 'state': '%.64s' is not a session "
					"state (see GET /api/v1/stats, sessions.states)", v);
	}
	return 0;
}

static const char *
proto_name(uint8_t proto, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(proto_names); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

static json_t *
endpoint_json(const struct ct_key *k, unsigned int e)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(k->family == DP_FAM_V4 ? AF_INET : AF_INET6, k->addr[e], ip, sizeof(ip));
	return json_pack("{s:s,s:i}", "addr", ip, "port", (int)rte_be_to_cpu_16(k->port[e]));
}

static json_t *
session_json(const struct vfw_sess_info *si)
{
	unsigned int orig = si->orig_hi ? 1 : 0;
	char pbuf[8];

	return json_pack("{s:i,s:s,s:s,s:s,s:o,s:o,s:I,s:I}",
			"worker", (int)si->worker,
			"family", si->key.family == DP_FAM_V4 ? "ipv4" : "ipv6",
			"proto", proto_name(si->key.proto, pbuf, sizeof(pbuf)),
			"state", ct_state_names[si->state],
			"orig", endpoint_json(&si->key, orig),
			"reply", endpoint_json(&si->key, 1 - orig),
			"idle_ms", (json_int_t)si->idle_ticks * (1000 / CT_TICKS_PER_SEC),
			"timeout_ms", (json_int_t)si->timeout_ticks * (1000 / CT_TICKS_PER_SEC));
}

static int
sess_error(struct mgmt_reply *rep, int64_t rc)
{
	if (rc == -ETIMEDOUT || rc == -ESHUTDOWN)
		return mgmt_reply_error(rep, 503, "the workers are not running (%s)",
				rc == -ETIMEDOUT ? "no answer in 1 s" : "stopping");
	return mgmt_reply_error(rep, 500, "session request failed: %s", strerror((int)-rc));
}

static int
get_sessions(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct vfw_sess_filter f;
	struct vfw_sess_info *out;
	uint64_t limit = SESS_LIST_DEFAULT, cursor = 0;
	json_t *list, *root;
	const char *v;
	int i, n;

	RTE_SET_USED(ctx);
	if (parse_filter(req, &f, rep) != 0)
		return rep->status;
	v = mgmt_req_query(req, "limit");
	if (v != NULL && mgmt_parse_uint(v, "query 'limit'", 1, VFW_SESS_LIST_MAX, &limit, rep) != 0)
		return rep->status;
	v = mgmt_req_query(req, "cursor");
	if (v != NULL && mgmt_parse_uint(v, "query 'cursor' (a next_cursor of this listing)", 0,
			vfw_sess_cursor_end(), &cursor, rep) != 0)
		return rep->status;
	out = calloc(limit, sizeof(*out));
	if (out == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	n = vfw_sess_list(&f, &cursor, out, (uint32_t)limit);
	if (n < 0) {
		free(out);
		return sess_error(rep, n);
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, session_json(&out[i]));
	free(out);
	root = json_pack("{s:i,s:o,s:o}", "count", n, "sessions", list, "next_cursor",
			cursor == UINT64_MAX ? json_null() : json_integer((json_int_t)cursor));
	return mgmt_reply_json(rep, 200, root);
}

static int
delete_sessions(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct vfw_sess_filter f;
	int64_t n;

	RTE_SET_USED(ctx);
	if (parse_filter(req, &f, rep) != 0)
		return rep->status;
	n = vfw_sess_flush(&f);
	if (n < 0)
		return sess_error(rep, n);
	return mgmt_reply_json(rep, 200, json_pack("{s:I}", "flushed", (json_int_t)n));
}

int
vfw_mgmt_register_options(struct dp_app *app)
{
	mgmt_options_init(&mopt);
	return mgmt_options_register(app, &mopt);
}

/* vfw's own /metrics families: the telemetry exports' counters. */
static void
metrics(void *ctx, struct mgmt_prom *p)
{
	(void)ctx;
	ves_ports_metrics(p, "vfwcl_vfw_");
}

int
vfw_mgmt_create(json_t *(*stats_json)(void *ctx), char *err, size_t errlen)
{
	static const char *const list_query[] = { "addr", "proto", "port", "state", "limit",
						  "cursor", NULL };
	static const char *const flush_query[] = { "addr", "proto", "port", "state", NULL };
	static const struct mgmt_route_def routes[] = {
		{ "GET", "/api/v1/rules", get_rules },
		{ "PUT", "/api/v1/rules", put_rules },
		{ "GET", "/api/v1/sessions", get_sessions, list_query },
		{ "DELETE", "/api/v1/sessions", delete_sessions, flush_query },
	};
	struct mgmt_binding b = {
		.program = "vfw",
		.metric_prefix = "vfwcl_vfw_",
		.stats_json = stats_json,
		.view = dp_mgmt_view(),
		.counter_sets = {
			{ .ctrs = vfw.pctrs, .prefix = "vfwcl_vfw_", .label = "port" },
			{ .ctrs = vfw.sctrs, .prefix = "vfwcl_vfw_sessions_", .label = "table",
			  .nb_slots = 1 },
		},
		.nb_counter_sets = 2,
		.metrics = metrics,
		.route_tables = { { routes, RTE_DIM(routes), NULL }, dp_lifecycle_routes() },
		.nb_route_tables = 2,
	};

	return mgmt_create(&srv, &mopt, &b, &vfw.cfg, err, errlen);
}

int
vfw_mgmt_start(char *err, size_t errlen)
{
	return mgmt_start(srv, err, errlen);
}

void
vfw_mgmt_stop(void)
{
	mgmt_stop(srv);
	srv = NULL;
}
