/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The --influx-* options. The settings shared with VES use the VES setters
 * (ves_config.h); the token file and the URL's form are checked here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_secret.h"
#include "influx_config.h"
#include "influx_url.h"
#include "ves_url.h"

void
influx_config_defaults(struct ves_config *cfg)
{
	ves_config_defaults(cfg);
	cfg->version = 0;		/* set from the URL */
	cfg->interval_s = INFLUX_DEFAULT_INTERVAL;
	cfg->heartbeat_s = 0;		/* the encoder has no heartbeat */
	cfg->queue_len = INFLUX_DEFAULT_QUEUE;
	cfg->batch = INFLUX_DEFAULT_BATCH;
}

/* The options but --influx-url say so, for "needs --influx-url" (the shared
 * setters do it themselves). */
static void
mark(struct ves_config *cfg, const char *name)
{
	if (cfg->first_set == NULL)
		cfg->first_set = name;
}

/* The first line of a secret file (mode 600, regular, small); never printed. */
static int
set_token_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct ves_config *cfg = ctx;
	char buf[VES_SECRET_MAX];
	size_t n = 0;
	int rc;

	mark(cfg, name);
	/* refuses an empty line and control characters (no header injection) */
	rc = dp_secret_read(name, value, buf, sizeof(buf), &n, err, errlen);
	if (rc == 0)
		memcpy(cfg->token, buf, sizeof(cfg->token));
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static const struct dp_option influx_options[] = {
	{ "influx-url", "URL", "write points to InfluxDB: http[s]://HOST:PORT/write?db=NAME (1.x) or "
	  "/api/v2/write?org=ORG&bucket=BUCKET (2.x); precision=ns (default: export off)", ves_opt_url },
	{ "influx-token-file", "FILE", "InfluxDB token (Authorization: Token): first line of FILE "
	  "(mode 600)", set_token_file },
	{ "influx-interval", "SEC", "export interval, aligned to the wall clock, 1..3600 (default 10)",
	  ves_opt_interval },
	{ "influx-instance", "NAME", "the instance tag of the points (default: host name)",
	  ves_opt_source_name },
	{ "influx-queue", "N", "intervals waiting for the database, at most; the oldest are "
	  "dropped beyond (default 300)", ves_opt_queue },
	{ "influx-batch", "N", "intervals per POST, 1..100 (default 10)", ves_opt_batch },
	{ "influx-timeout", "SEC", "whole request timeout (default 5)", ves_opt_timeout },
	{ "influx-backoff-max", "SEC", "retry back-off cap; it starts at 0.5 s and doubles "
	  "(default 30)", ves_opt_backoff_max },
	{ "influx-ca", "FILE", "CA certificates (PEM) to verify an https database (default: "
	  "system store)", ves_opt_ca },
};

int
influx_options_register(struct dp_app *app, struct ves_config *cfg)
{
	const struct dp_option_group g = {
		.title = "InfluxDB export options",
		.options = influx_options,
		.nb_options = DP_DIM(influx_options),
		.ctx = cfg,
	};

	return dp_app_add_group(app, &g);
}

int
influx_config_finalize(struct ves_config *cfg, char *err, size_t errlen)
{
	char why[160];
	int api;

	if (!ves_config_enabled(cfg)) {
		if (cfg->first_set != NULL) {
			snprintf(err, errlen, "--%s: needs --influx-url", cfg->first_set);
			return -EINVAL;
		}
		return 0;
	}
	api = influx_url_endpoint(cfg->url, cfg->endpoint, sizeof(cfg->endpoint), why, sizeof(why));
	if (api < 0)
		return dp_opt_error(err, errlen, "influx-url", cfg->url, "%s", why);
	cfg->version = (unsigned int)api;
	snprintf(cfg->batch_endpoint, sizeof(cfg->batch_endpoint), "%s", cfg->endpoint);
	if (cfg->ca_file[0] != '\0' && !ves_url_is_https(cfg->url))
		return dp_opt_error(err, errlen, "influx-ca", cfg->ca_file,
				"only for an https --influx-url");
	if (cfg->batch > cfg->queue_len) {
		char v[16];

		snprintf(v, sizeof(v), "%u", cfg->batch);
		return dp_opt_error(err, errlen, "influx-batch", v, "larger than --influx-queue %u",
				cfg->queue_len);
	}
	return 0;
}
