/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The closed-loop policy: what the controller watches and what it does.
 * Defaults are ONAP's vFWCL policy: on events named vFirewallBroadcastPackets,
 * the field receivedTotalPacketsDelta; <= 300 is low, >= 700 is high; the
 * action sets vpkg back to 5 active streams through the ONAP stream-count
 * API (or sample-plugin), with Basic auth.
 *
 * Policy file (JSON, every key optional):
 *   {"event-name": "vFirewallBroadcastPackets",
 *    "field": "receivedTotalPacketsDelta",
 *    "vnic": "",                 (which vNIC entry; "" = the first one)
 *    "low": 300, "high": 700,
 *    "streams": 5,               (active streams the action sets, 1..10)
 *    "api": "stream-count",      (or "sample-plugin")
 *    "guard-intervals": 1,       (at least this many events between actions)
 *    "min-interval": 0,          (seconds: shorter measurement intervals, such
 *                                 as an agent's first partial one, are ignored)
 *    "act-on-suspect": false}    (act on a value whose valuesAreSuspect is "true")
 *
 * Thread safety: immutable after policy_load().
 */
#ifndef CTL_POLICY_H
#define CTL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum policy_api {
	POLICY_API_STREAM_COUNT = 0,	/* ONAP Dublin and later */
	POLICY_API_SAMPLE_PLUGIN,	/* ONAP Amsterdam to Casablanca */
};

struct policy {
	char event_name[128];
	char field[64];
	char vnic[64];
	double low;		/* value <= low: low traffic */
	double high;		/* value >= high: high traffic */
	unsigned int streams;	/* active streams the action sets */
	enum policy_api api;
	unsigned int guard_intervals;
	double min_interval;	/* seconds; 0 = every interval counts */
	bool act_on_suspect;	/* act on values flagged valuesAreSuspect */
};

/* ONAP's defaults. */
void policy_defaults(struct policy *p);

/*
 * Apply a JSON object on top of p. Unknown keys, wrong types and values out
 * of range are refused with one line in err naming the key and the value;
 * p is then left unchanged. Returns 0 or -EINVAL.
 */
int policy_from_json(struct policy *p, const json_t *obj, char *err, size_t errlen);

/*
 * Load a policy file (defaults + the file): a regular file of at most
 * POLICY_MAX_FILE bytes. 0 or -EINVAL with err naming the file (and the
 * line for a JSON syntax error).
 */
#define POLICY_MAX_FILE (64 * 1024)
int policy_load(struct policy *p, const char *path, char *err, size_t errlen);

const char *policy_api_name(enum policy_api api);

#endif /* CTL_POLICY_H */
