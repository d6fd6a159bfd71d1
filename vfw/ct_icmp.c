/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP and ICMPv6 echo pseudo-state. The session key is the two addresses
 * and the echo identifier. An echo request opens it (ICMP_FIRST), an echo
 * reply from the responder moves it to ICMP_REPLY. A reply from the
 * originator or a request from the responder is INVALID; so is anything
 * else (errors are matched to the session they quote by the caller, not
 * here).
 */
#include "ct_proto.h"

static bool
icmp_valid_new(const struct ct_pkt *p)
{
	return ct_icmp_is_echo_request(p->icmp_type, p->v6);
}

static void
icmp_init(struct ct_l4_state *st, struct ct_l4_ext *x, const struct ct_pkt *p)
{
	(void)x;
	(void)p;
	st->state = CT_ICMP_FIRST;
	st->priv = 0;
}

static enum ct_verdict
icmp_update(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p, enum ct_dir dir)
{
	(void)x;
	if (dir == CT_DIR_ORIG && ct_icmp_is_echo_request(p->icmp_type, p->v6))
		return CT_ACCEPT;
	if (dir == CT_DIR_REPLY && ct_icmp_is_echo_reply(p->icmp_type, p->v6)) {
		st->state = CT_ICMP_REPLY;
		return CT_ACCEPT;
	}
	p->why = CT_WHY_STATE;
	return CT_INVALID;
}

const struct ct_l4_proto ct_proto_icmp = {
	.name = "icmp",
	.valid_new = icmp_valid_new,
	.init = icmp_init,
	.update = icmp_update,
};
