/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up that works on any driver: queues and descriptor counts within
 * what the device reports, RSS when there are several rx queues (a
 * symmetric key on request, dp_rss.h), offloads
 * only where the device reports them (the binary then falls back to software
 * checksums), link status shown, one mempool sized from the ports, queues
 * and descriptors.
 *
 * Thread safety: init/stop/close on the main lcore; dp_ports[] is immutable
 * while workers run.
 */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "dp_options.h"

struct dp_port {
	uint16_t port_id;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t nb_rxd;
	uint16_t nb_txd;
	uint64_t rx_offloads;	/* enabled on the port */
	uint64_t tx_offloads;	/* enabled on the port */
	bool started;
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[32];
};

/* What the binary asks of the ports (hints; the device may offer less). */
struct dp_port_want {
	uint16_t nb_rxq;	/* 0 = no rx */
	uint16_t nb_txq;	/* 0 = no tx */
	uint64_t rx_offloads;	/* wanted; enabled only where supported */
	uint64_t tx_offloads;
	uint32_t extra_mbufs;	/* mbufs held outside the rings (templates, bursts) */
	/*
	 * Both directions of a flow on the same rx queue index of every port,
	 * for per-worker flow state (with dp_workers_assign_flow_queues): with
	 * several rx queues, every port the same number of them and the
	 * symmetric RSS key (dp_rss.h), or dp_ports_init fails (-EINVAL) naming
	 * the port and its driver.
	 */
	bool symmetric_rss;
};

/* Ports in use, in portmask order. Written: main before launch; read: all. */
extern struct dp_port dp_ports[RTE_MAX_ETHPORTS];
extern uint16_t dp_nb_ports;
extern struct rte_mempool *dp_pktmbuf_pool;

/*
 * Select the ports of cfg->portmask (error if a bit names no port), create
 * the mempool, configure and start every port. Returns 0, or negative errno
 * with a one-line reason in err (-EINVAL: bad configuration, exit 2;
 * other: run time failure, exit 1).
 */
int dp_ports_init(const struct dp_config *cfg, const struct dp_port_want *want,
		unsigned int nb_workers, char *err, size_t errlen);

/* Print one line per port: name, driver, MAC, link. */
void dp_ports_show(void);

/*
 * rte_eth_stats_get of port slot (dp_ports index), with what the driver
 * does not count itself added: net_af_packet's socket drops in imissed
 * (dp_afpacket.h). Every reader of the driver's counters goes through here.
 * 0 or rte_eth_stats_get's error (st then holds the added counts only).
 * Any control thread.
 */
int dp_port_eth_stats(unsigned int slot, struct rte_eth_stats *st);

/* Stop and close every port, free the mempool. */
void dp_ports_close(void);

#endif /* DP_PORT_H */
