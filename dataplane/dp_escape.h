/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bytes from outside (a file, a request, an option) quoted in a message
 * that goes to a terminal or a log: printable ASCII and well-formed UTF-8
 * pass as they are; control bytes, DEL, bytes that are not UTF-8 and the
 * invisible or reordering code points (C1 controls, byte order mark,
 * zero-width and bidirectional marks, line and paragraph separators) come
 * out as \xNN, a backslash as \\. The result is bounded: when it does not
 * fit, it ends with "..." after a whole character.
 *
 * Pure C, no DPDK; reentrant.
 */
#ifndef DP_ESCAPE_H
#define DP_ESCAPE_H

#include <stddef.h>

/*
 * Escape len bytes of in into out (outlen bytes, always NUL terminated when
 * outlen > 0). Returns the length of the text written.
 */
size_t dp_escape(char *out, size_t outlen, const void *in, size_t len);

/* dp_escape() of a NUL-terminated string; returns out, for use in printf arguments. */
const char *dp_escape_str(char *out, size_t outlen, const char *s);

#endif /* DP_ESCAPE_H */
