/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the VES agent's pure parts: deltas (wrap, reset), wall-clock
 * schedule, URLs and endpoints, options and their cross checks, the bounded
 * queue (order, drop-oldest, in-flight events kept), the HTTP verdicts and
 * the event builders' required fields, the XDP counters' group.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_options.h"
#include "ves_config.h"
#include "ves_delta.h"
#include "ves_event.h"
#include "ves_http.h"
#include "ves_queue.h"
#include "ves_sched.h"
#include "ves_url.h"
#include "opt_run.h"

/* --- deltas --- */

static void
test_delta(void **state)
{
	bool reset = false;

	(void)state;
	assert_int_equal(ves_delta_u64(100, 350, &reset), 250);
	assert_false(reset);
	assert_int_equal(ves_delta_u64(7, 7, &reset), 0);
	assert_false(reset);
	/* wrap around 2^64: the modular difference */
	assert_int_equal(ves_delta_u64(UINT64_MAX - 5, 10, &reset), 16);
	assert_false(reset);
	/* reset: counting from zero again */
	assert_int_equal(ves_delta_u64(1000000, 42, &reset), 42);
	assert_true(reset);
	reset = false;
	assert_int_equal(ves_delta_u64(1000, 0, &reset), 0);
	assert_true(reset);
}

static void
test_delta_ports(void **state)
{
	struct ves_port_sample prev[2] = {
		{ .rx_packets = 10, .rx_bytes = 640, .tx_packets = 5, .tx_bytes = 300, .rx_missed = 4 },
		{ .rx_packets = 900, .rx_bytes = 9000, .tx_packets = 1, .tx_bytes = 60 },
	};
	struct ves_port_sample cur[2] = {
		{ .rx_packets = 15, .rx_bytes = 960, .tx_packets = 5, .tx_bytes = 300,
		  .rx_missed = 9, .link_up = true, .name = "p0" },
		{ .rx_packets = 3, .rx_bytes = 192, .tx_packets = 2, .tx_bytes = 120,
		  .link_up = false, .name = "p1" },
	};
	struct ves_port_delta d[2];

	(void)state;
	ves_delta_ports(prev, cur, 2, d);
	assert_string_equal(d[0].name, "p0");
	assert_int_equal(d[0].rx_packets, 5);
	assert_int_equal(d[0].rx_bytes, 320);
	assert_int_equal(d[0].tx_packets, 0);
	assert_int_equal(d[0].rx_packets_total, 15);
	assert_int_equal(d[0].rx_missed, 5);
	assert_int_equal(d[0].rx_missed_total, 9);
	assert_false(d[0].suspect);
	assert_true(d[0].link_up);
	/* port 1 was reset: its deltas are the new totals, marked suspect */
	assert_int_equal(d[1].rx_packets, 3);
	assert_int_equal(d[1].rx_bytes, 192);
	assert_int_equal(d[1].tx_packets, 1);
	assert_true(d[1].suspect);
	assert_false(d[1].link_up);
}

/* --- schedule --- */

static void
test_sched(void **state)
{
	const uint64_t s = VES_NS_PER_S, p = 10 * s;

	(void)state;
	assert_int_equal(ves_sched_next(1700000003 * s + 5, p), 1700000010 * s);
	assert_int_equal(ves_sched_next(1700000010 * s, p), 1700000020 * s);
	assert_int_equal(ves_sched_floor(1700000019 * s + 999, p), 1700000010 * s);
	assert_int_equal(ves_sched_floor(1700000020 * s, p), 1700000020 * s);
	assert_int_equal(ves_ns_to_timespec(3 * s + 7).tv_sec, 3);
	assert_int_equal(ves_ns_to_timespec(3 * s + 7).tv_nsec, 7);
	assert_true(dp_real_ns() > 1500000000 * s);
}

/* --- URLs --- */

static void
test_url_check(void **state)
{
	static const char *const good[] = {
		"http://127.0.0.1:8080", "https://collector.example/eventListener/v5",
		"http://[::1]:8443/x", "HTTP://dcae-ves:8080/",
	};
	static const char *const bad[] = {
		"ftp://h/", "collector:8080", "http://", "http://u:p@h/", "not a url",
		"http://h/#frag", "", "http://h:99999/",
	};
	char why[160];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ves_url_check(good[i], why, sizeof(why)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(ves_url_check(bad[i], why, sizeof(why)), -EINVAL);
		assert_true(why[0] != '\0');
	}
	assert_true(ves_url_is_https("https://h/"));
	assert_false(ves_url_is_https("http://h/"));
}

static void
test_url_endpoints(void **state)
{
	char one[256], batch[256];

	(void)state;
	assert_int_equal(ves_url_endpoints("http://127.0.0.1:8080", 5, one, sizeof(one), batch,
			sizeof(batch)), 0);
	assert_string_equal(one, "http://127.0.0.1:8080/eventListener/v5");
	assert_string_equal(batch, "http://127.0.0.1:8080/eventListener/v5/eventBatch");
	assert_int_equal(ves_url_endpoints("https://h/", 7, one, sizeof(one), batch,
			sizeof(batch)), 0);
	assert_string_equal(one, "https://h/eventListener/v7");
	assert_int_equal(ves_url_endpoints("http://h:1/custom/path/", 7, one, sizeof(one), batch,
			sizeof(batch)), 0);
	assert_string_equal(one, "http://h:1/custom/path");
	assert_string_equal(batch, "http://h:1/custom/path/eventBatch");
	assert_int_equal(ves_url_path_version("http://h/eventListener/v7"), 7);
	assert_int_equal(ves_url_path_version("http://h/eventListener/v5/"), 5);
	assert_int_equal(ves_url_path_version("http://h/"), 0);
}

/* --- options --- */

/* Parse args (NULL-terminated, without argv[0]) with the group under test. */
static int
parse(struct opt_run *r, const char *const *args)
{
	return opt_run_parse(r, ves_config_defaults, ves_options_register, args);
}

static char tmp_file[64];

static void
test_options_good(void **state)
{
	const char *args[] = { "--ves-url", "http://127.0.0.1:9/", "--ves-version", "7",
		"--ves-interval", "1", "--ves-heartbeat", "0", "--ves-queue", "5",
		"--ves-batch", "5", "--ves-timeout", "0.5", "--ves-source-name", "vfw-vf",
		"--ves-user", "ves", "--ves-password-file", tmp_file, NULL };
	struct opt_run r;

	(void)state;
	assert_int_equal(parse(&r, args), DP_PARSE_RUN);
	assert_int_equal(ves_config_finalize(&r.cfg, r.err, sizeof(r.err)), 0);
	assert_int_equal(r.cfg.version, 7);
	assert_int_equal(r.cfg.interval_s, 1);
	assert_int_equal(r.cfg.heartbeat_s, 0);
	assert_int_equal(r.cfg.timeout_ms, 500);
	assert_string_equal(r.cfg.password, "s3cret");	/* first line, no newline */
	assert_string_equal(r.cfg.endpoint, "http://127.0.0.1:9/eventListener/v7");
	ves_config_wipe(&r.cfg);
	assert_int_equal(r.cfg.password[0], '\0');
}

static void
test_options_version_from_path(void **state)
{
	const char *args[] = { "--ves-url", "http://h:1/eventListener/v7", NULL };
	const char *clash[] = { "--ves-url", "http://h:1/eventListener/v7", "--ves-version", "5",
		NULL };
	struct opt_run r;

	(void)state;
	assert_int_equal(parse(&r, args), DP_PARSE_RUN);
	assert_int_equal(ves_config_finalize(&r.cfg, r.err, sizeof(r.err)), 0);
	assert_int_equal(r.cfg.version, 7);
	assert_int_equal(parse(&r, clash), DP_PARSE_RUN);
	assert_int_equal(ves_config_finalize(&r.cfg, r.err, sizeof(r.err)), -EINVAL);
	assert_non_null(strstr(r.err, "--ves-url"));
}

static void
test_options_bad(void **state)
{
	static const char *const cases[][3] = {
		{ "--ves-url", "ftp://h/", "--ves-url: invalid value 'ftp://h/'" },
		{ "--ves-url", "nonsense", "--ves-url: invalid value 'nonsense'" },
		{ "--ves-version", "6", "--ves-version: invalid value '6'" },
		{ "--ves-interval", "0", "--ves-interval: invalid value '0'" },
		{ "--ves-interval", "3601", "--ves-interval: invalid value '3601'" },
		{ "--ves-heartbeat", "x", "--ves-heartbeat: invalid value 'x'" },
		{ "--ves-ca", "/nonexistent/ca.pem", "--ves-ca: invalid value '/nonexistent/ca.pem'" },
		{ "--ves-password-file", "/nonexistent/pw", "--ves-password-file: invalid value" },
		{ "--ves-queue", "0", "--ves-queue: invalid value '0'" },
		{ "--ves-batch", "101", "--ves-batch: invalid value '101'" },
		{ "--ves-nic-array", "x", "--ves-nic-array: invalid value 'x'" },
		{ "--ves-user", "a:b", "--ves-user: invalid value 'a:b'" },
		{ "--ves-timeout", "0", "--ves-timeout: invalid value '0'" },
	};
	struct opt_run r;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { cases[i][0], cases[i][1], NULL };

		assert_int_equal(parse(&r, args), -EINVAL);
		if (strstr(r.err, cases[i][2]) == NULL)
			fail_msg("%s %s: got '%s'", cases[i][0], cases[i][1], r.err);
	}
}

static void
test_options_finalize(void **state)
{
	static const char *const cases[][8] = {
		{ "--ves-interval", "5", NULL, NULL, NULL, NULL, NULL, "--ves-interval: needs --ves-url" },
		{ "--ves-url", "http://h/", "--ves-user", "u", NULL, NULL, NULL, "--ves-user: needs" },
		{ "--ves-url", "http://h/", "--ves-password", "p", NULL, NULL, NULL, "needs --ves-user" },
		{ "--ves-url", "http://h/", "--ves-ca", tmp_file, NULL, NULL, NULL, "--ves-ca:" },
		{ "--ves-url", "http://h/", "--ves-insecure", NULL, NULL, NULL, NULL, "--ves-insecure:" },
		{ "--ves-url", "http://h/", "--ves-queue", "2", "--ves-batch", "3", NULL, "--ves-batch:" },
	};
	struct opt_run r;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(&r, cases[i]) != DP_PARSE_RUN)
			fail_msg("case %u: parse: %s", i, r.err);
		assert_int_equal(ves_config_finalize(&r.cfg, r.err, sizeof(r.err)), -EINVAL);
		if (strstr(r.err, cases[i][7]) == NULL)
			fail_msg("case %u: got '%s'", i, r.err);
		assert_null(strstr(r.err, "s3cret"));
	}
	/* agent off and nothing else given: fine */
	assert_int_equal(parse(&r, (const char *const[]){ NULL }), DP_PARSE_RUN);
	assert_int_equal(ves_config_finalize(&r.cfg, r.err, sizeof(r.err)), 0);
	assert_false(ves_config_enabled(&r.cfg));
}

/* --- queue --- */

static char *
str(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static void
test_queue_order_and_bound(void **state)
{
	struct ves_queue q;
	const char *out[4];

	(void)state;
	assert_int_equal(ves_queue_init(&q, 3, 2), 0);
	assert_int_equal(ves_queue_push(&q, str("e0")), 0);
	assert_int_equal(ves_queue_push(&q, str("e1")), 0);
	assert_int_equal(ves_queue_push(&q, str("e2")), 0);
	/* full: the oldest waiting one goes */
	assert_int_equal(ves_queue_push(&q, str("e3")), 1);
	assert_int_equal(ves_queue_count(&q), 3);
	assert_int_equal(ves_queue_begin(&q, 2, 0, out), 2);
	assert_string_equal(out[0], "e1");
	assert_string_equal(out[1], "e2");
	/* in flight: never dropped; the oldest waiting one (e3) goes instead */
	assert_int_equal(ves_queue_push(&q, str("e4")), 0);
	assert_int_equal(ves_queue_push(&q, str("e5")), 0);
	assert_int_equal(ves_queue_push(&q, str("e6")), 1);
	assert_string_equal(out[0], "e1");
	assert_string_equal(out[1], "e2");
	/* failed: kept at the head, same order */
	ves_queue_end(&q, false);
	assert_int_equal(ves_queue_count(&q), 5);
	assert_int_equal(ves_queue_begin(&q, 4, 0, out), 2);	/* max_inflight 2 */
	assert_string_equal(out[0], "e1");
	assert_string_equal(out[1], "e2");
	ves_queue_end(&q, true);
	assert_int_equal(ves_queue_begin(&q, 1, 0, out), 1);
	assert_string_equal(out[0], "e4");
	ves_queue_end(&q, true);
	assert_int_equal(ves_queue_begin(&q, 2, 0, out), 2);
	assert_string_equal(out[0], "e5");
	assert_string_equal(out[1], "e6");
	ves_queue_end(&q, true);
	assert_int_equal(ves_queue_count(&q), 0);
	/* empty: a deadline or a kick returns 0 */
	assert_int_equal(ves_queue_begin(&q, 1, dp_real_ns() + 20000000, out), 0);
	ves_queue_kick(&q);
	assert_int_equal(ves_queue_begin(&q, 1, 0, out), 0);
	assert_true(ves_queue_sleep(&q, dp_real_ns() + 5 * VES_NS_PER_S));
	ves_queue_unkick(&q);
	assert_false(ves_queue_sleep(&q, dp_real_ns() + 10000000));
	ves_queue_push(&q, str("left"));	/* freed by fini */
	ves_queue_fini(&q);
}

/* --- HTTP verdicts --- */

static void
test_http_classify(void **state)
{
	static const long delivered[] = { 200, 201, 202, 204 };
	static const long rejected[] = { 400, 401, 403, 404, 413, 415 };
	static const long retry[] = { 0, 100, 301, 408, 429, 500, 502, 503, 504 };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(delivered) / sizeof(delivered[0]); i++)
		assert_int_equal(ves_http_classify(delivered[i]), VES_HTTP_DELIVERED);
	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
		assert_int_equal(ves_http_classify(rejected[i]), VES_HTTP_REJECTED);
	for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++)
		assert_int_equal(ves_http_classify(retry[i]), VES_HTTP_RETRY);
}

/* --- events --- */

static const struct ves_port_delta ports[1] = {
	{ .name = "eth0", .link_up = true, .rx_packets = 503, .rx_bytes = 32192,
	  .rx_packets_total = 1000, .rx_bytes_total = 64000, .rx_missed = 7, .rx_missed_total = 40 },
};

static struct ves_event_meta
meta(unsigned int version, enum ves_nic_array arr)
{
	struct ves_event_meta m = {
		.version = version, .source_name = "vfw-vf", .reporting_entity = "fwll",
		.event_name = VES_DEFAULT_EVENT_NAME, .nf_name = "vfw", .nic_array = arr,
		.instance = 1700000000000000ull,
	};

	return m;
}

static void
check_header(json_t *ev, unsigned int version, const char *domain, uint64_t seq)
{
	static const char *const required[] = { "domain", "eventId", "eventName",
		"lastEpochMicrosec", "priority", "reportingEntityName", "sequence", "sourceName",
		"startEpochMicrosec", "version" };
	json_t *h = json_object_get(ev, "commonEventHeader");
	unsigned int i;

	assert_non_null(h);
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (json_object_get(h, required[i]) == NULL)
			fail_msg("missing %s", required[i]);
	assert_string_equal(json_string_value(json_object_get(h, "domain")), domain);
	assert_int_equal(json_integer_value(json_object_get(h, "sequence")), seq);
	if (version == 5) {
		assert_true(json_is_number(json_object_get(h, "version")));
		assert_null(json_object_get(h, "vesEventListenerVersion"));
	} else {
		assert_string_equal(json_string_value(json_object_get(h, "version")), "4.1");
		assert_string_equal(json_string_value(json_object_get(h, "vesEventListenerVersion")),
				"7.1");
	}
}

static void
test_event_measurement(void **state)
{
	struct ves_event_meta m5 = meta(5, VES_NIC_PERFORMANCE), mu = meta(5, VES_NIC_USAGE);
	struct ves_event_meta m7 = meta(7, VES_NIC_PERFORMANCE);
	json_t *ev, *f, *nic;

	(void)state;
	ev = ves_event_measurement(&m5, 3, 1700000000000000ull, 1700000010000000ull, ports, 1);
	check_header(ev, 5, "measurementsForVfScaling", 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(ev,
			"commonEventHeader"), "eventName")), "vFirewallBroadcastPackets");
	f = json_object_get(ev, "measurementsForVfScalingFields");
	assert_int_equal(json_integer_value(json_object_get(f, "measurementInterval")), 10);
	assert_true(json_is_number(json_object_get(f, "measurementsForVfScalingVersion")));
	assert_null(json_object_get(f, "vNicUsageArray"));
	nic = json_array_get(json_object_get(f, "vNicPerformanceArray"), 0);
	assert_string_equal(json_string_value(json_object_get(nic, "vNicIdentifier")), "eth0");
	assert_string_equal(json_string_value(json_object_get(nic, "valuesAreSuspect")), "false");
	assert_int_equal(json_integer_value(json_object_get(nic, "receivedTotalPacketsDelta")), 503);
	assert_int_equal(json_integer_value(json_object_get(nic, "receivedOctetsDelta")), 32192);
	assert_int_equal(json_integer_value(json_object_get(nic, "transmittedTotalPacketsDelta")), 0);
	assert_int_equal(json_integer_value(json_object_get(nic, "transmittedOctetsDelta")), 0);
	/* the port's own drops (driver imissed) */
	assert_int_equal(json_integer_value(json_object_get(nic, "receivedDiscardedPacketsDelta")), 7);
	assert_int_equal(json_integer_value(json_object_get(nic,
			"receivedDiscardedPacketsAccumulated")), 40);
	json_decref(ev);

	/* Beijing form; a partial interval has its real length */
	ev = ves_event_measurement(&mu, 4, 1700000000000000ull, 1700000002500000ull, ports, 1);
	f = json_object_get(ev, "measurementsForVfScalingFields");
	assert_null(json_object_get(f, "vNicPerformanceArray"));
	nic = json_array_get(json_object_get(f, "vNicUsageArray"), 0);
	assert_int_equal(json_integer_value(json_object_get(nic, "receivedTotalPacketsDelta")), 503);
	assert_true(json_is_real(json_object_get(f, "measurementInterval")));
	assert_true(json_real_value(json_object_get(f, "measurementInterval")) == 2.5);
	json_decref(ev);

	ev = ves_event_measurement(&m7, 5, 1700000000000000ull, 1700000010000000ull, ports, 1);
	check_header(ev, 7, "measurement", 5);
	f = json_object_get(ev, "measurementFields");
	assert_string_equal(json_string_value(json_object_get(f, "measurementFieldsVersion")), "4.0");
	nic = json_array_get(json_object_get(f, "nicPerformanceArray"), 0);
	assert_string_equal(json_string_value(json_object_get(nic, "nicIdentifier")), "eth0");
	assert_string_equal(json_string_value(json_object_get(nic, "operationalState")), "inService");
	assert_int_equal(json_integer_value(json_object_get(nic, "receivedDiscardedPacketsDelta")), 7);
	json_decref(ev);
}

/* Port sample with our XDP program: verdicts, one queue, one rule. */
static void
xdp_sample(struct ves_port_sample *s, uint64_t redirected, uint64_t passed)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "xbd0");
	s->has_xdp = true;
	s->xdp.redirected = redirected;
	s->xdp.passed = passed;
	s->xdp.nb_queues = 1;
	s->xdp.queues[0].queue = 3;
	s->xdp.queues[0].redirected = redirected;
	s->xdp.queues[0].passed = passed;
	s->xdp.nb_rules = 1;
	snprintf(s->xdp.rules[0].rule, sizeof(s->xdp.rules[0].rule), "udp dst 10.0.0.0/8 port 8080");
	s->xdp.rules[0].packets = redirected;
}

/* The value of name in an XDP group (v5: a measurements field, v7: the hashMap). */
static const char *
xdp_value(json_t *group, unsigned int version, const char *name)
{
	json_t *v;
	size_t i;

	if (version == 7)
		return json_string_value(json_object_get(json_object_get(group, "hashMap"), name));
	json_array_foreach(json_object_get(group, "measurements"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return json_string_value(json_object_get(v, "value"));
	return NULL;
}

/*
 * XDP counters in additionalMeasurements: the deltas of consecutive
 * intervals add up to the totals, per queue and per rule as in the stats.
 */
static void
test_event_xdp(void **state)
{
	struct ves_event_meta metas[2] = { meta(5, VES_NIC_PERFORMANCE), meta(7, VES_NIC_PERFORMANCE) };
	static const char *const fields[2] = { "measurementsForVfScalingFields", "measurementFields" };
	struct ves_port_sample s[3];
	struct ves_port_delta d[2];
	unsigned int v;

	(void)state;
	memset(&s[0], 0, sizeof(s[0]));	/* before the program was there */
	xdp_sample(&s[1], 700, 20);
	xdp_sample(&s[2], 1000, 25);
	ves_delta_ports(&s[0], &s[1], 1, &d[0]);
	ves_delta_ports(&s[1], &s[2], 1, &d[1]);
	assert_true(d[0].has_xdp && d[1].has_xdp);
	assert_false(d[0].suspect || d[1].suspect);
	assert_int_equal(d[0].xdp_redirected + d[1].xdp_redirected, 1000);
	assert_int_equal(d[0].xdp_passed + d[1].xdp_passed, 25);
	for (v = 0; v < 2; v++) {
		json_t *ev = ves_event_measurement(&metas[v], 1, 1700000000000000ull,
				1700000010000000ull, &d[1], 1);
		json_t *f = json_object_get(ev, fields[v]);
		json_t *g = json_array_get(json_object_get(f, "additionalMeasurements"), 0);

		assert_non_null(g);
		assert_string_equal(json_string_value(json_object_get(g, "name")), "xdp:xbd0");
		assert_string_equal(xdp_value(g, metas[v].version, "redirectedDelta"), "300");
		assert_string_equal(xdp_value(g, metas[v].version, "passedDelta"), "5");
		assert_string_equal(xdp_value(g, metas[v].version, "noSocketDelta"), "0");
		assert_string_equal(xdp_value(g, metas[v].version, "redirectedAccumulated"), "1000");
		assert_string_equal(xdp_value(g, metas[v].version, "queue3.redirectedAccumulated"),
				"1000");
		assert_string_equal(xdp_value(g, metas[v].version, "queue3.passedAccumulated"), "25");
		assert_string_equal(xdp_value(g, metas[v].version, "rule0"),
				"udp dst 10.0.0.0/8 port 8080");
		assert_string_equal(xdp_value(g, metas[v].version, "rule0.packetsAccumulated"), "1000");
		json_decref(ev);
	}
	/* a port without the program: no additionalMeasurements at all */
	memset(&s[1], 0, sizeof(s[1]));
	ves_delta_ports(&s[0], &s[1], 1, &d[0]);
	{
		json_t *ev = ves_event_measurement(&metas[1], 2, 1700000000000000ull,
				1700000010000000ull, &d[0], 1);

		assert_null(json_object_get(json_object_get(ev, fields[1]), "additionalMeasurements"));
		json_decref(ev);
	}
}

static void
test_event_heartbeat_fault(void **state)
{
	struct ves_event_meta m5 = meta(5, VES_NIC_PERFORMANCE), m7 = meta(7, VES_NIC_PERFORMANCE);
	json_t *ev, *on, *off, *f;
	char id[VES_EVENT_ID_LEN];
	char *s;

	(void)state;
	ev = ves_event_heartbeat(&m7, 1, 1700000000000000ull, 60, NULL);
	check_header(ev, 7, "heartbeat", 1);
	f = json_object_get(ev, "heartbeatFields");
	assert_string_equal(json_string_value(json_object_get(f, "heartbeatFieldsVersion")), "3.0");
	assert_int_equal(json_integer_value(json_object_get(f, "heartbeatInterval")), 60);
	assert_null(json_object_get(f, "additionalFields"));
	json_decref(ev);

	/* the lifecycle state: a hashMap entry in v7, a name/value field in v5 */
	ev = ves_event_heartbeat(&m7, 1, 1700000000000000ull, 60, "paused");
	f = json_object_get(json_object_get(ev, "heartbeatFields"), "additionalFields");
	assert_string_equal(json_string_value(json_object_get(f, "state")), "paused");
	json_decref(ev);
	ev = ves_event_heartbeat(&m5, 1, 1700000000000000ull, 60, "running");
	check_header(ev, 5, "heartbeat", 1);
	f = json_object_get(json_object_get(ev, "heartbeatFields"), "additionalFields");
	assert_int_equal(json_array_size(f), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "name")), "state");
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "value")),
			"running");
	json_decref(ev);

	ves_event_id(&m5, "Fault", 2, id, sizeof(id));
	assert_string_equal(id, "Fault_1700000000000000_2");
	on = ves_event_fault(&m5, 2, id, 1700000001000000ull, 1700000001000000ull, "eth1", false);
	off = ves_event_fault(&m5, 3, id, 1700000001000000ull, 1700000005000000ull, "eth1", true);
	check_header(on, 5, "fault", 2);
	check_header(off, 5, "fault", 3);
	assert_true(json_equal(json_object_get(json_object_get(on, "commonEventHeader"), "eventId"),
			json_object_get(json_object_get(off, "commonEventHeader"), "eventId")));
	f = json_object_get(on, "faultFields");
	assert_string_equal(json_string_value(json_object_get(f, "eventSeverity")), "MAJOR");
	assert_string_equal(json_string_value(json_object_get(f, "vfStatus")), "Active");
	assert_non_null(json_object_get(f, "alarmCondition"));
	assert_non_null(json_object_get(f, "eventSourceType"));
	assert_non_null(json_object_get(f, "specificProblem"));
	assert_true(json_is_number(json_object_get(f, "faultFieldsVersion")));
	f = json_object_get(off, "faultFields");
	assert_string_equal(json_string_value(json_object_get(f, "eventSeverity")), "NORMAL");
	s = ves_event_dump(off);
	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	free(s);
	json_decref(on);
	json_decref(off);
}

static int
setup_files(void **state)
{
	FILE *f;
	int fd;

	(void)state;
	snprintf(tmp_file, sizeof(tmp_file), "/tmp/ves-unit-XXXXXX");
	fd = mkstemp(tmp_file);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs("s3cret\nsecond line\n", f);
	fclose(f);
	return 0;
}

static int
teardown_files(void **state)
{
	(void)state;
	unlink(tmp_file);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_delta_ports),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_url_endpoints),
		cmocka_unit_test(test_options_good),
		cmocka_unit_test(test_options_version_from_path),
		cmocka_unit_test(test_options_bad),
		cmocka_unit_test(test_options_finalize),
		cmocka_unit_test(test_queue_order_and_bound),
		cmocka_unit_test(test_http_classify),
		cmocka_unit_test(test_event_measurement),
		cmocka_unit_test(test_event_xdp),
		cmocka_unit_test(test_event_heartbeat_fault),
	};

	return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
