/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vpkg's ONAP request bodies (vpkg/onap_api.c, included here
 * for its static handlers) against a real stream table (vpkg/streams.c,
 * ONAP's ten streams, no worker). The first byte picks the request:
 *   0: PUT stream-count/streams      body: the rest
 *   1: PUT sample-plugin/pg-streams  body: the rest
 *   2: GET  pg-streams/pg-stream/{id}   id: the rest
 *   3: DELETE pg-streams/pg-stream/{id} id: the rest
 * Besides memory errors: a refused request changes no stream, and a PUT
 * taken leaves exactly the streams it asked for enabled.
 */
#include "../../vpkg/onap_api.c"

#include "fuzz.h"
#include "fuzz_json.h"
#include "mgmt_internal.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vpkg_stream_spec specs[ONAP_MAX_ACTIVE];
	char err[DP_ERR_LEN] = "";
	struct vpkg_env env;
	unsigned int n;

	(void)argc;
	(void)argv;
	memset(&env, 0, sizeof(env));
	env.tsc_hz = 2000000000ull;
	env.nb_ports = 1;
	env.nb_workers = 1;
	env.port[0].peer_state = VPKG_PEER_STATIC;
	env.port[0].speed_mbps = 10000;
	for (n = 0; n < VPKG_MAX_WORKERS; n++)
		env.port[0].txq[n] = n == 0 ? 0 : -1;
	n = vpkg_spec_onap(specs, ONAP_MAX_ACTIVE);
	if (vpkg_streams_init(&env, specs, n, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_onap: %s\n", err);
		abort();
	}
	return 0;
}

/* The enabled flag of every stream, and how many there are. */
static unsigned int
enabled_now(bool on[VPKG_MAX_STREAMS])
{
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));
	unsigned int n, i;

	FUZZ_CHECK(specs != NULL);
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);
	for (i = 0; i < n; i++)
		on[i] = specs[i].enabled;
	free(specs);
	return n;
}

/* After a 200 to PUT active-streams N: the first N streams on, the others off. */
static void
check_active(const json_t *body, const bool *on, unsigned int n)
{
	json_t *v = json_object_get(json_object_get(body, "streams"), "active-streams");
	unsigned int want = json_is_integer(v) ? (unsigned int)json_integer_value(v) :
			    (unsigned int)strtoul(json_string_value(v), NULL, 10);
	unsigned int i;

	for (i = 0; i < n; i++)
		FUZZ_CHECK(on[i] == (i < want));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool before[VPKG_MAX_STREAMS], after[VPKG_MAX_STREAMS];
	struct mgmt_request req = { .method = "PUT" };
	struct mgmt_reply rep = { .status = 500 };
	char id[256];
	unsigned int n;

	if (size < 1)
		return 0;
	n = enabled_now(before);
	req.nb_params = 1;
	req.param_names[0] = "{id}";
	req.params[0] = id;
	snprintf(id, sizeof(id), "%.*s", (int)RTE_MIN(size - 1, sizeof(id) - 1),
		 (const char *)data + 1);
	switch (data[0] & 3) {
	case 0:
	case 1:
		req.body = fuzz_json_load(data + 1, size - 1);
		if (data[0] & 1)
			put_pg_streams(NULL, &req, &rep);
		else
			put_stream_count(NULL, &req, &rep);
		break;
	case 2:
		req.method = "GET";
		get_pg_stream(NULL, &req, &rep);
		break;
	default:
		req.method = "DELETE";
		delete_pg_stream(NULL, &req, &rep);
		break;
	}
	FUZZ_CHECK(rep.status >= 200 && rep.status < 600);
	FUZZ_CHECK(enabled_now(after) == n);
	if (rep.status != 200)
		FUZZ_CHECK(memcmp(before, after, sizeof(bool) * n) == 0);
	else if ((data[0] & 3) == 0)
		check_active(req.body, after, n);
	mgmt_reply_release(&rep);
	json_decref(req.body);
	return 0;
}
