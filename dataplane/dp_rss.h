/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symmetric RSS for binaries that keep per-worker flow state
 * (dp_port_want.symmetric_rss): both directions of a flow must hash to the
 * same rx queue index on every port. The Toeplitz hash is symmetric when its
 * key repeats a 16-bit pattern (0x6d5a): swapping source and destination
 * address and port then gives the same hash. dp_port.c programs the key at
 * configure time and checks it after start; a driver that cannot take it is
 * refused, except drivers whose own spreading is symmetric by construction.
 *
 * Thread safety: main lcore only, during port set-up.
 */
#ifndef DP_RSS_H
#define DP_RSS_H

#include <stdbool.h>
#include <stddef.h>

#include <rte_ethdev.h>

#include "dp_port.h"

/*
 * True for drivers that keep both directions of a flow on one rx queue
 * without a key (net_af_packet: the kernel's fanout hash). The one list.
 */
bool dp_rss_symmetric_by_construction(const char *driver);

/*
 * Set conf's RSS for port p (p->nb_rxq > 1, name and driver known): the
 * hash functions the device has of IP/TCP/UDP and the symmetric key.
 * Returns 0 (also for a symmetric-by-construction driver, conf untouched),
 * or -EINVAL with err when the device has no RSS.
 */
int dp_rss_symmetric_conf(const struct dp_port *p, const struct rte_eth_dev_info *info,
		struct rte_eth_conf *conf, char *err, size_t errlen);

/*
 * After start: the port hashes with the symmetric key. A driver that kept
 * its own key at configure time is given it with rte_eth_dev_rss_hash_update.
 * Returns 0, or -EINVAL with err when the key is refused or not kept.
 */
int dp_rss_symmetric_check(const struct dp_port *p, char *err, size_t errlen);

/*
 * The one-line refusal: names the port, its driver, why, and --rxq 1.
 * Returns -EINVAL.
 */
int dp_rss_refuse(const struct dp_port *p, const char *why, char *err, size_t errlen);

#endif /* DP_RSS_H */
