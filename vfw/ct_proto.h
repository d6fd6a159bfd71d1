/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection tracking, the per-protocol part (the OVS lib/conntrack-*.c
 * split): one state machine per L4 protocol behind a small table of
 * function pointers, and one list of session states for all of them, so
 * that per-state counters, timeouts and their option names are defined once.
 *
 *   ct_tcp.c    TCP, SYN to FIN/RST, with sequence windows per direction
 *   ct_udp.c    UDP pseudo-state: first / established (seen both ways)
 *   ct_icmp.c   ICMP and ICMPv6 echo: request / reply
 *   ct_other.c  any other IP protocol: first / established
 *
 * Thread safety: the functions only touch the session they are given; a
 * session belongs to one worker (conntrack.h).
 */
#ifndef VFW_CT_PROTO_H
#define VFW_CT_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_net.h"	/* IPPROTO_* */

/*
 * X(ENUM, name, default timeout in seconds, help). The name is the counter
 * name in the stats JSON and the key of --timeout NAME=SEC.
 */
#define VFW_CT_STATES(X) \
	X(TCP_SYN_SENT,      tcp_syn_sent,      30,    "TCP: SYN seen from the originator") \
	X(TCP_SYN_RECV,      tcp_syn_recv,      30,    "TCP: SYN+ACK seen from the responder") \
	X(TCP_ESTABLISHED,   tcp_established,   86400, "TCP: handshake completed") \
	X(TCP_FIN_WAIT,      tcp_fin_wait,      120,   "TCP: FIN seen from one side") \
	X(TCP_CLOSING,       tcp_closing,       60,    "TCP: FIN seen from both sides, last ACK pending") \
	X(TCP_TIME_WAIT,     tcp_time_wait,     120,   "TCP: both FINs acknowledged") \
	X(TCP_CLOSED,        tcp_closed,        10,    "TCP: reset seen") \
	X(UDP_FIRST,         udp_first,         30,    "UDP: packets from the originator only") \
	X(UDP_ESTABLISHED,   udp_established,   120,   "UDP: packets seen in both directions") \
	X(ICMP_FIRST,        icmp_first,        30,    "ICMP echo: request seen, no reply yet") \
	X(ICMP_REPLY,        icmp_reply,        30,    "ICMP echo: reply seen") \
	X(OTHER_FIRST,       other_first,       60,    "Other IP protocol: one direction only") \
	X(OTHER_ESTABLISHED, other_established, 600,   "Other IP protocol: both directions")

#define CT_STATE_ENUM(e, name, sec, help) CT_##e,
enum ct_state {
	VFW_CT_STATES(CT_STATE_ENUM)
	CT_STATE_MAX
};
#undef CT_STATE_ENUM

#define CT_TIMEOUT_MAX_SEC (30u * 86400u)	/* keeps tick arithmetic far from wrap */

extern const char *const ct_state_names[CT_STATE_MAX];
extern const char *const ct_state_help[CT_STATE_MAX];
extern const uint32_t ct_default_timeout_sec[CT_STATE_MAX];

/* Index of a state by name, -1 if unknown. */
int ct_state_find(const char *name);

/* Direction of a packet relative to the session's originator. */
enum ct_dir {
	CT_DIR_ORIG = 0,
	CT_DIR_REPLY = 1,
};

enum ct_verdict {
	CT_ACCEPT = 0,	/* valid for the session's state (which may have changed) */
	CT_INVALID,	/* not valid in this state: drop, session unchanged (ct_pkt.why says why) */
	CT_REOPEN,	/* a new connection on a closed session's 5-tuple: classify as new */
};

/*
 * Why a packet was CT_INVALID. The order is that of the drop counters
 * state_invalid, tcp_seq_out_of_window... in vfw.h (checked there).
 */
enum ct_why {
	CT_WHY_STATE = 0,	/* not a valid transition for the session's state */
	CT_WHY_TCP_SEQ,		/* TCP: data or FIN outside the receiver's window */
	CT_WHY_TCP_ACK,		/* TCP: acknowledges data never sent, or far too old */
	CT_WHY_TCP_RST,		/* TCP: reset outside the window (or a wrong ack in SYN_SENT) */
	CT_WHY_MAX
};

/* What the state machines look at. */
struct ct_pkt {
	uint8_t proto;		/* IPPROTO_* */
	uint8_t tcp_flags;	/* TCP flags byte */
	uint8_t icmp_type;	/* ICMP / ICMPv6 type */
	uint8_t v6;		/* 1 for IPv6 */
	uint8_t why;		/* out: enum ct_why when the verdict is CT_INVALID */
	uint32_t l4len;		/* TCP: header and payload bytes (IP length minus IP headers) */
	const uint8_t *l4;	/* TCP: the header with its options (in the first segment) */
};

/* The state a protocol keeps in a session (conntrack.h: struct ct_session). */
struct ct_l4_state {
	uint8_t state : 5;	/* enum ct_state */
	uint8_t priv : 3;	/* protocol private (TCP: FIN seen per direction) */
};

/*
 * TCP window tracking, one per direction (the "Real Stateful TCP Packet
 * Filtering" bounds, as in Linux and OVS): the sequence numbers a side may
 * send lie in [end - the other side's maxwin, maxend]; the acks it may send
 * in [the other side's end - max(maxwin, 66000), the other side's end].
 */
struct ct_tcp_peer {
	uint32_t end;		/* highest seq + length sent: the next new byte */
	uint32_t maxend;	/* highest ack + window the other side gave: the right edge */
	uint32_t maxwin;	/* largest window this side advertised (scaled); 0 = not seen yet */
	uint8_t scale;		/* window scale shift of this side's windows */
	uint8_t flags;		/* CT_TCP_PEER_* */
	uint16_t pad;
};

#define CT_TCP_PEER_WSCALE 0x01	/* sent a window scale option in its SYN */

/*
 * Protocol state that does not fit in the session's cache line: kept in a
 * table beside the sessions (conntrack.h), read only by protocols that
 * need it (TCP), so that other flows never touch it.
 */
struct ct_l4_ext {
	struct ct_tcp_peer tcp[2];	/* by enum ct_dir */
};

struct ct_l4_proto {
	const char *name;
	/* may this packet open a session? (TCP: a SYN; ICMP: an echo request) */
	bool (*valid_new)(const struct ct_pkt *p);
	/* initial state of a session opened by p */
	void (*init)(struct ct_l4_state *st, struct ct_l4_ext *x, const struct ct_pkt *p);
	/* p seen in direction dir: next state, or INVALID (p->why set) / REOPEN (st, x unchanged) */
	enum ct_verdict (*update)(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p,
			enum ct_dir dir);
};

extern const struct ct_l4_proto ct_proto_tcp;
extern const struct ct_l4_proto ct_proto_udp;
extern const struct ct_l4_proto ct_proto_icmp;
extern const struct ct_l4_proto ct_proto_other;

/* The table: TCP, UDP, ICMP (v4) and ICMPv6 have their own, the rest "other". */
static inline const struct ct_l4_proto *
ct_l4_proto_get(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return &ct_proto_tcp;
	case IPPROTO_UDP:
		return &ct_proto_udp;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return &ct_proto_icmp;
	default:
		return &ct_proto_other;
	}
}

/*
 * TCP flag combinations a real stack sends (Linux nf_conntrack's table,
 * after masking ECE, CWR and PSH): SYN, SYN|URG, SYN|ACK, RST, RST|ACK,
 * FIN|ACK, FIN|ACK|URG, ACK, ACK|URG. Everything else (NULL, FIN alone,
 * SYN|FIN, Xmas...) is a scan or an attack.
 */
bool ct_tcp_flags_valid(uint8_t flags);

/* ICMP (v6 = 0) or ICMPv6 echo request / reply. */
static inline bool
ct_icmp_is_echo_request(uint8_t type, bool v6)
{
	return type == (v6 ? 128 : 8);
}

static inline bool
ct_icmp_is_echo_reply(uint8_t type, bool v6)
{
	return type == (v6 ? 129 : 0);
}

/* ICMP errors that quote the packet they are about (related traffic). */
static inline bool
ct_icmp_is_error(uint8_t type, bool v6)
{
	if (v6)
		return type >= 1 && type <= 4;	/* unreachable, too big, time exceeded, param */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

#endif /* VFW_CT_PROTO_H */
