/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP state machine, driven by flags (like VPP's ACL plugin and the coarse
 * part of Linux nf_conntrack):
 *
 *   SYN_SENT --SYN+ACK (reply)--> SYN_RECV --ACK (orig)--> ESTABLISHED
 *   ESTABLISHED/SYN_RECV --FIN (one side)--> FIN_WAIT
 *   FIN_WAIT --FIN (other side)--> CLOSING --ACK--> TIME_WAIT
 *   any --RST (in window)--> CLOSED
 *   TIME_WAIT/CLOSED --SYN--> REOPEN (a new connection: classified again)
 *
 * Retransmissions keep the state; everything else is INVALID (dropped,
 * session unchanged). Only a SYN (without ACK) opens a session.
 *
 * On top of the flags, every segment must fit the windows tracked per
 * direction (struct ct_tcp_peer; Guido van Rooij's "Real Stateful TCP
 * Packet Filtering in IP Filter", the rules Linux and OVS apply), so that
 * knowing a connection's addresses and ports is not enough to reset it or
 * to inject into it:
 *   I   seq + len  <= sender.maxend      (not beyond what the receiver allowed)
 *   II  seq        >= sender.end - receiver.maxwin   (not older than a window)
 *   III ack        <= receiver.end       (no ack of data never sent)
 *   IV  ack        >= receiver.end - max(sender.maxwin, 66000)
 * A segment without payload, SYN or FIN (a pure ACK, a keep-alive) has no
 * sequence to place: only its ack is checked. Windows are scaled by the
 * shift each side announced in its SYN when both sides announced one.
 * The responder's first SYN+ACK must acknowledge exactly the SYN.
 *
 * RST: in SYN_SENT the responder's RST must carry an ACK of exactly the
 * SYN (RFC 793; its seq is not checked). Otherwise an RST must pass the
 * sequence (and, with ACK, the ack) bounds above; it closes the session
 * only when its seq is exactly where the sender's stream is (sender.end).
 * An in-window RST at another seq is forwarded without a state change, so
 * the receiver can answer it with a challenge ACK (RFC 5961), as Linux
 * does; an out-of-window one is dropped (tcp_rst_out_of_window).
 */
#include <rte_tcp.h>

#include <string.h>

#include <rte_byteorder.h>

#include "ct_proto.h"

#define FIN_ORIG 0x1	/* priv: FIN seen from the originator */
#define FIN_REPLY 0x2	/* priv: FIN seen from the responder */

#define MAX_WSCALE 14		/* RFC 7323: larger shifts are taken as 14 */
#define MIN_ACK_WINDOW 66000u	/* acks may lag this far behind at least (Linux's figure) */

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

/* The fields of a segment the windows need, in host order. */
struct tcp_seg {
	uint32_t seq;
	uint32_t ack;
	uint32_t end;		/* seq + payload + SYN + FIN */
	uint32_t win;		/* the window field, unscaled */
	uint8_t flags;
	int8_t wscale;		/* window scale option of a SYN, -1 if none */
};

static inline uint32_t
rd32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return rte_be_to_cpu_32(v);
}

/* Sequence-space comparisons, modulo 2^32. */
static inline bool
seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline bool
seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* The window scale option among a SYN's options, -1 if absent or malformed. */
static int8_t
wscale_option(const uint8_t *th, uint32_t hlen)
{
	uint32_t i = 20;

	while (i < hlen) {
		uint8_t kind = th[i], len;

		if (kind == 0)				/* end of options */
			break;
		if (kind == 1) {			/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= hlen)
			break;
		len = th[i + 1];
		if (len < 2 || i + len > hlen)
			break;
		if (kind == 3 && len == 3)
			return (int8_t)(th[i + 2] > MAX_WSCALE ? MAX_WSCALE : th[i + 2]);
		i += len;
	}
	return -1;
}

/* The caller (the parser) checked that the header with its options is in p->l4. */
static void
seg_read(struct tcp_seg *g, const struct ct_pkt *p)
{
	const uint8_t *th = p->l4;
	uint32_t hlen = (th[12] >> 4) * 4u;
	uint32_t len = p->l4len > hlen ? p->l4len - hlen : 0;

	g->flags = p->tcp_flags;
	g->seq = rd32(th + 4);
	g->ack = rd32(th + 8);
	g->win = (uint32_t)th[14] << 8 | th[15];
	g->end = g->seq + len + !!(g->flags & RTE_TCP_SYN_FLAG) + !!(g->flags & RTE_TCP_FIN_FLAG);
	g->wscale = (g->flags & RTE_TCP_SYN_FLAG) ? wscale_option(th, hlen) : -1;
}

/* A side's first SYN (or SYN+ACK): its stream starts here. */
static void
peer_init(struct ct_tcp_peer *pe, const struct tcp_seg *g)
{
	pe->end = g->end;
	pe->maxend = g->end;
	pe->maxwin = g->win == 0 ? 1 : g->win;	/* SYN windows are never scaled */
	pe->scale = g->wscale >= 0 ? (uint8_t)g->wscale : 0;
	pe->flags = g->wscale >= 0 ? CT_TCP_PEER_WSCALE : 0;
	pe->pad = 0;
}

/* The originator's SYN; until the responder gives a window, its own is the guess. */
static void
orig_syn(struct ct_l4_ext *x, const struct tcp_seg *g)
{
	struct ct_tcp_peer *o = &x->tcp[CT_DIR_ORIG];

	memset(x, 0, sizeof(*x));
	peer_init(o, g);
	o->maxend = g->end + o->maxwin;
}

static bool
tcp_valid_new(const struct ct_pkt *p)
{
	return tcp_event(p->tcp_flags) == EV_SYN;
}

static void
tcp_init(struct ct_l4_state *st, struct ct_l4_ext *x, const struct ct_pkt *p)
{
	struct tcp_seg g;

	seg_read(&g, p);
	orig_syn(x, &g);
	st->state = CT_TCP_SYN_SENT;
	st->priv = 0;
}

/*
 * Bounds I-IV (see the top). g is adjusted to what is checked: a segment
 * with nothing to place takes the sender's end as its seq; without ACK (or
 * before the receiver sent anything) the ack is the receiver's end.
 */
static bool
in_window(const struct ct_tcp_peer *snd, const struct ct_tcp_peer *rcv, struct tcp_seg *g,
		enum ct_why *why)
{
	uint32_t maxack = snd->maxwin > MIN_ACK_WINDOW ? snd->maxwin : MIN_ACK_WINDOW;

	if (!(g->flags & RTE_TCP_ACK_FLAG) || rcv->maxwin == 0)
		g->ack = rcv->end;
	if (g->seq == g->end && !(g->flags & RTE_TCP_RST_FLAG))
		g->seq = g->end = snd->end;
	if (!seq_le(g->end, snd->maxend) || !seq_ge(g->seq, snd->end - rcv->maxwin)) {
		*why = CT_WHY_TCP_SEQ;
		return false;
	}
	if (!seq_le(g->ack, rcv->end) || !seq_ge(g->ack, rcv->end - maxack)) {
		*why = CT_WHY_TCP_ACK;
		return false;
	}
	return true;
}

/* An accepted segment moves the sender's end and window and the receiver's right edge. */
static void
window_update(struct ct_tcp_peer *snd, struct ct_tcp_peer *rcv, const struct tcp_seg *g)
{
	uint32_t win = (g->flags & RTE_TCP_SYN_FLAG) ? g->win : g->win << snd->scale;

	if (snd->maxwin < win)
		snd->maxwin = win;
	if (seq_gt(g->end, snd->end))
		snd->end = g->end;
	if (g->flags & RTE_TCP_ACK_FLAG) {
		uint32_t right = g->ack + win + (win == 0);	/* room for a zero-window probe */

		if (seq_gt(right, rcv->maxend))
			rcv->maxend = right;
	}
}

/* The responder's first segment, a SYN+ACK (or a SYN: simultaneous open). */
static bool
reply_syn(struct ct_tcp_peer *snd, struct ct_tcp_peer *rcv, const struct tcp_seg *g,
		enum ct_why *why)
{
	if ((g->flags & RTE_TCP_ACK_FLAG) && g->ack != rcv->end) {
		*why = CT_WHY_TCP_ACK;	/* must acknowledge exactly the SYN */
		return false;
	}
	peer_init(snd, g);
	if (!(snd->flags & rcv->flags & CT_TCP_PEER_WSCALE))
		snd->scale = rcv->scale = 0;	/* scaling only when both sides offer it */
	if ((g->flags & RTE_TCP_ACK_FLAG) && seq_gt(g->ack + g->win, rcv->maxend))
		rcv->maxend = g->ack + g->win;
	return true;
}

/* The windows of a segment whose flags are valid in state: false with *why if it does not fit. */
static bool
tcp_track(struct ct_l4_ext *x, uint8_t state, enum tcp_ev ev, enum ct_dir dir, struct tcp_seg *g,
		enum ct_why *why)
{
	struct ct_tcp_peer *snd = &x->tcp[dir], *rcv = &x->tcp[!dir];

	if (ev == EV_SYN || ev == EV_SYNACK) {
		if (snd->maxwin == 0)
			return reply_syn(snd, rcv, g, why);
		if (state == CT_TCP_SYN_SENT && dir == CT_DIR_ORIG) {
			if (g->end != snd->end)
				orig_syn(x, g);	/* a new attempt with another ISN (as Linux) */
			return true;		/* else a retransmission */
		}
	}
	if (!in_window(snd, rcv, g, why))
		return false;
	window_update(snd, rcv, g);
	return true;
}

/* An RST (see the top): CT_ACCEPT (closed, or in window and kept) or CT_INVALID. */
static enum ct_verdict
tcp_rst(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p, enum ct_dir dir)
{
	const struct ct_tcp_peer *snd = &x->tcp[dir], *rcv = &x->tcp[!dir];
	enum ct_why why;
	struct tcp_seg g;

	seg_read(&g, p);
	if (snd->maxwin == 0) {
		/* the responder's answer to the SYN: it must acknowledge the SYN */
		if (!(g.flags & RTE_TCP_ACK_FLAG) || g.ack != rcv->end)
			goto refused;
	} else if (!in_window(snd, rcv, &g, &why)) {
		goto refused;
	} else if (g.seq != snd->end) {
		return CT_ACCEPT;	/* in window, not exact: the receiver decides, state kept */
	}
	st->state = CT_TCP_CLOSED;
	return CT_ACCEPT;
refused:
	p->why = CT_WHY_TCP_RST;
	return CT_INVALID;
}

static enum ct_verdict
fin(struct ct_l4_state *st, enum ct_dir dir)
{
	uint8_t mine = dir == CT_DIR_ORIG ? FIN_ORIG : FIN_REPLY;

	st->priv |= mine;
	st->state = st->priv == (FIN_ORIG | FIN_REPLY) ? CT_TCP_CLOSING : CT_TCP_FIN_WAIT;
	return CT_ACCEPT;
}

/* The flag-based transition (not RST): st is the next state on CT_ACCEPT. */
static enum ct_verdict
tcp_transition(struct ct_l4_state *st, enum tcp_ev ev, enum ct_dir dir)
{
	bool orig = dir == CT_DIR_ORIG;

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

/* Flags first (state_invalid), then the windows; both pass or nothing changes. */
static enum ct_verdict
tcp_update(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p, enum ct_dir dir)
{
	enum tcp_ev ev = tcp_event(p->tcp_flags);
	struct ct_l4_state next = *st;
	struct ct_l4_ext win = *x;
	enum ct_verdict v;
	struct tcp_seg g;
	enum ct_why why;

	if (ev == EV_RST)
		return tcp_rst(st, x, p, dir);
	v = tcp_transition(&next, ev, dir);
	if (v != CT_ACCEPT) {
		p->why = CT_WHY_STATE;
		return v;
	}
	seg_read(&g, p);
	if (!tcp_track(&win, st->state, ev, dir, &g, &why)) {
		p->why = why;
		return CT_INVALID;
	}
	*st = next;
	*x = win;
	return CT_ACCEPT;
}

const struct ct_l4_proto ct_proto_tcp = {
	.name = "tcp",
	.valid_new = tcp_valid_new,
	.init = tcp_init,
	.update = tcp_update,
};
