/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ves_url.h"

#define PATH_LEN 1024

/* Get one part; NULL when absent. Free with curl_free. */
static char *
url_part(CURLU *h, CURLUPart part)
{
	char *s = NULL;

	if (curl_url_get(h, part, &s, 0) != CURLUE_OK)
		return NULL;
	return s;
}

static CURLU *
url_parse(const char *url, CURLUcode *rc)
{
	CURLU *h = curl_url();

	if (h == NULL) {
		*rc = CURLUE_OUT_OF_MEMORY;
		return NULL;
	}
	*rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (*rc != CURLUE_OK) {
		curl_url_cleanup(h);
		return NULL;
	}
	return h;
}

int
ves_url_check(const char *url, char *why, size_t whylen)
{
	char *scheme = NULL, *host = NULL, *user = NULL, *frag = NULL;
	CURLUcode uc;
	CURLU *h;
	int rc = -EINVAL;

	if (url == NULL || *url == '\0') {
		snprintf(why, whylen, "empty URL");
		return -EINVAL;
	}
	if (strstr(url, "://") == NULL) {
		snprintf(why, whylen, "expected http://HOST[:PORT][/PATH] or https://...");
		return -EINVAL;
	}
	h = url_parse(url, &uc);
	if (h == NULL) {
		snprintf(why, whylen, "not a URL: %s", curl_url_strerror(uc));
		return -EINVAL;
	}
	scheme = url_part(h, CURLUPART_SCHEME);
	host = url_part(h, CURLUPART_HOST);
	user = url_part(h, CURLUPART_USER);
	frag = url_part(h, CURLUPART_FRAGMENT);
	if (scheme == NULL || (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0))
		snprintf(why, whylen, "scheme must be http or https");
	else if (host == NULL || *host == '\0')
		snprintf(why, whylen, "no host");
	else if (user != NULL)
		snprintf(why, whylen,
			 "no credentials in the URL; use --ves-user and --ves-password-file");
	else if (frag != NULL)
		snprintf(why, whylen, "no #fragment in a collector URL");
	else
		rc = 0;
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(frag);
	curl_url_cleanup(h);
	return rc;
}

int
ves_url_is_https(const char *url)
{
	return strncasecmp(url, "https://", 8) == 0;
}

/* The URL's path without trailing slashes ("" for none or "/"). */
static int
url_path(CURLU *h, char *out, size_t outlen)
{
	char *path = url_part(h, CURLUPART_PATH);
	size_t n;

	if (path == NULL) {
		out[0] = '\0';
		return 0;
	}
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n >= outlen) {
		curl_free(path);
		return -ENOSPC;
	}
	memcpy(out, path, n);
	out[n] = '\0';
	curl_free(path);
	return 0;
}

unsigned int
ves_url_path_version(const char *url)
{
	char path[PATH_LEN];
	unsigned int v = 0;
	const char *last;
	CURLUcode uc;
	CURLU *h;

	h = url_parse(url, &uc);
	if (h == NULL)
		return 0;
	if (url_path(h, path, sizeof(path)) == 0) {
		last = strrchr(path, '/');
		if (last != NULL && (strcmp(last, "/v5") == 0 || strcmp(last, "/v7") == 0))
			v = (unsigned int)(last[2] - '0');
	}
	curl_url_cleanup(h);
	return v;
}

/* URL of h with its path replaced by path. */
static int
url_with_path(CURLU *h, const char *path, char *out, size_t outlen)
{
	char *s = NULL;
	int rc = 0;

	if (curl_url_set(h, CURLUPART_PATH, path, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &s, 0) != CURLUE_OK)
		return -EINVAL;
	if (snprintf(out, outlen, "%s", s) >= (int)outlen)
		rc = -ENOSPC;
	curl_free(s);
	return rc;
}

int
ves_url_endpoints(const char *url, unsigned int version, char *single, size_t single_len,
		char *batch, size_t batch_len)
{
	char path[PATH_LEN], bpath[PATH_LEN + 16];
	CURLUcode uc;
	CURLU *h;
	int rc;

	h = url_parse(url, &uc);
	if (h == NULL)
		return -EINVAL;
	rc = url_path(h, path, sizeof(path));
	if (rc == 0 && path[0] == '\0')
		snprintf(path, sizeof(path), "/eventListener/v%u", version);
	if (rc == 0)
		rc = url_with_path(h, path, single, single_len);
	if (rc == 0) {
		snprintf(bpath, sizeof(bpath), "%s/eventBatch", path);
		rc = url_with_path(h, bpath, batch, batch_len);
	}
	curl_url_cleanup(h);
	return rc;
}
