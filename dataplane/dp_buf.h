/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A growable text buffer (malloc'd) for response bodies: the Prometheus
 * text, pages, InfluxDB lines. A failed allocation is remembered (oom) and later appends are
 * ignored, so callers check once at the end.
 *
 * Thread safety: a buffer belongs to the thread that builds it.
 */
#ifndef DP_BUF_H
#define DP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct dp_buf {
	char *data;	/* NUL-terminated while not oom */
	size_t len;
	size_t cap;
	bool oom;
};

void dp_buf_init(struct dp_buf *b);
void dp_buf_append(struct dp_buf *b, const char *s, size_t len);
void dp_buf_puts(struct dp_buf *b, const char *s);
void dp_buf_printf(struct dp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Give the data away (caller frees); NULL when oom. The buffer is reset. */
char *dp_buf_steal(struct dp_buf *b, size_t *len);
void dp_buf_free(struct dp_buf *b);

#endif /* DP_BUF_H */
