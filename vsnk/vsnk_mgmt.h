/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk's management plane: the mgmt/ binding (stats, config, reset, metrics
 * with per-stream families) and vsnk's own routes:
 *
 *	GET /api/v1/streams          the stats' "streams" array
 *	GET /api/v1/streams/{id}     one stream (400 bad id, 404 never seen)
 *	GET /api/v1/intervals        the dashboard data (dashboard.h); ?until=MS fixes
 *	                             the view at a past instant, ?last=N the last N
 *	GET|PUT /api/v1/dashboard    {"interval_s":10,"history":60}; a PUT clears the history
 *	GET / and /dashboard         the live page (dashboard.html, embedded)
 *
 * Thread safety: create/start/stop on the main lcore; the tick on the main
 * lcore; handlers on mgmt threads (see mgmt.h). Everything here only reads
 * the workers' counters and stream tables, and asks for resets through the
 * workers' request flags.
 */
#ifndef VSNK_MGMT_H
#define VSNK_MGMT_H

#include <stddef.h>

#include "dp_options.h"

/* Add the mgmt and dashboard option groups to app (before dp_main_init). */
int vsnk_mgmt_register_options(struct dp_app *app);

/*
 * After the counters and stream tables exist: check the options. GET
 * /api/v1/stats serves hooks->stats_json (the --stats-file JSON).
 * -EINVAL: exit 2.
 */
struct dp_main_hooks;
int vsnk_mgmt_create(const struct dp_main_hooks *hooks, char *err, size_t errlen);

/* After the ports are up: listen (no-op without --mgmt). -EINVAL: exit 2. */
int vsnk_mgmt_start(char *err, size_t errlen);

/* From the main loop tick: the dashboard sampler (when the server runs). */
void vsnk_mgmt_tick(void);

/* The live dashboard options (the context of their table, for dp_options_reread). */
struct dashboard_options;
const struct dashboard_options *vsnk_mgmt_dashboard_options(void);

/*
 * Restart's re-read: the dashboard takes o's interval and history when they
 * differ from the current ones (clearing its history, as a PUT does);
 * nothing without the dashboard (no --mgmt). 0 or -ENOMEM (nothing changed).
 */
int vsnk_mgmt_dashboard_reconfigure(const struct dashboard_options *o);

/* After the workers returned, before the ports are closed. */
void vsnk_mgmt_stop(void);

#endif /* VSNK_MGMT_H */
