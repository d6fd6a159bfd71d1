/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk: the traffic sink of the vFWCL chain. Counts every frame on its
 * ports, tracks loss, duplicates, reordering and latency per probe stream.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "dp_main.h"
#include "dp_telemetry.h"
#include "dp_mgmt.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_worker.h"
#include "vsnk.h"
#include "dp_lifecycle.h"
#include "vsnk_mgmt.h"
#include "ves_ports.h"

struct vsnk vsnk;

static int
set_max_streams(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vsnk_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 1, VSNK_MAX_STREAMS, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "must be between 1 and %u",
				VSNK_MAX_STREAMS);
	o->max_streams = (uint32_t)v;
	return 0;
}

static int
set_max_packets(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vsnk_options *o = ctx;

	if (dp_parse_u64(value, 1, UINT64_MAX, &o->max_packets) != 0)
		return dp_opt_error(err, errlen, name, value, "a positive integer");
	return 0;
}



static const struct dp_option vsnk_options[] = {
	{ "max-streams", "N", "track probe stream ids 0..N-1, 1..65536 (default 1024)", set_max_streams },
	{ "max-packets", "N", "stop after N packets received on all ports", set_max_packets },
	{ "no-verify-cksum", NULL, "do not check IPv4/L4 checksums in software where the NIC does not",
	  DP_OPT_BOOL(struct vsnk_options, verify_cksum, false) },
	{ "no-fast-path", NULL, "classify every frame with the general parser (same counts, slower; for tests)",
	  DP_OPT_BOOL(struct vsnk_options, no_fast_path, true) },
};

static struct dp_app vsnk_app = {	/* not const: option groups are added */
	.name = "vsnk",
	.summary = "traffic sink: per-port counters, per-stream loss, reordering and latency",
	.usage_extra =
		"Every frame is counted once: rx_packets = probe_packets + foreign_packets\n"
		"+ malformed + bad_checksum. Probe packets (written by vpkg) are tracked per\n"
		"stream id; other packets are counted as foreign, by protocol.\n"
		"Restart (POST /api/v1/lifecycle or SIGHUP) re-reads --max-packets and the\n"
		"dashboard options from --config and the command line (README: Lifecycle).\n"
		"Exit status: 0 clean stop, 1 run time failure, 2 bad options.\n",
	.options = vsnk_options,
	.nb_options = RTE_DIM(vsnk_options),
	.ctx = &vsnk.opt,
};

void
vsnk_options_init(struct vsnk_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_streams = VSNK_DEFAULT_MAX_STREAMS;
	o->verify_cksum = true;
}

static void
vsnk_tick(void *ctx)
{
	uint64_t max_packets = __atomic_load_n(&vsnk.opt.max_packets, __ATOMIC_RELAXED);

	RTE_SET_USED(ctx);
	if (max_packets != 0 && dp_stats_ports_sum(vsnk.ctrs, DP_PORT_CTR_rx_packets) >= max_packets)
		atomic_store(&dp_quit, true);
	vsnk_mgmt_tick();
}

static int
alloc_stream_tables(char *err, size_t errlen)
{
	unsigned int i;

	vsnk.nb_workers = dp_nb_workers;
	for (i = 0; i < dp_nb_workers; i++) {
		struct vsnk_worker *vw = &vsnk.workers[i];
		size_t bytes = sizeof(*vw->streams) * vsnk.opt.max_streams;

		vw->lcore = dp_workers[i].lcore;
		vw->streams = rte_zmalloc_socket("vsnk_streams", bytes, RTE_CACHE_LINE_SIZE,
				(int)rte_lcore_to_socket_id(vw->lcore));
		if (vw->streams == NULL) {
			snprintf(err, errlen, "cannot allocate %zu KiB of stream state for --max-streams %u; "
				 "lower it or give EAL more memory (-m)", bytes >> 10,
				 vsnk.opt.max_streams);
			return -ENOMEM;
		}
		atomic_init(&vw->reset_req, 0);
	}
	return 0;
}

static void
free_stream_tables(void *ctx)
{
	unsigned int i;

	RTE_SET_USED(ctx);
	for (i = 0; i < vsnk.nb_workers; i++) {
		rte_free(vsnk.workers[i].streams);
		vsnk.workers[i].streams = NULL;
	}
}

/* net_af_xdp without --xdp-steer: the frames vsnk counts, those with a probe header. */
static void
vsnk_xdp_traffic(void *ctx, uint16_t idx, struct dp_xdp_traffic *t)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(idx);
	dp_xdp_traffic_add_probe(t);
}

int
main(int argc, char **argv)
{
	struct dp_port_want want = {
		.nb_rxq = 1,
		/* one tx queue, never used: some drivers (memif) refuse a peer without one */
		.nb_txq = 1,
		.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_RX_OFFLOAD_TCP_CKSUM,
	};
	struct dp_main_hooks hooks = {
		.stats_print = vsnk_stats_print,
		.stats_json = ves_ports_stats_json,
		.tick = vsnk_tick,
		.cleanup = free_stream_tables,
		.xdp_traffic = vsnk_xdp_traffic,
	};
	char err[DP_ERR_LEN];
	int rc, wrc;

	vsnk_options_init(&vsnk.opt);
	if (ves_ports_register(&vsnk_app) != 0)
		dp_die(DP_EXIT_FAIL, "too many option groups");
	if (vsnk_mgmt_register_options(&vsnk_app) != 0)
		dp_die(DP_EXIT_FAIL, "too many option groups");
	ves_ports_set_stats_json(vsnk_stats_json);
	ves_ports_set_export_json(vsnk_summary_json);
	dp_main_init(&vsnk_app, &vsnk.cfg, argc, argv);
	rc = ves_ports_check(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);

	rc = dp_workers_select(&vsnk.cfg, err, sizeof(err));
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	vsnk.ctrs = dp_counters_create(vsnk_port_ctr_desc, VSNK_CTR_MAX, RTE_MAX_ETHPORTS);
	if (vsnk.ctrs == NULL)
		dp_die(DP_EXIT_FAIL, "cannot allocate counters");
	rc = alloc_stream_tables(err, sizeof(err));
	if (rc != 0)
		dp_die(DP_EXIT_FAIL, "%s", err);
	rc = dp_lifecycle_init(&(struct dp_lifecycle_hooks){ .ctx = &vsnk_app,
			.port_ctrs = vsnk.ctrs, .restart_rereads = VSNK_RESTART_REREADS,
			.reload = vsnk_reload, .sighup_restarts = true });
	if (rc != 0)
		dp_fail(rc, "lifecycle: %s", strerror(-rc));
	rc = vsnk_mgmt_create(&hooks, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	rc = dp_ports_init(&vsnk.cfg, &want, dp_nb_workers, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	dp_ports_show();
	dp_workers_assign_queues();
	rc = vsnk_mgmt_start(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	rc = ves_ports_start(dp_mgmt_view(), vsnk.ctrs, "vsnk", err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	printf("vsnk: %u rx worker(s), %u port(s); Ctrl-C to stop\n", dp_nb_workers, dp_nb_ports);
	fflush(stdout);

	vsnk_stats_start();
	dp_capture_init();	/* says why not when unavailable, not fatal */
	vsnk_telemetry_register();	/* a refused command is logged, not fatal */
	wrc = dp_main_run(&vsnk.cfg, &hooks, vsnk_rx_worker);
	dp_lifecycle_stop();
	ves_ports_stop();	/* the last partial interval, after the workers stopped */
	if (vsnk.cfg.stats_period > 0)
		vsnk_stats_print(NULL);
	vsnk_mgmt_stop();	/* REST off before the ports are closed */
	dp_telemetry_close();	/* before the state its commands read is freed */
	rc = dp_main_finish(&vsnk.cfg, &hooks, wrc);
	ves_ports_free();
	dp_counters_free(vsnk.ctrs);
	return rc;
}
