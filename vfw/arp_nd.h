/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local traffic of a worker (arp_nd.c): ARP, neighbour discovery, ping to
 * the firewall, solicitations for next hops, and the worker's view of the
 * neighbour table. Called by the worker only, on its own state.
 */
#ifndef VFW_ARP_ND_H
#define VFW_ARP_ND_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct dp_pkt_info;
struct vfw_port;
struct vfw_worker;

/* Each of the three inputs returns after taking m (tx or free). */
void vfw_arp_input(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		uint32_t len);
/* IPv4 to one of our addresses: echo request -> reply, else counted to_self. */
void vfw_local_v4(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi);
/* IPv6 for us (unicast to our address, or ND multicast): NS, NA, echo. */
void vfw_local_v6(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi);
/*
 * Neighbours (neigh.h) as the worker sees them: the shared table, then what
 * this worker learned itself and the control thread has not applied yet.
 */
bool vfw_worker_neigh_lookup(struct vfw_worker *w, uint16_t port, uint8_t family,
		const uint8_t *ip, struct rte_ether_addr *mac);
/* Learn (port, ip) -> mac: this worker at once, the shared table through its ring. */
void vfw_worker_neigh_learn(struct vfw_worker *w, uint16_t port, uint8_t family,
		const uint8_t *ip, const struct rte_ether_addr *mac);
/* Resolve ip (network order) on port: ARP request / NS, rate limited. */
void vfw_solicit(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip);

/* Any thread: port has an address of family to ask from (vfw_neigh_can_probe). */
bool vfw_can_solicit(uint16_t port, uint8_t family);

/*
 * The probing worker, between bursts, when vfw_neigh_probe_pending(): the
 * unicast probes the neighbour table's ageing asked for (neigh.h).
 */
void vfw_send_probes(struct vfw_worker *w);
/* True when an IPv6 destination is ours or one of our ND multicast groups. */
bool vfw_v6_is_local(const struct vfw_port *p, const uint8_t *dst);

#endif /* VFW_ARP_ND_H */
