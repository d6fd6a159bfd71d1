/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log lines of the agent: RTE_LOG with the type USER1 shown as "VES: ".
 * rte_log works before rte_eal_init too (it then writes to stderr).
 * Never log a password.
 */
#ifndef VES_LOG_H
#define VES_LOG_H

#include <rte_log.h>

#define RTE_LOGTYPE_VES RTE_LOGTYPE_USER1

#define VES_LOG(level, fmt, ...) RTE_LOG(level, VES, fmt "\n", ##__VA_ARGS__)

#endif /* VES_LOG_H */
