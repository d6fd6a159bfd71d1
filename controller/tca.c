/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tca.h"
#include "ves_check.h"

const char *
tca_verdict_name(enum tca_verdict v)
{
	switch (v) {
	case TCA_NORMAL:
		return "normal";
	case TCA_LOW:
		return "low";
	case TCA_HIGH:
		return "high";
	case TCA_SKIPPED:
		return "skipped";
	case TCA_UNREADABLE:
		return "unreadable";
	default:
		return "ignored";
	}
}

static void __attribute__((format(printf, 3, 4)))
not_evaluated(struct tca_reading *r, enum tca_verdict v, const char *fmt, ...)
{
	va_list ap;

	r->verdict = v;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* The vNIC entry: the one named by the policy, or the first. */
static const json_t *
pick_vnic(const json_t *arr, const char *id_key, const char *want)
{
	size_t i;
	const json_t *e;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return NULL;
	if (want[0] == '\0')
		return json_array_get(arr, 0);
	json_array_foreach(arr, i, e) {
		const char *id = json_string_value(json_object_get(e, id_key));

		if (id != NULL && strcmp(id, want) == 0)
			return e;
	}
	return NULL;
}

void
tca_evaluate(const struct policy *p, const json_t *event, struct tca_reading *r)
{
	const json_t *hdr = json_object_get(event, "commonEventHeader");
	const json_t *fields, *arr, *nic, *value;
	const char *name, *domain, *id_key, *block, *arr_name;

	memset(r, 0, sizeof(*r));
	r->sequence = -1;
	if (!json_is_object(hdr))
		return not_evaluated(r, TCA_IGNORED, "no commonEventHeader");
	name = json_string_value(json_object_get(hdr, "eventName"));
	domain = json_string_value(json_object_get(hdr, "domain"));
	if (json_is_integer(json_object_get(hdr, "sequence")))
		r->sequence = json_integer_value(json_object_get(hdr, "sequence"));
	snprintf(r->source, sizeof(r->source), "%s",
		 json_string_value(json_object_get(hdr, "sourceName")) ?: "");
	if (name == NULL || strcmp(name, p->event_name) != 0)
		return not_evaluated(r, TCA_IGNORED, "another event name");
	if (domain != NULL && strcmp(domain, "measurementsForVfScaling") == 0) {
		r->version = 5;
		block = "measurementsForVfScalingFields";
		fields = json_object_get(event, block);
		arr_name = "vNicPerformanceArray";
		arr = json_object_get(fields, arr_name);
		if (arr == NULL) {
			arr_name = "vNicUsageArray";
			arr = json_object_get(fields, arr_name);
		}
		id_key = "vNicIdentifier";
	} else if (domain != NULL && strcmp(domain, "measurement") == 0) {
		r->version = 7;
		block = "measurementFields";
		fields = json_object_get(event, block);
		arr_name = "nicPerformanceArray";
		arr = json_object_get(fields, arr_name);
		id_key = "nicIdentifier";
	} else {
		return not_evaluated(r, TCA_IGNORED, "not a measurement domain");
	}
	if (!json_is_object(fields))
		return not_evaluated(r, TCA_UNREADABLE, "no %s", block);
	if (p->min_interval > 0) {
		const json_t *iv = json_object_get(fields, "measurementInterval");

		if (!ves_check_count(iv))
			return not_evaluated(r, TCA_UNREADABLE, "%s.measurementInterval: not a number",
					     block);
		if (json_number_value(iv) < p->min_interval)
			return not_evaluated(r, TCA_SKIPPED, "partial interval");
	}
	nic = pick_vnic(arr, id_key, p->vnic);
	if (nic == NULL && p->vnic[0] != '\0')
		return not_evaluated(r, TCA_UNREADABLE, "%s: no entry '%s'", arr_name, p->vnic);
	if (nic == NULL)
		return not_evaluated(r, TCA_UNREADABLE, "%s: missing or empty", arr_name);
	snprintf(r->vnic, sizeof(r->vnic), "%s", json_string_value(json_object_get(nic, id_key)) ?: "");
	value = json_object_get(nic, p->field);
	if (!ves_check_count(value))
		return not_evaluated(r, TCA_UNREADABLE, "%s '%s': %s %s", arr_name, r->vnic, p->field,
				     value == NULL ? "missing" : "is not a number from 0 to 2^53");
	r->value = json_number_value(value);
	r->suspect = strcmp(json_string_value(json_object_get(nic, "valuesAreSuspect")) ?: "",
			    "true") == 0;
	if (r->value <= p->low)
		r->verdict = TCA_LOW;
	else if (r->value >= p->high)
		r->verdict = TCA_HIGH;
	else
		r->verdict = TCA_NORMAL;
}

int
tca_events(const json_t *body, const json_t **single, const json_t **list)
{
	const json_t *ev = json_object_get(body, "event");
	const json_t *el = json_object_get(body, "eventList");

	*single = NULL;
	*list = NULL;
	if (json_is_object(ev)) {
		*single = ev;
		return 1;
	}
	if (json_is_array(el)) {
		*list = el;
		return (int)json_array_size(el);
	}
	return -1;
}

void
tca_guard_init(struct tca_guard *g, unsigned int guard_intervals)
{
	memset(g, 0, sizeof(*g));
	g->guard_intervals = guard_intervals;
}

void
tca_guard_event(struct tca_guard *g)
{
	g->since_action++;
}

bool
tca_guard_allows(const struct tca_guard *g, const char **why)
{
	if (g->in_flight) {
		*why = "previous action in flight";
		return false;
	}
	if (g->acted && g->since_action < g->guard_intervals) {
		*why = "guard: too soon after the last action";
		return false;
	}
	*why = "";
	return true;
}

void
tca_guard_started(struct tca_guard *g)
{
	g->in_flight = true;
	g->acted = true;
	g->since_action = 0;
}

void
tca_guard_done(struct tca_guard *g)
{
	g->in_flight = false;
}
