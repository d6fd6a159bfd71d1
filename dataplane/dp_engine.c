/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker engine's out-of-line parts: RCU, tx with counted drops, set-up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_clock.h"
#include "dp_engine.h"

struct dp_engine_lc dp_engine_lc[RTE_MAX_LCORE];
int dp_engine_lc_ack_fd = -1;

void
dp_engine_lc_ack(struct dp_engine_ctx *e, uint32_t want)
{
	uint64_t one = 1;

	e->lc_seen = want;
	__atomic_store_n(&dp_engine_lc[e->rcu_id].ack, want, __ATOMIC_RELEASE);
	/* EAGAIN (the counter is full) still leaves the waiter woken */
	if (dp_engine_lc_ack_fd >= 0 && write(dp_engine_lc_ack_fd, &one, sizeof(one)) < 0)
		return;
}

/* written: main thread at start-up and exit; read: everyone */
static struct rte_rcu_qsbr *process_rcu;

struct rte_rcu_qsbr *
dp_rcu(void)
{
	size_t sz;

	if (process_rcu != NULL)
		return process_rcu;
	/* thread id = worker index, always below RTE_MAX_LCORE */
	sz = RTE_ALIGN_CEIL(rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE), RTE_CACHE_LINE_SIZE);
	process_rcu = aligned_alloc(RTE_CACHE_LINE_SIZE, sz);
	if (process_rcu == NULL)
		return NULL;
	if (rte_rcu_qsbr_init(process_rcu, RTE_MAX_LCORE) != 0) {
		free(process_rcu);
		process_rcu = NULL;
	}
	return process_rcu;
}

void
dp_rcu_free(void)
{
	free(process_rcu);
	process_rcu = NULL;
}

int
dp_engine_ctx_init(struct dp_engine_ctx *e, struct dp_worker *w, const struct dp_engine_conf *conf)
{
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->w = w;
	e->app = conf->app;
	e->burst = RTE_MIN(conf->burst, (uint16_t)DP_MAX_BURST);
	e->tx_drop_ctr = conf->tx_drop_ctr;
	e->tx_drop_is_dropped = conf->tx_drop_is_dropped;
	e->tx_retry = conf->tx_retry;
	e->tx_retry_ctr = conf->tx_retry_ctr;
	e->rcu_id = w->index;
	e->rcu = dp_rcu();
	if (e->rcu == NULL || conf->port_ctrs == NULL)
		return -ENOMEM;
	e->pctr = dp_counters_lcore(conf->port_ctrs, w->lcore);
	e->pstride = conf->port_ctrs->stride;
	if (conf->rx_interval_us != 0)
		e->rx_gap = dp_clock_tsc_hz() * conf->rx_interval_us / 1000000;
	dp_idle_init(&e->idle, conf->idle_sleep_us);
	for (i = 0; i < DP_ENGINE_MAX_RESET && conf->reset[i] != NULL; i++)
		e->reset[e->nb_reset++] = conf->reset[i];
	for (i = 0; i < w->nb_txq; i++)
		e->txq[w->txq[i].port] = w->txq[i].queue;
	e->tx = conf->txbuf;
	if (e->tx != NULL)
		memset(e->tx, 0, sizeof(*e->tx) * RTE_MAX_ETHPORTS);
	return 0;
}

uint16_t
dp_engine_tx_burst(struct dp_engine_ctx *e, uint16_t port, struct rte_mbuf **m, uint16_t n,
		uint64_t bytes)
{
	uint16_t port_id = dp_ports[port].port_id, queue = e->txq[port], sent, i;
	uint32_t tries = 0;

	sent = rte_eth_tx_burst(port_id, queue, m, n);
	while (unlikely(sent < n) && tries < e->tx_retry) {
		tries++;
		sent += rte_eth_tx_burst(port_id, queue, m + sent, n - sent);
	}
	if (unlikely(sent < n)) {
		/* the unsent ones are still ours: their length may be read */
		for (i = sent; i < n; i++)
			bytes -= rte_pktmbuf_pkt_len(m[i]);
		rte_pktmbuf_free_bulk(m + sent, n - sent);
		dp_engine_ctr_add(e, port, e->tx_drop_ctr, n - sent);
		if (e->tx_drop_is_dropped)
			dp_engine_ctr_add(e, port, DP_PORT_CTR_dropped, n - sent);
	}
	if (unlikely(tries != 0) && e->tx_retry_ctr != DP_ENGINE_NO_CTR)
		dp_engine_ctr_add(e, port, e->tx_retry_ctr, tries);
	dp_engine_ctr_add(e, port, DP_PORT_CTR_tx_packets, sent);
	dp_engine_ctr_add(e, port, DP_PORT_CTR_tx_bytes, bytes);
	return sent;
}

void
dp_engine_tx_flush(struct dp_engine_ctx *e, uint16_t port)
{
	struct dp_engine_txbuf *t = &e->tx[port];
	uint16_t n = t->n;

	if (n == 0)
		return;
	t->n = 0;
	dp_engine_tx_burst(e, port, t->m, n, t->bytes);
	t->bytes = 0;
}

void
dp_engine_sleep(struct dp_engine_ctx *e, uint32_t us)
{
	rte_rcu_qsbr_thread_offline(e->rcu, e->rcu_id);
	rte_delay_us_sleep(us);
	rte_rcu_qsbr_thread_online(e->rcu, e->rcu_id);
}

void
dp_engine_online(struct dp_engine_ctx *e)
{
	struct dp_engine_lc *lc = &dp_engine_lc[e->rcu_id];
	rte_rcu_qsbr_thread_register(e->rcu, e->rcu_id);
	rte_rcu_qsbr_thread_online(e->rcu, e->rcu_id);
	lc->started_ms = dp_real_ms();
	/* the first loop acts on whatever want is (lc_seen starts at 0) */
	__atomic_store_n(&lc->started, 1, __ATOMIC_RELEASE);
}

void
dp_engine_offline(struct dp_engine_ctx *e)
{
	__atomic_store_n(&dp_engine_lc[e->rcu_id].started, 0, __ATOMIC_RELEASE);
	rte_rcu_qsbr_thread_offline(e->rcu, e->rcu_id);
	rte_rcu_qsbr_thread_unregister(e->rcu, e->rcu_id);
}
