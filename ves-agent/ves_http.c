/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ves_http.h"

#define USER_AGENT "vfwcl-ves-agent/" VFWCL_VERSION

struct ves_http {
	CURL *curl;
	struct curl_slist *headers;
	uint32_t timeout_ms;
	char errbuf[CURL_ERROR_SIZE];
	/* the answer's first bytes, while a request runs */
	char reply[VES_HTTP_REPLY_LEN];
	size_t reply_len;
};

enum ves_http_verdict
ves_http_classify(long status)
{
	if (status >= 200 && status < 300)
		return VES_HTTP_DELIVERED;
	if (status >= 400 && status < 500 && status != 408 && status != 429)
		return VES_HTTP_REJECTED;
	return VES_HTTP_RETRY;
}

/* Keep the start of the answer (for the log), discard the rest. */
static size_t
on_reply(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ves_http *h = arg;
	size_t n = size * nmemb, room = sizeof(h->reply) - 1 - h->reply_len;
	size_t k = n < room ? n : room;

	memcpy(h->reply + h->reply_len, data, k);
	h->reply_len += k;
	h->reply[h->reply_len] = '\0';
	return n;
}

struct ves_http *
ves_http_create(const struct ves_config *cfg, const char *content_type)
{
	struct ves_http *h = calloc(1, sizeof(*h));
	char line[VES_SECRET_MAX + 64];
	CURL *c;

	if (h == NULL)
		return NULL;
	h->curl = c = curl_easy_init();
	snprintf(line, sizeof(line), "Content-Type: %s", content_type);
	h->headers = curl_slist_append(NULL, line);
	if (h->headers != NULL)
		h->headers = curl_slist_append(h->headers, "Accept: application/json");
	if (h->headers != NULL)	/* no "Expect: 100-continue" round trip */
		h->headers = curl_slist_append(h->headers, "Expect:");
	if (h->headers != NULL && cfg->token[0] != '\0') {
		/* InfluxDB 2.x (and 1.8+) token auth; the list is freed with the handle */
		snprintf(line, sizeof(line), "Authorization: Token %s", cfg->token);
		h->headers = curl_slist_append(h->headers, line);
	}
	explicit_bzero(line, sizeof(line));
	if (c == NULL || h->headers == NULL) {
		ves_http_free(h);
		return NULL;
	}
	h->timeout_ms = cfg->timeout_ms;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);	/* threads: no SIGALRM */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	if (cfg->user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password);	/* libcurl copies it */
	}
	if (cfg->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	return h;
}

void
ves_http_free(struct ves_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h);
}

enum ves_http_verdict
ves_http_post(struct ves_http *h, const char *url, const char *body, size_t len,
		uint32_t timeout_ms, struct ves_http_result *res)
{
	CURL *c = h->curl;
	long status = 0;
	CURLcode cc;

	h->errbuf[0] = '\0';
	h->reply[0] = '\0';
	h->reply_len = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	if (timeout_ms == 0 || timeout_ms > h->timeout_ms)
		timeout_ms = h->timeout_ms;
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	cc = curl_easy_perform(c);
	snprintf(res->reply, sizeof(res->reply), "%s", h->reply);
	if (cc != CURLE_OK) {
		res->status = 0;
		snprintf(res->error, sizeof(res->error), "%s",
			 h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(cc));
		return VES_HTTP_RETRY;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	res->status = status;
	if (status >= 200 && status < 300)
		res->error[0] = '\0';
	else
		snprintf(res->error, sizeof(res->error), "HTTP %ld", status);
	return ves_http_classify(status);
}
