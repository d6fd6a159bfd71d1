/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "influx_line.h"

/* Write s with a backslash before every byte of special; controls become '_'. */
static void
put_escaped(struct dp_buf *b, const char *s, const char *special)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != 0x7f && strchr(special, c) == NULL)
			continue;
		dp_buf_append(b, run, (size_t)(s - run));
		if (c < 0x20 || c == 0x7f) {
			dp_buf_append(b, "_", 1);
		} else {
			dp_buf_append(b, "\\", 1);
			dp_buf_append(b, s, 1);
		}
		run = s + 1;
	}
	dp_buf_append(b, run, (size_t)(s - run));
}

#define MEASUREMENT_SPECIAL ", \\"
#define KEY_SPECIAL ",= \\"
#define STRING_SPECIAL "\"\\"

void
influx_line_begin(struct influx_line *l, struct dp_buf *out, const char *measurement)
{
	l->out = out;
	l->start = out->len;
	l->fields = 0;
	put_escaped(out, measurement, MEASUREMENT_SPECIAL);
}

void
influx_line_tag(struct influx_line *l, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	dp_buf_append(l->out, ",", 1);
	put_escaped(l->out, key, KEY_SPECIAL);
	dp_buf_append(l->out, "=", 1);
	put_escaped(l->out, value, KEY_SPECIAL);
}

void
influx_line_tag_u64(struct influx_line *l, const char *key, uint64_t value)
{
	char v[24];

	snprintf(v, sizeof(v), "%" PRIu64, value);
	influx_line_tag(l, key, v);
}

/* ' ' before the first field, ',' before the others, then "key=". */
static void
field_key(struct influx_line *l, const char *key)
{
	dp_buf_append(l->out, l->fields == 0 ? " " : ",", 1);
	put_escaped(l->out, key, KEY_SPECIAL);
	dp_buf_append(l->out, "=", 1);
	l->fields++;
}

void
influx_line_field_u64(struct influx_line *l, const char *key, uint64_t value)
{
	field_key(l, key);
	dp_buf_printf(l->out, "%" PRIu64 "i", value > INT64_MAX ? (uint64_t)INT64_MAX : value);
}

void
influx_line_field_f64(struct influx_line *l, const char *key, double value)
{
	if (!isfinite(value))
		return;
	field_key(l, key);
	dp_buf_printf(l->out, "%.17g", value);
}

void
influx_line_field_bool(struct influx_line *l, const char *key, bool value)
{
	field_key(l, key);
	dp_buf_puts(l->out, value ? "true" : "false");
}

void
influx_line_field_str(struct influx_line *l, const char *key, const char *value)
{
	field_key(l, key);
	dp_buf_append(l->out, "\"", 1);
	put_escaped(l->out, value != NULL ? value : "", STRING_SPECIAL);
	dp_buf_append(l->out, "\"", 1);
}

void
influx_line_end(struct influx_line *l, uint64_t ts_ns)
{
	if (l->fields == 0) {
		/* take the line back: measurement and tags alone are not a point */
		if (!l->out->oom) {
			l->out->len = l->start;
			l->out->data[l->start] = '\0';
		}
		return;
	}
	dp_buf_printf(l->out, " %" PRIu64 "\n", ts_ns);
}
