/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_version.h>

#include "dp_mgmt.h"
#include "dp_port.h"
#include "dp_worker.h"
#include "dp_xdp.h"

static unsigned int
view_nb_ports(void)
{
	return dp_nb_ports;
}

static void
view_port_desc(unsigned int slot, struct dp_port_desc *out)
{
	const struct dp_port *p = &dp_ports[slot];

	memset(out, 0, sizeof(*out));
	out->port_id = p->port_id;
	out->nb_rxq = p->nb_rxq;
	out->nb_txq = p->nb_txq;
	out->nb_rxd = p->nb_rxd;
	out->nb_txd = p->nb_txd;
	out->rx_offloads = p->rx_offloads;
	out->tx_offloads = p->tx_offloads;
	snprintf(out->name, sizeof(out->name), "%s", p->name);
	snprintf(out->driver, sizeof(out->driver), "%s", p->driver);
	rte_ether_format_addr(out->mac, sizeof(out->mac), &p->mac);
}

static void
view_port_link(unsigned int slot, struct dp_port_link *out)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(dp_ports[slot].port_id, &link) != 0)
		memset(&link, 0, sizeof(link));
	out->up = link.link_status == RTE_ETH_LINK_UP;
	out->speed_mbps = link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN ? link.link_speed : 0;
}

static void
view_driver_stats(unsigned int slot, uint64_t *out)
{
	struct rte_eth_stats st;

	dp_port_eth_stats(slot, &st);
	out[DP_DRV_rx_packets] = st.ipackets;
	out[DP_DRV_tx_packets] = st.opackets;
	out[DP_DRV_rx_bytes] = st.ibytes;
	out[DP_DRV_tx_bytes] = st.obytes;
	out[DP_DRV_rx_missed] = st.imissed;
	out[DP_DRV_rx_errors] = st.ierrors;
	out[DP_DRV_tx_errors] = st.oerrors;
	out[DP_DRV_rx_nombuf] = st.rx_nombuf;
}

unsigned int
dp_mgmt_xstats(unsigned int slot, struct dp_xstat *out, unsigned int max)
{
	uint16_t port = dp_ports[slot].port_id;
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
	int n = rte_eth_xstats_get_names(port, NULL, 0);
	int i, got = 0;

	if (n <= 0)
		return 0;
	if ((unsigned int)n > max)
		return (unsigned int)n;
	names = calloc(n, sizeof(*names));
	vals = calloc(n, sizeof(*vals));
	if (names != NULL && vals != NULL &&
	    rte_eth_xstats_get_names(port, names, n) == n && rte_eth_xstats_get(port, vals, n) == n)
		got = n;
	for (i = 0; i < got; i++) {
		/* vals[i].id indexes names[] */
		snprintf(out[i].name, sizeof(out[i].name), "%s",
				vals[i].id < (uint64_t)n ? names[vals[i].id].name : "unknown");
		out[i].value = vals[i].value;
	}
	free(names);
	free(vals);
	return (unsigned int)got;
}

static unsigned int
view_nb_workers(void)
{
	return dp_nb_workers;
}

static bool
view_stopping(void)
{
	return dp_should_quit();
}

/* run_state is set by dp_lifecycle_init (main, before the control threads start). */
static struct dp_view dpdk_view = {
	.platform_version = rte_version,
	.nb_ports = view_nb_ports,
	.port_desc = view_port_desc,
	.port_link = view_port_link,
	.driver_stats = view_driver_stats,
	.xstats = dp_mgmt_xstats,
	.xdp_stats = dp_xdp_port_stats,
	.nb_workers = view_nb_workers,
	.stopping = view_stopping,
};

void
dp_mgmt_set_run_state(const char *(*run_state)(void))
{
	dpdk_view.run_state = run_state;
}

const struct dp_view *
dp_mgmt_view(void)
{
	return &dpdk_view;
}
