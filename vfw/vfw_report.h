/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's counters as text and JSON (vfw_report.c): the stats line, the stats
 * JSON (file, REST, VES), the DPDK telemetry commands.
 *
 * Thread safety: the stats callbacks run on the main lcore or the REST
 * thread and only read counters and tables.
 */
#ifndef VFW_REPORT_H
#define VFW_REPORT_H

#include <jansson.h>

#include "dp_counters.h"
#include "vfw.h"

/* Names and help of the per-port counters (VFW_PORT_COUNTERS in vfw.h). */
extern const struct dp_counter_desc vfw_port_ctr_desc[VFW_CTR_MAX];

void vfw_stats_start(void);
void vfw_stats_print(void *ctx);
json_t *vfw_stats_json(void *ctx);
/* /vfw/stats, /vfw/rules, /vfw/sessions on the telemetry socket: 0 or -errno */
int vfw_telemetry_register(void);

#endif /* VFW_REPORT_H */
