/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_config.h>

#include "dp_options.h"
#include "dp_secret.h"

#define OPT_VAL_BASE 1000

/* written: main before parsing; read: --version */
static const char *platform;

/*
 * The application arguments of the start, for restart's re-read: a copy
 * of the pointer array (dp_main_init's is on its stack), the strings are
 * main's argv. Written: dp_options_parse (main, before any thread); read:
 * dp_options_reread (one control thread at a time).
 */
static char **saved_argv;
static int saved_argc;

/*
 * Where each table's setters write: the live contexts at start, restart's
 * fresh ones in dp_options_reread, or CTX_SKIP: the table's options are
 * recognised, not applied (not NULL: a table may keep its state in statics
 * and have a NULL ctx, such as the VES agent's).
 */
static char skip_marker;
#define CTX_SKIP ((void *)&skip_marker)

struct ctx_set {
	struct dp_config *cfg;
	void *app;
	void *group[DP_MAX_OPTION_GROUPS];
};

/* --- strict value parsers --- */

int
dp_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
dp_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
dp_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	unsigned int i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
dp_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *h = s;
	size_t hl;
	uint64_t p;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl >= hostlen)
		return -EINVAL;
	if (dp_parse_u64(colon + 1, 1, 65535, &p) != 0)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (hl > 0) {
		struct in6_addr a6;
		struct in_addr a4;

		if (inet_pton(AF_INET, host, &a4) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
			return -EINVAL;
	}
	*port = (uint16_t)p;
	return 0;
}

int
dp_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (s == NULL || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int
dp_parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int
dp_opt_error(char *err, size_t errlen, const char *name, const char *value,
		const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (value != NULL)
		snprintf(err, errlen, "--%s: invalid value '%s' (%s)", name, value, why);
	else
		snprintf(err, errlen, "--%s: %s", name, why);
	return -EINVAL;
}

/* --- the shared options --- */

static int
set_uint(const char *name, const char *value, uint64_t min, uint64_t max, uint64_t *out,
		char *err, size_t errlen)
{
	int rc = dp_parse_u64(value, min, max, out);

	if (rc == -ERANGE)
		return dp_opt_error(err, errlen, name, value,
				"must be between %" PRIu64 " and %" PRIu64, min, max);
	if (rc != 0)
		return dp_opt_error(err, errlen, name, value, "not an unsigned integer");
	return 0;
}

#define DEFINE_UINT_SETTER(fn, field, type, min, max) \
static int \
fn(void *ctx, const char *name, const char *value, char *err, size_t errlen) \
{ \
	struct dp_config *cfg = ctx; \
	uint64_t v; \
	int rc = set_uint(name, value, min, max, &v, err, errlen); \
	if (rc == 0) \
		cfg->field = (type)v; \
	return rc; \
}

DEFINE_UINT_SETTER(set_nb_cores, nb_cores, uint16_t, 1, RTE_MAX_LCORE - 1)
DEFINE_UINT_SETTER(set_rxq, nb_rxq, uint16_t, 1, RTE_MAX_QUEUES_PER_PORT)
DEFINE_UINT_SETTER(set_txq, nb_txq, uint16_t, 1, RTE_MAX_QUEUES_PER_PORT)
DEFINE_UINT_SETTER(set_rxd, nb_rxd, uint16_t, 1, 32768)
DEFINE_UINT_SETTER(set_txd, nb_txd, uint16_t, 1, 32768)
DEFINE_UINT_SETTER(set_burst, burst, uint16_t, 1, DP_MAX_BURST)
DEFINE_UINT_SETTER(set_mbcache, mbcache, uint16_t, 0, 512)
DEFINE_UINT_SETTER(set_total_mbufs, total_num_mbufs, uint32_t, 1024, 1u << 30)
DEFINE_UINT_SETTER(set_stats_period, stats_period, uint32_t, 0, 86400)
DEFINE_UINT_SETTER(set_idle_sleep, idle_sleep_us, uint32_t, 0, 1000000)

static int
set_portmask(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;
	unsigned long long v;
	char *end;

	if (value == NULL || *value == '\0' || *value == '-')
		return dp_opt_error(err, errlen, name, value, "not a hexadecimal mask");
	errno = 0;
	v = strtoull(value, &end, 16);
	if (errno != 0 || *end != '\0')
		return dp_opt_error(err, errlen, name, value, "not a hexadecimal mask");
	if (v == 0)
		return dp_opt_error(err, errlen, name, value, "selects no port");
	if (RTE_MAX_ETHPORTS < 64 && v >> RTE_MAX_ETHPORTS)
		return dp_opt_error(err, errlen, name, value,
				"names ports above %u", RTE_MAX_ETHPORTS - 1);
	cfg->portmask = v;
	return 0;
}

static int
set_duration(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;
	int rc = dp_parse_double(value, 0, 1e9, &cfg->duration);

	if (rc != 0)
		return dp_opt_error(err, errlen, name, value,
				"seconds, a number between 0 and 1e9");
	return 0;
}

int
dp_opt_path(char *dst, size_t dstlen, const char *name, const char *value, char *err,
		size_t errlen)
{
	if (value == NULL || *value == '\0')
		return dp_opt_error(err, errlen, name, value, "empty path");
	if (strlen(value) >= dstlen)
		return dp_opt_error(err, errlen, name, value, "path too long");
	strcpy(dst, value);
	return 0;
}

static int
set_stats_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;

	return dp_opt_path(cfg->stats_file, sizeof(cfg->stats_file), name, value, err, errlen);
}

static int
set_config(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;

	return dp_opt_path(cfg->config_file, sizeof(cfg->config_file), name, value, err, errlen);
}

static int
set_mgmt(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;
	char host[sizeof(cfg->mgmt_host)];
	uint16_t port;

	if (value == NULL || strlen(value) >= sizeof(cfg->mgmt) ||
	    dp_parse_hostport(value, host, sizeof(host), &port) != 0)
		return dp_opt_error(err, errlen, name, value,
				"expected ADDR:PORT, [IPV6]:PORT or :PORT");
	strcpy(cfg->mgmt, value);
	strcpy(cfg->mgmt_host, host[0] != '\0' ? host : "127.0.0.1");
	cfg->mgmt_port = port;
	return 0;
}

/* Repeatable: each --xdp-steer adds one rule. */
static int
set_xdp_steer(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dp_config *cfg = ctx;
	char why[DP_ERR_LEN];

	if (cfg->nb_xdp_rules >= RTE_DIM(cfg->xdp_rules))
		return dp_opt_error(err, errlen, name, value, "more than %u rules",
				(unsigned int)RTE_DIM(cfg->xdp_rules));
	if (dp_xdp_rule_parse(value, &cfg->xdp_rules[cfg->nb_xdp_rules], why, sizeof(why)) != 0)
		return dp_opt_error(err, errlen, name, value, "%s", why);
	cfg->nb_xdp_rules++;
	return 0;
}

bool
dp_config_given(const struct dp_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->nb_given; i++)
		if (strcmp(cfg->given[i], name) == 0)
			return true;
	return false;
}

const char *
dp_config_first_given(const struct dp_config *cfg, const char *prefix)
{
	unsigned int i;

	for (i = 0; i < cfg->nb_given; i++)
		if (strncmp(cfg->given[i], prefix, strlen(prefix)) == 0)
			return cfg->given[i];
	return NULL;
}

static void
record_given(struct dp_config *cfg, const char *name)
{
	if (!dp_config_given(cfg, name) && cfg->nb_given < RTE_DIM(cfg->given))
		cfg->given[cfg->nb_given++] = name;
}

/*
 * Run an option's setter, or store a flag's value; remember it was given.
 * CTX_SKIP (a table restart does not re-read) applies nothing.
 */
static int
apply_option(const struct dp_option *o, void *ctx, struct dp_config *cfg, const char *arg,
		char *err, size_t errlen)
{
	int rc = 0;

	if (ctx == CTX_SKIP)
		return 0;
	if (o->set == NULL)
		*(bool *)((char *)ctx + o->flag_offset) = o->flag_value;
	else
		rc = o->set(ctx, o->name, arg, err, errlen);
	if (rc == 0)
		record_given(cfg, o->name);
	return rc;
}

static const struct dp_option common_options[] = {
	{ "portmask", "MASK", "hexadecimal mask of the ports to use (default: all)", set_portmask },
	{ "nb-cores", "N", "number of worker lcores (default: every lcore but the main one)", set_nb_cores },
	{ "rxq", "N", "rx queues per port (default 1; RSS spreads flows over them)", set_rxq },
	{ "txq", "N", "tx queues per port (default: one per worker)", set_txq },
	{ "rxd", "N", "rx descriptors per queue (default 1024)", set_rxd },
	{ "txd", "N", "tx descriptors per queue (default 1024)", set_txd },
	{ "burst", "N", "packets per burst, 1..512 (default 32)", set_burst },
	{ "mbcache", "N", "mempool per-lcore cache, 0..512 (default 256)", set_mbcache },
	{ "total-num-mbufs", "N", "mbufs in the pool (default: from ports x queues x descriptors)", set_total_mbufs },
	{ "stats-period", "SEC", "print statistics every SEC seconds (default 0: off)", set_stats_period },
	{ "duration", "SEC", "stop by itself after SEC seconds (default 0: until SIGINT/SIGTERM)", set_duration },
	{ "stats-file", "PATH", "write the final counters as JSON to PATH at exit", set_stats_file },
	{ "idle-sleep", "USEC", "idle workers back off up to USEC microseconds (default 0: busy polling)", set_idle_sleep },
	{ "no-promisc", NULL, "do not put the ports in promiscuous mode",
	  DP_OPT_BOOL(struct dp_config, promisc, false) },
	{ "mgmt", "ADDR:PORT", "serve the REST API on ADDR:PORT (default: off)", set_mgmt },
	{ "config", "FILE", "read options from a JSON file; the command line wins", set_config },
	{ "xdp-steer", "RULE", "net_af_xdp: data traffic for the XDP program, repeatable "
	  "(e.g. 'udp dst 192.168.20.0/24 port 8080', 'dst ADDR', 'vlan N', 'probe', 'all'); "
	  "the rest goes to the kernel (default: the binary's own traffic, see README)",
	  set_xdp_steer },
};

int
dp_app_add_group(struct dp_app *app, const struct dp_option_group *group)
{
	if (app->nb_groups >= DP_MAX_OPTION_GROUPS)
		return -ENOSPC;
	app->groups[app->nb_groups++] = *group;
	return 0;
}

void
dp_config_defaults(struct dp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nb_rxq = 1;
	cfg->nb_rxd = DP_DEFAULT_RXD;
	cfg->nb_txd = DP_DEFAULT_TXD;
	cfg->burst = DP_DEFAULT_BURST;
	cfg->mbcache = DP_DEFAULT_MBCACHE;
	cfg->promisc = true;
}

static void
print_option(const struct dp_option *o)
{
	char left[64];

	if (o->arg != NULL)
		snprintf(left, sizeof(left), "--%s %s", o->name, o->arg);
	else
		snprintf(left, sizeof(left), "--%s", o->name);
	printf("  %-28s %s\n", left, o->help);
}

void
dp_options_usage(const struct dp_app *app)
{
	unsigned int i, g;

	printf("%s: %s\n\n", app->name, app->summary);
	if (app->no_common_options) {
		printf("Usage: %s [options]\n\nOptions:\n", app->name);
	} else {
		printf("Usage: %s [EAL options] -- [options]\n\n", app->name);
		printf("Common options:\n");
		for (i = 0; i < RTE_DIM(common_options); i++)
			print_option(&common_options[i]);
	}
	print_option(&(struct dp_option){ "help", NULL, "show this help and exit", NULL });
	print_option(&(struct dp_option){ "version", NULL, "show the version and exit", NULL });
	if (app->nb_options > 0) {
		if (!app->no_common_options)
			printf("\n%s options:\n", app->name);
		for (i = 0; i < app->nb_options; i++)
			print_option(&app->options[i]);
	}
	for (g = 0; g < app->nb_groups; g++) {
		printf("\n%s:\n", app->groups[g].title);
		for (i = 0; i < app->groups[g].nb_options; i++)
			print_option(&app->groups[g].options[i]);
	}
	if (app->usage_extra != NULL)
		printf("\n%s", app->usage_extra);
	if (!app->no_common_options)
		printf("\nEAL options: see 'dpdk-testpmd --help' or the DPDK EAL guide; "
		       "for virtual ports e.g. --no-huge --in-memory --vdev net_null0.\n");
}

/* Option i of the union of the common and the app table. */
static const struct dp_option *
option_at(const struct dp_app *app, unsigned int i, void **ctx, const struct ctx_set *cs)
{
	unsigned int g;

	if (!app->no_common_options) {
		if (i < RTE_DIM(common_options)) {
			*ctx = cs->cfg;
			return &common_options[i];
		}
		i -= RTE_DIM(common_options);
	}
	if (i < app->nb_options) {
		*ctx = cs->app;
		return &app->options[i];
	}
	i -= app->nb_options;
	for (g = 0; g < app->nb_groups; g++) {
		if (i < app->groups[g].nb_options) {
			*ctx = cs->group[g];
			return &app->groups[g].options[i];
		}
		i -= app->groups[g].nb_options;
	}
	return NULL;
}

static const struct dp_option *
option_find(const struct dp_app *app, const char *name, void **ctx, const struct ctx_set *cs)
{
	const struct dp_option *o;
	unsigned int i;

	for (i = 0; (o = option_at(app, i, ctx, cs)) != NULL; i++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* The JSON of path and its fstat (one open: what is checked is what is read). */
static json_t *
load_config_file(const char *path, struct stat *st, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, st) != 0) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	close(fd);
	if (root == NULL)
		snprintf(err, errlen, "--config: %s: line %d: %s", path, jerr.line, jerr.text);
	return root;
}

/* A config file holding a secret option must be a secret file itself. */
static int
check_config_secrets(const struct dp_app *app, const struct ctx_set *cs, json_t *root,
		const struct stat *st, const char *path, char *err, size_t errlen)
{
	char why[DP_ERR_LEN];
	const char *key;
	json_t *val;
	void *ctx;

	json_object_foreach(root, key, val) {
		if (!dp_option_is_secret(key) || option_find(app, key, &ctx, cs) == NULL)
			continue;
		if (dp_secret_check_stat(st, SIZE_MAX, "config", path, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s; it holds \"%s\"", why, key);
			return -EINVAL;
		}
	}
	return 0;
}

/* Apply the JSON config file: keys are option names, values their arguments. */
static int
apply_config_file(const struct dp_app *app, const struct ctx_set *cs, const char *path,
		char *err, size_t errlen)
{
	struct dp_config *cfg = cs->cfg;
	const struct dp_option *o;
	const char *key;
	json_t *root, *val;
	struct stat st;
	char buf[64];
	void *ctx;
	int rc = 0;

	root = load_config_file(path, &st, err, errlen);
	if (root == NULL)
		return -EINVAL;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "--config: %s: the top level must be a JSON object", path);
		json_decref(root);
		return -EINVAL;
	}
	/* before any key is applied: a file with a secret obeys the password-file rule */
	rc = check_config_secrets(app, cs, root, &st, path, err, errlen);
	if (rc != 0) {
		json_decref(root);
		return rc;
	}
	json_object_foreach(root, key, val) {
		const char *arg = NULL;
		char sub[DP_ERR_LEN];

		o = option_find(app, key, &ctx, cs);
		if (o == NULL || strcmp(key, "config") == 0) {
			rc = -ENOENT;
			if (o == NULL && app->config_key != NULL && cs->app == CTX_SKIP)
				rc = 0;	/* the binary's keys, not re-read */
			else if (o == NULL && app->config_key != NULL)
				rc = app->config_key(cs->app, key, val, sub, sizeof(sub));
			if (rc == -ENOENT) {
				snprintf(err, errlen, "--config: %s: unknown key '%s'", path, key);
				rc = -EINVAL;
			} else if (rc != 0) {
				snprintf(err, errlen, "--config: %s: %s", path, sub);
			}
			if (rc != 0)
				break;
			continue;
		}
		/* a flag takes no value on the command line: true or false only, not "false" */
		if (o->arg == NULL && !json_is_boolean(val)) {
			snprintf(err, errlen, "--config: %s: key '%s' is a flag: true or false", path,
				 key);
			rc = -EINVAL;
			break;
		}
		if (json_is_string(val)) {
			arg = json_string_value(val);
		} else if (json_is_integer(val)) {
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(val));
			arg = buf;
		} else if (json_is_real(val)) {
			snprintf(buf, sizeof(buf), "%.17g", json_real_value(val));
			arg = buf;
		} else if (json_is_boolean(val) && o->arg == NULL) {
			if (json_is_false(val))
				continue;
		} else if (json_is_boolean(val)) {
			arg = json_is_true(val) ? "true" : "false";
		} else {
			snprintf(err, errlen, "--config: %s: key '%s' must be a string, number or boolean",
				 path, key);
			rc = -EINVAL;
			break;
		}
		if (o->arg != NULL && arg == NULL) {
			snprintf(err, errlen, "--config: %s: key '%s' needs a value", path, key);
			rc = -EINVAL;
			break;
		}
		rc = apply_option(o, ctx, cfg, arg, sub, sizeof(sub));
		if (rc != 0) {
			snprintf(err, errlen, "--config: %s: %s", path, sub);
			break;
		}
	}
	json_decref(root);
	return rc;
}

static int
find_config_arg(const struct dp_app *app, struct dp_config *cfg, int argc, char **argv,
		char *err, size_t errlen)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "--config: missing FILE");
				return -EINVAL;
			}
			return set_config(cfg, "config", argv[i + 1], err, errlen);
		}
		if (strncmp(a, "--config=", 9) == 0)
			return set_config(cfg, "config", a + 9, err, errlen);
	}
	RTE_SET_USED(app);
	return 0;
}

void
dp_options_set_platform(const char *name)
{
	platform = name;
}

/* The --config file, then the command line, through the setters of cs. */
static int
parse_into(const struct dp_app *app, const struct ctx_set *cs, int argc, char **argv,
		char *err, size_t errlen)
{
	struct option longopts[DP_MAX_OPTIONS + 3];
	const struct dp_option *o;
	unsigned int i, n = 0;
	void *ctx;
	int c, rc;

	for (i = 0; (o = option_at(app, i, &ctx, cs)) != NULL; i++) {
		if (n >= DP_MAX_OPTIONS) {
			snprintf(err, errlen, "internal: too many options");
			return -EINVAL;
		}
		longopts[n].name = o->name;
		longopts[n].has_arg = o->arg != NULL ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = OPT_VAL_BASE + (int)i;
		n++;
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	rc = find_config_arg(app, cs->cfg, argc, argv, err, errlen);
	if (rc == 0 && cs->cfg->config_file[0] != '\0')
		rc = apply_config_file(app, cs, cs->cfg->config_file, err, errlen);
	if (rc != 0)
		return rc;

	optind = 0;	/* full re-initialisation of getopt (glibc) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		char sub[DP_ERR_LEN];

		if (c == '?') {
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		}
		o = option_at(app, (unsigned int)(c - OPT_VAL_BASE), &ctx, cs);
		if (o == NULL) {
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
		rc = apply_option(o, ctx, cs->cfg, o->arg != NULL ? optarg : NULL, sub, sizeof(sub));
		if (rc != 0) {
			snprintf(err, errlen, "%s", sub);
			return rc;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return DP_PARSE_RUN;
}

/* Keep argv[0..argc-1] for dp_options_reread (the first parse only). */
static int
save_args(int argc, char **argv)
{
	if (saved_argv != NULL)
		return 0;
	saved_argv = calloc((size_t)argc + 1, sizeof(*saved_argv));
	if (saved_argv == NULL)
		return -ENOMEM;
	memcpy(saved_argv, argv, (size_t)argc * sizeof(*saved_argv));
	saved_argc = argc;
	return 0;
}

int
dp_options_parse(const struct dp_app *app, struct dp_config *cfg, int argc, char **argv,
		char *err, size_t errlen)
{
	struct ctx_set live = { .cfg = cfg, .app = app->ctx };
	unsigned int g;
	int c;

	err[0] = '\0';
	for (g = 0; g < app->nb_groups; g++)
		live.group[g] = app->groups[g].ctx;
	/* --help / --version win over everything, even bad options */
	for (c = 1; c < argc; c++) {
		if (strcmp(argv[c], "--help") == 0 || strcmp(argv[c], "-h") == 0) {
			dp_options_usage(app);
			return DP_PARSE_EXIT;
		}
		if (strcmp(argv[c], "--version") == 0) {
			if (platform != NULL)
				printf("%s %s (%s)\n", app->name, VFWCL_VERSION, platform);
			else
				printf("%s %s\n", app->name, VFWCL_VERSION);
			return DP_PARSE_EXIT;
		}
	}
	if (save_args(argc, argv) != 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return parse_into(app, &live, argc, argv, err, errlen);
}

/* The fresh context standing for live, or CTX_SKIP (not re-read). */
static void *
fresh_of(const void *live, const struct dp_reread_ctx *ctxs, unsigned int n)
{
	unsigned int i;

	for (i = 0; live != NULL && i < n; i++)
		if (ctxs[i].live == live)
			return ctxs[i].fresh;
	return CTX_SKIP;
}

int
dp_options_reread(const struct dp_app *app, const struct dp_reread_ctx *ctxs, unsigned int n,
		char *err, size_t errlen)
{
	struct ctx_set fresh = { .app = fresh_of(app->ctx, ctxs, n) };
	unsigned int g;
	int rc;

	err[0] = '\0';
	if (saved_argv == NULL) {
		snprintf(err, errlen, "internal: no options parsed yet");
		return -EINVAL;
	}
	fresh.cfg = calloc(1, sizeof(*fresh.cfg));
	if (fresh.cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dp_config_defaults(fresh.cfg);
	for (g = 0; g < app->nb_groups; g++)
		fresh.group[g] = fresh_of(app->groups[g].ctx, ctxs, n);
	rc = parse_into(app, &fresh, saved_argc, saved_argv, err, errlen);
	free(fresh.cfg);
	return rc < 0 ? rc : 0;
}
