/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The action of the closed loop over NETCONF (--api netconf): APPC's
 * ModifyConfig as OpenDaylight turns it into NETCONF for a mounted vpkg, an
 * <edit-config> of the running datastore with the stream-count model
 *   <stream-count xmlns="urn:opendaylight:params:xml:ns:yang:stream-count">
 *     <streams operation="replace"><active-streams>N</active-streams></streams>
 *   </stream-count>
 * over SSH with password authentication (libnetconf2's client).
 *
 * The server's host key is trusted on first use: the first key seen for
 * HOST:PORT is added to the known_hosts file given, and from then on a session
 * whose key differs is refused before the password is sent.
 *
 * Thread safety: libnetconf2 keeps client options per thread; call
 * action_netconf_send() from one thread (the action thread).
 */
#ifndef CTL_ACTION_NETCONF_H
#define CTL_ACTION_NETCONF_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"

struct netconf_target {
	char host[256];
	uint16_t port;
	char known_hosts[PATH_MAX];	/* OpenSSH known_hosts file, trust on first use */
};

/* Once, before any action (libssh and libnetconf2's client). */
void action_netconf_init(void);
void action_netconf_cleanup(void);

/* Build the edit-config content that sets n active streams. 0, or -1 if it does not fit. */
int action_netconf_content(unsigned int n, char *buf, size_t len);

/*
 * Set n active streams on the target with t's user, password and timeout.
 * Returns 0 when vpkg answered <ok/>, else -1 with a one-line reason in err
 * (connection, host key, authentication, or the rpc-error's tag, path and message).
 */
int action_netconf_send(const struct action_target *t, const struct netconf_target *nt,
		unsigned int n, char *err, size_t errlen);

#endif /* CTL_ACTION_NETCONF_H */
