/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw: the stateful firewall of the vFWCL chain. main: the order of
 * start-up (options, EAL, counters, rules, ports, set-up, control thread,
 * management), the run, the clean stop. What each step does is in the
 * file named in vfw.h.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ethdev.h>

#include "acl.h"
#include "dp_clock.h"
#include "dp_lifecycle.h"
#include "dp_main.h"
#include "dp_mgmt.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_telemetry.h"
#include "dp_worker.h"
#include "dp_xdp_traffic.h"
#include "forward.h"
#include "arp_nd.h"
#include "neigh.h"
#include "route.h"
#include "vfw.h"
#include "vfw_ctl.h"
#include "vfw_mgmt.h"
#include "vfw_options.h"
#include "vfw_report.h"
#include "vfw_setup.h"
#include "ves_ports.h"

struct vfw vfw;

static void
free_all(void *ctx)
{
	RTE_SET_USED(ctx);
	vfw_ctl_stop();
	vfw_free_workers();
	vfw_rules_fini();
	vfw_neigh_fini();
}

static void
vfw_tick(void *ctx)
{
	RTE_SET_USED(ctx);
	if (vfw.opt.max_packets != 0 && dp_stats_ports_sum(vfw.pctrs, DP_PORT_CTR_rx_packets) >= vfw.opt.max_packets)
		atomic_store(&dp_quit, true);
}

/*
 * net_af_xdp without --xdp-steer: on port idx, vfw's own IPv4 and IPv6
 * addresses (and the ARP/ND for them) and what it routes out of its other
 * ports (connected subnets and --route prefixes, both families). Not its
 * IPv6 link-local address: the kernel has the same one on the interface
 * (both derive it from the MAC). The kernel keeps the rest, its own
 * addresses on the same interface included.
 */
static void
vfw_xdp_traffic(void *ctx, uint16_t idx, struct dp_xdp_traffic *t)
{
	const struct vfw_port *vp = &vfw.ports[idx];
	uint32_t i;

	RTE_SET_USED(ctx);
	if (vp->has_ip4)
		dp_xdp_traffic_add_dst(t, rte_be_to_cpu_32(vp->ip4), 32);
	if (vp->has_ip6)
		dp_xdp_traffic_add_dst6(t, vp->ip6, 128);
	for (i = 0; i < vfw_routes.nb[0]; i++) {
		const struct vfw_route *r = &vfw_routes.r[0][i];
		uint32_t prefix;

		if (r->port == idx)
			continue;
		memcpy(&prefix, r->prefix, sizeof(prefix));
		dp_xdp_traffic_add_dst(t, rte_be_to_cpu_32(prefix), r->plen);
	}
	for (i = 0; i < vfw_routes.nb[1]; i++) {
		const struct vfw_route *r = &vfw_routes.r[1][i];

		if (r->port != idx)
			dp_xdp_traffic_add_dst6(t, r->prefix, r->plen);
	}
}

int
main(int argc, char **argv)
{
	struct dp_port_want want = {
		.nb_rxq = 1,
		.nb_txq = 1,
		.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_RX_OFFLOAD_TCP_CKSUM,
		.symmetric_rss = true,	/* per-worker session tables */
	};
	struct dp_main_hooks hooks = {
		.stats_print = vfw_stats_print,
		.stats_json = ves_ports_stats_json,
		.tick = vfw_tick,
		.cleanup = free_all,
		.xdp_traffic = vfw_xdp_traffic,
	};
	struct dp_app *app;
	char err[DP_ERR_LEN];
	int rc, wrc;

	vfw_ctl_catch_sighup();
	app = vfw_options_app(&vfw.opt);
	if (vfw_mgmt_register_options(app) != 0 || ves_ports_register(app) != 0)
		dp_die(DP_EXIT_FAIL, "too many option groups");
	ves_ports_set_stats_json(vfw_stats_json);
	dp_main_init(app, &vfw.cfg, argc, argv);
	rc = ves_ports_check(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	vfw.tsc_hz = dp_clock_tsc_hz();

	rc = dp_workers_select(&vfw.cfg, err, sizeof(err));
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	vfw.pctrs = dp_counters_create(vfw_port_ctr_desc, VFW_CTR_MAX, RTE_MAX_ETHPORTS);
	vfw.sctrs = dp_counters_create(ct_ctr_desc, CT_CTR_MAX, 1);
	vfw.gctrs = dp_counters_create(ct_gauge_desc, CT_G_MAX, 1);
	if (vfw.pctrs == NULL || vfw.sctrs == NULL || vfw.gctrs == NULL)
		dp_die(DP_EXIT_FAIL, "cannot allocate counters");
	if (vfw_rules_init(dp_nb_workers, err, sizeof(err)) != 0 ||
	    vfw_neigh_init(err, sizeof(err)) != 0)
		dp_die(DP_EXIT_FAIL, "%s", err);
	vfw_neigh_can_probe = vfw_can_solicit;	/* in-use neighbours are re-probed */
	vfw_load_rules();
	rc = dp_lifecycle_init(&(struct dp_lifecycle_hooks){ .port_ctrs = vfw.pctrs,
			.restart_rereads = "--rules", .reload = vfw_replace_rules });
	if (rc != 0)
		dp_fail(rc, "lifecycle: %s", strerror(-rc));

	want.extra_mbufs = dp_nb_workers * (VFW_TXBUF * 4u + 256u);
	rc = dp_ports_init(&vfw.cfg, &want, dp_nb_workers, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	rc = vfw_mgmt_create(hooks.stats_json, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", rc == -EINVAL ? err : strerror(-rc));
	dp_ports_show();
	vfw_setup_ports();
	vfw_setup_routes();
	vfw_setup_queues();
	vfw_setup_workers();
	vfw_print_summary();

	rc = vfw_ctl_start();
	if (rc != 0)
		dp_die(DP_EXIT_FAIL, "control loop: %s", strerror(-rc));

	rc = vfw_mgmt_start(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	vfw_stats_start();
	/* the agent's baseline is taken before the first packet: deltas add up to the totals */
	rc = ves_ports_start(dp_mgmt_view(), vfw.pctrs, "vfw", err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	dp_capture_init();	/* says why not when unavailable, not fatal */
	vfw_telemetry_register();	/* a refused command is logged, not fatal */
	wrc = dp_main_run(&vfw.cfg, &hooks, vfw_worker_main);
	dp_lifecycle_stop();
	vfw_ctl_stop();
	ves_ports_stop();	/* the last partial interval, after the workers stopped */
	vfw_mgmt_stop();	/* REST off before the ports are closed */
	if (vfw.cfg.stats_period > 0)
		vfw_stats_print(NULL);
	dp_telemetry_close();	/* before the state its commands read is freed */
	rc = dp_main_finish(&vfw.cfg, &hooks, wrc);
	ves_ports_free();
	dp_counters_free(vfw.pctrs);
	dp_counters_free(vfw.sctrs);
	dp_counters_free(vfw.gctrs);
	return rc;
}
