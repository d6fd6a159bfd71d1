/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reply helpers and the validation of JSON input: every failure fills the
 * reply with a 400 whose message names the field, so that handlers check
 * everything first and change state only after.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt_internal.h"

int
mgmt_reply_json(struct mgmt_reply *rep, int status, json_t *body)
{
	mgmt_reply_release(rep);
	rep->status = status;
	rep->json = body;
	return status;
}

int
mgmt_reply_error(struct mgmt_reply *rep, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	json_t *body;
	char *c;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	body = json_pack("{s:{s:i,s:s}}", "error", "code", status, "message", msg);
	if (body == NULL) {
		/* not UTF-8 (a request's bytes quoted back): keep it ASCII */
		for (c = msg; *c != '\0'; c++)
			if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
				*c = '?';
		body = json_pack("{s:{s:i,s:s}}", "error", "code", status, "message", msg);
	}
	return mgmt_reply_json(rep, status, body);
}

int
mgmt_reply_text(struct mgmt_reply *rep, int status, const char *content_type, char *text,
		size_t len)
{
	mgmt_reply_release(rep);
	rep->status = status;
	rep->text = text;
	rep->len = len;
	rep->content_type = content_type;
	return status;
}

int
mgmt_reply_static(struct mgmt_reply *rep, int status, const char *content_type,
		const void *data, size_t len)
{
	mgmt_reply_release(rep);
	rep->status = status;
	rep->data = data;
	rep->len = len;
	rep->content_type = content_type;
	return status;
}

int
mgmt_reply_empty(struct mgmt_reply *rep, int status)
{
	return mgmt_reply_static(rep, status, NULL, "", 0);
}

void
mgmt_reply_release(struct mgmt_reply *rep)
{
	json_decref(rep->json);
	free(rep->text);
	rep->json = NULL;
	rep->text = NULL;
	rep->data = NULL;
	rep->len = 0;
	rep->content_type = NULL;
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "unknown";
}

int
mgmt_body_object(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	if (req->body == NULL) {
		mgmt_reply_error(rep, 400, "a JSON object body is required");
		return -EINVAL;
	}
	if (!json_is_object(req->body)) {
		mgmt_reply_error(rep, 400, "the body must be a JSON object, not %s",
				type_name(req->body));
		return -EINVAL;
	}
	return 0;
}

int
mgmt_json_only_keys(const json_t *obj, const char *const *keys, const char *where,
		struct mgmt_reply *rep)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		const char *const *k;

		for (k = keys; *k != NULL; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k == NULL) {
			mgmt_reply_error(rep, 400, "unknown field '%s'%s%s", key,
					where != NULL ? " in " : "", where != NULL ? where : "");
			return -EINVAL;
		}
	}
	return 0;
}

/* The field, or NULL: -ENOENT if optional, -EINVAL with rep if required. */
static int
field(const json_t *obj, const char *name, bool required, json_t **v, struct mgmt_reply *rep)
{
	*v = json_is_object(obj) ? json_object_get(obj, name) : NULL;
	if (*v != NULL)
		return 0;
	if (!required)
		return -ENOENT;
	mgmt_reply_error(rep, 400, "field '%s' is required", name);
	return -EINVAL;
}

/* Strict decimal: digits only, no sign, no spaces; -ERANGE on overflow. */
static int
parse_decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int
mgmt_json_uint(const json_t *obj, const char *name, bool required, bool strings_ok,
		uint64_t min, uint64_t max, uint64_t *out, struct mgmt_reply *rep)
{
	uint64_t u = 0;
	json_t *v;
	int rc = field(obj, name, required, &v, rep);

	if (rc != 0)
		return rc;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0)
			goto range;
		u = (uint64_t)i;
	} else if (json_is_string(v) && strings_ok) {
		rc = parse_decimal(json_string_value(v), &u);
		if (rc == -ERANGE)
			goto range;
		if (rc != 0) {
			mgmt_reply_error(rep, 400, "field '%s' must be an integer, not '%s'",
					name, json_string_value(v));
			return -EINVAL;
		}
	} else {
		mgmt_reply_error(rep, 400, "field '%s' must be an integer, not %s", name,
				type_name(v));
		return -EINVAL;
	}
	if (u < min || u > max)
		goto range;
	*out = u;
	return 0;
range:
	mgmt_reply_error(rep, 400, "field '%s' must be between %" PRIu64 " and %" PRIu64,
			name, min, max);
	return -EINVAL;
}

int
mgmt_json_double(const json_t *obj, const char *name, bool required, double min, double max,
		double *out, struct mgmt_reply *rep)
{
	json_t *v;
	double d;
	int rc = field(obj, name, required, &v, rep);

	if (rc != 0)
		return rc;
	if (!json_is_number(v)) {
		mgmt_reply_error(rep, 400, "field '%s' must be a number, not %s", name,
				type_name(v));
		return -EINVAL;
	}
	d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max) {
		mgmt_reply_error(rep, 400, "field '%s' must be between %g and %g", name, min, max);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int
mgmt_json_bool(const json_t *obj, const char *name, bool required, bool strings_ok,
		bool *out, struct mgmt_reply *rep)
{
	const char *bool_forms = strings_ok ? "true or false (or \"true\"/\"false\")" :
		"true or false";
	json_t *v;
	int rc = field(obj, name, required, &v, rep);

	if (rc != 0)
		return rc;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (strings_ok && json_is_string(v)) {
		if (strcmp(json_string_value(v), "true") == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(json_string_value(v), "false") == 0) {
			*out = false;
			return 0;
		}
	}
	/* name the bad value: a short string as given (whole: valid UTF-8; jansson
	 * escapes it in the reply), else its type */
	if (json_is_string(v) && json_string_length(v) <= 40)
		mgmt_reply_error(rep, 400, "field '%s' must be %s, not \"%s\"", name, bool_forms,
				json_string_value(v));
	else
		mgmt_reply_error(rep, 400, "field '%s' must be %s, not %s", name, bool_forms,
				json_is_string(v) ? "a long string" : type_name(v));
	return -EINVAL;
}

int
mgmt_json_string(const json_t *obj, const char *name, bool required, size_t maxlen,
		const char **out, struct mgmt_reply *rep)
{
	json_t *v;
	int rc = field(obj, name, required, &v, rep);

	if (rc != 0)
		return rc;
	if (!json_is_string(v)) {
		mgmt_reply_error(rep, 400, "field '%s' must be a string, not %s", name,
				type_name(v));
		return -EINVAL;
	}
	if (json_string_length(v) == 0 || json_string_length(v) >= maxlen) {
		mgmt_reply_error(rep, 400, "field '%s' must have 1 to %zu characters", name,
				maxlen - 1);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

int
mgmt_parse_uint(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *out,
		struct mgmt_reply *rep)
{
	uint64_t v = 0;
	int rc = s != NULL ? parse_decimal(s, &v) : -EINVAL;

	if (rc == -EINVAL) {
		mgmt_reply_error(rep, 400, "%s must be an integer, not '%s'", what,
				s != NULL ? s : "");
		return -EINVAL;
	}
	if (rc != 0 || v < min || v > max) {
		mgmt_reply_error(rep, 400, "%s must be between %" PRIu64 " and %" PRIu64
				" (got '%s')", what, min, max, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int
mgmt_reply_errno(struct mgmt_reply *rep, int rc, const char *err)
{
	switch (rc) {
	case -ENOENT:
		return mgmt_reply_error(rep, 404, "%s", err);
	case -EINVAL:
		return mgmt_reply_error(rep, 400, "%s", err);
	case -ENODATA:
		return mgmt_reply_error(rep, 409, "%s", err);
	default:
		return mgmt_reply_error(rep, 500, "%s", err[0] != '\0' ? err : strerror(-rc));
	}
}
