/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP Basic authentication (RFC 7617): the configured credentials and the
 * check of an "Authorization: Basic base64(user:password)" header. The
 * comparison takes the same time whatever the presented credentials are
 * (fixed-size, zero-padded buffers compared in full, no early exit).
 *
 * The password is a secret: it is never logged, never shown in a reply or
 * in /api/v1/config, and zeroed when the server is freed.
 *
 * Thread safety: set before the server starts, read-only afterwards (any
 * number of server threads may check at once).
 */
#ifndef MGMT_AUTH_H
#define MGMT_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MGMT_CRED_MAX 256	/* bytes of a user name or password, with the NUL */

struct mgmt_auth {
	bool enabled;
	size_t user_len;
	size_t password_len;
	uint8_t user[MGMT_CRED_MAX];		/* zero padded */
	uint8_t password[MGMT_CRED_MAX];	/* zero padded; secret */
};

/* Standard base64 (padding optional). Returns the decoded length or -EINVAL. */
int mgmt_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap);

/* Enable auth with these credentials (user without ':'); -EINVAL if too long. */
int mgmt_auth_set(struct mgmt_auth *a, const char *user, const char *password);

/* Zero the credentials and disable. */
void mgmt_auth_clear(struct mgmt_auth *a);

/* True when header (may be NULL) carries the configured credentials. */
bool mgmt_auth_check(const struct mgmt_auth *a, const char *header);

/* True when user (ul bytes) and password (pl bytes) are the configured ones (SSH). */
bool mgmt_auth_check_pair(const struct mgmt_auth *a, const void *user, size_t ul,
		const void *password, size_t pl);

#endif /* MGMT_AUTH_H */
