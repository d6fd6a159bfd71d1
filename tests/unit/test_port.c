/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports asked for symmetric RSS (dp_port_want.symmetric_rss, dp_rss.h) and
 * the queue assignments of dp_worker.h, with EAL --no-huge on virtual
 * devices: net_null has RSS and shows its key (rte_eth_dev_rss_hash_conf_get),
 * net_ring has none and is refused with one line naming the port, the
 * driver and --rxq 1. Ports 0 and 1 are net_null (set up), port 2 is
 * net_null (never set up: the driver's key), port 3 is net_ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include "dp_options.h"
#include "dp_port.h"
#include "dp_worker.h"

#define KEY_LEN 40	/* net_null's key */

static struct dp_config cfg;

static bool
key_is_symmetric(uint16_t port_id)
{
	struct rte_eth_rss_conf conf;
	uint8_t key[KEY_LEN];
	unsigned int i;

	memset(&conf, 0, sizeof(conf));
	memset(key, 0, sizeof(key));
	conf.rss_key = key;
	conf.rss_key_len = KEY_LEN;
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(port_id, &conf), 0);
	for (i = 0; i < KEY_LEN; i++)
		if (key[i] != ((i & 1) ? 0x5a : 0x6d))
			return false;
	return true;
}

static void
ports_init(uint64_t portmask, uint16_t nb_rxq, bool symmetric, int expect, char *err,
		size_t errlen)
{
	struct dp_port_want want = { .nb_rxq = 1, .nb_txq = 1, .symmetric_rss = symmetric };

	dp_config_defaults(&cfg);
	cfg.portmask = portmask;
	cfg.nb_rxq = nb_rxq;
	err[0] = '\0';
	assert_int_equal(dp_ports_init(&cfg, &want, 2, err, errlen), expect);
}

/* Ports 0 and 1 with two rx queues each get the symmetric key. */
static void
test_symmetric_key_programmed(void **state)
{
	char err[DP_ERR_LEN];

	(void)state;
	/* port 2, never set up, has the driver's own key: the read-back tells them apart */
	assert_false(key_is_symmetric(2));
	ports_init(0x3, 2, true, 0, err, sizeof(err));
	assert_true(key_is_symmetric(0));
	assert_true(key_is_symmetric(1));
	dp_ports_close();
}

/* A device without RSS cannot spread flows symmetrically: refused, exit 2. */
static void
test_no_rss_refused(void **state)
{
	char err[DP_ERR_LEN];

	(void)state;
	ports_init(0x8, 2, true, -EINVAL, err, sizeof(err));
	assert_non_null(strstr(err, "--rxq: invalid value '2'"));
	assert_non_null(strstr(err, "port 3 ("));
	assert_non_null(strstr(err, "driver net_ring"));
	assert_non_null(strstr(err, "use --rxq 1"));
	assert_null(strchr(err, '\n'));
	dp_ports_close();
}

static void
set_ports(uint16_t nb_ports, uint16_t nb_rxq, uint16_t nb_txq, unsigned int nb_workers)
{
	uint16_t p;

	dp_nb_ports = nb_ports;
	for (p = 0; p < nb_ports; p++) {
		memset(&dp_ports[p], 0, sizeof(dp_ports[p]));
		dp_ports[p].nb_rxq = nb_rxq;
		dp_ports[p].nb_txq = nb_txq;
	}
	dp_nb_workers = nb_workers;
}

static void
assert_queue(const struct dp_queue_ref *r, uint16_t port, uint16_t queue)
{
	assert_int_equal(r->port, port);
	assert_int_equal(r->queue, queue);
}

/* Worker i polls queue q of every port where q % workers == i; its own tx queue on each port. */
static void
test_flow_assignment(void **state)
{
	char err[DP_ERR_LEN];
	unsigned int i;

	(void)state;
	set_ports(2, 3, 2, 2);
	assert_int_equal(dp_workers_assign_flow_queues(err, sizeof(err)), 0);
	assert_int_equal(dp_workers[0].nb_rxq, 4);
	assert_queue(&dp_workers[0].rxq[0], 0, 0);
	assert_queue(&dp_workers[0].rxq[1], 0, 2);
	assert_queue(&dp_workers[0].rxq[2], 1, 0);
	assert_queue(&dp_workers[0].rxq[3], 1, 2);
	assert_int_equal(dp_workers[1].nb_rxq, 2);
	assert_queue(&dp_workers[1].rxq[0], 0, 1);
	assert_queue(&dp_workers[1].rxq[1], 1, 1);
	for (i = 0; i < 2; i++) {
		assert_int_equal(dp_workers[i].nb_txq, 2);
		assert_queue(&dp_workers[i].txq[0], 0, (uint16_t)i);
		assert_queue(&dp_workers[i].txq[1], 1, (uint16_t)i);
	}
	/* round-robin over (port, queue) pairs instead balances the pairs */
	dp_workers_assign_queues();
	assert_int_equal(dp_workers[0].nb_rxq, 3);
	assert_queue(&dp_workers[0].rxq[1], 0, 2);
	assert_queue(&dp_workers[0].rxq[2], 1, 1);
	assert_int_equal(dp_workers[1].nb_rxq, 3);
	assert_queue(&dp_workers[1].rxq[1], 1, 0);
	dp_nb_ports = 0;
}

/* One tx queue for two workers: the second would share it, refused. */
static void
test_flow_assignment_needs_txq_per_worker(void **state)
{
	char err[DP_ERR_LEN];

	(void)state;
	set_ports(2, 2, 1, 2);
	assert_int_equal(dp_workers_assign_flow_queues(err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--txq: every worker needs its own tx queue on every port (2 workers)"));
	dp_nb_ports = 0;
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], (char *)(uintptr_t)"-l", (char *)(uintptr_t)"0",
			(char *)(uintptr_t)"--no-huge", (char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
			(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
			(char *)(uintptr_t)"--log-level=3",
			(char *)(uintptr_t)"--vdev", (char *)(uintptr_t)"net_null0,no-rx=1",
			(char *)(uintptr_t)"--vdev", (char *)(uintptr_t)"net_null1,no-rx=1",
			(char *)(uintptr_t)"--vdev", (char *)(uintptr_t)"net_null2,no-rx=1",
			(char *)(uintptr_t)"--vdev", (char *)(uintptr_t)"net_ring0", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symmetric_key_programmed),
		cmocka_unit_test(test_no_rss_refused),
		cmocka_unit_test(test_flow_assignment),
		cmocka_unit_test(test_flow_assignment_needs_txq_per_worker),
	};
	int rc;

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	if (rte_eth_dev_count_avail() != 4) {
		fprintf(stderr, "expected 4 ports (net_null0..2, net_ring0), got %u\n",
			rte_eth_dev_count_avail());
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
