/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk's VES agent: the port totals come from vsnk's per-lcore counters
 * (relaxed loads, no lock) and the link state from the driver
 * (rte_eth_link_get_nowait), both read on the agent's thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp_main.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "ves_agent.h"
#include "vsnk.h"
#include "vsnk_ves.h"

static struct ves_config ves_cfg;	/* written: main at start-up; then immutable */
/* written: main (published once started); read: main, REST threads (stats) */
static struct ves_agent *ves_agent;

int
vsnk_ves_register(struct dp_app *app)
{
	ves_config_defaults(&ves_cfg);
	return ves_options_register(app, &ves_cfg);
}

void
vsnk_ves_check(void)
{
	char err[DP_ERR_LEN];

	if (ves_config_finalize(&ves_cfg, err, sizeof(err)) != 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
}

/* Runs on the agent's thread: never blocks a worker. */
static int
read_ports(void *ctx, struct ves_port_sample *out)
{
	struct rte_eth_link link;
	uint16_t p;

	RTE_SET_USED(ctx);
	for (p = 0; p < dp_nb_ports; p++) {
		out[p].rx_packets = dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_rx_packets);
		out[p].rx_bytes = dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_rx_bytes);
		out[p].tx_packets = dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_tx_packets);
		out[p].tx_bytes = dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_tx_bytes);
		memset(&link, 0, sizeof(link));
		out[p].link_up = rte_eth_link_get_nowait(dp_ports[p].port_id, &link) == 0 &&
				 link.link_status == RTE_ETH_LINK_UP;
		snprintf(out[p].name, sizeof(out[p].name), "%s", dp_ports[p].name);
	}
	return 0;
}

int
vsnk_ves_start(char *err, size_t errlen)
{
	struct ves_source src = {
		.nb_ports = dp_nb_ports,
		.read = read_ports,
	};
	struct ves_agent *a;
	int rc;

	if (!ves_config_enabled(&ves_cfg))
		return 0;
	a = ves_agent_create(&ves_cfg, &src, "vsnk", err, errlen);
	ves_config_wipe(&ves_cfg);
	if (a == NULL)
		return -ENOMEM;
	rc = ves_agent_start(a, err, errlen);
	if (rc != 0) {
		ves_agent_free(a);
		return rc;
	}
	__atomic_store_n(&ves_agent, a, __ATOMIC_RELEASE);
	return 0;
}

void
vsnk_ves_stop(void)
{
	ves_agent_stop(ves_agent);
}

/* After the REST server stopped: no reader left. */
void
vsnk_ves_free(void)
{
	struct ves_agent *a = __atomic_exchange_n(&ves_agent, NULL, __ATOMIC_ACQ_REL);

	ves_agent_free(a);
}

json_t *
vsnk_ves_stats_json(void *ctx)
{
	struct ves_agent *a = __atomic_load_n(&ves_agent, __ATOMIC_ACQUIRE);
	json_t *root = vsnk_stats_json(ctx);

	if (root != NULL && a != NULL)
		json_object_set_new(root, "ves", ves_agent_stats_json(a));
	return root;
}
