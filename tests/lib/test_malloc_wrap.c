/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL's allocator onto malloc, for tests that run EAL-allocating code
 * without EAL (link with -Wl,--wrap=rte_zmalloc_socket,--wrap=rte_free).
 */
#include <stdlib.h>
#include <string.h>

#include "test_malloc_wrap.h"

void *
__wrap_rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p;

	(void)type;
	(void)socket;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	memset(p, 0, size);
	return p;
}

void
__wrap_rte_free(void *p)
{
	free(p);
}
