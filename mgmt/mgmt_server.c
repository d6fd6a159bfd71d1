/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP side: the listening socket, the libmicrohttpd daemon and its
 * limits, and the life of one request:
 *
 *   first call (headers known)  auth (401) -> route (404/405) -> body headers
 *                               (415 not JSON, 413 Content-Length too large)
 *   further calls               the body, kept up to --mgmt-max-body
 *   last call                   413 (chunked body too large) -> JSON parse (400)
 *                               -> handler under the handler lock -> reply
 *
 * An error found with the headers is answered at once when the request has
 * a body (which is then never read: an unauthenticated or oversized request
 * costs no memory, and libmicrohttpd closes the connection), and at the
 * last call otherwise (the connection stays open for the next request).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dp_log.h"
#include "dp_secret.h"
#include "dp_time.h"
#include "mgmt_internal.h"

#define MGMT_LISTEN_BACKLOG 128
#define MGMT_PEM_MAX (1u << 20)

/* Per request; freed by on_completed. Owned by the server thread serving it. */
struct mgmt_conn {
	const struct mgmt_route *route;
	struct mgmt_request req;
	char method[16];
	const char *version;	/* libmicrohttpd's, for the request's life */
	char allow[96];		/* the Allow header of a 405 or OPTIONS */
	char *body;
	size_t len;
	size_t cap;
	bool too_large;
	bool answered;
	bool has_early;		/* an error found with the headers, sent at the last call */
	struct mgmt_reply early;
	char scratch[MGMT_PATH_MAX];
};

/*
 * libmicrohttpd's own messages (a client that closed early, a bad request
 * line): detail for debugging, shown with --log-level=8 only.
 */
static void __attribute__((format(printf, 2, 0)))
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	dp_vlog(DP_LOG_DEBUG, "mgmt", fmt, ap);
}

/* The deadline tracker of conn (libmicrohttpd's socket context), or NULL. */
static struct mgmt_conn_track *
conn_track(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static const struct sockaddr *
conn_addr(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return ci != NULL ? ci->client_addr : NULL;
}

/* --- request accessors --- */

const char *
mgmt_req_param(const struct mgmt_request *req, const char *name)
{
	size_t n = strlen(name);
	unsigned int i;

	for (i = 0; i < req->nb_params; i++) {
		const char *p = req->param_names[i];

		if (strlen(p) == n + 2 && strncmp(p + 1, name, n) == 0)
			return req->params[i];
	}
	return NULL;
}

struct query_find {
	const char *name;
	const char *value;
	bool found;
};

static enum MHD_Result
query_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_find *q = cls;

	(void)kind;
	if (key != NULL && strcmp(key, q->name) == 0) {
		q->value = value != NULL ? value : "";
		q->found = true;
		return MHD_NO;
	}
	return MHD_YES;
}

const char *
mgmt_req_query(const struct mgmt_request *req, const char *name)
{
	struct query_find q = { name, NULL, false };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_iter, &q);
	return q.found ? q.value : NULL;
}

struct query_check {
	const char *const *keys;
	char unknown[64];
};

static enum MHD_Result
query_check_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_check *q = cls;
	unsigned int i;

	(void)kind;
	(void)value;
	if (key == NULL || strcmp(key, "pretty") == 0)
		return MHD_YES;
	for (i = 0; q->keys != NULL && q->keys[i] != NULL; i++)
		if (strcmp(key, q->keys[i]) == 0)
			return MHD_YES;
	snprintf(q->unknown, sizeof(q->unknown), "%s", key);
	return MHD_NO;
}

/* 0 when every query parameter is in keys (NULL-terminated, or NULL) or is
 * "pretty", else a 400 naming the first unknown one. */
static int
query_only(const struct mgmt_request *req, const char *const *keys, struct mgmt_reply *rep)
{
	struct query_check q = { keys, "" };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_check_iter, &q);
	if (q.unknown[0] != '\0')
		return mgmt_reply_error(rep, 400, "unknown query parameter '%s'", q.unknown);
	return 0;
}

const char *
mgmt_req_header(const struct mgmt_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* --- replies --- */

static void
count_reply(struct mgmt_server *s, int status)
{
	if (status >= 100 && status < MGMT_STATUS_MAX)
		atomic_fetch_add_explicit(&s->replies[status], 1, memory_order_relaxed);
}

/* Queue rep on conn; rep is released. */
static enum MHD_Result
send_reply(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		struct mgmt_reply *rep)
{
	static const char oom_body[] =
		"{\"error\":{\"code\":500,\"message\":\"out of memory\"}}\n";
	enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
	const char *ctype = "application/json";
	struct MHD_Response *r;
	enum MHD_Result ret;
	void *buf = NULL;
	size_t len = 0;
	int status = rep->status;

	if (rep->json != NULL) {
		size_t flags = mgmt_req_query(&c->req, "pretty") != NULL ?
			JSON_INDENT(2) : JSON_COMPACT;
		char *js = json_dumps(rep->json, flags);
		char *nl = js != NULL ? realloc(js, strlen(js) + 2) : NULL;

		if (nl != NULL) {
			len = strlen(nl);
			nl[len++] = '\n';
			nl[len] = '\0';
			buf = nl;
			mode = MHD_RESPMEM_MUST_FREE;
		} else {
			free(js);
		}
	} else if (rep->text != NULL) {
		buf = rep->text;
		len = rep->len;
		rep->text = NULL;
		mode = MHD_RESPMEM_MUST_FREE;
		ctype = rep->content_type;
	} else if (rep->data != NULL) {
		buf = (void *)(uintptr_t)rep->data;
		len = rep->len;
		ctype = rep->content_type;
	} else if (status == 204) {
		ctype = NULL;
	}
	if (buf == NULL && status != 204) {
		/* a handler that failed to build its body, or no memory */
		status = 500;
		buf = (void *)(uintptr_t)oom_body;
		len = sizeof(oom_body) - 1;
		mode = MHD_RESPMEM_PERSISTENT;
		ctype = "application/json";
	}
	r = MHD_create_response_from_buffer(len, buf != NULL ? buf : (void *)(uintptr_t)"", mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(buf);
		mgmt_reply_release(rep);
		return MHD_NO;
	}
	if (ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, s->www_authenticate);
	if (rep->allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (rep->retry_after != 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%u", rep->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	mgmt_guard_request_answered(&s->guard, conn_track(conn));
	ret = MHD_queue_response(conn, (unsigned int)status, r);
	MHD_destroy_response(r);
	mgmt_reply_release(rep);
	count_reply(s, status);
	c->answered = true;
	return ret;
}

/* Send rep now (conn) or, conn NULL, keep it for the last call (keep-alive:
 * there is no body to skip). rep is taken. */
static enum MHD_Result
queue_or_keep(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		struct mgmt_reply *rep)
{
	if (conn == NULL) {
		mgmt_reply_release(&c->early);
		c->early = *rep;
		c->has_early = true;
		return MHD_YES;
	}
	return send_reply(s, conn, c, rep);
}

static enum MHD_Result
send_error(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		const char *allow, int status, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* allow: a string that lives as long as the connection's state (or static). */
static enum MHD_Result
send_error(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		const char *allow, int status, const char *fmt, ...)
{
	struct mgmt_reply rep = { .status = status };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mgmt_reply_error(&rep, status, "%s", msg);
	rep.allow = allow;
	return queue_or_keep(s, conn, c, &rep);
}

/* --- the life of a request --- */

/* application/json or application/<anything>+json, parameters allowed. */
static bool
is_json_type(const char *ct)
{
	size_t n;

	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; \t");
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return true;
	return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	       strncasecmp(ct + n - 5, "+json", 5) == 0;
}

static bool
is_http11(const char *version)
{
	return version != NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
}

/*
 * 0 when the request may go on; else its answer is queued (now != NULL)
 * or kept for the last call: 429 while the client's address has used up
 * its authentication failures (credentials not even checked), 401 for
 * missing or wrong credentials (wrong ones are counted and logged).
 */
static int
check_auth(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		struct MHD_Connection *now, const char *auth)
{
	const struct sockaddr *addr;
	unsigned int wait;

	if (!s->auth.enabled)
		return 0;
	addr = conn_addr(conn);
	if (auth != NULL) {
		wait = mgmt_guard_auth_wait(&s->guard, addr);
		if (wait != 0) {
			struct mgmt_reply rep = { .status = 429 };

			mgmt_reply_error(&rep, 429, "too many failed authentications from this "
					"address: retry in %u s", wait);
			rep.retry_after = wait;
			return queue_or_keep(s, now, c, &rep) == MHD_YES ? -EAGAIN : -EIO;
		}
	}
	if (mgmt_auth_check(&s->auth, auth))
		return 0;
	if (auth != NULL)
		mgmt_guard_auth_failed(&s->guard, addr);
	return send_error(s, now, c, NULL, 401, "authentication required") == MHD_YES ?
		-EACCES : -EIO;
}

static enum MHD_Result
begin(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c,
		const char *url, const char *method)
{
	const char *auth, *clen, *ctype, *te;
	struct MHD_Connection *now;
	unsigned int bit, allow;
	char *allow_str = c->allow;
	bool has_body;

	snprintf(c->method, sizeof(c->method), "%s", method);
	c->req.method = c->method;
	c->req.conn = conn;
	clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	has_body = (clen != NULL && strcmp(clen, "0") != 0) || te != NULL;
	now = has_body ? conn : NULL;	/* NULL: answer at the last call */
	if (mgmt_guard_take_control_escape(conn_track(conn)))
		return send_error(s, now, c, NULL, 400,
				"the URL holds an encoded control character (%%00..%%1F or %%7F)");
	if (is_http11(c->version) &&
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST) == NULL)
		return send_error(s, now, c, NULL, 400, "an HTTP/1.1 request needs a Host header");
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (check_auth(s, conn, c, now, auth) != 0)
		return c->answered || c->has_early ? MHD_YES : MHD_NO;

	bit = strcmp(method, "OPTIONS") == 0 ? 0 : mgmt_method_bit(method);
	c->route = mgmt_routes_match(&s->routes, bit, url, c->scratch, &c->req, &allow);
	c->req.path = url;
	if (c->route == NULL) {
		if (allow == 0)
			return send_error(s, now, c, NULL, 404, "no such path: %s", url);
		mgmt_methods_str(allow, allow_str, sizeof(c->allow));
		if (bit == 0 && strcmp(method, "OPTIONS") == 0) {
			mgmt_reply_empty(&c->early, 204);
			c->early.allow = allow_str;
			c->has_early = true;
			return MHD_YES;
		}
		return send_error(s, now, c, allow_str, 405,
				"method %s not allowed on %s (allowed: %s)", method, url, allow_str);
	}
	if (!has_body)
		return MHD_YES;
	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ctype == NULL)
		return send_error(s, conn, c, NULL, 415,
				"the body must be application/json: no Content-Type given");
	if (!is_json_type(ctype))
		return send_error(s, conn, c, NULL, 415,
				"the body must be application/json, not '%.100s'", ctype);
	if (clen != NULL) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(clen, &end, 10);
		if (errno != 0 || *end != '\0' || n > s->opt.max_body)
			return send_error(s, conn, c, NULL, 413,
					"the body is larger than %u bytes", s->opt.max_body);
	}
	return MHD_YES;
}

static void
take_body(struct mgmt_server *s, struct mgmt_conn *c, const char *data, size_t n)
{
	if (c->too_large)
		return;
	if (c->len + n > s->opt.max_body) {
		c->too_large = true;
		free(c->body);
		c->body = NULL;
		c->len = c->cap = 0;
		return;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap != 0 ? c->cap : 1024;
		char *b;

		while (cap < c->len + n)
			cap *= 2;
		b = realloc(c->body, cap);
		if (b == NULL) {
			c->too_large = true;	/* answered as 413: no memory for it */
			return;
		}
		c->body = b;
		c->cap = cap;
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
}

static enum MHD_Result
finish(struct mgmt_server *s, struct MHD_Connection *conn, struct mgmt_conn *c)
{
	struct mgmt_reply rep = { .status = 500 };
	bool lock;

	/* the request is in: a slow handler is not a slow client */
	mgmt_guard_request_answered(&s->guard, conn_track(conn));
	if (c->has_early) {
		c->has_early = false;
		return send_reply(s, conn, c, &c->early);
	}
	if (c->too_large)
		return send_error(s, conn, c, NULL, 413, "the body is larger than %u bytes",
				s->opt.max_body);
	if (c->len > 0) {
		json_error_t jerr;

		c->req.body = json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
				&jerr);
		if (c->req.body == NULL)
			return send_error(s, conn, c, NULL, 400,
					"malformed JSON body: line %d column %d: %s",
					jerr.line, jerr.column, jerr.text);
	}
	/* every route: a query parameter it does not take is an error, not ignored */
	if (query_only(&c->req, c->route->query, &rep) != 0)
		return send_reply(s, conn, c, &rep);
	lock = !(c->route->flags & MGMT_ROUTE_LOCKLESS);
	if (lock)
		pthread_mutex_lock(&s->lock);
	rep.status = c->route->fn(c->route->ctx, &c->req, &rep);
	if (lock)
		pthread_mutex_unlock(&s->lock);
	return send_reply(s, conn, c, &rep);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
		const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	static __thread bool named;
	struct mgmt_server *s = cls;
	struct mgmt_conn *c = *con_cls;

	if (c == NULL) {
		if (!named) {
			pthread_setname_np(pthread_self(), "mgmt-http");
			named = true;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return MHD_NO;
		*con_cls = c;
		c->version = version;
		return begin(s, conn, c, url, method);
	}
	if (c->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		take_body(s, c, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return finish(s, conn, c);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		enum MHD_RequestTerminationCode toe)
{
	struct mgmt_server *s = cls;
	struct mgmt_conn *c = *con_cls;

	(void)toe;
	mgmt_guard_request_ended(&s->guard, conn_track(conn));
	if (c == NULL)
		return;
	mgmt_reply_release(&c->early);
	json_decref(c->req.body);
	free(c->body);
	free(c);
	*con_cls = NULL;
}

/* --- connections --- */

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
		enum MHD_ConnectionNotificationCode code)
{
	struct mgmt_server *s = cls;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci != NULL ?
			mgmt_guard_conn_open(&s->guard, ci->connect_fd) : NULL;
	} else {
		/* libmicrohttpd closes the descriptor after this call */
		mgmt_guard_conn_close(&s->guard, *socket_context);
		*socket_context = NULL;
	}
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decoding of the path and of query names and values, in place.
 * libmicrohttpd's own decodes %00 to a NUL that cuts the string
 * ("/streams/fw_udp1%00" would reach the handler as "/streams/fw_udp1"): a
 * control character is left encoded instead and the request is marked, to
 * be answered 400 before it is routed.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *str)
{
	char *r = str, *w = str;

	(void)cls;
	while (*r != '\0') {
		int hi = r[0] == '%' ? hex_value(r[1]) : -1;
		int lo = hi >= 0 ? hex_value(r[2]) : -1;
		int v = hi * 16 + lo;

		if (lo < 0) {
			*w++ = *r++;
			continue;
		}
		if (v < 0x20 || v == 0x7f) {
			mgmt_guard_mark_control_escape(conn_track(conn));
			*w++ = *r++;
			continue;
		}
		*w++ = (char)v;
		r += 3;
	}
	*w = '\0';
	return (size_t)(w - str);
}

/* --- set-up --- */

/* Read a whole (PEM) file; secret: refuse a file readable by others. */
static int
read_pem(const char *opt, const char *path, bool secret, char **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return dp_opt_error(err, errlen, opt, path, "%s", strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > (off_t)MGMT_PEM_MAX) {
		close(fd);
		return dp_opt_error(err, errlen, opt, path, "not a PEM file of 1 byte to 1 MiB");
	}
	/* a private key follows the rule of every secret file (dp_secret.h) */
	if (secret && dp_secret_check_stat(&st, MGMT_PEM_MAX, opt, path, err, errlen) != 0) {
		close(fd);
		return -EINVAL;
	}
	buf = calloc(1, (size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size || strstr(buf, "-----BEGIN ") == NULL) {
		explicit_bzero(buf, (size_t)st.st_size);
		free(buf);
		return dp_opt_error(err, errlen, opt, path, "not a PEM file");
	}
	*out = buf;
	return 0;
}

static int
check_options(struct mgmt_server *s, const struct mgmt_options *o, char *err, size_t errlen)
{
	int rc;

	if (s->cfg->mgmt[0] == '\0') {
		if (o->any_set)	/* name the option given, not a fixed one */
			return dp_opt_error(err, errlen,
					dp_config_first_given(s->cfg, "mgmt-") ?: "mgmt-user", NULL,
					"the --mgmt-* options need --mgmt ADDR:PORT");
		return 0;
	}
	if (o->user[0] != '\0' && !o->password_set)
		return dp_opt_error(err, errlen, "mgmt-user", NULL,
				"needs --mgmt-password-file or --mgmt-password");
	if (o->user[0] == '\0' && o->password_set)
		return dp_opt_error(err, errlen, "mgmt-password", NULL, "needs --mgmt-user");
	if ((o->tls_cert[0] != '\0') != (o->tls_key[0] != '\0'))
		return dp_opt_error(err, errlen,
				o->tls_cert[0] != '\0' ? "mgmt-tls-cert" : "mgmt-tls-key", NULL,
				"--mgmt-tls-cert and --mgmt-tls-key go together");
	if (o->tls_cert[0] != '\0') {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return dp_opt_error(err, errlen, "mgmt-tls-cert", NULL,
					"this libmicrohttpd has no TLS support");
		rc = read_pem("mgmt-tls-cert", o->tls_cert, false, &s->tls_cert_pem, err, errlen);
		if (rc == 0)
			rc = read_pem("mgmt-tls-key", o->tls_key, true, &s->tls_key_pem,
					err, errlen);
		if (rc != 0)
			return rc;
	}
	if (o->user[0] != '\0' && mgmt_auth_set(&s->auth, o->user, o->password) != 0)
		return dp_opt_error(err, errlen, "mgmt-user", NULL, "invalid credentials");
	return 0;
}

void
mgmt_server_free(struct mgmt_server *s)
{
	mgmt_auth_clear(&s->auth);
	explicit_bzero(&s->opt, sizeof(s->opt));
	if (s->tls_key_pem != NULL) {
		explicit_bzero(s->tls_key_pem, strlen(s->tls_key_pem));
		free(s->tls_key_pem);
	}
	free(s->tls_cert_pem);
	pthread_mutex_destroy(&s->lock);
	mgmt_guard_destroy(&s->guard);
	free(s);
}

int
mgmt_server_new(struct mgmt_server **out, const struct mgmt_options *o,
		const struct mgmt_binding *b, const struct dp_config *cfg, char *err, size_t errlen)
{
	struct mgmt_server *s;
	int rc;

	*out = NULL;
	if (b->program == NULL || b->metric_prefix == NULL || b->stats_json == NULL ||
	    b->nb_counter_sets > MGMT_MAX_COUNTER_SETS || b->nb_route_tables > MGMT_MAX_ROUTE_TABLES) {
		snprintf(err, errlen, "mgmt: incomplete binding");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	s->b = *b;
	s->cfg = cfg;
	s->opt = *o;
	explicit_bzero(s->opt.password, sizeof(s->opt.password));
	s->listen_fd = -1;
	s->start_unix_ns = dp_real_ns();
	s->start_mono_ns = dp_mono_ns();
	snprintf(s->www_authenticate, sizeof(s->www_authenticate),
			"Basic realm=\"%s\", charset=\"UTF-8\"", b->program);
	mgmt_guard_init(&s->guard, o->request_timeout_s, s->b.program);
	rc = check_options(s, o, err, errlen);
	if (rc != 0) {
		if (rc != -EINVAL)
			snprintf(err, errlen, "mgmt: %s", strerror(-rc));
		mgmt_server_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int
route_add(struct mgmt_server *s, const char *method, const char *pattern,
		const char *const *query, mgmt_handler_fn fn, void *ctx)
{
	unsigned int bit = strcmp(method, "HEAD") == 0 ? 0 : mgmt_method_bit(method);

	if (s->started)
		return -EBUSY;
	if (bit == 0)
		return -EINVAL;
	return mgmt_routes_add(&s->routes, bit, pattern, 0, query, fn, ctx);
}

int
mgmt_route_def_add(struct mgmt_server *s, const struct mgmt_route_def *def, void *ctx)
{
	return route_add(s, def->method, def->pattern, def->query, def->fn, ctx);
}

int
mgmt_route_add(struct mgmt_server *s, const char *method, const char *pattern,
		mgmt_handler_fn fn, void *ctx)
{
	return route_add(s, method, pattern, NULL, fn, ctx);
}

/* A listening socket on host:port (numeric, v4 or v6). */
static int
open_listener(const char *host, uint16_t port, const char *what, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd, one = 1, e;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		sl = sizeof(*s6);
	} else {
		return dp_opt_error(err, errlen, "mgmt", what, "not a numeric address");
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "--mgmt: cannot open a socket: %s", strerror(e));
		return -e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, MGMT_LISTEN_BACKLOG) != 0) {
		e = errno;
		close(fd);
		dp_opt_error(err, errlen, "mgmt", what, "cannot listen: %s", strerror(e));
		return e == EADDRINUSE || e == EADDRNOTAVAIL || e == EACCES ? -EINVAL : -e;
	}
	return fd;
}

int
mgmt_start(struct mgmt_server *s, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
			     MHD_USE_ERROR_LOG;
	const struct dp_config *cfg = s->cfg;
	struct MHD_OptionItem opts[16];
	unsigned int n = 0;
	int fd;

	if (cfg->mgmt[0] == '\0' || s->started)
		return 0;
	fd = open_listener(cfg->mgmt_host, cfg->mgmt_port, cfg->mgmt, err, errlen);
	if (fd < 0)
		return fd;
	/* a client closing early must not kill the process (gnutls may not use MSG_NOSIGNAL) */
	signal(SIGPIPE, SIG_IGN);
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
		(intptr_t)s->opt.max_connections, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(intptr_t)s->opt.max_per_ip, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
		(intptr_t)s->opt.timeout_s, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
		(intptr_t)on_connection, s };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_UNESCAPE_CALLBACK,
		(intptr_t)unescape, s };
	/*
	 * Level 1 would refuse an HTTP/1.1 request without Host, but in
	 * libmicrohttpd 0.9.75 an error found after the headers sends the
	 * status line and headers twice (fixed in 1.0.0): begin() checks Host
	 * itself and answers in JSON. Level 0 also keeps 0.9.75 from applying
	 * its whitespace-before-colon check, which it does only below 0.
	 */
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_STRICT_FOR_CLIENT, 0, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
		(intptr_t)on_completed, s };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
		(intptr_t)mhd_logger, s };
	if (s->opt.threads > 1)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
			(intptr_t)s->opt.threads, NULL };
	if (s->tls_cert_pem != NULL) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
			s->tls_cert_pem };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
			s->tls_key_pem };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

	/* the threads inherit the main lcore's CPU affinity: never a worker lcore */
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
			MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (s->daemon == NULL) {
		close(fd);
		snprintf(err, errlen, "--mgmt: cannot start the REST server on %s%s", cfg->mgmt,
			 s->tls_cert_pem != NULL ? " (check the TLS certificate and key)" : "");
		return s->tls_cert_pem != NULL ? -EINVAL : -EIO;
	}
	if (mgmt_guard_start(&s->guard) != 0) {
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
		close(fd);
		snprintf(err, errlen, "--mgmt: cannot start the request deadline thread");
		return -EIO;
	}
	s->listen_fd = fd;
	s->started = true;
	printf("%s: REST API on %s://%s (auth %s, %u thread(s), up to %u connections, "
	       "%u per client address)\n",
	       s->b.program, s->tls_cert_pem != NULL ? "https" : "http", cfg->mgmt,
	       s->auth.enabled ? "basic" : "off", s->opt.threads, s->opt.max_connections,
	       s->opt.max_per_ip);
	if (!s->auth.enabled && strcmp(cfg->mgmt_host, "127.0.0.1") != 0 &&
	    strcmp(cfg->mgmt_host, "::1") != 0)
		printf("%s: warning: the REST API on %s has no authentication (--mgmt-user)\n",
		       s->b.program, cfg->mgmt);
	fflush(stdout);
	return 0;
}

bool
mgmt_running(const struct mgmt_server *s)
{
	return s != NULL && s->daemon != NULL;
}

void
mgmt_stop(struct mgmt_server *s)
{
	if (s == NULL)
		return;
	if (s->daemon != NULL) {
		MHD_socket fd = MHD_quiesce_daemon(s->daemon);

		mgmt_guard_stop(&s->guard);
		MHD_stop_daemon(s->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		s->daemon = NULL;
		s->listen_fd = -1;
	}
	mgmt_server_free(s);
}
