/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requests an ONAP closed loop sends to the traffic generator (APPC's
 * vFW "ModifyConfig"), byte for byte:
 *   stream-count (Dublin and later):
 *     PUT /restconf/config/stream-count:stream-count/streams
 *     {"streams": {"active-streams": N}}
 *   sample-plugin (Amsterdam to Casablanca):
 *     PUT /restconf/config/sample-plugin:sample-plugin/pg-streams
 *     {"pg-streams": {"pg-stream": [{"id": "fw_udp1", "is-enabled": "true"}, ...]}}
 *     (the listed streams are the enabled ones: fw_udp1..fw_udpN)
 * with Content-Type and Accept application/json and HTTP Basic auth.
 */
#ifndef CTL_ONAP_REQUEST_H
#define CTL_ONAP_REQUEST_H

#include <stddef.h>

#include "policy.h"

struct onap_request {
	const char *method;	/* "PUT" */
	char path[128];
	char body[1024];
};

/* Build the request that sets n active streams (1..10). 0, or -EINVAL. */
int onap_request_build(enum policy_api api, unsigned int n, struct onap_request *r);

#endif /* CTL_ONAP_REQUEST_H */
