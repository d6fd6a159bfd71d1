/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The glue between the DPDK data plane and the control libraries: the
 * dp_view (dp_view.h) of this process's ports (dp_ports) and workers,
 * read with rte_ethdev. mgmt/ and ves-agent/ take it from the binary
 * (mgmt_binding.view, ves_ports_start) and never call DPDK themselves.
 */
#ifndef DP_MGMT_H
#define DP_MGMT_H

#include "dp_view.h"

/* The view of the ports in use (dp_ports) and of the workers; static, never NULL. */
const struct dp_view *dp_mgmt_view(void);

/* The view's run_state (dp_lifecycle.c gives dp_lifecycle_state; NULL until then). */
void dp_mgmt_set_run_state(const char *(*run_state)(void));

/* The view's xstats of port slot (dp_view.h), also for the stats JSON. */
unsigned int dp_mgmt_xstats(unsigned int slot, struct dp_xstat *out, unsigned int max);

#endif /* DP_MGMT_H */
