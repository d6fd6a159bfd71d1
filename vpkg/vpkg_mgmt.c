/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg on the management plane: the binding given to mgmt/ and the native
 * stream routes (see vpkg_mgmt.h). Every change goes through streams.h,
 * which returns once the tx workers run on the new table, so a 200 means
 * the change is on the wire.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "dp_clock.h"
#include "dp_main.h"
#include "dp_mgmt.h"
#include "mgmt.h"
#include "netconf.h"
#include "onap_api.h"
#include "streams.h"
#include "ves_ports.h"
#include "vpkg.h"
#include "dp_lifecycle.h"
#include "vpkg_mgmt.h"

#define VPKG_METRIC_PREFIX "vfwcl_vpkg_"

/* Owned by the main lcore; the server pointer is immutable while it runs. */
static struct mgmt_options mgmt_opt;
static struct mgmt_server *server;

/*
 * The stats as REST serves them (GET /api/v1/stats, /ports, /streams): one
 * snapshot of the counters per --stats-max-age, a copy for each request.
 * Reading the counters pulls the cache lines the workers write at every
 * burst; at tens of thousands of requests a second that costs the data
 * plane a few percent, a snapshot per millisecond costs it nothing visible.
 * A new stream table or a reset makes the next request read them again, so
 * an answer never predates a change the client already saw acknowledged.
 * Written and read under the server's handler lock (binding callbacks).
 */
static struct {
	json_t *root;
	uint64_t taken_ns;	/* CLOCK_MONOTONIC */
	uint64_t gen;		/* stream table it was read on */
} snap;

int
vpkg_mgmt_register_options(struct dp_app *app)
{
	mgmt_options_init(&mgmt_opt);
	if (mgmt_options_register(app, &mgmt_opt) != 0)
		return -ENOSPC;
	return vpkg_netconf_register_options(app);
}

/* ------------------------------------------------------------ binding */

/* vpkg's own options, keyed as in --config; the streams as they are now. */
static json_t *
config_json(void *ctx)
{
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));
	const struct vpkg_options *o = &vpkg.opt;
	json_t *j = json_object(), *arr = json_array();
	unsigned int n, i;

	RTE_SET_USED(ctx);
	if (specs == NULL || j == NULL || arr == NULL) {
		free(specs);
		json_decref(j);
		json_decref(arr);
		return NULL;
	}
	json_object_set_new(j, "tx-retry", json_integer(o->tx_retry));
	json_object_set_new(j, "max-lag", json_integer(o->max_lag_us));
	json_object_set_new(j, "link-wait", json_real(o->link_wait));
	json_object_set_new(j, "linger", json_real(o->linger));
	if (o->count != 0)
		json_object_set_new(j, "count", json_integer((json_int_t)o->count));
	json_object_set_new(j, "no-rx", json_boolean(o->no_rx));
	json_object_set_new(j, "onap", json_boolean(o->onap));
	json_object_set_new(j, "stats-max-age", json_integer(o->stats_max_age_us));
	if (o->txlog_path[0] != '\0')
		json_object_set_new(j, "tx-timestamps", json_string(o->txlog_path));
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);	/* at most VPKG_MAX_STREAMS */
	for (i = 0; i < n; i++)
		json_array_append_new(arr, vpkg_spec_to_json(&specs[i]));
	json_object_set_new(j, "streams", arr);
	free(specs);
	return j;
}

static void
snap_drop(void)
{
	json_decref(snap.root);
	snap.root = NULL;
}

static json_t *
stats_json(void *ctx)
{
	uint64_t now = dp_mono_ns(), gen = vpkg_streams_gen();

	if (snap.root == NULL || gen != snap.gen ||
	    now - snap.taken_ns >= (uint64_t)vpkg.opt.stats_max_age_us * 1000) {
		snap_drop();
		snap.root = vpkg_stats_json(ctx);
		snap.taken_ns = now;
		snap.gen = gen;
		if (snap.root == NULL)
			return NULL;
	}
	return json_deep_copy(snap.root);
}

/* After the counter sets' requests: the stream counters and each worker's own state. */
static void
stats_reset(void *ctx)
{
	unsigned int w;

	RTE_SET_USED(ctx);
	snap_drop();
	dp_counters_request_reset(vpkg.stream_ctrs);
	for (w = 0; w < vpkg.nb_workers; w++)
		atomic_store_explicit(&vpkg.workers[w].reset_req, 1, memory_order_release);
}

/* What /metrics shows of one stream. */
struct stream_metrics {
	uint16_t id;
	bool enabled;
	double pps;
	char name[VPKG_NAME_LEN];
	uint64_t v[VPKG_SCTR_MAX];
};

struct metrics_ctx {
	struct stream_metrics *m;	/* [VPKG_MAX_STREAMS] */
	unsigned int n;
};

static void
collect_stream(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct metrics_ctx *mc = ctx;
	struct stream_metrics *m;

	if (mc->n >= VPKG_MAX_STREAMS)
		return;
	m = &mc->m[mc->n++];
	m->id = cs->id;
	m->enabled = cs->enabled;
	m->pps = cs->pps;
	snprintf(m->name, sizeof(m->name), "%s", sp->name);
	dp_counters_sum_slot(vpkg.stream_ctrs, cs->id, m->v);
}

static void
metrics(void *ctx, struct mgmt_prom *p)
{
	struct metrics_ctx mc = { calloc(VPKG_MAX_STREAMS, sizeof(*mc.m)), 0 };
	char name[128], id[16];
	unsigned int i, k, on = 0;
	uint64_t skips = 0;
	double total = 0;

	RTE_SET_USED(ctx);
	if (mc.m == NULL) {
		p->buf.oom = true;
		return;
	}
	vpkg_streams_foreach(collect_stream, &mc);
	for (k = 0; k < VPKG_SCTR_MAX; k++) {
		snprintf(name, sizeof(name), VPKG_METRIC_PREFIX "stream_%s_total",
			 vpkg_stream_ctr_desc[k].name);
		mgmt_prom_family(p, name, "counter", vpkg_stream_ctr_desc[k].help);
		for (i = 0; i < mc.n; i++) {
			snprintf(id, sizeof(id), "%u", mc.m[i].id);
			mgmt_prom_u64(p, name, mc.m[i].v[k], "stream", id, "name", mc.m[i].name, NULL);
		}
	}
	mgmt_prom_family(p, VPKG_METRIC_PREFIX "stream_enabled", "gauge",
			"1 when the stream is enabled, 0 when not");
	for (i = 0; i < mc.n; i++) {
		snprintf(id, sizeof(id), "%u", mc.m[i].id);
		mgmt_prom_u64(p, VPKG_METRIC_PREFIX "stream_enabled", mc.m[i].enabled, "stream", id,
				"name", mc.m[i].name, NULL);
		if (mc.m[i].enabled) {
			on++;
			total += mc.m[i].pps;
		}
	}
	mgmt_prom_family(p, VPKG_METRIC_PREFIX "stream_rate_pps", "gauge",
			"Target rate of the stream in packets per second (0: unpaced)");
	for (i = 0; i < mc.n; i++) {
		snprintf(id, sizeof(id), "%u", mc.m[i].id);
		mgmt_prom_f64(p, VPKG_METRIC_PREFIX "stream_rate_pps", mc.m[i].pps, "stream", id,
				"name", mc.m[i].name, NULL);
	}
	mgmt_prom_family(p, VPKG_METRIC_PREFIX "enabled_streams", "gauge",
			"Streams enabled (ONAP's active-streams)");
	mgmt_prom_u64(p, VPKG_METRIC_PREFIX "enabled_streams", on, NULL);
	ves_ports_metrics(p, VPKG_METRIC_PREFIX);	/* the telemetry exports */
	mgmt_prom_family(p, VPKG_METRIC_PREFIX "rate_pps", "gauge",
			"Sum of the target rates of the enabled paced streams, packets per second");
	mgmt_prom_f64(p, VPKG_METRIC_PREFIX "rate_pps", total, NULL);
	for (i = 0; i < vpkg.nb_workers; i++)
		skips += __atomic_load_n(&vpkg.workers[i].skips, __ATOMIC_RELAXED);
	mgmt_prom_family(p, VPKG_METRIC_PREFIX "pacing_skips_total", "counter",
			"Deadlines pulled up after a worker stall (the debt beyond --max-lag is dropped)");
	mgmt_prom_u64(p, VPKG_METRIC_PREFIX "pacing_skips_total", skips, NULL);
	free(mc.m);
}

/* ------------------------------------------------------------ streams */

/*
 * The stream a path names ({id}: its id in decimal, else its name): its id
 * and name, or 404 in rep.
 */
static int
find_stream(const struct mgmt_request *req, uint16_t *id, char *name, struct mgmt_reply *rep)
{
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));
	const char *key = mgmt_req_param(req, "id");
	unsigned int n;
	int i;

	if (specs == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);	/* at most VPKG_MAX_STREAMS */
	i = vpkg_spec_lookup(specs, n, key);
	if (i < 0) {
		free(specs);
		return mgmt_reply_error(rep, 404, "no stream '%s' (give its id or its name)",
				key != NULL ? key : "");
	}
	*id = specs[i].id;
	memcpy(name, specs[i].name, VPKG_NAME_LEN);
	free(specs);
	return 0;
}

static int
reply_stream(uint16_t id, struct mgmt_reply *rep)
{
	json_t *o = vpkg_stream_json(id);

	if (o == NULL)
		return mgmt_reply_error(rep, 404, "no stream with id %u", id);
	return mgmt_reply_json(rep, 200, o);
}

static int
get_streams(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *root = stats_json(NULL), *streams;

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (root == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the stream list");
	streams = json_incref(json_object_get(root, "streams"));
	json_decref(root);
	if (streams == NULL)
		return mgmt_reply_error(rep, 500, "cannot build the stream list");
	return mgmt_reply_json(rep, 200, streams);
}

static int
get_stream(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	char name[VPKG_NAME_LEN];
	uint16_t id;

	RTE_SET_USED(ctx);
	if (find_stream(req, &id, name, rep) != 0)
		return rep->status;
	return reply_stream(id, rep);
}

struct apply_arg {
	uint16_t id;
	json_t *body;
};

static int
edit_apply(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct apply_arg *a = arg;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (specs[i].id == a->id)
			return vpkg_spec_apply_json(&specs[i], a->body, specs[i].name, err, errlen);
	snprintf(err, errlen, "no stream with id %u", a->id);
	return -ENOENT;
}

/* PUT or PATCH: any of enabled, rate, size; all applied in one table. */
static int
put_stream(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "enabled", "rate", "size", NULL };
	char name[VPKG_NAME_LEN], err[DP_ERR_LEN] = "";
	struct apply_arg a;
	bool on;
	int rc;

	RTE_SET_USED(ctx);
	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, NULL, rep) != 0)
		return rep->status;
	if (json_object_size(req->body) == 0)
		return mgmt_reply_error(rep, 400, "give 'enabled', 'rate' or 'size'");
	/* exactly the README's forms: the --config reader also takes "yes", "1"... */
	if (mgmt_json_bool(req->body, "enabled", false, true, &on, rep) == -EINVAL)
		return rep->status;
	if (find_stream(req, &a.id, name, rep) != 0)
		return rep->status;
	a.body = req->body;
	rc = vpkg_streams_modify(edit_apply, &a, err, sizeof(err));
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return reply_stream(a.id, rep);
}

static int
set_enabled(const struct mgmt_request *req, struct mgmt_reply *rep, bool on)
{
	static const char *const no_keys[] = { NULL };
	char name[VPKG_NAME_LEN], err[DP_ERR_LEN] = "";
	uint16_t id;
	int rc;

	if (req->body != NULL && (mgmt_body_object(req, rep) != 0 ||
				  mgmt_json_only_keys(req->body, no_keys, NULL, rep) != 0))
		return rep->status;
	if (find_stream(req, &id, name, rep) != 0)
		return rep->status;
	rc = vpkg_stream_set_enabled(name, on, err, sizeof(err));
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return reply_stream(id, rep);
}

static int
post_enable(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	RTE_SET_USED(ctx);
	return set_enabled(req, rep, true);
}

static int
post_disable(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	RTE_SET_USED(ctx);
	return set_enabled(req, rep, false);
}

/* ------------------------------------------------------------ total rate */

struct rate_sum {
	unsigned int enabled;
	unsigned int unpaced;
	double pps;
	double l1_bps;
};

static void
sum_stream(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct rate_sum *r = ctx;

	RTE_SET_USED(sp);
	if (!cs->enabled)
		return;
	r->enabled++;
	if (cs->pps > 0) {
		r->pps += cs->pps;
		r->l1_bps += cs->l1_bps;
	} else {
		r->unpaced++;
	}
}

static int
get_rate(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct rate_sum r = { 0, 0, 0, 0 };

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	vpkg_streams_foreach(sum_stream, &r);
	return mgmt_reply_json(rep, 200, json_pack("{s:i,s:i,s:f,s:f}",
			"enabled_streams", (int)r.enabled, "unpaced_streams", (int)r.unpaced,
			"rate_pps", r.pps, "l1_bps", r.l1_bps));
}

static int
edit_total_rate(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct vpkg_rate *total = arg;
	struct vpkg_rate each = *total;
	unsigned int i, on = 0;

	for (i = 0; i < n; i++)
		on += specs[i].enabled;
	if (on == 0) {
		snprintf(err, errlen, "no stream is enabled: enable some first");
		return -ENODATA;
	}
	if (each.unit != VPKG_RATE_MAX) {
		each.value /= on;
		if (each.unit == VPKG_RATE_PPS && each.value < 0.001) {
			snprintf(err, errlen, "rate: %.6g pps shared by %u streams is below 0.001 pps "
				 "each", total->value, on);
			return -EINVAL;
		}
	}
	for (i = 0; i < n; i++)
		if (specs[i].enabled)
			specs[i].rate = each;
	return 0;
}

/* {"rate": R}: the enabled streams share R evenly (each gets R / their number). */
static int
put_rate(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "rate", NULL };
	char err[DP_ERR_LEN] = "";
	struct vpkg_stream_spec t;
	json_t *one;
	int rc;

	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, NULL, rep) != 0)
		return rep->status;
	if (json_object_get(req->body, "rate") == NULL)
		return mgmt_reply_error(rep, 400, "field 'rate' is required");
	/* the --config parser on a scratch spec: same formats and messages */
	vpkg_spec_defaults(&t, 0);
	one = json_pack("{s:O}", "rate", json_object_get(req->body, "rate"));
	if (one == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	rc = vpkg_spec_apply_json(&t, one, "body", err, sizeof(err));
	json_decref(one);
	if (rc != 0)
		return mgmt_reply_error(rep, 400, "%s", err);
	rc = vpkg_streams_modify(edit_total_rate, &t.rate, err, sizeof(err));
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return get_rate(ctx, req, rep);
}

static const struct mgmt_route_def routes[] = {
	{ "GET", "/api/v1/streams", get_streams },
	{ "GET", "/api/v1/streams/{id}", get_stream },
	{ "PUT", "/api/v1/streams/{id}", put_stream },
	{ "PATCH", "/api/v1/streams/{id}", put_stream },
	{ "POST", "/api/v1/streams/{id}/enable", post_enable },
	{ "POST", "/api/v1/streams/{id}/disable", post_disable },
	{ "GET", "/api/v1/rate", get_rate },
	{ "PUT", "/api/v1/rate", put_rate },
};

/* ------------------------------------------------------------ life */

/* --onap: the demo's address unless --mgmt gives one; never without credentials. */
static int
apply_onap(char *err, size_t errlen)
{
	struct dp_config *cfg = &vpkg.cfg;

	if (!vpkg.opt.onap)
		return 0;
	if (mgmt_opt.user[0] == '\0' || !mgmt_opt.password_set) {
		snprintf(err, errlen, "--onap: needs --mgmt-user and --mgmt-password-file (or "
			 "--mgmt-password): there are no built-in credentials");
		return -EINVAL;
	}
	if (cfg->mgmt[0] == '\0') {
		snprintf(cfg->mgmt, sizeof(cfg->mgmt), "%s:%u", VPKG_ONAP_HOST, VPKG_ONAP_PORT);
		snprintf(cfg->mgmt_host, sizeof(cfg->mgmt_host), "%s", VPKG_ONAP_HOST);
		cfg->mgmt_port = VPKG_ONAP_PORT;
	}
	return 0;
}

int
vpkg_mgmt_create(const struct dp_main_hooks *hooks, char *err, size_t errlen)
{
	struct mgmt_binding b = {
		.program = "vpkg",
		.metric_prefix = VPKG_METRIC_PREFIX,
		.ctx = hooks->ctx,
		.stats_json = stats_json,	/* a snapshot of hooks->stats_json */
		.config_json = config_json,
		.stats_reset = stats_reset,
		.metrics = metrics,
		.view = dp_mgmt_view(),
		.counter_sets = {
			{ .ctrs = vpkg.port_ctrs, .prefix = VPKG_METRIC_PREFIX, .label = "port" },
		},
		.nb_counter_sets = 1,
		.route_tables = { { routes, RTE_DIM(routes), NULL }, vpkg_onap_routes(),
				  dp_lifecycle_routes() },
		.nb_route_tables = 3,
	};
	int rc;

	rc = apply_onap(err, errlen);
	if (rc == 0)	/* NETCONF takes the credentials before they are wiped */
		rc = vpkg_netconf_create(vpkg.opt.onap, &mgmt_opt, err, errlen);
	if (rc != 0)
		return rc;
	rc = mgmt_create(&server, &mgmt_opt, &b, &vpkg.cfg, err, errlen);
	explicit_bzero(mgmt_opt.password, sizeof(mgmt_opt.password));
	return rc;
}

int
vpkg_mgmt_start(char *err, size_t errlen)
{
	int rc = vpkg_netconf_start(err, errlen);

	if (rc != 0 || server == NULL || vpkg.cfg.mgmt[0] == '\0')
		return rc;
	return mgmt_start(server, err, errlen);
}

void
vpkg_mgmt_stop(void)
{
	vpkg_netconf_stop();
	mgmt_stop(server);
	server = NULL;
	snap_drop();
}
