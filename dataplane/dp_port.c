/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_afpacket.h"
#include "dp_port.h"
#include "dp_rss.h"
#include "dp_xdp.h"

struct dp_port dp_ports[RTE_MAX_ETHPORTS];
uint16_t dp_nb_ports;
struct rte_mempool *dp_pktmbuf_pool;

#define MIN_MBUFS 8192

static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret)
{
	struct rte_eth_link link;
	char text[RTE_ETH_LINK_MAX_STR_LEN];

	RTE_SET_USED(type);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	/* runs on the interrupt thread: only reads the link and prints */
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		rte_eth_link_to_str(text, sizeof(text), &link);
		printf("port %u: link changed: %s\n", port_id, text);
		fflush(stdout);
	}
	return 0;
}

/* Pick the ports of the mask, in port id order. */
static int
select_ports(uint64_t portmask, char *err, size_t errlen)
{
	uint16_t avail = rte_eth_dev_count_avail();
	uint16_t pid;
	unsigned int bit;

	if (avail == 0) {
		snprintf(err, errlen, "no ports: add a virtual device (e.g. --vdev net_null0) "
			 "or bind a NIC to vfio-pci");
		return -EINVAL;
	}
	dp_nb_ports = 0;
	for (bit = 0; bit < 64 && bit < RTE_MAX_ETHPORTS; bit++) {
		if (portmask != 0 && !(portmask & (1ull << bit)))
			continue;
		if (!rte_eth_dev_is_valid_port((uint16_t)bit)) {
			if (portmask != 0) {
				snprintf(err, errlen, "--portmask: invalid value '0x%" PRIx64
					 "' (port %u does not exist; %u port(s) available)",
					 portmask, bit, avail);
				return -EINVAL;
			}
			continue;
		}
		pid = (uint16_t)bit;
		memset(&dp_ports[dp_nb_ports], 0, sizeof(dp_ports[0]));
		dp_ports[dp_nb_ports].port_id = pid;
		dp_nb_ports++;
	}
	return 0;
}

static int
configure_port(struct dp_port *p, const struct dp_config *cfg, const struct dp_port_want *want,
		unsigned int nb_workers, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t pid = p->port_id;
	char why[128];
	int rc;

	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: cannot read device info: %s", pid, strerror(-rc));
		return rc;
	}
	rte_eth_dev_get_name_by_port(pid, p->name);
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);

	p->nb_rxq = want->nb_rxq > 0 ? cfg->nb_rxq : 0;
	p->nb_txq = want->nb_txq > 0 ? (cfg->nb_txq > 0 ? cfg->nb_txq : (uint16_t)nb_workers) : 0;
	/* a port with neither direction still needs one queue pair to start */
	if (p->nb_rxq == 0 && p->nb_txq == 0)
		p->nb_rxq = 1;
	if (p->nb_rxq > info.max_rx_queues) {
		snprintf(err, errlen, "--rxq: invalid value '%u' (port %u (%s) has at most %u rx queues)",
			 p->nb_rxq, pid, p->name, info.max_rx_queues);
		return -EINVAL;
	}
	if (p->nb_txq > info.max_tx_queues) {
		snprintf(err, errlen, "--txq: invalid value '%u' (port %u (%s) has at most %u tx queues)",
			 p->nb_txq, pid, p->name, info.max_tx_queues);
		return -EINVAL;
	}

	memset(&conf, 0, sizeof(conf));
	p->rx_offloads = want->rx_offloads & info.rx_offload_capa;
	p->tx_offloads = want->tx_offloads & info.tx_offload_capa;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	conf.rxmode.offloads = p->rx_offloads;
	conf.txmode.offloads = p->tx_offloads;
	if (p->nb_rxq > 1 && want->symmetric_rss) {
		rc = dp_rss_symmetric_conf(p, &info, &conf, err, errlen);
		if (rc != 0)
			return rc;
	} else if (p->nb_rxq > 1) {
		uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			      info.flow_type_rss_offloads;

		if (hf != 0) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		} else {
			printf("port %u (%s): no RSS on this device; rx queues are fed by the driver's own policy\n",
			       pid, p->name);
		}
	}
	if (info.dev_flags != NULL && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC))
		conf.intr_conf.lsc = 1;

	rc = rte_eth_dev_configure(pid, p->nb_rxq, p->nb_txq, &conf);
	if (rc != 0 && conf.rx_adv_conf.rss_conf.rss_key != NULL) {
		snprintf(why, sizeof(why), "configure with the key failed: %s", strerror(-rc));
		return dp_rss_refuse(p, why, err, errlen);
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): configure with %u rx / %u tx queues failed: %s",
			 pid, p->name, p->nb_rxq, p->nb_txq, strerror(-rc));
		return rc;
	}
	p->nb_rxd = cfg->nb_rxd;
	p->nb_txd = cfg->nb_txd;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &p->nb_rxd, &p->nb_txd);
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): descriptor counts %u/%u rejected: %s",
			 pid, p->name, cfg->nb_rxd, cfg->nb_txd, strerror(-rc));
		return rc;
	}
	rte_eth_macaddr_get(pid, &p->mac);
	return 0;
}

static int
setup_queues_and_start(struct dp_port *p, const struct dp_config *cfg, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	int socket = rte_eth_dev_socket_id(p->port_id);
	uint16_t q, pid = p->port_id;
	int rc;

	if (socket < 0)
		socket = 0;
	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0)
		return rc;
	rxconf = info.default_rxconf;
	rxconf.offloads = p->rx_offloads;
	txconf = info.default_txconf;
	txconf.offloads = p->tx_offloads;
	for (q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, p->nb_rxd, (unsigned int)socket, &rxconf,
				dp_pktmbuf_pool);
		if (rc != 0) {
			snprintf(err, errlen, "port %u (%s): rx queue %u setup failed: %s",
				 pid, p->name, q, strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(pid, q, p->nb_txd, (unsigned int)socket, &txconf);
		if (rc != 0) {
			snprintf(err, errlen, "port %u (%s): tx queue %u setup failed: %s",
				 pid, p->name, q, strerror(-rc));
			return rc;
		}
	}
	rte_eth_dev_callback_register(pid, RTE_ETH_EVENT_INTR_LSC, lsc_event, NULL);
	rc = rte_eth_dev_start(pid);
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): start failed: %s", pid, p->name, strerror(-rc));
		return rc;
	}
	p->started = true;
	/* the driver's socket drops are counted here, not by the driver (dp_afpacket.h) */
	if (strcmp(p->driver, "net_af_packet") == 0) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(pid, &info) != 0 ||
		    dp_afpacket_attach((unsigned int)(p - dp_ports), (int)info.if_index) == 0)
			printf("port %u (%s): its socket's drops cannot be counted (rx_missed "
			       "stays 0)\n", pid, p->name);
	}
	if (cfg->promisc) {
		rc = rte_eth_promiscuous_enable(pid);
		if (rc != 0 && rc != -ENOTSUP)
			printf("port %u (%s): promiscuous mode not enabled: %s\n", pid, p->name,
			       strerror(-rc));
	}
	return 0;
}

int
dp_ports_init(const struct dp_config *cfg, const struct dp_port_want *want,
		unsigned int nb_workers, char *err, size_t errlen)
{
	uint64_t nb_mbufs = 0;
	uint16_t i;
	int rc;

	rc = select_ports(cfg->portmask, err, errlen);
	if (rc != 0)
		return rc;
	for (i = 0; i < dp_nb_ports; i++) {
		rc = configure_port(&dp_ports[i], cfg, want, nb_workers, err, errlen);
		if (rc != 0)
			return rc;
		nb_mbufs += (uint64_t)dp_ports[i].nb_rxq * dp_ports[i].nb_rxd +
			    (uint64_t)dp_ports[i].nb_txq * dp_ports[i].nb_txd;
		/* a flow's queue index is the same on every port only with as many queues */
		if (want->symmetric_rss && dp_ports[i].nb_rxq != dp_ports[0].nb_rxq) {
			snprintf(err, errlen, "--rxq: every port needs the same number of rx queues");
			return -EINVAL;
		}
	}
	/* rings + what workers hold in bursts and caches + the binary's own */
	nb_mbufs += (uint64_t)(nb_workers + 1) * (cfg->burst * 2u + cfg->mbcache) +
		    want->extra_mbufs;
	if (nb_mbufs < MIN_MBUFS)
		nb_mbufs = MIN_MBUFS;
	if (cfg->total_num_mbufs != 0)
		nb_mbufs = cfg->total_num_mbufs;
	if (nb_mbufs > UINT32_MAX) {
		snprintf(err, errlen, "mempool: %" PRIu64 " mbufs needed, too many; lower --rxd/--txd/--rxq/--txq",
			 nb_mbufs);
		return -EINVAL;
	}
	dp_pktmbuf_pool = rte_pktmbuf_pool_create("dp_mbuf_pool", (unsigned int)nb_mbufs,
			cfg->mbcache, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp_pktmbuf_pool == NULL) {
		snprintf(err, errlen, "mempool: cannot allocate %" PRIu64 " mbufs (%" PRIu64
			 " MiB): %s; give EAL more memory (-m MB, hugepages) or lower --total-num-mbufs",
			 nb_mbufs, nb_mbufs * (RTE_MBUF_DEFAULT_BUF_SIZE + 192) >> 20,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (i = 0; i < dp_nb_ports; i++) {
		rc = setup_queues_and_start(&dp_ports[i], cfg, err, errlen);
		if (rc != 0)
			return rc == -EINVAL ? -EIO : rc;
		if (want->symmetric_rss) {
			rc = dp_rss_symmetric_check(&dp_ports[i], err, errlen);
			if (rc != 0)
				return rc;
		}
		/* net_af_xdp: our steering program, rules from --xdp-steer */
		rc = dp_xdp_port_attach(i, &dp_ports[i], cfg, err, errlen);
		if (rc != 0)
			return -EIO;
	}
	return 0;
}

void
dp_ports_show(void)
{
	char link_text[RTE_ETH_LINK_MAX_STR_LEN];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_eth_link link;
	uint16_t i;

	for (i = 0; i < dp_nb_ports; i++) {
		const struct dp_port *p = &dp_ports[i];

		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		if (rte_eth_link_get_nowait(p->port_id, &link) == 0)
			rte_eth_link_to_str(link_text, sizeof(link_text), &link);
		else
			snprintf(link_text, sizeof(link_text), "unknown");
		printf("port %u: %s (%s) mac %s, %u rxq x %u rxd, %u txq x %u txd, %s\n",
		       p->port_id, p->name, p->driver, mac, p->nb_rxq, p->nb_rxd, p->nb_txq,
		       p->nb_txd, link_text);
	}
	fflush(stdout);
}

void
dp_ports_close(void)
{
	uint16_t i;

	dp_afpacket_detach_all();	/* the totals stay; the sockets close with the ports */
	for (i = 0; i < dp_nb_ports; i++) {
		struct dp_port *p = &dp_ports[i];

		dp_xdp_port_detach(i);	/* before the PMD closes its sockets */
		if (p->started) {
			rte_eth_dev_stop(p->port_id);
			p->started = false;
		}
		rte_eth_dev_callback_unregister(p->port_id, RTE_ETH_EVENT_INTR_LSC, lsc_event, NULL);
		rte_eth_dev_close(p->port_id);
	}
	dp_nb_ports = 0;
	if (dp_pktmbuf_pool != NULL) {
		rte_mempool_free(dp_pktmbuf_pool);
		dp_pktmbuf_pool = NULL;
	}
}

int
dp_port_eth_stats(unsigned int slot, struct rte_eth_stats *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = rte_eth_stats_get(dp_ports[slot].port_id, st);
	st->imissed += dp_afpacket_drops(slot);
	return rc;
}
