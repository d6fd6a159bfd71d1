/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Collector URLs: syntax check of --ves-url and the two endpoints derived
 * from it (single events, eventBatch). libcurl's URL parser does the parsing,
 * so what is accepted here is exactly what the transport will use.
 *
 * Thread safety: pure functions (no shared state).
 */
#ifndef VES_URL_H
#define VES_URL_H

#include <stddef.h>

/*
 * Accept http:// or https:// URLs with a host, an optional port and path;
 * refuse other schemes, a missing host, credentials in the URL (use
 * --ves-user / --ves-password-file) and fragments. 0, or -EINVAL with the
 * reason in why.
 */
int ves_url_check(const char *url, char *why, size_t whylen);

/* 1 for an https URL, 0 otherwise (the URL must have passed ves_url_check). */
int ves_url_is_https(const char *url);

/*
 * The VES version the URL's path names (".../eventListener/v5" -> 5,
 * ".../v7" -> 7), 0 when it names none.
 */
unsigned int ves_url_path_version(const char *url);

/*
 * Endpoints: the URL's own path without trailing slashes, or
 * /eventListener/v<version> when the URL has no path; the batch endpoint is
 * that path plus "/eventBatch" (VES event listener API). 0 or -EINVAL/-ENOSPC.
 */
int ves_url_endpoints(const char *url, unsigned int version, char *single, size_t single_len,
		char *batch, size_t batch_len);

#endif /* VES_URL_H */
