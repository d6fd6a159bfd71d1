/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_net.h"
#include "fuzz_mbuf.h"

uint8_t *
fuzz_dup(const uint8_t *p, size_t len)
{
	/* malloc(0) gives a unique pointer with no readable byte (ASan checks it) */
	uint8_t *b = malloc(len);

	if (b == NULL && len != 0)
		abort();
	if (len != 0)
		memcpy(b, p, len);
	return b;
}

/* The rx checksum flag a driver could set: unknown, good or bad. */
static uint64_t
cksum_flag(unsigned int v, uint64_t good, uint64_t bad)
{
	return v == 0 ? 0 : v == 1 ? good : bad;
}

struct rte_mbuf *
fuzz_chain_build(struct fuzz_chain *c, const uint8_t ctl[FUZZ_MBUF_CTL], const uint8_t *frame,
		size_t len, int single)
{
	size_t cut[FUZZ_MBUF_MAX_SEGS + 1];
	unsigned int i, nb = single ? 1 : 1 + ctl[0] % FUZZ_MBUF_MAX_SEGS;

	if (len > FUZZ_FRAME_MAX)
		len = FUZZ_FRAME_MAX;
	/* every segment holds at least one byte */
	if (nb > len)
		nb = len == 0 ? 1 : (unsigned int)len;
	cut[0] = 0;
	cut[nb] = len;
	if (nb >= 2)
		cut[1] = 1 + dp_rd16(ctl + 1) % (len - nb + 1);
	if (nb == 3)
		cut[2] = cut[1] + 1 + dp_rd16(ctl + 3) % (len - cut[1] - 1);
	memset(c, 0, sizeof(*c));
	c->nb = nb;
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = &c->seg[i];
		size_t n = cut[i + 1] - cut[i];

		m->buf_addr = fuzz_dup(frame + cut[i], n);
		m->buf_len = (uint16_t)n;
		m->data_off = 0;
		m->data_len = (uint16_t)n;
		m->next = i + 1 < nb ? &c->seg[i + 1] : NULL;
		rte_mbuf_refcnt_set(m, 1);
	}
	c->seg[0].nb_segs = (uint16_t)nb;
	c->seg[0].pkt_len = (uint32_t)len;
	c->seg[0].ol_flags =
		cksum_flag(ctl[0] / 3 % 3, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD) |
		cksum_flag(ctl[0] / 9 % 3, RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD);
	return &c->seg[0];
}

void
fuzz_chain_free(struct fuzz_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->nb; i++)
		free(c->seg[i].buf_addr);
	c->nb = 0;
}
