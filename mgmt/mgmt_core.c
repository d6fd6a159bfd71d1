/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routes every binary has: index, health, stats, ports, config, stats
 * reset, metrics. They call the binding's callbacks under the handler lock
 * (health excepted: it reads only what is immutable while the server runs),
 * and mgmt_create(): the server (mgmt_server.c) with these routes, then the
 * binary's own (the binding's route tables).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_time.h"
#include "mgmt_internal.h"

static int
get_index(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct mgmt_server *s = ctx;
	json_t *routes = json_array();
	unsigned int i;

	(void)req;
	for (i = 0; i < s->routes.nb; i++)
		json_array_append_new(routes, json_pack("{s:s,s:s}",
				"method", mgmt_method_name(s->routes.r[i].method),
				"path", s->routes.r[i].pattern));
	return mgmt_reply_json(rep, 200, json_pack("{s:s,s:o}", "program", s->b.program,
			"routes", routes));
}

/* The ports' links, each as {"port","name","link","speed_mbps"}. */
static json_t *
links_json(const struct mgmt_server *s)
{
	unsigned int i, n = mgmt_nb_ports(s);
	json_t *ports = json_array();

	for (i = 0; i < n; i++) {
		struct dp_port_desc d;
		struct dp_port_link link;

		s->b.view->port_desc(i, &d);
		s->b.view->port_link(i, &link);
		json_array_append_new(ports, json_pack("{s:i,s:s,s:s,s:I}",
				"port", d.port_id, "name", d.name,
				"link", link.up ? "up" : "down",
				"speed_mbps", (json_int_t)link.speed_mbps));
	}
	return ports;
}

static int
get_health(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct mgmt_server *s = ctx;
	bool stopping = mgmt_stopping(s);
	const char *platform = mgmt_platform_version(s);
	json_t *root;
	uint64_t now;

	(void)req;
	now = dp_mono_ns();
	root = json_pack("{s:s,s:s,s:s,s:i,s:f,s:i,s:o}",
			"status", stopping ? "stopping" : "ok",
			"program", s->b.program,
			"version", VFWCL_VERSION,
			"pid", (int)getpid(),
			"uptime_s", (double)(now - s->start_mono_ns) / 1e9,
			"workers", (int)mgmt_nb_workers(s),
			"ports", links_json(s));
	if (root != NULL && platform != NULL)
		json_object_set_new(root, "dpdk", json_string(platform));
	return mgmt_reply_json(rep, stopping ? 503 : 200, root);
}

static json_t *
stats_or_error(struct mgmt_server *s, struct mgmt_reply *rep)
{
	json_t *root = s->b.stats_json(s->b.ctx);

	if (root == NULL)
		mgmt_reply_error(rep, 500, "cannot build the stats");
	return root;
}

static int
get_stats(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *root = stats_or_error(ctx, rep);

	(void)req;
	return root != NULL ? mgmt_reply_json(rep, 200, root) : rep->status;
}

static int
get_ports(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *root = stats_or_error(ctx, rep), *ports;

	(void)req;
	if (root == NULL)
		return rep->status;
	ports = json_object_get(root, "ports");
	ports = ports != NULL ? json_incref(ports) : json_array();
	json_decref(root);
	return mgmt_reply_json(rep, 200, ports);
}

static int
get_port(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	const char *ids = mgmt_req_param(req, "id");
	json_t *root, *p;
	uint64_t id;
	size_t i;

	if (mgmt_parse_uint(ids, "port id", 0, UINT16_MAX, &id, rep) != 0)
		return rep->status;
	root = stats_or_error(ctx, rep);
	if (root == NULL)
		return rep->status;
	json_array_foreach(json_object_get(root, "ports"), i, p) {
		if (json_integer_value(json_object_get(p, "port")) == (json_int_t)id) {
			json_incref(p);
			json_decref(root);
			return mgmt_reply_json(rep, 200, p);
		}
	}
	json_decref(root);
	return mgmt_reply_error(rep, 404, "port %s is not in use", ids);
}

static int
get_config(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *root = mgmt_config_json(ctx);

	(void)req;
	if (root == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the configuration");
	return mgmt_reply_json(rep, 200, root);
}

static int
post_reset(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const no_keys[] = { NULL };
	struct mgmt_server *s = ctx;
	unsigned int i;

	/* an optional body: an empty object */
	if (req->body != NULL && (mgmt_body_object(req, rep) != 0 ||
				  mgmt_json_only_keys(req->body, no_keys, NULL, rep) != 0))
		return rep->status;
	for (i = 0; i < s->b.nb_counter_sets; i++)
		dp_counters_request_reset(s->b.counter_sets[i].ctrs);
	if (s->b.stats_reset != NULL)
		s->b.stats_reset(s->b.ctx);
	return mgmt_reply_json(rep, 200, json_pack("{s:s,s:s}", "status", "reset requested",
			"note", "every worker zeroes its counters at its next loop"));
}

static int
get_metrics(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	return mgmt_metrics_reply(ctx, rep);
}

static int
core_routes(struct mgmt_server *s)
{
	static const struct {
		unsigned int method;
		const char *pattern;
		unsigned int flags;
		mgmt_handler_fn fn;
	} core[] = {
		{ MGMT_M_GET, "/api/v1", 0, get_index },
		{ MGMT_M_GET, "/api/v1/health", MGMT_ROUTE_LOCKLESS, get_health },
		{ MGMT_M_GET, "/api/v1/stats", 0, get_stats },
		{ MGMT_M_GET, "/api/v1/ports", 0, get_ports },
		{ MGMT_M_GET, "/api/v1/ports/{id}", 0, get_port },
		{ MGMT_M_GET, "/api/v1/config", 0, get_config },
		{ MGMT_M_POST, "/api/v1/stats/reset", 0, post_reset },
		{ MGMT_M_GET, "/metrics", 0, get_metrics },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < DP_DIM(core); i++) {
		rc = mgmt_routes_add(&s->routes, core[i].method, core[i].pattern, core[i].flags,
				NULL, core[i].fn, s);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The binary's route tables (binding.route_tables); err names a route that fails. */
static int
binding_routes(struct mgmt_server *s, char *err, size_t errlen)
{
	const struct mgmt_route_table *t;
	unsigned int i, k;
	int rc;

	for (i = 0; i < s->b.nb_route_tables; i++) {
		t = &s->b.route_tables[i];
		for (k = 0; k < t->nb; k++) {
			rc = mgmt_route_def_add(s, &t->defs[k], t->ctx);
			if (rc != 0) {
				snprintf(err, errlen, "mgmt: cannot add the route %s %s of %s: %s",
					 t->defs[k].method, t->defs[k].pattern, s->b.program,
					 strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int
mgmt_create(struct mgmt_server **out, const struct mgmt_options *o,
		const struct mgmt_binding *b, const struct dp_config *cfg, char *err, size_t errlen)
{
	int rc = mgmt_server_new(out, o, b, cfg, err, errlen);

	if (rc != 0)
		return rc;
	rc = core_routes(*out);
	if (rc != 0)
		snprintf(err, errlen, "mgmt: %s", strerror(-rc));
	else
		rc = binding_routes(*out, err, errlen);
	if (rc != 0) {
		mgmt_server_free(*out);
		*out = NULL;
	}
	return rc;
}
