/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum arithmetic (RFC 1071, RFC 1624), once for every binary:
 * one's complement sums of bytes as they lie in the frame (byte-order
 * neutral) in a 64-bit accumulator with end-around carry, the fold to 16
 * bits, and the incremental update of a stored checksum. The checksums of
 * whole headers and packets (and across mbuf segments) are in dp_pkt.h.
 *
 * Pure C, no DPDK; reentrant.
 */
#ifndef DP_CKSUM_H
#define DP_CKSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* sum + v with the carry out of bit 63 added back in (2^64 = 1 modulo 0xffff). */
static inline uint64_t
dp_cksum_add64(uint64_t sum, uint64_t v)
{
	uint64_t r;

	if (__builtin_add_overflow(sum, v, &r))
		r++;
	return r;
}

/*
 * One's complement sum of len bytes added to sum, 16-bit words as stored
 * (byte-order neutral); buf starts at an even offset of the packet. 64-bit
 * words are added with end-around carry, which keeps the sum modulo 0xffff
 * and never makes a non-zero sum 0; dp_cksum_fold() gives the 16-bit sum.
 * Inline and scalar (a vectorised loop costs more than it saves on the few
 * dozen bytes the rx fast paths sum per packet).
 */
static inline uint64_t
dp_cksum_add(uint64_t sum, const void *buf, uint32_t len)
{
	const uint8_t *b = buf;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&v64, b, 8);
		sum = dp_cksum_add64(sum, v64);
	}
	if (len >= 4) {
		memcpy(&v32, b, 4);
		sum = dp_cksum_add64(sum, v32);
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&v16, b, 2);
		sum = dp_cksum_add64(sum, v16);
		b += 2;
		len -= 2;
	}
	if (len != 0) {
		v16 = 0;
		memcpy(&v16, b, 1);
		sum = dp_cksum_add64(sum, v16);
	}
	return sum;
}

/*
 * Fold a dp_cksum_add() sum to 16 bits (end-around carries), without a
 * loop: 64 -> 33 bits, then three 16-bit folds always suffice (< 2^18,
 * < 2^16 + 4, <= 0xffff). Each step keeps the value modulo 0xffff and
 * never turns a non-zero value into 0.
 */
static inline uint16_t
dp_cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * True when a dp_cksum_add() sum over data that carries its checksum
 * verifies: it folds to 0xffff. The fold keeps the value modulo 0xffff and
 * maps no non-zero value to 0, so that is: a multiple of 0xffff, not 0
 * (one multiplication instead of the fold's twelve steps).
 */
static inline bool
dp_cksum_verifies(uint64_t sum)
{
	return sum != 0 && sum % 0xffff == 0;
}

/* Incremental update (RFC 1624) of a 16-bit checksum when a 16-bit word changes. */
static inline uint16_t
dp_cksum_update16(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~cksum + (uint32_t)(uint16_t)~old_word + new_word;

	return (uint16_t)~dp_cksum_fold(sum);
}

#endif /* DP_CKSUM_H */
