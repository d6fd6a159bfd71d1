/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The --ves-* options: one setter per option, each checking its own value;
 * ves_config_finalize() checks what needs several options.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dp_secret.h"
#include "ves_config.h"
#include "ves_url.h"

void
ves_config_defaults(struct ves_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = VES_DEFAULT_VERSION;
	cfg->interval_s = VES_DEFAULT_INTERVAL;
	cfg->heartbeat_s = VES_DEFAULT_HEARTBEAT;
	snprintf(cfg->event_name, sizeof(cfg->event_name), "%s", VES_DEFAULT_EVENT_NAME);
	cfg->nic_array = VES_NIC_PERFORMANCE;
	cfg->queue_len = VES_DEFAULT_QUEUE;
	cfg->batch = VES_DEFAULT_BATCH;
	cfg->connect_timeout_ms = VES_DEFAULT_CONNECT_TIMEOUT_MS;
	cfg->timeout_ms = VES_DEFAULT_TIMEOUT_MS;
	cfg->backoff_max_ms = VES_DEFAULT_BACKOFF_MAX_MS;
}

void
ves_config_wipe(struct ves_config *cfg)
{
	explicit_bzero(cfg->password, sizeof(cfg->password));
	explicit_bzero(cfg->token, sizeof(cfg->token));
	cfg->password_set = false;
}

/* Remember the first option that only makes sense with --ves-url. */
static void
mark(struct ves_config *cfg, const char *name)
{
	if (cfg->first_set == NULL)
		cfg->first_set = name;
}

/* The URL for a message: "user:password@" replaced by "***@". */
static void
url_redacted(const char *url, char *out, size_t outlen)
{
	const char *auth = url != NULL ? strstr(url, "://") : NULL;
	const char *at, *end;

	if (auth == NULL) {
		snprintf(out, outlen, "%s", url != NULL ? url : "");
		return;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (at == NULL)
		snprintf(out, outlen, "%s", url);
	else
		snprintf(out, outlen, "%.*s***%s", (int)(auth - url), url, at);
}

int
ves_opt_url(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;
	char why[160], shown[VES_URL_MAX];

	url_redacted(value, shown, sizeof(shown));
	if (value != NULL && strlen(value) >= sizeof(cfg->url))
		return dp_opt_error(err, errlen, name, shown, "URL too long");
	if (ves_url_check(value, why, sizeof(why)) != 0)
		return dp_opt_error(err, errlen, name, shown, "%s", why);
	snprintf(cfg->url, sizeof(cfg->url), "%s", value);
	return 0;
}

static int
set_version(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	if (value == NULL || (strcmp(value, "5") != 0 && strcmp(value, "7") != 0))
		return dp_opt_error(err, errlen, name, value, "must be 5 or 7");
	cfg->version = (unsigned int)(value[0] - '0');
	cfg->version_set = true;
	mark(cfg, name);
	return 0;
}

static int
parse_uint(const char *name, const char *value, uint64_t min, uint64_t max, uint32_t *out,
		char *err, size_t errlen)
{
	uint64_t v;

	if (dp_parse_u64(value, min, max, &v) != 0)
		return dp_opt_error(err, errlen, name, value,
				"must be an integer between %" PRIu64 " and %" PRIu64, min, max);
	*out = (uint32_t)v;
	return 0;
}

/* Seconds (decimal allowed) into milliseconds. */
static int
parse_ms(const char *name, const char *value, double min, double max, uint32_t *out,
		char *err, size_t errlen)
{
	double v;

	if (dp_parse_double(value, min, max, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, between %g and %g",
				min, max);
	*out = (uint32_t)(v * 1000.0 + 0.5);
	return 0;
}

int
ves_opt_interval(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_uint(name, value, 1, VES_MAX_INTERVAL, &cfg->interval_s, err, errlen);
}

static int
set_heartbeat(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_uint(name, value, 0, VES_MAX_HEARTBEAT, &cfg->heartbeat_s, err, errlen);
}

int
ves_opt_queue(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_uint(name, value, 1, VES_MAX_QUEUE, &cfg->queue_len, err, errlen);
}

int
ves_opt_batch(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_uint(name, value, 1, VES_MAX_BATCH, &cfg->batch, err, errlen);
}

int
ves_opt_connect_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_ms(name, value, 0.1, 300, &cfg->connect_timeout_ms, err, errlen);
}

int
ves_opt_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_ms(name, value, 0.1, 3600, &cfg->timeout_ms, err, errlen);
}

int
ves_opt_backoff_max(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return parse_ms(name, value, 0.1, 3600, &cfg->backoff_max_ms, err, errlen);
}

/* Names in the event header: printable, no control characters. */
static int
set_name(char *dst, size_t dstlen, const char *name, const char *value, char *err,
		size_t errlen)
{
	const unsigned char *p;

	if (value == NULL || *value == '\0')
		return dp_opt_error(err, errlen, name, value, "empty name");
	if (strlen(value) >= dstlen)
		return dp_opt_error(err, errlen, name, value, "longer than %zu characters",
				dstlen - 1);
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (iscntrl(*p))
			return dp_opt_error(err, errlen, name, value, "control character in name");
	snprintf(dst, dstlen, "%s", value);
	return 0;
}

int
ves_opt_source_name(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return set_name(cfg->source_name, sizeof(cfg->source_name), name, value, err, errlen);
}

static int
set_reporting_entity(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return set_name(cfg->reporting_entity, sizeof(cfg->reporting_entity), name, value, err,
			errlen);
}

static int
set_event_name(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return set_name(cfg->event_name, sizeof(cfg->event_name), name, value, err, errlen);
}

static int
set_user(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;
	int rc;

	mark(cfg, name);
	if (value != NULL && strchr(value, ':') != NULL)
		return dp_opt_error(err, errlen, name, value, "no ':' in a Basic auth user name");
	rc = set_name(cfg->user, sizeof(cfg->user), name, value, err, errlen);
	return rc;
}

/* Store a password; its value never goes into a message. */
static int
store_password(struct ves_config *cfg, const char *name, const char *shown, const char *pw,
		size_t len, char *err, size_t errlen)
{
	if (len == 0)
		return dp_opt_error(err, errlen, name, shown, "empty password");
	if (len >= sizeof(cfg->password))
		return dp_opt_error(err, errlen, name, shown, "password longer than %zu bytes",
				sizeof(cfg->password) - 1);
	memcpy(cfg->password, pw, len);
	cfg->password[len] = '\0';
	cfg->password_set = true;
	cfg->password_option = name;
	return 0;
}

static int
set_password(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	return store_password(cfg, name, "***", value, value != NULL ? strlen(value) : 0, err,
			errlen);
}

/* The first line of a secret file (dp_secret_read: mode 600, regular, small). */
static int
set_password_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;
	char buf[VES_SECRET_MAX];
	size_t n;
	int rc;

	mark(cfg, name);
	rc = dp_secret_read(name, value, buf, sizeof(buf), &n, err, errlen);
	if (rc == 0)
		rc = store_password(cfg, name, value, buf, n, err, errlen);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int
ves_opt_ca(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;
	char path[sizeof(cfg->ca_file)];
	FILE *f;

	mark(cfg, name);
	if (dp_opt_path(path, sizeof(path), name, value, err, errlen) != 0)
		return -EINVAL;
	f = fopen(path, "r");
	if (f == NULL)
		return dp_opt_error(err, errlen, name, value, "cannot read: %s", strerror(errno));
	fclose(f);
	memcpy(cfg->ca_file, path, sizeof(path));	/* only once it is readable */
	return 0;
}

static int
set_nic_array(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;

	mark(cfg, name);
	if (value != NULL && strcmp(value, "performance") == 0)
		cfg->nic_array = VES_NIC_PERFORMANCE;
	else if (value != NULL && strcmp(value, "usage") == 0)
		cfg->nic_array = VES_NIC_USAGE;
	else if (value != NULL && strcmp(value, "both") == 0)
		cfg->nic_array = VES_NIC_BOTH;
	else
		return dp_opt_error(err, errlen, name, value, "must be performance, usage or both");
	return 0;
}

static const struct dp_option ves_options[] = {
	{ "ves-url", "URL", "send VES events to this collector, http[s]://HOST[:PORT][/PATH] "
	  "(default path /eventListener/v5 or v7; default: agent off)", ves_opt_url },
	{ "ves-version", "5|7", "VES version: 5 (measurementsForVfScaling) or 7 (measurement) "
	  "(default 5, or the one the URL path names)", set_version },
	{ "ves-interval", "SEC", "measurement interval, aligned to the wall clock, 1..3600 (default 10)",
	  ves_opt_interval },
	{ "ves-heartbeat", "SEC", "heartbeat interval, 0 = none (default 60)", set_heartbeat },
	{ "ves-source-name", "NAME", "sourceName of the events (default: host name)", ves_opt_source_name },
	{ "ves-reporting-entity", "NAME", "reportingEntityName (default: host name)",
	  set_reporting_entity },
	{ "ves-event-name", "NAME", "eventName of measurements (default vFirewallBroadcastPackets)",
	  set_event_name },
	{ "ves-nic-array", "KIND", "v5 per-port array: performance (vNicPerformanceArray), "
	  "usage (vNicUsageArray, ONAP Beijing) or both (default performance)", set_nic_array },
	{ "ves-user", "USER", "HTTP Basic auth user", set_user },
	{ "ves-password-file", "FILE", "HTTP Basic auth password: first line of FILE (mode 600)", set_password_file },
	{ "ves-password", "PASS", "HTTP Basic auth password (visible in ps: prefer --ves-password-file)",
	  set_password },
	{ "ves-ca", "FILE", "CA certificates (PEM) to verify an https collector (default: system store)",
	  ves_opt_ca },
	{ "ves-insecure", NULL, "do not verify the https collector's certificate and host name",
	  DP_OPT_BOOL(struct ves_config, insecure, true) },
	{ "ves-queue", "N", "events waiting for the collector, at most; the oldest are dropped "
	  "beyond (default 1000)", ves_opt_queue },
	{ "ves-batch", "N", "events per POST, 1..100; >1 uses eventBatch (default 1)", ves_opt_batch },
	{ "ves-connect-timeout", "SEC", "connect timeout (default 3)", ves_opt_connect_timeout },
	{ "ves-timeout", "SEC", "whole request timeout (default 5)", ves_opt_timeout },
	{ "ves-backoff-max", "SEC", "retry back-off cap; it starts at 0.5 s and doubles (default 30)",
	  ves_opt_backoff_max },
};

int
ves_options_register(struct dp_app *app, struct ves_config *cfg)
{
	const struct dp_option_group g = {
		.title = "VES agent options",
		.options = ves_options,
		.nb_options = DP_DIM(ves_options),
		.ctx = cfg,
	};

	return dp_app_add_group(app, &g);
}

int
ves_config_finalize(struct ves_config *cfg, char *err, size_t errlen)
{
	unsigned int pv;
	bool https;

	if (!ves_config_enabled(cfg)) {
		if (cfg->first_set != NULL) {
			snprintf(err, errlen, "--%s: needs --ves-url", cfg->first_set);
			return -EINVAL;
		}
		return 0;
	}
	pv = ves_url_path_version(cfg->url);
	if (pv != 0 && !cfg->version_set)
		cfg->version = pv;
	if (pv != 0 && pv != cfg->version)
		return dp_opt_error(err, errlen, "ves-url", cfg->url,
				"the path names VES v%u but --ves-version is %u", pv, cfg->version);
	if (cfg->user[0] != '\0' && !cfg->password_set) {
		snprintf(err, errlen, "--ves-user: needs --ves-password-file or --ves-password");
		return -EINVAL;
	}
	if (cfg->user[0] == '\0' && cfg->password_set) {
		snprintf(err, errlen, "--%s: needs --ves-user", cfg->password_option);
		return -EINVAL;
	}
	https = ves_url_is_https(cfg->url);
	if (cfg->ca_file[0] != '\0' && !https)
		return dp_opt_error(err, errlen, "ves-ca", cfg->ca_file,
				"only for an https --ves-url");
	if (cfg->insecure && !https) {
		snprintf(err, errlen, "--ves-insecure: only for an https --ves-url");
		return -EINVAL;
	}
	if (cfg->batch > cfg->queue_len) {
		char v[16];

		snprintf(v, sizeof(v), "%u", cfg->batch);
		return dp_opt_error(err, errlen, "ves-batch", v, "larger than --ves-queue %u",
				cfg->queue_len);
	}
	if (ves_url_endpoints(cfg->url, cfg->version, cfg->endpoint, sizeof(cfg->endpoint),
			cfg->batch_endpoint, sizeof(cfg->batch_endpoint)) != 0)
		return dp_opt_error(err, errlen, "ves-url", cfg->url, "URL too long");
	return 0;
}
