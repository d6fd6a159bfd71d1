/* SPDX-License-Identifier: BSD-3-Clause */
/* Route table (route.h). */
#include <errno.h>
#include <string.h>

#include "conntrack.h"
#include "route.h"

struct vfw_route_table vfw_routes;

static void
make_mask(uint8_t plen, unsigned int nbytes, uint8_t *m)
{
	unsigned int i;

	memset(m, 0, 16);
	for (i = 0; i < nbytes; i++) {
		unsigned int bits = plen >= (i + 1) * 8 ? 8 : (plen > i * 8 ? plen - i * 8 : 0);

		m[i] = (uint8_t)(bits == 0 ? 0 : 0xff << (8 - bits));
	}
}

bool
vfw_prefix_contains(uint8_t family, const uint8_t *prefix, uint8_t plen, const uint8_t *addr)
{
	unsigned int n = family == DP_FAM_V4 ? 4 : 16, i;
	uint8_t m[16];

	make_mask(plen, n, m);
	for (i = 0; i < n; i++)
		if ((addr[i] & m[i]) != (prefix[i] & m[i]))
			return false;
	return true;
}

int
vfw_route_add(struct vfw_route_table *t, uint8_t family, const uint8_t *prefix, uint8_t plen,
		uint16_t port, const uint8_t *gw)
{
	unsigned int f = family == DP_FAM_V4 ? 0 : 1, n = f == 0 ? 4 : 16, i, pos;
	struct vfw_route r;
	uint8_t m[16];

	if (t->nb[f] >= VFW_MAX_ROUTES)
		return -ENOSPC;
	memset(&r, 0, sizeof(r));
	r.family = family;
	r.plen = plen;
	r.port = port;
	make_mask(plen, n, m);
	for (i = 0; i < n; i++)
		r.prefix[i] = prefix[i] & m[i];
	if (gw != NULL) {
		r.has_gw = true;
		memcpy(r.gw, gw, n);
	}
	memcpy(r.net, r.prefix, 16);
	memcpy(r.mask, m, 16);
	memcpy(&r.net4, r.prefix, 4);
	memcpy(&r.mask4, m, 4);
	/* longest prefix first; equal lengths keep their order */
	for (pos = 0; pos < t->nb[f] && t->r[f][pos].plen >= plen; pos++)
		;
	memmove(&t->r[f][pos + 1], &t->r[f][pos], (t->nb[f] - pos) * sizeof(r));
	t->r[f][pos] = r;
	t->nb[f]++;
	return 0;
}
