/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Next-hop objects (vfw/nexthop.c): which routes get one, sharing, the MAC
 * a neighbour update writes (and only there), a full table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_net.h"
#include "nexthop.h"
#include "route.h"

static const struct rte_ether_addr port_mac[3] = {
	{ { 0x02, 0, 0, 0, 0, 0xa0 } }, { { 0x02, 0, 0, 0, 0, 0xa1 } }, { { 0x02, 0, 0, 0, 0, 0xa2 } },
};
static const struct rte_ether_addr peer1 = { { 0x02, 0, 0, 0, 0, 0xb1 } };
static const struct rte_ether_addr gw_mac = { { 0x02, 0, 0, 0, 0, 0xc0 } };
static const struct rte_ether_addr gw_mac2 = { { 0x02, 0, 0, 0, 0, 0xc2 } };

static const uint8_t gw4[4] = { 192, 168, 10, 1 };
static const uint8_t other4[4] = { 192, 168, 10, 2 };
static const uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t gw4_as_v6[16] = { 192, 168, 10, 1 };	/* gw4's bytes, another family */

static struct vfw_route_table rt;

static void
add4(const char *what, uint8_t a, uint8_t plen, uint16_t port, const uint8_t *gw)
{
	const uint8_t prefix[4] = { a, 0, 0, 0 };

	(void)what;
	assert_int_equal(vfw_route_add(&rt, DP_FAM_V4, prefix, plen, port, gw), 0);
}

static const struct vfw_route *
find4(uint8_t a)
{
	uint32_t d;
	const uint8_t addr[4] = { a, 1, 2, 3 };

	memcpy(&d, addr, 4);
	return vfw_route_lookup4(&rt, d);
}

static uint64_t
word(const struct rte_ether_addr *m)
{
	return vfw_nexthop_word(m);
}

/*
 * Port 0: on-link (no peer) and two routes via the same gateway; port 1:
 * a static peer; IPv6 via a gateway on port 0.
 */
static void
build(void)
{
	const struct rte_ether_addr *peer[3] = { NULL, &peer1, NULL };
	const uint8_t p6[16] = { 0 };

	memset(&rt, 0, sizeof(rt));
	vfw_nexthop_reset();
	add4("on-link", 192, 8, 0, NULL);
	add4("via gw", 10, 8, 0, gw4);
	add4("via gw again", 11, 8, 0, gw4);
	add4("out of the peer's port", 172, 8, 1, NULL);
	add4("via a gateway, peer's port", 173, 8, 1, other4);
	assert_int_equal(vfw_route_add(&rt, DP_FAM_V6, p6, 0, 0, gw6), 0);
	assert_int_equal(vfw_nexthop_bind(&rt, port_mac, peer), 0);
}

static void
test_bind(void **state)
{
	const struct vfw_nexthop *nh;

	(void)state;
	build();
	/* on-link without a peer: the destination is the next hop, none here */
	assert_int_equal(find4(192)->nh, 0);
	/* two routes via one gateway share its next hop, unresolved at first */
	assert_int_not_equal(find4(10)->nh, 0);
	assert_int_equal(find4(10)->nh, find4(11)->nh);
	nh = &vfw_nexthops[find4(10)->nh - 1];
	assert_int_equal(nh->port, 0);
	assert_true(nh->has_gw);
	assert_memory_equal(nh->gw, gw4, 4);
	assert_memory_equal(&nh->src, &port_mac[0], sizeof(nh->src));
	assert_int_equal(vfw_nexthop_dst(nh) & VFW_NH_RESOLVED, 0);
	/* out of a port with a static peer: the peer, resolved, whatever the gateway */
	assert_int_not_equal(find4(172)->nh, 0);
	assert_int_equal(find4(172)->nh, find4(173)->nh);
	nh = &vfw_nexthops[find4(172)->nh - 1];
	assert_int_equal(nh->port, 1);
	assert_false(nh->has_gw);
	assert_int_equal(vfw_nexthop_dst(nh), word(&peer1));
	assert_memory_equal(&nh->src, &port_mac[1], sizeof(nh->src));
	/* the IPv6 gateway has a next hop of its own */
	assert_int_not_equal(rt.r[1][0].nh, 0);
	assert_int_not_equal(rt.r[1][0].nh, find4(10)->nh);
	assert_int_equal(vfw_nb_nexthops, 3);
}

static void
test_learned(void **state)
{
	const struct vfw_nexthop *gw, *peer, *v6;
	uint64_t dst;

	(void)state;
	build();
	gw = &vfw_nexthops[find4(10)->nh - 1];
	peer = &vfw_nexthops[find4(172)->nh - 1];
	v6 = &vfw_nexthops[rt.r[1][0].nh - 1];
	/* another address, another port, another family: nothing changes */
	vfw_nexthop_learned(0, DP_FAM_V4, other4, &gw_mac);
	vfw_nexthop_learned(1, DP_FAM_V4, gw4, &gw_mac);
	vfw_nexthop_learned(0, DP_FAM_V6, gw4_as_v6, &gw_mac);
	assert_int_equal(vfw_nexthop_dst(gw) & VFW_NH_RESOLVED, 0);
	/* the gateway's MAC: resolved, the MAC in the first 6 bytes */
	vfw_nexthop_learned(0, DP_FAM_V4, gw4, &gw_mac);
	dst = vfw_nexthop_dst(gw);
	assert_int_not_equal(dst & VFW_NH_RESOLVED, 0);
	assert_memory_equal(&dst, gw_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	/* it moves: the next hop follows (sessions caching it see the new MAC) */
	vfw_nexthop_learned(0, DP_FAM_V4, gw4, &gw_mac2);
	dst = vfw_nexthop_dst(gw);
	assert_memory_equal(&dst, gw_mac2.addr_bytes, RTE_ETHER_ADDR_LEN);
	/* a static peer is not the neighbour table's to change */
	vfw_nexthop_learned(1, DP_FAM_V4, other4, &gw_mac);
	assert_int_equal(vfw_nexthop_dst(peer), word(&peer1));
	assert_int_equal(vfw_nexthop_dst(v6) & VFW_NH_RESOLVED, 0);
	vfw_nexthop_learned(0, DP_FAM_V6, gw6, &gw_mac);
	assert_int_equal(vfw_nexthop_dst(v6), word(&gw_mac));
}

static void
test_full(void **state)
{
	const struct rte_ether_addr *peer[3] = { NULL, NULL, NULL };
	uint8_t gw[4] = { 192, 168, 10, 0 };
	unsigned int i;

	(void)state;
	memset(&rt, 0, sizeof(rt));
	vfw_nexthop_reset();
	add4("on-link", 192, 8, 0, NULL);
	for (i = 0; i < VFW_MAX_ROUTES - 1; i++) {
		gw[3] = (uint8_t)(i + 1);
		add4("a gateway each", (uint8_t)(i + 1), 8, 0, gw);
	}
	/* fill all but what the routes need: bind fails and binds nothing */
	for (i = 0; i < VFW_MAX_NEXTHOPS - 10; i++) {
		uint8_t g[4] = { 10, 9, (uint8_t)(i >> 8), (uint8_t)i };

		assert_int_not_equal(vfw_nexthop_get(2, &port_mac[2], NULL, DP_FAM_V4, g), 0);
	}
	assert_int_equal(vfw_nexthop_bind(&rt, port_mac, peer), -ENOSPC);
	for (i = 0; i < rt.nb[0]; i++)
		assert_int_equal(rt.r[0][i].nh, 0);
	/* an empty table has room for a next hop per route */
	vfw_nexthop_reset();
	assert_int_equal(vfw_nexthop_bind(&rt, port_mac, peer), 0);
	assert_int_equal(vfw_nb_nexthops, VFW_MAX_ROUTES - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_learned),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
