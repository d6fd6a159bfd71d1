/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of vfw/rules_parse.c: good files, canonical text, every kind of error. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "rules.h"

#ifndef VFW_RULES_DIR
#define VFW_RULES_DIR "vfw/rules"
#endif

static char err[256];

static struct vfw_rule_list
parse_ok(const char *text)
{
	struct vfw_rule_list l;
	int rc = vfw_rules_parse(text, "t.rules", &l, err, sizeof(err));

	if (rc != 0)
		fail_msg("parse failed: %s", err);
	return l;
}

static void
expect_error(const char *text, const char *msg)
{
	struct vfw_rule_list l;
	int rc;

	err[0] = '\0';
	rc = vfw_rules_parse(text, "t.rules", &l, err, sizeof(err));
	if (rc != -EINVAL)
		fail_msg("'%s' parsed (rc %d), expected error '%s'", text, rc, msg);
	if (strstr(err, msg) == NULL)
		fail_msg("'%s': error '%s' does not contain '%s'", text, err, msg);
	assert_null(l.rules);
	assert_int_equal(l.nb_rules, 0);
}

static void
test_empty(void **state)
{
	struct vfw_rule_list l = parse_ok("");

	(void)state;
	assert_int_equal(l.nb_rules, 0);
	assert_int_equal(l.default_action, VFW_DENY);
	assert_int_equal(l.default_line, 0);
	vfw_rule_list_free(&l);
	l = parse_ok("# only a comment\n\n   \t\n");
	assert_int_equal(l.nb_rules, 0);
	vfw_rule_list_free(&l);
}

static void
test_basic(void **state)
{
	struct vfw_rule_list l = parse_ok(
		"default allow\n"
		"deny in tcp from 10.0.0.0/8 port 1000-2000 to 192.168.20.5 port 22 # ssh\n"
		"allow out any\n"
		"allow in udp to 192.168.20.0/24 port 8080\n"
		"allow in icmp type echo-request\n"
		"allow icmp6 type 1 code 4\n"
		"allow proto 47 from 2001:db8::/32\n"
		"allow any stateless\r\n");
	const struct vfw_rule *r = l.rules;

	(void)state;
	assert_int_equal(l.nb_rules, 7);
	assert_int_equal(l.default_action, VFW_ALLOW);
	assert_int_equal(l.default_line, 1);

	assert_int_equal(r[0].action, VFW_DENY);
	assert_int_equal(r[0].dir, VFW_DIR_IN);
	assert_int_equal(r[0].proto, IPPROTO_TCP);
	assert_int_equal(r[0].families, DP_FAM_V4);
	assert_int_equal(r[0].src.family, DP_FAM_V4);
	assert_int_equal(r[0].src.len, 8);
	assert_int_equal(r[0].src.addr[0], 10);
	assert_int_equal(r[0].sport_lo, 1000);
	assert_int_equal(r[0].sport_hi, 2000);
	assert_int_equal(r[0].dst.len, 32);
	assert_int_equal(r[0].dport_lo, 22);
	assert_int_equal(r[0].dport_hi, 22);
	assert_int_equal(r[0].line, 2);

	assert_int_equal(r[1].dir, VFW_DIR_OUT);
	assert_int_equal(r[1].proto, VFW_PROTO_ANY);
	assert_int_equal(r[1].families, VFW_FAM_ANY);
	assert_int_equal(r[1].sport_lo, 0);
	assert_int_equal(r[1].sport_hi, 65535);

	assert_int_equal(r[2].families, DP_FAM_V4);
	assert_int_equal(r[2].dst.len, 24);

	assert_int_equal(r[3].proto, IPPROTO_ICMP);
	assert_int_equal(r[3].families, DP_FAM_V4);
	assert_int_equal(r[3].icmp_type, 8);
	assert_int_equal(r[3].icmp_code, -1);

	assert_int_equal(r[4].proto, IPPROTO_ICMPV6);
	assert_int_equal(r[4].families, DP_FAM_V6);
	assert_int_equal(r[4].dir, VFW_DIR_ANY);
	assert_int_equal(r[4].icmp_type, 1);
	assert_int_equal(r[4].icmp_code, 4);

	assert_int_equal(r[5].proto, 47);
	assert_int_equal(r[5].families, DP_FAM_V6);
	assert_int_equal(r[5].src.len, 32);

	assert_true(r[6].stateless);
	assert_int_equal(r[6].families, VFW_FAM_ANY);
	vfw_rule_list_free(&l);
}

static void
test_icmp_names(void **state)
{
	struct vfw_rule_list l = parse_ok(
		"allow icmp6 type echo-request\n"
		"allow icmp type time-exceeded\n"
		"allow icmp6 type packet-too-big\n");

	(void)state;
	assert_int_equal(l.rules[0].icmp_type, 128);
	assert_int_equal(l.rules[1].icmp_type, 11);
	assert_int_equal(l.rules[2].icmp_type, 2);
	assert_string_equal(vfw_icmp_type_name(DP_FAM_V4, 0), "echo-reply");
	assert_string_equal(vfw_icmp_type_name(DP_FAM_V6, 129), "echo-reply");
	assert_null(vfw_icmp_type_name(DP_FAM_V4, 200));
	vfw_rule_list_free(&l);
}

/* Canonical text: formats and parses back to the same rule. */
static void
test_format_roundtrip(void **state)
{
	static const char *const rules[] = {
		"allow out any",
		"deny in tcp from 10.0.0.0/8 port 1000-2000 to 192.168.20.5 port 22",
		"allow in udp to 192.168.20.0/24 port 8080",
		"allow in icmp type echo-request",
		"allow icmp6 type dest-unreachable code 4",
		"allow proto 47 from 2001:db8::/32",
		"allow any stateless",
		"deny ip6",
		"allow ip4 to 1.2.3.4",
		"deny tcp from any port 0",
		"allow udp from fe80::/10 port 546 to fe80::/10 port 547",
		"allow icmp type 42 code 7",
	};
	char buf[VFW_RULE_TEXT_MAX], buf2[VFW_RULE_TEXT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct vfw_rule_list l = parse_ok(rules[i]), l2;

		vfw_rule_format(&l.rules[0], buf, sizeof(buf));
		assert_string_equal(buf, rules[i]);
		l2 = parse_ok(buf);
		vfw_rule_format(&l2.rules[0], buf2, sizeof(buf2));
		assert_string_equal(buf, buf2);
		l.rules[0].line = l2.rules[0].line;
		assert_memory_equal(&l.rules[0], &l2.rules[0], sizeof(l.rules[0]));
		vfw_rule_list_free(&l);
		vfw_rule_list_free(&l2);
	}
	{
		struct vfw_rule_list l = parse_ok("default allow stateless");

		vfw_rule_default_format(&l, buf, sizeof(buf));
		assert_string_equal(buf, "default allow stateless");
		vfw_rule_list_free(&l);
	}
	{
		/* written differently, same canonical text */
		struct vfw_rule_list l = parse_ok("allow   udp   from any   to 10.1.0.0/16 port any  ");

		vfw_rule_format(&l.rules[0], buf, sizeof(buf));
		assert_string_equal(buf, "allow udp to 10.1.0.0/16");
		vfw_rule_list_free(&l);
	}
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("allow out any\npermit in tcp\n", "t.rules:2: unknown action 'permit'");
	expect_error("allow in tpc", "t.rules:1: unexpected 'tpc'");
	expect_error("allow in tcp from", "t.rules:1: 'from' needs an address");
	expect_error("allow from 300.1.2.3", "invalid IPv4 address '300.1.2.3'");
	expect_error("allow from 10.0.0.0/33", "invalid prefix length '33'");
	expect_error("allow from 2001:db8::/129", "invalid prefix length '129'");
	expect_error("allow from 2001:zz8::/64", "invalid IPv6 address");
	expect_error("allow to 192.168.20.5/24", "host bits set in '192.168.20.5/24' (did you mean 192.168.20.0/24?)");
	expect_error("allow tcp to any port 70000", "invalid port '70000'");
	expect_error("allow tcp to any port 20-10", "empty port range '20-10'");
	expect_error("allow tcp to any port x", "invalid port 'x'");
	expect_error("allow udp port 53", "'port' must follow 'from ADDR' or 'to ADDR'");
	expect_error("allow to any port 53", "port ranges need the protocol tcp or udp");
	expect_error("allow icmp to any port 53", "port ranges need the protocol tcp or udp");
	expect_error("allow tcp type 8", "'type' needs the protocol icmp or icmp6");
	expect_error("allow icmp type ping", "unknown ICMP type 'ping'");
	expect_error("allow icmp type 256", "unknown ICMP type '256'");
	expect_error("allow icmp type packet-too-big", "does not exist in ICMP (IPv4)");
	expect_error("allow icmp code 3", "'code' must follow 'type T'");
	expect_error("allow icmp type 3 code", "'code' needs a number 0-255");
	expect_error("allow icmp to 2001:db8::1", "IPv4 and IPv6 mixed in one rule");
	expect_error("allow from 10.0.0.0/8 to 2001:db8::/32", "IPv4 and IPv6 mixed in one rule");
	expect_error("allow ip6 from 10.0.0.0/8", "IPv4 and IPv6 mixed in one rule");
	expect_error("deny any stateless", "'stateless' only applies to allow rules");
	expect_error("allow any stateless stateless", "'stateless' given twice");
	expect_error("allow from any from any", "'from' given twice");
	expect_error("allow icmp type 8 type 0", "'type' given twice");
	expect_error("allow tcp in", "the direction 'in' must come right after the action");
	expect_error("allow from any tcp", "the protocol 'tcp' must come before from/to/type");
	expect_error("allow proto", "'proto' needs a protocol number");
	expect_error("allow proto 256", "invalid protocol number '256'");
	expect_error("default", "'default' needs allow or deny");
	expect_error("default maybe", "'default' needs allow or deny");
	expect_error("default deny stateless", "'stateless' only applies to allow");
	expect_error("default allow now", "unexpected 'now' after 'default allow'");
	expect_error("default deny\nallow out any\ndefault allow\n",
			"t.rules:3: second 'default' line (the first is line 1)");
	expect_error("allow a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7",
			"too many words");
	/* the error is reported for the line it is on, after good lines */
	expect_error("# c\n\nallow out any\n\n  deny in udp to any port 1-\n", "t.rules:5: invalid port '1-'");
}

static void
test_too_many_rules(void **state)
{
	size_t n = VFW_RULES_MAX + 1, i, len = n * 16 + 1;
	char *text = malloc(len), *p = text;
	struct vfw_rule_list l;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		p += sprintf(p, "allow udp\n");
	assert_int_equal(vfw_rules_parse(text, "big", &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "big:65537: too many rules"));
	/* exactly the maximum is fine */
	text[(p - text) - strlen("allow udp\n")] = '\0';
	assert_int_equal(vfw_rules_parse(text, "big", &l, err, sizeof(err)), 0);
	assert_int_equal(l.nb_rules, VFW_RULES_MAX);
	vfw_rule_list_free(&l);
	free(text);
}

static void
test_files(void **state)
{
	struct vfw_rule_list l;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/example.rules", VFW_RULES_DIR);
	if (vfw_rules_parse_file(path, &l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.default_action, VFW_DENY);
	assert_true(l.nb_rules >= 3);
	assert_int_equal(l.rules[0].dir, VFW_DIR_OUT);
	vfw_rule_list_free(&l);

	snprintf(path, sizeof(path), "%s/allow-all.rules", VFW_RULES_DIR);
	if (vfw_rules_parse_file(path, &l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.nb_rules, 1);
	assert_true(l.rules[0].stateless);
	assert_int_equal(l.rules[0].families, VFW_FAM_ANY);
	vfw_rule_list_free(&l);

	assert_int_equal(vfw_rules_parse_file("/nonexistent/x.rules", &l, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.rules: cannot open"));
}

/* No byte a terminal would act on: controls, DEL, anything outside printable ASCII. */
static void
assert_printable(const char *msg, const char *input)
{
	const unsigned char *c;

	for (c = (const unsigned char *)msg; *c != '\0'; c++)
		if (*c < 0x20 || *c >= 0x7f)
			fail_msg("input '%s': message has byte 0x%02x: %s", input, *c, msg);
}

/* Every place the parser quotes input escapes it (dp_escape.h). */
static void
test_messages_escape_input(void **state)
{
	static const char *const prefixes[] = {
		"", "allow ", "allow from ", "allow from ::", "allow from 1.2.3.",
		"allow from 1.2.3.0/", "allow from ::/", "allow tcp to any port ",
		"allow tcp to any port 1-", "allow icmp type ", "allow icmp6 type ",
		"allow proto ", "default allow ", "default allow stateless ",
		"allow out ", "allow udp from any port ",
	};
	static const char *const garbage[] = {
		"\x1b]0;owned\x07", "\x1b[2J\xff\xfe", "\xc2\x9b" "31m", "x\xe2\x80\xae" "yz",
	};
	struct vfw_rule_list named;
	char text[256];
	size_t t, g;

	(void)state;
	for (t = 0; t < sizeof(prefixes) / sizeof(prefixes[0]); t++) {
		for (g = 0; g < sizeof(garbage) / sizeof(garbage[0]); g++) {
			struct vfw_rule_list l;

			snprintf(text, sizeof(text), "%s%s", prefixes[t], garbage[g]);
			err[0] = '\0';
			assert_int_equal(vfw_rules_parse(text, "t.rules", &l, err, sizeof(err)), -EINVAL);
			assert_printable(err, text);
		}
	}
	expect_error("\x1b[31mallow any", "unknown action '\\x1B[31mallow'");
	expect_error("allow from 10.0.0.\xff", "invalid IPv4 address '10.0.0.\\xFF'");
	/* the file name too */
	assert_int_equal(vfw_rules_parse("bogus", "a\nb\x1b.rules", &named, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "a\\x0Ab\\x1B.rules:1: unknown action 'bogus'"));
}

/* A quoted piece is bounded: the rest of the message stays readable. */
static void
test_long_token_bounded(void **state)
{
	char text[4096];
	struct vfw_rule_list l;

	(void)state;
	strcpy(text, "allow tcp to any port ");
	memset(text + strlen(text), '\x01', 3000);
	text[sizeof(text) - 1] = '\0';
	text[22 + 3000] = '\0';
	assert_int_equal(vfw_rules_parse(text, "t.rules", &l, err, sizeof(err)), -EINVAL);
	assert_printable(err, "long token");
	assert_non_null(strstr(err, "...' (N, N-M or any, 0 to 65535)"));
}

/* A UTF-8 byte order mark at the start is skipped; anywhere else it is shown. */
static void
test_bom(void **state)
{
	struct vfw_rule_list l = parse_ok("\xEF\xBB\xBF" "default allow\nallow out any\n");

	(void)state;
	assert_int_equal(l.nb_rules, 1);
	assert_int_equal(l.default_action, VFW_ALLOW);
	vfw_rule_list_free(&l);
	expect_error("allow out any\n\xEF\xBB\xBF" "deny in any\n",
			"t.rules:2: unknown action '\\xEF\\xBB\\xBFdeny'");
}

static char tmpdir[64];

static const char *
tmp_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
expect_file_error(const char *path, int rc, const char *msg)
{
	struct vfw_rule_list l;

	err[0] = '\0';
	/* a FIFO must not block: fail instead of hanging until the test's timeout */
	alarm(20);
	assert_int_equal(vfw_rules_parse_file(path, &l, err, sizeof(err)), rc);
	alarm(0);
	if (strstr(err, msg) == NULL)
		fail_msg("%s: error '%s' does not contain '%s'", path, err, msg);
	assert_null(l.rules);
}

/* Only regular files; never a read that does not end. */
static void
test_file_not_regular(void **state)
{
	char msg[256];

	(void)state;
	expect_file_error("/dev/zero", -EINVAL, "/dev/zero: not a regular file (a character device)");
	assert_int_equal(mkfifo(tmp_path("fifo.rules"), 0600), 0);
	snprintf(msg, sizeof(msg), "%s: not a regular file (a FIFO)", tmp_path("fifo.rules"));
	expect_file_error(tmp_path("fifo.rules"), -EINVAL, msg);
	unlink(tmp_path("fifo.rules"));
	snprintf(msg, sizeof(msg), "%s: not a regular file (a directory)", tmpdir);
	expect_file_error(tmpdir, -EISDIR, msg);
	/* a symbolic link is followed: what counts is the file it names */
	assert_int_equal(symlink("/dev/zero", tmp_path("live.rules")), 0);
	expect_file_error(tmp_path("live.rules"), -EINVAL, "(a character device)");
	unlink(tmp_path("live.rules"));
	write_file(tmp_path("nul.rules"), "allow any\n\0x", 12);
	expect_file_error(tmp_path("nul.rules"), -EINVAL, "not a text file (NUL byte at offset 10)");
	unlink(tmp_path("nul.rules"));
}

/* At most VFW_RULES_FILE_MAX bytes: exactly the limit loads, one byte more does not. */
static void
test_file_size_limit(void **state)
{
	size_t len = VFW_RULES_FILE_MAX, i;
	char *text = malloc(len + 1);
	struct vfw_rule_list l;

	(void)state;
	assert_non_null(text);
	/* comment lines of 64 bytes, a rule on the last one */
	for (i = 0; i < len; i += 64) {
		memset(text + i, '#', 63);
		text[i + 63] = '\n';
	}
	memset(text + len - 64, ' ', 63);
	memcpy(text + len - 64, "allow any", 9);
	write_file(tmp_path("max.rules"), text, len);
	if (vfw_rules_parse_file(tmp_path("max.rules"), &l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.nb_rules, 1);
	vfw_rule_list_free(&l);
	text[len] = '\n';
	write_file(tmp_path("max.rules"), text, len + 1);
	expect_file_error(tmp_path("max.rules"), -EFBIG, "too large (16777217 bytes");
	unlink(tmp_path("max.rules"));
	free(text);
}

/* The largest rule set (VFW_RULES_MAX rules of the longest kind) fits in the limit. */
static void
test_file_largest_set(void **state)
{
	size_t cap = VFW_RULES_FILE_MAX, o = 0;
	char *text = malloc(cap);
	struct vfw_rule_list l;
	uint32_t i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < VFW_RULES_MAX; i++) {
		int n = snprintf(text + o, cap - o,
				"allow in tcp from 2001:db8:aaaa:bbbb:cccc:dddd:%x:0/112 port 10000-20000 "
				"to 2001:db8:1111:2222:3333:4444:5555:0/112 port 30000-40000 stateless"
				" # rule %u\n", i, i + 1);

		assert_true(n > 0 && (size_t)n < cap - o);
		o += (size_t)n;
	}
	write_file(tmp_path("largest.rules"), text, o);
	if (vfw_rules_parse_file(tmp_path("largest.rules"), &l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.nb_rules, VFW_RULES_MAX);
	vfw_rule_list_free(&l);
	unlink(tmp_path("largest.rules"));
	free(text);
}

static int
make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_rules_parse.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
remove_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* The built-in policy is the example file (generated from it at build time). */
extern const char vfw_rules_builtin[];

static void
test_builtin_is_example(void **state)
{
	char path[512], *buf;
	FILE *f;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/example.rules", VFW_RULES_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_string_equal(buf, vfw_rules_builtin);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_icmp_names),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_builtin_is_example),
		cmocka_unit_test(test_messages_escape_input),
		cmocka_unit_test(test_long_token_bounded),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_file_not_regular),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_file_largest_set),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
