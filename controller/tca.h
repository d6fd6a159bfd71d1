/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Threshold Crossing Analytics on VES events, as ONAP's TCA does it for the
 * vFWCL: pick the events of the policy's name, read the policy's field from
 * the vNIC array (v5: measurementsForVfScalingFields.vNicPerformanceArray or
 * the older vNicUsageArray; v7: measurementFields.nicPerformanceArray), and
 * classify it as low (<= low), high (>= high) or normal. The event is
 * expected to have passed ves_check_event(); what the schema leaves optional
 * but the TCA needs (the block, the vNIC entry, the field as a finite number
 * from 0 to 2^53) makes the event TCA_UNREADABLE: the collector refuses it.
 *
 * The guard: at most one action per guard_intervals events, and none while
 * the previous one is in flight.
 *
 * Thread safety: tca_* functions are pure; a struct tca_guard is owned by
 * the one thread that evaluates events.
 */
#ifndef CTL_TCA_H
#define CTL_TCA_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "policy.h"

enum tca_verdict {
	TCA_IGNORED = 0,	/* another event name or domain: not for this policy */
	TCA_SKIPPED,		/* the policy's event, not evaluated: partial interval */
	TCA_UNREADABLE,		/* the policy's event without a usable value */
	TCA_NORMAL,
	TCA_LOW,
	TCA_HIGH,
};

struct tca_reading {
	enum tca_verdict verdict;
	double value;
	bool suspect;		/* the entry's valuesAreSuspect is "true" */
	int64_t sequence;	/* commonEventHeader.sequence */
	int version;		/* 5 or 7, from the domain */
	char source[128];	/* commonEventHeader.sourceName */
	char vnic[64];		/* the vNIC entry read */
	char why[160];		/* for TCA_IGNORED, TCA_SKIPPED, TCA_UNREADABLE */
};

const char *tca_verdict_name(enum tca_verdict v);

/* Evaluate one event: the object holding "commonEventHeader". */
void tca_evaluate(const struct policy *p, const json_t *event, struct tca_reading *r);

/*
 * The events of a collector request body: {"event": {...}} gives one,
 * {"eventList": [{...}, ...]} several. Returns the number of events and
 * points *list at a borrowed array (or the single event); -1 when the body
 * is neither.
 */
int tca_events(const json_t *body, const json_t **single, const json_t **list);

struct tca_guard {
	unsigned int guard_intervals;	/* from the policy */
	uint64_t since_action;		/* events evaluated since the last action */
	bool acted;			/* an action was ever taken */
	bool in_flight;			/* an action has been sent, no answer yet */
};

void tca_guard_init(struct tca_guard *g, unsigned int guard_intervals);
/* Count one evaluated event. */
void tca_guard_event(struct tca_guard *g);
/* May an action start now? (why: reason when not) */
bool tca_guard_allows(const struct tca_guard *g, const char **why);
void tca_guard_started(struct tca_guard *g);
void tca_guard_done(struct tca_guard *g);

#endif /* CTL_TCA_H */
