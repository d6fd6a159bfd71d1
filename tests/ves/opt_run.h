/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Option parsing of one export's option group (VES or InfluxDB) in a unit
 * test: the group registered on an empty application, argv parsed. Include
 * after cmocka.h.
 */
#ifndef TEST_OPT_RUN_H
#define TEST_OPT_RUN_H

#include <stdint.h>
#include <string.h>

#include "dp_options.h"
#include "ves_config.h"

struct opt_run {
	struct dp_app app;
	struct dp_config dcfg;
	struct ves_config cfg;
	char err[DP_ERR_LEN];
};

/* Parse args (NULL-terminated, without argv[0]) with the group that defaults and reg set up. */
static inline int
opt_run_parse(struct opt_run *r, void (*defaults)(struct ves_config *),
		int (*reg)(struct dp_app *, struct ves_config *), const char *const *args)
{
	char *argv[32];
	int argc = 0;

	memset(r, 0, sizeof(*r));
	r->app.name = "test";
	r->app.summary = "test";
	dp_config_defaults(&r->dcfg);
	defaults(&r->cfg);
	assert_int_equal(reg(&r->app, &r->cfg), 0);
	argv[argc++] = (char *)(uintptr_t)"test";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)(uintptr_t)*args++;
	argv[argc] = NULL;
	return dp_options_parse(&r->app, &r->dcfg, argc, argv, r->err, sizeof(r->err));
}

#endif /* TEST_OPT_RUN_H */
