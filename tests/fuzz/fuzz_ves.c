/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the controller's reading of a VES request body
 * (controller/ves_check.c, then tca.c), as post_events() in
 * controller_main.c does: the body checked for one route (first byte:
 * VES 5 or 7, single event or eventBatch), then every event evaluated
 * against ONAP's default policy. Besides memory errors: a body refused
 * says why, and a body taken has between 1 and VES_CHECK_MAX_EVENTS
 * events, each with a verdict and its source name terminated.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_json.h"
#include "policy.h"
#include "tca.h"
#include "ves_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const json_t *single, *list;
	struct tca_reading r;
	struct policy p;
	char why[512] = "";
	json_t *body;
	int version, n, i;
	bool batch;

	if (size < 1)
		return 0;
	version = (data[0] & 1) ? 7 : 5;
	batch = (data[0] & 2) != 0;
	body = fuzz_json_load(data + 1, size - 1);
	if (body == NULL)
		return 0;
	if (ves_check_body(body, version, batch, why, sizeof(why)) != 0) {
		FUZZ_CHECK(why[0] != '\0');
		json_decref(body);
		return 0;
	}
	n = tca_events(body, &single, &list);
	FUZZ_CHECK(n >= 1 && n <= VES_CHECK_MAX_EVENTS);
	policy_defaults(&p);
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));	/* calloc'd, as in post_events() */
		tca_evaluate(&p, single != NULL ? single : json_array_get(list, (size_t)i), &r);
		FUZZ_CHECK(r.verdict <= TCA_HIGH);
		FUZZ_CHECK(memchr(r.source, '\0', sizeof(r.source)) != NULL);
		FUZZ_CHECK(memchr(r.why, '\0', sizeof(r.why)) != NULL);
		(void)tca_verdict_name(r.verdict);
	}
	json_decref(body);
	return 0;
}
