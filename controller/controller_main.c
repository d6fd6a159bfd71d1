/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfwcl-controller: the closed loop where there is no ONAP. It stands in for
 * DCAE's VES collector (receives v5/v7 events, single or batch, with Basic
 * auth, answers 202 as ONAP's collector does; a request that does not meet
 * ONAP's schema for its version is refused as a whole with a 400, as the
 * collector validates the whole body; ves_check.h), TCA + Policy (thresholds on
 * receivedTotalPacketsDelta of vFirewallBroadcastPackets, policy.h) and APPC
 * (the ONAP stream-count or sample-plugin request to vpkg, action.h).
 *
 * Threads: the collector's handlers run on the REST server's threads, one
 * at a time; an action is handed to the action thread, so a slow vpkg never
 * holds the collector. Every decision is one JSON line (decision log), and
 * so is every refused request and every request's replayed events.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "action.h"
#include "action_netconf.h"
#include "dp_options.h"
#include "dp_secret.h"
#include "dp_time.h"
#include "mgmt.h"
#include "onap_request.h"
#include "policy.h"
#include "replay.h"
#include "tca.h"
#include "ves_check.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_VPKG_NETCONF "127.0.0.1:2831"

struct ctl_options {
	char policy_file[PATH_MAX];
	struct action_target target;
	struct netconf_target netconf;	/* --api netconf: where and how */
	bool use_netconf;		/* --api netconf */
	char api[32];			/* "" = from the policy */
	unsigned int streams;		/* 0 = from the policy */
	double min_interval;		/* < 0 = from the policy */
	char log_file[PATH_MAX];	/* "" = stdout */
	char events_file[PATH_MAX];	/* "" = do not keep the events */
	double duration;		/* 0 = until SIGINT/SIGTERM */
};

/* Shared state. Written: handlers (under lock), action thread; read: stats. */
struct ctl {
	struct policy policy;		/* immutable after start */
	struct ctl_options opt;		/* immutable after start */
	FILE *log;			/* decision log, lines written under lock */
	FILE *events_out;		/* received events, one JSON line each */
	bool events_file_open;
	pthread_mutex_t lock;		/* guard, pending action, counters, log */
	pthread_cond_t cond;
	struct tca_guard guard;
	struct replay_table replay;	/* (sourceName, sequence) seen */
	bool action_pending;		/* an action waits for the action thread */
	struct tca_reading pending;	/* the reading that caused it */
	bool stopping;
	bool held;			/* SIGUSR1: decide and log, but act no more */
	uint64_t events, ignored, low, high, normal, actions, action_ok, action_failed;
	uint64_t suppressed;
	uint64_t rejected;		/* requests refused (400) */
	uint64_t replayed;		/* events already seen, ignored */
	uint64_t suspect;		/* low/high values flagged suspect, not acted on */
	long last_status;
};

static struct ctl ctl;
static atomic_bool quit;
static atomic_bool hold_requested;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&quit, true);
}

/* SIGUSR1: open the loop before the generator stops (the demo's stop). */
static void
on_hold(int sig)
{
	(void)sig;
	atomic_store(&hold_requested, true);
}

/* --- options --- */

static int
set_listen(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;
	char host[sizeof(cfg->mgmt_host)];
	uint16_t port;

	if (value == NULL || strlen(value) >= sizeof(cfg->mgmt) ||
	    dp_parse_hostport(value, host, sizeof(host), &port) != 0)
		return dp_opt_error(err, errlen, name, value, "expected ADDR:PORT");
	snprintf(cfg->mgmt, sizeof(cfg->mgmt), "%s", value);
	snprintf(cfg->mgmt_host, sizeof(cfg->mgmt_host), "%s", host[0] ? host : "127.0.0.1");
	cfg->mgmt_port = port;
	return 0;
}

static int
set_policy(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	return dp_opt_path(o->policy_file, sizeof(o->policy_file), name, value, err, errlen);
}

static int
set_vpkg(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;
	size_t n;

	if (value == NULL || (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
	    strlen(value) >= sizeof(o->target.url) || strchr(value, '@') != NULL)
		return dp_opt_error(err, errlen, name, value,
				"expected http://HOST:PORT or https://HOST:PORT (credentials go in --vpkg-user)");
	snprintf(o->target.url, sizeof(o->target.url), "%s", value);
	n = strlen(o->target.url);
	while (n > 0 && o->target.url[n - 1] == '/')
		o->target.url[--n] = '\0';
	return 0;
}

static int
set_vpkg_user(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	if (value == NULL || value[0] == '\0' || strlen(value) >= sizeof(o->target.user) ||
	    strchr(value, ':') != NULL)
		return dp_opt_error(err, errlen, name, value, "a user name without ':'");
	snprintf(o->target.user, sizeof(o->target.user), "%s", value);
	return 0;
}

/* The password file follows the rule of every secret file (dp_secret.h). */
static int
set_vpkg_password_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;
	size_t len;

	if (value == NULL)
		return dp_opt_error(err, errlen, name, value, "a file name");
	return dp_secret_read(name, value, o->target.password, sizeof(o->target.password), &len,
			      err, errlen);
}

static int
set_api(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	if (value == NULL || (strcmp(value, "stream-count") != 0 && strcmp(value, "sample-plugin") != 0 &&
			      strcmp(value, "netconf") != 0))
		return dp_opt_error(err, errlen, name, value, "stream-count, sample-plugin or netconf");
	/* netconf: the stream-count model, as ODL sends it for APPC, over NETCONF */
	o->use_netconf = strcmp(value, "netconf") == 0;
	snprintf(o->api, sizeof(o->api), "%s", o->use_netconf ? "stream-count" : value);
	return 0;
}

static int
set_vpkg_netconf(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;
	char host[sizeof(o->netconf.host)];
	uint16_t port;

	if (value == NULL || dp_parse_hostport(value, host, sizeof(host), &port) != 0 || port == 0)
		return dp_opt_error(err, errlen, name, value, "expected ADDR:PORT");
	snprintf(o->netconf.host, sizeof(o->netconf.host), "%s", host[0] ? host : "127.0.0.1");
	o->netconf.port = port;
	return 0;
}

static int
set_known_hosts(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	return dp_opt_path(o->netconf.known_hosts, sizeof(o->netconf.known_hosts), name, value,
			   err, errlen);
}

/* dp_options_parse applies --config before the command line; nothing left to do here. */
static int
set_config(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	if (value == NULL || value[0] == '\0')
		return dp_opt_error(err, errlen, name, value, "a file name");
	return 0;
}

static int
set_streams(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 1, 10, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "between 1 and 10");
	o->streams = (unsigned int)v;
	return 0;
}

static int
set_min_interval(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	if (dp_parse_double(value, 0, 86400, &o->min_interval) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0 to 86400");
	return 0;
}

static int
set_log(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	return dp_opt_path(o->log_file, sizeof(o->log_file), name, value, err, errlen);
}

static int
set_events_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	return dp_opt_path(o->events_file, sizeof(o->events_file), name, value, err, errlen);
}

static int
set_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;
	double v;

	if (dp_parse_double(value, 0.01, 600, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0.01 to 600");
	o->target.timeout_ms = (long)(v * 1000);
	return 0;
}

static int
set_duration(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ctl_options *o = ctx;

	if (dp_parse_double(value, 0, 1e9, &o->duration) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0 to 1e9");
	return 0;
}

static struct dp_config cfg;

static const struct dp_option ctl_options[] = {
	{ "policy", "FILE", "policy JSON (default: ONAP's: <= 300 low, >= 700 high, 5 streams)", set_policy },
	{ "vpkg", "URL", "the generator's ONAP API (default http://127.0.0.1:8183)", set_vpkg },
	{ "vpkg-user", "NAME", "user for vpkg: REST Basic auth, NETCONF SSH (default: none)", set_vpkg_user },
	{ "vpkg-password-file", "PATH", "its password for vpkg (first line)", set_vpkg_password_file },
	{ "config", "FILE", "read options from a JSON object (keys: option names); the command line wins", set_config },
	{ "api", "NAME", "stream-count (default), sample-plugin (REST; override the policy) or netconf "
	  "(stream-count over NETCONF)", set_api },
	{ "vpkg-netconf", "ADDR:PORT", "vpkg's NETCONF server, for --api netconf (default "
	  DEFAULT_VPKG_NETCONF ")", set_vpkg_netconf },
	{ "vpkg-netconf-known-hosts", "FILE", "known_hosts file of --api netconf: the first host key "
	  "seen is added, a different one refused (required)", set_known_hosts },
	{ "streams", "N", "active streams the action sets, 1..10 (overrides the policy)", set_streams },
	{ "min-interval", "SEC", "ignore events of shorter measurement intervals (overrides the policy)", set_min_interval },
	{ "action-timeout", "SEC", "time limit of a request to vpkg (default 5)", set_timeout },
	{ "log", "FILE", "append the decision log (JSON lines) to FILE (default: stdout)", set_log },
	{ "events-file", "FILE", "append every event accepted (valid, not replayed; one JSON line each) to FILE", set_events_file },
	{ "duration", "SEC", "stop by itself after SEC seconds (default: until SIGINT/SIGTERM)", set_duration },
};

/* --listen fills the dp_config that the REST server binds from */
static const struct dp_option listen_option[] = {
	{ "listen", "ADDR:PORT", "receive VES events here (default " DEFAULT_LISTEN ")", set_listen },
};

static struct dp_app ctl_app = {
	.name = "vfwcl-controller",
	.summary = "closed-loop controller: VES collector + threshold crossing + ONAP action on vpkg",
	.usage_extra =
		"The collector accepts POST /eventListener/v5, /eventListener/v7 and their\n"
		"/eventBatch forms, and answers 202; a request that does not meet ONAP's\n"
		"VES schema for its version (a batch with one bad event included) gets 400\n"
		"with the reason and changes nothing. --mgmt-user/--mgmt-password-file set\n"
		"the Basic auth the VES agents must present. Every decision is one JSON line.\n"
		"SIGUSR1 holds the loop: events are still received, checked and logged, but\n"
		"no further action is taken (an action already started completes); the stats\n"
		"show \"held\" and \"in_flight\". Stop a closed loop this way before its generator.\n"
		"Exit status: 0 clean stop, 1 run time failure, 2 bad options.\n",
	.options = ctl_options,
	.nb_options = DP_DIM(ctl_options),
	.ctx = &ctl.opt,
	.no_common_options = true,
};

/* --- the decision log --- */

/* Write one line and drop it (ctl.lock held). */
static void
log_line(json_t *line)
{
	char *text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;

	if (text != NULL) {
		fprintf(ctl.log, "%s\n", text);
		fflush(ctl.log);
	}
	free(text);
	json_decref(line);
}

static void
log_decision(const struct tca_reading *r, const char *action, const char *result)
{
	double threshold = r->verdict == TCA_LOW ? ctl.policy.low :
			   r->verdict == TCA_HIGH ? ctl.policy.high : -1;

	log_line(json_pack("{s:I,s:I,s:s,s:s,s:f,s:b,s:s,s:o,s:s,s:s}",
			"time_ms", (json_int_t)dp_real_ms(),
			"sequence", (json_int_t)r->sequence,
			"source", r->source,
			"vnic", r->vnic,
			"value", r->value,
			"suspect", r->suspect,
			"verdict", tca_verdict_name(r->verdict),
			"threshold", threshold >= 0 ? json_real(threshold) : json_null(),
			"action", action,
			"result", result));
}

/* A refused request: nothing in it was acted on. */
static void
log_rejected(const char *path, const char *reason)
{
	log_line(json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "time_ms", (json_int_t)dp_real_ms(), "verdict", "rejected",
			"path", path, "reason", reason, "action", "none", "result", "HTTP 400"));
}

/* The replayed events of one request, in one line: the first one and how many. */
static void
log_replayed(const struct tca_reading *first, unsigned int count)
{
	log_line(json_pack("{s:I,s:s,s:s,s:I,s:f,s:i,s:s,s:s}", "time_ms", (json_int_t)dp_real_ms(),
			"verdict", "replayed", "source", first->source,
			"sequence", (json_int_t)first->sequence, "value", first->value,
			"count", (int)count, "action", "none",
			"result", "ignored: (sourceName, sequence) already seen"));
}

/* --- the action thread --- */

/* The REST action: the HTTP status, or < 0. */
static long
act_rest(char *what, size_t whatlen, char *result, size_t resultlen)
{
	struct onap_request req;
	char err[256];
	long status;

	onap_request_build(ctl.policy.api, ctl.policy.streams, &req);
	snprintf(what, whatlen, "set active streams to %u (%s %s)", ctl.policy.streams,
		 req.method, req.path);
	status = action_send(&ctl.opt.target, &req, err, sizeof(err));
	if (status > 0)
		snprintf(result, resultlen, "HTTP %ld", status);
	else
		snprintf(result, resultlen, "failed: %s", err);
	return status;
}

/* The NETCONF action: 200 for <ok/> (counted as the REST path's 2xx), or -1. */
static long
act_netconf(char *what, size_t whatlen, char *result, size_t resultlen)
{
	const struct netconf_target *nt = &ctl.opt.netconf;
	char err[256];

	snprintf(what, whatlen, "set active streams to %u (NETCONF edit-config running "
		 "stream-count:stream-count/streams on %s:%u)", ctl.policy.streams, nt->host, nt->port);
	if (action_netconf_send(&ctl.opt.target, nt, ctl.policy.streams, err, sizeof(err)) != 0) {
		snprintf(result, resultlen, "failed: %s", err);
		return -1;
	}
	snprintf(result, resultlen, "NETCONF ok");
	return 200;
}

static void *
action_thread(void *arg)
{
	struct tca_reading r;
	char what[400], result[400];
	long status;

	(void)arg;
	pthread_mutex_lock(&ctl.lock);
	for (;;) {
		while (!ctl.action_pending && !ctl.stopping)
			pthread_cond_wait(&ctl.cond, &ctl.lock);
		if (!ctl.action_pending)
			break;
		r = ctl.pending;
		ctl.action_pending = false;
		pthread_mutex_unlock(&ctl.lock);

		if (ctl.opt.use_netconf)
			status = act_netconf(what, sizeof(what), result, sizeof(result));
		else
			status = act_rest(what, sizeof(what), result, sizeof(result));

		pthread_mutex_lock(&ctl.lock);
		ctl.last_status = status;
		if (status >= 200 && status < 300)
			ctl.action_ok++;
		else
			ctl.action_failed++;
		log_decision(&r, what, result);
		tca_guard_done(&ctl.guard);
	}
	pthread_mutex_unlock(&ctl.lock);
	return NULL;
}

/* --- the collector --- */

struct collector_route {
	const char *path;
	int version;		/* VES 5 or 7 */
	bool batch;		/* eventBatch: {"eventList": [...]} */
};

static const struct collector_route collector_routes[] = {
	{ "/eventListener/v5", 5, false }, { "/eventListener/v5/eventBatch", 5, true },
	{ "/eventListener/v7", 7, false }, { "/eventListener/v7/eventBatch", 7, true },
};

/* Act on one accepted event's reading (ctl.lock held). */
static void
act_on(const struct tca_reading *r)
{
	const char *why;

	if (r->verdict == TCA_IGNORED || r->verdict == TCA_SKIPPED) {
		ctl.ignored++;
		if (r->verdict == TCA_SKIPPED)
			log_decision(r, "none", r->why);
		return;
	}
	tca_guard_event(&ctl.guard);
	if (r->verdict == TCA_NORMAL) {
		ctl.normal++;
		log_decision(r, "none", "within thresholds");
		return;
	}
	if (r->verdict == TCA_LOW)
		ctl.low++;
	else
		ctl.high++;
	if (ctl.held) {
		ctl.suppressed++;
		log_decision(r, "none", "held: no more actions (SIGUSR1)");
	} else if (r->suspect && !ctl.policy.act_on_suspect) {
		ctl.suspect++;
		log_decision(r, "none", "values are suspect (policy act-on-suspect is false)");
	} else if (tca_guard_allows(&ctl.guard, &why)) {
		tca_guard_started(&ctl.guard);
		ctl.actions++;
		ctl.pending = *r;
		ctl.action_pending = true;
		pthread_cond_signal(&ctl.cond);
	} else {
		ctl.suppressed++;
		log_decision(r, "none", why);
	}
}

static double
header_number(const json_t *event, const char *key)
{
	return json_number_value(json_object_get(json_object_get(event, "commonEventHeader"), key));
}

/* The checked events and their readings: replays are counted, the others acted on. */
static void
accept_events(const json_t *const *events, const struct tca_reading *readings, unsigned int n)
{
	const struct tca_reading *first_replay = NULL;
	unsigned int i, replayed = 0;

	pthread_mutex_lock(&ctl.lock);
	for (i = 0; i < n; i++) {
		const struct tca_reading *r = &readings[i];

		if (replay_seen(&ctl.replay, r->source, r->sequence,
				header_number(events[i], "startEpochMicrosec"),
				header_number(events[i], "lastEpochMicrosec"))) {
			ctl.replayed++;
			if (replayed++ == 0)
				first_replay = r;
			continue;
		}
		ctl.events++;
		if (ctl.events_file_open) {
			json_dumpf(events[i], ctl.events_out, JSON_COMPACT);
			fputc('\n', ctl.events_out);
			fflush(ctl.events_out);
		}
		act_on(r);
	}
	if (replayed > 0)
		log_replayed(first_replay, replayed);
	pthread_mutex_unlock(&ctl.lock);
}

static int
refuse(const struct collector_route *route, struct mgmt_reply *rep, const char *reason)
{
	pthread_mutex_lock(&ctl.lock);
	ctl.rejected++;
	log_rejected(route->path, reason);
	pthread_mutex_unlock(&ctl.lock);
	return mgmt_reply_error(rep, 400, "%s", reason);
}

/*
 * Check the body, then read every event (the policy's events must carry a
 * usable value), and only then act: a request is taken or refused whole.
 */
static int
post_events(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	const struct collector_route *route = ctx;
	const json_t *single, *list, **events;
	struct tca_reading *readings;
	char why[512];
	unsigned int i, n;

	if (ves_check_body(req->body, route->version, route->batch, why, sizeof(why)) != 0)
		return refuse(route, rep, why);
	n = (unsigned int)tca_events(req->body, &single, &list);
	readings = calloc(n, sizeof(*readings));
	events = calloc(n, sizeof(*events));
	if (readings == NULL || events == NULL) {
		free(readings);
		free(events);
		return mgmt_reply_error(rep, 503, "out of memory");
	}
	for (i = 0; i < n; i++) {
		events[i] = single != NULL ? single : json_array_get(list, i);
		tca_evaluate(&ctl.policy, events[i], &readings[i]);
		if (readings[i].verdict == TCA_UNREADABLE)
			break;
	}
	if (i < n) {
		if (single != NULL)
			snprintf(why, sizeof(why), "event: %s", readings[i].why);
		else
			snprintf(why, sizeof(why), "eventList[%u]: %s", i, readings[i].why);
		refuse(route, rep, why);
	} else {
		accept_events(events, readings, n);
		mgmt_reply_empty(rep, 202);
	}
	free(readings);
	free(events);
	return rep->status;
}

static json_t *
ctl_stats_json(void *ctx)
{
	json_t *j;

	(void)ctx;
	pthread_mutex_lock(&ctl.lock);
	j = json_pack("{s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I,s:I,s:b,s:b}}",
			"program", "vfwcl-controller",
			"events", "received", (json_int_t)ctl.events, "ignored", (json_int_t)ctl.ignored,
			"low", (json_int_t)ctl.low, "high", (json_int_t)ctl.high,
			"normal", (json_int_t)ctl.normal, "rejected", (json_int_t)ctl.rejected,
			"replayed", (json_int_t)ctl.replayed, "suspect", (json_int_t)ctl.suspect,
			"actions", "started", (json_int_t)ctl.actions, "ok", (json_int_t)ctl.action_ok,
			"failed", (json_int_t)ctl.action_failed, "suppressed", (json_int_t)ctl.suppressed,
			"last_status", (json_int_t)ctl.last_status, "in_flight", ctl.guard.in_flight,
			"held", ctl.held);
	pthread_mutex_unlock(&ctl.lock);
	return j;
}

static json_t *
ctl_config_json(void *ctx)
{
	(void)ctx;
	return json_pack("{s:s,s:s,s:f,s:f,s:i,s:s,s:s,s:i,s:b}",
			"event-name", ctl.policy.event_name, "field", ctl.policy.field,
			"low", ctl.policy.low, "high", ctl.policy.high, "streams", (int)ctl.policy.streams,
			"api", ctl.opt.use_netconf ? "netconf" : policy_api_name(ctl.policy.api),
			"vpkg", ctl.opt.target.url,
			"guard-intervals", (int)ctl.policy.guard_intervals,
			"act-on-suspect", ctl.policy.act_on_suspect);
}

/* Where and how the action goes, for the start message. */
static const char *
action_target_name(char *buf, size_t len)
{
	if (ctl.opt.use_netconf)
		snprintf(buf, len, "NETCONF (stream-count) on %s:%u, known hosts %s",
			 ctl.opt.netconf.host, ctl.opt.netconf.port, ctl.opt.netconf.known_hosts);
	else
		snprintf(buf, len, "%s on %s", policy_api_name(ctl.policy.api), ctl.opt.target.url);
	return buf;
}

/* --api netconf authenticates with a password, and checks the host key. */
static int
check_netconf_options(char *err, size_t errlen)
{
	if (ctl.opt.target.user[0] == '\0') {
		snprintf(err, errlen, "--api netconf needs --vpkg-user and --vpkg-password-file "
			 "(vpkg's NETCONF server takes its REST API's credentials)");
		return -1;
	}
	if (ctl.opt.netconf.known_hosts[0] == '\0') {
		snprintf(err, errlen, "--api netconf needs --vpkg-netconf-known-hosts FILE (the host "
			 "key is trusted on first use and recorded there)");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct mgmt_binding binding = {
		.program = "vfwcl-controller",
		.metric_prefix = "vfwcl_controller_",
		.stats_json = ctl_stats_json,
		.config_json = ctl_config_json,
	};
	struct mgmt_options mopt;
	struct mgmt_server *srv = NULL;
	struct sigaction sa;
	pthread_t action_tid;
	char err[DP_ERR_LEN], target_name[PATH_MAX + 512];
	uint64_t t0;
	unsigned int i;
	int rc;

	pthread_mutex_init(&ctl.lock, NULL);
	pthread_cond_init(&ctl.cond, NULL);
	snprintf(ctl.opt.target.url, sizeof(ctl.opt.target.url), "http://127.0.0.1:8183");
	ctl.opt.target.timeout_ms = 5000;
	set_vpkg_netconf(&ctl.opt, "vpkg-netconf", DEFAULT_VPKG_NETCONF, err, sizeof(err));
	ctl.opt.min_interval = -1;
	dp_config_defaults(&cfg);
	set_listen(&cfg, "listen", DEFAULT_LISTEN, err, sizeof(err));
	mgmt_options_init(&mopt);
	dp_app_add_group(&ctl_app, &(struct dp_option_group){ "Collector", listen_option, 1, &cfg });
	mgmt_options_register(&ctl_app, &mopt);
	/* the REST server is the collector itself: there is no --mgmt here */
	ctl_app.groups[ctl_app.nb_groups - 1].title = "Collector (REST) options, on --listen ADDR:PORT";
	rc = dp_options_parse(&ctl_app, &cfg, argc, argv, err, sizeof(err));
	if (rc == DP_PARSE_EXIT)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "vfwcl-controller: %s\n", err);
		return 2;
	}
	policy_defaults(&ctl.policy);
	if (ctl.opt.policy_file[0] != '\0' &&
	    policy_load(&ctl.policy, ctl.opt.policy_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "vfwcl-controller: --policy %s\n", err);
		return 2;
	}
	if (ctl.opt.api[0] != '\0')
		ctl.policy.api = strcmp(ctl.opt.api, "sample-plugin") == 0 ?
				 POLICY_API_SAMPLE_PLUGIN : POLICY_API_STREAM_COUNT;
	if (ctl.opt.streams != 0)
		ctl.policy.streams = ctl.opt.streams;
	if (ctl.opt.min_interval >= 0)
		ctl.policy.min_interval = ctl.opt.min_interval;
	if (ctl.opt.target.user[0] != '\0' && ctl.opt.target.password[0] == '\0') {
		fprintf(stderr, "vfwcl-controller: --vpkg-user needs --vpkg-password-file\n");
		return 2;
	}
	if (ctl.opt.use_netconf && check_netconf_options(err, sizeof(err)) != 0) {
		fprintf(stderr, "vfwcl-controller: %s\n", err);
		return 2;
	}
	ctl.log = stdout;
	if (ctl.opt.log_file[0] != '\0') {
		ctl.log = fopen(ctl.opt.log_file, "a");
		if (ctl.log == NULL) {
			fprintf(stderr, "vfwcl-controller: --log: invalid value '%s' (%s)\n",
				ctl.opt.log_file, strerror(errno));
			return 2;
		}
	}
	if (ctl.opt.events_file[0] != '\0') {
		ctl.events_out = fopen(ctl.opt.events_file, "a");
		if (ctl.events_out == NULL) {
			fprintf(stderr, "vfwcl-controller: --events-file: invalid value '%s' (%s)\n",
				ctl.opt.events_file, strerror(errno));
			return 2;
		}
		ctl.events_file_open = true;
	}
	tca_guard_init(&ctl.guard, ctl.policy.guard_intervals);
	replay_init(&ctl.replay);

	rc = mgmt_create(&srv, &mopt, &binding, &cfg, err, sizeof(err));
	for (i = 0; rc == 0 && i < DP_DIM(collector_routes); i++)
		rc = mgmt_route_add(srv, "POST", collector_routes[i].path, post_events,
				    (void *)(uintptr_t)&collector_routes[i]);
	if (rc != 0) {
		fprintf(stderr, "vfwcl-controller: %s\n", rc == -EINVAL ? err : strerror(-rc));
		return rc == -EINVAL ? 2 : 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ctl.opt.use_netconf)
		action_netconf_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hold;
	sigaction(SIGUSR1, &sa, NULL);
	if (pthread_create(&action_tid, NULL, action_thread, NULL) != 0) {
		fprintf(stderr, "vfwcl-controller: cannot start the action thread\n");
		return 1;
	}
	rc = mgmt_start(srv, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "vfwcl-controller: %s\n", err);
		atomic_store(&quit, true);
	} else {
		fprintf(stderr, "vfwcl-controller: VES collector on %s, action: %u streams via %s\n",
			cfg.mgmt, ctl.policy.streams, action_target_name(target_name, sizeof(target_name)));
	}

	t0 = dp_mono_ns();
	while (!atomic_load(&quit)) {
		usleep(50000);
		if (atomic_load(&hold_requested) && !ctl.held) {
			pthread_mutex_lock(&ctl.lock);
			ctl.held = true;
			log_line(json_pack("{s:I,s:s,s:s,s:s,s:s}", "time_ms", (json_int_t)dp_real_ms(),
					   "verdict", "held", "reason", "SIGUSR1",
					   "action", "none", "result", "no more actions"));
			pthread_mutex_unlock(&ctl.lock);
		}
		if (ctl.opt.duration > 0 && (double)(dp_mono_ns() - t0) / 1e9 >= ctl.opt.duration)
			break;
	}
	mgmt_stop(srv);
	pthread_mutex_lock(&ctl.lock);
	ctl.stopping = true;	/* the action thread finishes a pending action first */
	pthread_cond_signal(&ctl.cond);
	pthread_mutex_unlock(&ctl.lock);
	pthread_join(action_tid, NULL);
	memset(ctl.opt.target.password, 0, sizeof(ctl.opt.target.password));
	curl_global_cleanup();
	if (ctl.opt.use_netconf)
		action_netconf_cleanup();
	if (ctl.log != stdout)
		fclose(ctl.log);
	if (ctl.events_file_open)
		fclose(ctl.events_out);
	return rc == 0 ? 0 : (rc == -EINVAL ? 2 : 1);
}
