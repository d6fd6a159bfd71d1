/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The replay harness of the normal (gcc) build: runs a fuzz target's
 * LLVMFuzzerTestOneInput once on every file given, or on every file of a
 * directory given, as libFuzzer does with -runs=0, so that the corpus (and
 * every crash found, kept there) is a regression test without clang.
 *   replay_TARGET FILE|DIR...
 * Exit 0 when every input ran; a finding aborts with the input named.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* A target without set-up does not define it (as libFuzzer allows): NULL then. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_INPUT (1u << 20)

static int
run_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;
	uint8_t *copy;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* an exact-size copy, as libFuzzer passes it (a read past it is caught by ASan) */
	copy = malloc(n != 0 ? n : 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, buf, n);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a directory, in name order (a stable replay). */
static int
run_dir(const char *dir, unsigned int *count)
{
	struct dirent **ents;
	char path[4096];
	int n, i, rc = 0;

	n = scandir(dir, &ents, NULL, NULL);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	qsort(ents, (size_t)n, sizeof(*ents), cmp_names);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) != 0)
				rc = -1;
			(*count)++;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, rc = 0;
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) != 0)
				rc = 1;
		} else {
			if (run_file(argv[i]) != 0)
				rc = 1;
			count++;
		}
	}
	if (count == 0) {
		fprintf(stderr, "replay: no input found\n");
		return 1;
	}
	fprintf(stderr, "replay: %u inputs, no finding\n", count);
	return rc;
}
