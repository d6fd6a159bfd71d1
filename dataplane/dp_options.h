/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application options, testpmd style: BINARY [EAL options] -- [app options].
 *
 * One table of options drives getopt_long, --help, the --config JSON file
 * (keys are the long option names) and the error messages. The options every
 * binary shares are here; each binary adds its own table with a context
 * pointer. The command line wins over the config file.
 *
 * Errors: a parse function returns a negative errno and writes one line
 * naming the bad option and value into err; the caller prints it and exits 2.
 *
 * Thread safety: main lcore, before any worker starts (dp_options_reread:
 * a control thread, later).
 */
#ifndef DP_OPTIONS_H
#define DP_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dp_xdp_rule.h"

#define DP_ERR_LEN 256
/* Elements of an array (RTE_DIM, for the libraries built without DPDK). */
#define DP_DIM(a) (sizeof(a) / sizeof((a)[0]))
#define DP_MAX_OPTIONS 160	/* of a binary, all tables together */

/* The options all three binaries share (DESIGN.md). Owned by main. */
struct dp_config {
	uint64_t portmask;		/* 0 = every port */
	uint16_t nb_cores;		/* worker lcores; 0 = every worker lcore */
	uint16_t nb_rxq;		/* per port */
	uint16_t nb_txq;		/* per port; 0 = one per worker */
	uint16_t nb_rxd;
	uint16_t nb_txd;
	uint16_t burst;
	uint16_t mbcache;
	uint32_t total_num_mbufs;	/* 0 = sized from ports x queues x descriptors */
	uint32_t stats_period;		/* seconds; 0 = no periodic line */
	double duration;		/* seconds; 0 = until SIGINT/SIGTERM */
	uint32_t idle_sleep_us;		/* 0 = pure busy polling */
	bool promisc;			/* default true */
	char stats_file[PATH_MAX];	/* "" = none */
	char config_file[PATH_MAX];	/* "" = none */
	char mgmt[128];			/* "ADDR:PORT"; "" = off */
	char mgmt_host[64];
	uint16_t mgmt_port;
	/* --xdp-steer, in the order given (net_af_xdp ports; dp_xdp.h) */
	struct vfwcl_xdp_rule xdp_rules[VFWCL_XDP_MAX_RULES];
	unsigned int nb_xdp_rules;
	/* the options given (config file, then command line), each once, for messages */
	const char *given[DP_MAX_OPTIONS];
	unsigned int nb_given;
};

#define DP_DEFAULT_RXD 1024
#define DP_DEFAULT_TXD 1024
#define DP_DEFAULT_BURST 32
#define DP_MAX_BURST 512
#define DP_DEFAULT_MBCACHE 256

/*
 * Setter for one option: value is NULL for flags. Returns 0, or -EINVAL with
 * one line in err (without the program name) naming the option and value.
 */
typedef int (*dp_opt_set_fn)(void *ctx, const char *name, const char *value,
		char *err, size_t errlen);

struct dp_option {
	const char *name;	/* long name without "--"; also the config JSON key */
	const char *arg;	/* metavar shown in --help; NULL = flag without value */
	const char *help;	/* one line; the default where there is one */
	dp_opt_set_fn set;	/* NULL: a flag that stores flag_value at flag_offset of ctx */
	size_t flag_offset;
	bool flag_value;
};

/* The tail of a flag entry that sets a bool field: { name, NULL, help, DP_OPT_BOOL(...) } */
#define DP_OPT_BOOL(type, field, value) NULL, offsetof(type, field), (value)

/*
 * Hook for config-file keys that are not options (e.g. vpkg's "streams"
 * array). Returns 0, -ENOENT if the key is unknown, or -EINVAL with err.
 */
typedef int (*dp_config_key_fn)(void *ctx, const char *key, json_t *value,
		char *err, size_t errlen);

/* A further table of options with its own context (mgmt/, ves-agent/). */
struct dp_option_group {
	const char *title;		/* heading in --help */
	const struct dp_option *options;
	unsigned int nb_options;
	void *ctx;
};

#define DP_MAX_OPTION_GROUPS 6

struct dp_app {
	const char *name;		/* "vsnk" */
	const char *summary;		/* one line for --help */
	const char *usage_extra;	/* more --help text after the options, or NULL */
	const struct dp_option *options;	/* the binary's own options */
	unsigned int nb_options;
	void *ctx;			/* passed to the setters */
	dp_config_key_fn config_key;	/* optional */
	/* true for programs without ports (the controller): no common options */
	bool no_common_options;
	/* further option tables (management plane, VES agent), optional */
	struct dp_option_group groups[DP_MAX_OPTION_GROUPS];
	unsigned int nb_groups;
};

enum dp_parse_result {
	DP_PARSE_RUN = 0,	/* go on */
	DP_PARSE_EXIT = 1,	/* --help or --version printed: exit 0 */
};

/* Append an option group to app (before dp_options_parse); -ENOSPC when full. */
int dp_app_add_group(struct dp_app *app, const struct dp_option_group *group);

/* Defaults for the shared options. */
void dp_config_defaults(struct dp_config *cfg);

/*
 * Parse the application arguments (the part after "--"; argv[0] is the
 * program name). Applies the --config file first, then the command line.
 * Returns DP_PARSE_RUN, DP_PARSE_EXIT, or a negative errno with err filled.
 */
int dp_options_parse(const struct dp_app *app, struct dp_config *cfg,
		int argc, char **argv, char *err, size_t errlen);

/* A context of an option table (the app's or a group's) and restart's fresh copy of it. */
struct dp_reread_ctx {
	const void *live;	/* the ctx given in struct dp_app or its group */
	void *fresh;		/* set to the defaults by the caller */
};

/*
 * Restart's re-read (dp_lifecycle.h): the --config file of the start read
 * again, then the same command line (which still wins), into fresh
 * contexts: the tables whose live ctx is in ctxs[0..n-1] are applied to
 * its fresh one (the app's config_key too, with the app's fresh ctx), the
 * other tables' options are recognised but not applied; the common options
 * go to a scratch struct dp_config, so a bad value of one of them is
 * refused too. Nothing live is written. 0, or -EINVAL with err naming the
 * file, key and value (-ENOMEM). One control thread at a time, after
 * dp_options_parse.
 */
int dp_options_reread(const struct dp_app *app, const struct dp_reread_ctx *ctxs, unsigned int n,
		char *err, size_t errlen);

/* Whether option name was given (config file or command line) to dp_options_parse. */
bool dp_config_given(const struct dp_config *cfg, const char *name);

/*
 * The first option given whose name starts with prefix ("mgmt-"), or NULL:
 * for "--X needs --Y" messages that must name the option actually given.
 */
const char *dp_config_first_given(const struct dp_config *cfg, const char *prefix);

/*
 * What --version prints after the program's version, e.g. "DPDK 22.11.1"
 * (dp_main_init sets it; a program without DPDK leaves it NULL: nothing).
 */
void dp_options_set_platform(const char *platform);

/* Print --help to stdout. */
void dp_options_usage(const struct dp_app *app);

/* --- value parsers for setters: strict, whole string, range checked --- */
int dp_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int dp_parse_double(const char *s, double min, double max, double *out);
int dp_parse_bool(const char *s, bool *out);	/* "1/0/true/false/yes/no/on/off" */
/* "ADDR:PORT" or "[V6ADDR]:PORT" or ":PORT" (loopback); host out is "" for ":PORT". */
int dp_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port);
/* "aa:bb:cc:dd:ee:ff" */
int dp_parse_mac(const char *s, uint8_t mac[6]);
/* dotted IPv4 into host order */
int dp_parse_ipv4(const char *s, uint32_t *out);
/*
 * A setter's path value into dst (dstlen bytes): 0, or -EINVAL with err
 * naming the option when it is empty or does not fit.
 */
int dp_opt_path(char *dst, size_t dstlen, const char *name, const char *value, char *err,
		size_t errlen);
/* set err to "--NAME: invalid value 'VALUE' (WHY)" and return -EINVAL */
int dp_opt_error(char *err, size_t errlen, const char *name, const char *value,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif /* DP_OPTIONS_H */
