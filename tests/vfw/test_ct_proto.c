/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the per-protocol state machines: vfw/ct_tcp.c (flags and
 * sequence windows), ct_udp.c, ct_icmp.c, ct_other.c.
 */
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

/*
 * A TCP conversation: each step is a segment from one side, built from a
 * model of both streams (seq = the sender's next byte + dseq, ack = the
 * other side's next byte + dack; a SYN starts at the sender's ISN), with
 * the verdict, the state after it and, when refused, the reason.
 */
struct step {
	enum ct_dir dir;
	uint8_t flags;
	enum ct_verdict verdict;
	enum ct_state state;	/* after the step */
	int32_t dseq;
	int32_t dack;
	uint16_t len;		/* payload bytes */
	uint16_t win;		/* window field; 0 = 1000 */
	uint8_t why;		/* enum ct_why when refused */
};

struct conv {
	uint32_t isn[2];
	int8_t wscale[2];	/* window scale option in each side's SYN, -1 = none */
};

static const struct conv plain = { { 1000, 500000 }, { -1, -1 } };

static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* A TCP header (with a window scale option in a SYN when asked) of a segment of len bytes. */
static void
make_seg(struct ct_pkt *p, uint8_t *th, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		int8_t wscale, uint16_t len)
{
	uint32_t hlen = (flags & SYN) && wscale >= 0 ? 24 : 20;
	uint32_t nseq = htonl(seq), nack = htonl((flags & ACK) ? ack : 0);

	memset(th, 0, 24);
	memcpy(th + 4, &nseq, 4);
	memcpy(th + 8, &nack, 4);
	th[12] = (uint8_t)(hlen / 4) << 4;
	th[13] = flags;
	th[14] = (uint8_t)(win >> 8);
	th[15] = (uint8_t)win;
	if (hlen == 24) {
		th[20] = 1;	/* NOP, then kind 3 length 3 shift */
		th[21] = 3;
		th[22] = 3;
		th[23] = (uint8_t)wscale;
	}
	p->proto = IPPROTO_TCP;
	p->tcp_flags = flags;
	p->l4 = th;
	p->l4len = hlen + len;
}

static void
run_conv(const struct conv *c, const struct step *steps, size_t n)
{
	struct ct_pkt p = { .proto = IPPROTO_TCP };
	uint32_t nxt[2] = { c->isn[0] + 1, c->isn[1] + 1 };
	struct ct_l4_state st;
	struct ct_l4_ext x;
	uint8_t th[24];
	size_t i;

	make_seg(&p, th, SYN, c->isn[0], 0, 1000, c->wscale[0], 0);
	assert_true(ct_proto_tcp.valid_new(&p));
	ct_proto_tcp.init(&st, &x, &p);
	assert_int_equal(st.state, CT_TCP_SYN_SENT);
	for (i = 0; i < n; i++) {
		const struct step *t = &steps[i];
		struct ct_l4_state before = st;
		struct ct_l4_ext xbefore = x;
		uint32_t seq = ((t->flags & SYN) ? c->isn[t->dir] : nxt[t->dir]) + (uint32_t)t->dseq;
		uint32_t end = seq + t->len + !!(t->flags & SYN) + !!(t->flags & FIN);
		enum ct_verdict v;

		make_seg(&p, th, t->flags, seq, nxt[!t->dir] + (uint32_t)t->dack,
			 t->win ? t->win : 1000, c->wscale[t->dir], t->len);
		p.why = 0xff;
		v = ct_proto_tcp.update(&st, &x, &p, t->dir);
		if (v != t->verdict || st.state != t->state || (v == CT_INVALID && p.why != t->why))
			fail_msg("step %zu (%s flags 0x%02x seq%+d ack%+d len %u in %s): verdict %d "
				 "state %s why %u, expected %d %s %u", i, t->dir == O ? "orig" : "reply",
				 t->flags, t->dseq, t->dack, t->len, ct_state_names[before.state], v,
				 ct_state_names[st.state], p.why, t->verdict, ct_state_names[t->state],
				 t->why);
		if (v != CT_ACCEPT) {
			assert_memory_equal(&before, &st, sizeof(st));	/* untouched */
			assert_memory_equal(&xbefore, &x, sizeof(x));
		} else if (seq_diff(end, nxt[t->dir]) > 0) {
			nxt[t->dir] = end;
		}
	}
}

static void
run_tcp(const struct step *steps, size_t n)
{
	run_conv(&plain, steps, n);
}

#define RUN(c, s) run_conv(c, s, sizeof(s) / sizeof(s[0]))

/* SYN, SYN+ACK, ACK from the model: the start of most conversations below */
#define HANDSHAKE \
	{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV, 0, 0, 0, 0, 0 }, \
	{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, 0, 0, 0, 0, 0 }

static void
test_tcp_handshake_and_close(void **state)
{
	static const struct step s[] = {
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_SENT },		/* retransmission */
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },	/* retransmission */
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 100 },
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },	/* our ACK was lost */
		{ O, SYN, CT_INVALID, CT_TCP_ESTABLISHED, .why = CT_WHY_STATE },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT, .dseq = -1 },	/* retransmission */
		{ R, ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ R, ACK | PSH, CT_ACCEPT, CT_TCP_FIN_WAIT, .len = 50 },	/* half-closed */
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING },
		{ O, SYN, CT_INVALID, CT_TCP_CLOSING, .why = CT_WHY_STATE },
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_TIME_WAIT, .dseq = -1 },	/* late retransmission */
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
		{ R, SYN | ACK, CT_INVALID, CT_TCP_TIME_WAIT, .why = CT_WHY_STATE },
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
		HANDSHAKE,
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING },
		{ R, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
	};

	(void)state;
	run_tcp(s, sizeof(s) / sizeof(s[0]));
}

/* Both FINs cross: neither acknowledges the other's. */
static void
test_tcp_simultaneous_close(void **state)
{
	static const struct step s[] = {
		HANDSHAKE,
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING, .dack = -1 },
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
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
		{ R, RST, CT_INVALID, CT_TCP_CLOSED, .why = CT_WHY_TCP_RST },	/* acks nothing */
		{ O, ACK, CT_INVALID, CT_TCP_CLOSED, .why = CT_WHY_STATE },
		{ R, SYN | ACK, CT_INVALID, CT_TCP_CLOSED, .why = CT_WHY_STATE },
		{ O, SYN, CT_REOPEN, CT_TCP_CLOSED },
	};
	static const struct step est_rst[] = {
		HANDSHAKE,
		{ O, RST, CT_ACCEPT, CT_TCP_CLOSED },
	};
	static const struct step synrecv_rst[] = {
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },
		{ O, RST | ACK, CT_ACCEPT, CT_TCP_CLOSED },
	};
	static const struct step fin_rst[] = {
		HANDSHAKE,
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
		{ O, ACK, CT_INVALID, CT_TCP_SYN_SENT, .why = CT_WHY_STATE },
		{ R, ACK, CT_INVALID, CT_TCP_SYN_SENT, .why = CT_WHY_STATE },
		{ O, FIN | ACK, CT_INVALID, CT_TCP_SYN_SENT, .why = CT_WHY_STATE },
		{ O, SYN | ACK, CT_INVALID, CT_TCP_SYN_SENT, .why = CT_WHY_STATE },
		{ R, SYN, CT_ACCEPT, CT_TCP_SYN_RECV },		/* simultaneous open */
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_RECV },		/* retransmitted SYN */
		{ O, SYN | ACK, CT_INVALID, CT_TCP_SYN_RECV, .why = CT_WHY_STATE },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },	/* closed before established */
	};

	(void)state;
	run_tcp(s, sizeof(s) / sizeof(s[0]));
}

/*
 * The attacks of issue 13, each against the windows: whoever knows the
 * addresses and ports but not the sequence numbers.
 */
static void
test_tcp_hostile_rst(void **state)
{
	static const struct step est[] = {
		HANDSHAKE,
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 100 },
		{ R, RST, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = 100000, .why = CT_WHY_TCP_RST },
		{ O, RST, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = -100000, .why = CT_WHY_TCP_RST },
		{ R, RST | ACK, CT_INVALID, CT_TCP_ESTABLISHED, .dack = 70000, .why = CT_WHY_TCP_RST },
		{ R, RST, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = INT32_MIN, .why = CT_WHY_TCP_RST },
		/* in the window but not where the stream is: forwarded (the
		 * receiver may answer with a challenge ACK), the session stays */
		{ R, RST, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = 10 },
		{ R, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 10 },
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ R, RST, CT_ACCEPT, CT_TCP_CLOSED },		/* exactly at the stream: closes */
	};
	static const struct step syn_sent[] = {
		{ R, RST | ACK, CT_INVALID, CT_TCP_SYN_SENT, .dack = 1000, .why = CT_WHY_TCP_RST },
		{ R, RST | ACK, CT_INVALID, CT_TCP_SYN_SENT, .dack = -1, .why = CT_WHY_TCP_RST },
		{ R, RST, CT_INVALID, CT_TCP_SYN_SENT, .why = CT_WHY_TCP_RST },
		{ R, SYN | ACK, CT_INVALID, CT_TCP_SYN_SENT, .dack = 5, .why = CT_WHY_TCP_ACK },
		{ R, SYN | ACK, CT_ACCEPT, CT_TCP_SYN_RECV },	/* the real answer still passes */
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
	};

	(void)state;
	RUN(&plain, est);
	RUN(&plain, syn_sent);
}

static void
test_tcp_hostile_data_fin(void **state)
{
	static const struct step s[] = {
		HANDSHAKE,
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .win = 8000 },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = 1000000, .len = 10, .why = CT_WHY_TCP_SEQ },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = -1000000, .len = 10, .why = CT_WHY_TCP_SEQ },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = 7995, .len = 10, .why = CT_WHY_TCP_SEQ },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dack = 1, .len = 10, .why = CT_WHY_TCP_ACK },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dack = -70000, .len = 10, .why = CT_WHY_TCP_ACK },
		{ R, ACK, CT_INVALID, CT_TCP_ESTABLISHED, .dack = 100, .why = CT_WHY_TCP_ACK },
		/* a forged FIN would cut the session's timeout */
		{ O, FIN | ACK, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = 500000, .why = CT_WHY_TCP_SEQ },
		{ R, FIN | ACK, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = -500000, .why = CT_WHY_TCP_SEQ },
		{ R, FIN | ACK, CT_INVALID, CT_TCP_ESTABLISHED, .dack = 3000, .why = CT_WHY_TCP_ACK },
		/* the real stream goes on: up to the right edge, not one byte more */
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = 7990, .len = 10 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 0 },
		{ R, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 200 },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
	};

	(void)state;
	RUN(&plain, s);
}

/* Retransmissions, keep-alives (seq - 1, with or without a byte), window updates. */
static void
test_tcp_retransmit_keepalive(void **state)
{
	static const struct step s[] = {
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_SENT },
		{ O, SYN, CT_ACCEPT, CT_TCP_SYN_SENT },
		HANDSHAKE,
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 500 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -500, .len = 500 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -300, .len = 300 },
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .dack = -500 },	/* not yet acked */
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED },
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -1 },		/* keep-alive */
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -1, .len = 1 },
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -1 },
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .win = 0 },		/* zero window */
		{ O, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 1 },		/* its probe */
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .win = 60000 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 1400 },
	};

	(void)state;
	RUN(&plain, s);
}

/* Window scaling counts only when both SYNs offer it. */
static void
test_tcp_window_scale(void **state)
{
	static const struct conv both = { { 1000, 500000 }, { 7, 7 } };
	static const struct conv one = { { 1000, 500000 }, { 7, -1 } };
	static const struct step s[] = {
		HANDSHAKE,
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .win = 1000 },	/* 128000 bytes scaled */
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 60000 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 60000 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 7000 },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .len = 2000, .why = CT_WHY_TCP_SEQ },
		/* the receiver's big window also lets old segments back in */
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -120000, .len = 1000 },
	};
	static const struct step s1[] = {
		HANDSHAKE,
		{ R, ACK, CT_ACCEPT, CT_TCP_ESTABLISHED, .win = 1000 },	/* 1000 bytes: not scaled */
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .len = 60000, .why = CT_WHY_TCP_SEQ },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 1000 },
	};

	(void)state;
	RUN(&both, s);
	RUN(&one, s1);
}

/* Both streams cross 2^32 during the conversation. */
static void
test_tcp_seq_wrap(void **state)
{
	static const struct conv wrap = { { 0xffffff00u, 0xffffffffu }, { -1, -1 } };
	static const struct step s[] = {
		HANDSHAKE,
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 200 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 200 },
		{ R, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .len = 300 },
		{ O, ACK | PSH, CT_ACCEPT, CT_TCP_ESTABLISHED, .dseq = -300, .len = 100 },
		{ O, ACK | PSH, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = 100000, .len = 1, .why = CT_WHY_TCP_SEQ },
		{ R, RST, CT_INVALID, CT_TCP_ESTABLISHED, .dseq = -100000, .why = CT_WHY_TCP_RST },
		{ O, FIN | ACK, CT_ACCEPT, CT_TCP_FIN_WAIT },
		{ R, FIN | ACK, CT_ACCEPT, CT_TCP_CLOSING },
		{ O, ACK, CT_ACCEPT, CT_TCP_TIME_WAIT },
	};

	(void)state;
	RUN(&wrap, s);
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
	struct ct_l4_ext x;

	(void)state;
	assert_true(ct_proto_udp.valid_new(&p));
	ct_proto_udp.init(&st, &x, &p);
	assert_int_equal(st.state, CT_UDP_FIRST);
	assert_int_equal(ct_proto_udp.update(&st, &x, &p, O), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_FIRST);
	assert_int_equal(ct_proto_udp.update(&st, &x, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_ESTABLISHED);
	assert_int_equal(ct_proto_udp.update(&st, &x, &p, O), CT_ACCEPT);
	assert_int_equal(st.state, CT_UDP_ESTABLISHED);
}

static void
test_other(void **state)
{
	struct ct_pkt p = { .proto = 47 };
	struct ct_l4_state st;
	struct ct_l4_ext x;

	(void)state;
	assert_ptr_equal(ct_l4_proto_get(47), &ct_proto_other);
	assert_true(ct_proto_other.valid_new(&p));
	ct_proto_other.init(&st, &x, &p);
	assert_int_equal(st.state, CT_OTHER_FIRST);
	assert_int_equal(ct_proto_other.update(&st, &x, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_OTHER_ESTABLISHED);
}

static void
icmp_family(bool v6)
{
	uint8_t req = v6 ? 128 : 8, rep = v6 ? 129 : 0;
	struct ct_pkt p = { .proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, .v6 = v6 };
	struct ct_l4_state st;
	struct ct_l4_ext x;

	p.icmp_type = rep;
	assert_false(ct_proto_icmp.valid_new(&p));
	p.icmp_type = v6 ? 1 : 3;	/* errors never open a session */
	assert_false(ct_proto_icmp.valid_new(&p));
	p.icmp_type = req;
	assert_true(ct_proto_icmp.valid_new(&p));
	ct_proto_icmp.init(&st, &x, &p);
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &x, &p, O), CT_ACCEPT);	/* next request */
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &x, &p, R), CT_INVALID);	/* request from the responder */
	p.icmp_type = rep;
	assert_int_equal(ct_proto_icmp.update(&st, &x, &p, O), CT_INVALID);	/* reply from the originator */
	assert_int_equal(st.state, CT_ICMP_FIRST);
	assert_int_equal(ct_proto_icmp.update(&st, &x, &p, R), CT_ACCEPT);
	assert_int_equal(st.state, CT_ICMP_REPLY);
	p.icmp_type = req;
	assert_int_equal(ct_proto_icmp.update(&st, &x, &p, O), CT_ACCEPT);
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
		cmocka_unit_test(test_tcp_simultaneous_close),
		cmocka_unit_test(test_tcp_hostile_rst),
		cmocka_unit_test(test_tcp_hostile_data_fin),
		cmocka_unit_test(test_tcp_retransmit_keepalive),
		cmocka_unit_test(test_tcp_window_scale),
		cmocka_unit_test(test_tcp_seq_wrap),
		cmocka_unit_test(test_tcp_valid_new),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
