/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Any other IP protocol (GRE, ESP, SCTP...): tracked by addresses and
 * protocol only (ports are 0 in the key), like OVS's conntrack-other.c:
 * OTHER_FIRST until the responder sends, then OTHER_ESTABLISHED.
 */
#include "ct_proto.h"

static bool
other_valid_new(const struct ct_pkt *p)
{
	(void)p;
	return true;
}

static void
other_init(struct ct_l4_state *st, struct ct_l4_ext *x, const struct ct_pkt *p)
{
	(void)x;
	(void)p;
	st->state = CT_OTHER_FIRST;
	st->priv = 0;
}

static enum ct_verdict
other_update(struct ct_l4_state *st, struct ct_l4_ext *x, struct ct_pkt *p, enum ct_dir dir)
{
	(void)x;
	(void)p;
	if (dir == CT_DIR_REPLY)
		st->state = CT_OTHER_ESTABLISHED;
	return CT_ACCEPT;
}

const struct ct_l4_proto ct_proto_other = {
	.name = "other",
	.valid_new = other_valid_new,
	.init = other_init,
	.update = other_update,
};
