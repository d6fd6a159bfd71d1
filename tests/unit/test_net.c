/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/dp_net.c: the one IP address / prefix parser
 * (good and bad inputs, one-line errors naming the bad part) and the
 * big-endian field helpers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_net.h"

static char err[256];

/* Parse s expecting success; returns the prefix. */
static struct dp_prefix
good(const char *s, unsigned int flags)
{
	struct dp_prefix p;

	err[0] = '\0';
	if (dp_prefix_parse(s, flags, &p, err, sizeof(err)) != 0)
		fail_msg("'%s' rejected: %s", s, err);
	return p;
}

/* Parse s expecting -EINVAL with an error containing want, on one line. */
static void
bad(const char *s, unsigned int flags, const char *want)
{
	struct dp_prefix p;

	err[0] = '\0';
	assert_int_equal(dp_prefix_parse(s, flags, &p, err, sizeof(err)), -EINVAL);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", s, err, want);
	assert_null(strchr(err, '\n'));
}

static void
test_prefix_good(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct dp_prefix p;

	(void)state;
	p = good("192.168.20.0/24", DP_PFX_HOST_ZERO);
	assert_int_equal(p.family, DP_FAM_V4);
	assert_int_equal(p.len, 24);
	assert_int_equal(dp_rd32(p.addr), 0xc0a81400);
	/* the bytes past an IPv4 address are 0 */
	assert_int_equal(p.addr[4] | p.addr[15], 0);
	p = good("10.1.2.3", 0);
	assert_int_equal(p.family, DP_FAM_V4);
	assert_int_equal(p.len, 32);
	p = good("0.0.0.0/0", DP_PFX_NEED_LEN | DP_PFX_HOST_ZERO);
	assert_int_equal(p.len, 0);
	p = good("2001:db8::/32", DP_PFX_HOST_ZERO);
	assert_int_equal(p.family, DP_FAM_V6);
	assert_int_equal(p.len, 32);
	assert_memory_equal(p.addr, v6, 16);
	p = good("::1", DP_PFX_NO_LEN);
	assert_int_equal(p.family, DP_FAM_V6);
	assert_int_equal(p.len, 128);
	assert_int_equal(p.addr[15], 1);
	/* host bits are allowed unless asked for */
	p = good("192.168.20.5/24", 0);
	assert_int_equal(p.addr[3], 5);
	/* the _n variant reads only the given bytes */
	assert_int_equal(dp_prefix_parse_n("10.0.0.1-10.0.0.9", 8, DP_PFX_NO_LEN, &p, err,
			sizeof(err)), 0);
	assert_int_equal(dp_rd32(p.addr), 0x0a000001);
}

static void
test_prefix_bad(void **state)
{
	struct dp_prefix p;

	(void)state;
	bad("", 0, "empty address");
	bad("300.1.2.3", 0, "invalid IPv4 address '300.1.2.3'");
	bad("10.0.0.0/33", 0, "invalid prefix length '33' in '10.0.0.0/33' (0 to 32)");
	bad("2001:db8::/129", 0, "invalid prefix length '129' in '2001:db8::/129' (0 to 128)");
	bad("10.0.0.0/", 0, "invalid prefix length '' in '10.0.0.0/'");
	bad("10.0.0.0/+8", 0, "invalid prefix length '+8'");
	bad("10.0.0.0/ 8", 0, "invalid prefix length ' 8'");
	bad("10.0.0.0/0008", 0, "invalid prefix length '0008'");
	bad("10.0.0.0/8/8", 0, "invalid prefix length '8/8'");
	bad("2001:zz8::/64", 0, "invalid IPv6 address '2001:zz8::'");
	bad("10.0.0", 0, "invalid IPv4 address '10.0.0'");
	bad("any", 0, "invalid IPv4 address 'any'");
	bad("10.0.0.1", DP_PFX_NEED_LEN, "'10.0.0.1' has no prefix length");
	bad("10.0.0.0/8", DP_PFX_NO_LEN, "'10.0.0.0/8' is a prefix");
	bad("192.168.20.5/24", DP_PFX_HOST_ZERO,
	    "host bits set in '192.168.20.5/24' (did you mean 192.168.20.0/24?)");
	bad("2001:db8::1/64", DP_PFX_HOST_ZERO, "(did you mean 2001:db8::/64?)");
	/* what comes from outside is quoted escaped */
	bad("10.0.0.\xff", 0, "invalid IPv4 address '10.0.0.\\xFF'");
	bad("10.0.0.1/2\n", 0, "invalid prefix length '2\\x0A'");
	bad("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa/64", 0, "invalid address '1111:");
	/* an embedded NUL in a counted string is not cut short silently */
	assert_int_equal(dp_prefix_parse_n("10.0.0.1\0/8", 11, 0, &p, err, sizeof(err)), -EINVAL);
	/* no room for a message: still an error, nothing written */
	assert_int_equal(dp_prefix_parse("x", 0, &p, NULL, 0), -EINVAL);
}

static void
test_fields(void **state)
{
	uint8_t b[4] = { 0 };

	(void)state;
	dp_wr32(b, 0x01020304);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[3], 4);
	assert_int_equal(dp_rd32(b), 0x01020304);
	dp_wr16(b + 2, 0xabcd);
	assert_int_equal(dp_rd16(b + 2), 0xabcd);
	assert_int_equal(b[2], 0xab);
	assert_int_equal(dp_fam_addr_len(DP_FAM_V4), 4);
	assert_int_equal(dp_fam_addr_len(DP_FAM_V6), 16);
	assert_int_equal(dp_fam_icmp_proto(DP_FAM_V6), IPPROTO_ICMPV6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_good),
		cmocka_unit_test(test_prefix_bad),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
