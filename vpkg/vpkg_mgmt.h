/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg on the management plane (mgmt/): the binding (stats, config, reset,
 * per-stream metrics), the native stream routes (vpkg_mgmt.c) and the two
 * ONAP APIs (onap_api.c), all on the one --mgmt server.
 *
 * Native, under /api/v1 (plus the routes every binary has, mgmt.h):
 *	GET          /api/v1/streams               every stream (as in the stats JSON)
 *	GET          /api/v1/streams/{id}          one stream, by id or by name
 *	PUT | PATCH  /api/v1/streams/{id}          {"enabled", "rate", "size"}: any of them,
 *	                                           in the --config formats, applied at once
 *	POST         /api/v1/streams/{id}/enable   (no body, or {})
 *	POST         /api/v1/streams/{id}/disable
 *	GET          /api/v1/rate                  total target rate of the enabled streams
 *	PUT          /api/v1/rate                  {"rate": R}: R shared evenly by them
 *
 * ONAP (restconf, as Honeycomb served them on the demo's packet generator):
 *	GET | PUT    /restconf/config/stream-count:stream-count/streams
 *	GET          /restconf/config/stream-count:stream-count
 *	GET | PUT    /restconf/config/sample-plugin:sample-plugin/pg-streams
 *	GET          /restconf/config/sample-plugin:sample-plugin
 *	GET | DELETE /restconf/config/sample-plugin:sample-plugin/pg-streams/pg-stream/{id}
 *
 * A change returns 200 only after the tx workers run on the new stream table
 * (streams.h); a request that fails changes nothing.
 *
 * --onap: the REST server on 127.0.0.1:8183 (the demo's port) unless --mgmt
 * gives the address; refused without --mgmt-user and a password (no built-in
 * credentials).
 *
 * Thread safety: create/start/stop on the main lcore; the handlers run on the
 * server's threads, one at a time, and change streams through streams.h.
 */
#ifndef VPKG_MGMT_H
#define VPKG_MGMT_H

#include <stddef.h>

#include "dp_main.h"
#include "dp_options.h"
#include "mgmt.h"

#define VPKG_ONAP_PORT 8183
#define VPKG_ONAP_HOST "127.0.0.1"

/* Add the management options group to app (before dp_main_init). 0 or -ENOSPC. */
int vpkg_mgmt_register_options(struct dp_app *app);

/*
 * After dp_main_init: apply --onap (address, credentials), check the
 * management options, create the server and add vpkg's routes. Returns 0,
 * -EINVAL with err (bad options: exit 2) or another negative errno.
 */
int vpkg_mgmt_create(const struct dp_main_hooks *hooks, char *err, size_t errlen);

/* Listen (a no-op without --mgmt/--onap), once the stream table exists. */
int vpkg_mgmt_start(char *err, size_t errlen);

/* Stop and free the server (before the ports are closed). */
void vpkg_mgmt_stop(void);

#endif /* VPKG_MGMT_H */
