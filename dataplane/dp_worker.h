/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers: one role per lcore. The (port, queue) pairs of all ports are
 * spread round-robin over the worker lcores, or by queue index for binaries
 * with per-worker flow state; each worker also gets its own tx queue on
 * every port (queue index = worker index) where the port has enough.
 *
 * The quit flag is set by SIGINT/SIGTERM or --duration; workers poll it once
 * per burst loop, drain, and return.
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>

#include "dp_options.h"

#define DP_MAX_WORKER_QUEUES 64

struct dp_queue_ref {
	uint16_t port;	/* index into dp_ports[] */
	uint16_t queue;
};

struct dp_worker {
	unsigned int lcore;	/* EAL lcore id */
	unsigned int index;	/* 0..dp_nb_workers-1 */
	uint16_t nb_rxq;
	struct dp_queue_ref rxq[DP_MAX_WORKER_QUEUES];
	uint16_t nb_txq;	/* one per port */
	struct dp_queue_ref txq[DP_MAX_WORKER_QUEUES];
	void *app;		/* the binary's per-worker state */
};

/* Written: main before launch; read: the worker itself. */
extern struct dp_worker dp_workers[RTE_MAX_LCORE];
extern unsigned int dp_nb_workers;

/* Set from signal handlers, --duration, or a fatal error; read by all loops. */
extern atomic_bool dp_quit;

static inline bool
dp_should_quit(void)
{
	return atomic_load_explicit(&dp_quit, memory_order_relaxed);
}

/*
 * Pick the worker lcores (all but the main lcore; at most cfg->nb_cores).
 * Returns the number, or -EINVAL with err when there is none.
 */
int dp_workers_select(const struct dp_config *cfg, char *err, size_t errlen);

/* Spread rx/tx queues of dp_ports[] over the selected workers, round-robin. */
void dp_workers_assign_queues(void);

/*
 * For per-worker flow state (ports set up with dp_port_want.symmetric_rss,
 * so a flow has the same rx queue index on every port): worker i polls rx
 * queue q of every port where q % workers == i, and has its own tx queue on
 * every port. Returns 0, or -EINVAL with err when a port has fewer tx
 * queues than workers.
 */
int dp_workers_assign_flow_queues(char *err, size_t errlen);

/* Launch fn(worker) on every worker lcore. */
int dp_workers_launch(int (*fn)(void *arg));

/* Wait for every worker; returns the first non-zero worker return value. */
int dp_workers_wait(void);

/* Install SIGINT/SIGTERM handlers that set dp_quit. */
void dp_signals_install(void);

#endif /* DP_WORKER_H */
