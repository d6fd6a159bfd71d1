/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A binary's data traffic on one port, for the XDP steering program when
 * no --xdp-steer is given (issue 15): each binary describes it from its own
 * configuration through dp_main_hooks.xdp_traffic, dp_xdp_ports_default
 * (dp_xdp.h) writes it into the port's program. What the binaries give:
 *
 *   vfw   its IPv4 and IPv6 addresses on the port (not its link-local one:
 *         it is the kernel's too, both derive it from the same MAC), and
 *         every prefix it routes out of its other ports (their connected
 *         subnets and --route prefixes)
 *   vpkg  its local address on the port (--local-ip, default the first
 *         stream's source)
 *   vsnk  frames that carry vpkg's probe header
 *
 * Pure (no DPDK, no libbpf): unit-tested in tests/unit/test_xdp_rule.c.
 */
#ifndef DP_XDP_TRAFFIC_H
#define DP_XDP_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "xdp/vfwcl_xdp_abi.h"

/* Owned by the caller of the hook; the binary's hook only adds to it. */
struct dp_xdp_traffic {
	unsigned int nb_rules;
	struct vfwcl_xdp_rule rules[VFWCL_XDP_MAX_RULES];
	bool overflow;		/* more than VFWCL_XDP_MAX_RULES were added */
};

/* The binary's description of port idx (index of dp_ports). */
typedef void (*dp_xdp_traffic_fn)(void *ctx, uint16_t idx, struct dp_xdp_traffic *t);

/*
 * IPv4 destination prefix addr/prefix_len (addr in host order; host bits are
 * cleared) and the ARP for addresses in it. Skipped when a destination
 * prefix already there covers it.
 */
void dp_xdp_traffic_add_dst(struct dp_xdp_traffic *t, uint32_t addr, uint8_t prefix_len);

/*
 * IPv6 destination prefix addr/prefix_len (network order; host bits are
 * cleared) and the neighbour discovery for addresses in it. Skipped when an
 * IPv6 destination prefix already there covers it.
 */
void dp_xdp_traffic_add_dst6(struct dp_xdp_traffic *t, const uint8_t addr[16], uint8_t prefix_len);

/* Frames whose UDP, TCP or ICMP echo payload starts with the probe header. */
void dp_xdp_traffic_add_probe(struct dp_xdp_traffic *t);

#endif /* DP_XDP_TRAFFIC_H */
