/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VES agent for a binary built on dataplane/: the port totals come from
 * the binary's per-port counter set (DP_PORT_COUNTERS first; relaxed loads,
 * no lock) and the ports' names and links from the view the binary gives
 * (dp_mgmt_view(): this library calls no DPDK), both read on the agent's
 * own thread, so no worker is ever blocked. --ves-ports chooses the ports that
 * are reported (ONAP's vFW reported its unprotected interface only).
 *
 * Use: ves_ports_register() before dp_main_init(); ves_ports_check() after
 * (exit 2 with its message when it fails);
 * ves_ports_start() once the workers run; ves_ports_stop() after they
 * stopped (sends the last partial interval); ves_ports_free() after the
 * REST server stopped. Two exports, each an agent of its own on the same
 * machinery (ves_encoder.h): VES (--ves-url) and InfluxDB (--influx-url);
 * either, both or none run.
 */
#ifndef VES_PORTS_H
#define VES_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dp_counters.h"
#include "dp_options.h"
#include "dp_view.h"

/* --ves-ports takes port ids below this (a 64-bit mask). */
#define VES_MAX_PORTS 64

/* Add the --ves-* options, --ves-ports and the --influx-* options. */
int ves_ports_register(struct dp_app *app);

/* Cross-option checks: 0, or -EINVAL with err (one line) on a bad combination. */
int ves_ports_check(char *err, size_t errlen);

/*
 * Start the agents whose URL is set (else 0 and nothing): the ports of
 * view, ctrs slot = view's port slot; the InfluxDB export also reads the
 * binary's stats JSON (ves_ports_set_stats_json) every interval. -EINVAL
 * with err when --ves-ports names a port not in use.
 */
int ves_ports_start(const struct dp_view *view, struct dp_counters *ctrs, const char *program,
		char *err, size_t errlen);

void ves_ports_stop(void);
void ves_ports_free(void);

/* Add the agents' "ves" and "influx" sections to a stats JSON object (nothing when off). */
void ves_ports_stats_add(json_t *root);

/*
 * /metrics (a binding's metrics hook): PREFIXexport_items_total,
 * _sent_total, _dropped_total, _rejected_total, _retried_requests_total
 * and the gauge PREFIXexport_queued, label export="ves" or "influx", for
 * the exports that run (nothing when none does). ves_ports_metrics.c.
 */
struct mgmt_prom;
void ves_ports_metrics(struct mgmt_prom *p, const char *prefix);

/*
 * A stats_json hook (dp_main_hooks) that returns the binary's own stats JSON
 * (fn, registered here once) with the agent's "ves" section added.
 */
void ves_ports_set_stats_json(json_t *(*fn)(void *ctx));
json_t *ves_ports_stats_json(void *ctx);

/*
 * What the InfluxDB export reads every interval, when it should be lighter
 * than the stats JSON (the same builder without what it does not encode,
 * e.g. vsnk's latency histograms); default: the stats JSON fn.
 */
void ves_ports_set_export_json(json_t *(*fn)(void *ctx));

#endif /* VES_PORTS_H */
