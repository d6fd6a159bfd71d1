/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg's options: testpmd's txonly flags, stream shaping, limits, next hop,
 * and the "streams" key of --config. Setters only record; the stream set is
 * made by vpkg_options_streams() once everything is parsed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "dp_options.h"
#include "spec.h"
#include "tmpl.h"
#include "vpkg.h"

#define WHY_LEN 160

static int
why_error(char *err, size_t errlen, const char *name, const char *value, const char *why)
{
	return dp_opt_error(err, errlen, name, value, "%s", why);
}

static void
shaping(struct vpkg_options *o, const char *name)
{
	if (o->first_shaping == NULL)
		o->first_shaping = name;
}

static int
set_txpkts(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	uint64_t v;

	if (value != NULL && strchr(value, ',') != NULL)
		return dp_opt_error(err, errlen, name, value,
				"multi-segment packets are not supported: give one length");
	if (dp_parse_u64(value, VPKG_MIN_FRAME - VPKG_FCS_LEN, VPKG_MAX_FRAME, &v) != 0)
		return dp_opt_error(err, errlen, name, value,
				"packet length without FCS, %u to %u", VPKG_MIN_FRAME - VPKG_FCS_LEN,
				VPKG_MAX_FRAME);
	memset(&o->cli.size, 0, sizeof(o->cli.size));
	o->cli.size.kind = VPKG_SIZE_FIXED;
	o->cli.size.min = (uint16_t)(v + VPKG_FCS_LEN);
	o->cli.size.max = o->cli.size.min;
	o->has_size = true;
	o->testpmd_stream = true;
	shaping(o, name);
	return 0;
}

static int
set_size(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char why[WHY_LEN];

	if (vpkg_parse_size(value, &o->cli.size, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_size = true;
	shaping(o, name);
	return 0;
}

/* "A,B" into two parts */
static int
split2(const char *value, char *a, char *b, size_t len, bool b_optional)
{
	const char *comma = value != NULL ? strchr(value, ',') : NULL;

	if (value == NULL || strlen(value) >= len)
		return -EINVAL;
	if (comma == NULL) {
		if (!b_optional)
			return -EINVAL;
		strcpy(a, value);
		b[0] = '\0';
		return 0;
	}
	memcpy(a, value, (size_t)(comma - value));
	a[comma - value] = '\0';
	strcpy(b, comma + 1);
	return 0;
}

static int
set_tx_ip(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char a[128], b[128], why[WHY_LEN];

	if (split2(value, a, b, sizeof(a), false) != 0)
		return dp_opt_error(err, errlen, name, value, "expected SRC,DST");
	if (vpkg_parse_addr(a, &o->cli.src_ip, why, sizeof(why)) != 0 ||
	    vpkg_parse_addr(b, &o->cli.dst_ip, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	if (o->cli.src_ip.family != o->cli.dst_ip.family)
		return dp_opt_error(err, errlen, name, value, "SRC and DST of different families");
	o->has_ip = true;
	o->testpmd_stream = true;
	shaping(o, name);
	return 0;
}

static int
set_tx_udp(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char a[64], b[64], why[WHY_LEN];

	if (split2(value, a, b, sizeof(a), true) != 0)
		return dp_opt_error(err, errlen, name, value, "expected SRC[,DST]");
	if (vpkg_parse_port_range(a, &o->cli.src_port, why, sizeof(why)) != 0 ||
	    vpkg_parse_port_range(b[0] != '\0' ? b : a, &o->cli.dst_port, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_udp = true;
	o->testpmd_stream = true;
	shaping(o, name);
	return 0;
}

static int
set_multi_flow(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	RTE_SET_USED(value);
	RTE_SET_USED(err);
	RTE_SET_USED(errlen);
	o->multi_flow = true;
	o->testpmd_stream = true;
	shaping(o, name);
	return 0;
}

static int
set_eth_peer(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char a[32], b[32];
	uint64_t port;

	if (split2(value, a, b, sizeof(a), false) != 0 ||
	    dp_parse_u64(a, 0, RTE_MAX_ETHPORTS - 1, &port) != 0 ||
	    dp_parse_mac(b, o->peer[port].addr_bytes) != 0)
		return dp_opt_error(err, errlen, name, value,
				"expected PORT,aa:bb:cc:dd:ee:ff with PORT below %u", RTE_MAX_ETHPORTS);
	o->has_peer[port] = true;
	return 0;
}

/* "[PORT,]IP" into per-port or all-ports storage */
static int
set_port_ip(const char *name, const char *value, uint32_t *per_port, uint32_t *all,
		char *err, size_t errlen)
{
	char a[64], b[64];
	uint64_t port;
	uint32_t ip;

	if (value != NULL && strchr(value, ',') == NULL) {
		if (dp_parse_ipv4(value, &ip) != 0 || ip == 0)
			return dp_opt_error(err, errlen, name, value, "expected [PORT,]IPV4");
		*all = ip;
		return 0;
	}
	if (split2(value, a, b, sizeof(a), false) != 0 ||
	    dp_parse_u64(a, 0, RTE_MAX_ETHPORTS - 1, &port) != 0 || dp_parse_ipv4(b, &ip) != 0 ||
	    ip == 0)
		return dp_opt_error(err, errlen, name, value, "expected [PORT,]IPV4");
	per_port[port] = ip;
	return 0;
}

static int
set_gateway(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	return set_port_ip(name, value, o->gateway, &o->gateway_all, err, errlen);
}

static int
set_local_ip(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	return set_port_ip(name, value, o->local_ip, &o->local_ip_all, err, errlen);
}

static int
set_rate(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char why[WHY_LEN];

	if (vpkg_parse_rate(value, &o->cli.rate, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_rate = true;
	shaping(o, name);
	return 0;
}

static int
set_proto(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char why[WHY_LEN];

	if (vpkg_parse_proto(value, &o->cli.proto, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_proto = true;
	shaping(o, name);
	return 0;
}

static int
set_vlan(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char why[WHY_LEN];

	if (vpkg_parse_vlan(value, &o->cli.vlan, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_vlan = true;
	shaping(o, name);
	return 0;
}

static int
set_walk(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	char why[WHY_LEN];

	if (vpkg_parse_walk(value, &o->walk, why, sizeof(why)) != 0)
		return why_error(err, errlen, name, value, why);
	o->has_walk = true;
	shaping(o, name);
	return 0;
}

static int
set_count(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	/* the range of a stream's "count": 0 is no limit there and here */
	if (dp_parse_u64(value, 0, VPKG_MAX_COUNT, &o->count) != 0)
		return dp_opt_error(err, errlen, name, value,
				"packets per stream, 0 (no limit) to %" PRIu64, VPKG_MAX_COUNT);
	return 0;
}

static int
set_active(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 0, VPKG_MAX_STREAMS, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "0 to %u", VPKG_MAX_STREAMS);
	o->active_streams = (int)v;
	return 0;
}

static int
set_tx_retry(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 0, 1000000, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "0 to 1000000");
	o->tx_retry = (uint32_t)v;
	return 0;
}

static int
set_max_lag(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 1, 10000000, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "microseconds, 1 to 10000000");
	o->max_lag_us = (uint32_t)v;
	return 0;
}

static int
set_link_wait(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	if (dp_parse_double(value, 0, 3600, &o->link_wait) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0 to 3600");
	return 0;
}

static int
set_linger(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	if (dp_parse_double(value, 0, 3600, &o->linger) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, 0 to 3600");
	return 0;
}


static int
set_txlog(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	return dp_opt_path(o->txlog_path, sizeof(o->txlog_path), name, value, err, errlen);
}

static int
set_txlog_max(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;

	if (dp_parse_u64(value, 1, 1ull << 30, &o->txlog_max) != 0)
		return dp_opt_error(err, errlen, name, value, "1 to 2^30 records");
	return 0;
}


static int
set_stats_max_age(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 0, 10000000, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "microseconds, 0 to 10000000");
	o->stats_max_age_us = (uint32_t)v;
	return 0;
}

static const struct dp_option vpkg_options[] = {
	{ "txpkts", "LEN", "testpmd: one stream of LEN-byte packets (mbuf length, FCS not counted)", set_txpkts },
	{ "tx-ip", "SRC,DST", "testpmd: one stream with these IP addresses (FIRST-LAST ranges allowed)", set_tx_ip },
	{ "tx-udp", "SRC[,DST]", "testpmd: one stream with these UDP ports (FIRST-LAST ranges allowed)", set_tx_udp },
	{ "txonly-multi-flow", NULL, "testpmd: one stream, 256 source addresses (third octet walks)", set_multi_flow },
	{ "eth-peer", "PORT,MAC", "next hop MAC of port PORT (else --gateway, else 02:00:00:00:00:PORT)", set_eth_peer },
	{ "gateway", "[PORT,]IP", "resolve the next hop by ARP (ONAP: 192.168.10.100)", set_gateway },
	{ "local-ip", "[PORT,]IP", "answer ARP for IP (default: the first stream's source)", set_local_ip },
	{ "rate", "RATE", "rate of each stream: N[k|M|G]pps, ...bps (L2), ...bps-l1, N% or max", set_rate },
	{ "size", "SIZE", "frame size with FCS: N, MIN-MAX, imix or SIZE:WEIGHT,...", set_size },
	{ "proto", "PROTO", "udp (default), tcp, tcp-syn or icmp", set_proto },
	{ "vlan", "VID", "tag the frames with VLAN VID, 1..4095", set_vlan },
	{ "flow-walk", "WALK", "ranges of the command-line stream: inc (default) or random", set_walk },
	{ "count", "N", "stop each stream after N packets (0: no limit); vpkg exits 0 when all are done", set_count },
	{ "active-streams", "N", "enable the first N streams (by id), disable the others", set_active },
	{ "tx-retry", "N", "when the tx queue refuses: N more tries, then drop and count (default 0)", set_tx_retry },
	{ "max-lag", "USEC", "after a stall catch up at most USEC of a stream's packets (default 1000)", set_max_lag },
	{ "link-wait", "SEC", "wait up to SEC for the links to come up before sending (default 5)", set_link_wait },
	{ "linger", "SEC", "when every stream reached its limit, exit SEC later (default 0.2)", set_linger },
	{ "tx-timestamps", "FILE", "benchmark: write the probe fields of the first packets built to FILE", set_txlog },
	{ "tx-timestamps-max", "N", "records per worker for --tx-timestamps (default 4194304)", set_txlog_max },
	{ "no-rx", NULL, "no rx queue (no ARP): for peers without a tx queue, e.g. vsnk on net_memif",
	  DP_OPT_BOOL(struct vpkg_options, no_rx, true) },
	{ "stats-max-age", "USEC", "REST: read the counters for the stats at most every USEC, sharing the snapshot (default 1000; 0: at every request)", set_stats_max_age },
	{ "onap", NULL, "serve the REST API (with ONAP's stream-count and sample-plugin) on 127.0.0.1:8183 unless --mgmt says where; needs --mgmt-user and a password",
	  DP_OPT_BOOL(struct vpkg_options, onap, true) },
};

static int
config_key(void *ctx, const char *key, json_t *value, char *err, size_t errlen)
{
	struct vpkg_options *o = ctx;
	int n;

	if (strcmp(key, "streams") != 0)
		return -ENOENT;
	if (o->cfg_specs == NULL) {
		o->cfg_specs = calloc(VPKG_MAX_STREAMS, sizeof(*o->cfg_specs));
		if (o->cfg_specs == NULL) {
			snprintf(err, errlen, "streams: out of memory");
			return -EINVAL;
		}
	}
	n = vpkg_spec_parse_json(value, o->cfg_specs, VPKG_MAX_STREAMS, err, errlen);
	if (n < 0)
		return -EINVAL;
	o->nb_cfg_specs = (unsigned int)n;
	return 0;
}

struct dp_app vpkg_app = {
	.name = "vpkg",
	.summary = "packet generator: paced streams with probe headers (testpmd txonly compatible)",
	.usage_extra =
		"Streams: with no stream option, the ONAP demo: 10 streams fw_udp1..fw_udp10 (ids 0..9),\n"
		"each 10 packets/s of 64-byte UDP 192.168.10.200:15320 -> 192.168.20.250:8080.\n"
		"A testpmd flag (--txpkts, --tx-ip, --tx-udp, --txonly-multi-flow) makes one stream\n"
		"with testpmd's defaults (198.18.0.1 -> 198.18.0.2, UDP 9 -> 9, --txpkts 64, rate max).\n"
		"--rate/--size/--proto/--vlan/--flow-walk shape the command-line stream(s).\n"
		"Many streams: --config FILE with {\"streams\": [{...}, ...]}; keys of a stream:\n"
		"  name, id (0..1023, the probe's stream id), enabled, port (index), rate, proto,\n"
		"  vlan, src_mac, dst_mac, src_ip, dst_ip (\"A\", \"A-B\" or {\"from\",\"to\",\"step\",\n"
		"  \"walk\":\"inc|random\"}), src_port, dst_port (same forms), size (64, \"64-1518\",\n"
		"  \"imix\", \"64:7,594:4,1518:1\" or {\"from\",\"to\",\"walk\"}), count, duration (s).\n"
		"  See vpkg/README.md.\n"
		"Sizes are frame sizes with the 4-byte FCS (64 = a 60-byte mbuf); --txpkts is the\n"
		"mbuf length, as in testpmd. A rate in bit/s uses the stream's average frame size.\n"
		"Pacing: TSC deadlines per stream; the probe's tx time is the burst time.\n"
		"Tx refused by the queue: --tx-retry N more tries (default 0), then dropped and\n"
		"counted (tx_refused per port, refused per stream).\n"
		"REST (--mgmt ADDR:PORT, or --onap): /api/v1/streams[/{id}] reads and changes the\n"
		"streams (enabled, rate, size), /api/v1/rate the total; ONAP's\n"
		"/restconf/config/stream-count:stream-count/streams and\n"
		"/restconf/config/sample-plugin:sample-plugin/pg-streams. See vpkg/README.md.\n"
		"Restart (POST /api/v1/lifecycle or SIGHUP) makes the streams again from --config\n"
		"and the command line; a bad value refuses it and nothing changes (README: Lifecycle).\n"
		"Exit status: 0 clean stop (signal, --duration, every stream's --count reached),\n"
		"1 run time failure, 2 bad options or configuration.\n",
	.options = vpkg_options,
	.nb_options = RTE_DIM(vpkg_options),
	.ctx = &vpkg.opt,
	.config_key = config_key,
};

void
vpkg_options_init(struct vpkg_options *o)
{
	memset(o, 0, sizeof(*o));
	o->active_streams = -1;
	o->max_lag_us = VPKG_DEFAULT_MAX_LAG_US;
	o->link_wait = VPKG_DEFAULT_LINK_WAIT;
	o->linger = VPKG_DEFAULT_LINGER;
	o->txlog_max = VPKG_DEFAULT_TXLOG_MAX;
	o->stats_max_age_us = VPKG_DEFAULT_STATS_MAX_AGE_US;
}

/* testpmd txonly defaults */
#define TESTPMD_SRC_IP 0xc6120001u	/* 198.18.0.1 */
#define TESTPMD_DST_IP 0xc6120002u	/* 198.18.0.2 */
#define TESTPMD_UDP_PORT 9
#define TESTPMD_TXPKTS 64

static void
apply_cli(const struct vpkg_options *o, struct vpkg_stream_spec *s)
{
	if (o->has_rate)
		s->rate = o->cli.rate;
	if (o->has_size)
		s->size = o->cli.size;
	if (o->has_proto)
		s->proto = o->cli.proto;
	if (o->has_vlan)
		s->vlan = o->cli.vlan;
	if (o->has_ip) {
		s->src_ip = o->cli.src_ip;
		s->dst_ip = o->cli.dst_ip;
	}
	if (o->has_udp) {
		s->src_port = o->cli.src_port;
		s->dst_port = o->cli.dst_port;
	}
	if (o->multi_flow && s->src_ip.r.count == 1) {
		/* testpmd: the third octet of the source walks 0..255 */
		s->src_ip.r.count = 256;
		s->src_ip.r.step = s->src_ip.family == DP_FAM_V4 ? 256 : 1;
	}
	if (o->has_walk) {
		s->src_ip.r.walk = o->walk;
		s->dst_ip.r.walk = o->walk;
		s->src_port.walk = o->walk;
		s->dst_port.walk = o->walk;
		s->size.walk = o->walk;
	}
}

/*
 * How a message names stream s: for a stream of --config, the file, its
 * index in "streams", its id and name; else its name.
 */
static void
stream_where(const struct vpkg_options *o, const struct vpkg_stream_spec *s, char *buf,
		size_t len)
{
	unsigned int i;

	for (i = 0; i < o->nb_cfg_specs; i++) {
		if (o->cfg_specs[i].id == s->id) {
			snprintf(buf, len, "--config: %.160s: streams[%u] (id %u, %s)",
				 vpkg.cfg.config_file, i, s->id, s->name);
			return;
		}
	}
	snprintf(buf, len, "stream '%s'", s->name);
}

int
vpkg_options_check_ports(const struct vpkg_options *o, const struct vpkg_stream_spec *specs,
		unsigned int n, const struct vpkg_env *env, char *err, size_t len)
{
	char where[DP_ERR_LEN];
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct vpkg_stream_spec *s = &specs[i];
		const struct vpkg_port_env *pe = &env->port[s->port < env->nb_ports ? s->port : 0];

		stream_where(o, s, where, sizeof(where));
		rc = vpkg_spec_check_port(s, env->nb_ports, pe->port_id, pe->speed_mbps, where, err,
				len);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct vpkg_stream_spec *x = a, *y = b;

	return (int)x->id - (int)y->id;
}

int
vpkg_options_streams(const struct vpkg_options *o, struct vpkg_stream_spec *specs,
		unsigned int max, char *err, size_t len)
{
	unsigned int n, i;
	char where[64];
	int rc;

	if (o->nb_cfg_specs > 0) {
		if (o->first_shaping != NULL) {
			snprintf(err, len, "--%s: cannot be combined with the \"streams\" of --config "
				 "(set it in the stream objects)", o->first_shaping);
			return -EINVAL;
		}
		n = RTE_MIN(o->nb_cfg_specs, max);
		memcpy(specs, o->cfg_specs, n * sizeof(*specs));
	} else if (o->testpmd_stream) {
		vpkg_spec_defaults(&specs[0], 0);
		vpkg_range_fixed(&specs[0].src_ip.r, TESTPMD_SRC_IP);
		vpkg_range_fixed(&specs[0].dst_ip.r, TESTPMD_DST_IP);
		vpkg_range_fixed(&specs[0].src_port, TESTPMD_UDP_PORT);
		vpkg_range_fixed(&specs[0].dst_port, TESTPMD_UDP_PORT);
		specs[0].size.min = TESTPMD_TXPKTS + VPKG_FCS_LEN;
		specs[0].size.max = specs[0].size.min;
		specs[0].rate.unit = VPKG_RATE_MAX;
		apply_cli(o, &specs[0]);
		n = 1;
	} else {
		n = vpkg_spec_onap(specs, max);
		for (i = 0; i < n; i++)
			apply_cli(o, &specs[i]);
	}
	qsort(specs, n, sizeof(*specs), cmp_id);
	for (i = 0; i < n; i++) {
		if (o->count != 0 && specs[i].count == 0)
			specs[i].count = o->count;
		snprintf(where, sizeof(where), "stream '%s'", specs[i].name);
		rc = vpkg_spec_check(&specs[i], where, err, len);
		if (rc != 0)
			return rc;
	}
	rc = vpkg_spec_check_set(specs, n, err, len);
	if (rc != 0)
		return rc;
	if (o->active_streams >= 0) {
		if ((unsigned int)o->active_streams > n) {
			snprintf(err, len, "--active-streams: invalid value '%d' (there are %u streams)",
				 o->active_streams, n);
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			specs[i].enabled = i < (unsigned int)o->active_streams;
	}
	return (int)n;
}
