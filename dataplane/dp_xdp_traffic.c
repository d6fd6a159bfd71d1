/* SPDX-License-Identifier: BSD-3-Clause */
/* Building a binary's default XDP data traffic: see dp_xdp_traffic.h. */
#include <arpa/inet.h>
#include <string.h>

#include "dp_xdp_rule.h"
#include "dp_xdp_traffic.h"

static void
add(struct dp_xdp_traffic *t, const struct vfwcl_xdp_rule *r)
{
	if (t->nb_rules == VFWCL_XDP_MAX_RULES) {
		t->overflow = true;
		return;
	}
	t->rules[t->nb_rules++] = *r;
}

void
dp_xdp_traffic_add_dst(struct dp_xdp_traffic *t, uint32_t addr, uint8_t prefix_len)
{
	uint32_t mask = prefix_len == 0 ? 0 : UINT32_MAX << (32 - (prefix_len > 32 ? 32 : prefix_len));
	struct vfwcl_xdp_rule r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.match = VFWCL_XDP_MATCH_DST;
	r.dst_mask = htonl(mask);
	r.dst = htonl(addr & mask);
	r.prefix_len = prefix_len > 32 ? 32 : prefix_len;
	for (i = 0; i < t->nb_rules; i++) {
		const struct vfwcl_xdp_rule *o = &t->rules[i];

		/* o covers r: o is no longer and r's prefix is inside it */
		if (o->match == VFWCL_XDP_MATCH_DST && o->prefix_len <= r.prefix_len &&
		    (r.dst & o->dst_mask) == o->dst)
			return;
	}
	add(t, &r);
}

/* Whether IPv6 destination rule o covers r's prefix. */
static bool
covers6(const struct vfwcl_xdp_rule *o, const struct vfwcl_xdp_rule *r)
{
	unsigned int w;

	if (o->match != VFWCL_XDP_MATCH_DST6 || o->prefix_len > r->prefix_len)
		return false;
	for (w = 0; w < 4; w++)
		if ((r->dst6[w] & o->dst6_mask[w]) != o->dst6[w])
			return false;
	return true;
}

void
dp_xdp_traffic_add_dst6(struct dp_xdp_traffic *t, const uint8_t addr[16], uint8_t prefix_len)
{
	struct vfwcl_xdp_rule r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.match = VFWCL_XDP_MATCH_DST6;
	dp_xdp_rule_set_dst6(&r, addr, prefix_len);
	for (i = 0; i < t->nb_rules; i++)
		if (covers6(&t->rules[i], &r))
			return;
	add(t, &r);
}

void
dp_xdp_traffic_add_probe(struct dp_xdp_traffic *t)
{
	struct vfwcl_xdp_rule r;
	unsigned int i;

	for (i = 0; i < t->nb_rules; i++)
		if (t->rules[i].match == VFWCL_XDP_MATCH_PROBE)
			return;
	memset(&r, 0, sizeof(r));
	r.match = VFWCL_XDP_MATCH_PROBE;
	add(t, &r);
}
