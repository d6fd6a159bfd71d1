/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_version.h>

#include "dp_clock.h"
#include "dp_ctl.h"
#include "dp_log.h"
#include "dp_main.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_worker.h"
#include "dp_xdp.h"

const char *dp_prog = "dataplane";
/* set once EAL is up, so that dp_die() also releases its run-time files */
static bool eal_up;

#define MAX_EAL_ARGS 256
#define EAL_CLEANUP_LIMIT_S 10

static int cleanup_exit_code;

/*
 * rte_eal_cleanup() takes the memory lock of the configuration the process
 * shares with its secondaries (dpdk-dumpcap, dpdk-proc-info). A secondary
 * that dies while it holds it (seen: dumpcap failing to map the primary's
 * memory, then crashing in its own cleanup) leaves it taken for ever, and
 * the primary would hang at exit. Everything is written and closed before
 * the cleanup, so past the limit the process exits without it.
 */
static void *
cleanup_watchdog(void *arg)
{
	struct timespec ts = { .tv_sec = EAL_CLEANUP_LIMIT_S };

	RTE_SET_USED(arg);
	while (nanosleep(&ts, &ts) != 0)
		;
	fprintf(stderr, "%s: EAL cleanup stuck for %d s (a secondary process such as "
		"dpdk-dumpcap died holding the shared memory lock?): exiting without it\n",
		dp_prog, EAL_CLEANUP_LIMIT_S);
	_exit(cleanup_exit_code);
}

/* rte_eal_cleanup(), bounded: the process exits with code after EAL_CLEANUP_LIMIT_S. */
static void
eal_cleanup_bounded(int code)
{
	pthread_attr_t attr;
	pthread_t t;

	eal_up = false;
	cleanup_exit_code = code;
	if (pthread_attr_init(&attr) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &attr, cleanup_watchdog, NULL) != 0)
			fprintf(stderr, "%s: no watchdog for the EAL cleanup\n", dp_prog);
		pthread_attr_destroy(&attr);
	}
	rte_eal_cleanup();
}

static void __attribute__((noreturn, format(printf, 2, 0)))
vdie(int code, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", dp_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (eal_up)
		eal_cleanup_bounded(code);
	exit(code);
}

void
dp_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(code, fmt, ap);
}

void
dp_fail(int rc, const char *fmt, ...)
{
	va_list ap;

	dp_ports_close();
	va_start(ap, fmt);
	vdie(rc == -EINVAL ? DP_EXIT_USAGE : DP_EXIT_FAIL, fmt, ap);
}

static bool
has_arg(int argc, char **argv, const char *a)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], a) == 0)
			return true;
	return false;
}

/* Fail before the run, not after it, when the stats file cannot be written. */
static void
check_stats_file(const struct dp_config *cfg)
{
	char dir[PATH_MAX];
	char *slash;

	if (cfg->stats_file[0] == '\0')
		return;
	snprintf(dir, sizeof(dir), "%s", cfg->stats_file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) != 0)
		dp_die(DP_EXIT_USAGE, "--stats-file: invalid value '%s' (directory '%s': %s)",
		       cfg->stats_file, dir, strerror(errno));
}

void
dp_main_init(const struct dp_app *app, struct dp_config *cfg, int argc, char **argv)
{
	char *eal_argv[MAX_EAL_ARGS + 2];
	char *app_argv[MAX_EAL_ARGS + 2];
	int i, dd = -1, eal_argc = 0, app_argc = 0, rc;
	bool fix_in_memory;
	char err[DP_ERR_LEN];

	dp_prog = app->name;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	}
	if (argc > MAX_EAL_ARGS) {
		dp_die(DP_EXIT_USAGE, "too many arguments (%d)", argc);
	}
	/* --help / --version also work without "--" and without EAL */
	app_argv[app_argc++] = argv[0];
	if (dd < 0) {
		if (has_arg(argc, argv, "--help") || has_arg(argc, argv, "-h")) {
			dp_options_usage(app);
			exit(DP_EXIT_OK);
		}
		if (has_arg(argc, argv, "--version"))
			app_argv[app_argc++] = argv[1];
	} else {
		for (i = dd + 1; i < argc; i++)
			app_argv[app_argc++] = argv[i];
	}
	app_argv[app_argc] = NULL;

	dp_config_defaults(cfg);
	dp_options_set_platform(rte_version());
	rc = dp_options_parse(app, cfg, app_argc, app_argv, err, sizeof(err));
	if (rc == DP_PARSE_EXIT)
		exit(DP_EXIT_OK);
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	check_stats_file(cfg);

	/* EAL part; DPDK 22.11 refuses --no-huge with --in-memory */
	fix_in_memory = has_arg(dd < 0 ? argc : dd, argv, "--no-huge") &&
			has_arg(dd < 0 ? argc : dd, argv, "--in-memory");
	for (i = 0; i < (dd < 0 ? argc : dd); i++) {
		if (fix_in_memory && strcmp(argv[i], "--in-memory") == 0)
			eal_argv[eal_argc++] = (char *)(uintptr_t)"--no-shconf";
		else
			eal_argv[eal_argc++] = argv[i];
	}
	eal_argv[eal_argc] = NULL;
	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0) {
		int e = rte_errno;

		dp_die(e == EINVAL || e == ENOENT ? DP_EXIT_USAGE : DP_EXIT_FAIL,
		       "EAL initialisation failed: %s", rte_strerror(e));
	}
	eal_up = true;
	/* the control libraries' own log follows --log-level (never more than INFO) */
	dp_log_set_level(RTE_MIN((int)rte_log_get_global_level(), DP_LOG_INFO));
	rc = dp_ctl_init();
	if (rc != 0)
		dp_die(DP_EXIT_FAIL, "control loop: %s", strerror(-rc));
	dp_signals_install();
	dp_clock_init();
}

/* What the control loop's timers need (dp_main_loop's frame). */
struct main_loop {
	const struct dp_main_hooks *hooks;
};

static void
on_stats(void *ctx)
{
	const struct main_loop *ml = ctx;

	ml->hooks->stats_print(ml->hooks->ctx);
}

static void
on_duration(void *ctx)
{
	RTE_SET_USED(ctx);
	atomic_store(&dp_quit, true);
}

static void
on_clock(void *ctx)
{
	RTE_SET_USED(ctx);
	dp_clock_discipline();
}

static void
on_tick(void *ctx)
{
	const struct main_loop *ml = ctx;

	ml->hooks->tick(ml->hooks->ctx);
}

/*
 * The process's control loop (dp_ctl.h) on the main lcore: the stats line
 * every --stats-period, the stop after --duration, the clock's discipline
 * every second and the binary's tick, each a timer; the sources other
 * modules registered (events, descriptors) too. Returns at the quit.
 */
void
dp_main_loop(const struct dp_config *cfg, const struct dp_main_hooks *hooks)
{
	struct main_loop ml = { hooks };
	int rc = dp_ctl_init();

	if (rc == 0 && cfg->stats_period > 0 && hooks->stats_print != NULL)
		rc = dp_ctl_every((uint64_t)cfg->stats_period * 1000000000ull, on_stats, &ml);
	if (rc == 0 && cfg->duration > 0)
		rc = dp_ctl_every((uint64_t)(cfg->duration * 1e9) + 1, on_duration, NULL);
	if (rc == 0)
		rc = dp_ctl_every(DP_CLOCK_PERIOD_NS, on_clock, NULL);
	if (rc == 0 && hooks->tick != NULL)
		rc = dp_ctl_every(DP_MAIN_TICK_NS, on_tick, &ml);
	if (rc != 0) {
		fprintf(stderr, "%s: control loop: %s\n", dp_prog, strerror(-rc));
		atomic_store(&dp_quit, true);
		return;
	}
	/* the first tick at once, as the first round of the timers would be (state set up at start) */
	dp_clock_discipline();
	if (hooks->tick != NULL)
		hooks->tick(hooks->ctx);
	dp_ctl_run(&dp_quit);
	atomic_store(&dp_quit, true);	/* the loop also ends on an epoll failure */
}

int
dp_main_run(const struct dp_config *cfg, const struct dp_main_hooks *hooks,
		int (*fn)(void *arg))
{
	char err[DP_ERR_LEN];
	int wrc, rc;

	/* the ports' links are ours since dp_ports_init; now the binary is configured */
	rc = dp_xdp_ports_default(cfg, hooks->xdp_traffic, hooks->ctx, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	wrc = dp_workers_launch(fn);
	if (wrc == 0)
		dp_main_loop(cfg, hooks);
	atomic_store(&dp_quit, true);
	rc = dp_workers_wait();
	return wrc != 0 ? wrc : rc;
}

int
dp_main_finish(const struct dp_config *cfg, const struct dp_main_hooks *hooks, int worker_rc)
{
	int code = worker_rc != 0 ? DP_EXIT_FAIL : DP_EXIT_OK;
	char err[DP_ERR_LEN];

	if (cfg->stats_file[0] != '\0' && hooks->stats_json != NULL) {
		json_t *root = hooks->stats_json(hooks->ctx);

		if (root == NULL || dp_stats_write_file(cfg->stats_file, root, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", dp_prog,
				root == NULL ? "cannot build the stats JSON" : err);
			code = DP_EXIT_FAIL;
		}
		json_decref(root);
	}
	dp_ports_close();
	if (hooks->cleanup != NULL)
		hooks->cleanup(hooks->ctx);
	dp_ctl_fini();
	eal_cleanup_bounded(code);
	return code;
}
