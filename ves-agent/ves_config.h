/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VES agent configuration: the --ves-* options (one dp_option_group), their
 * defaults and the checks that need several options at once.
 *
 *   ves_config_defaults(&cfg);
 *   ves_options_register(&app, &cfg);     before dp_main_init / dp_options_parse
 *   ...parse...
 *   ves_config_finalize(&cfg, err, len)   -EINVAL: print err, exit 2
 *
 * Every setter validates its value alone (URL syntax, file readable, ranges)
 * and fails with dp_opt_error(), so the option framework prints one line
 * naming the option and value and the binary exits 2. The password is never
 * printed nor logged.
 *
 * Thread safety: main thread, before the agent starts; immutable after.
 */
#ifndef VES_CONFIG_H
#define VES_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_options.h"

#define VES_URL_MAX 1024
#define VES_NAME_MAX 128
#define VES_SECRET_MAX 256

#define VES_DEFAULT_VERSION 5
#define VES_DEFAULT_INTERVAL 10		/* seconds */
#define VES_MAX_INTERVAL 3600
#define VES_DEFAULT_HEARTBEAT 60	/* seconds; 0 = off */
#define VES_MAX_HEARTBEAT 86400
#define VES_DEFAULT_QUEUE 1000		/* events */
#define VES_MAX_QUEUE 1000000
#define VES_DEFAULT_BATCH 1		/* events per POST; 1 = single events */
#define VES_MAX_BATCH 100
#define VES_DEFAULT_CONNECT_TIMEOUT_MS 3000
#define VES_DEFAULT_TIMEOUT_MS 5000
#define VES_DEFAULT_BACKOFF_MAX_MS 30000
#define VES_BACKOFF_INITIAL_MS 500
#define VES_DEFAULT_EVENT_NAME "vFirewallBroadcastPackets"

/* Which v5 per-NIC array the measurement events carry. */
enum ves_nic_array {
	VES_NIC_PERFORMANCE = 0,	/* vNicPerformanceArray (VES 5.x, ONAP Casablanca+) */
	VES_NIC_USAGE,			/* vNicUsageArray (ONAP Beijing's vFW and TCA) */
	VES_NIC_BOTH,
};

struct ves_config {
	char url[VES_URL_MAX];		/* as given; "" = agent off */
	unsigned int version;		/* 5 or 7 */
	bool version_set;		/* given explicitly */
	uint32_t interval_s;		/* measurement interval */
	uint32_t heartbeat_s;		/* 0 = no heartbeat */
	char user[VES_NAME_MAX];	/* "" = no authentication */
	char password[VES_SECRET_MAX];	/* never logged */
	bool password_set;
	const char *password_option;	/* the option that set it, for messages */
	char token[VES_SECRET_MAX];	/* "Authorization: Token" (InfluxDB); never logged */
	char ca_file[PATH_MAX];		/* "" = the system's CA store */
	bool insecure;			/* no TLS peer/host verification */
	char source_name[VES_NAME_MAX];	/* "" = host name */
	char reporting_entity[VES_NAME_MAX];	/* "" = host name */
	char event_name[VES_NAME_MAX];	/* measurement eventName */
	enum ves_nic_array nic_array;	/* v5 only */
	uint32_t queue_len;		/* events waiting, at most */
	uint32_t batch;			/* events per POST */
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;		/* whole request */
	uint32_t backoff_max_ms;	/* retry back-off cap */
	const char *first_set;		/* first --ves-* option given but --ves-url */

	/* resolved by ves_config_finalize() */
	char endpoint[VES_URL_MAX];	/* single events: URL with path */
	char batch_endpoint[VES_URL_MAX];	/* eventBatch */
};

/* Defaults: agent off, v5, 10 s, heartbeat 60 s, queue 1000, ... */
void ves_config_defaults(struct ves_config *cfg);

/* Add the "VES agent" option group to app (before option parsing). */
int ves_options_register(struct dp_app *app, struct ves_config *cfg);

/* True when --ves-url was given. */
static inline bool
ves_config_enabled(const struct ves_config *cfg)
{
	return cfg->url[0] != '\0';
}

/*
 * After parsing: cross-option checks (--ves-user without a password, --ves-ca
 * on an http URL, a --ves-* option without --ves-url, URL path naming the
 * other version) and the endpoints (default path /eventListener/v5 or v7).
 * Returns 0 or -EINVAL with one line in err naming the option.
 */
int ves_config_finalize(struct ves_config *cfg, char *err, size_t errlen);

/*
 * The setters of the options the InfluxDB export shares with VES
 * (influx_options.c uses them with its own struct ves_config as ctx): each
 * checks its value alone and fails with dp_opt_error().
 */
int ves_opt_url(void *ctx, const char *name, const char *value, char *err, size_t errlen);
int ves_opt_interval(void *ctx, const char *name, const char *value, char *err, size_t errlen);
int ves_opt_queue(void *ctx, const char *name, const char *value, char *err, size_t errlen);
int ves_opt_batch(void *ctx, const char *name, const char *value, char *err, size_t errlen);
int ves_opt_connect_timeout(void *ctx, const char *name, const char *value, char *err,
		size_t errlen);
int ves_opt_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen);
int ves_opt_backoff_max(void *ctx, const char *name, const char *value, char *err,
		size_t errlen);
int ves_opt_source_name(void *ctx, const char *name, const char *value, char *err,
		size_t errlen);
int ves_opt_ca(void *ctx, const char *name, const char *value, char *err, size_t errlen);

/* Overwrite the password and the token in memory (at exit). */
void ves_config_wipe(struct ves_config *cfg);

#endif /* VES_CONFIG_H */
