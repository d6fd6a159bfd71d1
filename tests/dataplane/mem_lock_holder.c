/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Not a test: a DPDK secondary process that takes the memory lock of the
 * configuration it shares with the primary of the same --file-prefix, says
 * "locked" and waits to be killed (test_dumpcap.py): what a dpdk-dumpcap that
 * crashes in its EAL cleanup leaves behind.
 */
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "mem_lock_holder: EAL init failed\n");
		return 1;
	}
	if (rte_eal_process_type() != RTE_PROC_SECONDARY) {
		fprintf(stderr, "mem_lock_holder: not a secondary process (--proc-type=secondary)\n");
		return 1;
	}
	rte_mcfg_mem_write_lock();
	printf("locked\n");
	fflush(stdout);
	for (;;)
		pause();
}
