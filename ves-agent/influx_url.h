/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * InfluxDB write URLs (--influx-url): the checks and the endpoint the
 * sender POSTs to.
 *   1.x  http[s]://HOST[:PORT]/write?db=NAME[&rp=..][&precision=ns]
 *   2.x  http[s]://HOST[:PORT]/api/v2/write?org=ORG&bucket=BUCKET[&precision=ns]
 * A URL without precision gets "&precision=ns" (the points carry ns
 * timestamps); any other precision is refused.
 *
 * Thread safety: pure functions.
 */
#ifndef INFLUX_URL_H
#define INFLUX_URL_H

#include <stddef.h>

enum influx_api {
	INFLUX_API_V1 = 1,
	INFLUX_API_V2 = 2,
};

/*
 * url must have passed ves_url_check(). Writes the endpoint to out and
 * returns the API (1 or 2), or -EINVAL with the reason in why.
 */
int influx_url_endpoint(const char *url, char *out, size_t outlen, char *why, size_t whylen);

#endif /* INFLUX_URL_H */
