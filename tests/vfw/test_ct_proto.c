/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the per-protocol state machines: vfw/ct_tcp.c, ct_udp.c, ct_icmp.c, ct_other.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include <rte_tcp.h>

#include "ct_proto.h"

#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG
#define URG RTE_TCP_URG_FLAG
#define ECE RTE_TCP_ECE_FLAG
#define CWR RTE_TCP_CWR_FLAG
#define O CT_DIR_ORIG
#define R CT_DIR_REPLY

struct step {
	enum ct_dir dir;
	uint8_t flags;
	enum ct_verdict verdict;
	enum ct_state state;	/* after the step */
};

static void
run_tcp(const struct step *steps, size_t n)
{
	struct ct_pkt p = { .proto = IPPROTO_TCP, .tcp_flags = SYN };
	struct ct_l4_state st;
	size_t i;

	assert_true(ct_proto_tcp.valid_new(&p));
	ct_proto_tcp.init(&st, &p);
	assert_int_equal(st.state, CT_TCP_SYN_SENT);
	for (i = 0; i < n; i++) {
		struct ct_l4_state before = st;
		enum ct_verdict v;

		p.tcp_flags = steps[i].flags;
		v = ct_proto_tcp.update(&st, &p, steps[i].dir);
		if (v != steps[i].verdict || st.state != steps[i].state)
			fail_msg("step %zu (%s flags 0x%02x in %s): verdict %d state %s, expected %d %s",
				 i, steps[i].dir == O ? "orig" : "reply", steps[i].flags,
				 ct_state_names[before.state], v, ct_state_names[st.state],
				 steps[i].verdict, ct_state_names[steps[i].state]);
		if (v != CT_ACCEPT)
			assert_memory_equal(&before, &st, sizeof(st));	/* untouched */
	}
}

static void
test_tcp_handshake_and_close(void **state)
{
	static const struct step s[] = {
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_SENT },		/* retransmission */
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },	/* retransmission */
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },	/* our ACK was lost */
		{ O, SYN, CT_INVALID, CT_TCP_ESTABLISHED },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },	/* retransmission */
		{ R, ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ R, ACK | PSH, CT_ACCEPT, CT_TCP_FIN_WAIT },	/* half-closed: data still flows */
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING },
		{ O, SYN, CT_INVALID, CT_TCP_CLOSING },
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },	/* late retransmission */
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
		{ R, SYN | ACK, CT_INVALID, CT_TCP_TIME_WAIT },
		{ O, SYN, CT_REOPEN, CT_TCP_TIME_WAIT },		/* a new connection */
		{ R, SYN, CT_REOPEN, CT_TCP_TIME_WAIT },
	};

	(void)state;
	run_tcp(s, sizeof(s) / sizeof(s[0]));
}

static void
test_tcp_reply_closes_first(void **state)
{
	static const struct step s[] = {
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING },
		{ R, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
	};

	(void)state;
	run_tcp(s, sizeof(s) / sizeof(s[0]));
}

static void
test_tcp_rst(void **state)
{
	static const struct step refused[] = {
		{ R, RST | ACK, CT_ACCEPT, CT_TCP_CLOSED },	/* connection refused */
		{ R, RST, CT_ACCEPT, CT_TCP_CLOSED },
		{ O, ACK, CT_INVALID, CT_TCP_CLOSED },
		{ R, SYN | ACK, CT_INVALID, CT_TCP_CLOSED },
		{ O, SYN, CT_REOPEN, CT_TCP_CLOSED },
	};
	static const struct step est_rst[] = {
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ O, RST, CT_ACCEPT, CT_TCP_CLOSED },
	};
	static const struct step synrecv_rst[] = {
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ O, RST | ACK, CT_ACCEPT, CT_TCP_CLOSED },
	};
	static const struct step fin_rst[] = {
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ R, RST, CT_ACCEPT, CT_TCP_CLOSED },
	};

	(void)state;
	run_tcp(refused, sizeof(refused) / sizeof(refused[0]));
	run_tcp(est_rst, sizeof(est_rst) / sizeof(est_rst[0]));
	run_tcp(synrecv_rst, sizeof(synrecv_rst) / sizeof(synrecv_rst[0]));
	run_tcp(fin_rst, sizeof(fin_rst) / sizeof(fin_rst[0]));
}

static void
test_tcp_invalid_in_syn_sent(void **state)
{
	static const struct step s[] = {
		{ O, ACK, CT_INVALID, CT_TCP_SYN_SENT },
		{ R, ACK, CT_INVALID, CT_TCP_SYN_SENT },
		{ O, FIN | ACK, CT_INVALID, CT_TCP_SYN_SENT },
		{ O, SYN | ACK, CT_INVALID, CT_TCP_SYN_SENT },
		{ R, SYN, CT_ACCEPT, CT_TCP_SYN_RECV },		/* simultaneous open */
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_RECV },		/* retransmitted SYN */
		{ O, SYN | ACK, CT_INVALID, CT_TCP_SYN_RECV },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },	/* closed before established */
	};

	(void)state;
	run_tcp(s, sizeof(s) / sizeof(s[0]));
}

static void
test_tcp_valid_new(void **state)
{
	static const uint8_t news[] = { SYN, SYN | ECE | CWR, SYN | URG };
	static const uint8_t not_new[] = { SYN | ACK, ACK, FIN | ACK, RST, RST | ACK, ACK | PSH };
	struct ct_pkt p = { .proto = IPPROTO_TCP };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(news); i++) {
		p.tcp_flags = news[i];
		assert_true(ct_proto_tcp.valid_new(&p));
	}
	for (i = 0; i < sizeof(not_new); i++) {
		p.tcp_flags = not_new[i];
		assert_false(ct_proto_tcp.valid_new(&p));
	}
}

static void
test_tcp_flags(void **state)
{
	static const uint8_t good[] = {
		SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG, ACK, ACK | URG,
		ACK | PSH, FIN | ACK | PSH, SYN | ECE | CWR, SYN | ACK | ECE, ACK | PSH | CWR,
	};
	static const uint8_t bad[] = {
		0, FIN, PSH, URG, FIN | PSH | URG, SYN | FIN, SYN | FIN | ACK, SYN | RST,
		SYN | RST | ACK, RST | FIN, RST | FIN | ACK, 0xff, 0x3f, FIN | URG, SYN | ACK | RST,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good); i++)
		if (!ct_tcp_flags_valid(good[i]))
			fail_msg("flags 0x%02x refused", good[i]);
	for (i = 0; i < sizeof(bad); i++)
		if (ct_tcp_flags_valid(bad[i]))
			fail_msg("flags 0x%02x accepted", bad[i]);
}

static void
test_udp(void **state)
{
	struct ct_pkt p = { .proto = IPPROTO_UDP };
	struct ct_l4_state st;

	(void)state;
	assert_true(ct_proto_udp.valid_new(&p));
	ct_proto_udp.init(&st, &p);
	assert_int_equal(st.state, CT_UDP_FIRST);
	assert_int_equal(ct_proto_udp.update(&st, &p, O), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_FIRST);
	assert_int_equal(ct_proto_udp.update(&st, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_ESTABLISHED);
	assert_int_equal(ct_proto_udp.update(&st, &p, O), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_ESTABLISHED);
}

static void
test_other(void **state)
{
	struct ct_pkt p = { .proto = 47 };
	struct ct_l4_state st;

	(void)state;
	assert_ptr_equal(ct_l4_proto_get(47), &ct_proto_other);
	assert_true(ct_proto_other.valid_new(&p));
	ct_proto_other.init(&st, &p);
	assert_int_equal(st.state, CT_OTHER_FIRST);
	assert_int_equal(ct_proto_other.update(&st, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_OTHER_ESTABLISHED);
}

static void
icmp_family(bool v6)
{
	uint8_t req = v6 ? 128 : 8, rep = v6 ? 129 : 0;
	struct ct_pkt p = { .proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, .v6 = v6 };
	struct ct_l4_state st;

	p.icmp_type = rep;
	assert_false(ct_proto_icmp.valid_new(&p));
	p.icmp_type = v6 ? 1 : 3;	/* errors never open a session */
	assert_false(ct_proto_icmp.valid_new(&p));
	p.icmp_type = req;
	assert_true(ct_proto_icmp.valid_new(&p));
	ct_proto_icmp.init(&st, &p);
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &p, O), CT_ACCEPT);	/* next request */
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &p, R), CT_INVALID);	/* request from the responder */
	p.icmp_type = rep;
	assert_int_equal(ct_proto_icmp.update(&st, &p, O), CT_INVALID);	/* reply from the originator */
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_ICMP_REPLY);
	p.icmp_type = req;
	assert_int_equal(ct_proto_icmp.update(&st, &p, O), CT_ACCEPT);
	assert_int_equal(st.state, CT_ICMP_REPLY);
}

static void
test_icmp(void **state)
{
	(void)state;
	icmp_family(false);
	icmp_family(true);
	assert_true(ct_icmp_is_error(3, false));
	assert_true(ct_icmp_is_error(11, false));
	assert_false(ct_icmp_is_error(8, false));
	assert_true(ct_icmp_is_error(2, true));
	assert_false(ct_icmp_is_error(128, true));
	assert_ptr_equal(ct_l4_proto_get(IPPROTO_ICMPV6), &ct_proto_icmp);
}

static void
test_state_names(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < CT_STATE_MAX; s++) {
		assert_non_null(ct_state_names[s]);
		assert_int_equal(ct_state_find(ct_state_names[s]), s);
		assert_true(ct_default_timeout_sec[s] > 0);
		assert_true(ct_default_timeout_sec[s] <= CT_TIMEOUT_MAX_SEC);
	}
	assert_int_equal(ct_state_find("tcp_established"), CT_TCP_ESTABLISHED);
	assert_int_equal(ct_state_find("nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_handshake_and_close),
		cmocka_unit_test(test_tcp_reply_closes_first),
		cmocka_unit_test(test_tcp_rst),
		cmocka_unit_test(test_tcp_invalid_in_syn_sent),
		cmocka_unit_test(test_tcp_valid_new),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
