/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

void
policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->event_name, sizeof(p->event_name), "vFirewallBroadcastPackets");
	snprintf(p->field, sizeof(p->field), "receivedTotalPacketsDelta");
	p->low = 300;
	p->high = 700;
	p->streams = 5;
	p->api = POLICY_API_STREAM_COUNT;
	p->guard_intervals = 1;
}

const char *
policy_api_name(enum policy_api api)
{
	return api == POLICY_API_SAMPLE_PLUGIN ? "sample-plugin" : "stream-count";
}

static int
get_string(const json_t *v, const char *key, char *dst, size_t len, bool allow_empty,
		char *err, size_t errlen)
{
	const char *s;

	if (!json_is_string(v)) {
		snprintf(err, errlen, "policy: '%s' must be a string", key);
		return -EINVAL;
	}
	s = json_string_value(v);
	if ((!allow_empty && s[0] == '\0') || strlen(s) >= len) {
		snprintf(err, errlen, "policy: '%s' must be a string of 1 to %zu characters",
			 key, len - 1);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", s);
	return 0;
}

static int
get_number(const json_t *v, const char *key, double min, double max, double *out,
		char *err, size_t errlen)
{
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
		snprintf(err, errlen, "policy: '%s' must be a number between %g and %g", key, min, max);
		return -EINVAL;
	}
	*out = json_number_value(v);
	return 0;
}

int
policy_from_json(struct policy *p, const json_t *obj, char *err, size_t errlen)
{
	struct policy n = *p;
	const char *key;
	json_t *v;
	double d;
	int rc = 0;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "policy: the top level must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (strcmp(key, "event-name") == 0) {
			rc = get_string(v, key, n.event_name, sizeof(n.event_name), false, err, errlen);
		} else if (strcmp(key, "field") == 0) {
			rc = get_string(v, key, n.field, sizeof(n.field), false, err, errlen);
		} else if (strcmp(key, "vnic") == 0) {
			rc = get_string(v, key, n.vnic, sizeof(n.vnic), true, err, errlen);
		} else if (strcmp(key, "low") == 0) {
			rc = get_number(v, key, 0, 1e15, &n.low, err, errlen);
		} else if (strcmp(key, "high") == 0) {
			rc = get_number(v, key, 0, 1e15, &n.high, err, errlen);
		} else if (strcmp(key, "streams") == 0) {
			rc = json_is_integer(v) ? get_number(v, key, 1, 10, &d, err, errlen) : -EINVAL;
			if (rc == 0)
				n.streams = (unsigned int)d;
			else
				snprintf(err, errlen, "policy: 'streams' must be an integer between 1 and 10");
		} else if (strcmp(key, "guard-intervals") == 0) {
			rc = json_is_integer(v) ? get_number(v, key, 0, 1000000, &d, err, errlen) : -EINVAL;
			if (rc == 0)
				n.guard_intervals = (unsigned int)d;
			else
				snprintf(err, errlen, "policy: 'guard-intervals' must be an integer between 0 and 1000000");
		} else if (strcmp(key, "min-interval") == 0) {
			rc = get_number(v, key, 0, 86400, &n.min_interval, err, errlen);
		} else if (strcmp(key, "api") == 0) {
			const char *s = json_string_value(v);

			if (s != NULL && strcmp(s, "stream-count") == 0) {
				n.api = POLICY_API_STREAM_COUNT;
			} else if (s != NULL && strcmp(s, "sample-plugin") == 0) {
				n.api = POLICY_API_SAMPLE_PLUGIN;
			} else {
				snprintf(err, errlen, "policy: 'api' must be \"stream-count\" or \"sample-plugin\"");
				rc = -EINVAL;
			}
		} else {
			snprintf(err, errlen, "policy: unknown key '%s'", key);
			rc = -EINVAL;
		}
		if (rc != 0)
			return -EINVAL;
	}
	if (n.low >= n.high) {
		snprintf(err, errlen, "policy: 'low' (%g) must be below 'high' (%g)", n.low, n.high);
		return -EINVAL;
	}
	*p = n;
	return 0;
}

int
policy_load(struct policy *p, const char *path, char *err, size_t errlen)
{
	char sub[256];
	json_error_t jerr;
	json_t *root;
	int rc;

	policy_defaults(p);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	rc = policy_from_json(p, root, sub, sizeof(sub));
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, sub);
	json_decref(root);
	return rc;
}
