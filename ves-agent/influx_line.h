/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * InfluxDB line protocol writer:
 *   measurement,tag=value,tag=value field=1i,field="text",field=1.5 1700000000000000000
 *
 * Names come from outside (source name, port names, rule text), so every
 * part is escaped by the rules of the protocol: in the measurement a comma
 * and a space; in tag keys, tag values and field keys a comma, an equals
 * sign and a space; in string field values a double quote and a backslash.
 * A backslash in a key or tag value is doubled, so it can never escape the
 * separator after it. Newlines and other control bytes cannot be escaped in
 * line protocol: they become '_'. A tag with an empty value is left out (the
 * protocol does not allow one), and a line without a field is not written.
 *
 * Usage: influx_line_begin, influx_line_tag..., influx_line_field_*...,
 * influx_line_end. Thread safety: a writer belongs to one thread.
 */
#ifndef INFLUX_LINE_H
#define INFLUX_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_buf.h"

struct influx_line {
	struct dp_buf *out;	/* where finished lines go */
	size_t start;		/* out->len when the line began (to undo it) */
	unsigned int fields;	/* fields written in this line */
};

void influx_line_begin(struct influx_line *l, struct dp_buf *out, const char *measurement);
/* Tags: call them before the first field. */
void influx_line_tag(struct influx_line *l, const char *key, const char *value);
void influx_line_tag_u64(struct influx_line *l, const char *key, uint64_t value);
/* An integer field ("123i"); values above INT64_MAX are written as INT64_MAX. */
void influx_line_field_u64(struct influx_line *l, const char *key, uint64_t value);
/* A float field; NaN and infinities are left out (line protocol has none). */
void influx_line_field_f64(struct influx_line *l, const char *key, double value);
void influx_line_field_bool(struct influx_line *l, const char *key, bool value);
void influx_line_field_str(struct influx_line *l, const char *key, const char *value);
/* The timestamp (ns) and the newline; a line without fields is taken back. */
void influx_line_end(struct influx_line *l, uint64_t ts_ns);

#endif /* INFLUX_LINE_H */
