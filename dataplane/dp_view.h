/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane as the control libraries (mgmt/, ves-agent/) see it: the
 * ports in use, their link and driver totals, the workers, the run state.
 * The libraries read it through this table of functions and never call
 * DPDK; the binaries pass dp_mgmt_view() (dp_mgmt.c, the DPDK side), a
 * program without ports (the controller) passes none.
 *
 * Slots are indexes of the ports in use (0..nb_ports-1, portmask order),
 * not port ids. Every function may be called from any control thread
 * (REST server, VES agent) while the workers run: none blocks a worker.
 * No DPDK header here.
 */
#ifndef DP_VIEW_H
#define DP_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#define DP_VIEW_NAME_MAX 64	/* a port's device name, with the NUL */

/* What a port is: immutable while the ports are up. */
struct dp_port_desc {
	uint16_t port_id;
	uint16_t nb_rxq, nb_txq;
	uint16_t nb_rxd, nb_txd;
	uint64_t rx_offloads, tx_offloads;	/* enabled on the port */
	char name[DP_VIEW_NAME_MAX];
	char driver[32];
	char mac[18];		/* "aa:bb:cc:dd:ee:ff" */
};

struct dp_port_link {
	bool up;
	uint32_t speed_mbps;	/* 0: unknown */
};

/* The driver's own totals of a port: X(name, help), in this order. */
#define DP_DRIVER_STATS(X) \
	X(rx_packets, "Packets received by the port (driver count)") \
	X(tx_packets, "Packets sent by the port (driver count)") \
	X(rx_bytes,   "Bytes received by the port (driver count)") \
	X(tx_bytes,   "Bytes sent by the port (driver count)") \
	X(rx_missed,  "Packets dropped by the port because the rx queues were full") \
	X(rx_errors,  "Erroneous packets received by the port") \
	X(tx_errors,  "Packets the port failed to send") \
	X(rx_nombuf,  "Receive buffer allocation failures")

enum dp_driver_stat {
#define DP_DRIVER_STAT_ENUM_(name, help) DP_DRV_##name,
	DP_DRIVER_STATS(DP_DRIVER_STAT_ENUM_)
#undef DP_DRIVER_STAT_ENUM_
	DP_DRV_NB
};

/* One extended statistic of a port, as its driver names it (any name). */
#define DP_VIEW_XSTAT_NAME_MAX 64	/* RTE_ETH_XSTATS_NAME_SIZE */
struct dp_xstat {
	char name[DP_VIEW_XSTAT_NAME_MAX];
	uint64_t value;
};

/* The counters of our XDP steering program on a port (dp_xdp.h), from its maps. */
#define DP_VIEW_XDP_RULES 16	/* VFWCL_XDP_MAX_RULES */
#define DP_VIEW_XDP_RULE_LEN 96
#define DP_VIEW_XDP_QUEUES 64	/* VFWCL_XDP_MAX_QUEUES */
struct dp_xdp_stats {
	uint64_t redirected;	/* matched a rule, to the AF_XDP socket */
	uint64_t passed;	/* not data traffic: to the kernel */
	uint64_t no_socket;	/* matched, no socket on the queue: to the kernel */
	/* the same per rx queue, for the queues that saw a frame (below DP_VIEW_XDP_QUEUES) */
	unsigned int nb_queues;
	struct {
		unsigned int queue;
		uint64_t redirected;
		uint64_t passed;
		uint64_t no_socket;
	} queues[DP_VIEW_XDP_QUEUES];
	unsigned int nb_rules;	/* the rules in force, given or default */
	struct {
		char rule[DP_VIEW_XDP_RULE_LEN];	/* as --xdp-steer writes it */
		uint64_t packets;
	} rules[DP_VIEW_XDP_RULES];
};

struct dp_view {
	/* "DPDK 22.11.1": shown as "dpdk" in health, config and build_info */
	const char *(*platform_version)(void);
	unsigned int (*nb_ports)(void);
	void (*port_desc)(unsigned int slot, struct dp_port_desc *out);
	/* without waiting for the link to settle */
	void (*port_link)(unsigned int slot, struct dp_port_link *out);
	/* out[DP_DRV_NB]; zeros when the driver cannot say */
	void (*driver_stats)(unsigned int slot, uint64_t *out);
	/*
	 * The driver's extended statistics: fills up to max of out, returns
	 * how many the port has (more than max: call again with more room).
	 */
	unsigned int (*xstats)(unsigned int slot, struct dp_xstat *out, unsigned int max);
	/* our XDP program's counters; false when the port has none (not net_af_xdp, ...) */
	bool (*xdp_stats)(unsigned int slot, struct dp_xdp_stats *out);
	unsigned int (*nb_workers)(void);
	/* true once the process is stopping (signal, --duration, fatal error) */
	bool (*stopping)(void);
	/* the lifecycle state (dp_lifecycle.h): "starting", "running", "paused", "stopping" */
	const char *(*run_state)(void);
};

#endif /* DP_VIEW_H */
