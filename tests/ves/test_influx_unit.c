/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the InfluxDB export's pure parts: line protocol escaping
 * (untrusted names must not break a line), the encoder's points from an
 * interval and a stats JSON, the request body, the write URLs and the
 * --influx-* options.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_buf.h"
#include "dp_options.h"
#include "influx_config.h"
#include "influx_line.h"
#include "influx_url.h"
#include "ves_encoder.h"
#include "opt_run.h"

static char token_file[64];

/* --- line protocol --- */

static char *
one_line(const char *meas, const char *tagk, const char *tagv, const char *fk, const char *fs)
{
	struct influx_line l;
	struct dp_buf b;
	size_t len;

	dp_buf_init(&b);
	influx_line_begin(&l, &b, meas);
	influx_line_tag(&l, tagk, tagv);
	influx_line_field_u64(&l, fk, 7);
	influx_line_field_str(&l, "s", fs);
	influx_line_end(&l, 1700000000000000000ull);
	return dp_buf_steal(&b, &len);
}

static void
test_line_escaping(void **state)
{
	static const struct {
		const char *meas, *tagk, *tagv, *fk, *fs, *want;
	} cases[] = {
		{ "port", "port", "net_ring0", "rx", "x",
		  "port,port=net_ring0 rx=7i,s=\"x\" 1700000000000000000\n" },
		/* spaces, commas and equals signs in keys and tag values */
		{ "my port", "in stance", "lab 1,a=b", "f,k=v", "ok",
		  "my\\ port,in\\ stance=lab\\ 1\\,a\\=b f\\,k\\=v=7i,s=\"ok\" 1700000000000000000\n" },
		/* quotes and backslashes in a string field; quotes in a tag are literal */
		{ "m", "t", "say \"hi\"", "f", "a \"q\" \\ b",
		  "m,t=say\\ \"hi\" f=7i,s=\"a \\\"q\\\" \\\\ b\" 1700000000000000000\n" },
		/* a trailing backslash cannot escape the separator after it */
		{ "m", "t", "end\\", "f", "x",
		  "m,t=end\\\\ f=7i,s=\"x\" 1700000000000000000\n" },
		/* line breaks and controls cannot be escaped: they become '_' */
		{ "m", "t", "a\nb\r\tc", "f", "x\ny",
		  "m,t=a_b__c f=7i,s=\"x_y\" 1700000000000000000\n" },
		/* an empty tag value is left out */
		{ "m", "t", "", "f", "",
		  "m f=7i,s=\"\" 1700000000000000000\n" },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = one_line(cases[i].meas, cases[i].tagk, cases[i].tagv, cases[i].fk,
				cases[i].fs);

		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %u: got '%s' want '%s'", i, got, cases[i].want);
		/* one point is one line, whatever the names held */
		assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
		free(got);
	}
}

static void
test_line_values(void **state)
{
	struct influx_line l;
	struct dp_buf b;
	size_t len;
	char *s;

	(void)state;
	dp_buf_init(&b);
	influx_line_begin(&l, &b, "m");
	influx_line_field_u64(&l, "big", UINT64_MAX);	/* int64 at most */
	influx_line_field_f64(&l, "nan", 0.0 / 0.0);	/* left out */
	influx_line_field_f64(&l, "r", 2.5);
	influx_line_field_bool(&l, "up", true);
	influx_line_end(&l, 5);
	/* a line without fields is taken back */
	influx_line_begin(&l, &b, "empty");
	influx_line_tag(&l, "t", "v");
	influx_line_end(&l, 6);
	s = dp_buf_steal(&b, &len);
	assert_string_equal(s, "m big=9223372036854775807i,r=2.5,up=true 5\n");
	free(s);
}

/* --- the encoder --- */

static void
test_encoder_points(void **state)
{
	const struct ves_port_delta ports[1] = { {
		.name = "net ring,0", .link_up = true,
		.rx_packets = 10, .rx_bytes = 640, .tx_packets = 9, .tx_bytes = 576, .dropped = 1,
		.rx_missed = 2, .rx_packets_total = 110, .rx_bytes_total = 7040,
		.tx_packets_total = 99, .tx_bytes_total = 6336, .dropped_total = 11,
		.rx_missed_total = 12,
	} };
	const struct ves_event_meta meta = { .nf_name = "vfw", .source_name = "lab=1" };
	json_error_t jerr;
	json_t *snap = json_loads(
		"{\"rules\":[{\"index\":0,\"rule\":\"allow udp \\\"x\\\"\",\"action\":\"allow\","
		"\"packets\":5,\"bytes\":320}],"
		"\"sessions\":{\"active\":3,\"states\":{\"established\":2,\"closing\":1}},"
		"\"streams\":[{\"stream\":4,\"rx_packets\":8,\"lost\":1,\"duplicates\":0,"
		"\"reordered\":2,\"latency_ns\":{\"min\":100,\"p999\":900,\"histogram\":[1,2]}},"
		"{\"id\":2,\"name\":\"web,a\",\"tx_packets\":7,\"rate\":1000.5,\"done\":false}]}",
		0, &jerr);
	struct ves_interval iv = {
		.seq = 1, .start_us = 1700000000000000ull, .end_us = 1700000001000000ull,
		.ports = ports, .nb_ports = 1, .snapshot = snap,
	};
	const char *want =
		"port,binary=vfw,instance=lab\\=1,port=net\\ ring\\,0 rx_packets=10i,rx_bytes=640i,"
		"tx_packets=9i,tx_bytes=576i,dropped=1i,rx_missed=2i,rx_packets_total=110i,"
		"rx_bytes_total=7040i,tx_packets_total=99i,tx_bytes_total=6336i,dropped_total=11i,"
		"rx_missed_total=12i,link_up=true,"
		"suspect=false 1700000001000000000\n"
		"rule,binary=vfw,instance=lab\\=1,rule=0 hits=5i,bytes=320i,action=\"allow\","
		"text=\"allow udp \\\"x\\\"\" 1700000001000000000\n"
		"sessions,binary=vfw,instance=lab\\=1 active=3i,established=2i,closing=1i "
		"1700000001000000000\n"
		"stream,binary=vfw,instance=lab\\=1,stream=4 rx_packets=8i,lost=1i,duplicates=0i,"
		"reordered=2i,latency_ns_min=100i,latency_ns_p999=900i 1700000001000000000\n"
		"stream,binary=vfw,instance=lab\\=1,stream=2,name=web\\,a tx_packets=7i,"
		"rate=1000.5 1700000001000000000\n";
	char *got;

	(void)state;
	assert_non_null(snap);
	got = influx_encoder.measurement(&meta, &iv);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", got, want);
	free(got);
	/* without a stats JSON: the ports alone */
	iv.snapshot = NULL;
	got = influx_encoder.measurement(&meta, &iv);
	assert_non_null(got);
	assert_non_null(strstr(got, "port,"));
	assert_null(strstr(got, "rule,"));
	free(got);
	json_decref(snap);
	assert_null(influx_encoder.heartbeat);
	assert_null(influx_encoder.fault);
	assert_true(influx_encoder.wants_snapshot);
	assert_false(ves_encoder.wants_snapshot);
}

static void
test_encoder_body(void **state)
{
	const char *items[] = { "a x=1i 1\n", "b y=2i 2\nc z=3i 2\n" };
	size_t len = 0;
	char *body;

	(void)state;
	body = influx_encoder.body(items, 2, &len);
	assert_non_null(body);
	assert_string_equal(body, "a x=1i 1\nb y=2i 2\nc z=3i 2\n");
	assert_int_equal(len, strlen(body));
	free(body);
}

/* --- URLs and options --- */

static void
test_url(void **state)
{
	static const char *const bad[] = {
		"http://h:8086/", "http://h:8086/query?db=x", "http://h:8086/write",
		"http://h:8086/write?db=", "http://h:8086/api/v2/write?org=o",
		"http://h:8086/api/v2/write?bucket=b", "http://h:8086/write?db=x&precision=s",
	};
	char out[256], why[160];
	unsigned int i;

	(void)state;
	assert_int_equal(influx_url_endpoint("http://127.0.0.1:8086/write?db=vfwcl", out,
			sizeof(out), why, sizeof(why)), INFLUX_API_V1);
	assert_string_equal(out, "http://127.0.0.1:8086/write?db=vfwcl&precision=ns");
	assert_int_equal(influx_url_endpoint("https://h/api/v2/write?org=o&bucket=b&precision=ns",
			out, sizeof(out), why, sizeof(why)), INFLUX_API_V2);
	assert_string_equal(out, "https://h/api/v2/write?org=o&bucket=b&precision=ns");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (influx_url_endpoint(bad[i], out, sizeof(out), why, sizeof(why)) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_true(why[0] != '\0');
	}
}

/* Parse args (NULL-terminated, without argv[0]) with the group under test. */
static int
parse(struct opt_run *r, const char *const *args)
{
	return opt_run_parse(r, influx_config_defaults, influx_options_register, args);
}

static void
test_options(void **state)
{
	const char *good[] = { "--influx-url", "http://127.0.0.1:9/api/v2/write?org=o&bucket=b",
		"--influx-token-file", token_file, "--influx-interval", "1", "--influx-instance",
		"lab 1", NULL };
	static const char *const bad[][3] = {
		{ "--influx-url", "ftp://h/write?db=x", "--influx-url: invalid value 'ftp://h/write?db=x'" },
		{ "--influx-interval", "0", "--influx-interval: invalid value '0'" },
		{ "--influx-interval", "3601", "--influx-interval: invalid value '3601'" },
		{ "--influx-interval", "1x", "--influx-interval: invalid value '1x'" },
		{ "--influx-token-file", "/nonexistent/tok", "--influx-token-file: invalid value "
		  "'/nonexistent/tok'" },
		{ "--influx-queue", "0", "--influx-queue: invalid value '0'" },
	};
	const char *needs[] = { "--influx-interval", "5", NULL };
	const char *path[] = { "--influx-url", "http://h:1/wrte?db=x", NULL };
	struct opt_run r;
	unsigned int i;

	(void)state;
	assert_int_equal(parse(&r, good), DP_PARSE_RUN);
	assert_int_equal(influx_config_finalize(&r.cfg, r.err, sizeof(r.err)), 0);
	assert_int_equal(r.cfg.version, 2);
	assert_int_equal(r.cfg.interval_s, 1);
	assert_int_equal(r.cfg.heartbeat_s, 0);
	assert_string_equal(r.cfg.token, "t0ken");	/* first line */
	assert_string_equal(r.cfg.source_name, "lab 1");
	assert_string_equal(r.cfg.endpoint, "http://127.0.0.1:9/api/v2/write?org=o&bucket=b"
			"&precision=ns");
	ves_config_wipe(&r.cfg);
	assert_int_equal(r.cfg.token[0], '\0');
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { bad[i][0], bad[i][1], NULL };

		assert_int_equal(parse(&r, args), -EINVAL);
		if (strstr(r.err, bad[i][2]) == NULL)
			fail_msg("%s %s: got '%s'", bad[i][0], bad[i][1], r.err);
	}
	assert_int_equal(parse(&r, needs), DP_PARSE_RUN);
	assert_int_equal(influx_config_finalize(&r.cfg, r.err, sizeof(r.err)), -EINVAL);
	assert_string_equal(r.err, "--influx-interval: needs --influx-url");
	assert_int_equal(parse(&r, path), DP_PARSE_RUN);
	assert_int_equal(influx_config_finalize(&r.cfg, r.err, sizeof(r.err)), -EINVAL);
	assert_non_null(strstr(r.err, "--influx-url: invalid value 'http://h:1/wrte?db=x'"));
	/* off and nothing else given: fine */
	assert_int_equal(parse(&r, (const char *const[]){ NULL }), DP_PARSE_RUN);
	assert_int_equal(influx_config_finalize(&r.cfg, r.err, sizeof(r.err)), 0);
	assert_false(ves_config_enabled(&r.cfg));
}

static int
setup_files(void **state)
{
	FILE *f;
	int fd;

	(void)state;
	snprintf(token_file, sizeof(token_file), "/tmp/influx-unit-XXXXXX");
	fd = mkstemp(token_file);	/* mode 600 */
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs("t0ken\nsecond line\n", f);
	fclose(f);
	return 0;
}

static int
teardown_files(void **state)
{
	(void)state;
	unlink(token_file);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_escaping),
		cmocka_unit_test(test_line_values),
		cmocka_unit_test(test_encoder_points),
		cmocka_unit_test(test_encoder_body),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
