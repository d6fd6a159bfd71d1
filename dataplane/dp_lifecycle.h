/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lifecycle of a binary, one implementation for vpkg, vfw and vsnk:
 * a state (starting, running, paused, stopping) with since and why, the
 * actions pause, resume and restart, from REST and from signals.
 *
 *   GET  /api/v1/status     {"state", "since" (wall-clock ms), "why",
 *                           "restart_rereads", "ports": [per port rx/tx
 *                           counters under nf.io's names (rx_bytes,
 *                           tx_bytes, pkt_drops) and rx_packets,
 *                           tx_packets, rx_missed (the NIC's drops)]}
 *   POST /api/v1/lifecycle  {"action": "pause"|"resume"|"restart"}: 200 with
 *                           the status once every worker has acted; 400
 *                           naming a bad action, 409 in a wrong state, 422
 *                           when restart's re-read fails (the process keeps
 *                           what it had and runs), 503 while stopping
 *   SIGUSR1 pause, SIGUSR2 resume; SIGHUP restart where the binary asks
 *   (vpkg, vsnk: sighup_restarts), else SIGHUP keeps its meaning (vfw:
 *   reload --rules)
 *
 * The workers act in the engine's pause point (dp_engine.h: one lifecycle
 * word per worker, acked); pausing keeps every state (sessions, counters,
 * sequence numbers) and the engine's resume callback lets a generator move
 * its schedule on. Restart = pause, the binary's reload hook, resume.
 *
 * Threads: the actions run on a control thread (the REST server's, or the
 * signal thread started by dp_lifecycle_init), one at a time under a lock.
 */
#ifndef DP_LIFECYCLE_H
#define DP_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "dp_counters.h"
#include "mgmt.h"

struct dp_lifecycle_hooks {
	void *ctx;
	/* the binary's port counters (first ones DP_PORT_COUNTERS) */
	struct dp_counters *port_ctrs;
	/* what restart re-reads, as shown in status ("--rules"; NULL: nothing) */
	const char *restart_rereads;
	/*
	 * restart's re-read, workers paused: all or nothing (a refusal changes
	 * nothing); 0 or -errno with err naming the bad value; optional
	 */
	int (*reload)(void *ctx, char *err, size_t errlen);
	/* SIGHUP is restart (the binary gives SIGHUP no other meaning) */
	bool sighup_restarts;
};

/*
 * Keep the hooks, install SIGUSR1/SIGUSR2 and start the signal thread
 * (after dp_main_init, before the workers). 0 or -errno.
 */
int dp_lifecycle_init(const struct dp_lifecycle_hooks *hooks);
/* Stop the signal thread (after the workers returned). */
void dp_lifecycle_stop(void);

/* The REST routes, for mgmt_binding.route_tables. */
struct mgmt_route_table dp_lifecycle_routes(void);

/* "starting", "running", "paused" or "stopping" (e.g. for a VES heartbeat). */
const char *dp_lifecycle_state(void);

#endif /* DP_LIFECYCLE_H */
