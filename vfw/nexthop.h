/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Next hops: where a route sends its packets, as an object of its own (as
 * grout's nexthop or VPP's adjacency): the output port and the two MACs of
 * the Ethernet header to write. A route to a gateway, or any route out of a
 * port with --eth-peer, has one (shared by routes with the same port and
 * gateway); an on-link route without a peer has none (its next hop is each
 * destination: the neighbour table, per packet).
 *
 * A session caches, per direction, the next hop its packets take (struct
 * ct_session.nh), so an established packet costs no route scan and no
 * neighbour lookup: one load of the next hop's MAC word.
 *
 * Threads: the table is built by main before the workers start (with the
 * routes) and its size and keys never change afterwards. The MAC of a
 * gateway's next hop is written by the vfw control thread when the
 * neighbour table learns it (vfw_nexthop_learned, from neigh.c) and read
 * by workers as one 64-bit word (relaxed atomics: a MAC is never torn).
 */
#ifndef VFW_NEXTHOP_H
#define VFW_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>

#define VFW_MAX_NEXTHOPS 128		/* as many as routes (an index + 1 fits a uint8_t) */
/* In dst_word, its last byte in memory (after the MAC): the MAC is known. */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define VFW_NH_RESOLVED (1ull << 63)
#else
#define VFW_NH_RESOLVED 0x80ull
#endif

struct vfw_nexthop {
	/*
	 * The next hop's MAC in the first 6 bytes in memory order, with
	 * VFW_NH_RESOLVED once known. Written: main (set-up) and the control
	 * thread; read: workers.
	 */
	uint64_t dst_word;
	struct rte_ether_addr src;	/* the output port's MAC; immutable */
	uint16_t port;			/* output port, dp_ports[] index; immutable */
	uint8_t family;			/* of gw: DP_FAM_V4 / DP_FAM_V6; immutable */
	bool has_gw;			/* resolved through the neighbour table; immutable */
	uint8_t gw[16];			/* network order (IPv4: first 4 bytes); immutable */
} __rte_cache_aligned;

/* Written: main before launch (keys), control thread (dst_word); read: workers. */
extern struct vfw_nexthop vfw_nexthops[VFW_MAX_NEXTHOPS];
extern unsigned int vfw_nb_nexthops;

/* Empty the table (main, before the routes are built). */
void vfw_nexthop_reset(void);

/*
 * The next hop out of port: to peer (a static MAC, --eth-peer) when not
 * NULL, else to gateway gw of family. Found or added; returns its index + 1,
 * or 0 when the table is full.
 */
unsigned int vfw_nexthop_get(uint16_t port, const struct rte_ether_addr *src,
		const struct rte_ether_addr *peer, uint8_t family, const uint8_t *gw);

struct vfw_route_table;

/*
 * Give every route of t its next hop (route.h: struct vfw_route.nh): out of
 * a port p with a static peer (peer[p] != NULL) the peer, else the route's
 * gateway, else none (on-link). src[p] is port p's MAC. 0, or -ENOSPC when
 * the table is full (nothing is bound then).
 */
int vfw_nexthop_bind(struct vfw_route_table *t, const struct rte_ether_addr *src,
		const struct rte_ether_addr *const *peer);

/* Control thread: the neighbour table now maps (port, family, ip) to mac. */
void vfw_nexthop_learned(uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac);

/*
 * Control thread: (port, family, ip) no longer answers (neigh.h: failed):
 * its next hops are unresolved until it is learned again, so packets take
 * the slow path, which asks for it.
 */
void vfw_nexthop_unresolved(uint16_t port, uint8_t family, const uint8_t *ip);

/* Any thread: (port, family, ip) is the gateway of a next hop. */
bool vfw_nexthop_is_gateway(uint16_t port, uint8_t family, const uint8_t *ip);

/* The MAC word of a MAC (VFW_NH_RESOLVED set). */
static inline uint64_t
vfw_nexthop_word(const struct rte_ether_addr *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return w | VFW_NH_RESOLVED;
}

/* Worker: the MAC word of a next hop; VFW_NH_RESOLVED clear while unknown. */
static inline uint64_t
vfw_nexthop_dst(const struct vfw_nexthop *nh)
{
	return __atomic_load_n(&nh->dst_word, __ATOMIC_RELAXED);
}

#endif /* VFW_NEXTHOP_H */
