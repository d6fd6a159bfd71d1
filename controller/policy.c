/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "json_shown.h"
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

/* err: "'KEY': invalid value VALUE (EXPECTED)" */
static int
bad_value(const char *key, const json_t *v, const char *expected, char *err, size_t errlen)
{
	char buf[64];

	snprintf(err, errlen, "'%s': invalid value %s (%s)", key, json_shown(v, buf, sizeof(buf)),
		 expected);
	return -EINVAL;
}

static int
get_string(const json_t *v, const char *key, char *dst, size_t len, bool allow_empty,
		char *err, size_t errlen)
{
	char expected[64];
	const char *s = json_string_value(v);

	if (s == NULL || (!allow_empty && s[0] == '\0') || strlen(s) >= len) {
		snprintf(expected, sizeof(expected), "a string of %d to %zu characters",
			 allow_empty ? 0 : 1, len - 1);
		return bad_value(key, v, expected, err, errlen);
	}
	snprintf(dst, len, "%s", s);
	return 0;
}

static int
get_number(const json_t *v, const char *key, double min, double max, bool integer, double *out,
		char *err, size_t errlen)
{
	char expected[64];

	if (!json_is_number(v) || (integer && !json_is_integer(v)) ||
	    json_number_value(v) < min || json_number_value(v) > max) {
		snprintf(expected, sizeof(expected), "%s from %g to %g",
			 integer ? "an integer" : "a number", min, max);
		return bad_value(key, v, expected, err, errlen);
	}
	*out = json_number_value(v);
	return 0;
}

static int
get_api(const json_t *v, const char *key, enum policy_api *api, char *err, size_t errlen)
{
	const char *s = json_string_value(v);

	if (s != NULL && strcmp(s, "stream-count") == 0)
		*api = POLICY_API_STREAM_COUNT;
	else if (s != NULL && strcmp(s, "sample-plugin") == 0)
		*api = POLICY_API_SAMPLE_PLUGIN;
	else
		return bad_value(key, v, "\"stream-count\" or \"sample-plugin\"", err, errlen);
	return 0;
}

static int
get_bool(const json_t *v, const char *key, bool *out, char *err, size_t errlen)
{
	if (!json_is_boolean(v))
		return bad_value(key, v, "true or false", err, errlen);
	*out = json_is_true(v);
	return 0;
}

/* One key of the policy into n. */
static int
policy_key(struct policy *n, const char *key, const json_t *v, char *err, size_t errlen)
{
	double d;
	int rc;

	if (strcmp(key, "event-name") == 0)
		return get_string(v, key, n->event_name, sizeof(n->event_name), false, err, errlen);
	if (strcmp(key, "field") == 0)
		return get_string(v, key, n->field, sizeof(n->field), false, err, errlen);
	if (strcmp(key, "vnic") == 0)
		return get_string(v, key, n->vnic, sizeof(n->vnic), true, err, errlen);
	if (strcmp(key, "low") == 0)
		return get_number(v, key, 0, 1e15, false, &n->low, err, errlen);
	if (strcmp(key, "high") == 0)
		return get_number(v, key, 0, 1e15, false, &n->high, err, errlen);
	if (strcmp(key, "min-interval") == 0)
		return get_number(v, key, 0, 86400, false, &n->min_interval, err, errlen);
	if (strcmp(key, "api") == 0)
		return get_api(v, key, &n->api, err, errlen);
	if (strcmp(key, "act-on-suspect") == 0)
		return get_bool(v, key, &n->act_on_suspect, err, errlen);
	if (strcmp(key, "streams") == 0) {
		rc = get_number(v, key, 1, 10, true, &d, err, errlen);
		if (rc == 0)
			n->streams = (unsigned int)d;
		return rc;
	}
	if (strcmp(key, "guard-intervals") == 0) {
		rc = get_number(v, key, 0, 1000000, true, &d, err, errlen);
		if (rc == 0)
			n->guard_intervals = (unsigned int)d;
		return rc;
	}
	snprintf(err, errlen, "unknown key '%.64s' (keys: event-name, field, vnic, low, high, "
		 "streams, api, guard-intervals, min-interval, act-on-suspect)", key);
	return -EINVAL;
}

int
policy_from_json(struct policy *p, const json_t *obj, char *err, size_t errlen)
{
	struct policy n = *p;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "the top level must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (policy_key(&n, key, v, err, errlen) != 0)
			return -EINVAL;
	}
	if (n.low >= n.high) {
		snprintf(err, errlen, "'low' (%g) must be below 'high' (%g)", n.low, n.high);
		return -EINVAL;
	}
	*p = n;
	return 0;
}

/* The file's JSON: a regular file of at most POLICY_MAX_FILE bytes. NULL with err. */
static json_t *
load_file(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	json_t *root;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > POLICY_MAX_FILE) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path,
			 POLICY_MAX_FILE);
		fclose(f);
		return NULL;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	/* jansson's line is -1 for errors that are not about the text */
	if (root == NULL && jerr.line >= 1)
		snprintf(err, errlen, "%s: line %d column %d: %s", path, jerr.line, jerr.column,
			 jerr.text);
	else if (root == NULL)
		snprintf(err, errlen, "%s: %s", path, jerr.text);
	return root;
}

int
policy_load(struct policy *p, const char *path, char *err, size_t errlen)
{
	char sub[256];
	json_t *root;
	int rc;

	policy_defaults(p);
	root = load_file(path, err, errlen);
	if (root == NULL)
		return -EINVAL;
	rc = policy_from_json(p, root, sub, sizeof(sub));
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, sub);
	json_decref(root);
	return rc;
}
