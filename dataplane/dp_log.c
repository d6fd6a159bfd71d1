/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "dp_log.h"

static atomic_int threshold = DP_LOG_INFO;

void
dp_log_set_level(int level)
{
	atomic_store_explicit(&threshold, level, memory_order_relaxed);
}

int
dp_log_get_level(void)
{
	return atomic_load_explicit(&threshold, memory_order_relaxed);
}

void
dp_vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	if (level > dp_log_get_level())
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')	/* one line, whatever the caller ended it with */
		msg[--n] = '\0';
	fprintf(stderr, "%s: %s\n", tag, msg);
}

void
dp_log(int level, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dp_vlog(level, tag, fmt, ap);
	va_end(ap);
}
