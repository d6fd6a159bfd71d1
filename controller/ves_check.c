/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json_shown.h"
#include "ves_check.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define PATH_LEN 256	/* where a field is: eventList[3].commonEventHeader.sequence */

enum rule_type { R_STRING, R_NUMBER, R_INTEGER, R_OBJECT, R_ARRAY };

enum rule_range {
	R_ANY = 0,
	R_COUNT,	/* 0 .. 2^53 */
	R_POSITIVE,	/* > 0 .. 2^53 */
};

/* The schema versions a field belongs to (a bit each). */
#define V5 1u
#define V7 2u
#define V57 (V5 | V7)

/* One field of an object as the schema describes it. */
struct rule {
	const char *name;
	enum rule_type type;
	bool required;
	const char *const *enums;	/* strings: the allowed values, NULL-terminated */
	enum rule_range range;		/* numbers */
	unsigned int versions;		/* V5, V7 or both */
};

/*
 * An object of one version: the fields of its table in that version, in
 * table order (the first field that fails is the one reported).
 */
struct object_rules {
	const char *what;		/* for messages */
	const struct rule *rules;
	size_t nb_rules;
	unsigned int version;		/* V5 or V7: the rules taken */
	bool closed;			/* additionalProperties: false */
	const char *const *counters;	/* further number fields, R_COUNT (NIC entries) */
};

static const char *const priorities[] = { "High", "Medium", "Normal", "Low", NULL };
static const char *const v5_domains[] = {
	"fault", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other", "sipSignaling",
	"stateChange", "syslog", "thresholdCrossingAlert", "voiceQuality", NULL,
};
static const char *const v7_domains[] = {
	"fault", "heartbeat", "measurement", "mobileFlow", "notification", "other", "perf3gpp",
	"pnfRegistration", "sipSignaling", "stateChange", "stndDefined", "syslog",
	"thresholdCrossingAlert", "voiceQuality", NULL,
};
static const char *const v7_header_versions[] = { "4.0", "4.0.1", "4.1", NULL };
static const char *const v7_listener_versions[] = {
	"7.0", "7.0.1", "7.1", "7.1.1", "7.2", "7.2.1", NULL,
};
static const char *const v7_measurement_versions[] = { "4.0", NULL };
static const char *const true_false[] = { "true", "false", NULL };
static const char *const service_states[] = { "inService", "outOfService", NULL };

/* Each table below serves both versions: a field's own entry per version where they differ. */

static const struct rule header_rules[] = {
	{ "eventId", R_STRING, true, NULL, R_ANY, V57 },
	{ "eventName", R_STRING, true, NULL, R_ANY, V57 },
	{ "eventType", R_STRING, false, NULL, R_ANY, V57 },
	{ "internalHeaderFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "lastEpochMicrosec", R_NUMBER, true, NULL, R_COUNT, V57 },
	{ "nfcNamingCode", R_STRING, false, NULL, R_ANY, V57 },
	{ "nfNamingCode", R_STRING, false, NULL, R_ANY, V57 },
	{ "priority", R_STRING, true, priorities, R_ANY, V57 },
	{ "reportingEntityId", R_STRING, false, NULL, R_ANY, V57 },
	{ "reportingEntityName", R_STRING, true, NULL, R_ANY, V57 },
	{ "sequence", R_INTEGER, true, NULL, R_COUNT, V57 },
	{ "sourceId", R_STRING, false, NULL, R_ANY, V57 },
	{ "sourceName", R_STRING, true, NULL, R_ANY, V57 },
	{ "startEpochMicrosec", R_NUMBER, true, NULL, R_COUNT, V57 },
	{ "domain", R_STRING, true, v5_domains, R_ANY, V5 },
	{ "domain", R_STRING, true, v7_domains, R_ANY, V7 },
	{ "version", R_NUMBER, true, NULL, R_ANY, V5 },
	{ "version", R_STRING, true, v7_header_versions, R_ANY, V7 },
	{ "vesEventListenerVersion", R_STRING, true, v7_listener_versions, R_ANY, V7 },
	{ "nfVendorName", R_STRING, false, NULL, R_ANY, V7 },
	{ "stndDefinedNamespace", R_STRING, false, NULL, R_ANY, V7 },
	{ "timeZoneOffset", R_STRING, false, NULL, R_ANY, V7 },
};

/* the event: its header and one block per domain */
static const struct rule event_rules[] = {
	{ "commonEventHeader", R_OBJECT, true, NULL, R_ANY, V57 },
	{ "faultFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "heartbeatFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "measurementsForVfScalingFields", R_OBJECT, false, NULL, R_ANY, V5 },
	{ "measurementFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "mobileFlowFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "notificationFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "otherFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "perf3gppFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "pnfRegistrationFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "sipSignalingFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "stateChangeFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "stndDefinedFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "syslogFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "thresholdCrossingAlertFields", R_OBJECT, false, NULL, R_ANY, V57 },
	{ "voiceQualityFields", R_OBJECT, false, NULL, R_ANY, V57 },
};

/* the measurement block; the NIC arrays' entries are checked one by one */
static const struct rule measurement_rules[] = {
	{ "additionalFields", R_ARRAY, false, NULL, R_ANY, V5 },
	{ "additionalFields", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "additionalMeasurements", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "additionalObjects", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "codecUsageArray", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "concurrentSessions", R_INTEGER, false, NULL, R_ANY, V57 },
	{ "configuredEntities", R_INTEGER, false, NULL, R_ANY, V57 },
	{ "cpuUsageArray", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "diskUsageArray", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "featureUsageArray", R_ARRAY, false, NULL, R_ANY, V5 },
	{ "featureUsageArray", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "filesystemUsageArray", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "hugePagesArray", R_ARRAY, false, NULL, R_ANY, V7 },
	{ "ipmi", R_OBJECT, false, NULL, R_ANY, V7 },
	{ "latencyDistribution", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "loadArray", R_ARRAY, false, NULL, R_ANY, V7 },
	{ "machineCheckExceptionArray", R_ARRAY, false, NULL, R_ANY, V7 },
	{ "meanRequestLatency", R_NUMBER, false, NULL, R_ANY, V57 },
	{ "measurementInterval", R_NUMBER, true, NULL, R_POSITIVE, V57 },
	{ "measurementsForVfScalingVersion", R_NUMBER, true, NULL, R_ANY, V5 },
	{ "measurementFieldsVersion", R_STRING, true, v7_measurement_versions, R_ANY, V7 },
	{ "memoryUsageArray", R_ARRAY, false, NULL, R_ANY, V57 },
	{ "numberOfMediaPortsInUse", R_INTEGER, false, NULL, R_ANY, V57 },
	{ "requestRate", R_NUMBER, false, NULL, R_ANY, V57 },
	{ "vnfcScalingMetric", R_INTEGER, false, NULL, R_ANY, V5 },
	{ "nfcScalingMetric", R_INTEGER, false, NULL, R_ANY, V7 },
	{ "vNicPerformanceArray", R_ARRAY, false, NULL, R_ANY, V5 },
	/* not in 28.4.1 (ONAP Beijing's agents sent it): read, so checked like vNicPerformance */
	{ "vNicUsageArray", R_ARRAY, false, NULL, R_ANY, V5 },
	{ "nicPerformanceArray", R_ARRAY, false, NULL, R_ANY, V7 },
	{ "processStatsArray", R_ARRAY, false, NULL, R_ANY, V7 },
};

/* the counters of a NIC entry, in both versions */
#define NIC_COUNTERS \
	"receivedBroadcastPacketsAccumulated", "receivedBroadcastPacketsDelta", \
	"receivedDiscardedPacketsAccumulated", "receivedDiscardedPacketsDelta", \
	"receivedErrorPacketsAccumulated", "receivedErrorPacketsDelta", \
	"receivedMulticastPacketsAccumulated", "receivedMulticastPacketsDelta", \
	"receivedOctetsAccumulated", "receivedOctetsDelta", \
	"receivedTotalPacketsAccumulated", "receivedTotalPacketsDelta", \
	"receivedUnicastPacketsAccumulated", "receivedUnicastPacketsDelta", \
	"transmittedBroadcastPacketsAccumulated", "transmittedBroadcastPacketsDelta", \
	"transmittedDiscardedPacketsAccumulated", "transmittedDiscardedPacketsDelta", \
	"transmittedErrorPacketsAccumulated", "transmittedErrorPacketsDelta", \
	"transmittedMulticastPacketsAccumulated", "transmittedMulticastPacketsDelta", \
	"transmittedOctetsAccumulated", "transmittedOctetsDelta", \
	"transmittedTotalPacketsAccumulated", "transmittedTotalPacketsDelta", \
	"transmittedUnicastPacketsAccumulated", "transmittedUnicastPacketsDelta"

static const char *const v5_nic_counters[] = { NIC_COUNTERS, NULL };
static const char *const v7_nic_counters[] = {
	NIC_COUNTERS,
	"receivedPercentDiscard", "receivedPercentError", "receivedUtilization", "speed",
	"transmittedPercentDiscard", "transmittedPercentError", "transmittedUtilization", NULL,
};

static const struct rule nic_rules[] = {
	{ "vNicIdentifier", R_STRING, true, NULL, R_ANY, V5 },
	{ "nicIdentifier", R_STRING, true, NULL, R_ANY, V7 },
	{ "valuesAreSuspect", R_STRING, true, true_false, R_ANY, V57 },
	{ "administrativeState", R_STRING, false, service_states, R_ANY, V7 },
	{ "operationalState", R_STRING, false, service_states, R_ANY, V7 },
};

#define RULES(what, table, version, closed, counters) \
	{ what, table, ARRAY_LEN(table), version, closed, counters }

/* v5 objects allow other fields (no additionalProperties in 28.4.1); v7's do not */
static const struct object_rules schema_v5[] = {
	RULES("event", event_rules, V5, false, NULL),
	RULES("commonEventHeader", header_rules, V5, false, NULL),
	RULES("measurementsForVfScalingFields", measurement_rules, V5, false, NULL),
	RULES("vNicPerformance", nic_rules, V5, false, v5_nic_counters),
};

static const struct object_rules schema_v7[] = {
	RULES("event", event_rules, V7, true, NULL),
	RULES("commonEventHeader", header_rules, V7, true, NULL),
	RULES("measurementFields", measurement_rules, V7, true, NULL),
	RULES("nicPerformance", nic_rules, V7, true, v7_nic_counters),
};

enum { S_EVENT, S_HEADER, S_MEASUREMENT, S_NIC };

static int __attribute__((format(printf, 3, 4)))
failf(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A field's path, cut if too long (messages only). */
static void __attribute__((format(printf, 3, 4)))
path_at(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

bool
ves_check_count(const json_t *v)
{
	double d;

	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	return isfinite(d) && d >= 0 && d <= VES_CHECK_MAX_COUNT;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *
type_name(enum rule_type t)
{
	static const char *const names[] = {
		[R_STRING] = "a string", [R_NUMBER] = "a number", [R_INTEGER] = "an integer",
		[R_OBJECT] = "an object", [R_ARRAY] = "an array",
	};
	return names[t];
}

static bool
type_matches(const json_t *v, enum rule_type t)
{
	switch (t) {
	case R_STRING: return json_is_string(v);
	case R_NUMBER: return json_is_number(v);
	case R_INTEGER: return json_is_integer(v);
	case R_OBJECT: return json_is_object(v);
	case R_ARRAY: return json_is_array(v);
	}
	return false;
}

/* One present field against its rule. */
static int
check_value(const json_t *v, const struct rule *r, const char *path, char *why, size_t whylen)
{
	char buf[48];

	if (!type_matches(v, r->type))
		return failf(why, whylen, "%s: must be %s, got %s", path, type_name(r->type),
			     json_shown(v, buf, sizeof(buf)));
	if (r->enums != NULL && !in_list(json_string_value(v), r->enums))
		return failf(why, whylen, "%s: not an allowed value: %s", path,
			     json_shown(v, buf, sizeof(buf)));
	if (r->range != R_ANY && !ves_check_count(v))
		return failf(why, whylen, "%s: must be a number from 0 to 2^53, got %s", path,
			     json_shown(v, buf, sizeof(buf)));
	if (r->range == R_POSITIVE && json_number_value(v) <= 0)
		return failf(why, whylen, "%s: must be above 0, got %s", path,
			     json_shown(v, buf, sizeof(buf)));
	return 0;
}

static const struct rule *
find_rule(const struct object_rules *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->nb_rules; i++)
		if ((o->rules[i].versions & o->version) != 0 && strcmp(o->rules[i].name, key) == 0)
			return &o->rules[i];
	return NULL;
}

static int
check_counters(const json_t *obj, const char *const *names, const char *where, char *why,
		size_t whylen)
{
	static const struct rule counter = { "", R_NUMBER, false, NULL, R_COUNT, V57 };
	char path[PATH_LEN];
	const json_t *v;

	for (; names != NULL && *names != NULL; names++) {
		v = json_object_get(obj, *names);
		path_at(path, sizeof(path), "%s.%s", where, *names);
		if (v != NULL && check_value(v, &counter, path, why, whylen) != 0)
			return -EINVAL;
	}
	return 0;
}

/* An object against its rules: required fields, types, and (closed) no other field. */
static int
check_object(const json_t *obj, const struct object_rules *o, const char *where, char *why,
		size_t whylen)
{
	char path[PATH_LEN], buf[48];
	const char *key;
	const json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return failf(why, whylen, "%s: must be an object (%s), got %s", where, o->what,
			     json_shown(obj, buf, sizeof(buf)));
	for (i = 0; i < o->nb_rules; i++) {
		const struct rule *r = &o->rules[i];

		if ((r->versions & o->version) == 0)
			continue;
		v = json_object_get(obj, r->name);
		path_at(path, sizeof(path), "%s.%s", where, r->name);
		if (v == NULL && r->required)
			return failf(why, whylen, "%s: required field missing", path);
		if (v != NULL && check_value(v, r, path, why, whylen) != 0)
			return -EINVAL;
	}
	if (check_counters(obj, o->counters, where, why, whylen) != 0)
		return -EINVAL;
	if (!o->closed)
		return 0;
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (find_rule(o, key) == NULL && (o->counters == NULL || !in_list(key, o->counters)))
			return failf(why, whylen, "%s: '%.64s' is not a field of %s", where, key,
				     o->what);
	}
	return 0;
}

static int
check_nic_array(const json_t *arr, const struct object_rules *nic, const char *where, char *why,
		size_t whylen)
{
	char path[PATH_LEN];
	const json_t *e;
	size_t i;

	json_array_foreach(arr, i, e) {
		path_at(path, sizeof(path), "%s[%zu]", where, i);
		if (check_object(e, nic, path, why, whylen) != 0)
			return -EINVAL;
	}
	return 0;
}

static int
check_measurement(const json_t *event, const struct object_rules *schema, const char *where,
		char *why, size_t whylen)
{
	const char *block = schema[S_MEASUREMENT].what;
	static const char *const arrays[] = {
		"vNicPerformanceArray", "vNicUsageArray", "nicPerformanceArray", NULL,
	};
	const json_t *fields = json_object_get(event, block), *arr;
	char path[PATH_LEN], apath[PATH_LEN];
	const char *const *a;

	if (fields == NULL)
		return 0;	/* optional in the schema; the TCA says whether it needs it */
	path_at(path, sizeof(path), "%s.%s", where, block);
	if (check_object(fields, &schema[S_MEASUREMENT], path, why, whylen) != 0)
		return -EINVAL;
	for (a = arrays; *a != NULL; a++) {
		arr = json_object_get(fields, *a);
		path_at(apath, sizeof(apath), "%s.%s", path, *a);
		if (arr != NULL && check_nic_array(arr, &schema[S_NIC], apath, why, whylen) != 0)
			return -EINVAL;
	}
	return 0;
}

/* What the schema does not say but acting on the event needs. */
static int
check_header_sanity(const json_t *hdr, const char *where, char *why, size_t whylen)
{
	const char *source = json_string_value(json_object_get(hdr, "sourceName"));
	double start = json_number_value(json_object_get(hdr, "startEpochMicrosec"));
	double last = json_number_value(json_object_get(hdr, "lastEpochMicrosec"));

	if (source[0] == '\0' || strlen(source) >= VES_CHECK_MAX_NAME)
		return failf(why, whylen, "%s.commonEventHeader.sourceName: must be 1 to %d bytes",
			     where, VES_CHECK_MAX_NAME - 1);
	if (last < start)
		return failf(why, whylen,
			     "%s.commonEventHeader: lastEpochMicrosec (%.0f) is before startEpochMicrosec (%.0f)",
			     where, last, start);
	return 0;
}

int
ves_check_event(const json_t *event, int version, const char *where, char *why, size_t whylen)
{
	const struct object_rules *schema = version == 7 ? schema_v7 : schema_v5;
	const json_t *hdr = json_object_get(event, "commonEventHeader");
	char path[PATH_LEN];

	if (version != 5 && version != 7)
		return failf(why, whylen, "VES version %d: only 5 and 7", version);
	if (check_object(event, &schema[S_EVENT], where, why, whylen) != 0)
		return -EINVAL;
	path_at(path, sizeof(path), "%s.commonEventHeader", where);
	if (check_object(hdr, &schema[S_HEADER], path, why, whylen) != 0 ||
	    check_header_sanity(hdr, where, why, whylen) != 0)
		return -EINVAL;
	return check_measurement(event, schema, where, why, whylen);
}

int
ves_check_body(const json_t *body, int version, bool batch, char *why, size_t whylen)
{
	const json_t *ev = json_object_get(body, "event"), *list = json_object_get(body, "eventList");
	char where[32], buf[48];
	const json_t *e;
	size_t i;

	if (!json_is_object(body))
		return failf(why, whylen, "the body must be a JSON object, got %s",
			     json_shown(body, buf, sizeof(buf)));
	if (!batch) {
		if (ev == NULL)
			return failf(why, whylen, "body: expected {\"event\": {...}}%s",
				     list != NULL ? " (an eventList goes to .../eventBatch)" : "");
		if (list != NULL)
			return failf(why, whylen, "body: both \"event\" and \"eventList\"");
		return ves_check_event(ev, version, "event", why, whylen);
	}
	if (list == NULL)
		return failf(why, whylen, "body: expected {\"eventList\": [...]}%s",
			     ev != NULL ? " (a single event goes to /eventListener/vN)" : "");
	if (ev != NULL)
		return failf(why, whylen, "body: both \"event\" and \"eventList\"");
	if (!json_is_array(list))
		return failf(why, whylen, "eventList: must be an array of events, got %s",
			     json_shown(list, buf, sizeof(buf)));
	if (json_array_size(list) == 0 || json_array_size(list) > VES_CHECK_MAX_EVENTS)
		return failf(why, whylen, "eventList: %zu events, expected 1 to %d",
			     json_array_size(list), VES_CHECK_MAX_EVENTS);
	json_array_foreach(list, i, e) {
		snprintf(where, sizeof(where), "eventList[%zu]", i);
		if (ves_check_event(e, version, where, why, whylen) != 0)
			return -EINVAL;
	}
	return 0;
}
