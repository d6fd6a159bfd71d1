/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The life of a binary, shared by all three: parse the application options,
 * start EAL, run the control loop on the main lcore (dp_ctl.h: periodic
 * stats line, --duration, the clock, the binary's tick and whatever modules
 * registered), stop, write the final stats, clean up.
 *
 *   dp_main_init()          options (exit 2 / exit 0 for --help), EAL, signals, clock
 *   dp_ports_init()         ports and mempool           (dp_port.h)
 *   dp_workers_launch()     the binary's workers          (dp_worker.h)
 *   dp_main_loop()          the control loop (dp_ctl.h) until SIGINT/SIGTERM/--duration
 *   dp_workers_wait()       workers drain and return
 *   dp_main_finish()        stats file, ports closed, rte_eal_cleanup
 */
#ifndef DP_MAIN_H
#define DP_MAIN_H

#include <jansson.h>

#include "dp_options.h"
#include "dp_xdp_traffic.h"

enum dp_exit {
	DP_EXIT_OK = 0,		/* clean stop */
	DP_EXIT_FAIL = 1,	/* run time failure */
	DP_EXIT_USAGE = 2,	/* bad options or configuration */
};

/* Print "NAME: MESSAGE" on stderr and exit with code. */
void dp_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/*
 * A start-up step failed with rc (negative errno): close the ports (if
 * any), print the message, exit DP_EXIT_USAGE for -EINVAL (a bad option or
 * configuration), DP_EXIT_FAIL otherwise.
 */
void dp_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Program name for messages (set by dp_main_init). */
extern const char *dp_prog;

/*
 * Split argv at "--": parse the application part (exit 2 on a bad option,
 * exit 0 after --help/--version; --help and --version also work before "--"
 * without EAL), then initialise EAL with the part before. When both
 * --no-huge and --in-memory are given (rejected by DPDK 22.11 because
 * --no-huge implies legacy memory), --in-memory is replaced by its
 * equivalent --no-shconf.
 */
void dp_main_init(const struct dp_app *app, struct dp_config *cfg, int argc, char **argv);

#define DP_MAIN_TICK_NS 100000000ull	/* the binary's tick: 100 ms */

struct dp_main_hooks {
	void *ctx;
	/* every --stats-period seconds: print the binary's stats */
	void (*stats_print)(void *ctx);
	/* the whole stats JSON (final --stats-file, later the REST stats) */
	json_t *(*stats_json)(void *ctx);
	/* every DP_MAIN_TICK_NS on the control loop (a threshold to watch), optional */
	void (*tick)(void *ctx);
	/* free the binary's EAL memory before rte_eal_cleanup, optional */
	void (*cleanup)(void *ctx);
	/*
	 * net_af_xdp ports without --xdp-steer: the binary's data traffic on a
	 * port (dp_xdp_traffic.h), given to our XDP program by dp_main_run
	 * before the workers start; optional (NULL: all traffic to the kernel)
	 */
	dp_xdp_traffic_fn xdp_traffic;
};

/* Run until dp_quit (signal, --duration, or a worker's failure). */
void dp_main_loop(const struct dp_config *cfg, const struct dp_main_hooks *hooks);

/*
 * Give the net_af_xdp ports their default data traffic (hooks->xdp_traffic;
 * exits like dp_fail when that fails), launch fn on every worker, run
 * dp_main_loop() until the stop, set
 * dp_quit and wait for the workers. Returns 0, or the first failure (to
 * pass to dp_main_finish()).
 */
int dp_main_run(const struct dp_config *cfg, const struct dp_main_hooks *hooks,
		int (*fn)(void *arg));

/*
 * After the workers returned: write --stats-file, close ports, clean EAL.
 * Returns the exit code (DP_EXIT_FAIL if the stats file cannot be written).
 */
int dp_main_finish(const struct dp_config *cfg, const struct dp_main_hooks *hooks, int worker_rc);

#endif /* DP_MAIN_H */
