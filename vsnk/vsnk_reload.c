/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Restart's re-read for vsnk (dp_lifecycle.h): the --config file and the
 * command line of the start parsed again into fresh option structs; what
 * vsnk can change while running is applied: --max-packets (the main tick
 * reads it), the dashboard's interval and history (as PUT
 * /api/v1/dashboard; only when they changed, since that clears its
 * history), and --no-verify-cksum / --no-fast-path (written while the
 * workers are paused; each copies them when it resumes). The other options
 * are checked, so a bad value anywhere refuses the restart, but stay as
 * started: --max-streams sizes the workers' stream tables, which report
 * threads read without a lock (a change is logged as not applied; README:
 * Lifecycle).
 */
#include <errno.h>
#include <stdio.h>

#include "dashboard.h"
#include "dp_log.h"
#include "dp_options.h"
#include "vsnk.h"
#include "vsnk_mgmt.h"

int
vsnk_reload(void *ctx, char *err, size_t errlen)
{
	const struct dp_app *app = ctx;
	struct vsnk_options o;
	struct dashboard_options d;
	int rc;

	vsnk_options_init(&o);
	dashboard_options_init(&d);
	rc = dp_options_reread(app, (const struct dp_reread_ctx[]){
				{ .live = &vsnk.opt, .fresh = &o },
				{ .live = vsnk_mgmt_dashboard_options(), .fresh = &d },
			}, 2, err, errlen);
	if (rc != 0)
		return rc;
	rc = vsnk_mgmt_dashboard_reconfigure(&d);
	if (rc != 0) {
		snprintf(err, errlen, "cannot allocate the dashboard history of %u intervals",
			 d.history);
		return rc;
	}
	__atomic_store_n(&vsnk.opt.max_packets, o.max_packets, __ATOMIC_RELAXED);
	/* the workers are paused (dp_lifecycle's restart): they copy these at resume */
	__atomic_store_n(&vsnk.opt.verify_cksum, o.verify_cksum, __ATOMIC_RELAXED);
	__atomic_store_n(&vsnk.opt.no_fast_path, o.no_fast_path, __ATOMIC_RELAXED);
	if (o.max_streams != vsnk.opt.max_streams)
		dp_log(DP_LOG_WARNING, "lifecycle", "restart: --max-streams %u not applied, "
		       "%u until the next start (it sizes the stream tables)",
		       o.max_streams, vsnk.opt.max_streams);
	return 0;
}
