/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg control side: the periodic stats lines and the stats JSON (final
 * --stats-file, later the REST stats). Reads counters, slots and the stream
 * table (under the control lock), never writes them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dp_clock.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_telemetry.h"
#include "vpkg.h"

#define PRINT_MAX_STREAMS 32

const struct dp_counter_desc vpkg_port_ctr_desc[VPKG_CTR_MAX] = {
	VPKG_PORT_COUNTERS(DP_CTR_DESC)
};

const struct dp_counter_desc vpkg_stream_ctr_desc[VPKG_SCTR_MAX] = {
	VPKG_STREAM_COUNTERS(DP_CTR_DESC)
};

static struct dp_rate_state rate_state;	/* owned by the stats printer */

void
vpkg_stats_start(void)
{
	dp_stats_rate_init(&rate_state);
}

/* Packets per second between the first and the last burst that sent. */
static double
achieved_pps(const struct vpkg_slot *st, uint64_t pkts)
{
	uint64_t first = __atomic_load_n(&st->first_tsc, __ATOMIC_RELAXED);
	uint64_t last = __atomic_load_n(&st->last_tsc, __ATOMIC_RELAXED);

	if (pkts < 2 || last <= first)
		return 0;
	return (double)(pkts - 1) * (double)dp_clock_tsc_hz() / (double)(last - first);
}

struct print_ctx {
	unsigned int shown;
	unsigned int total;
};

static void
print_stream(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct print_ctx *pc = ctx;
	uint64_t v[VPKG_SCTR_MAX];
	char rate[64];

	pc->total++;
	if (pc->shown >= PRINT_MAX_STREAMS)
		return;
	pc->shown++;
	dp_counters_sum_slot(vpkg.stream_ctrs, cs->id, v);
	vpkg_rate_str(&sp->rate, rate, sizeof(rate));
	printf("stream %u %-12s %s %-10s tx %12" PRIu64 " pkts %14" PRIu64 " bytes refused %"
	       PRIu64 " achieved %.1f pps%s\n", cs->id, sp->name, cs->enabled ? "on " : "off", rate,
	       v[VPKG_SCTR_tx_packets], v[VPKG_SCTR_tx_bytes], v[VPKG_SCTR_refused],
	       achieved_pps(&vpkg_slots[cs->id], v[VPKG_SCTR_tx_packets]),
	       cs->ready ? "" : " (waiting for ARP)");
}

void
vpkg_stats_print(void *ctx)
{
	struct print_ctx pc = { 0, 0 };

	RTE_SET_USED(ctx);
	dp_stats_print_ports(stdout, vpkg.port_ctrs, &rate_state);
	vpkg_streams_foreach(print_stream, &pc);
	if (pc.total > pc.shown)
		printf("(%u more streams in the stats JSON)\n", pc.total - pc.shown);
	fflush(stdout);
}

struct json_ctx {
	json_t *arr;
	double port_pps[RTE_MAX_ETHPORTS];
};

/* One stream of the "streams" array; its achieved rate in *pps. */
static json_t *
stream_obj(const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp, double *pps_out)
{
	const struct vpkg_slot *st = &vpkg_slots[cs->id];
	uint64_t v[VPKG_SCTR_MAX];
	char buf[160];
	json_t *o = json_object();
	unsigned int k;
	double pps;

	dp_counters_sum_slot(vpkg.stream_ctrs, cs->id, v);
	pps = achieved_pps(st, v[VPKG_SCTR_tx_packets]);
	*pps_out = pps;
	json_object_set_new(o, "id", json_integer(cs->id));
	json_object_set_new(o, "name", json_string(sp->name));
	json_object_set_new(o, "enabled", json_boolean(cs->enabled));
	json_object_set_new(o, "ready", json_boolean(cs->ready));
	json_object_set_new(o, "port", json_integer(cs->port_id));
	json_object_set_new(o, "worker", json_integer(cs->worker));
	json_object_set_new(o, "rate", json_real(cs->pps));
	vpkg_rate_str(&sp->rate, buf, sizeof(buf));
	json_object_set_new(o, "rate_spec", json_string(buf));
	vpkg_size_str(&sp->size, buf, sizeof(buf));
	json_object_set_new(o, "size", json_string(buf));
	json_object_set_new(o, "proto", json_string(vpkg_proto_str(sp->proto)));
	json_object_set_new(o, "probe", json_boolean(cs->probe));
	for (k = 0; k < VPKG_SCTR_MAX; k++)
		json_object_set_new(o, vpkg_stream_ctr_desc[k].name, json_integer((json_int_t)v[k]));
	json_object_set_new(o, "achieved_pps", json_real(pps));
	json_object_set_new(o, "next_seq", json_integer(__atomic_load_n(&st->seq, __ATOMIC_RELAXED)));
	json_object_set_new(o, "done", json_boolean(__atomic_load_n(&st->done, __ATOMIC_RELAXED)));
	return o;
}

static void
stream_json(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct json_ctx *jc = ctx;
	double pps;

	json_array_append_new(jc->arr, stream_obj(cs, sp, &pps));
	jc->port_pps[cs->port] += pps;
}

struct one_ctx {
	uint16_t id;
	json_t *obj;
};

static void
one_stream(void *ctx, const struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp)
{
	struct one_ctx *oc = ctx;
	double pps;

	if (cs->id == oc->id && oc->obj == NULL)
		oc->obj = stream_obj(cs, sp, &pps);
}

json_t *
vpkg_stream_json(uint16_t id)
{
	struct one_ctx oc = { id, NULL };

	vpkg_streams_foreach(one_stream, &oc);
	return oc.obj;
}

json_t *
vpkg_stats_json(void *ctx)
{
	json_t *root = json_object(), *ports, *tot = json_object(), *pol = json_object();
	struct json_ctx *jc = calloc(1, sizeof(*jc));
	uint64_t v[VPKG_CTR_MAX], sum[VPKG_CTR_MAX] = { 0 }, skips = 0;
	unsigned int k, w;
	uint16_t p;

	RTE_SET_USED(ctx);
	if (jc == NULL)
		return NULL;
	jc->arr = json_array();
	vpkg_streams_foreach(stream_json, jc);
	ports = dp_stats_ports_json(vpkg.port_ctrs);
	for (p = 0; p < json_array_size(ports); p++) {
		json_t *jp = json_array_get(ports, p);

		dp_counters_sum_slot(vpkg.port_ctrs, p, v);
		json_object_set_new(jp, "achieved_pps", json_real(jc->port_pps[p]));
		for (k = 0; k < VPKG_CTR_MAX; k++)
			sum[k] += v[k];
	}
	for (k = 0; k < VPKG_CTR_MAX; k++)
		json_object_set_new(tot, vpkg_port_ctr_desc[k].name, json_integer((json_int_t)sum[k]));
	for (w = 0; w < vpkg.nb_workers; w++)
		skips += __atomic_load_n(&vpkg.workers[w].skips, __ATOMIC_RELAXED);
	json_object_set_new(tot, "pacing_skips", json_integer((json_int_t)skips));
	json_object_set_new(pol, "refused", json_string("drop"));
	json_object_set_new(pol, "retries", json_integer(vpkg.opt.tx_retry));
	json_object_set_new(root, "program", json_string("vpkg"));
	json_object_set_new(root, "clock", dp_clock_json());
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "totals", tot);
	json_object_set_new(root, "tx_policy", pol);
	json_object_set_new(root, "streams", jc->arr);
	free(jc);
	return root;
}

/* Telemetry: sections of the stats JSON (dp_telemetry.h). */
static json_t *
tel_stats(const char *params)
{
	RTE_SET_USED(params);
	return dp_telemetry_ports_totals(vpkg_stats_json(NULL));
}

/* The streams by id; with keys, only those members (NULL: all of them). */
static json_t *
streams_by_id(const char *const *keys)
{
	json_t *arr = dp_telemetry_section(vpkg_stats_json(NULL), "streams");
	json_t *o = json_object(), *s, *sel;
	const char *const *k;
	char id[24];
	size_t i;

	json_array_foreach(arr, i, s) {
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(s, "id")));
		sel = keys != NULL ? json_object() : json_incref(s);
		for (k = keys; k != NULL && *k != NULL; k++)
			json_object_set(sel, *k, json_object_get(s, *k));
		json_object_set_new(o, id, sel);
	}
	json_decref(arr);
	return o;
}

static json_t *
tel_streams(const char *params)
{
	RTE_SET_USED(params);
	return streams_by_id(NULL);
}

static json_t *
tel_rate(const char *params)
{
	static const char *const keys[] = { "enabled", "rate", "rate_spec", "achieved_pps", NULL };

	RTE_SET_USED(params);
	return streams_by_id(keys);
}

static const struct dp_telemetry_cmd vpkg_tel_cmds[] = {
	{ "/vpkg/stats", tel_stats, "vpkg per-port counters and totals (as the stats file)" },
	{ "/vpkg/streams", tel_streams, "vpkg streams by id: spec, counters, achieved rate" },
	{ "/vpkg/rate", tel_rate, "vpkg rate set and achieved, per stream id" },
};

int
vpkg_telemetry_register(void)
{
	return dp_telemetry_register(vpkg_tel_cmds, RTE_DIM(vpkg_tel_cmds));
}
