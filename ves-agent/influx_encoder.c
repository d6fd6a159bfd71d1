/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The InfluxDB encoder (ves_encoder.h): one queued item is the interval's
 * points in line protocol, all stamped with the interval's end (ns).
 *
 *   port      tags binary, instance, port; per port the interval's deltas
 *             rx_packets, rx_bytes, tx_packets, tx_bytes, dropped (by the
 *             binary), rx_missed (by the port, driver imissed), the totals
 *             <name>_total, link_up and suspect (a total went backwards)
 *   rule      tags binary, instance, rule (its index); hits, bytes (totals),
 *             action, text: from the stats JSON's "rules" (vfw)
 *   sessions  tags binary, instance; active and one field per state from
 *             "sessions" (vfw)
 *   stream    tags binary, instance, stream (+ name when the stream has one);
 *             every number of a "streams" element and of its objects one
 *             level down (vsnk: rx_packets, lost, duplicates, reordered,
 *             latency_ns_min/avg/p50/p99/p999/max; vpkg: tx_packets, rate ...)
 *
 * The extra measurements come from the binary's stats JSON (ves_source
 * snapshot), the same builder the stats file and REST use: no second list
 * of counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "influx_line.h"
#include "ves_encoder.h"

#define NS_PER_US UINT64_C(1000)

/* The tags every point has. */
static void
common_tags(struct influx_line *l, const struct ves_event_meta *m)
{
	influx_line_tag(l, "binary", m->nf_name);
	influx_line_tag(l, "instance", m->source_name);
}

static void
port_points(struct dp_buf *b, const struct ves_event_meta *m, const struct ves_interval *iv,
		uint64_t ts)
{
	unsigned int i;

	for (i = 0; i < iv->nb_ports; i++) {
		const struct ves_port_delta *d = &iv->ports[i];
		struct influx_line l;

		influx_line_begin(&l, b, "port");
		common_tags(&l, m);
		influx_line_tag(&l, "port", d->name);
		influx_line_field_u64(&l, "rx_packets", d->rx_packets);
		influx_line_field_u64(&l, "rx_bytes", d->rx_bytes);
		influx_line_field_u64(&l, "tx_packets", d->tx_packets);
		influx_line_field_u64(&l, "tx_bytes", d->tx_bytes);
		influx_line_field_u64(&l, "dropped", d->dropped);
		influx_line_field_u64(&l, "rx_missed", d->rx_missed);
		influx_line_field_u64(&l, "rx_packets_total", d->rx_packets_total);
		influx_line_field_u64(&l, "rx_bytes_total", d->rx_bytes_total);
		influx_line_field_u64(&l, "tx_packets_total", d->tx_packets_total);
		influx_line_field_u64(&l, "tx_bytes_total", d->tx_bytes_total);
		influx_line_field_u64(&l, "dropped_total", d->dropped_total);
		influx_line_field_u64(&l, "rx_missed_total", d->rx_missed_total);
		influx_line_field_bool(&l, "link_up", d->link_up);
		influx_line_field_bool(&l, "suspect", d->suspect);
		influx_line_end(&l, ts);
	}
}

/* A JSON number as a field (negative integers as floats); others ignored. */
static void
number_field(struct influx_line *l, const char *key, json_t *v)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		influx_line_field_u64(l, key, (uint64_t)json_integer_value(v));
	else if (json_is_number(v))
		influx_line_field_f64(l, key, json_number_value(v));
}

/* The numbers of obj, and of its objects one level down as <key>_<sub>. */
static void
number_fields(struct influx_line *l, json_t *obj, const char *skip)
{
	const char *k, *k2;
	json_t *v, *v2;

	json_object_foreach(obj, k, v) {
		if (skip != NULL && strcmp(k, skip) == 0)
			continue;
		if (!json_is_object(v)) {
			number_field(l, k, v);
			continue;
		}
		json_object_foreach(v, k2, v2) {
			char name[128];

			snprintf(name, sizeof(name), "%s_%s", k, k2);
			number_field(l, name, v2);
		}
	}
}

static void
rule_points(struct dp_buf *b, const struct ves_event_meta *m, json_t *rules, uint64_t ts)
{
	size_t i;
	json_t *r;

	json_array_foreach(rules, i, r) {
		struct influx_line l;

		if (!json_is_object(r))
			continue;
		influx_line_begin(&l, b, "rule");
		common_tags(&l, m);
		influx_line_tag_u64(&l, "rule", json_is_integer(json_object_get(r, "index")) ?
				(uint64_t)json_integer_value(json_object_get(r, "index")) : i);
		number_field(&l, "hits", json_object_get(r, "packets"));
		number_field(&l, "bytes", json_object_get(r, "bytes"));
		if (json_is_string(json_object_get(r, "action")))
			influx_line_field_str(&l, "action",
					json_string_value(json_object_get(r, "action")));
		if (json_is_string(json_object_get(r, "rule")))
			influx_line_field_str(&l, "text", json_string_value(json_object_get(r, "rule")));
		influx_line_end(&l, ts);
	}
}

static void
session_points(struct dp_buf *b, const struct ves_event_meta *m, json_t *s, uint64_t ts)
{
	json_t *states = json_object_get(s, "states");
	struct influx_line l;
	const char *k;
	json_t *v;

	influx_line_begin(&l, b, "sessions");
	common_tags(&l, m);
	number_field(&l, "active", json_object_get(s, "active"));
	if (json_is_object(states))
		json_object_foreach(states, k, v)
			number_field(&l, k, v);
	influx_line_end(&l, ts);
}

static void
stream_points(struct dp_buf *b, const struct ves_event_meta *m, json_t *streams,
		uint64_t ts)
{
	size_t i;
	json_t *s;

	json_array_foreach(streams, i, s) {
		/* vsnk names the id "stream", vpkg "id" */
		const char *id_key = json_object_get(s, "stream") != NULL ? "stream" : "id";
		json_t *id = json_object_get(s, id_key);
		json_t *name = json_object_get(s, "name");
		struct influx_line l;

		if (!json_is_object(s) || !json_is_integer(id))
			continue;
		influx_line_begin(&l, b, "stream");
		common_tags(&l, m);
		influx_line_tag_u64(&l, "stream", (uint64_t)json_integer_value(id));
		if (json_is_string(name))
			influx_line_tag(&l, "name", json_string_value(name));
		number_fields(&l, s, id_key);
		influx_line_end(&l, ts);
	}
}

static char *
measurement(const struct ves_event_meta *m, const struct ves_interval *iv)
{
	uint64_t ts = iv->end_us * NS_PER_US;
	json_t *snap = iv->snapshot;
	struct dp_buf b;
	size_t len;

	dp_buf_init(&b);
	port_points(&b, m, iv, ts);
	if (json_is_array(json_object_get(snap, "rules")))
		rule_points(&b, m, json_object_get(snap, "rules"), ts);
	if (json_is_object(json_object_get(snap, "sessions")))
		session_points(&b, m, json_object_get(snap, "sessions"), ts);
	if (json_is_array(json_object_get(snap, "streams")))
		stream_points(&b, m, json_object_get(snap, "streams"), ts);
	return dp_buf_steal(&b, &len);
}

/* Items are whole lines: the body is their concatenation. */
static char *
body(const char **items, unsigned int n, size_t *len)
{
	size_t total = 1, off = 0;
	unsigned int i;
	char *b;

	for (i = 0; i < n; i++)
		total += strlen(items[i]);
	b = malloc(total);
	if (b == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t l = strlen(items[i]);

		memcpy(b + off, items[i], l);
		off += l;
	}
	b[off] = '\0';
	*len = off;
	return b;
}

static const char *
endpoint(const struct ves_config *cfg, unsigned int n)
{
	(void)n;
	return cfg->endpoint;
}

const struct ves_encoder influx_encoder = {
	.name = "InfluxDB",
	.content_type = "text/plain; charset=utf-8",
	.wants_snapshot = true,
	.measurement = measurement,
	.body = body,
	.endpoint = endpoint,
};
