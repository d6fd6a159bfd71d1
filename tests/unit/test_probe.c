/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of dataplane/dp_probe.h: the probe header on the wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_probe.h"

static void
round_trip(const struct dp_probe *p)
{
	struct dp_probe q;
	uint8_t buf[DP_PROBE_LEN];

	memset(&q, 0, sizeof(q));
	dp_probe_encode(buf, p);
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), 0);
	assert_int_equal(q.stream_id, p->stream_id);
	assert_int_equal(q.seq, p->seq);
	assert_true(q.tx_ns == p->tx_ns);
}

static void
test_round_trip(void **state)
{
	static const struct dp_probe cases[] = {
		{ 0, 0, 0 },
		{ 0xffff, 0xffffffff, UINT64_MAX },
		{ 1, 1, 1 },
		{ 0x8000, 0x80000000, UINT64_C(0x8000000000000000) },
		{ 0xd97e, 0x7ed97ed9, UINT64_C(1700000000123456789) },
		{ 9, 0xfffffffe, UINT64_MAX - 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(&cases[i]);
}

static void
test_wire_bytes(void **state)
{
	static const uint8_t want[DP_PROBE_LEN] = {
		0xd9, 0x7e, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct dp_probe p = { 0x1234, 0x89abcdef, UINT64_C(0x0102030405060708) };
	uint8_t buf[DP_PROBE_LEN + 2];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	dp_probe_encode(buf, &p);
	assert_memory_equal(buf, want, DP_PROBE_LEN);
	/* Exactly 16 bytes are written. */
	assert_int_equal(buf[DP_PROBE_LEN], 0xee);
	assert_int_equal(buf[DP_PROBE_LEN + 1], 0xee);

	/* Decoding hand-written bytes gives host-order values. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(dp_probe_decode(want, sizeof(want), &p), 0);
	assert_int_equal(p.stream_id, 0x1234);
	assert_int_equal(p.seq, 0x89abcdef);
	assert_true(p.tx_ns == UINT64_C(0x0102030405060708));
}

static void
test_unaligned(void **state)
{
	struct dp_probe p = { 0xabcd, 0x01020304, UINT64_C(0x1122334455667788) }, q;
	uint8_t buf[DP_PROBE_LEN + 16], ref[DP_PROBE_LEN];
	size_t off;

	(void)state;
	dp_probe_encode(ref, &p);
	for (off = 0; off < 16; off++) {
		memset(buf, 0, sizeof(buf));
		memset(&q, 0, sizeof(q));
		dp_probe_encode(buf + off, &p);
		assert_memory_equal(buf + off, ref, DP_PROBE_LEN);
		assert_int_equal(dp_probe_decode(buf + off, DP_PROBE_LEN, &q), 0);
		assert_int_equal(q.stream_id, p.stream_id);
		assert_int_equal(q.seq, p.seq);
		assert_true(q.tx_ns == p.tx_ns);
	}
}

static void
test_too_short(void **state)
{
	struct dp_probe p = { 5, 6, 7 }, q = { 1, 2, 3 };
	uint8_t buf[DP_PROBE_LEN + 8];
	uint32_t len;

	(void)state;
	dp_probe_encode(buf, &p);
	for (len = 0; len < DP_PROBE_LEN; len++) {
		assert_int_equal(dp_probe_decode(buf, len, &q), -1);
		assert_int_equal(q.stream_id, 1);	/* untouched */
		assert_int_equal(q.seq, 2);
		assert_true(q.tx_ns == 3);
	}
	assert_int_equal(dp_probe_decode(buf, 15, &q), -1);
	assert_int_equal(dp_probe_decode(buf, DP_PROBE_LEN, &q), 0);
	assert_int_equal(q.seq, 6);
	/* Longer payloads (the probe followed by padding) decode too. */
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), 0);
}

static void
test_wrong_magic(void **state)
{
	struct dp_probe p = { 5, 6, 7 }, q = { 1, 2, 3 };
	uint8_t buf[DP_PROBE_LEN];

	(void)state;
	dp_probe_encode(buf, &p);
	buf[0] = 0x7e;	/* byte-swapped magic */
	buf[1] = 0xd9;
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), -1);
	assert_int_equal(q.stream_id, 1);
	buf[0] = 0xd9;
	buf[1] = 0x7f;
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), -1);
	memset(buf, 0, sizeof(buf));	/* zeroed payload: foreign traffic */
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), -1);
	buf[0] = 0xd9;
	buf[1] = 0x7e;
	assert_int_equal(dp_probe_decode(buf, sizeof(buf), &q), 0);
	assert_int_equal(q.stream_id, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wire_bytes),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_wrong_magic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
