/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "streams" array of --config: JSON objects to stream specs, and back.
 * Every error names the element and the key: "streams[2].rate: ...".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "dp_options.h"
#include "spec.h"

#define WHY_LEN 160

struct jctx {
	char *err;
	size_t len;
	char where[48];		/* "streams[2]" */
};

static int
bad(struct jctx *c, const char *key, json_t *v, const char *why)
{
	char *text = v != NULL ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	if (text != NULL)
		snprintf(c->err, c->len, "%s.%s: invalid value '%.64s' (%s)", c->where, key, text, why);
	else
		snprintf(c->err, c->len, "%s.%s: %s", c->where, key, why);
	free(text);
	return -EINVAL;
}

static int
get_string(struct jctx *c, const char *key, json_t *v, const char **out)
{
	if (!json_is_string(v))
		return bad(c, key, v, "must be a string");
	*out = json_string_value(v);
	return 0;
}

static int
get_uint(struct jctx *c, const char *key, json_t *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char why[WHY_LEN];
	json_int_t i;

	if (!json_is_integer(v))
		return bad(c, key, v, "must be an integer");
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max) {
		snprintf(why, sizeof(why), "must be between %" PRIu64 " and %" PRIu64, min, max);
		return bad(c, key, v, why);
	}
	*out = (uint64_t)i;
	return 0;
}

/* A range object: {"from": A, "to": B, "step": N, "walk": "inc"|"random"} */
static int
range_object(struct jctx *c, const char *key, json_t *v, json_t **from, json_t **to,
		uint64_t *step, uint8_t *walk)
{
	char why[WHY_LEN];
	const char *k;
	json_t *x;

	*from = NULL;
	*to = NULL;
	*step = 1;
	*walk = VPKG_WALK_INC;
	json_object_foreach(v, k, x) {
		if (strcmp(k, "from") == 0) {
			*from = x;
		} else if (strcmp(k, "to") == 0) {
			*to = x;
		} else if (strcmp(k, "step") == 0) {
			if (!json_is_integer(x) || json_integer_value(x) < 1 ||
			    json_integer_value(x) > UINT32_MAX)
				return bad(c, key, x, "step must be an integer from 1");
			*step = (uint64_t)json_integer_value(x);
		} else if (strcmp(k, "walk") == 0) {
			if (!json_is_string(x) || vpkg_parse_walk(json_string_value(x), walk, why,
					sizeof(why)) != 0)
				return bad(c, key, x, "walk must be \"inc\" or \"random\"");
		} else {
			snprintf(why, sizeof(why), "unknown key '%s' in a range (from, to, step, walk)", k);
			return bad(c, key, NULL, why);
		}
	}
	if (*from == NULL)
		return bad(c, key, v, "a range object needs \"from\"");
	if (*to == NULL)
		*to = *from;
	return 0;
}

static int
apply_step(struct jctx *c, const char *key, json_t *v, struct vpkg_range *r, uint64_t step)
{
	uint64_t span;

	if (step == 1)
		return 0;
	span = (uint64_t)r->count - 1;
	if (span % step != 0)
		return bad(c, key, v, "to - from is not a multiple of step");
	r->count = (uint32_t)(span / step + 1);
	r->step = (uint32_t)step;
	return 0;
}

static int
parse_addr(struct jctx *c, const char *key, json_t *v, struct vpkg_addr *a)
{
	char why[WHY_LEN], text[2 * INET6_ADDRSTRLEN + 2];
	json_t *from, *to;
	uint64_t step;
	uint8_t walk;
	int rc;

	if (json_is_string(v)) {
		if (vpkg_parse_addr(json_string_value(v), a, why, sizeof(why)) != 0)
			return bad(c, key, v, why);
		return 0;
	}
	if (!json_is_object(v))
		return bad(c, key, v, "must be an address string or a range object");
	rc = range_object(c, key, v, &from, &to, &step, &walk);
	if (rc != 0)
		return rc;
	if (!json_is_string(from) || !json_is_string(to))
		return bad(c, key, v, "from and to must be address strings");
	if (snprintf(text, sizeof(text), "%s-%s", json_string_value(from),
		     json_string_value(to)) >= (int)sizeof(text))
		return bad(c, key, v, "address too long");
	if (vpkg_parse_addr(text, a, why, sizeof(why)) != 0)
		return bad(c, key, v, why);
	a->r.walk = walk;
	return apply_step(c, key, v, &a->r, step);
}

static int
parse_port(struct jctx *c, const char *key, json_t *v, struct vpkg_range *r)
{
	char why[WHY_LEN];
	json_t *from, *to;
	uint64_t step, a, b;
	uint8_t walk;
	int rc;

	if (json_is_integer(v)) {
		rc = get_uint(c, key, v, 0, UINT16_MAX, &a);
		if (rc == 0)
			vpkg_range_fixed(r, (uint32_t)a);
		return rc;
	}
	if (json_is_string(v)) {
		if (vpkg_parse_port_range(json_string_value(v), r, why, sizeof(why)) != 0)
			return bad(c, key, v, why);
		return 0;
	}
	if (!json_is_object(v))
		return bad(c, key, v, "must be a port, \"FIRST-LAST\" or a range object");
	rc = range_object(c, key, v, &from, &to, &step, &walk);
	if (rc != 0)
		return rc;
	if (!json_is_integer(from) || !json_is_integer(to))
		return bad(c, key, v, "from and to must be integers");
	rc = get_uint(c, key, from, 0, UINT16_MAX, &a);
	if (rc == 0)
		rc = get_uint(c, key, to, 0, UINT16_MAX, &b);
	if (rc != 0)
		return rc;
	if (b < a)
		return bad(c, key, v, "to below from");
	vpkg_range_fixed(r, (uint32_t)a);
	r->count = (uint32_t)(b - a + 1);
	r->walk = walk;
	return apply_step(c, key, v, r, step);
}

static int
parse_size(struct jctx *c, const char *key, json_t *v, struct vpkg_size *sz)
{
	char why[WHY_LEN], text[32];
	json_t *from, *to;
	uint64_t step, a, b;
	uint8_t walk;
	int rc;

	if (json_is_integer(v)) {
		rc = get_uint(c, key, v, 1, UINT16_MAX, &a);
		if (rc != 0)
			return rc;
		snprintf(text, sizeof(text), "%" PRIu64, a);
		return vpkg_parse_size(text, sz, why, sizeof(why)) != 0 ? bad(c, key, v, why) : 0;
	}
	if (json_is_string(v)) {
		if (vpkg_parse_size(json_string_value(v), sz, why, sizeof(why)) != 0)
			return bad(c, key, v, why);
		return 0;
	}
	if (!json_is_object(v))
		return bad(c, key, v, "must be a size, \"MIN-MAX\", an IMIX string or a range object");
	rc = range_object(c, key, v, &from, &to, &step, &walk);
	if (rc != 0)
		return rc;
	if (step != 1)
		return bad(c, key, v, "a size range has no step");
	rc = get_uint(c, key, from, 1, UINT16_MAX, &a);
	if (rc == 0)
		rc = get_uint(c, key, to, 1, UINT16_MAX, &b);
	if (rc != 0)
		return rc;
	snprintf(text, sizeof(text), "%" PRIu64 "-%" PRIu64, a, b);
	if (vpkg_parse_size(text, sz, why, sizeof(why)) != 0)
		return bad(c, key, v, why);
	sz->walk = walk;
	return 0;
}

static int
parse_mac(struct jctx *c, const char *key, json_t *v, struct rte_ether_addr *mac)
{
	const char *s;
	int rc = get_string(c, key, v, &s);

	if (rc != 0)
		return rc;
	if (dp_parse_mac(s, mac->addr_bytes) != 0)
		return bad(c, key, v, "expected aa:bb:cc:dd:ee:ff");
	return 0;
}

static int
parse_bool(struct jctx *c, const char *key, json_t *v, bool *out)
{
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	/* ONAP's pg-streams use "true"/"false" strings; nothing else ("yes", "1") */
	if (json_is_string(v) && strcmp(json_string_value(v), "true") == 0) {
		*out = true;
		return 0;
	}
	if (json_is_string(v) && strcmp(json_string_value(v), "false") == 0) {
		*out = false;
		return 0;
	}
	return bad(c, key, v, "must be true or false");
}

static int
parse_rate(struct jctx *c, const char *key, json_t *v, struct vpkg_rate *r)
{
	char why[WHY_LEN];

	if (json_is_number(v)) {
		char text[40];

		/* packets per second: the string parser's checks and words, as for --rate */
		snprintf(text, sizeof(text), "%.17gpps", json_number_value(v));
		if (vpkg_parse_rate(text, r, why, sizeof(why)) != 0)
			return bad(c, key, v, why);
		return 0;
	}
	if (!json_is_string(v))
		return bad(c, key, v, "must be a number (pps) or a string such as \"10pps\", \"1Gbps\", \"50%\"");
	if (vpkg_parse_rate(json_string_value(v), r, why, sizeof(why)) != 0)
		return bad(c, key, v, why);
	return 0;
}

/* The same check as --vlan: an integer through vpkg_parse_vlan. */
static int
parse_vlan(struct jctx *c, const char *key, json_t *v, uint16_t *vlan)
{
	char why[WHY_LEN], text[24];

	if (!json_is_integer(v))
		return bad(c, key, v, "must be an integer");
	snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (vpkg_parse_vlan(text, vlan, why, sizeof(why)) != 0)
		return bad(c, key, v, why);
	return 0;
}

static int
parse_key(struct jctx *c, const char *key, json_t *v, struct vpkg_stream_spec *s)
{
	char why[WHY_LEN];
	const char *str;
	uint64_t u;
	int rc;

	if (strcmp(key, "name") == 0) {
		rc = get_string(c, key, v, &str);
		if (rc == 0 && vpkg_parse_name(str, s->name, why, sizeof(why)) != 0)
			rc = bad(c, key, v, why);
	} else if (strcmp(key, "id") == 0) {
		rc = get_uint(c, key, v, 0, VPKG_MAX_STREAMS - 1, &u);
		if (rc == 0)
			s->id = (uint16_t)u;
	} else if (strcmp(key, "enabled") == 0) {
		rc = parse_bool(c, key, v, &s->enabled);
	} else if (strcmp(key, "port") == 0) {
		rc = get_uint(c, key, v, 0, RTE_MAX_ETHPORTS - 1, &u);
		if (rc == 0)
			s->port = (uint16_t)u;
	} else if (strcmp(key, "rate") == 0) {
		rc = parse_rate(c, key, v, &s->rate);
	} else if (strcmp(key, "proto") == 0) {
		rc = get_string(c, key, v, &str);
		if (rc == 0 && vpkg_parse_proto(str, &s->proto, why, sizeof(why)) != 0)
			rc = bad(c, key, v, why);
	} else if (strcmp(key, "vlan") == 0) {
		rc = parse_vlan(c, key, v, &s->vlan);
	} else if (strcmp(key, "src_mac") == 0) {
		rc = parse_mac(c, key, v, &s->src_mac);
		s->has_src_mac = rc == 0;
	} else if (strcmp(key, "dst_mac") == 0) {
		rc = parse_mac(c, key, v, &s->dst_mac);
		s->has_dst_mac = rc == 0;
	} else if (strcmp(key, "src_ip") == 0) {
		rc = parse_addr(c, key, v, &s->src_ip);
	} else if (strcmp(key, "dst_ip") == 0) {
		rc = parse_addr(c, key, v, &s->dst_ip);
	} else if (strcmp(key, "src_port") == 0) {
		rc = parse_port(c, key, v, &s->src_port);
	} else if (strcmp(key, "dst_port") == 0) {
		rc = parse_port(c, key, v, &s->dst_port);
	} else if (strcmp(key, "size") == 0) {
		rc = parse_size(c, key, v, &s->size);
	} else if (strcmp(key, "count") == 0) {
		rc = get_uint(c, key, v, 0, VPKG_MAX_COUNT, &s->count);
	} else if (strcmp(key, "duration") == 0) {
		if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
		    !isfinite(json_number_value(v)) || json_number_value(v) > 1e9)
			return bad(c, key, v, "seconds, a number from 0 (no limit)");
		s->duration = json_number_value(v);
		rc = 0;
	} else {
		snprintf(c->err, c->len, "%s: unknown key '%s' (known: name, id, enabled, port, rate, "
			 "proto, vlan, src_mac, dst_mac, src_ip, dst_ip, src_port, dst_port, size, "
			 "count, duration)", c->where, key);
		rc = -EINVAL;
	}
	return rc;
}

int
vpkg_spec_parse_json(json_t *arr, struct vpkg_stream_spec *specs, unsigned int max,
		char *err, size_t len)
{
	struct jctx c = { .err = err, .len = len };
	size_t i, j;
	json_t *obj, *v;
	const char *key;
	int rc;

	if (!json_is_array(arr)) {
		snprintf(err, len, "streams: must be an array of stream objects");
		return -EINVAL;
	}
	if (json_array_size(arr) == 0) {
		snprintf(err, len, "streams: empty array");
		return -EINVAL;
	}
	if (json_array_size(arr) > max) {
		snprintf(err, len, "streams: %zu streams, at most %u", json_array_size(arr), max);
		return -EINVAL;
	}
	json_array_foreach(arr, i, obj) {
		struct vpkg_stream_spec *s = &specs[i];

		snprintf(c.where, sizeof(c.where), "streams[%zu]", i);
		if (!json_is_object(obj)) {
			snprintf(err, len, "%s: must be an object", c.where);
			return -EINVAL;
		}
		vpkg_spec_defaults(s, (uint16_t)i);
		/* the id first: the default name follows it */
		v = json_object_get(obj, "id");
		if (v != NULL) {
			rc = parse_key(&c, "id", v, s);
			if (rc != 0)
				return rc;
			snprintf(s->name, sizeof(s->name), "stream%u", s->id);
		}
		json_object_foreach(obj, key, v) {
			if (strcmp(key, "id") == 0)
				continue;
			rc = parse_key(&c, key, v, s);
			if (rc != 0)
				return rc;
		}
		/* an IPv6 source implies an IPv6 default destination and back */
		if (json_object_get(obj, "dst_ip") == NULL && s->src_ip.family == DP_FAM_V6)
			return bad(&c, "dst_ip", NULL, "needed with an IPv6 src_ip");
		if (json_object_get(obj, "src_ip") == NULL && s->dst_ip.family == DP_FAM_V6)
			return bad(&c, "src_ip", NULL, "needed with an IPv6 dst_ip");
		rc = vpkg_spec_check(s, c.where, err, len);
		if (rc != 0)
			return rc;
		for (j = 0; j < i; j++) {
			if (specs[j].id == s->id) {
				snprintf(err, len, "%s.id: duplicate id %u (also streams[%zu])", c.where,
					 s->id, j);
				return -EINVAL;
			}
			if (strcmp(specs[j].name, s->name) == 0) {
				snprintf(err, len, "%s.name: duplicate name '%s' (also streams[%zu])",
					 c.where, s->name, j);
				return -EINVAL;
			}
		}
	}
	return (int)json_array_size(arr);
}

int
vpkg_spec_apply_json(struct vpkg_stream_spec *s, json_t *obj, const char *where, char *err,
		size_t len)
{
	struct jctx c = { .err = err, .len = len };
	struct vpkg_stream_spec t = *s;
	const char *key;
	json_t *v;
	int rc;

	snprintf(c.where, sizeof(c.where), "%s", where);
	if (!json_is_object(obj)) {
		snprintf(err, len, "%s: must be an object", c.where);
		return -EINVAL;
	}
	json_object_foreach(obj, key, v) {
		rc = parse_key(&c, key, v, &t);
		if (rc != 0)
			return rc;
	}
	rc = vpkg_spec_check(&t, c.where, err, len);
	if (rc != 0)
		return rc;
	*s = t;
	return 0;
}

static json_t *
range_json(const struct vpkg_range *r, bool is_port, const struct vpkg_addr *a)
{
	char first[INET6_ADDRSTRLEN], last[INET6_ADDRSTRLEN];
	uint32_t end = r->base + (r->count - 1) * r->step;
	json_t *o;

	if (is_port) {
		if (r->count == 1)
			return json_integer(r->base);
		o = json_pack("{s:I,s:I}", "from", (json_int_t)r->base, "to", (json_int_t)end);
	} else {
		uint8_t b[16];

		if (a->family == DP_FAM_V6) {
			memcpy(b, a->ip6, 16);
			b[12] = (uint8_t)(r->base >> 24);
			b[13] = (uint8_t)(r->base >> 16);
			b[14] = (uint8_t)(r->base >> 8);
			b[15] = (uint8_t)r->base;
			inet_ntop(AF_INET6, b, first, sizeof(first));
			b[12] = (uint8_t)(end >> 24);
			b[13] = (uint8_t)(end >> 16);
			b[14] = (uint8_t)(end >> 8);
			b[15] = (uint8_t)end;
			inet_ntop(AF_INET6, b, last, sizeof(last));
		} else {
			uint32_t be = htonl(r->base), ee = htonl(end);

			inet_ntop(AF_INET, &be, first, sizeof(first));
			inet_ntop(AF_INET, &ee, last, sizeof(last));
		}
		if (r->count == 1)
			return json_string(first);
		o = json_pack("{s:s,s:s}", "from", first, "to", last);
	}
	if (r->step != 1)
		json_object_set_new(o, "step", json_integer(r->step));
	if (r->walk == VPKG_WALK_RANDOM)
		json_object_set_new(o, "walk", json_string("random"));
	return o;
}

json_t *
vpkg_spec_to_json(const struct vpkg_stream_spec *s)
{
	char buf[160], mac[RTE_ETHER_ADDR_FMT_SIZE];
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "enabled", json_boolean(s->enabled));
	json_object_set_new(o, "port", json_integer(s->port));
	vpkg_rate_str(&s->rate, buf, sizeof(buf));
	json_object_set_new(o, "rate", json_string(buf));
	json_object_set_new(o, "proto", json_string(vpkg_proto_str(s->proto)));
	if (s->vlan != 0)
		json_object_set_new(o, "vlan", json_integer(s->vlan));
	if (s->has_src_mac) {
		rte_ether_format_addr(mac, sizeof(mac), &s->src_mac);
		json_object_set_new(o, "src_mac", json_string(mac));
	}
	if (s->has_dst_mac) {
		rte_ether_format_addr(mac, sizeof(mac), &s->dst_mac);
		json_object_set_new(o, "dst_mac", json_string(mac));
	}
	json_object_set_new(o, "src_ip", range_json(&s->src_ip.r, false, &s->src_ip));
	json_object_set_new(o, "dst_ip", range_json(&s->dst_ip.r, false, &s->dst_ip));
	json_object_set_new(o, "src_port", range_json(&s->src_port, true, NULL));
	json_object_set_new(o, "dst_port", range_json(&s->dst_port, true, NULL));
	vpkg_size_str(&s->size, buf, sizeof(buf));
	if (s->size.kind == VPKG_SIZE_RANGE && s->size.walk == VPKG_WALK_RANDOM)
		json_object_set_new(o, "size", json_pack("{s:i,s:i,s:s}", "from", s->size.min,
				"to", s->size.max, "walk", "random"));
	else if (s->size.kind == VPKG_SIZE_FIXED)
		json_object_set_new(o, "size", json_integer(s->size.min));
	else
		json_object_set_new(o, "size", json_string(buf));
	if (s->count != 0)
		json_object_set_new(o, "count", json_integer((json_int_t)s->count));
	if (s->duration != 0)
		json_object_set_new(o, "duration", json_real(s->duration));
	return o;
}
