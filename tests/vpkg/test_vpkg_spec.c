/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of vpkg/spec.c and spec_json.c: rates, sizes, IMIX, ranges, bad values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "spec.h"

static char why[256];

static void
test_rate_units(void **state)
{
	struct vpkg_rate r;

	(void)state;
	assert_int_equal(vpkg_parse_rate("10pps", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_PPS);
	assert_true(r.value == 10);
	assert_int_equal(vpkg_parse_rate("10", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_PPS);
	assert_int_equal(vpkg_parse_rate("1.5Mpps", &r, why, sizeof(why)), 0);
	assert_true(r.value == 1.5e6);
	assert_int_equal(vpkg_parse_rate("10kpps", &r, why, sizeof(why)), 0);
	assert_true(r.value == 1e4);
	assert_int_equal(vpkg_parse_rate("1Gbps", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_L2_BPS);
	assert_true(r.value == 1e9);
	assert_int_equal(vpkg_parse_rate("100Mbps-l1", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_L1_BPS);
	assert_int_equal(vpkg_parse_rate("100Mbps-l2", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_L2_BPS);
	assert_int_equal(vpkg_parse_rate("50%", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_PERCENT);
	assert_int_equal(vpkg_parse_rate("max", &r, why, sizeof(why)), 0);
	assert_int_equal(r.unit, VPKG_RATE_MAX);
}

static void
test_rate_bad(void **state)
{
	static const char *const bad[] = {
		"", "fast", "10 pps", "-5pps", "0pps", "0", "101%", "10Tpps", "10mpps",
		"10ppsx", "1k%", "nan", "inf", "2Gpps", " 10",
	};
	struct vpkg_rate r;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_not_equal(vpkg_parse_rate(bad[i], &r, why, sizeof(why)), 0);
		assert_true(why[0] != '\0');
	}
}

static void
test_rate_pps(void **state)
{
	struct vpkg_rate r;

	(void)state;
	/* 10 Gbit/s L1 at 64 bytes: 14.88 Mpps */
	r.unit = VPKG_RATE_L1_BPS;
	r.value = 10e9;
	assert_true(vpkg_rate_pps(&r, 64, 0) > 14880952 && vpkg_rate_pps(&r, 64, 0) < 14880953);
	r.unit = VPKG_RATE_PERCENT;
	r.value = 100;
	assert_true(vpkg_rate_pps(&r, 64, 10000) > 14880952 &&
		    vpkg_rate_pps(&r, 64, 10000) < 14880953);
	assert_true(vpkg_rate_pps(&r, 64, 0) < 0);	/* line rate unknown */
	r.unit = VPKG_RATE_L2_BPS;
	r.value = 64 * 8 * 1000;
	assert_true(vpkg_rate_pps(&r, 64, 0) == 1000);
	r.unit = VPKG_RATE_MAX;
	assert_true(vpkg_rate_pps(&r, 64, 0) == 0);
}

static void
test_size(void **state)
{
	struct vpkg_size sz;

	(void)state;
	assert_int_equal(vpkg_parse_size("64", &sz, why, sizeof(why)), 0);
	assert_int_equal(sz.kind, VPKG_SIZE_FIXED);
	assert_int_equal(sz.min, 64);
	assert_true(vpkg_size_avg(&sz) == 64);
	assert_int_equal(vpkg_parse_size("64-1518", &sz, why, sizeof(why)), 0);
	assert_int_equal(sz.kind, VPKG_SIZE_RANGE);
	assert_int_equal(sz.max, 1518);
	assert_true(vpkg_size_avg(&sz) == 791);
	assert_int_equal(vpkg_parse_size("imix", &sz, why, sizeof(why)), 0);
	assert_int_equal(sz.kind, VPKG_SIZE_IMIX);
	assert_int_equal(sz.nb_imix, 3);
	assert_int_equal(sz.min, 64);
	assert_int_equal(sz.max, 1518);
	/* (64*7 + 594*4 + 1518) / 12 */
	assert_true(vpkg_size_avg(&sz) > 361.83 && vpkg_size_avg(&sz) < 361.84);
	assert_int_equal(vpkg_parse_size("100:1", &sz, why, sizeof(why)), 0);
	assert_int_equal(sz.kind, VPKG_SIZE_FIXED);
	assert_int_equal(vpkg_parse_size("128-128", &sz, why, sizeof(why)), 0);
	assert_int_equal(sz.kind, VPKG_SIZE_FIXED);
}

static void
test_size_bad(void **state)
{
	static const char *const bad[] = {
		"", "big", "64-", "-64", "100-64", "64:0", "64:1,", "64:x", ":3", "64:1,,128:1",
		"70000", "64:1000,128:100",
	};
	struct vpkg_size sz;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(vpkg_parse_size(bad[i], &sz, why, sizeof(why)), 0);
}

static void
test_ranges(void **state)
{
	struct vpkg_addr a;
	struct vpkg_range r;

	(void)state;
	assert_int_equal(vpkg_parse_addr("10.0.0.1-10.0.0.254", &a, why, sizeof(why)), 0);
	assert_int_equal(a.family, DP_FAM_V4);
	assert_int_equal(a.r.base, 0x0a000001);
	assert_int_equal(a.r.count, 254);
	assert_int_equal(vpkg_parse_addr("192.168.10.200", &a, why, sizeof(why)), 0);
	assert_int_equal(a.r.count, 1);
	assert_int_equal(vpkg_parse_addr("2001:db8::1-2001:db8::ff", &a, why, sizeof(why)), 0);
	assert_int_equal(a.family, DP_FAM_V6);
	assert_int_equal(a.r.base, 1);
	assert_int_equal(a.r.count, 255);
	assert_int_not_equal(vpkg_parse_addr("2001:db8::1-2001:db9::1", &a, why, sizeof(why)), 0);
	assert_int_not_equal(vpkg_parse_addr("10.0.0.9-10.0.0.1", &a, why, sizeof(why)), 0);
	assert_int_not_equal(vpkg_parse_addr("10.0.0.1-2001:db8::1", &a, why, sizeof(why)), 0);
	assert_int_not_equal(vpkg_parse_addr("10.0.0.256", &a, why, sizeof(why)), 0);
	assert_int_equal(vpkg_parse_port_range("1000-2000", &r, why, sizeof(why)), 0);
	assert_int_equal(r.base, 1000);
	assert_int_equal(r.count, 1001);
	assert_int_equal(vpkg_parse_port_range("8080", &r, why, sizeof(why)), 0);
	assert_int_equal(r.count, 1);
	assert_int_not_equal(vpkg_parse_port_range("65536", &r, why, sizeof(why)), 0);
	assert_int_not_equal(vpkg_parse_port_range("20-10", &r, why, sizeof(why)), 0);
}

static void
test_proto(void **state)
{
	uint8_t p;

	(void)state;
	assert_int_equal(vpkg_parse_proto("udp", &p, why, sizeof(why)), 0);
	assert_int_equal(p, VPKG_PROTO_UDP);
	assert_int_equal(vpkg_parse_proto("tcp-syn", &p, why, sizeof(why)), 0);
	assert_int_equal(p, VPKG_PROTO_TCP_SYN);
	assert_int_equal(vpkg_parse_proto("icmp", &p, why, sizeof(why)), 0);
	assert_int_not_equal(vpkg_parse_proto("sctp", &p, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "unknown protocol"));
}

static void
test_onap(void **state)
{
	struct vpkg_stream_spec s[16];
	unsigned int n, i;

	(void)state;
	n = vpkg_spec_onap(s, 16);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "fw_udp%u", i + 1);
		assert_string_equal(s[i].name, name);
		assert_int_equal(s[i].id, i);
		assert_true(s[i].enabled);
		assert_int_equal(s[i].rate.unit, VPKG_RATE_PPS);
		assert_true(s[i].rate.value == 10);
		assert_int_equal(s[i].size.min, 64);
		assert_int_equal(s[i].src_ip.r.base, 0xc0a80ac8);
		assert_int_equal(s[i].dst_ip.r.base, 0xc0a814fa);
		assert_int_equal(s[i].src_port.base, 15320);
		assert_int_equal(s[i].dst_port.base, 8080);
	}
	assert_int_equal(vpkg_spec_check_set(s, n, why, sizeof(why)), 0);
	/* 64-byte UDP/IPv4 holds the probe; TCP does not */
	assert_int_equal(vpkg_spec_probe_min(&s[0]), 64);
	s[0].proto = VPKG_PROTO_TCP;
	assert_int_equal(vpkg_spec_probe_min(&s[0]), 74);
}

static int
parse(const char *text, struct vpkg_stream_spec *specs, unsigned int max)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	int rc;

	assert_non_null(root);
	why[0] = '\0';
	rc = vpkg_spec_parse_json(json_object_get(root, "streams"), specs, max, why, sizeof(why));
	json_decref(root);
	return rc;
}

static void
test_json_good(void **state)
{
	static struct vpkg_stream_spec s[8];

	(void)state;
	assert_int_equal(parse("{\"streams\":[{\"name\":\"a\",\"id\":5,\"rate\":\"1Mpps\","
			       "\"size\":\"imix\",\"src_ip\":{\"from\":\"10.0.0.0\",\"to\":\"10.0.0.255\","
			       "\"step\":5,\"walk\":\"random\"},\"dst_port\":\"1-9\",\"count\":100,"
			       "\"duration\":2.5,\"vlan\":10,\"enabled\":\"false\"},"
			       "{\"rate\":20,\"proto\":\"icmp\",\"src_ip\":\"2001:db8::1\","
			       "\"dst_ip\":\"2001:db8::2\",\"size\":{\"from\":100,\"to\":200,\"walk\":\"random\"}}]}",
			       s, 8), 2);
	assert_string_equal(s[0].name, "a");
	assert_int_equal(s[0].id, 5);
	assert_false(s[0].enabled);
	assert_true(s[0].rate.value == 1e6);
	assert_int_equal(s[0].size.kind, VPKG_SIZE_IMIX);
	assert_int_equal(s[0].src_ip.r.count, 52);
	assert_int_equal(s[0].src_ip.r.step, 5);
	assert_int_equal(s[0].src_ip.r.walk, VPKG_WALK_RANDOM);
	assert_int_equal(s[0].dst_port.count, 9);
	assert_int_equal(s[0].count, 100);
	assert_true(s[0].duration == 2.5);
	assert_int_equal(s[0].vlan, 10);
	assert_string_equal(s[1].name, "stream1");
	assert_int_equal(s[1].id, 1);
	assert_int_equal(s[1].src_ip.family, DP_FAM_V6);
	assert_int_equal(s[1].proto, VPKG_PROTO_ICMP);
	assert_int_equal(s[1].size.kind, VPKG_SIZE_RANGE);
	assert_int_equal(s[1].size.walk, VPKG_WALK_RANDOM);
}

struct bad_case {
	const char *json;
	const char *expect;	/* in the error */
};

static void
test_json_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"streams\":{}}", "must be an array" },
		{ "{\"streams\":[]}", "empty" },
		{ "{\"streams\":[1]}", "streams[0]: must be an object" },
		{ "{\"streams\":[{\"colour\":\"red\"}]}", "streams[0]: unknown key 'colour'" },
		{ "{\"streams\":[{\"rate\":\"fast\"}]}", "streams[0].rate: invalid value" },
		{ "{\"streams\":[{\"rate\":true}]}", "streams[0].rate" },
		{ "{\"streams\":[{\"rate\":-1}]}", "streams[0].rate" },
		{ "{\"streams\":[{\"size\":40}]}", "streams[0].size: invalid value '40'" },
		{ "{\"streams\":[{\"size\":2000}]}", "above the 1518-byte maximum" },
		{ "{\"streams\":[{\"proto\":\"gre\"}]}", "unknown protocol" },
		{ "{\"streams\":[{\"id\":1},{\"id\":1}]}", "streams[1].id: duplicate id 1" },
		{ "{\"streams\":[{\"name\":\"x\"},{\"name\":\"x\"}]}", "duplicate name 'x'" },
		{ "{\"streams\":[{\"id\":1024}]}", "streams[0].id" },
		{ "{\"streams\":[{\"id\":\"3\"}]}", "must be an integer" },
		{ "{\"streams\":[{\"src_ip\":\"10.0.0.300\"}]}", "streams[0].src_ip" },
		{ "{\"streams\":[{\"src_ip\":\"2001:db8::1\"}]}", "dst_ip" },
		{ "{\"streams\":[{\"src_port\":70000}]}", "streams[0].src_port" },
		{ "{\"streams\":[{\"src_port\":{\"from\":10,\"to\":5}}]}", "to below from" },
		{ "{\"streams\":[{\"src_ip\":{\"from\":\"10.0.0.0\",\"to\":\"10.0.0.9\",\"step\":4}}]}",
		  "multiple of step" },
		{ "{\"streams\":[{\"dst_port\":{\"from\":1,\"walk\":\"sideways\"}}]}", "walk" },
		{ "{\"streams\":[{\"vlan\":4096}]}", "streams[0].vlan" },
		{ "{\"streams\":[{\"vlan\":0}]}", "streams[0].vlan: invalid value '0' (a VLAN id, 1 to 4095)" },
		{ "{\"streams\":[{\"vlan\":-1}]}", "streams[0].vlan: invalid value '-1'" },
		{ "{\"streams\":[{\"vlan\":\"10\"}]}", "streams[0].vlan" },
		{ "{\"streams\":[{\"rate\":0}]}", "streams[0].rate: invalid value '0' (the rate must be above 0" },
		{ "{\"streams\":[{\"rate\":2e9}]}", "above 1Gpps" },
		{ "{\"streams\":[{\"count\":-1}]}", "streams[0].count" },
		{ "{\"streams\":[{\"enabled\":\"maybe\"}]}", "streams[0].enabled" },
		/* README: true/false or "true"/"false", nothing else */
		{ "{\"streams\":[{\"enabled\":\"yes\"}]}", "streams[0].enabled" },
		{ "{\"streams\":[{\"enabled\":\"TRUE\"}]}", "streams[0].enabled" },
		{ "{\"streams\":[{\"enabled\":\"1\"}]}", "streams[0].enabled" },
		{ "{\"streams\":[{\"enabled\":1}]}", "streams[0].enabled" },
		{ "{\"streams\":[{\"duration\":-1}]}", "streams[0].duration" },
		{ "{\"streams\":[{\"name\":\"has space\"}]}", "streams[0].name" },
		{ "{\"streams\":[{\"src_mac\":\"zz\"}]}", "streams[0].src_mac" },
		{ "{\"streams\":[{\"proto\":\"tcp\",\"src_ip\":\"2001:db8::1\",\"dst_ip\":\"2001:db8::2\","
		  "\"size\":64}]}", "IPv6/tcp headers" },
	};
	static struct vpkg_stream_spec s[8];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].json, s, 8);

		if (rc >= 0 || strstr(why, cases[i].expect) == NULL)
			fail_msg("case %u: %s -> rc %d, '%s' (expected '%s')", i, cases[i].json, rc, why,
				 cases[i].expect);
	}
}

static void
test_json_roundtrip(void **state)
{
	static struct vpkg_stream_spec s[2], t[2];
	json_t *arr;
	int rc;

	(void)state;
	assert_int_equal(parse("{\"streams\":[{\"name\":\"r\",\"id\":3,\"rate\":\"2Mbps-l1\","
			       "\"size\":\"64:3,128:1\",\"src_ip\":{\"from\":\"10.0.0.1\",\"to\":\"10.0.1.1\","
			       "\"step\":256,\"walk\":\"random\"},\"src_port\":\"5-6\",\"count\":7}]}",
			       s, 2), 1);
	arr = json_array();
	json_array_append_new(arr, vpkg_spec_to_json(&s[0]));
	rc = vpkg_spec_parse_json(arr, t, 2, why, sizeof(why));
	json_decref(arr);
	assert_int_equal(rc, 1);
	assert_string_equal(t[0].name, "r");
	assert_int_equal(t[0].id, 3);
	assert_int_equal(t[0].rate.unit, VPKG_RATE_L1_BPS);
	assert_int_equal(t[0].size.nb_imix, 2);
	assert_int_equal(t[0].src_ip.r.count, 2);
	assert_int_equal(t[0].src_ip.r.step, 256);
	assert_int_equal(t[0].src_ip.r.walk, VPKG_WALK_RANDOM);
	assert_int_equal(t[0].src_port.count, 2);
	assert_int_equal(t[0].count, 7);
}


/* --vlan and a stream's "vlan" share one check: 1..4095. */
static void
test_vlan(void **state)
{
	uint16_t v = 7;

	(void)state;
	assert_int_equal(vpkg_parse_vlan("1", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vpkg_parse_vlan("4095", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 4095);
	assert_true(vpkg_parse_vlan("0", &v, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "1 to 4095"));
	assert_true(vpkg_parse_vlan("4096", &v, why, sizeof(why)) < 0);
	assert_true(vpkg_parse_vlan("", &v, why, sizeof(why)) < 0);
	assert_int_equal(v, 4095);
}

/* The port index and the line rate: messages name the stream (where) and the key. */
static void
test_check_port(void **state)
{
	static const char where[] = "--config: s.json: streams[3] (id 2, fw_udp2)";
	struct vpkg_stream_spec s;
	char err[256];

	(void)state;
	vpkg_spec_defaults(&s, 2);
	/* 10 Gbit/s: 14.88 Mpps of 64-byte frames */
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 10000, where, err, sizeof(err)), 0);
	assert_int_equal(vpkg_parse_rate("14.8Mpps", &s.rate, why, sizeof(why)), 0);
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 10000, where, err, sizeof(err)), 0);
	assert_int_equal(vpkg_parse_rate("15Mpps", &s.rate, why, sizeof(why)), 0);
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 10000, where, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, "\"rate\": 15Mpps"));
	assert_non_null(strstr(err, "line rate of port 0 (14.88 Mpps)"));
	/* at 1 Gbit/s 1.5 Mpps is too much; an unknown speed cannot refuse it */
	assert_int_equal(vpkg_parse_rate("1.5Mpps", &s.rate, why, sizeof(why)), 0);
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 1000, where, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "(1.488 Mpps)"));
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 0, where, err, sizeof(err)), 0);
	/* a percentage needs the line rate */
	assert_int_equal(vpkg_parse_rate("50%", &s.rate, why, sizeof(why)), 0);
	assert_int_equal(vpkg_spec_check_port(&s, 1, 5, 0, where, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"rate\": 50%"));
	assert_non_null(strstr(err, "port 5 is unknown"));
	/* a bit rate far below 0.001 pps */
	assert_int_equal(vpkg_parse_rate("0.1bps", &s.rate, why, sizeof(why)), 0);
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 10000, where, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "0.001 pps"));
	/* the port index */
	s.rate.unit = VPKG_RATE_MAX;
	s.port = 1;
	assert_int_equal(vpkg_spec_check_port(&s, 1, 0, 10000, where, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, "\"port\": 1, but 1 port(s) are in use (0..0)"));
	assert_int_equal(vpkg_spec_check_port(&s, 2, 0, 10000, where, err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_units),
		cmocka_unit_test(test_rate_bad),
		cmocka_unit_test(test_rate_pps),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_size_bad),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_onap),
		cmocka_unit_test(test_json_good),
		cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_check_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
