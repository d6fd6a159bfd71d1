/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP pseudo-state: any datagram opens a session in UDP_FIRST; the first
 * datagram from the responder moves it to UDP_ESTABLISHED (a longer
 * timeout, as Linux and OVS do for streams). Nothing is ever invalid.
 */
#include "ct_proto.h"

static bool
udp_valid_new(const struct ct_pkt *p)
{
	(void)p;
	return true;
}

static void
udp_init(struct ct_l4_state *st, struct ct_l4_ext *x, const struct ct_pkt *p)
{
	(void)x;
	(void)p;
	st->state = CT_UDP_FIRST;
	st->priv = 0;
}

static enum ct_verdict
udp_update(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p, enum ct_dir dir)
{
	(void)x;
	(void)p;
	if (dir == CT_DIR_REPLY)
		st->state = CT_UDP_ESTABLISHED;
	return CT_ACCEPT;
}

const struct ct_l4_proto ct_proto_udp = {
	.name = "udp",
	.valid_new = udp_valid_new,
	.init = udp_init,
	.update = udp_update,
};
