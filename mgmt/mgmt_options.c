/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management options group. Credentials are secrets: error messages
 * about --mgmt-password and the password file never contain the value or the
 * file's contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_secret.h"
#include "mgmt.h"

void
mgmt_options_init(struct mgmt_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_connections = MGMT_DEFAULT_MAX_CONNECTIONS;
	o->max_body = MGMT_DEFAULT_MAX_BODY;
	o->timeout_s = MGMT_DEFAULT_TIMEOUT;
	o->request_timeout_s = MGMT_DEFAULT_REQUEST_TIMEOUT;
	o->max_per_ip = MGMT_DEFAULT_MAX_PER_IP;
	o->threads = MGMT_DEFAULT_THREADS;
}

static int
set_user(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct mgmt_options *o = ctx;
	const char *c;

	if (value == NULL || *value == '\0' || strlen(value) >= sizeof(o->user))
		return dp_opt_error(err, errlen, name, value, "1 to %zu characters",
				sizeof(o->user) - 1);
	for (c = value; *c != '\0'; c++)
		if (*c == ':' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return dp_opt_error(err, errlen, name, value,
					"no ':' or control characters");
	strcpy(o->user, value);
	o->any_set = true;
	return 0;
}

/* Accept a password; the error never shows it. */
static int
take_password(struct mgmt_options *o, const char *name, const char *pw, size_t len,
		char *err, size_t errlen)
{
	size_t i;

	if (len == 0 || len >= sizeof(o->password))
		return dp_opt_error(err, errlen, name, NULL,
				"the password must have 1 to %zu characters",
				sizeof(o->password) - 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return dp_opt_error(err, errlen, name, NULL,
					"the password must not contain control characters");
	explicit_bzero(o->password, sizeof(o->password));
	memcpy(o->password, pw, len);
	o->password_set = true;
	o->any_set = true;
	return 0;
}

static int
set_password(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	return take_password(ctx, name, value, value != NULL ? strlen(value) : 0, err, errlen);
}

/* The first line of a secret file (dp_secret_read: mode 600, regular, small). */
static int
set_password_file(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	char buf[MGMT_SECRET_MAX];
	size_t len;
	int rc;

	rc = dp_secret_read(name, value, buf, sizeof(buf), &len, err, errlen);
	if (rc == 0)
		rc = take_password(ctx, name, buf, len, err, errlen);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int
set_tls_cert(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct mgmt_options *o = ctx;

	o->any_set = true;
	return dp_opt_path(o->tls_cert, sizeof(o->tls_cert), name, value, err, errlen);
}

static int
set_tls_key(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct mgmt_options *o = ctx;

	o->any_set = true;
	return dp_opt_path(o->tls_key, sizeof(o->tls_key), name, value, err, errlen);
}

static int
set_u32(const char *name, const char *value, uint64_t min, uint64_t max, uint32_t *out,
		char *err, size_t errlen)
{
	uint64_t v;

	if (dp_parse_u64(value, min, max, &v) != 0)
		return dp_opt_error(err, errlen, name, value,
				"must be an integer between %lu and %lu",
				(unsigned long)min, (unsigned long)max);
	*out = (uint32_t)v;
	return 0;
}

#define MGMT_U32_SETTER(fn, field, min, max) \
static int \
fn(void *ctx, const char *name, const char *value, char *err, size_t errlen) \
{ \
	struct mgmt_options *o = ctx; \
	o->any_set = true; \
	return set_u32(name, value, min, max, &o->field, err, errlen); \
}

MGMT_U32_SETTER(set_max_connections, max_connections, 1, 10000)
MGMT_U32_SETTER(set_max_body, max_body, 16, 64u << 20)
MGMT_U32_SETTER(set_timeout, timeout_s, 1, 3600)
MGMT_U32_SETTER(set_request_timeout, request_timeout_s, 1, 3600)
MGMT_U32_SETTER(set_max_per_ip, max_per_ip, 1, 10000)
MGMT_U32_SETTER(set_threads, threads, 1, 16)

static const struct dp_option mgmt_option_table[] = {
	{ "mgmt-user", "NAME", "require HTTP Basic auth with this user on every route", set_user },
	{ "mgmt-password", "PASS", "its password (visible in ps: prefer --mgmt-password-file)", set_password },
	{ "mgmt-password-file", "PATH", "read the password from the first line of PATH (mode 600)", set_password_file },
	{ "mgmt-tls-cert", "PATH", "serve HTTPS with this PEM certificate (chain)", set_tls_cert },
	{ "mgmt-tls-key", "PATH", "and this PEM private key (not readable by others)", set_tls_key },
	{ "mgmt-max-connections", "N", "concurrent connections, 1..10000 (default 64)", set_max_connections },
	{ "mgmt-max-connections-per-ip", "N", "concurrent connections from one client address, 1..10000 (default 8)", set_max_per_ip },
	{ "mgmt-max-body", "BYTES", "largest request body, 16..67108864 (default 1048576)", set_max_body },
	{ "mgmt-timeout", "SEC", "close idle or stalled connections after SEC, 1..3600 (default 10)", set_timeout },
	{ "mgmt-request-timeout", "SEC", "close a connection whose request (headers and body) takes longer than SEC, 1..3600 (default 30)", set_request_timeout },
	{ "mgmt-threads", "N", "REST server threads, 1..16 (default 2), on the main lcore's CPUs", set_threads },
};

int
mgmt_options_register(struct dp_app *app, struct mgmt_options *o)
{
	struct dp_option_group g = {
		.title = "Management (REST) options, with --mgmt ADDR:PORT",
		.options = mgmt_option_table,
		.nb_options = DP_DIM(mgmt_option_table),
		.ctx = o,
	};

	return dp_app_add_group(app, &g);
}
