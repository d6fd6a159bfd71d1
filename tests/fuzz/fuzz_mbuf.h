/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets for the fuzz targets: the input's bytes in a chain of 1 to 3
 * fake mbufs (no mempool, no EAL), each segment a malloc of exactly its
 * length so that AddressSanitizer catches a read past the data an mbuf
 * holds. The first FUZZ_MBUF_CTL bytes of an input choose the split and
 * the rx checksum flags; the rest is the frame.
 */
#ifndef FUZZ_MBUF_H
#define FUZZ_MBUF_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#define FUZZ_MBUF_CTL 5
#define FUZZ_MBUF_MAX_SEGS 3
#define FUZZ_FRAME_MAX 16384	/* longer inputs are cut here */

struct fuzz_chain {
	struct rte_mbuf seg[FUZZ_MBUF_MAX_SEGS];
	unsigned int nb;
};

/*
 * Build the chain for len bytes at frame as ctl says; single forces one
 * segment. Returns the first mbuf (never NULL; aborts without memory).
 */
struct rte_mbuf *fuzz_chain_build(struct fuzz_chain *c, const uint8_t ctl[FUZZ_MBUF_CTL],
		const uint8_t *frame, size_t len, int single);
void fuzz_chain_free(struct fuzz_chain *c);

/* A copy of len bytes in a malloc of exactly that size (free() it). */
uint8_t *fuzz_dup(const uint8_t *p, size_t len);

#endif /* FUZZ_MBUF_H */
