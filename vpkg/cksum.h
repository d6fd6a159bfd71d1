/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental Internet checksum arithmetic (RFC 1071, RFC 1624) on words as
 * they lie in the frame: a 16-bit word is the native load of its two bytes,
 * so the sums are independent of the CPU's byte order. A sum is kept in a
 * 64-bit accumulator and folded once per packet.
 *
 * Thread safety: pure inline functions.
 */
#ifndef VPKG_CKSUM_H
#define VPKG_CKSUM_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include "dp_cksum.h"	/* dp_cksum_fold() folds the sums */

/* The in-frame word of a 16-bit host-order value. */
static inline uint32_t
vpkg_ck_w16(uint16_t host)
{
	return rte_cpu_to_be_16(host);
}

/* The sum of the two in-frame words of a 32-bit host-order value. */
static inline uint32_t
vpkg_ck_w32(uint32_t host)
{
	uint32_t x = rte_cpu_to_be_32(host);

	return (x & 0xffff) + (x >> 16);
}

/* ~w of an in-frame word, i.e. subtracting it from a sum. */
static inline uint32_t
vpkg_ck_neg16(uint16_t host)
{
	return (uint16_t)~rte_cpu_to_be_16(host);
}

static inline uint32_t
vpkg_ck_neg32(uint32_t host)
{
	uint32_t x = rte_cpu_to_be_32(host);

	return (uint16_t)~(x & 0xffff) + (uint32_t)(uint16_t)~(x >> 16);
}

/* Read / write an in-frame word (any alignment). */
static inline uint16_t
vpkg_ck_load(const uint8_t *p)
{
	uint16_t w;

	memcpy(&w, p, 2);
	return w;
}

static inline void
vpkg_ck_store(uint8_t *p, uint16_t w)
{
	memcpy(p, &w, 2);
}

#endif /* VPKG_CKSUM_H */
