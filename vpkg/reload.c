/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Restart's re-read for vpkg (dp_lifecycle.h): the stream set is made again
 * from the --config file and the command line of the start, as at start-up
 * (the "streams" array, or the demo's streams shaped by --rate, --size...,
 * and --count, --active-streams), checked against the ports, and replaces
 * the current set as one table (streams.h; per-id sequence numbers and
 * counters carry over). Every other option is parsed too, so a bad value
 * anywhere in the file refuses the restart, but is not applied: the ports,
 * addresses and pacing limits stay as started (README: Lifecycle).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dp_options.h"
#include "streams.h"
#include "vpkg.h"

int
vpkg_reload(void *ctx, char *err, size_t errlen)
{
	struct vpkg_options *o = calloc(1, sizeof(*o));
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));
	struct vpkg_env *env = calloc(1, sizeof(*env));
	struct dp_reread_ctx ctxs[1];
	int rc, n = 0;

	(void)ctx;
	if (o == NULL || specs == NULL || env == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	vpkg_options_init(o);
	ctxs[0] = (struct dp_reread_ctx){ .live = &vpkg.opt, .fresh = o };
	rc = dp_options_reread(&vpkg_app, ctxs, 1, err, errlen);
	if (rc == 0) {
		n = vpkg_options_streams(o, specs, VPKG_MAX_STREAMS, err, errlen);
		rc = n < 0 ? n : 0;
	}
	if (rc == 0) {
		vpkg_streams_env(env);
		rc = vpkg_options_check_ports(o, specs, (unsigned int)n, env, err, errlen);
	}
	if (rc == 0)
		rc = vpkg_streams_update(specs, (unsigned int)n, err, errlen);
out:
	if (o != NULL)
		free(o->cfg_specs);
	free(o);
	free(specs);
	free(env);
	return rc;
}
