/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management plane shared by vpkg, vfw and vsnk: a REST server on
 * libmicrohttpd with JSON bodies through jansson.
 *
 * Threads: the server runs on libmicrohttpd's own threads (a small pool,
 * --mgmt-threads), created from the main lcore and inheriting its CPU
 * affinity: control threads, never a worker lcore. Handlers and binding
 * callbacks read counters and publish configuration; they never touch
 * packets. The server calls them one at a time (it holds its handler lock
 * around every call), so a binary's handlers need no lock among themselves,
 * but must still synchronise with its main loop (tick) and workers.
 *
 * Built without DPDK (the controller links it and no librte): the data
 * plane is reached only through the binding's view (dp_view.h).
 *
 * Use (every binary):
 *
 *	static struct mgmt_options mopt;          // before dp_main_init
 *	mgmt_options_init(&mopt);
 *	mgmt_options_register(&app, &mopt);       // --mgmt-user, --mgmt-password-file, ...
 *	dp_main_init(&app, &cfg, argc, argv);
 *	binding.view = dp_mgmt_view();            // dp_mgmt.h: the ports and workers
 *	binding.route_tables[0] = (struct mgmt_route_table){ routes, DP_DIM(routes), ctx };
 *	binding.nb_route_tables = 1;              // the binary's own routes
 *	rc = mgmt_create(&srv, &mopt, &binding, &cfg, err, sizeof(err)); // checks options
 *	... ports, workers' state ...
 *	rc = mgmt_start(srv, err, sizeof(err));   // listens on --mgmt (no-op if off)
 *	dp_main_loop(...);  dp_workers_wait();
 *	mgmt_stop(srv);                            // before dp_main_finish closes the ports
 *
 * Routes every binary gets (mgmt_core.c):
 *	GET  /api/v1                 the route list
 *	GET  /api/v1/health          {"status":"ok"|"stopping", ...}; 503 when stopping
 *	GET  /api/v1/stats           binding.stats_json: the live --stats-file JSON
 *	GET  /api/v1/ports           the stats' "ports" array; /api/v1/ports/{id} one port
 *	GET  /api/v1/config          options in effect (keys are option names, as in
 *	                             --config files; never the password), ports, workers
 *	POST /api/v1/stats/reset     asks every worker to zero its counters (and calls
 *	                             binding.stats_reset); 200 once the request is posted:
 *	                             the workers zero their blocks at their next loop
 *	GET  /metrics                Prometheus text 0.0.4 from the counter sets
 *
 * Errors are JSON: {"error":{"code":N,"message":"..."}}: 400 malformed JSON,
 * wrong type or out-of-range value (the message names the field), an
 * HTTP/1.1 request without Host, a control character encoded in the URL
 * (%00..%1F, %7F: never decoded, so "/streams/x%00" never matches "x"),
 * 401 with WWW-Authenticate (when --mgmt-user is set, every route needs it),
 * 404 unknown path or id, 405 with Allow, 413 body above --mgmt-max-body,
 * 415 a body that is not application/json (or has no Content-Type), 429
 * with Retry-After once a client address has failed authentication
 * MGMT_AUTH_BURST times (then about once a second; see mgmt_guard.h). A
 * request that fails changes nothing. ?pretty indents any JSON reply.
 *
 * Limits: --mgmt-max-connections (while the limit is reached, further
 * connections wait in the listen backlog until one closes),
 * --mgmt-max-connections-per-ip (one address beyond it is closed at once:
 * with the defaults, 8 of 64, a client dribbling requests from one address
 * leaves room for the others), --mgmt-timeout (an idle or stalled
 * connection is closed), --mgmt-request-timeout (a request whose headers and
 * body take longer is closed even if bytes keep coming: slowloris),
 * --mgmt-max-body (413 from the Content-Length before the body is read, or
 * as soon as a chunked body passes the limit).
 *
 * Errors libmicrohttpd 0.9.75 (Debian 12) answers itself, before any of our
 * code sees the request, keep its short HTML body (that version has no way
 * to replace them): 400 bad request line or header line, 414 URI too long
 * and 431 headers too large (over its 32 KiB connection pool), 505 HTTP
 * version, 413 chunk size too large. Each is one well-formed response and
 * the connection is closed. Two are malformed in 0.9.75 and cannot be
 * mended from outside the library: a Content-Length that is not a number
 * (400, e.g. -5) or above 2^64-1 (413) get the status line and headers twice
 * (an error found after the headers is answered, then answered again;
 * fixed in libmicrohttpd 1.0.0). The request is never handled and the
 * connection is closed, so nothing is smuggled. For the same reason
 * MHD_OPTION_STRICT_FOR_CLIENT stays 0: its Host check goes through that
 * path; the server checks Host itself.
 */
#ifndef MGMT_H
#define MGMT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dp_counters.h"
#include "dp_options.h"
#include "dp_view.h"
#include "mgmt_prom.h"

/* ------------------------------------------------------------ options */

#define MGMT_DEFAULT_MAX_CONNECTIONS 64
#define MGMT_DEFAULT_MAX_BODY (1u << 20)
#define MGMT_DEFAULT_TIMEOUT 10
#define MGMT_DEFAULT_REQUEST_TIMEOUT 30
/* a few clients' worth under the total: one address cannot take every slot */
#define MGMT_DEFAULT_MAX_PER_IP 8
#define MGMT_DEFAULT_THREADS 2
#define MGMT_SECRET_MAX 256	/* user name or password, with the NUL */

/* Filled by the option setters (main lcore, before EAL). */
struct mgmt_options {
	char user[MGMT_SECRET_MAX];		/* "" = no authentication */
	char password[MGMT_SECRET_MAX];		/* secret: never logged or shown */
	bool password_set;
	bool any_set;				/* some --mgmt-* option was given */
	char tls_cert[PATH_MAX];		/* PEM; "" = plain HTTP */
	char tls_key[PATH_MAX];
	uint32_t max_connections;
	uint32_t max_body;			/* bytes */
	uint32_t timeout_s;			/* idle connection timeout */
	uint32_t request_timeout_s;		/* whole request (headers and body) */
	uint32_t max_per_ip;			/* connections from one client address */
	uint32_t threads;			/* libmicrohttpd thread pool */
};

/* Defaults. */
void mgmt_options_init(struct mgmt_options *o);

/*
 * Add the "Management (REST) options" group to app: --mgmt-user NAME,
 * --mgmt-password PASS, --mgmt-password-file PATH (first line; refused when
 * readable by others), --mgmt-tls-cert PATH, --mgmt-tls-key PATH,
 * --mgmt-max-connections N, --mgmt-max-connections-per-ip N,
 * --mgmt-max-body BYTES, --mgmt-timeout SEC, --mgmt-request-timeout SEC,
 * --mgmt-threads N. Returns 0 or -ENOSPC.
 */
int mgmt_options_register(struct dp_app *app, struct mgmt_options *o);

/* ------------------------------------------------------------ requests */

#define MGMT_M_GET	(1u << 0)	/* HEAD is served by the GET route */
#define MGMT_M_PUT	(1u << 1)
#define MGMT_M_POST	(1u << 2)
#define MGMT_M_DELETE	(1u << 3)
#define MGMT_M_PATCH	(1u << 4)
#define MGMT_M_ALL	0x1fu

#define MGMT_MAX_PARAMS 4

/* What a handler gets. Everything is borrowed for the duration of the call. */
struct mgmt_request {
	const char *method;	/* "GET", "PUT", ... ("HEAD" for a HEAD on a GET route) */
	const char *path;	/* decoded, without the query string */
	unsigned int nb_params;
	const char *param_names[MGMT_MAX_PARAMS];	/* "{id}" as in the pattern */
	const char *params[MGMT_MAX_PARAMS];		/* the matched segments */
	json_t *body;		/* the parsed JSON body; NULL when the request had none */
	void *conn;		/* private to the server (query, headers) */
};

/* Value of path parameter name (without braces), NULL if none. */
const char *mgmt_req_param(const struct mgmt_request *req, const char *name);
/*
 * Value of a query parameter ("" for "?flag"), NULL if absent. Only the
 * parameters the route declared reach the handler (mgmt_route_def.query).
 */
const char *mgmt_req_query(const struct mgmt_request *req, const char *name);
/* Value of a request header, NULL if absent. */
const char *mgmt_req_header(const struct mgmt_request *req, const char *name);

/* ------------------------------------------------------------ replies */

/* What a handler fills in; the server sends it. */
struct mgmt_reply {
	int status;		/* HTTP status */
	json_t *json;		/* JSON body (the reply owns the reference), or */
	char *text;		/* a non-JSON body: malloc'd and freed by the server, or */
	const void *data;	/* static data (never freed) */
	size_t len;		/* bytes of text / data */
	const char *content_type;	/* for text / data */
	const char *allow;	/* Allow header (405) */
	unsigned int retry_after;	/* Retry-After header in seconds (429); 0: none */
};

/* Reply JSON; takes the reference to body. Returns status. */
int mgmt_reply_json(struct mgmt_reply *rep, int status, json_t *body);
/* Reply {"error":{"code":status,"message":...}}. Returns status. */
int mgmt_reply_error(struct mgmt_reply *rep, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reply a malloc'd text (freed by the server). Returns status. */
int mgmt_reply_text(struct mgmt_reply *rep, int status, const char *content_type,
		char *text, size_t len);
/* Reply static bytes (never freed). Returns status. */
int mgmt_reply_static(struct mgmt_reply *rep, int status, const char *content_type,
		const void *data, size_t len);
/* Reply without a body (e.g. 200 or 204 to a PUT). Returns status. */
int mgmt_reply_empty(struct mgmt_reply *rep, int status);
/*
 * Reply to a call that failed with a negative errno rc and the message err:
 * -ENOENT 404, -EINVAL 400, -ENODATA 409 (a conflict with the current
 * state), anything else 500 (err, or strerror when err is ""). Returns status.
 */
int mgmt_reply_errno(struct mgmt_reply *rep, int rc, const char *err);

/*
 * A handler: fill rep (status and body) and return the status. On an error
 * it must have changed nothing. A reply left without a body (other than a
 * 204) is taken for a failed allocation and sent as a 500: use
 * mgmt_reply_empty() for an intended empty body. Called on a server thread
 * with the handler lock held; must not block for long.
 */
typedef int (*mgmt_handler_fn)(void *ctx, const struct mgmt_request *req,
		struct mgmt_reply *rep);

/* --- validating JSON input: on failure they fill rep with a 400 naming the field --- */

/* 400 unless a body is present and is an object. */
int mgmt_body_object(const struct mgmt_request *req, struct mgmt_reply *rep);
/* 400 naming the first key of obj that is not in the NULL-terminated list. */
int mgmt_json_only_keys(const json_t *obj, const char *const *keys, const char *where,
		struct mgmt_reply *rep);
/*
 * Field name of obj as an unsigned integer in [min, max] (JSON integers, or
 * with strings_ok decimal strings like "5", as ONAP sends them). Returns 0,
 * -ENOENT when absent and not required (out untouched), -EINVAL with rep
 * filled (400).
 */
int mgmt_json_uint(const json_t *obj, const char *name, bool required, bool strings_ok,
		uint64_t min, uint64_t max, uint64_t *out, struct mgmt_reply *rep);
/* A number (integer or real) in [min, max]. */
int mgmt_json_double(const json_t *obj, const char *name, bool required,
		double min, double max, double *out, struct mgmt_reply *rep);
/* A boolean (true/false, with strings_ok also "true"/"false"). */
int mgmt_json_bool(const json_t *obj, const char *name, bool required, bool strings_ok,
		bool *out, struct mgmt_reply *rep);
/* A string of 1..maxlen-1 bytes, borrowed from obj. */
int mgmt_json_string(const json_t *obj, const char *name, bool required, size_t maxlen,
		const char **out, struct mgmt_reply *rep);
/* A path or query value as an unsigned integer in [min, max]; what names it in errors. */
int mgmt_parse_uint(const char *s, const char *what, uint64_t min, uint64_t max,
		uint64_t *out, struct mgmt_reply *rep);

/* ------------------------------------------------------------ binding */

/*
 * A counter set exposed on /metrics: one family "<prefix><counter>_total"
 * per counter of the set (HELP from its descriptor, TYPE counter) and one
 * sample per slot, labelled label="<slot name>".
 */
struct mgmt_counter_set {
	struct dp_counters *ctrs;	/* summed over lcores at each scrape */
	const char *prefix;		/* e.g. "vfwcl_vsnk_" */
	const char *label;		/* e.g. "port" */
	/*
	 * Slots shown: 0 = the ports in use (slot i = port slot i of the
	 * binding's view, labelled with its port id), plus the driver's stats
	 * of each port as "<prefix>driver_<name>_total". Otherwise slots 0..nb_slots-1
	 * labelled by slot_name (or the slot number when NULL).
	 */
	unsigned int nb_slots;
	void (*slot_name)(void *ctx, unsigned int slot, char *buf, size_t len);
	void *ctx;
};

#define MGMT_MAX_COUNTER_SETS 8

/* One route of a binary's table. */
struct mgmt_route_def {
	const char *method;	/* "GET", "PUT", "POST", "DELETE" or "PATCH" */
	const char *pattern;	/* "/api/v1/streams/{id}" ({name} matches one segment) */
	mgmt_handler_fn fn;
	/* the query parameters the handler reads (NULL-terminated), NULL: none;
	 * the server answers any other one (but "pretty") with a 400 naming it */
	const char *const *query;
};

/* A binary's routes, all called with one ctx. */
struct mgmt_route_table {
	const struct mgmt_route_def *defs;	/* static: the server keeps pointers into it */
	unsigned int nb;
	void *ctx;
};

#define MGMT_MAX_ROUTE_TABLES 4

/* What a binary gives the server. Copied by mgmt_create. */
struct mgmt_binding {
	const char *program;		/* "vsnk": health, config, realm, build_info */
	const char *metric_prefix;	/* "vfwcl_vsnk_": build_info, start time, HTTP counters */
	void *ctx;			/* for the callbacks */
	/* the whole stats JSON (dp_main_hooks.stats_json); required */
	json_t *(*stats_json)(void *ctx);
	/* the binary's own options as {"option-name": value}; merged into config; optional */
	json_t *(*config_json)(void *ctx);
	/* after the counter sets' reset requests: reset the binary's own state; optional */
	void (*stats_reset)(void *ctx);
	/* further metric families (after the counter sets); optional */
	void (*metrics)(void *ctx, struct mgmt_prom *p);
	/*
	 * The data plane: ports, links, driver totals, workers, stopping
	 * (dp_mgmt_view() in the binaries; mgmt itself calls no DPDK). NULL for
	 * a program without ports: no ports, no workers, never "stopping", no
	 * "dpdk" version shown.
	 */
	const struct dp_view *view;
	struct mgmt_counter_set counter_sets[MGMT_MAX_COUNTER_SETS];
	unsigned int nb_counter_sets;
	/* the binary's own routes, added by mgmt_create after the core ones */
	struct mgmt_route_table route_tables[MGMT_MAX_ROUTE_TABLES];
	unsigned int nb_route_tables;
};

/* ------------------------------------------------------------ server */

struct mgmt_server;

/*
 * Check the options against cfg (--mgmt-* options need --mgmt; a user needs
 * a password and the reverse; TLS needs both files, readable, the key not
 * readable by others), read the TLS files, register the core routes and
 * then the binding's route tables. Returns 0 with *out set, -EINVAL with
 * err (bad configuration: exit 2), -ENOMEM; a route of the tables that
 * cannot be added fails it with err naming the route and -EINVAL (bad
 * method or pattern), -EEXIST (taken, by a core route too) or -ENOSPC.
 * cfg must stay valid until mgmt_stop.
 */
int mgmt_create(struct mgmt_server **out, const struct mgmt_options *o,
		const struct mgmt_binding *b, const struct dp_config *cfg,
		char *err, size_t errlen);

/*
 * Add one route before mgmt_start, with its own ctx (a binary's tables go
 * in the binding). method and pattern: as in mgmt_route_def. The route
 * takes no query parameter (but "pretty"): see mgmt_route_def for one that
 * does. Returns 0, -EINVAL, -EEXIST, -ENOSPC, -EBUSY (server started).
 */
int mgmt_route_add(struct mgmt_server *s, const char *method, const char *pattern,
		mgmt_handler_fn fn, void *ctx);

/*
 * Listen on cfg->mgmt_host:mgmt_port and start the server threads; a no-op
 * returning 0 when --mgmt is off. Returns 0, -EINVAL with err when the
 * address cannot be used (in use, not local: exit 2), other negative errno
 * on a run time failure.
 */
int mgmt_start(struct mgmt_server *s, char *err, size_t errlen);

/* True when the server is listening. */
bool mgmt_running(const struct mgmt_server *s);

/*
 * Stop the server (waits for the requests in progress), zero the credentials
 * and free it. Call before the ports are closed. NULL is a no-op.
 */
void mgmt_stop(struct mgmt_server *s);

#endif /* MGMT_H */
