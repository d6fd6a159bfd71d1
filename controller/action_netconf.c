/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libyang/libyang.h>
#include <nc_client.h>

#include "action_netconf.h"
#include "yang_name.h"

#define STREAM_COUNT_NS "urn:opendaylight:params:xml:ns:yang:stream-count"
#define NETCONF_BASE_NS "urn:ietf:params:xml:ns:netconf:base:1.0"

/* libnetconf2's last error message of this thread, for the decision log. */
static __thread char last_error[256];
/* Why the host key check refused (libnetconf2 then says only that it failed). */
static __thread char hostkey_error[256];

static void
keep_error(const struct nc_session *session, NC_VERB_LEVEL level, const char *msg)
{
	(void)session;
	if (level == NC_VERB_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", msg);
}

void
action_netconf_init(void)
{
	nc_client_init();
	nc_verbosity(NC_VERB_ERROR);
	nc_set_print_clb_session(keep_error);
}

void
action_netconf_cleanup(void)
{
	nc_client_destroy();
}

int
action_netconf_content(unsigned int n, char *buf, size_t len)
{
	int w;

	/* ODL's form of APPC's PUT .../stream-count:stream-count/streams */
	w = snprintf(buf, len,
		     "<stream-count xmlns=\"" STREAM_COUNT_NS "\">"
		     "<streams xmlns:nc=\"" NETCONF_BASE_NS "\" nc:operation=\"replace\">"
		     "<active-streams>%u</active-streams></streams></stream-count>", n);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* --- SSH: host key and password --- */

/*
 * Trust on first use: a host not yet in the known_hosts file is added to it;
 * a host whose key differs from the recorded one is refused.
 */
static int
check_host_key(const char *hostname, ssh_session ssh, void *priv)
{
	const char *file = priv;

	(void)hostname;
	switch (ssh_session_is_known_server(ssh)) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (ssh_session_update_known_hosts(ssh) != SSH_OK) {
			snprintf(hostkey_error, sizeof(hostkey_error), "cannot add the host key to %s: %s",
				 file, ssh_get_error(ssh));
			return -1;
		}
		fprintf(stderr, "vfwcl-controller: NETCONF host key of the server trusted on "
			"first use, recorded in %s\n", file);
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		snprintf(hostkey_error, sizeof(hostkey_error),
			 "the server's host key differs from the one recorded in %s: refused", file);
		return -1;
	default:
		snprintf(hostkey_error, sizeof(hostkey_error), "cannot check the host key against %s: %s",
			 file, ssh_get_error(ssh));
		return -1;
	}
}

/* libnetconf2 frees the answer. */
static char *
give_password(const char *username, const char *hostname, void *priv)
{
	(void)username;
	(void)hostname;
	return strdup(priv);
}

/* An SSH session to the target that reads no user configuration (~/.ssh). */
static ssh_session
new_ssh(const struct action_target *t, const struct netconf_target *nt)
{
	long timeout_s = t->timeout_ms > 999 ? t->timeout_ms / 1000 : 1;
	unsigned int port = nt->port;
	bool no = false;
	ssh_session ssh = ssh_new();

	if (ssh == NULL)
		return NULL;
	if (ssh_options_set(ssh, SSH_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_HOST, nt->host) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_USER, t->user) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &timeout_s) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_KNOWNHOSTS, nt->known_hosts) != 0 ||
	    ssh_options_set(ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, nt->known_hosts) != 0) {
		ssh_free(ssh);
		return NULL;
	}
	return ssh;
}

/* The client options of this thread: password only, our host key check. */
static void
set_client_auth(const struct action_target *t, const struct netconf_target *nt)
{
	nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PUBLICKEY, -1);
	nc_client_ssh_set_auth_pref(NC_SSH_AUTH_INTERACTIVE, -1);
	nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PASSWORD, 1);
	nc_client_ssh_set_auth_password_clb(give_password, (void *)(uintptr_t)t->password);
	nc_client_ssh_set_auth_hostkey_check_clb(check_host_key, (void *)(uintptr_t)nt->known_hosts);
}

/* --- the reply --- */

static const char *
child_value(const struct lyd_node *parent, const char *name)
{
	const struct lyd_node *c;

	for (c = lyd_child(parent); c != NULL; c = c->next)
		if (strcmp(yang_node_name(c), name) == 0)
			return lyd_get_value(c);
	return NULL;
}

/* 0 for <ok/>; else -1 with the first rpc-error's tag, path and message. */
static int
read_reply(const struct lyd_node *envp, char *err, size_t errlen)
{
	const struct lyd_node *c;

	for (c = envp != NULL ? lyd_child(envp) : NULL; c != NULL; c = c->next) {
		const char *tag, *path, *msg;

		if (strcmp(yang_node_name(c), "ok") == 0)
			return 0;
		if (strcmp(yang_node_name(c), "rpc-error") != 0)
			continue;
		tag = child_value(c, "error-tag");
		path = child_value(c, "error-path");
		msg = child_value(c, "error-message");
		snprintf(err, errlen, "rpc-error %s%s%s: %s", tag != NULL ? tag : "(no tag)",
			 path != NULL ? " at " : "", path != NULL ? path : "",
			 msg != NULL ? msg : "(no message)");
		return -1;
	}
	snprintf(err, errlen, "the reply is neither <ok/> nor an rpc-error");
	return -1;
}

static int
edit_running(struct nc_session *s, const char *content, int timeout_ms, char *err, size_t errlen)
{
	struct lyd_node *envp = NULL, *op = NULL;
	struct nc_rpc *rpc;
	NC_MSG_TYPE m;
	uint64_t msgid;
	int rc = -1;

	rpc = nc_rpc_edit(NC_DATASTORE_RUNNING, NC_RPC_EDIT_DFLTOP_MERGE, 0, 0, content,
			  NC_PARAMTYPE_CONST);
	if (rpc == NULL) {
		snprintf(err, errlen, "cannot build the edit-config");
		return -1;
	}
	if (nc_send_rpc(s, rpc, timeout_ms, &msgid) != NC_MSG_RPC) {
		snprintf(err, errlen, "cannot send the edit-config: %s", last_error);
	} else {
		do {
			m = nc_recv_reply(s, rpc, msgid, timeout_ms, &envp, &op);
		} while (m == NC_MSG_NOTIF);
		if (m == NC_MSG_REPLY)
			rc = read_reply(envp, err, errlen);
		else if (m == NC_MSG_WOULDBLOCK)
			snprintf(err, errlen, "no reply to the edit-config within %d ms", timeout_ms);
		else
			snprintf(err, errlen, "no valid reply to the edit-config: %s", last_error);
	}
	lyd_free_tree(envp);
	lyd_free_tree(op);
	nc_rpc_free(rpc);
	return rc;
}

int
action_netconf_send(const struct action_target *t, const struct netconf_target *nt,
		unsigned int n, char *err, size_t errlen)
{
	char content[512];
	struct nc_session *s;
	ssh_session ssh;
	int rc;

	if (action_netconf_content(n, content, sizeof(content)) != 0) {
		snprintf(err, errlen, "edit-config content too long");
		return -1;
	}
	last_error[0] = '\0';
	hostkey_error[0] = '\0';
	set_client_auth(t, nt);
	ssh = new_ssh(t, nt);
	if (ssh == NULL) {
		snprintf(err, errlen, "cannot set up an SSH session to %s:%u", nt->host, nt->port);
		return -1;
	}
	s = nc_connect_libssh(ssh, NULL);	/* owns ssh from here on */
	if (s == NULL) {
		snprintf(err, errlen, "NETCONF session to %s:%u: %s", nt->host, nt->port,
			 hostkey_error[0] != '\0' ? hostkey_error :
			 last_error[0] != '\0' ? last_error : "failed");
		return -1;
	}
	rc = edit_running(s, content, (int)t->timeout_ms, err, errlen);
	nc_session_free(s, NULL);
	return rc;
}
