/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dashboard's interval history: options, the sampler and the ring, and
 * its JSON (see dashboard.h).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "dashboard.h"
#include "dp_clock.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "stream_view.h"
#include "vsnk.h"

#define MAXS DASHBOARD_MAX_STREAMS

/* Cumulative values at one instant. */
struct dash_sample {
	uint64_t packets, bytes, probe;
	uint64_t received[MAXS];
	uint64_t lost[MAXS];
	uint64_t lat_sum[MAXS];
	uint64_t lat_count[MAXS];
};

/* One closed interval. */
struct dash_interval {
	uint64_t start_ns, end_ns;	/* Unix time */
	uint64_t packets, bytes, probe;
	uint64_t s_packets[MAXS];	/* by stream slot */
	int64_t s_lost[MAXS];		/* late packets make it negative */
	uint64_t s_lat_avg[MAXS];	/* ns; 0 = no sample */
};

static struct {
	pthread_mutex_t lock;
	/* all below: guarded by lock */
	bool ready;			/* ring allocated */
	double interval_s;
	uint64_t interval_ns;
	uint32_t history;
	struct dash_interval *ring;	/* [history] */
	uint32_t head;			/* next slot written */
	uint32_t count;			/* intervals held */
	bool started;			/* baseline taken */
	uint64_t mono0, real0;		/* clock anchor */
	uint64_t boundary;		/* CLOCK_MONOTONIC start of the current interval */
	uint32_t nb_streams;		/* slots in use, in the order found */
	uint32_t stream_id[MAXS];
	bool capped;			/* more streams than slots */
	uint8_t tracked[VSNK_MAX_STREAMS / 8];	/* bitmap of ids with a slot */
	struct dash_sample prev;	/* at boundary */
	struct dash_sample cur;		/* scratch of the sampler */
	struct stream_report view;	/* scratch */
} dash = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ------------------------------------------------------------ options */

static int
set_interval(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dashboard_options *o = ctx;

	if (dp_parse_double(value, DASHBOARD_MIN_INTERVAL, DASHBOARD_MAX_INTERVAL,
			&o->interval_s) != 0)
		return dp_opt_error(err, errlen, name, value, "seconds, between %g and %g",
				DASHBOARD_MIN_INTERVAL, DASHBOARD_MAX_INTERVAL);
	return 0;
}

static int
set_history(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct dashboard_options *o = ctx;
	uint64_t v;

	if (dp_parse_u64(value, DASHBOARD_MIN_HISTORY, DASHBOARD_MAX_HISTORY, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "must be between %u and %u",
				DASHBOARD_MIN_HISTORY, DASHBOARD_MAX_HISTORY);
	o->history = (uint32_t)v;
	return 0;
}

static const struct dp_option dashboard_option_table[] = {
	{ "dashboard-interval", "SEC", "dashboard bar length in seconds, 0.5..3600 (default 10)", set_interval },
	{ "dashboard-history", "N", "dashboard bars kept, 2..1440 (default 60)", set_history },
};

void
dashboard_options_init(struct dashboard_options *o)
{
	o->interval_s = DASHBOARD_DEFAULT_INTERVAL;
	o->history = DASHBOARD_DEFAULT_HISTORY;
}

int
dashboard_options_register(struct dp_app *app, struct dashboard_options *o)
{
	struct dp_option_group g = {
		.title = "Dashboard options (the page on --mgmt)",
		.options = dashboard_option_table,
		.nb_options = RTE_DIM(dashboard_option_table),
		.ctx = o,
	};

	return dp_app_add_group(app, &g);
}

/* ------------------------------------------------------------ ring */

/* Under lock: forget everything; the next tick takes a new baseline. */
static void
clear_locked(void)
{
	dash.head = 0;
	dash.count = 0;
	dash.started = false;
	dash.nb_streams = 0;
	dash.capped = false;
	memset(dash.tracked, 0, sizeof(dash.tracked));
	memset(&dash.prev, 0, sizeof(dash.prev));
}

static int
configure_locked(double interval_s, uint32_t history)
{
	struct dash_interval *ring = calloc(history, sizeof(*ring));

	if (ring == NULL)
		return -ENOMEM;
	free(dash.ring);
	dash.ring = ring;
	dash.history = history;
	dash.interval_s = interval_s;
	dash.interval_ns = (uint64_t)llround(interval_s * 1e9);
	dash.ready = true;
	clear_locked();
	return 0;
}

int
dashboard_init(const struct dashboard_options *o)
{
	int rc;

	pthread_mutex_lock(&dash.lock);
	rc = configure_locked(o->interval_s, o->history);
	pthread_mutex_unlock(&dash.lock);
	return rc;
}

void
dashboard_settings(double *interval_s, uint32_t *history)
{
	pthread_mutex_lock(&dash.lock);
	*interval_s = dash.interval_s;
	*history = dash.history;
	pthread_mutex_unlock(&dash.lock);
}

int
dashboard_configure(double interval_s, uint32_t history)
{
	int rc;

	pthread_mutex_lock(&dash.lock);
	rc = configure_locked(interval_s, history);
	pthread_mutex_unlock(&dash.lock);
	return rc;
}

void
dashboard_free(void)
{
	pthread_mutex_lock(&dash.lock);
	free(dash.ring);
	dash.ring = NULL;
	dash.ready = false;
	pthread_mutex_unlock(&dash.lock);
}

static bool
is_tracked(uint32_t id)
{
	return dash.tracked[id / 8] & (1u << (id % 8));
}

/* Under lock: give a slot to the streams seen for the first time. */
static void
discover_locked(void)
{
	uint32_t id;

	if (dash.capped)
		return;
	for (id = 0; id < vsnk.opt.max_streams; id++) {
		if (is_tracked(id) || vsnk_stream_received(id) == 0)
			continue;
		if (dash.nb_streams == MAXS) {
			dash.capped = true;
			return;
		}
		dash.tracked[id / 8] |= (uint8_t)(1u << (id % 8));
		dash.stream_id[dash.nb_streams++] = id;
	}
}

/* Totals over the ports in use. */
static void
sample_totals(struct dash_sample *s)
{
	uint16_t p;

	s->packets = s->bytes = s->probe = 0;
	for (p = 0; p < dp_nb_ports; p++) {
		s->packets += dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_rx_packets);
		s->bytes += dp_counters_sum(vsnk.ctrs, p, DP_PORT_CTR_rx_bytes);
		s->probe += dp_counters_sum(vsnk.ctrs, p, VSNK_CTR_probe_packets);
	}
}

/* Under lock: the whole sample, streams included. */
static void
sample_locked(struct dash_sample *s)
{
	uint32_t i;

	sample_totals(s);
	for (i = 0; i < dash.nb_streams; i++) {
		struct stream_report *r = &dash.view;

		if (vsnk_stream_view(dash.stream_id[i], r)) {
			s->received[i] = r->received;
			s->lost[i] = r->lost;
			s->lat_sum[i] = r->lat_sum;
			s->lat_count[i] = r->lat_count;
		} else {
			s->received[i] = s->lost[i] = s->lat_sum[i] = s->lat_count[i] = 0;
		}
	}
}

/* cur - prev, or cur when the counter went back (a reset). */
static uint64_t
delta(uint64_t cur, uint64_t prev)
{
	return cur >= prev ? cur - prev : cur;
}

static void
record_locked(uint64_t end_mono)
{
	struct dash_interval *iv = &dash.ring[dash.head];
	const struct dash_sample *c = &dash.cur, *p = &dash.prev;
	uint32_t i;

	memset(iv, 0, sizeof(*iv));
	iv->start_ns = dash.real0 + (dash.boundary - dash.mono0);
	iv->end_ns = dash.real0 + (end_mono - dash.mono0);
	iv->packets = delta(c->packets, p->packets);
	iv->bytes = delta(c->bytes, p->bytes);
	iv->probe = delta(c->probe, p->probe);
	for (i = 0; i < dash.nb_streams; i++) {
		bool reset = c->received[i] < p->received[i];
		uint64_t n = delta(c->lat_count[i], p->lat_count[i]);

		iv->s_packets[i] = delta(c->received[i], p->received[i]);
		iv->s_lost[i] = reset ? (int64_t)c->lost[i] :
				(int64_t)(c->lost[i] - p->lost[i]);
		if (reset || c->lat_count[i] < p->lat_count[i])
			iv->s_lat_avg[i] = n != 0 ? c->lat_sum[i] / n : 0;
		else
			iv->s_lat_avg[i] = n != 0 ? (c->lat_sum[i] - p->lat_sum[i]) / n : 0;
	}
	dash.head = (dash.head + 1) % dash.history;
	if (dash.count < dash.history)
		dash.count++;
}

void
dashboard_tick(void)
{
	uint64_t now = dp_mono_ns(), end;

	pthread_mutex_lock(&dash.lock);
	if (!dash.ready)
		goto out;
	if (!dash.started) {
		dash.mono0 = now;
		dash.real0 = dp_real_ns();
		dash.boundary = now;
		discover_locked();
		sample_locked(&dash.prev);
		dash.started = true;
		goto out;
	}
	if (now < dash.boundary + dash.interval_ns)
		goto out;
	/* the last boundary passed (several if the loop was held up) */
	end = dash.boundary + (now - dash.boundary) / dash.interval_ns * dash.interval_ns;
	discover_locked();
	sample_locked(&dash.cur);
	record_locked(end);
	dash.prev = dash.cur;
	dash.boundary = end;
out:
	pthread_mutex_unlock(&dash.lock);
}

/* ------------------------------------------------------------ JSON */

static json_int_t
ms(uint64_t ns)
{
	return (json_int_t)(ns / 1000000u);
}

/* Slots in stream id order. */
static void
slot_order(uint32_t *order)
{
	uint32_t i, j;

	for (i = 0; i < dash.nb_streams; i++) {
		uint32_t s = i;

		for (j = i; j > 0 && dash.stream_id[order[j - 1]] > dash.stream_id[s]; j--)
			order[j] = order[j - 1];
		order[j] = s;
	}
}

static json_t *
stream_total_json(uint32_t id)
{
	struct stream_report *r = &dash.view;
	double ratio;

	vsnk_stream_view(id, r);	/* zeroed when not seen */
	ratio = r->unique + r->lost > 0 ? (double)r->lost / (double)(r->unique + r->lost) : 0.0;
	return json_pack("{s:I,s:I,s:f,s:{s:I,s:I,s:I,s:I,s:I,s:I}}",
			"rx_packets", (json_int_t)r->received,
			"lost", (json_int_t)r->lost,
			"loss_ratio", ratio,
			"latency_ns",
				"samples", (json_int_t)r->lat_count,
				"min", (json_int_t)r->lat_min,
				"avg", (json_int_t)r->lat_avg,
				"p50", (json_int_t)r->lat_p50,
				"p99", (json_int_t)r->lat_p99,
				"max", (json_int_t)r->lat_max);
}

/* Under lock: the partial interval in progress. */
static json_t *
current_json(const uint32_t *order, uint64_t now_mono)
{
	struct dash_sample *s = &dash.cur;
	json_t *sp = json_array();
	uint32_t i;

	sample_totals(s);
	for (i = 0; i < dash.nb_streams; i++) {
		uint32_t k = order[i];

		json_array_append_new(sp, json_integer((json_int_t)delta(
				vsnk_stream_received(dash.stream_id[k]), dash.prev.received[k])));
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}",
			"start_ms", ms(dash.real0 + (dash.boundary - dash.mono0)),
			"elapsed_ms", ms(now_mono - dash.boundary),
			"packets", (json_int_t)delta(s->packets, dash.prev.packets),
			"bytes", (json_int_t)delta(s->bytes, dash.prev.bytes),
			"probe_packets", (json_int_t)delta(s->probe, dash.prev.probe),
			"stream_packets", sp);
}

json_t *
dashboard_json(uint64_t until_ms, uint32_t last)
{
	uint32_t order[MAXS], i, k, first, n, end;
	json_t *root = NULL, *ivs, *streams;
	uint64_t now_mono = dp_mono_ns();

	pthread_mutex_lock(&dash.lock);
	if (!dash.ready)
		goto out;
	slot_order(order);
	/* the intervals shown: [first, end) of the count held, oldest = 0 */
	first = 0;
	end = dash.count;
	if (until_ms != 0) {
		while (end > 0 && ms(dash.ring[(dash.head + dash.history - dash.count + end - 1) %
				dash.history].end_ns) > (json_int_t)until_ms)
			end--;
	}
	n = last != 0 && last < end ? last : end;
	first = end - n;

	ivs = json_array();
	for (i = first; i < end; i++) {
		const struct dash_interval *iv =
			&dash.ring[(dash.head + dash.history - dash.count + i) % dash.history];

		json_array_append_new(ivs, json_pack("{s:I,s:I,s:I,s:I,s:I}",
				"start_ms", ms(iv->start_ns), "end_ms", ms(iv->end_ns),
				"packets", (json_int_t)iv->packets, "bytes", (json_int_t)iv->bytes,
				"probe_packets", (json_int_t)iv->probe));
	}
	streams = json_array();
	for (k = 0; k < dash.nb_streams; k++) {
		uint32_t slot = order[k];
		json_t *pk = json_array(), *lo = json_array(), *la = json_array();

		for (i = first; i < end; i++) {
			const struct dash_interval *iv = &dash.ring[(dash.head + dash.history -
					dash.count + i) % dash.history];

			json_array_append_new(pk, json_integer((json_int_t)iv->s_packets[slot]));
			json_array_append_new(lo, json_integer((json_int_t)iv->s_lost[slot]));
			json_array_append_new(la, json_integer((json_int_t)iv->s_lat_avg[slot]));
		}
		json_array_append_new(streams, json_pack("{s:i,s:o,s:o,s:o,s:o}",
				"stream", (int)dash.stream_id[slot], "packets", pk, "lost", lo,
				"latency_avg_ns", la,
				"total", stream_total_json(dash.stream_id[slot])));
	}
	root = json_pack("{s:f,s:i,s:I,s:b,s:o,s:o}",
			"interval_s", dash.interval_s,
			"history", (int)dash.history,
			"now_ms", ms(dp_real_ns()),
			"streams_capped", dash.capped,
			"intervals", ivs,
			"streams", streams);
	if (root == NULL)
		goto out;
	if (until_ms != 0)
		json_object_set_new(root, "until_ms", json_integer((json_int_t)until_ms));
	else if (dash.started)
		json_object_set_new(root, "current", current_json(order, now_mono));
out:
	pthread_mutex_unlock(&dash.lock);
	return root;
}

json_t *
dashboard_settings_json(void)
{
	json_t *j;

	pthread_mutex_lock(&dash.lock);
	j = json_pack("{s:f,s:i,s:i}", "interval_s", dash.interval_s,
			"history", (int)dash.history, "max_streams", MAXS);
	pthread_mutex_unlock(&dash.lock);
	return j;
}
