/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log lines of the control libraries (mgmt/, ves-agent/), which do not use
 * DPDK's log: "TAG: message" on stderr, one line each, when the level is at
 * or above the threshold. Levels are numbered like RTE_LOG's, so the data
 * plane can hand the EAL's --log-level over (dp_main.c). Thread-safe (one
 * fprintf per line).
 */
#ifndef DP_LOG_H
#define DP_LOG_H

#include <stdarg.h>

enum dp_log_level {
	DP_LOG_ERR = 4,
	DP_LOG_WARNING = 5,
	DP_LOG_NOTICE = 6,
	DP_LOG_INFO = 7,
	DP_LOG_DEBUG = 8,
};

/* The most detailed level shown; DP_LOG_INFO until set. */
void dp_log_set_level(int level);
int dp_log_get_level(void);

void dp_log(int level, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dp_vlog(int level, const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* DP_LOG_H */
