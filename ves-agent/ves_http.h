/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport: one libcurl easy handle (connections kept alive between
 * requests) that POSTs a body (VES JSON, InfluxDB lines) and classifies the answer.
 *
 * Thread safety: a handle belongs to one thread (the sender). curl_global_init
 * must have run (ves_agent_create does it).
 */
#ifndef VES_HTTP_H
#define VES_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ves_config.h"

enum ves_http_verdict {
	VES_HTTP_DELIVERED,	/* 2xx */
	VES_HTTP_REJECTED,	/* 4xx but 408 and 429: do not send it again */
	VES_HTTP_RETRY,		/* 408, 429, 5xx, other, transport error, garbage */
};

#define VES_HTTP_ERR_LEN 256
#define VES_HTTP_REPLY_LEN 160

struct ves_http_result {
	long status;			/* HTTP status, 0 when none */
	char error[VES_HTTP_ERR_LEN];	/* transport error or "HTTP <status>", "" when 2xx */
	char reply[VES_HTTP_REPLY_LEN];	/* start of the answer's body, for the log */
};

struct ves_http;

/*
 * NULL on ENOMEM. Takes the TLS, auth (Basic user/password, or an
 * "Authorization: Token" header) and timeout settings from cfg (copied);
 * bodies are sent as content_type.
 */
struct ves_http *ves_http_create(const struct ves_config *cfg, const char *content_type);
void ves_http_free(struct ves_http *h);

/*
 * POST body (len bytes, JSON) to url. timeout_ms caps the whole request
 * (0: the configured --ves-timeout). Returns the verdict; res says why.
 */
enum ves_http_verdict ves_http_post(struct ves_http *h, const char *url, const char *body,
		size_t len, uint32_t timeout_ms, struct ves_http_result *res);

/* The verdict for an HTTP status (0 = no valid answer). */
enum ves_http_verdict ves_http_classify(long status);

#endif /* VES_HTTP_H */
