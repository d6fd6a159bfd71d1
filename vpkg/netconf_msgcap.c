/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NETCONF message size bound (netconf_msgcap.h): vpkg's own
 * ssh_channel_poll_timeout() and ssh_channel_read(), in front of libssh's.
 */
#include <dlfcn.h>	/* RTLD_NEXT, RTLD_DEFAULT: _GNU_SOURCE (meson) */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "netconf_msgcap.h"

typedef int (*read_fn)(ssh_channel, void *, uint32_t, int);
typedef int (*poll_fn)(ssh_channel, int, int);

/* Written by nc_msgcap_init before the NETCONF threads start, read-only afterwards. */
static read_fn libssh_read;
static poll_fn libssh_poll;
static uint64_t limit = NC_MSGCAP_DEFAULT;

static atomic_uint_fast64_t refused;

/*
 * Where the calling thread is in the message it reads. libnetconf2's first
 * request of a message tells the framing: 6 bytes ("]]>]]>", 1.0, read as
 * it comes) or 2 ("\n#", 1.1: chunk headers parsed here, so that a chunk
 * announced longer than what is left is refused before libnetconf2
 * allocates it). The bound itself is the count of bytes read: were this
 * parse ever to disagree with libnetconf2's, an announced chunk could be
 * allocated (not filled) before its read is refused.
 */
enum frame {
	FRAME_UNKNOWN,		/* nothing read since the poll */
	FRAME_10,		/* 1.0: only counted */
	FRAME_SEEK,		/* 1.1: before "\n#" */
	FRAME_HEADER,		/* 1.1: after "\n#", up to '\n' */
	FRAME_BODY,		/* 1.1: in a chunk */
};

#define NC_11_FIRST_READ 2	/* strlen("\n#") */

static _Thread_local struct {
	ssh_channel channel;
	uint64_t bytes;		/* read of the current message */
	enum frame frame;
	bool seek_newline;	/* FRAME_SEEK: '\n' matched, '#' wanted next */
	bool seek_half;		/* FRAME_SEEK: first byte of a pair read */
	char seek_first;	/* FRAME_SEEK: that byte */
	char header[24];	/* FRAME_HEADER: what follows "\n#" */
	size_t header_len;
	uint64_t body_left;	/* FRAME_BODY */
} cur;

static void
new_message(ssh_channel channel)
{
	memset(&cur, 0, sizeof(cur));
	cur.channel = channel;
}

static void
seek(void)
{
	cur.frame = FRAME_SEEK;
	cur.seek_newline = false;
	cur.seek_half = false;
}

/*
 * One byte while looking for "\n#", matched as libnetconf2's
 * nc_read_until() does, so that both see the same chunk headers: in pairs
 * while nothing matches, then one byte after a pair ending in '\n' (a
 * second '\n' there does not start a new match).
 */
static void
seek_byte(char c)
{
	bool found;

	if (cur.seek_newline) {
		found = c == '#';
		cur.seek_newline = false;
	} else if (!cur.seek_half) {
		cur.seek_first = c;
		cur.seek_half = true;
		return;
	} else {
		cur.seek_half = false;
		found = cur.seek_first == '\n' && c == '#';
		cur.seek_newline = !found && c == '\n';
	}
	if (found) {
		cur.frame = FRAME_HEADER;
		cur.header_len = 0;
	}
}

/* A complete chunk header: false if it announces more than the message has left. */
static bool
header_done(void)
{
	unsigned long long size;

	if (cur.header_len == 2 && cur.header[0] == '#') {	/* "\n##\n": the end */
		seek();
		return true;
	}
	if (cur.header_len >= sizeof(cur.header))
		return false;	/* longer than any size that fits */
	cur.header[cur.header_len] = '\0';
	size = strtoull(cur.header, NULL, 10);	/* as libnetconf2 reads it */
	if (size > limit - cur.bytes)
		return false;
	cur.frame = FRAME_BODY;
	cur.body_left = size;
	return true;
}

/* Follow the 1.1 framing over what was just read; false to refuse the message. */
static bool
follow_chunks(const char *p, size_t n)
{
	size_t i = 0, take;

	while (i < n) {
		switch (cur.frame) {
		case FRAME_SEEK:
			seek_byte(p[i++]);
			break;
		case FRAME_HEADER:
			if (cur.header_len < sizeof(cur.header))
				cur.header[cur.header_len++] = p[i];
			if (p[i++] == '\n' && !header_done())
				return false;
			break;
		case FRAME_BODY:
			take = cur.body_left < n - i ? (size_t)cur.body_left : n - i;
			cur.body_left -= take;
			i += take;
			if (cur.body_left == 0)
				seek();
			break;
		default:
			return true;
		}
	}
	return true;
}

static int
refuse(void)
{
	atomic_fetch_add(&refused, 1);
	fprintf(stderr, "vpkg: netconf: a message longer than --netconf-max-message "
		"(%" PRIu64 " bytes): session closed\n", limit);
	return SSH_ERROR;
}

/* libssh's definition of name (the next one after vpkg's), NULL if none. */
static void *
next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

bool
nc_msgcap_init(uint64_t max, char *err, size_t errlen)
{
	void *r = next_symbol("ssh_channel_read"), *p = next_symbol("ssh_channel_poll_timeout");
	void *ours = dlsym(RTLD_DEFAULT, "ssh_channel_read");
	read_fn own = ssh_channel_read;

	/* function pointers through memcpy: ISO C has no object-to-function cast */
	memcpy(&libssh_read, &r, sizeof(libssh_read));
	memcpy(&libssh_poll, &p, sizeof(libssh_poll));
	limit = max;
	if (libssh_read == NULL || libssh_poll == NULL) {
		snprintf(err, errlen, "--netconf: libssh's ssh_channel_read not found: %s", dlerror());
		return false;
	}
	/* what libnetconf2 will call: vpkg's, unless the link did not export it */
	if (memcmp(&ours, &own, sizeof(ours)) != 0) {
		snprintf(err, errlen, "--netconf: vpkg's ssh_channel_read is not the one libnetconf2 "
			 "calls (the message size bound would not hold)");
		return false;
	}
	return true;
}

uint64_t
nc_msgcap_refused(void)
{
	return atomic_load(&refused);
}

/* libnetconf2 polls a channel before each message it reads: a new message starts. */
int
ssh_channel_poll_timeout(ssh_channel channel, int timeout, int is_stderr)
{
	new_message(channel);
	return libssh_poll != NULL ? libssh_poll(channel, timeout, is_stderr) : SSH_ERROR;
}

/*
 * libnetconf2 asks for exactly what it will store (a chunk: its announced
 * size), so a request past the limit is refused before anything is read.
 */
int
ssh_channel_read(ssh_channel channel, void *dest, uint32_t count, int is_stderr)
{
	int r;

	if (channel != cur.channel)	/* no poll seen on it in this thread: counted afresh */
		new_message(channel);
	if (libssh_read == NULL)
		return SSH_ERROR;
	if (count > limit - cur.bytes)
		return refuse();
	if (cur.frame == FRAME_UNKNOWN) {
		cur.frame = FRAME_10;
		if (count == NC_11_FIRST_READ)
			seek();
	}
	r = libssh_read(channel, dest, count, is_stderr);
	if (r <= 0)
		return r;
	cur.bytes += (uint64_t)r;
	if (cur.frame != FRAME_10 && !follow_chunks(dest, (size_t)r))
		return refuse();
	return r;
}
