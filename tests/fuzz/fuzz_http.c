/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the request path of mgmt/ up to a handler, without
 * libmicrohttpd (which parses the HTTP framing and the query string): a
 * request "METHOD PATH\n" followed by its body goes through the route
 * table (mgmt_method_bit, mgmt_routes_match, with routes shaped like the
 * binaries': literals, {params}, several methods per path), the body is
 * parsed as the server parses it, and the handler reads it with the JSON
 * validators every handler uses. Besides memory errors: a matched route
 * allows the method, its parameters are non-empty single segments; an
 * unmatched one with a non-zero Allow mask is a 405, never a match.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_json.h"
#include "mgmt_internal.h"
#include "mgmt_route.h"

static struct mgmt_routes routes;

static bool
refused(int rc)
{
	return rc != 0 && rc != -ENOENT;
}

static int
handler(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "rate", "enabled", "name", "count", NULL };
	const char *name;
	uint64_t count;
	double rate;
	bool on;

	(void)ctx;
	if (mgmt_body_object(req, rep) != 0 || mgmt_json_only_keys(req->body, keys, NULL, rep) != 0)
		return rep->status;
	/* optional fields: -ENOENT when absent, as the real handlers take it */
	if (refused(mgmt_json_double(req->body, "rate", false, 0, 1e9, &rate, rep)) ||
	    refused(mgmt_json_bool(req->body, "enabled", false, true, &on, rep)) ||
	    refused(mgmt_json_string(req->body, "name", false, 32, &name, rep)) ||
	    refused(mgmt_json_uint(req->body, "count", false, true, 1, 10, &count, rep)))
		return rep->status;
	return mgmt_reply_empty(rep, 200);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct { unsigned int m; const char *p; } table[] = {
		{ MGMT_M_GET, "/" },
		{ MGMT_M_GET, "/api/v1/stats" },
		{ MGMT_M_POST, "/api/v1/stats/reset" },
		{ MGMT_M_GET, "/api/v1/streams" },
		{ MGMT_M_POST, "/api/v1/streams" },
		{ MGMT_M_GET, "/api/v1/streams/{id}" },
		{ MGMT_M_PUT, "/api/v1/streams/{id}" },
		{ MGMT_M_PATCH, "/api/v1/streams/{id}" },
		{ MGMT_M_DELETE, "/api/v1/streams/{id}" },
		{ MGMT_M_PUT, "/api/v1/streams/{id}/rate" },
		{ MGMT_M_GET, "/api/v1/streams/summary" },
		{ MGMT_M_GET, "/api/v1/ports/{port}/queues/{queue}" },
		{ MGMT_M_PUT, "/restconf/config/sample-plugin:sample-plugin/pg-streams" },
		{ MGMT_M_GET, "/restconf/config/sample-plugin:sample-plugin/pg-streams/pg-stream/{id}" },
		{ MGMT_M_DELETE, "/restconf/config/sample-plugin:sample-plugin/pg-streams/pg-stream/{id}" },
		{ MGMT_M_POST, "/eventListener/v7/eventBatch" },
	};
	unsigned int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < RTE_DIM(table); i++)
		FUZZ_CHECK(mgmt_routes_add(&routes, table[i].m, table[i].p, 0, NULL, handler, NULL) == 0);
	return 0;
}

static void
check_match(const struct mgmt_route *r, unsigned int bit, const struct mgmt_request *req,
		unsigned int allow)
{
	unsigned int i;

	if (r == NULL)
		return;
	FUZZ_CHECK((r->method & bit) != 0 && (allow & bit) != 0);
	FUZZ_CHECK(req->nb_params <= MGMT_MAX_PARAMS);
	for (i = 0; i < req->nb_params; i++) {
		FUZZ_CHECK(req->params[i][0] != '\0' && strchr(req->params[i], '/') == NULL);
		FUZZ_CHECK(mgmt_req_param(req, "id") != NULL || mgmt_req_param(req, "port") != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[MGMT_PATH_MAX + 64], scratch[MGMT_PATH_MAX], *sp, *q;
	struct mgmt_request req = { 0 };
	struct mgmt_reply rep = { .status = 500 };
	const struct mgmt_route *r;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl != NULL ? (size_t)(nl - data) : size;
	unsigned int bit, allow;

	if (n >= sizeof(line))
		return 0;
	memcpy(line, data, n);
	line[n] = '\0';
	sp = strchr(line, ' ');
	if (sp == NULL || memchr(line, '\0', n) != NULL)
		return 0;
	*sp = '\0';
	q = strchr(sp + 1, '?');	/* the query string: libmicrohttpd's part */
	if (q != NULL)
		*q = '\0';
	req.method = line;
	req.path = sp + 1;
	bit = strcmp(line, "OPTIONS") == 0 ? 0 : mgmt_method_bit(line);
	r = mgmt_routes_match(&routes, bit, req.path, scratch, &req, &allow);
	check_match(r, bit, &req, allow);
	if (r == NULL)
		return 0;
	if (nl != NULL && size > n + 1) {
		req.body = fuzz_json_load(nl + 1, size - n - 1);
		if (req.body == NULL)
			return 0;	/* the server's 400: malformed JSON body */
	}
	rep.status = r->fn(r->ctx, &req, &rep);
	FUZZ_CHECK(rep.status == 200 || (rep.status >= 400 && rep.status < 500));
	mgmt_reply_release(&rep);
	json_decref(req.body);
	return 0;
}
