/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IP address and prefix parser (see dp_net.h). inet_pton() does the
 * address; the length and the host bits are checked here, and every
 * message quotes the input escaped (dp_escape.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "dp_escape.h"
#include "dp_net.h"

/* Longest text accepted: an IPv6 address in full, '/' and three digits. */
#define PFX_TEXT_MAX (INET6_ADDRSTRLEN + 4)
/* Room for an escaped quote of up to PFX_TEXT_MAX bytes (\xNN each). */
#define QUOTE_MAX (PFX_TEXT_MAX * 4 + 4)

int
dp_fam_af(unsigned int fam)
{
	return fam == DP_FAM_V4 ? AF_INET : fam == DP_FAM_V6 ? AF_INET6 : AF_UNSPEC;
}

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen != 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The prefix length: decimal digits only (no sign, no space), at most max. */
static int
parse_len(const char *s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Byte i of the mask of a len-bit prefix. */
static uint8_t
mask_byte(unsigned int len, unsigned int i)
{
	if (len >= (i + 1) * 8)
		return 0xff;
	if (len <= i * 8)
		return 0;
	return (uint8_t)(0xff << (8 - (len - i * 8)));
}

/* A host-bits error, suggesting the prefix the user probably meant. */
static int
host_bits_error(const struct dp_prefix *p, const char *quoted, char *err, size_t errlen)
{
	char fixed[INET6_ADDRSTRLEN];
	uint8_t a[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		a[i] = p->addr[i] & mask_byte(p->len, i);
	inet_ntop(dp_fam_af(p->family), a, fixed, sizeof(fixed));
	return fail(err, errlen, "host bits set in '%s' (did you mean %s/%u?)", quoted, fixed,
			p->len);
}

int
dp_prefix_parse_n(const char *s, size_t len, unsigned int flags, struct dp_prefix *out,
		char *err, size_t errlen)
{
	char buf[PFX_TEXT_MAX + 1], quoted[QUOTE_MAX], qaddr[QUOTE_MAX], *slash;
	unsigned int max, plen, i;

	dp_escape(quoted, sizeof(quoted), s, len);
	if (len == 0)
		return fail(err, errlen, "empty address");
	if (len > PFX_TEXT_MAX || memchr(s, '\0', len) != NULL)
		return fail(err, errlen, "invalid address '%s'", quoted);
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	dp_escape_str(qaddr, sizeof(qaddr), buf);
	if (strchr(buf, ':') != NULL) {
		out->family = DP_FAM_V6;
		max = 128;
		if (inet_pton(AF_INET6, buf, out->addr) != 1)
			return fail(err, errlen, "invalid IPv6 address '%s'", qaddr);
	} else {
		out->family = DP_FAM_V4;
		max = 32;
		if (inet_pton(AF_INET, buf, out->addr) != 1)
			return fail(err, errlen,
					"invalid IPv4 address '%s' (dotted quad, e.g. 192.168.20.0)",
					qaddr);
	}
	plen = max;
	if (slash == NULL && (flags & DP_PFX_NEED_LEN))
		return fail(err, errlen, "'%s' has no prefix length (ADDR/LEN)", quoted);
	if (slash != NULL && (flags & DP_PFX_NO_LEN))
		return fail(err, errlen, "'%s' is a prefix, an address is expected", quoted);
	if (slash != NULL && parse_len(slash + 1, max, &plen) != 0) {
		dp_escape_str(qaddr, sizeof(qaddr), slash + 1);
		return fail(err, errlen, "invalid prefix length '%s' in '%s' (0 to %u)", qaddr,
				quoted, max);
	}
	out->len = (uint8_t)plen;
	if (flags & DP_PFX_HOST_ZERO)
		for (i = 0; i < 16; i++)
			if (out->addr[i] & ~mask_byte(plen, i))
				return host_bits_error(out, quoted, err, errlen);
	return 0;
}

int
dp_prefix_parse(const char *s, unsigned int flags, struct dp_prefix *out, char *err,
		size_t errlen)
{
	return dp_prefix_parse_n(s, strlen(s), flags, out, err, errlen);
}
