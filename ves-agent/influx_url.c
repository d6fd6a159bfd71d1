/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "influx_url.h"

#define QUERY_MAX 1024

/* The value of key in a query string ("" for "key=", NULL when absent). */
static bool
query_has(const char *query, const char *key, char *val, size_t vallen)
{
	size_t klen = strlen(key);
	const char *p = query;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n > klen && p[klen] == '=' && strncmp(p, key, klen) == 0) {
			snprintf(val, vallen, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return true;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

int
influx_url_endpoint(const char *url, char *out, size_t outlen, char *why, size_t whylen)
{
	char *path = NULL, *query = NULL, val[QUERY_MAX];
	int api = -EINVAL;
	bool v1, v2;
	CURLU *h = curl_url();

	if (h == NULL || curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK) {
		snprintf(why, whylen, "not a URL");
		goto out;
	}
	curl_url_get(h, CURLUPART_PATH, &path, 0);
	curl_url_get(h, CURLUPART_QUERY, &query, 0);
	v1 = path != NULL && strcmp(path, "/write") == 0;
	v2 = path != NULL && strcmp(path, "/api/v2/write") == 0;
	if (!v1 && !v2) {
		snprintf(why, whylen, "the path must be /write (InfluxDB 1.x) or /api/v2/write (2.x)");
		goto out;
	}
	if (v1 && !(query_has(query, "db", val, sizeof(val)) && val[0] != '\0')) {
		snprintf(why, whylen, "an InfluxDB 1.x URL needs ?db=NAME");
		goto out;
	}
	if (v2 && !(query_has(query, "org", val, sizeof(val)) && val[0] != '\0' &&
		    query_has(query, "bucket", val, sizeof(val)) && val[0] != '\0')) {
		snprintf(why, whylen, "an InfluxDB 2.x URL needs ?org=ORG&bucket=BUCKET");
		goto out;
	}
	if (query_has(query, "precision", val, sizeof(val))) {
		if (strcmp(val, "ns") != 0) {
			snprintf(why, whylen, "precision must be ns (the points carry ns timestamps)");
			goto out;
		}
	} else if (curl_url_set(h, CURLUPART_QUERY, "precision=ns", CURLU_APPENDQUERY) !=
		   CURLUE_OK) {
		snprintf(why, whylen, "cannot add precision=ns");
		goto out;
	}
	curl_free(path);
	path = NULL;
	if (curl_url_get(h, CURLUPART_URL, &path, 0) != CURLUE_OK ||
	    snprintf(out, outlen, "%s", path) >= (int)outlen) {
		snprintf(why, whylen, "URL too long");
		goto out;
	}
	api = v1 ? INFLUX_API_V1 : INFLUX_API_V2;
out:
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(h);
	return api;
}
