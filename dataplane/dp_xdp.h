/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our XDP steering program on net_af_xdp ports (issue 15).
 *
 * DPDK 22.11's net_af_xdp takes a custom program only through its xdp_prog
 * devarg (there is no pinned-map devarg before 24.x): it loads the object
 * (dataplane/xdp/vfwcl_steer.bpf.o), finds "xsks_map", attaches it through
 * netlink (which outlives the process) and puts its sockets in the map.
 * After the port has started, dp_xdp_port_attach takes that program over:
 * it finds the rule and counter maps through the program, writes the
 * --xdp-steer rules, and replaces the netlink attachment with a BPF link
 * this process owns, so the kernel detaches the program when the process
 * ends, however it ends (SIGKILL included). Until the rules are written the
 * program passes everything to the kernel.
 *
 * Thread safety: attach/detach on the main lcore; dp_xdp_port_stats from
 * the control threads (map reads are syscalls: never from a worker).
 */
#ifndef DP_XDP_H
#define DP_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dp_options.h"
#include "dp_port.h"
#include "dp_view.h"
#include "dp_xdp_traffic.h"

/*
 * For a started port p at index idx of dp_ports: nothing unless its driver is
 * net_af_xdp. Then, if the program attached on its interface is ours, take
 * it over (rules from cfg, a BPF link owned by this process); if it is not
 * ours and rules were given, fail. Returns 0 or a negative errno with err.
 */
int dp_xdp_port_attach(uint16_t idx, const struct dp_port *p, const struct dp_config *cfg,
		char *err, size_t errlen);

/*
 * Without --xdp-steer: write into every port that has our program the data
 * traffic fn describes for it (dp_xdp_traffic.h), and print it. Nothing
 * when rules were given or fn is NULL (then everything goes to the kernel).
 * Main lcore, before the workers start. Returns 0, -EINVAL with err when
 * a port's description has more than VFWCL_XDP_MAX_RULES rules, or
 * -errno when the map cannot be written.
 */
int dp_xdp_ports_default(const struct dp_config *cfg, dp_xdp_traffic_fn fn, void *ctx,
		char *err, size_t errlen);

/* Whether port idx has our program. */
bool dp_xdp_port_active(uint16_t idx);

/*
 * Port idx's counters (totals, per rule, per rx queue; each summed over the
 * CPUs) and rules in force (for /metrics and VES, through dp_view); false
 * when it has no program of ours or the maps cannot be read.
 */
bool dp_xdp_port_stats(unsigned int idx, struct dp_xdp_stats *out);

/* The "xdp" section of port idx's stats JSON (from dp_xdp_port_stats), or NULL. */
json_t *dp_xdp_port_json(uint16_t idx);

/* Detach (close the link) and forget the port; safe to call on any port. */
void dp_xdp_port_detach(uint16_t idx);

#endif /* DP_XDP_H */
