/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log lines of the agent: "VES: message" on stderr (dp_log.h), level ERR,
 * WARNING, NOTICE or INFO.
 */
#ifndef VES_LOG_H
#define VES_LOG_H

#include "dp_log.h"

#define VES_LOG(level, fmt, ...) dp_log(DP_LOG_##level, "VES", fmt, ##__VA_ARGS__)

#endif /* VES_LOG_H */
