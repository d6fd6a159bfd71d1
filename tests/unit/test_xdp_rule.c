/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/dp_xdp_rule.c (--xdp-steer RULE) and of the option
 * in the common table: each grammar form, the network-order fields the XDP
 * program compares, every kind of bad rule, and that a bad rule changes no
 * state and names itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_options.h"
#include "dp_xdp_rule.h"
#include "dp_xdp_traffic.h"

static struct vfwcl_xdp_rule
parse_ok(const char *text)
{
	struct vfwcl_xdp_rule r;
	char err[DP_ERR_LEN] = "";

	memset(&r, 0xaa, sizeof(r));
	if (dp_xdp_rule_parse(text, &r, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", text, err);
	return r;
}

static void
test_udp_prefix_port(void **state)
{
	struct vfwcl_xdp_rule r = parse_ok("udp dst 192.168.20.7/24 port 8080");
	char text[64];

	(void)state;
	assert_int_equal(r.match, VFWCL_XDP_MATCH_PROTO | VFWCL_XDP_MATCH_DST |
			VFWCL_XDP_MATCH_PORT);
	assert_int_equal(r.proto, IPPROTO_UDP);
	/* the address is masked to its prefix, in network order */
	assert_int_equal(r.dst, htonl(0xc0a81400));
	assert_int_equal(r.dst_mask, htonl(0xffffff00));
	assert_int_equal(r.dst_port, htons(8080));
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "udp dst 192.168.20.0/24 port 8080");
}

static void
test_other_forms(void **state)
{
	struct vfwcl_xdp_rule r;
	char text[64];

	(void)state;
	r = parse_ok("dst 192.168.10.100");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_DST);
	assert_int_equal(r.dst, htonl(0xc0a80a64));
	assert_int_equal(r.dst_mask, 0xffffffffu);
	r = parse_ok("vlan 100");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_VLAN);
	assert_int_equal(r.vlan, 100);
	r = parse_ok("all");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_ALL);
	/* words in any order, blanks and tabs */
	r = parse_ok("  port 22\ttcp  vlan 7 ");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_PROTO | VFWCL_XDP_MATCH_PORT |
			VFWCL_XDP_MATCH_VLAN);
	assert_int_equal(r.proto, IPPROTO_TCP);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "tcp port 22 vlan 7");
	r = parse_ok("proto 47 dst 10.0.0.0/0");
	assert_int_equal(r.proto, 47);
	assert_int_equal(r.dst_mask, 0);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "proto 47 dst 0.0.0.0/0");
	r = parse_ok("icmp");
	assert_int_equal(r.proto, IPPROTO_ICMP);
	r = parse_ok("probe udp");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_PROBE | VFWCL_XDP_MATCH_PROTO);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "udp probe");
}

/* The binaries' default data traffic: prefixes masked, covered ones skipped, overflow flagged. */
/* IPv6 destinations: the prefix masked word by word, ICMP as ICMPv6, formatted back. */
static void
test_ipv6(void **state)
{
	struct vfwcl_xdp_rule r;
	char text[96];

	(void)state;
	r = parse_ok("udp dst 2001:db8:1:0:ffff::7/64 port 8080");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_PROTO | VFWCL_XDP_MATCH_DST6 |
			VFWCL_XDP_MATCH_PORT);
	assert_int_equal(r.dst6[0], htonl(0x20010db8));
	assert_int_equal(r.dst6[1], htonl(0x00010000));
	assert_int_equal(r.dst6[2], 0);
	assert_int_equal(r.dst6[3], 0);
	assert_int_equal(r.dst6_mask[0], UINT32_MAX);
	assert_int_equal(r.dst6_mask[1], UINT32_MAX);
	assert_int_equal(r.dst6_mask[2], 0);
	assert_int_equal(r.dst6_mask[3], 0);
	/* no IPv4 destination in an IPv6 rule */
	assert_int_equal(r.dst, 0);
	assert_int_equal(r.dst_mask, 0);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "udp dst 2001:db8:1::/64 port 8080");

	r = parse_ok("dst 2001:db8::1");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_DST6);
	assert_int_equal(r.prefix_len, 128);
	assert_int_equal(r.dst6[3], htonl(1));
	assert_int_equal(r.dst6_mask[3], UINT32_MAX);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "dst 2001:db8::1/128");

	/* a prefix ending inside a word */
	r = parse_ok("dst 2001:db8:abcd::/36");
	assert_int_equal(r.dst6[1], htonl(0xa0000000));
	assert_int_equal(r.dst6_mask[1], htonl(0xf0000000));

	r = parse_ok("icmp dst 2001:db8::1");
	assert_int_equal(r.proto, IPPROTO_ICMPV6);
	dp_xdp_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "icmp6 dst 2001:db8::1/128");
	r = parse_ok("icmp6");
	assert_int_equal(r.proto, IPPROTO_ICMPV6);
	r = parse_ok("dst ::/0");
	assert_int_equal(r.match, VFWCL_XDP_MATCH_DST6);
	assert_int_equal(r.dst6_mask[0], 0);
}

static void
test_default_traffic(void **state)
{
	struct dp_xdp_traffic t;
	char text[64];
	unsigned int i;

	(void)state;
	memset(&t, 0, sizeof(t));
	dp_xdp_traffic_add_dst(&t, 0xc0a80a64, 32);		/* 192.168.10.100 */
	dp_xdp_traffic_add_dst(&t, 0xc0a81464, 24);		/* 192.168.20.100/24 */
	dp_xdp_traffic_add_dst(&t, 0xc0a81407, 32);		/* inside the /24: skipped */
	dp_xdp_traffic_add_dst(&t, 0xc0a80000, 16);		/* covers both: kept (added after) */
	dp_xdp_traffic_add_probe(&t);
	dp_xdp_traffic_add_probe(&t);				/* once */
	assert_int_equal(t.nb_rules, 4);
	assert_false(t.overflow);
	dp_xdp_rule_format(&t.rules[0], text, sizeof(text));
	assert_string_equal(text, "dst 192.168.10.100/32");
	dp_xdp_rule_format(&t.rules[1], text, sizeof(text));
	assert_string_equal(text, "dst 192.168.20.0/24");
	assert_int_equal(t.rules[1].dst_mask, htonl(0xffffff00));
	dp_xdp_rule_format(&t.rules[2], text, sizeof(text));
	assert_string_equal(text, "dst 192.168.0.0/16");
	dp_xdp_rule_format(&t.rules[3], text, sizeof(text));
	assert_string_equal(text, "probe");
	/* a default route: every IPv4 destination */
	memset(&t, 0, sizeof(t));
	dp_xdp_traffic_add_dst(&t, 0x0a000001, 0);
	assert_int_equal(t.rules[0].dst_mask, 0);
	assert_int_equal(t.rules[0].dst, 0);
	/* IPv6: the address, a prefix covering it added after (kept), one inside it (skipped) */
	memset(&t, 0, sizeof(t));
	{
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x10, [15] = 0x64 };
		static const uint8_t p6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x20, [15] = 0x07 };
		static const uint8_t in6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x20, [8] = 1 };

		dp_xdp_traffic_add_dst6(&t, a6, 128);
		dp_xdp_traffic_add_dst6(&t, p6, 64);
		dp_xdp_traffic_add_dst6(&t, in6, 80);
		dp_xdp_traffic_add_dst(&t, 0xc0a80a64, 32);	/* IPv4 does not cover IPv6 */
		assert_int_equal(t.nb_rules, 3);
		dp_xdp_rule_format(&t.rules[0], text, sizeof(text));
		assert_string_equal(text, "dst 2001:db8:10::64/128");
		dp_xdp_rule_format(&t.rules[1], text, sizeof(text));
		assert_string_equal(text, "dst 2001:db8:20::/64");
		assert_int_equal(t.rules[1].match, VFWCL_XDP_MATCH_DST6);
	}
	/* more than the program holds */
	memset(&t, 0, sizeof(t));
	for (i = 0; i <= VFWCL_XDP_MAX_RULES; i++)
		dp_xdp_traffic_add_dst(&t, 0x0a000000 + (i << 8), 24);
	assert_int_equal(t.nb_rules, VFWCL_XDP_MAX_RULES);
	assert_true(t.overflow);
}

static void
test_bad_rules(void **state)
{
	static const char *const bad[] = {
		"", "   ", "everything", "all udp", "udp port", "udp port 0", "udp port 65536",
		"port 80", "icmp port 80", "dst", "dst 300.1.1.1", "dst 10.0.0.0/33",
		"dst 10.0.0.0/", "dst /8", "vlan 4096", "vlan x", "udp tcp", "proto 256",
		"dst 1.2.3.4 dst 1.2.3.5", "vlan 1 vlan 2", "udp port 1 port 2",
		"dst 1.2.3.4 junk", "probe probe", "probe 1",
		"dst 2001:db8::/129", "dst 2001:db8::g", "dst 2001:db8:::1", "dst :", "dst ::/",
		"dst 1.2.3.4 dst 2001:db8::1", "dst 2001:db8::1 dst 1.2.3.4", "icmp6 dst 10.0.0.1",
		"udp dst 2001:db8::1 port 0",
	};
	struct vfwcl_xdp_rule r, before;
	char err[DP_ERR_LEN];
	unsigned int i;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	before = r;
	for (i = 0; i < DP_DIM(bad); i++) {
		err[0] = '\0';
		if (dp_xdp_rule_parse(bad[i], &r, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != '\0');
		assert_memory_equal(&r, &before, sizeof(r));
	}
}

/* Parse a NULL-terminated list of application arguments with the common table. */
static int
parse_args(struct dp_config *cfg, char *err, ...)
{
	static const struct dp_app app = { .name = "testapp", .summary = "test" };
	char *argv[32];
	int argc = 0;
	va_list ap;
	char *a;

	argv[argc++] = (char *)(uintptr_t)"testapp";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) != NULL && argc < 31)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	dp_config_defaults(cfg);
	return dp_options_parse(&app, cfg, argc, argv, err, DP_ERR_LEN);
}

static void
test_option_repeatable(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN] = "";

	(void)state;
	assert_int_equal(parse_args(&cfg, err, "--xdp-steer", "udp dst 192.168.20.0/24 port 8080",
			"--xdp-steer", "vlan 100", NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.nb_xdp_rules, 2);
	assert_int_equal(cfg.xdp_rules[0].dst_port, htons(8080));
	assert_int_equal(cfg.xdp_rules[1].vlan, 100);
	assert_true(dp_config_given(&cfg, "xdp-steer"));
	assert_int_equal(parse_args(&cfg, err, NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.nb_xdp_rules, 0);
}

static void
test_option_bad_rule_named(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN] = "";
	char *many[2 * VFWCL_XDP_MAX_RULES + 4];
	unsigned int i;

	(void)state;
	assert_true(parse_args(&cfg, err, "--xdp-steer", "all", "--xdp-steer", "udp port 99999",
			NULL) < 0);
	assert_non_null(strstr(err, "--xdp-steer"));
	assert_non_null(strstr(err, "udp port 99999"));
	assert_non_null(strstr(err, "port needs a number"));

	/* one rule more than the map holds */
	for (i = 0; i <= VFWCL_XDP_MAX_RULES; i++) {
		many[2 * i] = (char *)(uintptr_t)"--xdp-steer";
		many[2 * i + 1] = (char *)(uintptr_t)"all";
	}
	many[2 * i] = NULL;
	dp_config_defaults(&cfg);
	{
		static const struct dp_app app = { .name = "testapp", .summary = "test" };
		char *argv[2 * VFWCL_XDP_MAX_RULES + 5];

		argv[0] = (char *)(uintptr_t)"testapp";
		memcpy(argv + 1, many, sizeof(many[0]) * (2 * i + 1));
		assert_true(dp_options_parse(&app, &cfg, (int)(2 * i + 1), argv, err,
				sizeof(err)) < 0);
	}
	assert_non_null(strstr(err, "more than"));
	assert_int_equal(cfg.nb_xdp_rules, VFWCL_XDP_MAX_RULES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_prefix_port),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_default_traffic),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_option_repeatable),
		cmocka_unit_test(test_option_bad_rule_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
