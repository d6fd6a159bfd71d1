/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL's allocator onto malloc (test_malloc_wrap.c; link with --wrap). */
#ifndef TEST_MALLOC_WRAP_H
#define TEST_MALLOC_WRAP_H

#include <stddef.h>

void *__wrap_rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket);
void __wrap_rte_free(void *p);

#endif /* TEST_MALLOC_WRAP_H */
