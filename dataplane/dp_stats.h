/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stats output built from a counter set whose slots are ports (dp_ports[]
 * index) and whose first counters are DP_PORT_COUNTERS: the periodic line
 * (testpmd style) and the "ports" section of the stats JSON, with the
 * driver's own counters (imissed, ierrors, oerrors, rx_nombuf) beside ours.
 *
 * Thread safety: main / control threads only (reads counters, never writes).
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_config.h>

#include "dp_counters.h"

/* Index of the shared per-port counters in every port counter set. */
#define DP_PORT_CTR_ENUM_(name, help) DP_PORT_CTR_##name,
enum dp_port_ctr {
	DP_PORT_COUNTERS(DP_PORT_CTR_ENUM_)
#undef DP_PORT_CTR_ENUM_
	DP_PORT_CTR_NB_COMMON
};

/* Previous sample for rates, per port. Owned by the caller. */
struct dp_rate_state {
	uint64_t last_ns;
	uint64_t rx_packets[RTE_MAX_ETHPORTS];
	uint64_t rx_bytes[RTE_MAX_ETHPORTS];
	uint64_t tx_packets[RTE_MAX_ETHPORTS];
	uint64_t tx_bytes[RTE_MAX_ETHPORTS];
};

/* Start the rate clock (call once before the first print). */
void dp_stats_rate_init(struct dp_rate_state *rs);

/* One block per port: totals and rates since the last call. */
void dp_stats_print_ports(FILE *f, const struct dp_counters *c, struct dp_rate_state *rs);

/*
 * The "ports" array: {"port":ID,"name":..,<every counter of the set>,
 * "driver":{"ipackets":..,"imissed":..,"ierrors":..,"oerrors":..,"rx_nombuf":..},
 * "xstats":{every rte_eth_xstats name the driver has: value}}.
 */
json_t *dp_stats_ports_json(const struct dp_counters *c);

/* Write root to path atomically (temp file + rename). 0 or -errno with err. */
int dp_stats_write_file(const char *path, json_t *root, char *err, size_t errlen);

/* Counter idx (a DP_PORT_COUNTERS one) summed over every port and lcore. */
uint64_t dp_stats_ports_sum(const struct dp_counters *c, unsigned int idx);

#endif /* DP_STATS_H */
