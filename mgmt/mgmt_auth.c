/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "mgmt_auth.h"

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
mgmt_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t i, n = 0, pad = 0;
	unsigned int bits = 0;

	while (inlen > 0 && in[inlen - 1] == '=' && pad < 2) {
		inlen--;
		pad++;
	}
	if ((inlen + pad) % 4 != 0 && pad != 0)
		return -EINVAL;
	if (inlen % 4 == 1)
		return -EINVAL;
	for (i = 0; i < inlen; i++) {
		int v = b64_value(in[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outcap)
				return -EINVAL;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* the leftover bits of the last character must be zero */
	if ((acc & ((1u << bits) - 1)) != 0)
		return -EINVAL;
	return (int)n;
}

int
mgmt_auth_set(struct mgmt_auth *a, const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password);

	if (ul == 0 || ul >= MGMT_CRED_MAX || pl >= MGMT_CRED_MAX || strchr(user, ':') != NULL)
		return -EINVAL;
	mgmt_auth_clear(a);
	memcpy(a->user, user, ul);
	memcpy(a->password, password, pl);
	a->user_len = ul;
	a->password_len = pl;
	a->enabled = true;
	return 0;
}

void
mgmt_auth_clear(struct mgmt_auth *a)
{
	explicit_bzero(a, sizeof(*a));
}

/* Differences of two buffers of n bytes, every byte looked at. */
static unsigned int
ct_diff(const uint8_t *x, const uint8_t *y, size_t n)
{
	unsigned int d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (unsigned int)(x[i] ^ y[i]);
	return d;
}

bool
mgmt_auth_check(const struct mgmt_auth *a, const char *header)
{
	uint8_t dec[2 * MGMT_CRED_MAX];
	const uint8_t *colon;
	size_t ul, pl, hl;
	bool ok;
	int n;

	if (!a->enabled)
		return true;
	if (header == NULL || strncasecmp(header, "Basic", 5) != 0 ||
	    (header[5] != ' ' && header[5] != '\t'))
		return false;
	header += 5;
	while (*header == ' ' || *header == '\t')
		header++;
	hl = strlen(header);
	while (hl > 0 && (header[hl - 1] == ' ' || header[hl - 1] == '\t'))
		hl--;
	n = mgmt_base64_decode(header, hl, dec, sizeof(dec));
	if (n <= 0)
		return false;
	colon = memchr(dec, ':', (size_t)n);
	if (colon == NULL)
		return false;
	ul = (size_t)(colon - dec);
	pl = (size_t)n - ul - 1;
	ok = mgmt_auth_check_pair(a, dec, ul, colon + 1, pl);
	explicit_bzero(dec, sizeof(dec));
	return ok;
}

bool
mgmt_auth_check_pair(const struct mgmt_auth *a, const void *user, size_t ul, const void *password,
		size_t pl)
{
	uint8_t u[MGMT_CRED_MAX], p[MGMT_CRED_MAX];
	unsigned int d;

	if (!a->enabled)
		return true;
	if (ul >= MGMT_CRED_MAX || pl >= MGMT_CRED_MAX)
		return false;
	memset(u, 0, sizeof(u));
	memset(p, 0, sizeof(p));
	memcpy(u, user, ul);
	memcpy(p, password, pl);
	d = ct_diff(u, a->user, sizeof(u)) | ct_diff(p, a->password, sizeof(p));
	d |= (unsigned int)(ul ^ a->user_len) | (unsigned int)(pl ^ a->password_len);
	explicit_bzero(p, sizeof(p));
	return d == 0;
}
