/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes: the connected subnet of every port address, plus static routes
 * (--route PREFIX,GATEWAY; the gateway must be in a connected subnet).
 * Longest prefix first, first match wins; a handful of entries, scanned
 * linearly.
 *
 * Thread safety: built by main before the workers start, immutable after.
 */
#ifndef VFW_ROUTE_H
#define VFW_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define VFW_MAX_ROUTES 64

struct vfw_route {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 */
	uint8_t plen;
	uint16_t port;		/* dp_ports[] index of the output port */
	bool has_gw;		/* false: on-link, the next hop is the destination */
	uint8_t gw[16];		/* network order (IPv4: first 4 bytes) */
	uint8_t prefix[16];	/* network order, host bits zero */
	uint64_t net[2];	/* IPv6 prefix and mask as loaded from memory */
	uint64_t mask[2];
	uint32_t net4;		/* IPv4 prefix and mask as loaded from memory */
	uint32_t mask4;
	uint8_t nh;		/* next hop (nexthop.h) index + 1; 0 = on-link, no peer */
};

struct vfw_route_table {
	uint32_t nb[2];		/* [0] IPv4, [1] IPv6 */
	struct vfw_route r[2][VFW_MAX_ROUTES];
};

/* Written: main before launch; read: workers. */
extern struct vfw_route_table vfw_routes;

/*
 * Add a route (kept sorted, longest prefix first). family DP_FAM_V4/V6,
 * prefix in network order, gw NULL for on-link. -ENOSPC when full.
 */
int vfw_route_add(struct vfw_route_table *t, uint8_t family, const uint8_t *prefix,
		uint8_t plen, uint16_t port, const uint8_t *gw);

/* The route of an IPv4 destination (network order, as in the packet), or NULL. */
static inline const struct vfw_route *
vfw_route_lookup4(const struct vfw_route_table *t, uint32_t dst)
{
	uint32_t i;

	for (i = 0; i < t->nb[0]; i++) {
		const struct vfw_route *r = &t->r[0][i];

		if ((dst & r->mask4) == r->net4)
			return r;
	}
	return NULL;
}

static inline const struct vfw_route *
vfw_route_lookup6(const struct vfw_route_table *t, const uint8_t *dst)
{
	uint64_t d[2];
	uint32_t i;

	memcpy(d, dst, 16);
	for (i = 0; i < t->nb[1]; i++) {
		const struct vfw_route *r = &t->r[1][i];

		if ((d[0] & r->mask[0]) == r->net[0] && (d[1] & r->mask[1]) == r->net[1])
			return r;
	}
	return NULL;
}

/* True when addr (network order) is inside prefix/plen. */
bool vfw_prefix_contains(uint8_t family, const uint8_t *prefix, uint8_t plen, const uint8_t *addr);

#endif /* VFW_ROUTE_H */
