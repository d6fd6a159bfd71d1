/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg's NETCONF server (RFC 6241 over SSH, RFC 6242), for ONAP's APPC path:
 * OpenDaylight mounts the generator over NETCONF and turns APPC's
 * ModifyConfig into <edit-config> on the models ONAP knows (vpkg/yang/):
 * sample-plugin (pg-streams, Amsterdam to Casablanca) and stream-count
 * (active-streams, Dublin and later). Built on libnetconf2 2.0, libyang 2
 * and libssh (Debian 12).
 *
 * Options (group "NETCONF"):
 *	--netconf ADDR:PORT        listen there (":PORT" = 127.0.0.1); with --onap
 *	                           127.0.0.1:2831 unless given
 *	--netconf-hostkey FILE     the SSH host key (PEM, secret-file rule);
 *	                           else STATE_DIR/netconf-hostkey.pem, generated
 *	                           (ECDSA P-256, mode 600) at the first start
 *	--netconf-state-dir DIR    default /var/lib/vfwcl
 *	--netconf-max-sessions N   sessions at once (1..256, default 16): one more
 *	                           is closed right after its hello
 *	--netconf-idle-timeout SEC a session idle that long is closed (default 600)
 *	--netconf-max-handshakes N SSH handshakes and logins at once (1..32, default 4)
 *	--netconf-auth-timeout SEC time to log in (1..600, default 10)
 *	--netconf-max-message BYTES longest client message (default 16 MiB)
 * SSH password authentication with the REST API's user and password
 * (--mgmt-user, --mgmt-password-file): --netconf without them is refused.
 * A client address that failed too often waits, as on the REST API
 * (mgmt_guard.h).
 *
 * Operations: <get>, <get-config> (running; subtree filters), <edit-config>
 * (running; merge, replace, create, delete, remove; default-operation),
 * <lock>/<unlock> (running), <get-schema>, <close-session>. Capabilities:
 * base 1.0 and 1.1, :writable-running, ietf-netconf-monitoring and the two
 * models. A change is one stream-table publication (streams.h), answered
 * <ok/> once the workers run on it, as the REST API does; an edit that
 * fails changes nothing and is answered with an <rpc-error>.
 *
 * Threads: --netconf-max-handshakes threads accept sessions (SSH handshake,
 * authentication, hello; one each, so a silent client holds one thread
 * until its timeout), one serves the RPCs of all sessions; none touches
 * the workers but through streams.h. A message longer than
 * --netconf-max-message closes its session (netconf_msgcap.h).
 */
#ifndef VPKG_NETCONF_H
#define VPKG_NETCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "dp_options.h"
#include "mgmt.h"

#define VPKG_NETCONF_ONAP_PORT 2831
#define VPKG_NETCONF_STATE_DIR "/var/lib/vfwcl"

/* Add the NETCONF option group to app (before dp_main_init). 0 or -ENOSPC. */
int vpkg_netconf_register_options(struct dp_app *app);

/*
 * After dp_main_init, before the REST server wipes the password: check the
 * options (onap: the ONAP port by default), take the credentials, build the
 * YANG context and load or make the host key. A no-op without --netconf or
 * --onap. 0, -EINVAL with err (exit 2) or another negative errno (exit 1).
 */
int vpkg_netconf_create(bool onap, const struct mgmt_options *creds, char *err, size_t errlen);

/* Listen and start the threads, once the stream table exists. */
int vpkg_netconf_start(char *err, size_t errlen);

/* Stop the threads, close every session, free everything. Idempotent. */
void vpkg_netconf_stop(void);

#endif /* VPKG_NETCONF_H */
