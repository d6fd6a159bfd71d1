/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "dp_ctl.h"
#include "dp_engine.h"
#include "dp_port.h"
#include "dp_worker.h"

struct dp_worker dp_workers[RTE_MAX_LCORE];
unsigned int dp_nb_workers;
atomic_bool dp_quit;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	atomic_store_explicit(&dp_quit, true, memory_order_relaxed);
	dp_ctl_wake();	/* the control loop may sleep on another thread than the one signalled */
}

void
dp_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
dp_workers_select(const struct dp_config *cfg, char *err, size_t errlen)
{
	unsigned int lcore, avail = rte_lcore_count() - 1;

	if (avail == 0) {
		snprintf(err, errlen, "no worker lcore: give EAL at least two lcores "
			 "(e.g. -l 0-1, or --lcores 0@0,1@0 on one CPU)");
		return -EINVAL;
	}
	if (cfg->nb_cores > avail) {
		snprintf(err, errlen, "--nb-cores: invalid value '%u' (only %u worker lcore(s); "
			 "add lcores with -l/--lcores)", cfg->nb_cores, avail);
		return -EINVAL;
	}
	dp_nb_workers = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct dp_worker *w;

		if (cfg->nb_cores != 0 && dp_nb_workers >= cfg->nb_cores)
			break;
		w = &dp_workers[dp_nb_workers];
		memset(w, 0, sizeof(*w));
		w->lcore = lcore;
		w->index = dp_nb_workers++;
	}
	return (int)dp_nb_workers;
}

static void
clear_queues(void)
{
	unsigned int i;

	for (i = 0; i < dp_nb_workers; i++) {
		dp_workers[i].nb_rxq = 0;
		dp_workers[i].nb_txq = 0;
	}
}

static void
add_rxq(struct dp_worker *w, uint16_t p, uint16_t q)
{
	if (w->nb_rxq < DP_MAX_WORKER_QUEUES)
		w->rxq[w->nb_rxq++] = (struct dp_queue_ref){ p, q };
}

/* tx: every worker its own queue on every port (when there are enough) */
static void
assign_own_txq(void)
{
	unsigned int i;
	uint16_t p;

	for (i = 0; i < dp_nb_workers; i++) {
		struct dp_worker *w = &dp_workers[i];

		for (p = 0; p < dp_nb_ports && w->nb_txq < DP_MAX_WORKER_QUEUES; p++) {
			if (i >= dp_ports[p].nb_txq)
				continue;	/* no queue left for this worker */
			w->txq[w->nb_txq++] = (struct dp_queue_ref){ p, (uint16_t)i };
		}
	}
}

void
dp_workers_assign_queues(void)
{
	unsigned int k = 0;
	uint16_t p, q;

	clear_queues();
	/* rx: every (port, queue) to one worker, round-robin */
	for (p = 0; p < dp_nb_ports; p++)
		for (q = 0; q < dp_ports[p].nb_rxq; q++, k++)
			add_rxq(&dp_workers[k % dp_nb_workers], p, q);
	assign_own_txq();
}

int
dp_workers_assign_flow_queues(char *err, size_t errlen)
{
	unsigned int i;
	uint16_t p, q;

	clear_queues();
	for (p = 0; p < dp_nb_ports; p++)
		for (q = 0; q < dp_ports[p].nb_rxq; q++)
			add_rxq(&dp_workers[q % dp_nb_workers], p, q);
	assign_own_txq();
	for (i = 0; i < dp_nb_workers; i++) {
		if (dp_workers[i].nb_txq != dp_nb_ports) {
			snprintf(err, errlen, "--txq: every worker needs its own tx queue on every "
				 "port (%u workers)", dp_nb_workers);
			return -EINVAL;
		}
	}
	return 0;
}

int
dp_workers_launch(int (*fn)(void *arg))
{
	unsigned int i;
	int rc;

	/* the process's RCU variable exists before any worker registers with it */
	if (dp_rcu() == NULL) {
		fprintf(stderr, "cannot create the RCU variable of the workers\n");
		atomic_store(&dp_quit, true);
		return -ENOMEM;
	}
	for (i = 0; i < dp_nb_workers; i++) {
		rc = rte_eal_remote_launch(fn, &dp_workers[i], dp_workers[i].lcore);
		if (rc != 0) {
			fprintf(stderr, "cannot launch worker on lcore %u: %s\n",
				dp_workers[i].lcore, strerror(-rc));
			atomic_store(&dp_quit, true);
			return rc;
		}
	}
	return 0;
}

int
dp_workers_wait(void)
{
	unsigned int i;
	int rc, first = 0;

	for (i = 0; i < dp_nb_workers; i++) {
		rc = rte_eal_wait_lcore(dp_workers[i].lcore);
		if (rc != 0 && first == 0)
			first = rc;
	}
	return first;
}
