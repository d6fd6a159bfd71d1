/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_options.h"
#include "dp_secret.h"

int
dp_secret_check_stat(const struct stat *st, size_t max_size, const char *option,
		const char *path, char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode))
		return dp_opt_error(err, errlen, option, path, "not a regular file");
	if (st->st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))
		return dp_opt_error(err, errlen, option, path,
				"holds a secret but is readable or writable by group or others "
				"(mode %03o); chmod 600 it", (unsigned int)(st->st_mode & 0777));
	if ((size_t)st->st_size > max_size)
		return dp_opt_error(err, errlen, option, path,
				"%lld bytes, a secret file has at most %zu",
				(long long)st->st_size, max_size);
	return 0;
}

/* The first line of text (n bytes) into buf; 0 or -EINVAL with err. */
static int
take_first_line(const char *option, const char *path, const char *text, size_t n, char *buf,
		size_t buflen, size_t *len, char *err, size_t errlen)
{
	size_t l, i;

	for (l = 0; l < n && text[l] != '\n' && text[l] != '\r'; l++)
		;
	if (l == 0)
		return dp_opt_error(err, errlen, option, path, "the first line is empty");
	if (l >= buflen)
		return dp_opt_error(err, errlen, option, path,
				"the first line is longer than %zu characters", buflen - 1);
	for (i = 0; i < l; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return dp_opt_error(err, errlen, option, path,
					"control character in the first line");
	memcpy(buf, text, l);
	buf[l] = '\0';
	*len = l;
	return 0;
}

int
dp_secret_read(const char *option, const char *path, char *buf, size_t buflen, size_t *len,
		char *err, size_t errlen)
{
	char text[DP_SECRET_FILE_MAX];
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (path == NULL || *path == '\0')
		return dp_opt_error(err, errlen, option, path, "empty path");
	/* O_NONBLOCK: a FIFO must not hang the start-up before fstat refuses it */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return dp_opt_error(err, errlen, option, path, "%s", strerror(errno));
	rc = fstat(fd, &st) != 0 ? dp_opt_error(err, errlen, option, path, "%s", strerror(errno)) :
	     dp_secret_check_stat(&st, sizeof(text), option, path, err, errlen);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		rc = dp_opt_error(err, errlen, option, path, "%s", strerror(errno));
	else
		rc = take_first_line(option, path, text, (size_t)n, buf, buflen, len, err, errlen);
	explicit_bzero(text, sizeof(text));
	if (rc != 0)
		explicit_bzero(buf, buflen);
	return rc;
}

bool
dp_option_is_secret(const char *name)
{
	size_t n = strlen(name);

	if (n >= 5 && strcmp(name + n - 5, "-file") == 0)
		return false;
	return strstr(name, "password") != NULL || strstr(name, "secret") != NULL ||
	       strstr(name, "token") != NULL;
}
