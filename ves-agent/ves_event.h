/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VES event builders, v5 (CommonEventFormat 28.4.1, ONAP's vFW) and v7
 * (CommonEventFormat 30.2.1). Each returns the event object, i.e. the value of
 * "event" in {"event": {...}} or one element of "eventList":
 *   {"commonEventHeader": {...}, "<domain>Fields": {...}}
 *
 * Header: domain, eventId, eventName, sequence, priority, sourceName,
 * reportingEntityName, startEpochMicrosec, lastEpochMicrosec, version (3.0
 * for v5; "4.1" plus vesEventListenerVersion "7.1" for v7).
 *
 * eventId: "<kind>_<instance>_<sequence>" where kind is TrafficStats,
 * Heartbeat or Fault and instance the agent's start time in microseconds, so
 * ids are unique across restarts. Following the VES event listener spec, the
 * clear of a fault carries its onset's eventId and startEpochMicrosec (with a
 * new sequence); every other event has its own eventId.
 *
 * Thread safety: pure functions (jansson objects owned by the caller).
 */
#ifndef VES_EVENT_H
#define VES_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ves_config.h"
#include "ves_delta.h"

#define VES_EVENT_ID_LEN 96

/* What every event of one agent shares. */
struct ves_event_meta {
	unsigned int version;		/* 5 or 7 */
	const char *source_name;
	const char *reporting_entity;
	const char *event_name;		/* measurements */
	const char *nf_name;		/* "vfw": Heartbeat_vfw, Fault_vfw_linkDown */
	enum ves_nic_array nic_array;	/* v5 */
	uint64_t instance;		/* eventId part: agent start, us */
};

/* eventId of kind ("TrafficStats", "Heartbeat", "Fault") for seq. */
void ves_event_id(const struct ves_event_meta *m, const char *kind, uint64_t seq, char *out,
		size_t outlen);

/*
 * Measurement over [start_us, end_us]: v5 measurementsForVfScalingFields with
 * vNicPerformanceArray (and/or vNicUsageArray), v7 measurementFields with
 * nicPerformanceArray; per port the packets and octets received and
 * transmitted in the interval (…Delta) and the totals (…Accumulated). Ports
 * with our XDP program add a group "xdp:NIC" to additionalMeasurements (v5
 * measurementGroup name/measurements, v7 namedHashMap name/hashMap, values as
 * strings): redirected/passed/noSocket Delta and Accumulated,
 * queueN.<verdict>Accumulated per rx queue that saw a frame, ruleK (its text)
 * and ruleK.packetsAccumulated.
 */
json_t *ves_event_measurement(const struct ves_event_meta *m, uint64_t seq, uint64_t start_us,
		uint64_t end_us, const struct ves_port_delta *ports, unsigned int nb_ports);

/*
 * Heartbeat at now_us, announcing the next one within interval_s; state (the
 * lifecycle state: "running", "paused", ...; NULL = not said) goes into
 * additionalFields as "state" (v5: a name/value field, v7: a hashMap entry).
 */
json_t *ves_event_heartbeat(const struct ves_event_meta *m, uint64_t seq, uint64_t now_us,
		uint32_t interval_s, const char *state);

/*
 * Link fault of port: onset (cleared = false, severity MAJOR) or clear
 * (severity NORMAL). event_id and start_us are the onset's.
 */
json_t *ves_event_fault(const struct ves_event_meta *m, uint64_t seq, const char *event_id,
		uint64_t start_us, uint64_t now_us, const char *port, bool cleared);

/* Serialise an event object compactly (malloc'd string, or NULL). */
char *ves_event_dump(const json_t *event);

#endif /* VES_EVENT_H */
