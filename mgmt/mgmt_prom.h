/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition format 0.0.4 writer: "# HELP" and "# TYPE" once
 * per metric family, then its samples, with the escaping the format asks for
 * (HELP: backslash and newline; label values: backslash, quote, newline).
 * All samples of a family must be written right after its family line.
 *
 * Thread safety: a writer belongs to the thread building one response.
 */
#ifndef MGMT_PROM_H
#define MGMT_PROM_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_buf.h"

#define MGMT_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct mgmt_prom {
	struct dp_buf buf;
};

/* [a-zA-Z_:][a-zA-Z0-9_:]* (metric names); labels: no ':' and not "__" first. */
bool mgmt_prom_valid_name(const char *name);
bool mgmt_prom_valid_label(const char *name);

/* "# HELP name help" and "# TYPE name type" (counter, gauge, summary, untyped). */
void mgmt_prom_family(struct mgmt_prom *p, const char *name, const char *type,
		const char *help);

/*
 * One sample "name{l1="v1",l2="v2"} value". The variable arguments are label
 * name/value pairs of const char *, ended by NULL.
 */
void mgmt_prom_u64(struct mgmt_prom *p, const char *name, uint64_t v, ...)
	__attribute__((sentinel));
void mgmt_prom_f64(struct mgmt_prom *p, const char *name, double v, ...)
	__attribute__((sentinel));

#endif /* MGMT_PROM_H */
