/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The route table: (method, path pattern) -> handler. A pattern is an
 * absolute path whose segments are literals or "{name}" parameters matching
 * one non-empty segment, e.g. "/api/v1/streams/{id}". Where several patterns
 * match a path, the one with the most literal segments wins. One trailing
 * slash of a request path is ignored.
 *
 * Thread safety: routes are added before the server starts; matching only
 * reads the table (any number of server threads).
 */
#ifndef MGMT_ROUTE_H
#define MGMT_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmt.h"

#define MGMT_MAX_ROUTES 64
#define MGMT_MAX_SEGMENTS 16
#define MGMT_PATTERN_MAX 128
#define MGMT_PATH_MAX 1024	/* longer request paths get 404 */

/* route flags */
#define MGMT_ROUTE_LOCKLESS (1u << 0)	/* called without the handler lock (health) */

struct mgmt_route {
	unsigned int method;		/* one MGMT_M_* bit */
	char pattern[MGMT_PATTERN_MAX];	/* as given */
	char split[MGMT_PATTERN_MAX];	/* pattern with '/' replaced by NUL */
	unsigned int nb_seg;
	const char *seg[MGMT_MAX_SEGMENTS];	/* into split; "{name}" kept as is */
	unsigned int nb_literal;
	mgmt_handler_fn fn;
	void *ctx;
	unsigned int flags;		/* MGMT_ROUTE_* */
	const char *const *query;	/* query parameters it takes (NULL-terminated), NULL: none */
};

struct mgmt_routes {
	unsigned int nb;
	struct mgmt_route r[MGMT_MAX_ROUTES];
};

/* The method bit of a request method ("HEAD" counts as GET); 0 if unknown. */
unsigned int mgmt_method_bit(const char *method);

/* "GET" for MGMT_M_GET...; "?" for anything else. */
const char *mgmt_method_name(unsigned int bit);

/* "GET, HEAD, PUT" for a mask of MGMT_M_* bits (HEAD added with GET). */
void mgmt_methods_str(unsigned int mask, char *buf, size_t len);

/*
 * Add a route. query: the query parameters its handler reads (a static
 * NULL-terminated list), NULL for none; the server refuses any other one
 * but "pretty" with a 400 before calling the handler. Returns 0, -EINVAL
 * (bad method or pattern), -EEXIST (same method and pattern), -ENOSPC
 * (table full).
 */
int mgmt_routes_add(struct mgmt_routes *t, unsigned int method, const char *pattern,
		unsigned int flags, const char *const *query, mgmt_handler_fn fn, void *ctx);

/*
 * Match path (decoded, without query) for method. The path is copied into
 * scratch (MGMT_PATH_MAX bytes), which the parameter values in req point
 * into. Returns the route, or NULL with *allow set to the methods the path
 * has (0: no route has this path -> 404; else -> 405).
 */
const struct mgmt_route *mgmt_routes_match(const struct mgmt_routes *t, unsigned int method,
		const char *path, char *scratch, struct mgmt_request *req, unsigned int *allow);

#endif /* MGMT_ROUTE_H */
