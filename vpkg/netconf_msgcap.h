/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bound on the size of one NETCONF message a client sends to vpkg
 * (--netconf-max-message).
 *
 * libnetconf2 2.0 has no such option: nc_read_msg_io() (src/io.c) grows one
 * buffer until the end of the message, whatever its size, and for a 1.1
 * chunk header it allocates the announced size plus one before reading it
 * (a header of 2^64-1 bytes makes that malloc(0), then reads into it). It
 * reads a message only through ssh_channel_read(), and it calls
 * ssh_channel_poll_timeout() on the channel before each message it reads
 * (nc_ps_poll's nc_ps_poll_session_io, nc_read_poll for the hello); the
 * message is then read to its end by that one thread.
 *
 * So vpkg defines both functions itself (the executable's definition wins
 * over libssh's for libnetconf2's calls) and passes them on to libssh's:
 * the poll starts a new message for the calling thread, and a read that
 * would take the thread's current message past the limit is refused
 * (SSH_ERROR before anything is read; libnetconf2 then ends the session).
 * The count is per thread, so nothing is shared but the limit.
 */
#ifndef VPKG_NETCONF_MSGCAP_H
#define VPKG_NETCONF_MSGCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NC_MSGCAP_DEFAULT (16u * 1024 * 1024)
#define NC_MSGCAP_MIN 4096u			/* a hello must fit */
#define NC_MSGCAP_MAX (1024u * 1024 * 1024)

/*
 * Set the limit (bytes of one message, framing included) and check that
 * vpkg's definitions are the ones libnetconf2 calls. false (with err) if
 * libssh's functions cannot be found.
 */
bool nc_msgcap_init(uint64_t limit, char *err, size_t errlen);

/* Messages refused since the start (for the log and the tests). */
uint64_t nc_msgcap_refused(void);

#endif /* VPKG_NETCONF_MSGCAP_H */
