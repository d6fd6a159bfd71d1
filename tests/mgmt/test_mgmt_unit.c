/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of mgmt/ without a listening server: base64 and Basic auth, the
 * route table, the binding's route tables, the Prometheus writer, the JSON
 * input validators.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mgmt.h"
#include "mgmt_auth.h"
#include "mgmt_internal.h"
#include "mgmt_prom.h"
#include "mgmt_route.h"

/* ------------------------------------------------------------ auth */

static void
test_base64(void **state)
{
	uint8_t out[64];
	int n;

	(void)state;
	n = mgmt_base64_decode("YWRtaW46YWRtaW4=", 16, out, sizeof(out));
	assert_int_equal(n, 11);
	assert_memory_equal(out, "admin:admin", 11);
	n = mgmt_base64_decode("YWRtaW46YWRtaW4", 15, out, sizeof(out));	/* no padding */
	assert_int_equal(n, 11);
	assert_int_equal(mgmt_base64_decode("YQ==", 4, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'a');
	assert_int_equal(mgmt_base64_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(mgmt_base64_decode("YQ=", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(mgmt_base64_decode("Y", 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(mgmt_base64_decode("YW*t", 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(mgmt_base64_decode("YR==", 4, out, sizeof(out)), -EINVAL);	/* stray bits */
	assert_int_equal(mgmt_base64_decode("YWRtaW46YWRtaW4=", 16, out, 4), -EINVAL);	/* too long */
}

static void
test_auth(void **state)
{
	struct mgmt_auth a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_true(mgmt_auth_check(&a, NULL));	/* disabled: everything passes */
	assert_int_equal(mgmt_auth_set(&a, "admin", "admin"), 0);
	assert_true(mgmt_auth_check(&a, "Basic YWRtaW46YWRtaW4="));	/* ONAP's header */
	assert_true(mgmt_auth_check(&a, "basic   YWRtaW46YWRtaW4=  "));
	assert_false(mgmt_auth_check(&a, NULL));
	assert_false(mgmt_auth_check(&a, ""));
	assert_false(mgmt_auth_check(&a, "Basic"));
	assert_false(mgmt_auth_check(&a, "BasicYWRtaW46YWRtaW4="));
	assert_false(mgmt_auth_check(&a, "Bearer YWRtaW46YWRtaW4="));
	assert_false(mgmt_auth_check(&a, "Basic YWRtaW46YWRtaW4x"));	/* admin:admin1 */
	assert_false(mgmt_auth_check(&a, "Basic YWRtaW46YWRtaQ=="));	/* admin:admi */
	assert_false(mgmt_auth_check(&a, "Basic YWRtaW4xOmFkbWlu"));	/* admin1:admin */
	assert_false(mgmt_auth_check(&a, "Basic YWRtaW5hZG1pbg=="));	/* adminadmin */
	assert_false(mgmt_auth_check(&a, "Basic YWRtaW46"));		/* admin: */
	assert_false(mgmt_auth_check(&a, "Basic !!!!"));
	/* a password with a colon: split at the first one */
	assert_int_equal(mgmt_auth_set(&a, "u", "p:q"), 0);
	assert_true(mgmt_auth_check(&a, "Basic dTpwOnE="));	/* u:p:q */
	assert_int_equal(mgmt_auth_set(&a, "a:b", "x"), -EINVAL);
	assert_int_equal(mgmt_auth_set(&a, "", "x"), -EINVAL);
	mgmt_auth_clear(&a);
	assert_false(a.enabled);
	assert_int_equal(a.password[0], 0);
}

/* ------------------------------------------------------------ routes */

static int
h_a(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)ctx; (void)req; (void)rep;
	return 200;
}

static int
h_b(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)ctx; (void)req; (void)rep;
	return 201;
}

static void
test_routes(void **state)
{
	static struct mgmt_routes t;
	static char scratch[MGMT_PATH_MAX];
	struct mgmt_request req;
	const struct mgmt_route *r;
	unsigned int allow;
	char long_path[MGMT_PATH_MAX + 8];
	char buf[64];

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/", 0, NULL, h_a, NULL), 0);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/api/v1/streams/{id}", 0, NULL, h_a, NULL), 0);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_PUT, "/api/v1/streams/{id}", 0, NULL, h_b, NULL), 0);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/api/v1/streams/summary", 0, NULL, h_b, NULL), 0);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_DELETE, "/a/{x}/b/{y}", 0, NULL, h_a, NULL), 0);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/", 0, NULL, h_a, NULL), -EEXIST);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "relative", 0, NULL, h_a, NULL), -EINVAL);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/a//b", 0, NULL, h_a, NULL), -EINVAL);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/a/x{y}", 0, NULL, h_a, NULL), -EINVAL);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET | MGMT_M_PUT, "/c", 0, NULL, h_a, NULL), -EINVAL);
	assert_int_equal(mgmt_routes_add(&t, MGMT_M_GET, "/c", 0, NULL, NULL, NULL), -EINVAL);

	memset(&req, 0, sizeof(req));
	r = mgmt_routes_match(&t, MGMT_M_GET, "/", scratch, &req, &allow);
	assert_non_null(r);
	assert_ptr_equal(r->fn, h_a);
	r = mgmt_routes_match(&t, MGMT_M_PUT, "/api/v1/streams/fw_udp1", scratch, &req, &allow);
	assert_non_null(r);
	assert_ptr_equal(r->fn, h_b);
	assert_string_equal(mgmt_req_param(&req, "id"), "fw_udp1");
	assert_null(mgmt_req_param(&req, "i"));
	/* trailing slash ignored */
	r = mgmt_routes_match(&t, MGMT_M_GET, "/api/v1/streams/7/", scratch, &req, &allow);
	assert_non_null(r);
	assert_string_equal(mgmt_req_param(&req, "id"), "7");
	/* the literal wins over the parameter */
	r = mgmt_routes_match(&t, MGMT_M_GET, "/api/v1/streams/summary", scratch, &req, &allow);
	assert_non_null(r);
	assert_ptr_equal(r->fn, h_b);
	assert_int_equal(req.nb_params, 0);
	/* two parameters */
	r = mgmt_routes_match(&t, MGMT_M_DELETE, "/a/1/b/2", scratch, &req, &allow);
	assert_non_null(r);
	assert_string_equal(mgmt_req_param(&req, "x"), "1");
	assert_string_equal(mgmt_req_param(&req, "y"), "2");
	/* 405: the path exists with other methods */
	r = mgmt_routes_match(&t, MGMT_M_POST, "/api/v1/streams/3", scratch, &req, &allow);
	assert_null(r);
	assert_int_equal(allow, MGMT_M_GET | MGMT_M_PUT);
	mgmt_methods_str(allow, buf, sizeof(buf));
	assert_string_equal(buf, "GET, HEAD, PUT");
	/* 404 */
	assert_null(mgmt_routes_match(&t, MGMT_M_GET, "/api/v1/streams", scratch, &req, &allow));
	assert_int_equal(allow, 0);
	assert_null(mgmt_routes_match(&t, MGMT_M_GET, "/api/v1/streams//", scratch, &req, &allow));
	assert_null(mgmt_routes_match(&t, MGMT_M_GET, "//", scratch, &req, &allow));
	assert_null(mgmt_routes_match(&t, MGMT_M_GET, "", scratch, &req, &allow));
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_null(mgmt_routes_match(&t, MGMT_M_GET, long_path, scratch, &req, &allow));
	assert_int_equal(mgmt_method_bit("HEAD"), MGMT_M_GET);
	assert_int_equal(mgmt_method_bit("TRACE"), 0);
}

/* ------------------------------------------------------------ binding's routes */

static json_t *
stats_none(void *ctx)
{
	(void)ctx;
	return json_object();
}

/* mgmt_create without --mgmt (nothing listens), as a binary calls it. */
static int
create(const struct mgmt_binding *b, struct mgmt_server **s, char *err, size_t errlen)
{
	static struct dp_config cfg;
	struct mgmt_options o;

	dp_config_defaults(&cfg);
	mgmt_options_init(&o);
	err[0] = '\0';
	return mgmt_create(s, &o, b, &cfg, err, errlen);
}

static const struct mgmt_route *
match(const struct mgmt_server *s, unsigned int method, const char *path)
{
	static char scratch[MGMT_PATH_MAX];
	struct mgmt_request req;
	unsigned int allow;

	memset(&req, 0, sizeof(req));
	return mgmt_routes_match(&s->routes, method, path, scratch, &req, &allow);
}

/* The binding's route tables are served, each route with its table's ctx. */
static void
test_binding_routes(void **state)
{
	static const char *const q[] = { "limit", NULL };
	static const struct mgmt_route_def own[] = {
		{ "GET", "/api/v1/things", h_a, q },
		{ "PUT", "/api/v1/things/{id}", h_b, NULL },
	};
	static const struct mgmt_route_def more[] = {
		{ "DELETE", "/other/{id}", h_a, NULL },
	};
	int ctx_own, ctx_more;
	struct mgmt_binding b = {
		.program = "test", .metric_prefix = "test_", .stats_json = stats_none,
		.route_tables = { { own, 2, &ctx_own }, { more, 1, &ctx_more } },
		.nb_route_tables = 2,
	};
	const struct mgmt_route *r;
	struct mgmt_server *s = NULL;
	char err[256];

	(void)state;
	assert_int_equal(create(&b, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	r = match(s, MGMT_M_GET, "/api/v1/things");
	assert_non_null(r);
	assert_ptr_equal(r->fn, h_a);
	assert_ptr_equal(r->ctx, &ctx_own);
	assert_ptr_equal(r->query, q);
	r = match(s, MGMT_M_PUT, "/api/v1/things/7");
	assert_non_null(r);
	assert_ptr_equal(r->fn, h_b);
	assert_ptr_equal(r->ctx, &ctx_own);
	r = match(s, MGMT_M_DELETE, "/other/x");
	assert_non_null(r);
	assert_ptr_equal(r->ctx, &ctx_more);
	assert_non_null(match(s, MGMT_M_GET, "/api/v1/stats"));	/* the core routes too */
	mgmt_stop(s);
}

/* A route of the tables that cannot be added fails mgmt_create, named in err. */
static void
test_binding_routes_refused(void **state)
{
	static const struct mgmt_route_def clash[] = {
		{ "GET", "/api/v1/things", h_a, NULL },
		{ "GET", "/api/v1/stats", h_b, NULL },	/* a core route */
	};
	static const struct mgmt_route_def bad_method[] = {
		{ "FETCH", "/api/v1/things", h_a, NULL },
	};
	static const struct mgmt_route_def bad_pattern[] = {
		{ "GET", "/api//things", h_a, NULL },
	};
	struct mgmt_binding b = {
		.program = "test", .metric_prefix = "test_", .stats_json = stats_none,
		.nb_route_tables = 1,
	};
	struct mgmt_server *s = NULL;
	char err[256];

	(void)state;
	b.route_tables[0] = (struct mgmt_route_table){ clash, 2, NULL };
	assert_int_equal(create(&b, &s, err, sizeof(err)), -EEXIST);
	assert_null(s);
	assert_non_null(strstr(err, "GET /api/v1/stats"));

	b.route_tables[0] = (struct mgmt_route_table){ bad_method, 1, NULL };
	assert_int_equal(create(&b, &s, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "FETCH /api/v1/things"));

	b.route_tables[0] = (struct mgmt_route_table){ bad_pattern, 1, NULL };
	assert_int_equal(create(&b, &s, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "GET /api//things"));

	b.nb_route_tables = MGMT_MAX_ROUTE_TABLES + 1;
	assert_int_equal(create(&b, &s, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_string_not_equal(err, "");
}

/* ------------------------------------------------------------ prom */

static void
test_prom(void **state)
{
	struct mgmt_prom p;
	char *text;
	size_t len;

	(void)state;
	assert_true(mgmt_prom_valid_name("vfwcl_vsnk_rx_packets_total"));
	assert_true(mgmt_prom_valid_name("a:b"));
	assert_false(mgmt_prom_valid_name("1abc"));
	assert_false(mgmt_prom_valid_name("a-b"));
	assert_false(mgmt_prom_valid_name(""));
	assert_true(mgmt_prom_valid_label("port"));
	assert_false(mgmt_prom_valid_label("__name__"));
	assert_false(mgmt_prom_valid_label("a:b"));

	dp_buf_init(&p.buf);
	mgmt_prom_family(&p, "x_total", "counter", "back\\slash and\nnewline \"quoted\"");
	mgmt_prom_u64(&p, "x_total", 42, "port", "0", NULL);
	mgmt_prom_u64(&p, "x_total", 7, "port", "a\"b\\c\nd", "k", "v", NULL);
	mgmt_prom_f64(&p, "y", 0.5, NULL);
	mgmt_prom_f64(&p, "y", INFINITY, NULL);
	mgmt_prom_f64(&p, "y", NAN, NULL);
	mgmt_prom_f64(&p, "y", 1795309450.986, NULL);
	text = dp_buf_steal(&p.buf, &len);
	assert_non_null(text);
	assert_string_equal(text,
		"# HELP x_total back\\\\slash and\\nnewline \"quoted\"\n"
		"# TYPE x_total counter\n"
		"x_total{port=\"0\"} 42\n"
		"x_total{port=\"a\\\"b\\\\c\\nd\",k=\"v\"} 7\n"
		"y 0.5\n"
		"y +Inf\n"
		"y NaN\n"
		"y 1795309450.986\n");
	assert_int_equal(len, strlen(text));
	free(text);
}

/* ------------------------------------------------------------ JSON input */

static const char *
error_message(const struct mgmt_reply *rep)
{
	return json_string_value(json_object_get(json_object_get(rep->json, "error"), "message"));
}

static void
test_json_validators(void **state)
{
	struct mgmt_reply rep = { 0 };
	json_error_t jerr;
	json_t *o = json_loads("{\"n\":5,\"s\":\"7\",\"neg\":-1,\"big\":11,\"str\":\"x\","
			"\"r\":1.5,\"b\":true,\"bs\":\"false\",\"name\":\"fw_udp1\",\"empty\":\"\"}",
			0, &jerr);
	const char *keys[] = { "n", "s", NULL };
	const char *sv;
	uint64_t u = 99;
	double d;
	bool b;

	(void)state;
	assert_non_null(o);
	assert_int_equal(mgmt_json_uint(o, "n", true, false, 1, 10, &u, &rep), 0);
	assert_int_equal(u, 5);
	assert_int_equal(mgmt_json_uint(o, "s", true, true, 1, 10, &u, &rep), 0);
	assert_int_equal(u, 7);
	assert_int_equal(mgmt_json_uint(o, "s", true, false, 1, 10, &u, &rep), -EINVAL);
	assert_int_equal(rep.status, 400);
	assert_non_null(strstr(error_message(&rep), "'s'"));
	assert_non_null(strstr(error_message(&rep), "integer"));
	assert_int_equal(mgmt_json_uint(o, "big", true, false, 1, 10, &u, &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "between 1 and 10"));
	assert_int_equal(mgmt_json_uint(o, "neg", true, false, 0, 10, &u, &rep), -EINVAL);
	assert_int_equal(mgmt_json_uint(o, "str", true, true, 0, 10, &u, &rep), -EINVAL);
	assert_int_equal(mgmt_json_uint(o, "r", true, false, 0, 10, &u, &rep), -EINVAL);
	u = 99;
	assert_int_equal(mgmt_json_uint(o, "absent", false, false, 0, 10, &u, &rep), -ENOENT);
	assert_int_equal(u, 99);
	assert_int_equal(mgmt_json_uint(o, "absent", true, false, 0, 10, &u, &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "'absent' is required"));

	assert_int_equal(mgmt_json_double(o, "r", true, 0, 2, &d, &rep), 0);
	assert_true(d == 1.5);
	assert_int_equal(mgmt_json_double(o, "n", true, 0, 10, &d, &rep), 0);
	assert_int_equal(mgmt_json_double(o, "r", true, 2, 3, &d, &rep), -EINVAL);
	assert_int_equal(mgmt_json_double(o, "str", true, 0, 3, &d, &rep), -EINVAL);

	assert_int_equal(mgmt_json_bool(o, "b", true, false, &b, &rep), 0);
	assert_true(b);
	assert_int_equal(mgmt_json_bool(o, "bs", true, false, &b, &rep), -EINVAL);
	assert_int_equal(mgmt_json_bool(o, "bs", true, true, &b, &rep), 0);
	assert_false(b);
	/* only the JSON booleans and exactly "true"/"false"; the error names the value */
	assert_int_equal(mgmt_json_bool(o, "str", true, true, &b, &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "not \"x\""));
	assert_int_equal(mgmt_json_bool(o, "n", true, true, &b, &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "'n'"));

	assert_int_equal(mgmt_json_string(o, "name", true, 16, &sv, &rep), 0);
	assert_string_equal(sv, "fw_udp1");
	assert_int_equal(mgmt_json_string(o, "name", true, 4, &sv, &rep), -EINVAL);
	assert_int_equal(mgmt_json_string(o, "empty", true, 4, &sv, &rep), -EINVAL);
	assert_int_equal(mgmt_json_string(o, "n", true, 4, &sv, &rep), -EINVAL);

	assert_int_equal(mgmt_json_only_keys(o, keys, "streams", &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "unknown field"));

	assert_int_equal(mgmt_parse_uint("12", "stream id", 0, 20, &u, &rep), 0);
	assert_int_equal(u, 12);
	assert_int_equal(mgmt_parse_uint("012x", "stream id", 0, 20, &u, &rep), -EINVAL);
	assert_non_null(strstr(error_message(&rep), "stream id"));
	assert_int_equal(mgmt_parse_uint("21", "stream id", 0, 20, &u, &rep), -EINVAL);
	assert_int_equal(mgmt_parse_uint("99999999999999999999999", "x", 0, 20, &u, &rep), -EINVAL);
	assert_int_equal(mgmt_parse_uint("-1", "x", 0, 20, &u, &rep), -EINVAL);

	assert_int_equal(mgmt_reply_empty(&rep, 204), 204);
	assert_null(rep.json);
	assert_non_null(rep.data);
	assert_int_equal(rep.len, 0);

	/* an error reply quoting bytes that are not UTF-8 stays valid JSON */
	mgmt_reply_error(&rep, 404, "no such stream '%s'", "\xff\xfe");
	assert_non_null(rep.json);
	assert_non_null(strstr(error_message(&rep), "no such stream"));
	mgmt_reply_release(&rep);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_binding_routes),
		cmocka_unit_test(test_binding_routes_refused),
		cmocka_unit_test(test_prom),
		cmocka_unit_test(test_json_validators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
