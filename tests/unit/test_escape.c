/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of dataplane/dp_escape.c: what passes, what is escaped, the bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_escape.h"

static char out[64];

static const char *
esc(const char *in, size_t len)
{
	size_t n = dp_escape(out, sizeof(out), in, len);

	assert_int_equal(n, strlen(out));
	return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void
test_plain_passes(void **state)
{
	(void)state;
	assert_string_equal(ESC("allow in udp to 10.0.0.0/8 port 80"),
			"allow in udp to 10.0.0.0/8 port 80");
	assert_string_equal(ESC(""), "");
	/* well-formed UTF-8 text stays readable */
	assert_string_equal(ESC("r\xC3\xA8gle \xE2\x82\xAC \xF0\x9F\x94\xA5"),
			"r\xC3\xA8gle \xE2\x82\xAC \xF0\x9F\x94\xA5");
}

static void
test_controls_escaped(void **state)
{
	(void)state;
	assert_string_equal(ESC("a\x1b[2Jb"), "a\\x1B[2Jb");
	assert_string_equal(ESC("\t\r\n\x7f"), "\\x09\\x0D\\x0A\\x7F");
	assert_string_equal(esc("a\0b", 3), "a\\x00b");
	assert_string_equal(ESC("back\\slash"), "back\\\\slash");
}

static void
test_not_utf8_escaped(void **state)
{
	(void)state;
	assert_string_equal(ESC("\xff\xfe"), "\\xFF\\xFE");
	assert_string_equal(ESC("\xC3"), "\\xC3");			/* cut sequence */
	assert_string_equal(ESC("\xC3(x"), "\\xC3(x");			/* bad continuation */
	assert_string_equal(ESC("\xC0\xAF"), "\\xC0\\xAF");		/* overlong '/' */
	assert_string_equal(ESC("\xE0\x80\xAF"), "\\xE0\\x80\\xAF");	/* overlong */
	assert_string_equal(ESC("\xED\xA0\x80"), "\\xED\\xA0\\x80");	/* surrogate */
	assert_string_equal(ESC("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80"); /* > U+10FFFF */
}

static void
test_invisible_escaped(void **state)
{
	(void)state;
	assert_string_equal(ESC("\xEF\xBB\xBF" "allow"), "\\xEF\\xBB\\xBFallow");	/* BOM */
	assert_string_equal(ESC("\xC2\x9B" "2J"), "\\xC2\\x9B2J");		/* C1 CSI */
	assert_string_equal(ESC("a\xE2\x80\xAE" "b"), "a\\xE2\\x80\\xAEb");	/* RLO */
	assert_string_equal(ESC("a\xE2\x80\x8B" "b"), "a\\xE2\\x80\\x8Bb");	/* zero width */
	assert_string_equal(ESC("a\xE2\x80\xA8" "b"), "a\\xE2\\x80\\xA8b");	/* line separator */
}

static void
test_bounded(void **state)
{
	char small[12], big[300];
	size_t n;

	(void)state;
	memset(big, 'x', sizeof(big));
	n = dp_escape(small, sizeof(small), big, sizeof(big));
	assert_int_equal(n, sizeof(small) - 1);
	assert_string_equal(small, "xxxxxxxx...");
	/* exactly fitting text is not cut */
	n = dp_escape(small, sizeof(small), big, sizeof(small) - 1);
	assert_string_equal(small, "xxxxxxxxxxx");
	/* an escape is never cut in the middle */
	n = dp_escape(small, sizeof(small), "ab\x01\x02\x03", 5);
	assert_string_equal(small, "ab\\x01...");
	/* nor a UTF-8 character */
	n = dp_escape(small, sizeof(small), "abcdef\xE2\x82\xAC\xE2\x82\xAC", 12);
	assert_string_equal(small, "abcdef...");
	n = dp_escape(small, 1, "abc", 3);
	assert_int_equal(n, 0);
	assert_string_equal(small, "");
	assert_int_equal(dp_escape(small, 0, "abc", 3), 0);
}

static void
test_escape_str(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(dp_escape_str(buf, sizeof(buf), "x\ny"), "x\\x0Ay");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_passes),
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_not_utf8_escaped),
		cmocka_unit_test(test_invisible_escaped),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_escape_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
