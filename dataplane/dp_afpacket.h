/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the kernel dropped from net_af_packet's socket rings, counted.
 *
 * DPDK 22.11's net_af_packet reports no imissed: when the TPACKET rx ring of
 * its socket is full (the binary paused, or slower than the traffic) the
 * kernel drops the frame and counts it in the socket's PACKET_STATISTICS
 * (tp_drops), which the driver never reads. This module finds the driver's
 * sockets, this process's AF_PACKET sockets bound to the port's interface
 * (rte_eth_dev_info.if_index), reads PACKET_STATISTICS (a read returns the
 * counts since the previous one and zeroes them) and keeps the total per
 * port; dp_port_eth_stats adds it to the driver's imissed, so every reader
 * (stats file, REST status and stats, /metrics, VES) sees it.
 *
 * Thread safety: dp_afpacket_attach on the main lcore (dp_ports_init);
 * dp_afpacket_drops from any control thread (one mutex).
 */
#ifndef DP_AFPACKET_H
#define DP_AFPACKET_H

#include <stdint.h>

/*
 * Remember the AF_PACKET sockets on interface if_index as port slot's.
 * Returns how many were found (0: none; the port then counts nothing).
 */
unsigned int dp_afpacket_attach(unsigned int slot, int if_index);

/* The frames the kernel dropped on port slot's sockets since attach. */
uint64_t dp_afpacket_drops(unsigned int slot);

/* Forget every port's sockets (before the ports are closed: the fds go). */
void dp_afpacket_detach_all(void);

#endif /* DP_AFPACKET_H */
