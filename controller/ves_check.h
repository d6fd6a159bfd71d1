/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is a collector request what ONAP's VES schema allows for its version?
 * Our own checks, written from ONAP's CommonEventFormat 28.4.1 (v5) and
 * 30.2.1 (v7); nothing is read at run time.
 *
 * Checked in full: the envelope ({"event": {...}} on /eventListener/vN,
 * {"eventList": [1..VES_CHECK_MAX_EVENTS events]} on .../eventBatch, as
 * ONAP's collector pairs them), every event's commonEventHeader (required
 * fields, types, enumerations; v7: no other field), the event's keys (v7:
 * only the domain blocks), and for the measurement domain its block's
 * required fields and the NIC arrays' entries (identifier, valuesAreSuspect,
 * every counter a number). Other domain blocks and the other arrays of a
 * measurement block are checked by JSON type only.
 *
 * Beyond the schema (what a number must be to be acted on): counters, epochs
 * and the sequence are finite, >= 0 and <= 2^53 (larger ones cannot be exact
 * counts); measurementInterval is > 0; lastEpochMicrosec is not before
 * startEpochMicrosec; sourceName, the key of replay detection, is 1 to
 * VES_CHECK_MAX_NAME - 1 bytes.
 *
 * Thread safety: pure functions.
 */
#ifndef CTL_VES_CHECK_H
#define CTL_VES_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define VES_CHECK_MAX_EVENTS 1000	/* events in one eventList */
#define VES_CHECK_MAX_NAME 128		/* sourceName, with its NUL */
#define VES_CHECK_MAX_COUNT 9007199254740992.0	/* 2^53 */

/*
 * Check one event (the object holding "commonEventHeader") for VES version
 * 5 or 7. 0, or -EINVAL with a one-line reason in why, naming the field
 * (prefixed by where, e.g. "eventList[3]") and the bad value.
 */
int ves_check_event(const json_t *event, int version, const char *where, char *why,
		size_t whylen);

/*
 * Check a whole request body for version 5 or 7, batch (an eventBatch path)
 * or not: the envelope and every event. 0, or -EINVAL with why.
 */
int ves_check_body(const json_t *body, int version, bool batch, char *why, size_t whylen);

/* A finite number from 0 to 2^53 (a count, an epoch), as the checks require. */
bool ves_check_count(const json_t *v);

#endif /* CTL_VES_CHECK_H */
