/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One rule for every file that holds a secret (a password file, a --config
 * file with a password in it): a regular file, neither readable nor writable
 * by group or others (chmod 600), and small. Errors are one line naming the
 * option and the file, never the contents.
 *
 * Thread safety: none needed (start-up, main lcore).
 */
#ifndef DP_SECRET_H
#define DP_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/stat.h>

/* Largest secret file: a password file holds one line. */
#define DP_SECRET_FILE_MAX 4096

/*
 * Check st (from fstat of path) against the rule for a secret file of at
 * most max_size bytes. 0, or -EINVAL with err "--OPTION: invalid value 'PATH'
 * (WHY)".
 */
int dp_secret_check_stat(const struct stat *st, size_t max_size, const char *option,
		const char *path, char *err, size_t errlen);

/*
 * Read the first line of the secret file path (without its end of line)
 * into buf (buflen bytes with the NUL); *len is its length (1 to buflen - 1).
 * Refuses: a file that breaks the rule, an empty first line, a line that
 * does not fit, control characters. 0, or -EINVAL with err; buf is wiped on
 * failure.
 */
int dp_secret_read(const char *option, const char *path, char *buf, size_t buflen,
		size_t *len, char *err, size_t errlen);

/*
 * Whether an option (also a --config key) carries a secret as its value:
 * its name holds "password", "secret" or "token" and it is not a path
 * ("...-file"). The convention every option table follows.
 */
bool dp_option_is_secret(const char *name);

#endif /* DP_SECRET_H */
