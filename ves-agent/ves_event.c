/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>

#include "ves_event.h"

#define V5_HEADER_VERSION 3.0
#define V5_MEAS_VERSION 2.1
#define V5_HEARTBEAT_VERSION 1.0
#define V5_FAULT_VERSION 2.0
#define V7_HEADER_VERSION "4.1"
#define V7_LISTENER_VERSION "7.1"
#define V7_MEAS_VERSION "4.0"
#define V7_HEARTBEAT_VERSION "3.0"
#define V7_FAULT_VERSION "4.0"

void
ves_event_id(const struct ves_event_meta *m, const char *kind, uint64_t seq, char *out,
		size_t outlen)
{
	snprintf(out, outlen, "%s_%" PRIu64 "_%" PRIu64, kind, m->instance, seq);
}

static json_t *
jint(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* A version number: a JSON number in v5, a string in v7. */
static json_t *
jversion(const struct ves_event_meta *m, double v5, const char *v7)
{
	return m->version == 5 ? json_real(v5) : json_string(v7);
}

static json_t *
header(const struct ves_event_meta *m, const char *domain, const char *name,
		const char *event_id, uint64_t seq, const char *priority, uint64_t start_us,
		uint64_t end_us)
{
	json_t *h = json_object();

	json_object_set_new(h, "domain", json_string(domain));
	json_object_set_new(h, "eventId", json_string(event_id));
	json_object_set_new(h, "eventName", json_string(name));
	json_object_set_new(h, "sequence", jint(seq));
	json_object_set_new(h, "priority", json_string(priority));
	json_object_set_new(h, "sourceName", json_string(m->source_name));
	json_object_set_new(h, "reportingEntityName", json_string(m->reporting_entity));
	json_object_set_new(h, "startEpochMicrosec", jint(start_us));
	json_object_set_new(h, "lastEpochMicrosec", jint(end_us));
	json_object_set_new(h, "version", jversion(m, V5_HEADER_VERSION, V7_HEADER_VERSION));
	if (m->version == 7)
		json_object_set_new(h, "vesEventListenerVersion", json_string(V7_LISTENER_VERSION));
	return h;
}

static json_t *
event_new(json_t *hdr, const char *fields_key, json_t *fields)
{
	json_t *ev = json_object();

	json_object_set_new(ev, "commonEventHeader", hdr);
	json_object_set_new(ev, fields_key, fields);
	return ev;
}

/* Seconds: an integer for whole seconds, else a real. */
static json_t *
jseconds(uint64_t us)
{
	if (us % 1000000 == 0)
		return jint(us / 1000000);
	return json_real((double)us / 1e6);
}

/* The fields of one NIC both performance arrays share. */
static json_t *
nic_performance(const struct ves_port_delta *p, const char *id_key)
{
	json_t *o = json_object();

	json_object_set_new(o, id_key, json_string(p->name));
	json_object_set_new(o, "valuesAreSuspect", json_string(p->suspect ? "true" : "false"));
	json_object_set_new(o, "receivedTotalPacketsDelta", jint(p->rx_packets));
	json_object_set_new(o, "receivedOctetsDelta", jint(p->rx_bytes));
	json_object_set_new(o, "transmittedTotalPacketsDelta", jint(p->tx_packets));
	json_object_set_new(o, "transmittedOctetsDelta", jint(p->tx_bytes));
	json_object_set_new(o, "receivedTotalPacketsAccumulated", jint(p->rx_packets_total));
	json_object_set_new(o, "receivedOctetsAccumulated", jint(p->rx_bytes_total));
	json_object_set_new(o, "transmittedTotalPacketsAccumulated", jint(p->tx_packets_total));
	json_object_set_new(o, "transmittedOctetsAccumulated", jint(p->tx_bytes_total));
	/* what the port dropped before the binary saw it (its rx queues were full) */
	json_object_set_new(o, "receivedDiscardedPacketsDelta", jint(p->rx_missed));
	json_object_set_new(o, "receivedDiscardedPacketsAccumulated", jint(p->rx_missed_total));
	return o;
}

/* vNicUsageArray as ONAP Beijing's vFW sent it (../shared/samples). */
static json_t *
nic_usage(const struct ves_port_delta *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "vNicIdentifier", json_string(p->name));
	json_object_set_new(o, "valuesAreSuspect", json_string(p->suspect ? "true" : "false"));
	json_object_set_new(o, "receivedTotalPacketsDelta", jint(p->rx_packets));
	json_object_set_new(o, "receivedOctetsDelta", jint(p->rx_bytes));
	json_object_set_new(o, "transmittedTotalPacketsDelta", jint(p->tx_packets));
	json_object_set_new(o, "transmittedOctetsDelta", jint(p->tx_bytes));
	return o;
}

/* One name/value of an XDP group: v5 a field of "measurements", v7 a hashMap entry. */
static void
xdp_put(json_t *group, unsigned int version, const char *name, const char *value)
{
	if (version == 5)
		json_array_append_new(group, json_pack("{s:s, s:s}", "name", name, "value", value));
	else
		json_object_set_new(group, name, json_string(value));
}

static void
xdp_put_u64(json_t *group, unsigned int version, const char *name, uint64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, v);
	xdp_put(group, version, name, text);
}

/*
 * The XDP counters of port p (our steering program): the verdicts in the
 * interval and their totals, the totals per rx queue and per rule.
 */
static json_t *
xdp_group(unsigned int version, const struct ves_port_delta *p)
{
	const struct dp_xdp_stats *x = &p->xdp;
	json_t *g = version == 5 ? json_array() : json_object();
	char name[VES_PORT_NAME_LEN + 8], key[48];
	unsigned int k;

	xdp_put_u64(g, version, "redirectedDelta", p->xdp_redirected);
	xdp_put_u64(g, version, "passedDelta", p->xdp_passed);
	xdp_put_u64(g, version, "noSocketDelta", p->xdp_no_socket);
	xdp_put_u64(g, version, "redirectedAccumulated", x->redirected);
	xdp_put_u64(g, version, "passedAccumulated", x->passed);
	xdp_put_u64(g, version, "noSocketAccumulated", x->no_socket);
	for (k = 0; k < x->nb_queues && k < DP_VIEW_XDP_QUEUES; k++) {
		snprintf(key, sizeof(key), "queue%u.redirectedAccumulated", x->queues[k].queue);
		xdp_put_u64(g, version, key, x->queues[k].redirected);
		snprintf(key, sizeof(key), "queue%u.passedAccumulated", x->queues[k].queue);
		xdp_put_u64(g, version, key, x->queues[k].passed);
		snprintf(key, sizeof(key), "queue%u.noSocketAccumulated", x->queues[k].queue);
		xdp_put_u64(g, version, key, x->queues[k].no_socket);
	}
	for (k = 0; k < x->nb_rules && k < DP_VIEW_XDP_RULES; k++) {
		snprintf(key, sizeof(key), "rule%u", k);
		xdp_put(g, version, key, x->rules[k].rule);
		snprintf(key, sizeof(key), "rule%u.packetsAccumulated", k);
		xdp_put_u64(g, version, key, x->rules[k].packets);
	}
	snprintf(name, sizeof(name), "xdp:%s", p->name);
	return version == 5 ? json_pack("{s:s, s:o}", "name", name, "measurements", g)
			    : json_pack("{s:s, s:o}", "name", name, "hashMap", g);
}

/* additionalMeasurements: one group per port with our XDP program (none: not set). */
static void
add_xdp_groups(json_t *fields, unsigned int version, const struct ves_port_delta *ports,
		unsigned int n)
{
	json_t *arr = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!ports[i].has_xdp)
			continue;
		if (arr == NULL)
			arr = json_array();
		json_array_append_new(arr, xdp_group(version, &ports[i]));
	}
	if (arr != NULL)
		json_object_set_new(fields, "additionalMeasurements", arr);
}

static json_t *
measurement_v5(const struct ves_event_meta *m, uint64_t span_us,
		const struct ves_port_delta *ports, unsigned int n)
{
	json_t *f = json_object(), *perf = NULL, *usage = NULL;
	unsigned int i;

	json_object_set_new(f, "measurementInterval", jseconds(span_us));
	json_object_set_new(f, "measurementsForVfScalingVersion", json_real(V5_MEAS_VERSION));
	if (m->nic_array != VES_NIC_USAGE)
		perf = json_array();
	if (m->nic_array != VES_NIC_PERFORMANCE)
		usage = json_array();
	for (i = 0; i < n; i++) {
		if (perf != NULL)
			json_array_append_new(perf, nic_performance(&ports[i], "vNicIdentifier"));
		if (usage != NULL)
			json_array_append_new(usage, nic_usage(&ports[i]));
	}
	if (perf != NULL)
		json_object_set_new(f, "vNicPerformanceArray", perf);
	if (usage != NULL)
		json_object_set_new(f, "vNicUsageArray", usage);
	add_xdp_groups(f, 5, ports, n);
	return f;
}

static json_t *
measurement_v7(uint64_t span_us, const struct ves_port_delta *ports, unsigned int n)
{
	json_t *f = json_object(), *arr = json_array();
	unsigned int i;

	json_object_set_new(f, "measurementInterval", jseconds(span_us));
	json_object_set_new(f, "measurementFieldsVersion", json_string(V7_MEAS_VERSION));
	for (i = 0; i < n; i++) {
		json_t *o = nic_performance(&ports[i], "nicIdentifier");

		json_object_set_new(o, "administrativeState", json_string("inService"));
		json_object_set_new(o, "operationalState",
				json_string(ports[i].link_up ? "inService" : "outOfService"));
		json_array_append_new(arr, o);
	}
	json_object_set_new(f, "nicPerformanceArray", arr);
	add_xdp_groups(f, 7, ports, n);
	return f;
}

json_t *
ves_event_measurement(const struct ves_event_meta *m, uint64_t seq, uint64_t start_us,
		uint64_t end_us, const struct ves_port_delta *ports, unsigned int nb_ports)
{
	char id[VES_EVENT_ID_LEN];
	uint64_t span = end_us > start_us ? end_us - start_us : 0;
	json_t *hdr;

	ves_event_id(m, "TrafficStats", seq, id, sizeof(id));
	if (m->version == 5) {
		hdr = header(m, "measurementsForVfScaling", m->event_name, id, seq, "Normal",
				start_us, end_us);
		return event_new(hdr, "measurementsForVfScalingFields",
				measurement_v5(m, span, ports, nb_ports));
	}
	hdr = header(m, "measurement", m->event_name, id, seq, "Normal", start_us, end_us);
	return event_new(hdr, "measurementFields", measurement_v7(span, ports, nb_ports));
}

json_t *
ves_event_heartbeat(const struct ves_event_meta *m, uint64_t seq, uint64_t now_us,
		uint32_t interval_s, const char *state)
{
	char id[VES_EVENT_ID_LEN], name[VES_NAME_MAX + 16];
	json_t *f = json_object();

	ves_event_id(m, "Heartbeat", seq, id, sizeof(id));
	snprintf(name, sizeof(name), "Heartbeat_%s", m->nf_name);
	json_object_set_new(f, "heartbeatFieldsVersion",
			jversion(m, V5_HEARTBEAT_VERSION, V7_HEARTBEAT_VERSION));
	json_object_set_new(f, "heartbeatInterval", json_integer(interval_s));
	if (state != NULL)
		json_object_set_new(f, "additionalFields", m->version == 5 ?
				json_pack("[{s:s, s:s}]", "name", "state", "value", state) :
				json_pack("{s:s}", "state", state));
	return event_new(header(m, "heartbeat", name, id, seq, "Normal", now_us, now_us),
			"heartbeatFields", f);
}

json_t *
ves_event_fault(const struct ves_event_meta *m, uint64_t seq, const char *event_id,
		uint64_t start_us, uint64_t now_us, const char *port, bool cleared)
{
	char name[VES_NAME_MAX + 32], problem[VES_PORT_NAME_LEN + 32];
	json_t *f = json_object();

	snprintf(name, sizeof(name), "Fault_%s_linkDown", m->nf_name);
	snprintf(problem, sizeof(problem), "Link down on port %s", port);
	json_object_set_new(f, "faultFieldsVersion",
			jversion(m, V5_FAULT_VERSION, V7_FAULT_VERSION));
	json_object_set_new(f, "alarmCondition", json_string("linkDown"));
	json_object_set_new(f, "eventCategory", json_string("link"));
	json_object_set_new(f, "eventSeverity", json_string(cleared ? "NORMAL" : "MAJOR"));
	json_object_set_new(f, "eventSourceType", json_string("port"));
	json_object_set_new(f, "specificProblem", json_string(problem));
	json_object_set_new(f, "alarmInterfaceA", json_string(port));
	json_object_set_new(f, "vfStatus", json_string("Active"));
	return event_new(header(m, "fault", name, event_id, seq, cleared ? "Normal" : "High",
			start_us, now_us), "faultFields", f);
}

char *
ves_event_dump(const json_t *event)
{
	return json_dumps(event, JSON_COMPACT | JSON_REAL_PRECISION(10));
}
