/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk on the management plane: the binding given to mgmt/ and vsnk's own
 * routes (see vsnk_mgmt.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "dashboard.h"
#include "dp_main.h"
#include "dp_mgmt.h"
#include "dp_worker.h"
#include "mgmt.h"
#include "stream_view.h"
#include "ves_ports.h"
#include "vsnk.h"
#include "dp_lifecycle.h"
#include "vsnk_mgmt.h"

#define VSNK_METRIC_PREFIX "vfwcl_vsnk_"
#define HTML_TYPE "text/html; charset=utf-8"

/* The page, embedded at build time from dashboard.html (mgmt/embed.py). */
extern const unsigned char vsnk_dashboard_html[];
extern const size_t vsnk_dashboard_html_len;

/* Owned by the main lcore; the server pointer is immutable while it runs. */
static struct mgmt_options mgmt_opt;
static struct dashboard_options dash_opt;
static struct mgmt_server *server;

int
vsnk_mgmt_register_options(struct dp_app *app)
{
	int rc;

	mgmt_options_init(&mgmt_opt);
	dashboard_options_init(&dash_opt);
	rc = mgmt_options_register(app, &mgmt_opt);
	if (rc == 0)
		rc = dashboard_options_register(app, &dash_opt);
	return rc;
}

/* ------------------------------------------------------------ binding */

/* ctx is the hooks' context: not used by the callbacks below */
static json_t *
config_json(void *ctx)
{
	json_t *o = json_object(), *d = dashboard_settings_json();
	/* restart may change it (vsnk_reload.c) */
	uint64_t max_packets = __atomic_load_n(&vsnk.opt.max_packets, __ATOMIC_RELAXED);

	RTE_SET_USED(ctx);
	json_object_set_new(o, "max-streams", json_integer(vsnk.opt.max_streams));
	if (max_packets != 0)
		json_object_set_new(o, "max-packets", json_integer((json_int_t)max_packets));
	json_object_set_new(o, "no-verify-cksum",
			json_boolean(!__atomic_load_n(&vsnk.opt.verify_cksum, __ATOMIC_RELAXED)));
	json_object_set_new(o, "dashboard-interval", json_real(d != NULL ?
			json_real_value(json_object_get(d, "interval_s")) : dash_opt.interval_s));
	json_object_set_new(o, "dashboard-history", json_integer(d != NULL ?
			json_integer_value(json_object_get(d, "history")) : dash_opt.history));
	json_decref(d);
	return o;
}

/* The stream tables: each worker zeroes its own at its next loop. */
static void
stats_reset(void *ctx)
{
	unsigned int w;

	RTE_SET_USED(ctx);
	for (w = 0; w < vsnk.nb_workers; w++)
		atomic_store_explicit(&vsnk.workers[w].reset_req, 1, memory_order_release);
}

/* What /metrics shows of one stream. */
struct stream_metrics {
	uint32_t id;
	uint64_t received, bytes, lost, duplicates, reordered, restarts;
	uint64_t p50, p99, p999, lat_sum, lat_count;
};

static void
stream_family_u64(struct mgmt_prom *p, const char *name, const char *type, const char *help,
		const struct stream_metrics *m, unsigned int n, size_t off)
{
	char id[16];
	unsigned int i;

	mgmt_prom_family(p, name, type, help);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%u", m[i].id);
		mgmt_prom_u64(p, name, *(const uint64_t *)(const void *)
				((const char *)&m[i] + off), "stream", id, NULL);
	}
}

static void
latency_summary(struct mgmt_prom *p, const struct stream_metrics *m, unsigned int n)
{
	const char *name = VSNK_METRIC_PREFIX "stream_latency_seconds";
	char id[16];
	unsigned int i;

	mgmt_prom_family(p, name, "summary",
			"One-way latency of probe packets (quantiles: bucket upper bounds)");
	for (i = 0; i < n; i++) {
		double none = m[i].lat_count == 0 ? NAN : 0;

		snprintf(id, sizeof(id), "%u", m[i].id);
		mgmt_prom_f64(p, name, none + (double)m[i].p50 / 1e9, "stream", id,
				"quantile", "0.5", NULL);
		mgmt_prom_f64(p, name, none + (double)m[i].p99 / 1e9, "stream", id,
				"quantile", "0.99", NULL);
		mgmt_prom_f64(p, name, none + (double)m[i].p999 / 1e9, "stream", id,
				"quantile", "0.999", NULL);
		mgmt_prom_f64(p, VSNK_METRIC_PREFIX "stream_latency_seconds_sum",
				(double)m[i].lat_sum / 1e9, "stream", id, NULL);
		mgmt_prom_u64(p, VSNK_METRIC_PREFIX "stream_latency_seconds_count",
				m[i].lat_count, "stream", id, NULL);
	}
}

/* Per-stream families, for the streams seen. */
static void
metrics(void *ctx, struct mgmt_prom *p)
{
	struct stream_report *r = malloc(sizeof(*r));
	struct stream_metrics *m = NULL;
	unsigned int n = 0, cap = 0;
	uint32_t id;

	RTE_SET_USED(ctx);
	for (id = 0; r != NULL && id < vsnk.opt.max_streams; id++) {
		if (vsnk_stream_received(id) == 0 || !vsnk_stream_view(id, r))
			continue;
		if (n == cap) {
			struct stream_metrics *nm;

			cap = cap != 0 ? cap * 2 : 64;
			nm = realloc(m, cap * sizeof(*m));
			if (nm == NULL) {
				p->buf.oom = true;
				break;
			}
			m = nm;
		}
		m[n++] = (struct stream_metrics){
			.id = id, .received = r->received, .bytes = r->bytes,
			.lost = r->lost, .duplicates = r->duplicates,
			.reordered = r->reordered, .restarts = r->restarts,
			.p50 = r->lat_p50, .p99 = r->lat_p99, .p999 = r->lat_p999,
			.lat_sum = r->lat_sum, .lat_count = r->lat_count,
		};
	}
	free(r);
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_rx_packets_total", "counter",
			"Probe packets received per stream, duplicates included", m, n,
			offsetof(struct stream_metrics, received));
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_rx_bytes_total", "counter",
			"Bytes of the probe packets received per stream", m, n,
			offsetof(struct stream_metrics, bytes));
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_lost_packets", "gauge",
			"Probe packets missing per stream (drops when late packets arrive)", m, n,
			offsetof(struct stream_metrics, lost));
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_duplicates_total", "counter",
			"Duplicated probe packets per stream", m, n,
			offsetof(struct stream_metrics, duplicates));
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_reordered_total", "counter",
			"Probe packets that arrived after a later one, per stream", m, n,
			offsetof(struct stream_metrics, reordered));
	stream_family_u64(p, VSNK_METRIC_PREFIX "stream_restarts_total", "counter",
			"Generator restarts seen per stream", m, n,
			offsetof(struct stream_metrics, restarts));
	latency_summary(p, m, n);
	free(m);
	ves_ports_metrics(p, VSNK_METRIC_PREFIX);	/* the telemetry exports */
}

/* ------------------------------------------------------------ routes */

static json_t *
stats_streams(void)
{
	json_t *root = vsnk_stats_json(NULL), *streams;

	if (root == NULL)
		return NULL;
	streams = json_incref(json_object_get(root, "streams"));
	json_decref(root);
	return streams;
}

static int
get_streams(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *streams = stats_streams();

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (streams == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the stream list");
	return mgmt_reply_json(rep, 200, streams);
}

static int
get_stream(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	const char *ids = mgmt_req_param(req, "id");
	json_t *streams, *s;
	uint64_t id;
	size_t i;

	RTE_SET_USED(ctx);
	if (mgmt_parse_uint(ids, "stream id", 0, vsnk.opt.max_streams - 1, &id, rep) != 0)
		return rep->status;
	if (vsnk_stream_received((uint32_t)id) == 0)
		return mgmt_reply_error(rep, 404, "stream %s: no packet seen", ids);
	streams = stats_streams();
	if (streams == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the stream list");
	json_array_foreach(streams, i, s) {
		if (json_integer_value(json_object_get(s, "stream")) == (json_int_t)id) {
			json_incref(s);
			json_decref(streams);
			return mgmt_reply_json(rep, 200, s);
		}
	}
	json_decref(streams);
	return mgmt_reply_error(rep, 404, "stream %s: no packet seen", ids);
}

static int
get_intervals(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	const char *until = mgmt_req_query(req, "until");
	const char *last = mgmt_req_query(req, "last");
	uint64_t u = 0, l = 0;
	json_t *j;

	RTE_SET_USED(ctx);
	if (until != NULL && mgmt_parse_uint(until, "query parameter 'until' (Unix ms)", 1,
			UINT64_C(1) << 52, &u, rep) != 0)
		return rep->status;
	if (last != NULL && mgmt_parse_uint(last, "query parameter 'last'", 1,
			DASHBOARD_MAX_HISTORY, &l, rep) != 0)
		return rep->status;
	j = dashboard_json(u, (uint32_t)l);
	if (j == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the intervals");
	return mgmt_reply_json(rep, 200, j);
}

static int
get_dashboard(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *j = dashboard_settings_json();

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (j == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	return mgmt_reply_json(rep, 200, j);
}

static int
put_dashboard(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "interval_s", "history", NULL };
	json_t *cur = dashboard_settings_json();
	double interval;
	uint64_t history;
	int rc;

	RTE_SET_USED(ctx);
	if (cur == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	interval = json_real_value(json_object_get(cur, "interval_s"));
	history = (uint64_t)json_integer_value(json_object_get(cur, "history"));
	json_decref(cur);
	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, NULL, rep) != 0)
		return rep->status;
	if (json_object_size(req->body) == 0)
		return mgmt_reply_error(rep, 400, "give 'interval_s' or 'history'");
	rc = mgmt_json_double(req->body, "interval_s", false, DASHBOARD_MIN_INTERVAL,
			DASHBOARD_MAX_INTERVAL, &interval, rep);
	if (rc == -EINVAL)
		return rep->status;
	rc = mgmt_json_uint(req->body, "history", false, false, DASHBOARD_MIN_HISTORY,
			DASHBOARD_MAX_HISTORY, &history, rep);
	if (rc == -EINVAL)
		return rep->status;
	if (dashboard_configure(interval, (uint32_t)history) != 0)
		return mgmt_reply_error(rep, 500, "out of memory");
	return get_dashboard(ctx, req, rep);
}

static int
get_page(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	return mgmt_reply_static(rep, 200, HTML_TYPE, vsnk_dashboard_html,
			vsnk_dashboard_html_len);
}

static const char *const intervals_query[] = { "until", "last", NULL };
static const char *const page_query[] = { "until", NULL };	/* read by the page's script */

static const struct mgmt_route_def routes[] = {
	{ "GET", "/api/v1/streams", get_streams },
	{ "GET", "/api/v1/streams/{id}", get_stream },
	{ "GET", "/api/v1/intervals", get_intervals, intervals_query },
	{ "GET", "/api/v1/dashboard", get_dashboard },
	{ "PUT", "/api/v1/dashboard", put_dashboard },
	{ "GET", "/", get_page, page_query },
	{ "GET", "/dashboard", get_page, page_query },
};

/* ------------------------------------------------------------ life */

int
vsnk_mgmt_create(const struct dp_main_hooks *hooks, char *err, size_t errlen)
{
	struct mgmt_binding b = {
		.program = "vsnk",
		.metric_prefix = VSNK_METRIC_PREFIX,
		.ctx = hooks->ctx,
		.stats_json = hooks->stats_json,
		.config_json = config_json,
		.stats_reset = stats_reset,
		.metrics = metrics,
		.view = dp_mgmt_view(),
		.counter_sets = {
			{ .ctrs = vsnk.ctrs, .prefix = VSNK_METRIC_PREFIX, .label = "port" },
		},
		.nb_counter_sets = 1,
		.route_tables = { { routes, RTE_DIM(routes), NULL }, dp_lifecycle_routes() },
		.nb_route_tables = 2,
	};

	return mgmt_create(&server, &mgmt_opt, &b, &vsnk.cfg, err, errlen);
}

int
vsnk_mgmt_start(char *err, size_t errlen)
{
	int rc;

	if (server == NULL || vsnk.cfg.mgmt[0] == '\0')
		return 0;
	rc = dashboard_init(&dash_opt);
	if (rc != 0) {
		snprintf(err, errlen, "cannot allocate the dashboard history");
		return rc;
	}
	return mgmt_start(server, err, errlen);
}

const struct dashboard_options *
vsnk_mgmt_dashboard_options(void)
{
	return &dash_opt;
}

int
vsnk_mgmt_dashboard_reconfigure(const struct dashboard_options *o)
{
	double interval;
	uint32_t history;

	if (server == NULL || vsnk.cfg.mgmt[0] == '\0')
		return 0;
	dashboard_settings(&interval, &history);
	if (interval == o->interval_s && history == o->history)
		return 0;
	return dashboard_configure(o->interval_s, o->history);
}

void
vsnk_mgmt_tick(void)
{
	if (mgmt_running(server))
		dashboard_tick();
}

void
vsnk_mgmt_stop(void)
{
	mgmt_stop(server);
	server = NULL;
	dashboard_free();
}
