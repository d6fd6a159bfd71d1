/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP state machine, driven by flags (like VPP's ACL plugin and the coarse
 * part of Linux nf_conntrack; no sequence-window check as in OVS/pf):
 *
 *   SYN_SENT --SYN+ACK (reply)--> SYN_RECV --ACK (orig)--> ESTABLISHED
 *   ESTABLISHED/SYN_RECV --FIN (one side)--> FIN_WAIT
 *   FIN_WAIT --FIN (other side)--> CLOSING --ACK--> TIME_WAIT
 *   any --RST--> CLOSED
 *   TIME_WAIT/CLOSED --SYN--> REOPEN (a new connection: classified again)
 *
 * Retransmissions keep the state; everything else is INVALID (dropped,
 * session unchanged). Only a SYN (without ACK) opens a session.
 */
#include <rte_tcp.h>

#include "ct_proto.h"

#define FIN_ORIG 0x1	/* priv: FIN seen from the originator */
#define FIN_REPLY 0x2	/* priv: FIN seen from the responder */

enum tcp_ev {
	EV_SYN,
	EV_SYNACK,
	EV_FIN,
	EV_ACK,
	EV_RST,
};

bool
ct_tcp_flags_valid(uint8_t flags)
{
	uint8_t f = flags & (uint8_t)~(RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG | RTE_TCP_PSH_FLAG);

	switch (f) {
	case RTE_TCP_SYN_FLAG:
	case RTE_TCP_SYN_FLAG | RTE_TCP_URG_FLAG:
	case RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_RST_FLAG:
	case RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG:
	case RTE_TCP_ACK_FLAG:
	case RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG:
		return true;
	default:
		return false;
	}
}

/* Flags already checked by ct_tcp_flags_valid(). */
static enum tcp_ev
tcp_event(uint8_t f)
{
	if (f & RTE_TCP_RST_FLAG)
		return EV_RST;
	if (f & RTE_TCP_SYN_FLAG)
		return (f & RTE_TCP_ACK_FLAG) ? EV_SYNACK : EV_SYN;
	if (f & RTE_TCP_FIN_FLAG)
		return EV_FIN;
	return EV_ACK;
}

static bool
tcp_valid_new(const struct ct_pkt *p)
{
	return tcp_event(p->tcp_flags) == EV_SYN;
}

static void
tcp_init(struct ct_l4_state *st, const struct ct_pkt *p)
{
	(void)p;
	st->state = CT_TCP_SYN_SENT;
	st->priv = 0;
}

static enum ct_verdict
fin(struct ct_l4_state *st, enum ct_dir dir)
{
	uint8_t mine = dir == CT_DIR_ORIG ? FIN_ORIG : FIN_REPLY;

	st->priv |= mine;
	st->state = st->priv == (FIN_ORIG | FIN_REPLY) ? CT_TCP_CLOSING : CT_TCP_FIN_WAIT;
	return CT_ACCEPT;
}

static enum ct_verdict
tcp_update(struct ct_l4_state *st, const struct ct_pkt *p, enum ct_dir dir)
{
	enum tcp_ev ev = tcp_event(p->tcp_flags);
	bool orig = dir == CT_DIR_ORIG;

	if (ev == EV_RST) {
		st->state = CT_TCP_CLOSED;
		return CT_ACCEPT;
	}
	switch (st->state) {
	case CT_TCP_SYN_SENT:
		if (ev == EV_SYN && orig)
			return CT_ACCEPT;			/* retransmitted SYN */
		if (!orig && (ev == EV_SYNACK || ev == EV_SYN)) {
			st->state = CT_TCP_SYN_RECV;		/* answer, or simultaneous open */
			return CT_ACCEPT;
		}
		return CT_INVALID;
	case CT_TCP_SYN_RECV:
		if (ev == EV_ACK) {
			if (orig)
				st->state = CT_TCP_ESTABLISHED;
			return CT_ACCEPT;
		}
		if ((ev == EV_SYNACK && !orig) || (ev == EV_SYN && orig))
			return CT_ACCEPT;			/* retransmissions */
		if (ev == EV_FIN)
			return fin(st, dir);
		return CT_INVALID;
	case CT_TCP_ESTABLISHED:
		if (ev == EV_ACK)
			return CT_ACCEPT;
		if (ev == EV_FIN)
			return fin(st, dir);
		if (ev == EV_SYNACK && !orig)
			return CT_ACCEPT;			/* SYN+ACK again: our ACK was lost */
		return CT_INVALID;
	case CT_TCP_FIN_WAIT:
	case CT_TCP_CLOSING:
		if (ev == EV_FIN)
			return fin(st, dir);
		if (ev == EV_ACK) {
			if (st->state == CT_TCP_CLOSING)
				st->state = CT_TCP_TIME_WAIT;
			return CT_ACCEPT;
		}
		return CT_INVALID;
	case CT_TCP_TIME_WAIT:
		if (ev == EV_ACK || ev == EV_FIN)
			return CT_ACCEPT;			/* late retransmissions */
		if (ev == EV_SYN)
			return CT_REOPEN;
		return CT_INVALID;
	case CT_TCP_CLOSED:
		if (ev == EV_SYN)
			return CT_REOPEN;
		return CT_INVALID;
	default:
		return CT_INVALID;
	}
}

const struct ct_l4_proto ct_proto_tcp = {
	.name = "tcp",
	.valid_new = tcp_valid_new,
	.init = tcp_init,
	.update = tcp_update,
};
