/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "onap_request.h"

int
onap_request_build(enum policy_api api, unsigned int n, struct onap_request *r)
{
	size_t off;
	unsigned int i;

	if (n < 1 || n > 10)
		return -EINVAL;
	r->method = "PUT";
	if (api == POLICY_API_STREAM_COUNT) {
		snprintf(r->path, sizeof(r->path), "/restconf/config/stream-count:stream-count/streams");
		snprintf(r->body, sizeof(r->body), "{\"streams\": {\"active-streams\": %u}}", n);
		return 0;
	}
	snprintf(r->path, sizeof(r->path), "/restconf/config/sample-plugin:sample-plugin/pg-streams");
	off = (size_t)snprintf(r->body, sizeof(r->body), "{\"pg-streams\": {\"pg-stream\": [");
	for (i = 1; i <= n; i++)
		off += (size_t)snprintf(r->body + off, sizeof(r->body) - off,
				"%s{\"id\": \"fw_udp%u\", \"is-enabled\": \"true\"}", i > 1 ? ", " : "", i);
	snprintf(r->body + off, sizeof(r->body) - off, "]}}");
	return 0;
}
