/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "test_eal.h"

int
test_eal_init(const char *prog)
{
	/*
	 * rte_eal_init() takes char * (the strings are not written) and may keep
	 * pointers into its argv: the vector outlives this call.
	 */
	static char *eal[] = { NULL, (char *)(uintptr_t)"-l", (char *)(uintptr_t)"0",
			(char *)(uintptr_t)"--no-huge", (char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
			(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
			(char *)(uintptr_t)"--log-level=3", NULL };

	eal[0] = (char *)(uintptr_t)prog;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return -1;
	}
	return 0;
}
