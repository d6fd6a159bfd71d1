/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "mgmt_prom.h"

static bool
name_char(char c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (c == ':')
		return colon;
	return !first && c >= '0' && c <= '9';
}

bool
mgmt_prom_valid_name(const char *name)
{
	const char *c;

	if (name == NULL || *name == '\0')
		return false;
	for (c = name; *c != '\0'; c++)
		if (!name_char(*c, c == name, true))
			return false;
	return true;
}

bool
mgmt_prom_valid_label(const char *name)
{
	const char *c;

	if (name == NULL || *name == '\0' || strncmp(name, "__", 2) == 0)
		return false;
	for (c = name; *c != '\0'; c++)
		if (!name_char(*c, c == name, false))
			return false;
	return true;
}

/* Append s escaping backslash, newline and (for label values) the quote. */
static void
append_escaped(struct dp_buf *b, const char *s, bool quote)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (quote && *s == '"')
			esc = "\\\"";
		if (esc == NULL)
			continue;
		dp_buf_append(b, run, (size_t)(s - run));
		dp_buf_puts(b, esc);
		run = s + 1;
	}
	dp_buf_append(b, run, (size_t)(s - run));
}

void
mgmt_prom_family(struct mgmt_prom *p, const char *name, const char *type, const char *help)
{
	dp_buf_printf(&p->buf, "# HELP %s ", name);
	append_escaped(&p->buf, help != NULL ? help : name, false);
	dp_buf_printf(&p->buf, "\n# TYPE %s %s\n", name, type);
}

static void
sample_head(struct mgmt_prom *p, const char *name, va_list ap)
{
	const char *lname, *lvalue;
	bool first = true;

	dp_buf_puts(&p->buf, name);
	while ((lname = va_arg(ap, const char *)) != NULL) {
		lvalue = va_arg(ap, const char *);
		dp_buf_puts(&p->buf, first ? "{" : ",");
		dp_buf_puts(&p->buf, lname);
		dp_buf_puts(&p->buf, "=\"");
		append_escaped(&p->buf, lvalue != NULL ? lvalue : "", true);
		dp_buf_puts(&p->buf, "\"");
		first = false;
	}
	if (!first)
		dp_buf_puts(&p->buf, "}");
}

void
mgmt_prom_u64(struct mgmt_prom *p, const char *name, uint64_t v, ...)
{
	va_list ap;

	va_start(ap, v);
	sample_head(p, name, ap);
	va_end(ap);
	dp_buf_printf(&p->buf, " %" PRIu64 "\n", v);
}

void
mgmt_prom_f64(struct mgmt_prom *p, const char *name, double v, ...)
{
	va_list ap;

	va_start(ap, v);
	sample_head(p, name, ap);
	va_end(ap);
	if (isnan(v))
		dp_buf_puts(&p->buf, " NaN\n");
	else if (isinf(v))
		dp_buf_puts(&p->buf, v > 0 ? " +Inf\n" : " -Inf\n");
	else
		dp_buf_printf(&p->buf, " %.15g\n", v);
}
