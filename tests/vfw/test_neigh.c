/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table (vfw/neigh.c): ageing, what keeps an entry alive,
 * tombstones in a probe chain, reuse only after the RCU grace period,
 * eviction when a probe window is full, and a flood of addresses that
 * must not push out the neighbours in use. The workers' side is
 * vfw_neigh_lookup() called here; an RCU reader that has not passed a
 * quiescent state stands for a worker still reading an old entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_rcu_qsbr.h>

#include "dp_clock.h"
#include "dp_engine.h"
#include "dp_net.h"
#include "neigh.h"
#include "nexthop.h"
#include "test_eal.h"

#define SEC 1000000000ull
#define T (300 * SEC)		/* the timeout the tests age with */
#define READER 7		/* an RCU thread id no one else uses */

static const struct rte_ether_addr mac1 = { { 0x02, 0, 0, 0, 0, 0x01 } };

/* The nth IPv4 address on port 0 whose home slot is home (n from 0). */
static void
colliding(uint32_t home, unsigned int nth, uint8_t ip[4])
{
	uint32_t a;

	for (a = 0x0a000001u; ; a++) {
		ip[0] = (uint8_t)(a >> 24);
		ip[1] = (uint8_t)(a >> 16);
		ip[2] = (uint8_t)(a >> 8);
		ip[3] = (uint8_t)a;
		if (vfw_neigh_slot(0, DP_FAM_V4, ip) == home && nth-- == 0)
			return;
	}
}

static void
learn(const uint8_t ip[4])
{
	vfw_neigh_learn(0, DP_FAM_V4, ip, &mac1);
	vfw_neigh_process();
}

static bool
found(const uint8_t ip[4])
{
	struct rte_ether_addr m;

	return vfw_neigh_lookup(0, DP_FAM_V4, ip, &m);
}

/* The slot index holding ip (live), or -1. */
static int
slot_of(const uint8_t ip[4])
{
	int i;

	for (i = 0; i < VFW_NEIGH_SLOTS; i++) {
		const struct vfw_neigh *e = &vfw_neigh_tab[i];

		if (e->state == VFW_NEIGH_LIVE && e->port == 0 && e->family == DP_FAM_V4 &&
		    memcmp(e->ip, ip, 4) == 0)
			return i;
	}
	return -1;
}

static unsigned int
snapshot_count(void)
{
	static struct vfw_neigh_entry e[VFW_NEIGH_SLOTS];

	return vfw_neigh_snapshot(e, VFW_NEIGH_SLOTS);
}

static bool
can_probe(uint16_t port, uint8_t family)
{
	(void)port;
	(void)family;
	return true;
}

/* The probes waiting for the worker: how many, the last one in *last. */
static unsigned int
probes_taken(struct vfw_neigh_entry *last)
{
	struct vfw_neigh_entry pr[16];
	unsigned int n, total = 0;

	while (vfw_neigh_probe_pending() && (n = vfw_neigh_probe_take(pr, RTE_DIM(pr))) != 0) {
		total += n;
		if (last != NULL)
			*last = pr[n - 1];
	}
	return total;
}

static int
setup(void **state)
{
	char err[128];

	(void)state;
	vfw_neigh_can_probe = can_probe;
	vfw_nexthop_reset();
	return vfw_neigh_init(err, sizeof(err));
}

static int
teardown(void **state)
{
	(void)state;
	vfw_neigh_fini();
	return 0;
}

static void
test_unused_entry_ages_out(void **state)
{
	uint8_t a[4];
	uint64_t t0 = dp_mono_ns();
	struct vfw_neigh_counts c;

	(void)state;
	colliding(100, 0, a);
	learn(a);
	assert_true(found(a));
	vfw_neigh_age(dp_mono_ns(), T);		/* found: used, kept */
	assert_int_equal(vfw_neigh_age(t0 + T / 2, T), 0);	/* unused, not yet old */
	assert_true(found(a));
	vfw_neigh_age(t0 + T / 2 + 1, T);	/* the lookup above: used again, seen then */
	assert_int_equal(vfw_neigh_age(t0 + T / 2 + T + 2, T), 1);
	assert_false(found(a));
	assert_int_equal(snapshot_count(), 0);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.live, 0);
	assert_int_equal(c.aged, 1);
	assert_int_equal(c.evicted, 0);
	/* no reader: the grace period is over at once, the slot is empty again */
	assert_int_equal(vfw_neigh_tab[100].state, VFW_NEIGH_EMPTY);
	learn(a);			/* and learned again */
	assert_true(found(a));
}

static void
test_used_entry_kept(void **state)
{
	uint8_t a[4], b[4];
	uint64_t t0 = dp_mono_ns();

	(void)state;
	colliding(200, 0, a);
	colliding(300, 0, b);
	learn(a);
	learn(b);
	assert_true(found(a));			/* a used, b not */
	assert_int_equal(vfw_neigh_age(t0 + T + SEC, T), 1);
	assert_true(found(a));
	assert_false(found(b));
	/* a was found again just now: kept by the next pass, gone one timeout later */
	assert_int_equal(vfw_neigh_age(t0 + T + 2 * SEC, T), 0);
	assert_int_equal(vfw_neigh_age(t0 + 2 * T + 3 * SEC, T), 1);
	assert_false(found(a));
}

/* A dead entry in the middle of a probe chain must not hide what follows. */
static void
test_tombstone_keeps_chain(void **state)
{
	uint8_t a[4], b[4], c[4], d[4];
	uint64_t t0 = dp_mono_ns();

	(void)state;
	colliding(500, 0, a);
	colliding(500, 1, b);
	colliding(500, 2, c);
	colliding(500, 3, d);
	learn(a);
	learn(b);
	learn(c);
	assert_int_equal(slot_of(a), 500);
	assert_int_equal(slot_of(b), 501);
	assert_int_equal(slot_of(c), 502);
	assert_true(found(b));
	assert_true(found(c));
	assert_int_equal(vfw_neigh_age(t0 + T + SEC, T), 1);	/* a only */
	assert_int_equal(vfw_neigh_tab[500].state, VFW_NEIGH_DEAD);	/* 501 is live: stays */
	assert_true(found(b));
	assert_true(found(c));
	learn(d);				/* the tombstone is reused (no reader) */
	assert_int_equal(slot_of(d), 500);
	assert_true(found(b) && found(c) && found(d));
}

/*
 * A worker that has not passed a quiescent state since an entry died may
 * still be reading its key: the slot must not be rewritten until it has.
 */
static void
test_reuse_waits_for_grace_period(void **state)
{
	struct rte_rcu_qsbr *rcu = dp_rcu();
	uint8_t a[4], d[4], e[4];
	uint64_t t0 = dp_mono_ns();

	(void)state;
	colliding(600, 0, a);
	colliding(600, 1, d);
	colliding(600, 2, e);
	assert_int_equal(rte_rcu_qsbr_thread_register(rcu, READER), 0);
	rte_rcu_qsbr_thread_online(rcu, READER);
	learn(a);
	assert_int_equal(vfw_neigh_age(t0 + T + SEC, T), 1);
	/* a reader is inside: the tombstone is not made empty, nor reused */
	assert_int_equal(vfw_neigh_tab[600].state, VFW_NEIGH_DEAD);
	learn(d);
	assert_int_equal(slot_of(d), 601);
	assert_memory_equal(vfw_neigh_tab[600].ip, a, 4);	/* the old key, untouched */
	rte_rcu_qsbr_quiescent(rcu, READER);	/* the reader moved on */
	learn(e);
	assert_int_equal(slot_of(e), 600);
	assert_true(found(d) && found(e));
	rte_rcu_qsbr_thread_offline(rcu, READER);
	rte_rcu_qsbr_thread_unregister(rcu, READER);
}

static void
test_tombstones_become_empty_after_grace(void **state)
{
	struct rte_rcu_qsbr *rcu = dp_rcu();
	uint8_t a[4], b[4];
	uint64_t t0 = dp_mono_ns();

	(void)state;
	colliding(700, 0, a);
	colliding(700, 1, b);
	assert_int_equal(rte_rcu_qsbr_thread_register(rcu, READER), 0);
	rte_rcu_qsbr_thread_online(rcu, READER);
	learn(a);
	learn(b);
	assert_int_equal(vfw_neigh_age(t0 + T + SEC, T), 2);
	assert_int_equal(vfw_neigh_tab[700].state, VFW_NEIGH_DEAD);
	assert_int_equal(vfw_neigh_tab[701].state, VFW_NEIGH_DEAD);
	vfw_neigh_age(t0 + T + 2 * SEC, T);	/* grace not over: still tombstones */
	assert_int_equal(vfw_neigh_tab[701].state, VFW_NEIGH_DEAD);
	rte_rcu_qsbr_quiescent(rcu, READER);
	vfw_neigh_age(t0 + T + 3 * SEC, T);	/* the run before an empty slot: empty */
	assert_int_equal(vfw_neigh_tab[700].state, VFW_NEIGH_EMPTY);
	assert_int_equal(vfw_neigh_tab[701].state, VFW_NEIGH_EMPTY);
	rte_rcu_qsbr_thread_offline(rcu, READER);
	rte_rcu_qsbr_thread_unregister(rcu, READER);
}

/* A full window: the oldest entry not in use makes room, the learn is lost once. */
static void
test_full_window_evicts_oldest_unused(void **state)
{
	uint8_t ip[VFW_NEIGH_PROBE + 1][4];
	struct vfw_neigh_counts c;
	unsigned int i;

	(void)state;
	for (i = 0; i <= VFW_NEIGH_PROBE; i++)
		colliding(800, i, ip[i]);
	for (i = 0; i < VFW_NEIGH_PROBE; i++)
		learn(ip[i]);		/* one process() each: seen in learning order */
	for (i = 0; i < VFW_NEIGH_PROBE / 2; i++)
		assert_true(found(ip[i]));	/* the first half in use */
	learn(ip[VFW_NEIGH_PROBE]);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.evicted, 1);
	assert_int_equal(vfw_neigh_lost(), 1);
	assert_int_equal(slot_of(ip[VFW_NEIGH_PROBE]), -1);
	/* the victim: the oldest of the unused half */
	assert_false(found(ip[VFW_NEIGH_PROBE / 2]));
	for (i = 0; i < VFW_NEIGH_PROBE; i++)
		if (i != VFW_NEIGH_PROBE / 2)
			assert_true(found(ip[i]));
	learn(ip[VFW_NEIGH_PROBE]);	/* the host's next reply */
	assert_int_equal(slot_of(ip[VFW_NEIGH_PROBE]), 800 + VFW_NEIGH_PROBE / 2);
	assert_true(found(ip[VFW_NEIGH_PROBE]));
}

/* Entries in use are never evicted: the learn is lost instead. */
static void
test_full_window_all_used(void **state)
{
	uint8_t ip[VFW_NEIGH_PROBE + 1][4];
	struct vfw_neigh_counts c;
	unsigned int i;

	(void)state;
	for (i = 0; i <= VFW_NEIGH_PROBE; i++)
		colliding(900, i, ip[i]);
	for (i = 0; i < VFW_NEIGH_PROBE; i++) {
		learn(ip[i]);
		assert_true(found(ip[i]));
	}
	learn(ip[VFW_NEIGH_PROBE]);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.evicted, 0);
	assert_int_equal(vfw_neigh_lost(), 1);
	for (i = 0; i < VFW_NEIGH_PROBE; i++)
		assert_true(found(ip[i]));
}

/*
 * ARP from 50 000 addresses (four times the table) while ten neighbours
 * carry traffic (looked up between bursts of learns, as workers do per
 * packet; the ageing pass runs every 1 000 learns): the ten are never
 * lost, the flood is evicted and aged, the counters add up.
 */
static void
test_flood_keeps_neighbours_in_use(void **state)
{
	uint8_t legit[10][4], ip[4];
	struct vfw_neigh_counts c;
	uint64_t now = dp_mono_ns();
	unsigned int i, j, learned = 0;

	(void)state;
	for (i = 0; i < 10; i++) {
		legit[i][0] = 192;
		legit[i][1] = 168;
		legit[i][2] = 10;
		legit[i][3] = (uint8_t)(1 + i);
		learn(legit[i]);
	}
	for (i = 0; i < 50000; i++) {
		uint32_t a = 0x0b000000u + i;	/* all different */

		if (i % 100 == 0)	/* traffic to the ten */
			for (j = 0; j < 10; j++)
				assert_true(found(legit[j]));

		ip[0] = (uint8_t)(a >> 24);
		ip[1] = (uint8_t)(a >> 16);
		ip[2] = (uint8_t)(a >> 8);
		ip[3] = (uint8_t)a;
		vfw_neigh_learn(0, DP_FAM_V4, ip, &mac1);
		learned += vfw_neigh_process();
		if (i % 1000 == 999) {
			struct vfw_neigh_entry pr[16];
			unsigned int k, n;

			now += 60 * SEC;	/* a minute between passes: the flood ages out */
			vfw_neigh_age(now, T);
			/* the ten answer the probes of those in use (vfw_neigh_process: now) */
			while ((n = vfw_neigh_probe_take(pr, RTE_DIM(pr))) != 0)
				for (k = 0; k < n; k++)
					vfw_neigh_learn(pr[k].port, pr[k].family, pr[k].ip, &pr[k].mac);
			vfw_neigh_process();
		}
	}
	for (j = 0; j < 10; j++)
		assert_true(found(legit[j]));
	vfw_neigh_get_counts(&c);
	assert_true(c.aged > 0);
	assert_true(c.live <= VFW_NEIGH_SLOTS);
	assert_int_equal(c.live, snapshot_count());
	/* every learn either made an entry or was lost; every entry is live or died */
	assert_int_equal(learned + vfw_neigh_lost(), 50000);
	assert_int_equal(10 + learned, c.live + c.aged + c.evicted + c.failed);
	assert_int_equal(c.failed, 0);		/* the ten answered */
}

/*
 * An entry in use that nothing confirms for half the timeout gets one
 * unicast probe per pass (to its MAC), VFW_NEIGH_MAX_PROBES of them; still
 * unanswered, it dies (failed) although in use.
 */
static void
test_unanswered_probes_fail(void **state)
{
	struct vfw_neigh_entry pr;
	struct vfw_neigh_counts c;
	uint64_t t0 = dp_mono_ns();
	unsigned int k;
	uint8_t a[4];

	(void)state;
	colliding(1000, 0, a);
	learn(a);
	assert_true(found(a));
	assert_int_equal(vfw_neigh_age(t0 + T / 4, T), 0);	/* confirmed recently: no probe */
	assert_int_equal(probes_taken(NULL), 0);
	for (k = 0; k < VFW_NEIGH_MAX_PROBES; k++) {
		assert_true(found(a));				/* traffic */
		assert_int_equal(vfw_neigh_age(t0 + T / 2 + (k + 1) * SEC, T), 0);
		memset(&pr, 0, sizeof(pr));
		assert_int_equal(probes_taken(&pr), 1);
		assert_int_equal(pr.family, DP_FAM_V4);
		assert_memory_equal(pr.ip, a, 4);
		assert_memory_equal(&pr.mac, &mac1, sizeof(mac1));
	}
	assert_true(found(a));
	assert_int_equal(vfw_neigh_age(t0 + T / 2 + (k + 1) * SEC, T), 1);
	assert_false(found(a));
	assert_int_equal(probes_taken(NULL), 0);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.probes, VFW_NEIGH_MAX_PROBES);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.aged, 0);
	assert_int_equal(c.live, 0);
}

/* An answer (any ARP/ND message learned from it) confirms: no more probes, kept. */
static void
test_answered_probe_confirms(void **state)
{
	uint64_t t0 = dp_mono_ns();
	struct vfw_neigh_counts c;
	uint8_t a[4];
	unsigned int k;

	(void)state;
	colliding(1100, 0, a);
	learn(a);
	assert_true(found(a));
	vfw_neigh_age(t0 + T / 2 + SEC, T);
	assert_int_equal(probes_taken(NULL), 1);
	learn(a);				/* its reply (confirmed at dp_mono_ns()) */
	for (k = 2; k < 2 + 2 * VFW_NEIGH_MAX_PROBES; k++) {
		assert_true(found(a));
		assert_int_equal(vfw_neigh_age(dp_mono_ns() + k * SEC, T), 0);
	}
	assert_int_equal(probes_taken(NULL), 0);
	assert_true(found(a));
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.probes, 1);
	assert_int_equal(c.failed, 0);
}

/*
 * A confirmation without an address (an NA without its link-layer option,
 * Linux's answer to a unicast solicitation) confirms an entry we have and
 * makes none.
 */
static void
test_confirm_without_address(void **state)
{
	uint64_t t0 = dp_mono_ns();
	struct vfw_neigh_counts c;
	uint8_t a[4], b[4];
	unsigned int k;

	(void)state;
	colliding(1400, 0, a);
	colliding(1500, 0, b);
	vfw_neigh_confirm(0, DP_FAM_V4, b);	/* unknown: nothing made */
	vfw_neigh_process();
	assert_int_equal(slot_of(b), -1);
	learn(a);
	for (k = 1; k <= 3 * VFW_NEIGH_MAX_PROBES; k++) {
		assert_true(found(a));
		vfw_neigh_age(t0 + T / 2 + k * SEC, T);
		if (probes_taken(NULL) != 0) {
			vfw_neigh_confirm(0, DP_FAM_V4, a);
			vfw_neigh_process();
			t0 = dp_mono_ns();	/* confirmed at the real now: next probe T / 2 on */
		}
	}
	assert_true(found(a));
	vfw_neigh_get_counts(&c);
	assert_true(c.probes >= 2);
	assert_int_equal(c.failed, 0);
	assert_int_equal(c.live, 1);
	assert_memory_equal(&vfw_neigh_tab[slot_of(a)].mac, &mac1, sizeof(mac1));
}

/* An entry not in use is never probed: it ages as before. */
static void
test_unused_not_probed(void **state)
{
	uint64_t t0 = dp_mono_ns();
	uint8_t a[4];

	(void)state;
	colliding(1200, 0, a);
	learn(a);
	assert_int_equal(vfw_neigh_age(t0 + T / 2 + SEC, T), 0);
	assert_int_equal(vfw_neigh_age(t0 + T / 2 + 2 * SEC, T), 0);
	assert_int_equal(probes_taken(NULL), 0);
	assert_int_equal(vfw_neigh_age(t0 + T + SEC, T), 1);	/* aged */
}

/*
 * A route's gateway is in use without lookups (sessions use its next hop):
 * probed; unanswered, it dies and its next hop is unresolved, until learned again.
 */
static void
test_gateway_probed_and_unresolved(void **state)
{
	static const struct rte_ether_addr src = { { 0x02, 0, 0, 0, 0, 0x99 } };
	uint64_t t0 = dp_mono_ns();
	struct vfw_neigh_counts c;
	unsigned int nh, k;
	uint8_t gw[4];

	(void)state;
	colliding(1300, 0, gw);
	nh = vfw_nexthop_get(0, &src, NULL, DP_FAM_V4, gw);
	assert_int_not_equal(nh, 0);
	assert_false(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	learn(gw);
	assert_true(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	for (k = 1; k <= VFW_NEIGH_MAX_PROBES; k++) {
		assert_int_equal(vfw_neigh_age(t0 + T / 2 + k * SEC, T), 0);
		assert_int_equal(probes_taken(NULL), 1);
		assert_true(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	}
	assert_int_equal(vfw_neigh_age(t0 + T / 2 + k * SEC, T), 1);
	assert_false(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.failed, 1);
	learn(gw);				/* it answers a broadcast again */
	assert_true(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	/* and an unused gateway that answers its probes is kept (not aged) */
	for (k = 1; k <= 3 * VFW_NEIGH_MAX_PROBES; k++) {
		vfw_neigh_age(dp_mono_ns() + T / 2 + k * SEC, T);
		if (probes_taken(NULL) != 0)
			learn(gw);
	}
	assert_true(vfw_nexthop_dst(&vfw_nexthops[nh - 1]) & VFW_NH_RESOLVED);
	vfw_neigh_get_counts(&c);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.live, 1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unused_entry_ages_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_used_entry_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tombstone_keeps_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_waits_for_grace_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tombstones_become_empty_after_grace, setup,
				teardown),
		cmocka_unit_test_setup_teardown(test_full_window_evicts_oldest_unused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_window_all_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_keeps_neighbours_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unanswered_probes_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answered_probe_confirms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unused_not_probed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_without_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_probed_and_unresolved, setup, teardown),
	};
	int rc;

	(void)argc;
	if (test_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
