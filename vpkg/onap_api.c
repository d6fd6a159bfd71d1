/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two ONAP APIs of the vFirewall demo's packet generator (VPP +
 * Honeycomb restconf on port 8183), served as ONAP's clients use them: APPC
 * and the CDS blueprints (Dublin and later: stream-count), APPC and the robot
 * tests (Amsterdam to Casablanca: sample-plugin).
 *
 * stream-count (YANG: container stream-count { container streams { leaf
 * active-streams { range 1..10 } } }):
 *	PUT  .../stream-count:stream-count/streams  {"streams":{"active-streams":N}}
 *	     N: 1..10, an integer or a decimal string ("5"); the first N streams
 *	     (by id) are enabled, the others disabled. 200, empty body.
 *	GET  .../stream-count:stream-count/streams  {"streams":{"active-streams":N}}
 *	GET  .../stream-count:stream-count          {"stream-count":{"streams":{...}}}
 *	     (what the robot's "Get List Of Enabled Streams V2" reads);
 *	     N is the number of enabled streams.
 *
 * sample-plugin (YANG: container sample-plugin { container pg-streams { list
 * pg-stream { key id; leaf id { string } leaf is-enabled { boolean } } } }):
 *	PUT  .../sample-plugin:sample-plugin/pg-streams
 *	     {"pg-streams":{"pg-stream":[{"id":"fw_udp1","is-enabled":"true"},...]}}
 *	     The listed streams with "is-enabled" true (the default; true/false or
 *	     "true"/"false") are enabled, every other stream is disabled: an empty
 *	     list (or no "pg-stream") disables all. An id that is no stream's name
 *	     is a 404, a repeated id a 400; either changes nothing. 200, empty.
 *	GET  .../sample-plugin:sample-plugin/pg-streams   the enabled streams, same shape
 *	GET  .../sample-plugin:sample-plugin              {"sample-plugin":{"pg-streams":...}}
 *	GET  .../pg-streams/pg-stream/{id}   {"pg-stream":[{"id":...,"is-enabled":"true"|"false"}]}
 *	DELETE .../pg-streams/pg-stream/{id} disables that stream (404 if unknown). 200, empty.
 *
 * Every change is one stream-table publication (streams.h): the 200 is sent
 * after the workers run on it. Errors use the server's JSON error body;
 * ONAP's clients only look at the status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "mgmt.h"
#include "onap_api.h"
#include "streams.h"
#include "vpkg.h"

#define RESTCONF "/restconf/config"
#define SC_ROOT RESTCONF "/stream-count:stream-count"
#define SC_STREAMS SC_ROOT "/streams"
#define SP_ROOT RESTCONF "/sample-plugin:sample-plugin"
#define SP_STREAMS SP_ROOT "/pg-streams"
#define SP_STREAM SP_STREAMS "/pg-stream/{id}"

#define ONAP_MAX_ACTIVE 10	/* the range of active-streams in the YANG model */

/* The master list (a malloc'd copy); n in *n. NULL with a 500 in rep. */
static struct vpkg_stream_spec *
specs_copy(unsigned int *n, struct mgmt_reply *rep)
{
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));

	if (specs == NULL) {
		mgmt_reply_error(rep, 500, "out of memory");
		return NULL;
	}
	*n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);	/* at most VPKG_MAX_STREAMS */
	return specs;
}

/* ------------------------------------------------------------ stream-count */

static json_t *
streams_obj(struct mgmt_reply *rep)
{
	struct vpkg_stream_spec *specs;
	unsigned int n, i, on = 0;

	specs = specs_copy(&n, rep);
	if (specs == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		on += specs[i].enabled;
	free(specs);
	return json_pack("{s:{s:i}}", "streams", "active-streams", (int)on);
}

static int
get_stream_count(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *o = streams_obj(rep);

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	return o != NULL ? mgmt_reply_json(rep, 200, o) : rep->status;
}

static int
get_stream_count_root(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *o = streams_obj(rep);

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (o == NULL)
		return rep->status;
	return mgmt_reply_json(rep, 200, json_pack("{s:o}", "stream-count", o));
}

static int
put_stream_count(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const top[] = { "streams", NULL };
	static const char *const inner[] = { "active-streams", NULL };
	char err[DP_ERR_LEN] = "";
	json_t *streams;
	uint64_t n;
	int rc;

	RTE_SET_USED(ctx);
	if (mgmt_body_object(req, rep) != 0 || mgmt_json_only_keys(req->body, top, NULL, rep) != 0)
		return rep->status;
	streams = json_object_get(req->body, "streams");
	if (streams == NULL)
		return mgmt_reply_error(rep, 400, "field 'streams' is required");
	if (!json_is_object(streams))
		return mgmt_reply_error(rep, 400, "field 'streams' must be an object");
	if (mgmt_json_only_keys(streams, inner, "'streams'", rep) != 0 ||
	    mgmt_json_uint(streams, "active-streams", true, true, 1, ONAP_MAX_ACTIVE, &n, rep) != 0)
		return rep->status;
	rc = vpkg_set_active_streams((unsigned int)n, err, sizeof(err));
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return mgmt_reply_empty(rep, 200);
}

/* ------------------------------------------------------------ sample-plugin */

static json_t *
pg_entry(const char *name, bool enabled)
{
	return json_pack("{s:s,s:s}", "id", name, "is-enabled", enabled ? "true" : "false");
}

/* {"pg-streams":{"pg-stream":[the enabled streams]}} */
static json_t *
pg_streams_obj(struct mgmt_reply *rep)
{
	struct vpkg_stream_spec *specs;
	unsigned int n, i;
	json_t *arr = json_array();

	specs = specs_copy(&n, rep);
	if (specs == NULL || arr == NULL) {
		free(specs);
		json_decref(arr);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (specs[i].enabled)
			json_array_append_new(arr, pg_entry(specs[i].name, true));
	free(specs);
	return json_pack("{s:{s:o}}", "pg-streams", "pg-stream", arr);
}

static int
get_pg_streams(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *o = pg_streams_obj(rep);

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	return o != NULL ? mgmt_reply_json(rep, 200, o) : rep->status;
}

static int
get_sample_plugin(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *o = pg_streams_obj(rep);

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (o == NULL)
		return rep->status;
	return mgmt_reply_json(rep, 200, json_pack("{s:o}", "sample-plugin", o));
}

/* The parsed pg-stream list. */
struct pg_list {
	unsigned int n;
	struct {
		const char *name;	/* borrowed from the request body */
		bool enabled;
	} e[VPKG_MAX_STREAMS];
};

static int
edit_pg_streams(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct pg_list *l = arg;
	unsigned int i, k;
	int idx;

	for (k = 0; k < l->n; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(specs[i].name, l->e[k].name) == 0)
				break;
		if (i == n) {
			snprintf(err, errlen, "pg-stream '%s': no such stream", l->e[k].name);
			return -ENOENT;
		}
	}
	for (i = 0; i < n; i++)
		specs[i].enabled = false;
	for (k = 0; k < l->n; k++) {
		idx = -1;
		for (i = 0; i < n && idx < 0; i++)
			if (strcmp(specs[i].name, l->e[k].name) == 0)
				idx = (int)i;
		specs[idx].enabled = l->e[k].enabled;
	}
	return 0;
}

/* Check the body's shape and fill l; -EINVAL with a 400 in rep otherwise. */
static int
parse_pg_streams(const struct mgmt_request *req, struct pg_list *l, struct mgmt_reply *rep)
{
	static const char *const top[] = { "pg-streams", NULL };
	static const char *const mid[] = { "pg-stream", NULL };
	static const char *const entry[] = { "id", "is-enabled", NULL };
	json_t *pgs, *list, *e;
	const char *id;
	size_t i, j;
	bool on;

	l->n = 0;
	if (mgmt_body_object(req, rep) != 0 || mgmt_json_only_keys(req->body, top, NULL, rep) != 0)
		return -EINVAL;
	pgs = json_object_get(req->body, "pg-streams");
	if (!json_is_object(pgs)) {
		mgmt_reply_error(rep, 400, pgs == NULL ? "field 'pg-streams' is required" :
				"field 'pg-streams' must be an object");
		return -EINVAL;
	}
	if (mgmt_json_only_keys(pgs, mid, "'pg-streams'", rep) != 0)
		return -EINVAL;
	list = json_object_get(pgs, "pg-stream");
	if (list == NULL)
		return 0;	/* no entry: none enabled */
	if (!json_is_array(list) || json_array_size(list) > VPKG_MAX_STREAMS) {
		mgmt_reply_error(rep, 400, "field 'pg-stream' must be an array of at most %u entries",
				VPKG_MAX_STREAMS);
		return -EINVAL;
	}
	json_array_foreach(list, i, e) {
		if (!json_is_object(e)) {
			mgmt_reply_error(rep, 400, "'pg-stream'[%zu] must be an object", i);
			return -EINVAL;
		}
		on = true;
		/* an id too long for a stream name is an unknown stream (404), not a 400 */
		if (mgmt_json_only_keys(e, entry, "a 'pg-stream' entry", rep) != 0 ||
		    mgmt_json_string(e, "id", true, 1024, &id, rep) != 0 ||
		    mgmt_json_bool(e, "is-enabled", false, true, &on, rep) == -EINVAL)
			return -EINVAL;
		for (j = 0; j < l->n; j++) {
			if (strcmp(l->e[j].name, id) == 0) {
				mgmt_reply_error(rep, 400, "pg-stream '%s' is listed twice", id);
				return -EINVAL;
			}
		}
		l->e[l->n].name = id;
		l->e[l->n].enabled = on;
		l->n++;
	}
	return 0;
}

static int
put_pg_streams(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct pg_list *l = malloc(sizeof(*l));
	char err[DP_ERR_LEN] = "";
	int rc;

	RTE_SET_USED(ctx);
	if (l == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	if (parse_pg_streams(req, l, rep) != 0) {
		free(l);
		return rep->status;
	}
	rc = vpkg_streams_modify(edit_pg_streams, l, err, sizeof(err));
	free(l);
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return mgmt_reply_empty(rep, 200);
}

/* The spec of the stream named {id} (ONAP's pg-stream id is the stream name). */
static int
find_named(const struct mgmt_request *req, struct vpkg_stream_spec *out, struct mgmt_reply *rep)
{
	const char *name = mgmt_req_param(req, "id");
	struct vpkg_stream_spec *specs;
	unsigned int n, i;

	specs = specs_copy(&n, rep);
	if (specs == NULL)
		return rep->status;
	for (i = 0; i < n; i++) {
		if (strcmp(specs[i].name, name) == 0) {
			*out = specs[i];
			free(specs);
			return 0;
		}
	}
	free(specs);
	return mgmt_reply_error(rep, 404, "pg-stream '%s': no such stream", name);
}

static int
get_pg_stream(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	struct vpkg_stream_spec s;

	RTE_SET_USED(ctx);
	if (find_named(req, &s, rep) != 0)
		return rep->status;
	return mgmt_reply_json(rep, 200, json_pack("{s:[o]}", "pg-stream",
			pg_entry(s.name, s.enabled)));
}

static int
delete_pg_stream(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	char err[DP_ERR_LEN] = "";
	struct vpkg_stream_spec s;
	int rc;

	RTE_SET_USED(ctx);
	if (find_named(req, &s, rep) != 0)
		return rep->status;
	rc = vpkg_stream_set_enabled(s.name, false, err, sizeof(err));
	if (rc != 0)
		return mgmt_reply_errno(rep, rc, err);
	return mgmt_reply_empty(rep, 200);
}

struct mgmt_route_table
vpkg_onap_routes(void)
{
	static const struct mgmt_route_def routes[] = {
		{ "GET", SC_ROOT, get_stream_count_root },
		{ "GET", SC_STREAMS, get_stream_count },
		{ "PUT", SC_STREAMS, put_stream_count },
		{ "GET", SP_ROOT, get_sample_plugin },
		{ "GET", SP_STREAMS, get_pg_streams },
		{ "PUT", SP_STREAMS, put_pg_streams },
		{ "GET", SP_STREAM, get_pg_stream },
		{ "DELETE", SP_STREAM, delete_pg_stream },
	};

	return (struct mgmt_route_table){ routes, RTE_DIM(routes), NULL };
}
