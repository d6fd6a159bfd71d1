/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's view of a packet and of a burst, shared by the fast path
 * (forward.c) and the general classification (classify.c). Internal to the
 * worker: one burst, one lcore, no sharing.
 */
#ifndef VFW_FWD_H
#define VFW_FWD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "acl.h"
#include "arp_nd.h"
#include "conntrack.h"
#include "dp_net.h"
#include "dp_options.h"
#include "forward.h"
#include "route.h"
#include "vfw.h"

enum pkt_kind {
	K_LOOKUP,	/* look the session up by the packet's own 5-tuple */
	K_RELATED,	/* ICMP error: look up the flow it quotes */
	K_NOLOOKUP,	/* cannot belong to a session (other ICMP types): rules only */
	K_LOCAL,	/* for the firewall itself (ARP, ND, ping): answered in stage 3 */
};

struct pkt {
	struct ct_key key;
	struct rte_mbuf *m;
	struct ct_session *s;
	uint8_t *l3;
	uint32_t hash;
	uint32_t len;
	uint16_t sport;		/* network order; ICMP: 0 */
	uint16_t dport;
	struct ct_pkt cp;
	uint8_t fam;		/* DP_FAM_V4 / DP_FAM_V6 */
	uint8_t kind;		/* enum pkt_kind */
	uint8_t pkt_hi;		/* the source is endpoint 1 of the key */
	uint8_t icmp_code;
};

struct burst {
	struct vfw_worker *w;
	const struct vfw_ruleset *rs;
	uint32_t now;
	uint16_t in;		/* dp_ports[] index of the input port */
	uint16_t nb_drop;
	uint32_t nb_fwd;
	uint32_t nb_created;
	struct rte_mbuf *drop[DP_MAX_BURST];
};

static inline void
drop(struct burst *b, struct rte_mbuf *m, unsigned int cls, unsigned int detail)
{
	b->drop[b->nb_drop++] = m;
	vfw_ctr_inc(b->w, b->in, VFW_CTR_dropped);
	vfw_ctr_inc(b->w, b->in, cls);
	if (detail != cls)
		vfw_ctr_inc(b->w, b->in, detail);
}

/*
 * Stage 1 for whatever the inline fast path does not take: parse fully
 * (dp_pkt_parse), check, count and set aside drops (drop()), mark traffic
 * for the firewall itself K_LOCAL. Returns 1 when p is filled for stage 2
 * (a session lookup, the rules, or local delivery), 0 when m was dropped.
 */
int vfw_classify_slow(struct burst *b, struct rte_mbuf *m, struct pkt *p, bool l2_mcast);

#endif /* VFW_FWD_H */
