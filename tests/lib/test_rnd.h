/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fixed pseudo-random sequence for C tests (xorshift32, always the same
 * seed): random-looking cases that are the same on every run.
 */
#ifndef TEST_RND_H
#define TEST_RND_H

#include <stdint.h>

/* The next number of the sequence (one sequence per test program). */
static inline uint32_t
test_rnd(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

#endif /* TEST_RND_H */
