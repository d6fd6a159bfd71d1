/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk's VES agent (ves-agent/): the --ves-* options, the port totals it
 * reports (from vsnk's per-lcore counters, read without blocking a worker)
 * and the "ves" section of the stats JSON. Off unless --ves-url is given.
 *
 * Thread safety: main thread, but vsnk_ves_stats_json (any thread: the
 * agent is published atomically once started); the agent's own threads call
 * the source.
 */
#ifndef VSNK_VES_H
#define VSNK_VES_H

#include <stddef.h>

#include <jansson.h>

#include "dp_options.h"

/* Add the --ves-* option group (before dp_main_init). */
int vsnk_ves_register(struct dp_app *app);

/* After option parsing: cross-option checks; exits 2 with one line if bad. */
void vsnk_ves_check(void);

/* After the ports are up, before the workers start. 0 or -errno with err. */
int vsnk_ves_start(char *err, size_t errlen);

/* After the workers returned: last partial event, drain, threads joined. */
void vsnk_ves_stop(void);

/* Free the agent (after dp_main_finish and the REST server's stop). */
void vsnk_ves_free(void);

/* vsnk_stats_json() plus the "ves" section when the agent runs (a hook). */
json_t *vsnk_ves_stats_json(void *ctx);

#endif /* VSNK_VES_H */
