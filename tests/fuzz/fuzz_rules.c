/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vfw's rule file parser (vfw/rules_parse.c). The input is a
 * rule file (cut at its first NUL). Besides memory errors: every rule the
 * parser takes has a canonical text (vfw_rule_format) that parses back to
 * the same canonical text, and a refusal always says why.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rules.h"

/* The canonical text of rule r parses to one rule with the same text. */
static void
check_round_trip(const struct vfw_rule *r)
{
	char text[1024], again[1024], err[512] = "";
	struct vfw_rule_list l;
	int n = vfw_rule_format(r, text, sizeof(text));

	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(text));
	if (vfw_rules_parse(text, "<fuzz>", &l, err, sizeof(err)) != 0) {
		fprintf(stderr, "canonical text refused: '%s': %s\n", text, err);
		FUZZ_CHECK(!"the canonical text of a rule parses");
	}
	FUZZ_CHECK(l.nb_rules == 1);
	vfw_rule_format(&l.rules[0], again, sizeof(again));
	if (strcmp(text, again) != 0)
		fprintf(stderr, "'%s' reads back as '%s'\n", text, again);
	FUZZ_CHECK(strcmp(text, again) == 0);
	vfw_rule_list_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char err[512] = "";
	struct vfw_rule_list l;
	unsigned int i;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vfw_rules_parse(text, "<fuzz>", &l, err, sizeof(err)) == 0) {
		for (i = 0; i < l.nb_rules; i++)
			check_round_trip(&l.rules[i]);
		vfw_rule_list_free(&l);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	free(text);
	return 0;
}
