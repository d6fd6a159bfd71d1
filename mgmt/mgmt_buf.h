/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A growable text buffer (malloc'd) for response bodies: the Prometheus
 * text, pages. A failed allocation is remembered (oom) and later appends are
 * ignored, so callers check once at the end.
 *
 * Thread safety: a buffer belongs to the thread that builds it.
 */
#ifndef MGMT_BUF_H
#define MGMT_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct mgmt_buf {
	char *data;	/* NUL-terminated while not oom */
	size_t len;
	size_t cap;
	bool oom;
};

void mgmt_buf_init(struct mgmt_buf *b);
void mgmt_buf_append(struct mgmt_buf *b, const char *s, size_t len);
void mgmt_buf_puts(struct mgmt_buf *b, const char *s);
void mgmt_buf_printf(struct mgmt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Give the data away (caller frees); NULL when oom. The buffer is reset. */
char *mgmt_buf_steal(struct mgmt_buf *b, size_t *len);
void mgmt_buf_free(struct mgmt_buf *b);

#endif /* MGMT_BUF_H */
