/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "dp_clock.h"
#include "dp_mgmt.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_xdp.h"

/* L1 bits of a frame: +4 FCS +8 preamble +12 inter-frame gap */
#define L1_OVERHEAD_BYTES 24

static void
format_rate(char *buf, size_t len, double v, const char *unit)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2f G%s", v / 1e9, unit);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2f M%s", v / 1e6, unit);
	else if (v >= 1e3)
		snprintf(buf, len, "%.2f k%s", v / 1e3, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

void
dp_stats_rate_init(struct dp_rate_state *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->last_ns = dp_mono_ns();
}

void
dp_stats_print_ports(FILE *f, const struct dp_counters *c, struct dp_rate_state *rs)
{
	uint64_t now = dp_mono_ns();
	double dt = rs->last_ns != 0 ? (double)(now - rs->last_ns) / 1e9 : 0;
	uint64_t v[DP_PORT_CTR_NB_COMMON + 64];
	uint16_t i;

	for (i = 0; i < dp_nb_ports && i < c->nb_slots; i++) {
		struct rte_eth_stats es;
		char rxpps[32], rxbps[32], txpps[32], txbps[32];
		uint64_t drx, dtx, drxb, dtxb;

		if (c->nb_counters > RTE_DIM(v))
			break;
		dp_counters_sum_slot(c, i, v);
		drx = v[DP_PORT_CTR_rx_packets] - rs->rx_packets[i];
		dtx = v[DP_PORT_CTR_tx_packets] - rs->tx_packets[i];
		drxb = v[DP_PORT_CTR_rx_bytes] - rs->rx_bytes[i];
		dtxb = v[DP_PORT_CTR_tx_bytes] - rs->tx_bytes[i];
		format_rate(rxpps, sizeof(rxpps), dt > 0 ? drx / dt : 0, "pps");
		format_rate(txpps, sizeof(txpps), dt > 0 ? dtx / dt : 0, "pps");
		format_rate(rxbps, sizeof(rxbps), dt > 0 ? (drxb + drx * 4) * 8 / dt : 0, "bps");
		format_rate(txbps, sizeof(txbps), dt > 0 ? (dtxb + dtx * 4) * 8 / dt : 0, "bps");
		dp_port_eth_stats(i, &es);
		fprintf(f, "port %u %-12s rx %12" PRIu64 " pkts %11s %11s | tx %12" PRIu64
			" pkts %11s %11s | dropped %" PRIu64 " missed %" PRIu64 " rx-errors %" PRIu64 "\n",
			dp_ports[i].port_id, dp_ports[i].name, v[DP_PORT_CTR_rx_packets], rxpps, rxbps,
			v[DP_PORT_CTR_tx_packets], txpps, txbps, v[DP_PORT_CTR_dropped], es.imissed,
			es.ierrors);
		rs->rx_packets[i] = v[DP_PORT_CTR_rx_packets];
		rs->tx_packets[i] = v[DP_PORT_CTR_tx_packets];
		rs->rx_bytes[i] = v[DP_PORT_CTR_rx_bytes];
		rs->tx_bytes[i] = v[DP_PORT_CTR_tx_bytes];
	}
	rs->last_ns = now;
	fflush(f);
}

/* The port's driver xstats by name, whatever names its driver uses. */
static json_t *
xstats_json(unsigned int slot)
{
	unsigned int n = dp_mgmt_xstats(slot, NULL, 0), got, i;
	struct dp_xstat *x = calloc(n + 1, sizeof(*x));
	json_t *o = json_object();

	got = x != NULL ? dp_mgmt_xstats(slot, x, n) : 0;
	for (i = 0; got <= n && i < got; i++)	/* more than n: the set changed, none */
		json_object_set_new(o, x[i].name, json_integer((json_int_t)x[i].value));
	free(x);
	return o;
}

json_t *
dp_stats_ports_json(const struct dp_counters *c)
{
	json_t *ports = json_array();
	uint64_t *v = calloc(c->nb_counters, sizeof(*v));
	uint16_t i;
	unsigned int k;

	if (ports == NULL || v == NULL) {
		free(v);
		json_decref(ports);
		return NULL;
	}
	for (i = 0; i < dp_nb_ports && i < c->nb_slots; i++) {
		json_t *p = json_object(), *drv = json_object(), *xdp;
		struct rte_eth_stats es;

		dp_counters_sum_slot(c, i, v);
		json_object_set_new(p, "port", json_integer(dp_ports[i].port_id));
		json_object_set_new(p, "name", json_string(dp_ports[i].name));
		for (k = 0; k < c->nb_counters; k++)
			json_object_set_new(p, c->desc[k].name, json_integer((json_int_t)v[k]));
		dp_port_eth_stats(i, &es);
		json_object_set_new(drv, "ipackets", json_integer((json_int_t)es.ipackets));
		json_object_set_new(drv, "opackets", json_integer((json_int_t)es.opackets));
		json_object_set_new(drv, "ibytes", json_integer((json_int_t)es.ibytes));
		json_object_set_new(drv, "obytes", json_integer((json_int_t)es.obytes));
		json_object_set_new(drv, "imissed", json_integer((json_int_t)es.imissed));
		json_object_set_new(drv, "ierrors", json_integer((json_int_t)es.ierrors));
		json_object_set_new(drv, "oerrors", json_integer((json_int_t)es.oerrors));
		json_object_set_new(drv, "rx_nombuf", json_integer((json_int_t)es.rx_nombuf));
		json_object_set_new(p, "driver", drv);
		json_object_set_new(p, "xstats", xstats_json(i));
		xdp = dp_xdp_port_json(i);	/* NULL: no XDP program of ours */
		if (xdp != NULL)
			json_object_set_new(p, "xdp", xdp);
		json_array_append_new(ports, p);
	}
	free(v);
	return ports;
}

int
dp_stats_write_file(const char *path, json_t *root, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16];
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "--stats-file: path too long");
		return -ENAMETOOLONG;
	}
	rc = json_dump_file(root, tmp, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (rc != 0) {
		rc = errno != 0 ? -errno : -EIO;
		snprintf(err, errlen, "--stats-file: cannot write '%s': %s", path, strerror(-rc));
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "--stats-file: cannot write '%s': %s", path, strerror(-rc));
		unlink(tmp);
		return rc;
	}
	return 0;
}

uint64_t
dp_stats_ports_sum(const struct dp_counters *c, unsigned int idx)
{
	uint64_t sum = 0;
	uint16_t p;

	for (p = 0; p < dp_nb_ports; p++)
		sum += dp_counters_sum(c, p, idx);
	return sum;
}
