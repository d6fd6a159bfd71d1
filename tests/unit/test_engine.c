/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker engine (dp_engine.h) on a ring port (rte_eth_from_rings), run
 * on the test's own thread with EAL --no-huge: what is counted adds up, the
 * per-burst work sees every packet once, what tx does not take is counted
 * and freed (the mempool is full again at the end), housekeeping runs, the
 * loop stops on quit and drains what the rx ring still holds; a tx-only
 * engine (a generator) fits the same loop. No timing: the tx ring is never
 * emptied during a run, so its capacity decides what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_engine.h"
#include "test_eal.h"

#define POOL_SIZE 2047
#define NB_PKTS 1000		/* injected into the rx ring */
#define TX_RING_SIZE 256	/* usable: 255 */
#define BURST 32

#define TEST_PORT_COUNTERS(X) \
	DP_PORT_COUNTERS(X) \
	X(tx_full,    "tx did not take it") \
	X(tx_retries, "extra tx calls")

#define TEST_CTR_ENUM(name, help) TEST_CTR_##name,
enum { TEST_PORT_COUNTERS(TEST_CTR_ENUM) TEST_CTR_MAX };
static const struct dp_counter_desc test_desc[] = { TEST_PORT_COUNTERS(DP_CTR_DESC) };

static struct rte_mempool *pool;
static struct rte_ring *rx_ring, *tx_ring;
static struct dp_counters *ctrs;
static struct dp_worker worker;
static struct dp_engine_txbuf txbuf[RTE_MAX_ETHPORTS];

/* What the callbacks saw. */
static struct {
	unsigned int seen[NB_PKTS];
	unsigned int bursts_after_quit;	/* non-empty bursts received after quit */
	unsigned int empty_after_quit;	/* empty bursts given after quit */
	unsigned int housekeeping;
	unsigned int loops_to_quit;	/* housekeeping sets quit after so many loops (0: never) */
	unsigned int generated;
	unsigned int to_generate;
	unsigned int begin, end;
} st;

static uint64_t
ctr(unsigned int idx)
{
	return dp_counters_sum(ctrs, 0, idx);
}

/* A frame of 60 + seq % 64 bytes carrying its sequence number. */
static struct rte_mbuf *
make_pkt(uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t len = (uint16_t)(60 + seq % 64);
	char *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, len);
	assert_non_null(d);
	memset(d, 0, len);
	memcpy(d, &seq, sizeof(seq));
	return m;
}

static uint64_t
frame_len(uint32_t seq)
{
	return 60 + seq % 64;
}

/* Free what the tx ring holds; returns the packets and their bytes. */
static unsigned int
empty_tx_ring(uint64_t *bytes)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	*bytes = 0;
	while (rte_ring_dequeue(tx_ring, (void **)&m) == 0) {
		*bytes += rte_pktmbuf_pkt_len(m);
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static void
reset_state(void)
{
	memset(&st, 0, sizeof(st));
	atomic_store(&dp_quit, false);
	dp_counters_request_reset(ctrs);
	dp_counters_poll_reset(ctrs, worker.lcore);
}

/* --- a forwarding engine: every packet back out of port 0 --- */

static unsigned int
fwd_on_burst(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	assert_int_equal(qi, 0);
	if (dp_should_quit()) {
		if (n == 0)
			st.empty_after_quit++;
		else
			st.bursts_after_quit++;
	}
	for (i = 0; i < n; i++) {
		uint32_t seq;

		memcpy(&seq, rte_pktmbuf_mtod(pkts[i], void *), sizeof(seq));
		assert_true(seq < NB_PKTS);
		st.seen[seq]++;
		dp_engine_tx(e, 0, pkts[i]);
	}
	/* quit in the middle of the traffic: the drain must take the rest */
	if (n != 0 && st.loops_to_quit == 0)
		atomic_store(&dp_quit, true);
	return n;
}

static void
count_housekeeping(struct dp_engine_ctx *e)
{
	(void)e;
	st.housekeeping++;
	if (st.loops_to_quit != 0 && st.housekeeping >= st.loops_to_quit)
		atomic_store(&dp_quit, true);
}

static int
count_begin(struct dp_engine_ctx *e)
{
	(void)e;
	st.begin++;
	return 0;
}

static void
count_end(struct dp_engine_ctx *e)
{
	(void)e;
	st.end++;
}

static const struct dp_engine fwd_engine = {
	.name = "test-fwd",
	.begin = count_begin,
	.on_burst = fwd_on_burst,
	.housekeeping = count_housekeeping,
	.end = count_end,
	.drain_rx_rounds = 64,
	.drain_empty_bursts = 3,
};

static void
engine_conf(struct dp_engine_conf *conf, uint32_t tx_retry, bool drop_is_dropped)
{
	memset(conf, 0, sizeof(*conf));
	conf->burst = BURST;
	conf->port_ctrs = ctrs;
	conf->tx_drop_ctr = TEST_CTR_tx_full;
	conf->tx_drop_is_dropped = drop_is_dropped;
	conf->tx_retry = tx_retry;
	conf->tx_retry_ctr = TEST_CTR_tx_retries;
	conf->reset[0] = ctrs;
	conf->txbuf = txbuf;
}

static void
test_forward_counts_and_drain(void **state)
{
	struct dp_engine_conf conf;
	struct dp_engine_ctx e;
	uint64_t in_bytes = 0, out_bytes;
	unsigned int i, out;

	(void)state;
	reset_state();
	for (i = 0; i < NB_PKTS; i++) {
		assert_int_equal(rte_ring_enqueue(rx_ring, make_pkt(i)), 0);
		in_bytes += frame_len(i);
	}
	engine_conf(&conf, 0, false);
	assert_int_equal(dp_engine_ctx_init(&e, &worker, &conf), 0);
	assert_int_equal(dp_engine_run(&fwd_engine, &e), 0);

	/* quit came after the first burst; the drain took the rest, each packet once */
	assert_true(st.bursts_after_quit > 0);
	for (i = 0; i < NB_PKTS; i++)
		assert_int_equal(st.seen[i], 1);
	assert_int_equal(rte_ring_count(rx_ring), 0);
	assert_true(st.empty_after_quit >= fwd_engine.drain_empty_bursts);
	assert_true(st.housekeeping >= 1);
	assert_int_equal(st.begin, 1);
	assert_int_equal(st.end, 1);

	/* rx, tx and tx drops add up; what tx refused is not in 'dropped' here */
	assert_int_equal(ctr(TEST_CTR_rx_packets), NB_PKTS);
	assert_int_equal(ctr(TEST_CTR_rx_bytes), in_bytes);
	out = empty_tx_ring(&out_bytes);
	assert_int_equal(out, TX_RING_SIZE - 1);
	assert_int_equal(ctr(TEST_CTR_tx_packets), out);
	assert_int_equal(ctr(TEST_CTR_tx_bytes), out_bytes);
	assert_int_equal(ctr(TEST_CTR_tx_full), NB_PKTS - out);
	assert_int_equal(ctr(TEST_CTR_dropped), 0);
	assert_int_equal(ctr(TEST_CTR_tx_retries), 0);
	/* every refused packet was freed, nothing is left in a buffer */
	assert_int_equal(txbuf[0].n, 0);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_SIZE);
	/* the worker left the process's RCU: a grace period needs nobody */
	assert_int_equal(rte_rcu_qsbr_check(dp_rcu(), rte_rcu_qsbr_start(dp_rcu()), false), 1);
}

/* Counter reset requests are consumed by the loop (the worker zeroes its own block). */
/* --- the same forwarding, the callback summing the rx bytes (burst_sums_rx_bytes) --- */

static unsigned int
summing_on_burst(struct dp_engine_ctx *e, uint16_t qi, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		e->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
	return fwd_on_burst(e, qi, pkts, n);
}

static const struct dp_engine summing_engine = {
	.name = "test-sum",
	.on_burst = summing_on_burst,
	.drain_rx_rounds = 64,
	.burst_sums_rx_bytes = true,
};

/* What the callback summed is counted, once per burst, on the burst's port. */
static void
test_burst_sums_rx_bytes(void **state)
{
	struct dp_engine_conf conf;
	struct dp_engine_ctx e;
	uint64_t in_bytes = 0, out_bytes;
	unsigned int i;

	(void)state;
	reset_state();
	for (i = 0; i < NB_PKTS; i++) {
		assert_int_equal(rte_ring_enqueue(rx_ring, make_pkt(i)), 0);
		in_bytes += frame_len(i);
	}
	engine_conf(&conf, 0, false);
	assert_int_equal(dp_engine_ctx_init(&e, &worker, &conf), 0);
	assert_int_equal(dp_engine_run(&summing_engine, &e), 0);
	for (i = 0; i < NB_PKTS; i++)
		assert_int_equal(st.seen[i], 1);
	assert_int_equal(ctr(TEST_CTR_rx_packets), NB_PKTS);
	assert_int_equal(ctr(TEST_CTR_rx_bytes), in_bytes);
	assert_int_equal(e.rx_bytes, 0);
	empty_tx_ring(&out_bytes);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_SIZE);
}

static void
test_counter_reset_in_loop(void **state)
{
	struct dp_engine_conf conf;
	struct dp_engine_ctx e;
	uint64_t *b = dp_counters_lcore(ctrs, worker.lcore);

	(void)state;
	reset_state();
	dp_ctr_add(&b[TEST_CTR_rx_packets], 7);
	dp_ctr_add(&b[TEST_CTR_tx_full], 3);
	dp_counters_request_reset(ctrs);
	st.loops_to_quit = 2;
	engine_conf(&conf, 0, false);
	assert_int_equal(dp_engine_ctx_init(&e, &worker, &conf), 0);
	assert_int_equal(dp_engine_run(&fwd_engine, &e), 0);
	assert_int_equal(st.housekeeping, 2);
	assert_int_equal(ctr(TEST_CTR_rx_packets), 0);
	assert_int_equal(ctr(TEST_CTR_tx_full), 0);
	assert_int_equal(atomic_load(&ctrs->lcore[worker.lcore].reset_req), 0);
}

/* --- a tx-only engine: a generator, no rx burst drives it --- */

static unsigned int
gen_on_due(struct dp_engine_ctx *e)
{
	struct rte_mbuf *m[BURST];
	uint64_t bytes = 0;
	unsigned int n, i;

	n = RTE_MIN((unsigned int)BURST, st.to_generate - st.generated);
	for (i = 0; i < n; i++) {
		m[i] = make_pkt(st.generated + i);
		bytes += frame_len(st.generated + i);
	}
	if (n != 0)
		dp_engine_tx_burst(e, 0, m, (uint16_t)n, bytes);
	st.generated += n;
	if (st.generated == st.to_generate)
		atomic_store(&dp_quit, true);
	return n;
}

static const struct dp_engine gen_engine = {
	.name = "test-txonly",
	.on_due = gen_on_due,
	.housekeeping = count_housekeeping,
};

static void
test_tx_only_engine(void **state)
{
	struct dp_engine_conf conf;
	struct dp_engine_ctx e;
	uint64_t first_bytes = 0, out_bytes;
	unsigned int i, out;

	(void)state;
	reset_state();
	st.to_generate = NB_PKTS;
	engine_conf(&conf, 2, true);
	conf.txbuf = NULL;	/* unbuffered: dp_engine_tx_burst only */
	assert_int_equal(dp_engine_ctx_init(&e, &worker, &conf), 0);
	assert_int_equal(dp_engine_run(&gen_engine, &e), 0);

	assert_int_equal(st.generated, NB_PKTS);
	assert_int_equal(st.housekeeping, (NB_PKTS + BURST - 1) / BURST);
	assert_int_equal(ctr(TEST_CTR_rx_packets), 0);
	out = empty_tx_ring(&out_bytes);
	assert_int_equal(out, TX_RING_SIZE - 1);
	assert_int_equal(ctr(TEST_CTR_tx_packets), out);
	assert_int_equal(ctr(TEST_CTR_tx_bytes), out_bytes);
	/* the ring took the first frames generated, in order, until it was full */
	for (i = 0; i < out; i++)
		first_bytes += frame_len(i);
	assert_int_equal(out_bytes, first_bytes);
	assert_int_equal(ctr(TEST_CTR_tx_packets) + ctr(TEST_CTR_tx_full), NB_PKTS);
	assert_int_equal(ctr(TEST_CTR_dropped), ctr(TEST_CTR_tx_full));
	/* every burst the full ring refused was retried twice before being freed */
	assert_true(ctr(TEST_CTR_tx_retries) >= 2 * ((NB_PKTS - out) / BURST));
	assert_int_equal(rte_mempool_avail_count(pool), POOL_SIZE);
}

static int
setup_port(void)
{
	struct rte_eth_conf pconf;
	int port;

	rx_ring = rte_ring_create("engine_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("engine_tx", TX_RING_SIZE, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	pool = rte_pktmbuf_pool_create("engine_pool", POOL_SIZE, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (rx_ring == NULL || tx_ring == NULL || pool == NULL)
		return -1;
	port = rte_eth_from_rings("engine0", &rx_ring, 1, &tx_ring, 1, 0);
	if (port < 0)
		return -1;
	memset(&pconf, 0, sizeof(pconf));
	if (rte_eth_dev_configure((uint16_t)port, 1, 1, &pconf) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)port, 0, 1024, 0, NULL, pool) != 0 ||
	    rte_eth_tx_queue_setup((uint16_t)port, 0, TX_RING_SIZE, 0, NULL) != 0 ||
	    rte_eth_dev_start((uint16_t)port) != 0)
		return -1;
	dp_ports[0].port_id = (uint16_t)port;
	dp_nb_ports = 1;
	worker.lcore = rte_lcore_id();
	worker.index = 0;
	worker.nb_rxq = 1;
	worker.rxq[0] = (struct dp_queue_ref){ 0, 0 };
	worker.nb_txq = 1;
	worker.txq[0] = (struct dp_queue_ref){ 0, 0 };
	ctrs = dp_counters_create(test_desc, TEST_CTR_MAX, 1);
	return ctrs == NULL || dp_rcu() == NULL ? -1 : 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_counts_and_drain),
		cmocka_unit_test(test_burst_sums_rx_bytes),
		cmocka_unit_test(test_counter_reset_in_loop),
		cmocka_unit_test(test_tx_only_engine),
	};
	int rc;

	(void)argc;
	if (test_eal_init(argv[0]) != 0)
		return 1;
	if (setup_port() != 0) {
		fprintf(stderr, "cannot set up the ring port\n");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_counters_free(ctrs);
	dp_rcu_free();
	rte_eal_cleanup();
	return rc;
}
