/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_buf.h"

#define DP_BUF_MIN 4096

void
dp_buf_init(struct dp_buf *b)
{
	memset(b, 0, sizeof(*b));
}

static bool
reserve(struct dp_buf *b, size_t more)
{
	size_t cap;
	char *d;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap != 0 ? b->cap : DP_BUF_MIN;
	while (cap < b->len + more + 1)
		cap *= 2;
	d = realloc(b->data, cap);
	if (d == NULL) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void
dp_buf_append(struct dp_buf *b, const char *s, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
dp_buf_puts(struct dp_buf *b, const char *s)
{
	dp_buf_append(b, s, strlen(s));
}

void
dp_buf_printf(struct dp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!reserve(b, 128))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *
dp_buf_steal(struct dp_buf *b, size_t *len)
{
	char *d = b->oom ? NULL : b->data;

	if (d == NULL && !b->oom) {
		d = strdup("");
		*len = 0;
	} else {
		*len = b->len;
	}
	if (b->oom)
		free(b->data);
	dp_buf_init(b);
	return d;
}

void
dp_buf_free(struct dp_buf *b)
{
	free(b->data);
	dp_buf_init(b);
}
