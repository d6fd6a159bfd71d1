/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tca.h"

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
	default:
		return "ignored";
	}
}

static void
ignore(struct tca_reading *r, const char *why)
{
	r->verdict = TCA_IGNORED;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

/* A number, or a string holding one (some agents send "1016.000000"). */
static bool
field_number(const json_t *v, double *out)
{
	const char *s;
	char *end;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	s = json_string_value(v);
	if (s == NULL || *s == '\0')
		return false;
	*out = strtod(s, &end);
	return *end == '\0';
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
	const json_t *fields, *arr = NULL, *nic;
	const char *name, *domain, *id_key;

	memset(r, 0, sizeof(*r));
	r->sequence = -1;
	if (!json_is_object(hdr))
		return ignore(r, "no commonEventHeader");
	name = json_string_value(json_object_get(hdr, "eventName"));
	domain = json_string_value(json_object_get(hdr, "domain"));
	if (json_is_integer(json_object_get(hdr, "sequence")))
		r->sequence = json_integer_value(json_object_get(hdr, "sequence"));
	snprintf(r->source, sizeof(r->source), "%s",
		 json_string_value(json_object_get(hdr, "sourceName")) ?: "");
	if (name == NULL || strcmp(name, p->event_name) != 0)
		return ignore(r, "another event name");
	if (domain != NULL && strcmp(domain, "measurementsForVfScaling") == 0) {
		r->version = 5;
		fields = json_object_get(event, "measurementsForVfScalingFields");
		arr = json_object_get(fields, "vNicPerformanceArray");
		if (arr == NULL)
			arr = json_object_get(fields, "vNicUsageArray");
		id_key = "vNicIdentifier";
	} else if (domain != NULL && strcmp(domain, "measurement") == 0) {
		r->version = 7;
		fields = json_object_get(event, "measurementFields");
		arr = json_object_get(fields, "nicPerformanceArray");
		id_key = "nicIdentifier";
	} else {
		return ignore(r, "not a measurement domain");
	}
	if (p->min_interval > 0) {
		double iv;

		if (!field_number(json_object_get(fields, "measurementInterval"), &iv))
			return ignore(r, "no measurementInterval");
		if (iv < p->min_interval)
			return ignore(r, "partial interval");
	}
	nic = pick_vnic(arr, id_key, p->vnic);
	if (nic == NULL)
		return ignore(r, "no such vNIC entry");
	snprintf(r->vnic, sizeof(r->vnic), "%s", json_string_value(json_object_get(nic, id_key)) ?: "");
	if (!field_number(json_object_get(nic, p->field), &r->value))
		return ignore(r, "the field is missing or not a number");
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
