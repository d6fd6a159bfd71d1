/* SPDX-License-Identifier: BSD-3-Clause */
/* Next-hop objects (nexthop.h). */
#include <string.h>

#include <errno.h>

#include "dp_net.h"
#include "nexthop.h"
#include "route.h"

_Static_assert(VFW_MAX_NEXTHOPS >= 2 * VFW_MAX_ROUTES && VFW_MAX_NEXTHOPS < UINT8_MAX,
	       "a next hop per route; an index + 1 fits a uint8_t");

struct vfw_nexthop vfw_nexthops[VFW_MAX_NEXTHOPS];
unsigned int vfw_nb_nexthops;

void
vfw_nexthop_reset(void)
{
	memset(vfw_nexthops, 0, sizeof(vfw_nexthops));
	vfw_nb_nexthops = 0;
}

unsigned int
vfw_nexthop_get(uint16_t port, const struct rte_ether_addr *src,
		const struct rte_ether_addr *peer, uint8_t family, const uint8_t *gw)
{
	struct vfw_nexthop *nh;
	unsigned int i;

	for (i = 0; i < vfw_nb_nexthops; i++) {
		nh = &vfw_nexthops[i];
		if (nh->port != port)
			continue;
		if (peer != NULL && !nh->has_gw)
			return i + 1;
		if (peer == NULL && nh->has_gw && nh->family == family &&
		    memcmp(nh->gw, gw, dp_fam_addr_len(family)) == 0)
			return i + 1;
	}
	if (vfw_nb_nexthops == VFW_MAX_NEXTHOPS)
		return 0;
	nh = &vfw_nexthops[vfw_nb_nexthops];
	memset(nh, 0, sizeof(*nh));
	nh->port = port;
	nh->src = *src;
	if (peer != NULL) {
		nh->dst_word = vfw_nexthop_word(peer);
	} else {
		nh->has_gw = true;
		nh->family = family;
		memcpy(nh->gw, gw, dp_fam_addr_len(family));
	}
	return ++vfw_nb_nexthops;
}

/* nh goes through the gateway (port, family, ip). */
static bool
gw_match(const struct vfw_nexthop *nh, uint16_t port, uint8_t family, const uint8_t *ip)
{
	return nh->has_gw && nh->port == port && nh->family == family &&
	       memcmp(nh->gw, ip, dp_fam_addr_len(family)) == 0;
}

void
vfw_nexthop_learned(uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac)
{
	uint64_t w = vfw_nexthop_word(mac);
	unsigned int i;

	for (i = 0; i < vfw_nb_nexthops; i++) {
		struct vfw_nexthop *nh = &vfw_nexthops[i];

		if (gw_match(nh, port, family, ip))
			__atomic_store_n(&nh->dst_word, w, __ATOMIC_RELAXED);
	}
}

void
vfw_nexthop_unresolved(uint16_t port, uint8_t family, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < vfw_nb_nexthops; i++) {
		struct vfw_nexthop *nh = &vfw_nexthops[i];

		if (gw_match(nh, port, family, ip))
			__atomic_store_n(&nh->dst_word, __atomic_load_n(&nh->dst_word,
					__ATOMIC_RELAXED) & ~VFW_NH_RESOLVED, __ATOMIC_RELAXED);
	}
}

bool
vfw_nexthop_is_gateway(uint16_t port, uint8_t family, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < vfw_nb_nexthops; i++)
		if (gw_match(&vfw_nexthops[i], port, family, ip))
			return true;
	return false;
}

int
vfw_nexthop_bind(struct vfw_route_table *t, const struct rte_ether_addr *src,
		const struct rte_ether_addr *const *peer)
{
	unsigned int f, i, nh;

	for (f = 0; f < 2; f++) {
		for (i = 0; i < t->nb[f]; i++) {
			struct vfw_route *r = &t->r[f][i];

			if (peer[r->port] != NULL) {
				nh = vfw_nexthop_get(r->port, &src[r->port], peer[r->port], 0, NULL);
			} else if (r->has_gw) {
				nh = vfw_nexthop_get(r->port, &src[r->port], NULL, r->family, r->gw);
			} else {
				r->nh = 0;	/* on-link: the destination is the next hop */
				continue;
			}
			if (nh == 0)
				goto full;
			r->nh = (uint8_t)nh;
		}
	}
	return 0;
full:
	for (f = 0; f < 2; f++)
		for (i = 0; i < t->nb[f]; i++)
			t->r[f][i].nh = 0;
	return -ENOSPC;
}
