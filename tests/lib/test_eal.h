/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL for a C test process: lcore 0 only, 128 MB of ordinary memory
 * (--no-huge), no PCI, no shared runtime files (--no-shconf), so that tests
 * run side by side on any machine. Pair with rte_eal_cleanup() at the end.
 */
#ifndef TEST_EAL_H
#define TEST_EAL_H

/* 0, or -1 after saying on stderr that EAL did not start; prog is argv[0]. */
int test_eal_init(const char *prog);

#endif /* TEST_EAL_H */
