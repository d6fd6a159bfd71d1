/* SPDX-License-Identifier: BSD-3-Clause */
/* Quoting untrusted bytes in messages (dp_escape.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dp_escape.h"

#define UNIT_MAX 16	/* longest escaped form of one character: 4 bytes as \xNN */

/* Length of the well-formed UTF-8 sequence at s (2..4), 0 if there is none. */
static size_t
utf8_seq_len(const uint8_t *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, c = s[0] & 0x1fu, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3, c = s[0] & 0x0fu, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, c = s[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal shows as nothing, or that move or reorder text. */
static bool
invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls (0x9b is a CSI) */
	       cp == 0xad ||				/* soft hyphen */
	       (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, bidi embeddings */
	       (cp >= 0x2060 && cp <= 0x206f) ||	/* word joiner, bidi isolates */
	       cp == 0xfeff;				/* byte order mark */
}

static size_t
hex_bytes(const uint8_t *s, size_t n, char *unit)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++)
		o += (size_t)snprintf(unit + o, UNIT_MAX + 1 - o, "\\x%02X", s[i]);
	return o;
}

/* The escaped form of the character at s in unit; *used = input bytes it took. */
static size_t
escape_unit(const uint8_t *s, size_t len, char *unit, size_t *used)
{
	uint32_t cp;
	size_t n;

	*used = 1;
	if (s[0] == '\\') {
		memcpy(unit, "\\\\", 2);
		return 2;
	}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		unit[0] = (char)s[0];
		return 1;
	}
	if (s[0] < 0x80)
		return hex_bytes(s, 1, unit);	/* C0 control or DEL */
	n = utf8_seq_len(s, len, &cp);
	if (n == 0)
		return hex_bytes(s, 1, unit);	/* not UTF-8: this byte alone */
	*used = n;
	if (invisible(cp))
		return hex_bytes(s, n, unit);
	memcpy(unit, s, n);
	return n;
}

static size_t
escaped_len(const uint8_t *s, size_t len)
{
	char unit[UNIT_MAX + 1];
	size_t total = 0, used;

	while (len > 0) {
		total += escape_unit(s, len, unit, &used);
		s += used;
		len -= used;
	}
	return total;
}

size_t
dp_escape(char *out, size_t outlen, const void *in, size_t len)
{
	static const char more[] = "...";
	const uint8_t *s = in;
	char unit[UNIT_MAX + 1];
	size_t o = 0, used, n, room;
	bool fits;

	if (outlen == 0)
		return 0;
	fits = escaped_len(s, len) < outlen;
	/* room for the text, leaving space for "..." when it is cut */
	room = fits ? outlen - 1 : (outlen > sizeof(more) ? outlen - sizeof(more) : 0);
	while (len > 0) {
		n = escape_unit(s, len, unit, &used);
		if (o + n > room)
			break;
		memcpy(out + o, unit, n);
		o += n;
		s += used;
		len -= used;
	}
	if (!fits && outlen > sizeof(more)) {
		memcpy(out + o, more, sizeof(more) - 1);
		o += sizeof(more) - 1;
	}
	out[o] = '\0';
	return o;
}

const char *
dp_escape_str(char *out, size_t outlen, const char *s)
{
	dp_escape(out, outlen, s, strlen(s));
	return out;
}
