/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The action of the closed loop: the ONAP request to the traffic generator
 * (onap_request.h), sent with libcurl from the controller's own action
 * thread, so that the collector's handler never waits for vpkg.
 *
 * Thread safety: action_send() is called by the action thread only.
 */
#ifndef CTL_ACTION_H
#define CTL_ACTION_H

#include <stddef.h>

#include "onap_request.h"

struct action_target {
	char url[256];		/* base URL of vpkg, e.g. http://127.0.0.1:8183 */
	char user[128];		/* Basic auth; "" = none */
	char password[128];	/* secret: never logged */
	long timeout_ms;
};

/*
 * Send r to the target. Returns the HTTP status (> 0), or a negative value
 * with a one-line reason in err (connection refused, timeout, ...).
 */
long action_send(const struct action_target *t, const struct onap_request *r,
		char *err, size_t errlen);

#endif /* CTL_ACTION_H */
