/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mgmt_route.h"

static const struct {
	const char *name;
	unsigned int bit;
} methods[] = {
	{ "GET", MGMT_M_GET },
	{ "PUT", MGMT_M_PUT },
	{ "POST", MGMT_M_POST },
	{ "DELETE", MGMT_M_DELETE },
	{ "PATCH", MGMT_M_PATCH },
};

unsigned int
mgmt_method_bit(const char *method)
{
	unsigned int i;

	if (method == NULL)
		return 0;
	if (strcmp(method, "HEAD") == 0)
		return MGMT_M_GET;
	for (i = 0; i < DP_DIM(methods); i++)
		if (strcmp(method, methods[i].name) == 0)
			return methods[i].bit;
	return 0;
}

const char *
mgmt_method_name(unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < DP_DIM(methods); i++)
		if (methods[i].bit == bit)
			return methods[i].name;
	return "?";
}

void
mgmt_methods_str(unsigned int mask, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < DP_DIM(methods); i++) {
		if (!(mask & methods[i].bit))
			continue;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off > 0 ? ", " : "", methods[i].name);
		if (methods[i].bit == MGMT_M_GET)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, ", HEAD");
	}
}

static bool
is_param(const char *seg)
{
	size_t n = strlen(seg);

	return n >= 3 && seg[0] == '{' && seg[n - 1] == '}';
}

static bool
valid_param_name(const char *seg)
{
	size_t i, n = strlen(seg);

	for (i = 1; i + 1 < n; i++) {
		char c = seg[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Split "/a/b/c" (a copy in buf) into segments; "/" has none. -EINVAL if bad. */
static int
split_path(char *buf, const char **seg, unsigned int max, unsigned int *nb)
{
	char *p = buf + 1;
	unsigned int n = 0;

	if (buf[0] != '/')
		return -EINVAL;
	if (*p == '\0') {
		*nb = 0;
		return 0;
	}
	for (;;) {
		char *slash = strchr(p, '/');

		if (n >= max)
			return -EINVAL;
		seg[n++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	*nb = n;
	return 0;
}

int
mgmt_routes_add(struct mgmt_routes *t, unsigned int method, const char *pattern,
		unsigned int flags, const char *const *query, mgmt_handler_fn fn, void *ctx)
{
	struct mgmt_route *r;
	unsigned int i, nb_params = 0;

	if (fn == NULL || pattern == NULL || __builtin_popcount(method) != 1 ||
	    (method & ~MGMT_M_ALL) != 0 || strlen(pattern) >= MGMT_PATTERN_MAX)
		return -EINVAL;
	for (i = 0; i < t->nb; i++)
		if (t->r[i].method == method && strcmp(t->r[i].pattern, pattern) == 0)
			return -EEXIST;
	if (t->nb >= MGMT_MAX_ROUTES)
		return -ENOSPC;
	r = &t->r[t->nb];
	memset(r, 0, sizeof(*r));
	strcpy(r->pattern, pattern);
	strcpy(r->split, pattern);
	if (split_path(r->split, r->seg, MGMT_MAX_SEGMENTS, &r->nb_seg) != 0)
		return -EINVAL;
	for (i = 0; i < r->nb_seg; i++) {
		if (r->seg[i][0] == '\0')
			return -EINVAL;
		if (is_param(r->seg[i])) {
			if (!valid_param_name(r->seg[i]) || ++nb_params > MGMT_MAX_PARAMS)
				return -EINVAL;
		} else if (strchr(r->seg[i], '{') != NULL || strchr(r->seg[i], '}') != NULL) {
			return -EINVAL;
		} else {
			r->nb_literal++;
		}
	}
	r->method = method;
	r->flags = flags;
	r->query = query;
	r->fn = fn;
	r->ctx = ctx;
	t->nb++;
	return 0;
}

static bool
route_matches(const struct mgmt_route *r, const char *const *seg, unsigned int nb)
{
	unsigned int i;

	if (r->nb_seg != nb)
		return false;
	for (i = 0; i < nb; i++) {
		if (is_param(r->seg[i]) ? seg[i][0] == '\0' : strcmp(r->seg[i], seg[i]) != 0)
			return false;
	}
	return true;
}

const struct mgmt_route *
mgmt_routes_match(const struct mgmt_routes *t, unsigned int method, const char *path,
		char *scratch, struct mgmt_request *req, unsigned int *allow)
{
	const char *seg[MGMT_MAX_SEGMENTS];
	const struct mgmt_route *best = NULL;
	unsigned int i, nb;
	size_t len;

	*allow = 0;
	req->nb_params = 0;
	len = strlen(path);
	if (len == 0 || len >= MGMT_PATH_MAX)
		return NULL;
	memcpy(scratch, path, len + 1);
	if (len > 1 && scratch[len - 1] == '/' && scratch[len - 2] != '/')
		scratch[len - 1] = '\0';	/* "/a/" is "/a"; "//" stays 404 */
	if (split_path(scratch, seg, MGMT_MAX_SEGMENTS, &nb) != 0)
		return NULL;
	for (i = 0; i < t->nb; i++) {
		const struct mgmt_route *r = &t->r[i];

		if (!route_matches(r, seg, nb))
			continue;
		*allow |= r->method;
		if ((r->method & method) && (best == NULL || r->nb_literal > best->nb_literal))
			best = r;
	}
	if (best == NULL)
		return NULL;
	for (i = 0; i < nb; i++) {
		if (!is_param(best->seg[i]))
			continue;
		req->param_names[req->nb_params] = best->seg[i];
		req->params[req->nb_params] = seg[i];
		req->nb_params++;
	}
	return best;
}
