/* SPDX-License-Identifier: BSD-3-Clause */
/* A JSON value as an error message shows it: short, printable ASCII. */
#ifndef CTL_JSON_SHOWN_H
#define CTL_JSON_SHOWN_H

#include <stddef.h>

#include <jansson.h>

/*
 * "an object", "an array", or the value as compact JSON (non-ASCII and
 * control characters escaped) cut to len - 1 bytes with "..."; returns buf
 * or a constant string.
 */
const char *json_shown(const json_t *v, char *buf, size_t len);

#endif /* CTL_JSON_SHOWN_H */
