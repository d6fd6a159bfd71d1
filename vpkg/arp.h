/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP on vpkg's ports: answer requests for the local address, learn the
 * gateway's MAC from its replies (or requests), and send requests for the
 * gateway while it is unknown.
 *
 * The worker that polls rx queue 0 of a port is its ARP worker: it handles
 * the frames and sends the requests on its own tx queue. Control (the main
 * tick) asks for requests and turns a learned MAC into a new stream table
 * (vpkg_streams_set_peer), so workers never rebuild templates.
 *
 * Thread safety: see the ownership comments of struct vpkg_arp_port.
 */
#ifndef VPKG_ARP_H
#define VPKG_ARP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_mbuf.h>

struct vpkg_arp_port {
	/* written: main before launch; read: all */
	uint32_t local_ip;	/* host order; 0 = do not answer */
	uint32_t gateway;	/* host order; 0 = none */
	/* written: ARP worker; read: control. Bit 48 set = valid; low 48 bits: MAC */
	_Atomic uint64_t learned;
	/* written: control (request); read: ARP worker */
	atomic_uint req_gen;
	/* written and read: ARP worker */
	unsigned int req_done;
	/* written and read: control */
	uint64_t last_req_ns;
};

#define VPKG_ARP_VALID (1ull << 48)

/* By dp_ports index. */
extern struct vpkg_arp_port vpkg_arp[RTE_MAX_ETHPORTS];

/*
 * Worker: handle n received frames of port (dp_ports index); txq is the
 * worker's queue on it (-1 = none: no replies). Every mbuf is consumed
 * (answered or freed). ctr is the worker's port counter block, stride its
 * per-port stride.
 */
void vpkg_arp_rx(uint16_t port, int txq, struct rte_mbuf **pkts, uint16_t n, uint64_t *ctr,
		unsigned int stride);

/* Worker: send the gateway request if control asked for one. */
void vpkg_arp_poll_request(uint16_t port, int txq, uint64_t *ctr, unsigned int stride);

/* Control tick: ask for requests while unresolved, publish learned MACs. */
void vpkg_arp_tick(void);

#endif /* VPKG_ARP_H */
