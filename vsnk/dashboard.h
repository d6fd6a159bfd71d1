/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk dashboard data, like darkstat's graph in the ONAP demo: every
 * --dashboard-interval seconds (10 by default) a sampler on the main lcore
 * records the packets of the interval, in all (every port) and per probe
 * stream, with each stream's loss and mean latency over the interval, in a
 * ring of the last --dashboard-history intervals. The page (dashboard.html)
 * draws it from GET /api/v1/intervals (dashboard_json).
 *
 * The first DASHBOARD_MAX_STREAMS stream ids seen get a series; packets of
 * further streams are in the totals only ("streams_capped": true).
 *
 * After a counter reset a counter reads lower than at the previous sample;
 * the interval then counts what was counted since the reset.
 *
 * Thread safety: dashboard_tick runs on the main lcore (dp_main_hooks.tick);
 * dashboard_json, dashboard_settings_json and dashboard_configure run on
 * mgmt threads. One mutex guards the ring; the sampler reads the counters
 * and stream tables outside it, like any reader (relaxed loads), and never
 * writes them.
 */
#ifndef VSNK_DASHBOARD_H
#define VSNK_DASHBOARD_H

#include <stdint.h>

#include <jansson.h>

#include "dp_options.h"

#define DASHBOARD_DEFAULT_INTERVAL 10.0
#define DASHBOARD_MIN_INTERVAL 0.5
#define DASHBOARD_MAX_INTERVAL 3600.0
#define DASHBOARD_DEFAULT_HISTORY 60
#define DASHBOARD_MIN_HISTORY 2
#define DASHBOARD_MAX_HISTORY 1440
#define DASHBOARD_MAX_STREAMS 64

struct dashboard_options {
	double interval_s;
	uint32_t history;	/* intervals kept */
};

void dashboard_options_init(struct dashboard_options *o);
/* --dashboard-interval SEC, --dashboard-history N. 0 or -ENOSPC. */
int dashboard_options_register(struct dp_app *app, struct dashboard_options *o);

/* Allocate the ring (after the stream tables exist). 0 or -ENOMEM. */
int dashboard_init(const struct dashboard_options *o);
/* Free it (after the server stopped). */
void dashboard_free(void);

/* The sampler: call about every 100 ms; samples at each interval boundary. */
void dashboard_tick(void);

/*
 * The recorded intervals, oldest first, and per stream series:
 *   {"interval_s","history","now_ms","until_ms","streams_capped",
 *    "intervals":[{"start_ms","end_ms","packets","bytes","probe_packets"}],
 *    "streams":[{"stream","packets":[..],"lost":[..],"latency_avg_ns":[..],
 *                "total":{"rx_packets","lost","loss_ratio","latency_ns":{..}}}],
 *    "current":{"start_ms","elapsed_ms","packets","bytes","probe_packets",
 *               "stream_packets":[..]}}
 * until_ms != 0: only the intervals that ended by then, and no "current"
 * (a fixed view); last != 0: only the last intervals. Series are aligned
 * with "intervals"; "total" is live (since start or reset). NULL on ENOMEM.
 */
json_t *dashboard_json(uint64_t until_ms, uint32_t last);

/* {"interval_s","history","max_streams"} */
json_t *dashboard_settings_json(void);

/* The current interval and history. */
void dashboard_settings(double *interval_s, uint32_t *history);

/* New interval and history (validated by the caller); clears the ring. */
int dashboard_configure(double interval_s, uint32_t history);

#endif /* VSNK_DASHBOARD_H */
