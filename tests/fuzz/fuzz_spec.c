/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vpkg's stream JSON (vpkg/spec_json.c), the "streams" array
 * of --config (the input: the array, or an object holding it). Besides
 * memory errors: every stream taken is shown (vpkg_spec_to_json) in a form
 * that parses back to the same stream.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "fuzz_json.h"
#include "spec.h"

#define FUZZ_MAX_SPECS 16

static void
check_round_trip(const struct vpkg_stream_spec *s)
{
	struct vpkg_stream_spec again;
	json_t *shown = vpkg_spec_to_json(s), *arr = json_array(), *shown2;
	char err[512] = "";
	int n;

	FUZZ_CHECK(shown != NULL && arr != NULL);
	json_array_append(arr, shown);
	n = vpkg_spec_parse_json(arr, &again, 1, err, sizeof(err));
	if (n != 1) {
		char *t = json_dumps(shown, JSON_COMPACT);

		fprintf(stderr, "shown stream refused: %s: %s\n", t, err);
		free(t);
	}
	FUZZ_CHECK(n == 1);
	shown2 = vpkg_spec_to_json(&again);
	FUZZ_CHECK(json_equal(shown, shown2));
	json_decref(shown2);
	json_decref(shown);
	json_decref(arr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpkg_stream_spec *specs;
	json_t *doc = fuzz_json_load(data, size), *arr;
	char err[512] = "";
	int n, i;

	if (doc == NULL)
		return 0;
	arr = json_is_object(doc) ? json_object_get(doc, "streams") : doc;
	specs = calloc(FUZZ_MAX_SPECS, sizeof(*specs));
	FUZZ_CHECK(specs != NULL);
	n = vpkg_spec_parse_json(arr, specs, FUZZ_MAX_SPECS, err, sizeof(err));
	FUZZ_CHECK(n <= FUZZ_MAX_SPECS);
	if (n < 0)
		FUZZ_CHECK(err[0] != '\0');
	for (i = 0; i < n; i++)
		check_round_trip(&specs[i]);
	free(specs);
	json_decref(doc);
	return 0;
}
