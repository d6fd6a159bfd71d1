/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk control side: the periodic stats lines and the stats JSON (final
 * --stats-file, later the REST stats). Reads workers' counters and stream
 * tables, never writes them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dp_clock.h"
#include "dp_port.h"
#include "dp_options.h"
#include "dp_stats.h"
#include "dp_telemetry.h"
#include "stream_view.h"
#include "vsnk.h"

const struct dp_counter_desc vsnk_port_ctr_desc[VSNK_CTR_MAX] = {
	VSNK_PORT_COUNTERS(DP_CTR_DESC)
};

static struct dp_rate_state rate_state;	/* owned by the stats printer */

void
vsnk_stats_start(void)
{
	dp_stats_rate_init(&rate_state);
}

void
vsnk_stats_print(void *ctx)
{
	struct stream_report *r = malloc(sizeof(*r));
	uint64_t v[VSNK_CTR_MAX];
	uint16_t p;
	uint32_t id;

	RTE_SET_USED(ctx);
	dp_stats_print_ports(stdout, vsnk.ctrs, &rate_state);
	for (p = 0; p < dp_nb_ports; p++) {
		dp_counters_sum_slot(vsnk.ctrs, p, v);
		printf("port %u: probe %" PRIu64 " foreign %" PRIu64 " (udp %" PRIu64 " tcp %" PRIu64
		       " icmp %" PRIu64 " arp %" PRIu64 " other %" PRIu64 ") malformed %" PRIu64
		       " bad-cksum %" PRIu64 "\n",
		       dp_ports[p].port_id, v[VSNK_CTR_probe_packets], v[VSNK_CTR_foreign_packets],
		       v[VSNK_CTR_foreign_udp], v[VSNK_CTR_foreign_tcp], v[VSNK_CTR_foreign_icmp],
		       v[VSNK_CTR_foreign_arp],
		       v[VSNK_CTR_foreign_non_ip] + v[VSNK_CTR_foreign_ip_other] +
			       v[VSNK_CTR_foreign_fragment],
		       v[VSNK_CTR_malformed], v[VSNK_CTR_bad_checksum]);
	}
	for (id = 0; r != NULL && id < vsnk.opt.max_streams; id++) {
		if (!vsnk_stream_view(id, r))
			continue;
		printf("stream %u: rx %" PRIu64 " lost %" PRIu64 " dup %" PRIu64 " reord %" PRIu64
		       " latency min/avg/max %.1f/%.1f/%.1f us p99 %.1f us\n",
		       id, r->received, r->lost, r->duplicates, r->reordered, r->lat_min / 1e3,
		       r->lat_avg / 1e3, r->lat_max / 1e3, r->lat_p99 / 1e3);
	}
	fflush(stdout);
	free(r);
}

static json_t *
latency_json(const struct stream_report *r, bool histogram)
{
	json_t *lat = json_object(), *hist = json_array();
	unsigned int b;

	json_object_set_new(lat, "samples", json_integer((json_int_t)lat_hist_total(&r->hist)));
	json_object_set_new(lat, "min", json_integer((json_int_t)r->lat_min));
	json_object_set_new(lat, "avg", json_integer((json_int_t)r->lat_avg));
	json_object_set_new(lat, "max", json_integer((json_int_t)r->lat_max));
	json_object_set_new(lat, "p50", json_integer((json_int_t)r->lat_p50));
	json_object_set_new(lat, "p99", json_integer((json_int_t)r->lat_p99));
	json_object_set_new(lat, "p999", json_integer((json_int_t)r->lat_p999));
	json_object_set_new(lat, "negative", json_integer((json_int_t)r->lat_negative));
	if (!histogram) {
		json_decref(hist);
		return lat;
	}
	/* non-empty buckets: [low_ns, high_ns, count] */
	for (b = 0; b < LAT_HIST_BUCKETS; b++) {
		if (r->hist.count[b] == 0)
			continue;
		json_array_append_new(hist, json_pack("[I,I,I]", (json_int_t)lat_hist_bucket_low(b),
				(json_int_t)lat_hist_bucket_high(b), (json_int_t)r->hist.count[b]));
	}
	json_object_set_new(lat, "histogram", hist);
	return lat;
}

static json_t *
streams_json(bool histograms)
{
	struct stream_report *r = malloc(sizeof(*r));
	json_t *arr = json_array();
	uint32_t id;

	if (r == NULL)
		return arr;
	for (id = 0; id < vsnk.opt.max_streams; id++) {
		json_t *s;

		if (!vsnk_stream_view(id, r))
			continue;
		s = json_object();
		json_object_set_new(s, "stream", json_integer(id));
		json_object_set_new(s, "rx_packets", json_integer((json_int_t)r->received));
		json_object_set_new(s, "rx_bytes", json_integer((json_int_t)r->bytes));
		json_object_set_new(s, "unique", json_integer((json_int_t)r->unique));
		json_object_set_new(s, "lost", json_integer((json_int_t)r->lost));
		json_object_set_new(s, "duplicates", json_integer((json_int_t)r->duplicates));
		json_object_set_new(s, "reordered", json_integer((json_int_t)r->reordered));
		json_object_set_new(s, "restarts", json_integer((json_int_t)r->restarts));
		json_object_set_new(s, "first_seq", json_integer((json_int_t)r->first_seq));
		json_object_set_new(s, "highest_seq", json_integer((json_int_t)r->highest_seq));
		json_object_set_new(s, "latency_ns", latency_json(r, histograms));
		json_array_append_new(arr, s);
	}
	free(r);
	return arr;
}

static json_t *
stats_json(bool histograms)
{
	json_t *root = json_object(), *ports, *tot = json_object();
	uint64_t v[VSNK_CTR_MAX], sum[VSNK_CTR_MAX] = { 0 };
	unsigned int k;
	uint16_t p;

	ports = dp_stats_ports_json(vsnk.ctrs);
	/* errors = malformed + bad checksum, per port (DESIGN: packets, bytes, errors) */
	for (p = 0; p < json_array_size(ports); p++) {
		json_t *jp = json_array_get(ports, p);

		dp_counters_sum_slot(vsnk.ctrs, p, v);
		json_object_set_new(jp, "errors",
				json_integer((json_int_t)(v[VSNK_CTR_malformed] + v[VSNK_CTR_bad_checksum])));
		for (k = 0; k < VSNK_CTR_MAX; k++)
			sum[k] += v[k];
	}
	for (k = 0; k < VSNK_CTR_MAX; k++)
		json_object_set_new(tot, vsnk_port_ctr_desc[k].name, json_integer((json_int_t)sum[k]));
	json_object_set_new(root, "program", json_string("vsnk"));
	json_object_set_new(root, "clock", dp_clock_json());
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "totals", tot);
	json_object_set_new(root, "streams", streams_json(histograms));
	return root;
}

json_t *
vsnk_stats_json(void *ctx)
{
	RTE_SET_USED(ctx);
	return stats_json(true);
}

json_t *
vsnk_summary_json(void *ctx)
{
	RTE_SET_USED(ctx);
	return stats_json(false);
}

/* Telemetry: sections of the stats JSON (dp_telemetry.h). */
static json_t *
tel_stats(const char *params)
{
	RTE_SET_USED(params);
	return dp_telemetry_ports_totals(vsnk_stats_json(NULL));
}

/* Every stream by id, without its histogram (one reply stays small). */
static json_t *
tel_streams(const char *params)
{
	json_t *arr = dp_telemetry_section(vsnk_summary_json(NULL), "streams");
	json_t *o = json_object(), *s;
	char id[24];
	size_t i;

	RTE_SET_USED(params);
	json_array_foreach(arr, i, s) {
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(s, "stream")));
		json_object_set(o, id, s);
	}
	json_decref(arr);
	return o;
}

/* /vsnk/stream,ID: that stream as in the stats JSON; NULL for a bad or unseen id. */
static json_t *
tel_stream(const char *params)
{
	json_t *arr, *s, *found = NULL;
	uint64_t id;
	size_t i;

	if (params == NULL || dp_parse_u64(params, 0, UINT32_MAX, &id) != 0)
		return NULL;
	arr = dp_telemetry_section(vsnk_stats_json(NULL), "streams");
	json_array_foreach(arr, i, s)
		if (found == NULL && (uint64_t)json_integer_value(json_object_get(s, "stream")) == id)
			found = json_incref(s);
	json_decref(arr);
	return found;
}

static const struct dp_telemetry_cmd vsnk_tel_cmds[] = {
	{ "/vsnk/stats", tel_stats, "vsnk per-port counters and totals (as the stats file)" },
	{ "/vsnk/streams", tel_streams, "vsnk streams by id: received, lost, latency (no histogram)" },
	{ "/vsnk/stream", tel_stream, "vsnk one stream with its latency histogram. Parameters: int stream id" },
};

int
vsnk_telemetry_register(void)
{
	return dp_telemetry_register(vsnk_tel_cmds, RTE_DIM(vsnk_tel_cmds));
}
