/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg: the packet generator of the vFWCL chain. Sends streams of probe
 * packets at controlled rates; the ONAP demo's ten fw_udp streams by
 * default.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "arp.h"
#include "dp_clock.h"
#include "dp_main.h"
#include "dp_telemetry.h"
#include "dp_mgmt.h"
#include "dp_port.h"
#include "dp_probe.h"
#include "dp_stats.h"
#include "dp_worker.h"
#include "streams.h"
#include "vpkg.h"
#include "vpkg_mgmt.h"
#include "dp_lifecycle.h"
#include "ves_ports.h"

struct vpkg vpkg;

static uint64_t done_since_ns;	/* main tick only */

/* Every enabled stream has a limit and reached it. */
struct done_ctx {
	unsigned int enabled;
	unsigned int finished;
};

static void
done_check(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct done_ctx *d = ctx;

	RTE_SET_USED(sp);
	if (!cs->enabled)
		return;
	d->enabled++;
	if ((cs->count != 0 || cs->duration_tsc != 0) &&
	    __atomic_load_n(&vpkg_slots[cs->id].done, __ATOMIC_RELAXED))
		d->finished++;
}

static void
vpkg_tick(void *ctx)
{
	struct done_ctx d = { 0, 0 };
	uint64_t now;

	RTE_SET_USED(ctx);
	vpkg_arp_tick();
	vpkg_streams_foreach(done_check, &d);
	if (d.enabled == 0 || d.finished < d.enabled) {
		done_since_ns = 0;
		return;
	}
	now = dp_mono_ns();
	if (done_since_ns == 0)
		done_since_ns = now;
	else if (now - done_since_ns >= (uint64_t)(vpkg.opt.linger * 1e9))
		atomic_store(&dp_quit, true);	/* let peers drain, then stop */
}

static void
vpkg_cleanup(void *ctx)
{
	unsigned int i;

	RTE_SET_USED(ctx);
	vpkg_streams_fini();
	for (i = 0; i < vpkg.nb_workers; i++) {
		rte_free(vpkg.workers[i].sched);
		rte_free(vpkg.workers[i].local);
		vpkg_txlog_free(&vpkg.workers[i].txlog);
		vpkg.workers[i].sched = NULL;
		vpkg.workers[i].local = NULL;
	}
}

/* Each worker's tx queue on every port (dp_workers_assign_queues gives queue = worker index). */
static int
setup_workers(char *err, size_t errlen)
{
	uint64_t max_lag = dp_clock_tsc_hz() * vpkg.opt.max_lag_us / 1000000;
	unsigned int i, k;
	uint16_t p;

	vpkg.nb_workers = dp_nb_workers;
	for (i = 0; i < dp_nb_workers; i++) {
		struct vpkg_worker *vw = &vpkg.workers[i];
		const struct dp_worker *w = &dp_workers[i];
		int socket = (int)rte_lcore_to_socket_id(w->lcore);

		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			vw->txq[p] = -1;
		for (k = 0; k < w->nb_txq; k++)
			vw->txq[w->txq[k].port] = (int16_t)w->txq[k].queue;
		for (p = 0; p < dp_nb_ports; p++) {
			if (vw->txq[p] < 0) {
				snprintf(err, errlen, "--txq: invalid value '%u' (vpkg needs a tx queue per "
					 "worker on every port: %u workers)", dp_ports[p].nb_txq,
					 dp_nb_workers);
				return -EINVAL;
			}
		}
		vw->sched = rte_zmalloc_socket("vpkg_sched", sizeof(*vw->sched), RTE_CACHE_LINE_SIZE,
				socket);
		vw->local = rte_zmalloc_socket("vpkg_local", sizeof(*vw->local) * VPKG_MAX_STREAMS,
				RTE_CACHE_LINE_SIZE, socket);
		if (vw->sched == NULL || vw->local == NULL) {
			snprintf(err, errlen, "cannot allocate the schedule of worker %u; give EAL more "
				 "memory (-m)", i);
			return -ENOMEM;
		}
		vpkg_sched_reset(vw->sched, max_lag);
		if (vpkg.opt.txlog_path[0] != '\0' &&
		    vpkg_txlog_init(&vw->txlog, vpkg.opt.txlog_max) != 0) {
			snprintf(err, errlen, "--tx-timestamps-max: cannot allocate %" PRIu64
				 " records for worker %u", vpkg.opt.txlog_max, i);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Wait up to --link-wait seconds for every port's link. */
static void
wait_links(void)
{
	uint64_t end = dp_mono_ns() + (uint64_t)(vpkg.opt.link_wait * 1e9);
	struct rte_eth_link link;
	uint16_t p, down;

	for (;;) {
		down = 0;
		for (p = 0; p < dp_nb_ports; p++) {
			memset(&link, 0, sizeof(link));
			if (rte_eth_link_get_nowait(dp_ports[p].port_id, &link) == 0 &&
			    link.link_status == RTE_ETH_LINK_DOWN)
				down++;
		}
		if (down == 0 || dp_should_quit())
			return;
		if (dp_mono_ns() >= end) {
			printf("vpkg: %u port(s) still down after %.1f s; sending anyway\n", down,
			       vpkg.opt.link_wait);
			return;
		}
		nanosleep(&(struct timespec){ .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
}

static uint32_t
first_src_ip(const struct vpkg_stream_spec *specs, unsigned int n, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (specs[i].port == port && specs[i].src_ip.family == DP_FAM_V4)
			return specs[i].src_ip.r.base;
	return 0;
}

static void
make_env(struct vpkg_env *env, const struct vpkg_stream_spec *specs, unsigned int n)
{
	const struct vpkg_options *o = &vpkg.opt;
	struct rte_eth_link link;
	unsigned int w;
	uint16_t p;

	memset(env, 0, sizeof(*env));
	env->tsc_hz = dp_clock_tsc_hz();
	env->nb_ports = dp_nb_ports;
	env->nb_workers = (uint16_t)dp_nb_workers;
	for (p = 0; p < dp_nb_ports; p++) {
		struct vpkg_port_env *pe = &env->port[p];
		uint16_t pid = dp_ports[p].port_id;

		pe->port_id = pid;
		pe->mac = dp_ports[p].mac;
		pe->tx_offloads = dp_ports[p].tx_offloads;
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(pid, &link) == 0 &&
		    link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
			pe->speed_mbps = link.link_speed;
		for (w = 0; w < VPKG_MAX_WORKERS; w++)
			pe->txq[w] = w < dp_nb_workers ? vpkg.workers[w].txq[p] : -1;
		vpkg_arp[p].gateway = o->gateway[pid] != 0 ? o->gateway[pid] : o->gateway_all;
		vpkg_arp[p].local_ip = o->local_ip[pid] != 0 ? o->local_ip[pid] :
				       o->local_ip_all != 0 ? o->local_ip_all :
				       first_src_ip(specs, n, p);
		if (o->has_peer[pid]) {
			pe->peer_state = VPKG_PEER_STATIC;
			pe->peer = o->peer[pid];
		} else if (vpkg_arp[p].gateway != 0) {
			pe->peer_state = VPKG_PEER_UNRESOLVED;
		} else {
			pe->peer_state = VPKG_PEER_DEFAULT;
			pe->peer = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, (uint8_t)pid } };
		}
	}
}

static void
print_streams(const struct vpkg_stream_spec *specs, unsigned int n)
{
	unsigned int i, on = 0;
	double pps = 0;
	bool unpaced = false;

	for (i = 0; i < n; i++) {
		if (!specs[i].enabled)
			continue;
		on++;
		if (specs[i].rate.unit == VPKG_RATE_MAX)
			unpaced = true;
		else if (specs[i].rate.unit == VPKG_RATE_PPS)
			pps += specs[i].rate.value;
	}
	for (i = 0; i < n; i++) {
		uint16_t need = vpkg_spec_probe_min(&specs[i]);

		if (specs[i].size.min < need)
			printf("vpkg: stream '%s': %u-byte frames of %s/%s cannot hold the %u-byte "
			       "probe (%u bytes needed): sent without probe\n", specs[i].name,
			       specs[i].size.min, specs[i].src_ip.family == DP_FAM_V6 ? "IPv6" : "IPv4",
			       vpkg_proto_str(specs[i].proto), DP_PROBE_LEN, need);
	}
	printf("vpkg: %u stream(s), %u enabled%s", n, on, unpaced ? ", unpaced" : "");
	if (pps > 0)
		printf(", %.10g pps set in pps", pps);
	printf("; %u tx worker(s), %u port(s), tx refused: %u retries then drop\n",
	       dp_nb_workers, dp_nb_ports, vpkg.opt.tx_retry);
	fflush(stdout);
}

/* net_af_xdp without --xdp-steer: what is addressed to the port's local IP, its ARP included. */
static void
vpkg_xdp_traffic(void *ctx, uint16_t idx, struct dp_xdp_traffic *t)
{
	RTE_SET_USED(ctx);
	if (vpkg_arp[idx].local_ip != 0)
		dp_xdp_traffic_add_dst(t, vpkg_arp[idx].local_ip, 32);
}

int
main(int argc, char **argv)
{
	struct dp_port_want want = {
		.nb_rxq = 1,
		.nb_txq = 1,
		.tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
	};
	struct dp_main_hooks hooks = {
		.stats_print = vpkg_stats_print,
		.stats_json = ves_ports_stats_json,
		.tick = vpkg_tick,
		.cleanup = vpkg_cleanup,
		.xdp_traffic = vpkg_xdp_traffic,
	};
	struct vpkg_stream_spec *specs;
	struct vpkg_env *env;
	char err[DP_ERR_LEN];
	int rc, wrc, n;

	vpkg_options_init(&vpkg.opt);
	if (vpkg_mgmt_register_options(&vpkg_app) != 0 || ves_ports_register(&vpkg_app) != 0)
		dp_die(DP_EXIT_FAIL, "too many option groups");
	ves_ports_set_stats_json(vpkg_stats_json);
	dp_main_init(&vpkg_app, &vpkg.cfg, argc, argv);
	rc = ves_ports_check(err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	if (vpkg.opt.no_rx) {
		unsigned int p;

		if (vpkg.opt.gateway_all != 0)
			dp_die(DP_EXIT_USAGE, "--gateway: cannot resolve by ARP with --no-rx");
		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			if (vpkg.opt.gateway[p] != 0)
				dp_die(DP_EXIT_USAGE, "--gateway: cannot resolve by ARP with --no-rx");
		want.nb_rxq = 0;
	}
	specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));
	env = calloc(1, sizeof(*env));
	if (specs == NULL || env == NULL)
		dp_die(DP_EXIT_FAIL, "out of memory");
	n = vpkg_options_streams(&vpkg.opt, specs, VPKG_MAX_STREAMS, err, sizeof(err));
	if (n < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);

	rc = dp_workers_select(&vpkg.cfg, err, sizeof(err));
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	vpkg.port_ctrs = dp_counters_create(vpkg_port_ctr_desc, VPKG_CTR_MAX, RTE_MAX_ETHPORTS);
	vpkg.stream_ctrs = dp_counters_create(vpkg_stream_ctr_desc, VPKG_SCTR_MAX, VPKG_MAX_STREAMS);
	if (vpkg.port_ctrs == NULL || vpkg.stream_ctrs == NULL)
		dp_die(DP_EXIT_FAIL, "cannot allocate counters");
	rc = dp_lifecycle_init(&(struct dp_lifecycle_hooks){ .port_ctrs = vpkg.port_ctrs,
			.restart_rereads = "the streams", .reload = vpkg_reload,
			.sighup_restarts = true });
	if (rc != 0)
		dp_fail(rc, "lifecycle: %s", strerror(-rc));
	rc = vpkg_mgmt_create(&hooks, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	rc = dp_ports_init(&vpkg.cfg, &want, dp_nb_workers, err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	dp_workers_assign_queues();
	rc = setup_workers(err, sizeof(err));
	if (rc != 0) {
		vpkg_cleanup(NULL);
		dp_fail(rc, "%s", err);
	}
	wait_links();
	dp_ports_show();
	make_env(env, specs, (unsigned int)n);
	rc = vpkg_options_check_ports(&vpkg.opt, specs, (unsigned int)n, env, err, sizeof(err));
	if (rc == 0)
		rc = vpkg_streams_init(env, specs, (unsigned int)n, err, sizeof(err));
	if (rc != 0) {
		vpkg_cleanup(NULL);
		dp_fail(rc, "%s", err);
	}
	print_streams(specs, (unsigned int)n);
	free(specs);
	free(env);
	free(vpkg.opt.cfg_specs);
	vpkg.opt.cfg_specs = NULL;
	rc = vpkg_mgmt_start(err, sizeof(err));
	if (rc != 0) {
		vpkg_mgmt_stop();
		vpkg_cleanup(NULL);
		dp_fail(rc, "%s", err);
	}

	vpkg_stats_start();
	/* the agent's baseline is taken before the first packet: deltas add up to the totals */
	rc = ves_ports_start(dp_mgmt_view(), vpkg.port_ctrs, "vpkg", err, sizeof(err));
	if (rc != 0)
		dp_fail(rc, "%s", err);
	dp_capture_init();	/* says why not when unavailable, not fatal */
	vpkg_telemetry_register();	/* a refused command is logged, not fatal */
	wrc = dp_main_run(&vpkg.cfg, &hooks, vpkg_tx_worker);
	dp_lifecycle_stop();
	ves_ports_stop();	/* the last partial interval, after the workers stopped */
	if (vpkg.cfg.stats_period > 0)
		vpkg_stats_print(NULL);
	if (vpkg.opt.txlog_path[0] != '\0' &&
	    vpkg_txlog_write(vpkg.opt.txlog_path, &vpkg.workers[0].txlog, vpkg.nb_workers,
			     sizeof(vpkg.workers[0]), err, sizeof(err)) != 0) {
		fprintf(stderr, "vpkg: %s\n", err);
		if (wrc == 0)
			wrc = -EIO;
	}
	vpkg_mgmt_stop();	/* REST off before the ports are closed and the streams freed */
	dp_telemetry_close();	/* before the state its commands read is freed */
	rc = dp_main_finish(&vpkg.cfg, &hooks, wrc);
	ves_ports_free();
	dp_counters_free(vpkg.port_ctrs);
	dp_counters_free(vpkg.stream_ctrs);
	return rc;
}
