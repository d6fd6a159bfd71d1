/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libFuzzer entry points, and a check that stops the run (a finding)
 * with the reason: an abort that both libFuzzer and the replay harness
 * (replay_main.c) report with the input. Every target defines
 * LLVMFuzzerTestOneInput; LLVMFuzzerInitialize only a target with set-up to
 * do (libFuzzer and replay_main.c call it when it is there).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif /* FUZZ_H */
