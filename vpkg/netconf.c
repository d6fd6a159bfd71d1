/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg's NETCONF server (netconf.h): options, YANG context, host key, SSH
 * authentication, the accept and RPC threads, and the RPCs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libyang/libyang.h>
#include <nc_server.h>

#include "dp_secret.h"
#include "mgmt_auth.h"
#include "mgmt_guard.h"
#include "netconf.h"
#include "netconf_ds.h"
#include "netconf_msgcap.h"

/* The IETF modules (RFC 6241, RFC 6022) as Debian ships them (libyuma-base). */
#define NC_IETF_YANG_DIR "/usr/share/yuma/modules/ietf"
#define NC_HOSTKEY_FILE "netconf-hostkey.pem"
#define NC_HOSTKEY_MAX (64 * 1024)
#define NC_ENDPT "vpkg"
#define NC_DEFAULT_MAX_SESSIONS 16
#define NC_MAX_SESSIONS 256
#define NC_DEFAULT_IDLE_S 600
#define NC_HELLO_TIMEOUT_S 30
#define NC_DEFAULT_AUTH_TIMEOUT_S 10
#define NC_MAX_AUTH_TIMEOUT_S 600
#define NC_AUTH_ATTEMPTS 3
#define NC_DEFAULT_HANDSHAKES 4
#define NC_MAX_HANDSHAKES 32
#define NC_POLL_MS 200
/* each accept thread waits on the listening socket in turn (libnetconf2's bind lock) */
#define NC_ACCEPT_MS 100

/* The two models, embedded at build time (mgmt/embed.py). */
extern const unsigned char nc_yang_sample_plugin[];
extern const unsigned char nc_yang_stream_count[];

/* Options: written by the option parser (main), read-only afterwards. */
static struct {
	char addr[128];			/* as given, for messages */
	char host[64];
	uint16_t port;
	char hostkey[PATH_MAX];		/* --netconf-hostkey; "" = the state dir's */
	char state_dir[PATH_MAX];
	uint32_t max_sessions;
	uint32_t idle_timeout;
	uint32_t handshakes;		/* accept threads: handshakes at once */
	uint32_t auth_timeout;
	uint64_t max_message;
} opt = {
	.state_dir = VPKG_NETCONF_STATE_DIR,
	.max_sessions = NC_DEFAULT_MAX_SESSIONS,
	.idle_timeout = NC_DEFAULT_IDLE_S,
	.handshakes = NC_DEFAULT_HANDSHAKES,
	.auth_timeout = NC_DEFAULT_AUTH_TIMEOUT_S,
	.max_message = NC_MSGCAP_DEFAULT,
};

/* The server: built by create/start on the main lcore, then owned by its threads. */
static struct {
	bool enabled;			/* --netconf or --onap */
	bool initialised;		/* nc_server_init done */
	bool running;
	struct ly_ctx *ctx;
	struct mgmt_auth auth;		/* secret; read by the accept thread */
	struct mgmt_guard guard;	/* failed logins per client address */
	char hostkey[PATH_MAX];		/* the file in use */
	struct lyd_node *monitoring;	/* netconf-state: capabilities, schemas, datastores */
	struct nc_pollsession *ps;	/* RPC thread only (see admit) */
	pthread_mutex_t admit_lock;	/* guards pending, nb_pending, nb_sessions */
	struct nc_session *pending[NC_MAX_SESSIONS];	/* admitted, not yet in ps */
	uint32_t nb_pending;
	uint32_t nb_sessions;		/* in ps or pending: --netconf-max-sessions */
	pthread_t accept_threads[NC_MAX_HANDSHAKES], rpc_thread;
	uint32_t nb_accept_threads;	/* started; main lcore */
	atomic_bool stop;
	uint32_t lock_owner;		/* session id holding the running lock; RPC thread */
} nc;

/* ------------------------------------------------------------ options */

static int
set_netconf(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	if (dp_parse_hostport(value, opt.host, sizeof(opt.host), &opt.port) != 0 || opt.port == 0)
		return dp_opt_error(err, errlen, name, value, "expected ADDR:PORT");
	if (opt.host[0] == '\0')
		snprintf(opt.host, sizeof(opt.host), "127.0.0.1");
	snprintf(opt.addr, sizeof(opt.addr), "%s", value);
	return 0;
}

static int
set_hostkey(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return dp_opt_path(opt.hostkey, sizeof(opt.hostkey), name, value, err, errlen);
}

static int
set_state_dir(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return dp_opt_path(opt.state_dir, sizeof(opt.state_dir), name, value, err, errlen);
}

static int
set_u32(const char *name, const char *value, uint64_t min, uint64_t max, uint32_t *out,
		char *err, size_t errlen)
{
	uint64_t v;

	if (dp_parse_u64(value, min, max, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "expected %llu..%llu",
				(unsigned long long)min, (unsigned long long)max);
	*out = (uint32_t)v;
	return 0;
}

static int
set_max_sessions(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return set_u32(name, value, 1, NC_MAX_SESSIONS, &opt.max_sessions, err, errlen);
}

static int
set_idle_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return set_u32(name, value, 1, UINT16_MAX, &opt.idle_timeout, err, errlen);
}

static int
set_handshakes(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return set_u32(name, value, 1, NC_MAX_HANDSHAKES, &opt.handshakes, err, errlen);
}

static int
set_auth_timeout(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	return set_u32(name, value, 1, NC_MAX_AUTH_TIMEOUT_S, &opt.auth_timeout, err, errlen);
}

static int
set_max_message(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	if (dp_parse_u64(value, NC_MSGCAP_MIN, NC_MSGCAP_MAX, &opt.max_message) != 0)
		return dp_opt_error(err, errlen, name, value, "expected %u..%u bytes",
				NC_MSGCAP_MIN, NC_MSGCAP_MAX);
	return 0;
}

int
vpkg_netconf_register_options(struct dp_app *app)
{
	static const struct dp_option options[] = {
		{ "netconf", "ADDR:PORT", "serve NETCONF over SSH there (ONAP's APPC path; "
		  "127.0.0.1:2831 with --onap); needs --mgmt-user and a password", set_netconf },
		{ "netconf-hostkey", "FILE", "the SSH host key (PEM, mode 600); default: "
		  "netconf-hostkey.pem in --netconf-state-dir, made at the first start", set_hostkey },
		{ "netconf-state-dir", "DIR", "where the generated host key is kept "
		  "(default " VPKG_NETCONF_STATE_DIR ")", set_state_dir },
		{ "netconf-max-sessions", "N", "NETCONF sessions at once, 1..256 (default 16)",
		  set_max_sessions },
		{ "netconf-idle-timeout", "SEC", "close a session idle that long (default 600)",
		  set_idle_timeout },
		{ "netconf-max-handshakes", "N", "SSH handshakes and logins in progress at once, "
		  "1..32 (default 4); more connections wait to be accepted", set_handshakes },
		{ "netconf-auth-timeout", "SEC", "time for a client to log in, 1..600 (default 10)",
		  set_auth_timeout },
		{ "netconf-max-message", "BYTES", "longest message a client may send, framing "
		  "included, 4096..1073741824 (default 16777216); longer: the session is closed",
		  set_max_message },
	};
	static const struct dp_option_group group = {
		.title = "NETCONF options",
		.options = options,
		.nb_options = DP_DIM(options),
	};

	return dp_app_add_group(app, &group);
}

/* ------------------------------------------------------------ host key */

/* An existing key file must follow the secret-file rule. */
static int
check_hostkey(const char *option, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dp_opt_error(err, errlen, option, path, "%s", strerror(errno));
	rc = fstat(fd, &st) != 0 ? -errno : 0;
	close(fd);
	if (rc != 0)
		return dp_opt_error(err, errlen, option, path, "%s", strerror(-rc));
	return dp_secret_check_stat(&st, NC_HOSTKEY_MAX, option, path, err, errlen);
}

/* Write a new ECDSA P-256 key to path (mode 600, made complete before it gets its name). */
static int
make_hostkey(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 8];
	ssh_key key = NULL;
	char *pem = NULL;
	size_t len;
	int fd, rc = -EIO;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (ssh_pki_generate(SSH_KEYTYPE_ECDSA_P256, 0, &key) != SSH_OK ||
	    ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &pem) != SSH_OK) {
		snprintf(err, errlen, "--netconf: cannot generate an SSH host key");
		goto out;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "--netconf: cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	len = strlen(pem);
	rc = write(fd, pem, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -EIO;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		snprintf(err, errlen, "--netconf: cannot write %s: %s", path, strerror(-rc));
	}
out:
	if (pem != NULL) {
		explicit_bzero(pem, strlen(pem));
		free(pem);
	}
	ssh_key_free(key);
	return rc;
}

/* --netconf-hostkey, else the state directory's key (made when missing). */
static int
resolve_hostkey(char *err, size_t errlen)
{
	struct stat st;

	if (opt.hostkey[0] != '\0') {
		snprintf(nc.hostkey, sizeof(nc.hostkey), "%s", opt.hostkey);
		return check_hostkey("netconf-hostkey", nc.hostkey, err, errlen);
	}
	if (snprintf(nc.hostkey, sizeof(nc.hostkey), "%s/%s", opt.state_dir, NC_HOSTKEY_FILE) >=
	    (int)sizeof(nc.hostkey))
		return dp_opt_error(err, errlen, "netconf-state-dir", opt.state_dir, "too long");
	if (lstat(nc.hostkey, &st) == 0)
		return check_hostkey("netconf-state-dir", nc.hostkey, err, errlen);
	if (mkdir(opt.state_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "--netconf-state-dir: cannot create '%s': %s (or give "
			 "--netconf-hostkey)", opt.state_dir, strerror(errno));
		return -EIO;
	}
	if (make_hostkey(nc.hostkey, err, errlen) != 0)
		return -EIO;
	printf("vpkg: netconf: generated the SSH host key %s\n", nc.hostkey);
	return 0;
}

static int
hostkey_clb(const char *name, void *user_data, char **privkey_path, char **privkey_data,
		NC_SSH_KEY_TYPE *privkey_type)
{
	(void)name;
	(void)user_data;
	(void)privkey_data;
	(void)privkey_type;
	*privkey_path = strdup(nc.hostkey);
	return *privkey_path == NULL;
}

/* ------------------------------------------------------------ authentication */

/* The client's address for the failed-login buckets; false if unknown. */
static bool
session_addr(const struct nc_session *s, struct sockaddr_in6 *sa)
{
	const char *host = nc_session_get_host(s);
	struct in_addr v4;

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	if (host == NULL)
		return false;
	if (inet_pton(AF_INET6, host, &sa->sin6_addr) == 1)
		return true;
	if (inet_pton(AF_INET, host, &v4) != 1)
		return false;
	sa->sin6_addr.s6_addr[10] = 0xff;	/* ::ffff:a.b.c.d */
	sa->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sa->sin6_addr.s6_addr[12], &v4, 4);
	return true;
}

/* SSH password authentication against --mgmt-user and its password. 0 = accepted. */
static int
passwd_clb(const struct nc_session *session, const char *password, void *user_data)
{
	const char *user = nc_session_get_username(session);
	struct sockaddr_in6 sa;
	bool have_addr = session_addr(session, &sa);
	bool ok;

	(void)user_data;
	if (have_addr && mgmt_guard_auth_wait(&nc.guard, (const struct sockaddr *)&sa) > 0)
		return 1;	/* too many failures from there: not even checked */
	ok = user != NULL && password != NULL &&
	     mgmt_auth_check_pair(&nc.auth, user, strlen(user), password, strlen(password));
	if (!ok && have_addr)
		mgmt_guard_auth_failed(&nc.guard, (const struct sockaddr *)&sa);
	return ok ? 0 : 1;
}

/* ------------------------------------------------------------ YANG context */

static int
load_models(char *err, size_t errlen)
{
	static const char *nc_features[] = { "writable-running", NULL };
	const unsigned char *const ours[] = { nc_yang_sample_plugin, nc_yang_stream_count };
	size_t i;

	if (ly_ctx_new(NC_IETF_YANG_DIR, 0, &nc.ctx) != LY_SUCCESS)
		goto fail;
	if (ly_ctx_load_module(nc.ctx, "ietf-netconf", "2011-06-01", nc_features) == NULL ||
	    ly_ctx_load_module(nc.ctx, "ietf-netconf-monitoring", "2010-10-04", NULL) == NULL)
		goto fail;
	for (i = 0; i < DP_DIM(ours); i++)
		if (lys_parse_mem(nc.ctx, (const char *)ours[i], LYS_IN_YANG, NULL) != LY_SUCCESS)
			goto fail;
	return 0;
fail:
	snprintf(err, errlen, "--netconf: cannot load the YANG modules (the IETF ones from %s, "
		 "package libyuma-base): %s", NC_IETF_YANG_DIR,
		 nc.ctx != NULL && ly_errmsg(nc.ctx) != NULL ? ly_errmsg(nc.ctx) : "no context");
	ly_ctx_destroy(nc.ctx);
	nc.ctx = NULL;
	return -EIO;
}

/* netconf-state (RFC 6022) as ODL reads it: capabilities, schemas, datastores. */
static LY_ERR
build_monitoring(void)
{
	const char *base = "/ietf-netconf-monitoring:netconf-state";
	const char **caps = nc_server_get_cpblts(nc.ctx);
	const struct lys_module *m;
	uint32_t idx = 0;
	char path[512];
	LY_ERR rc = caps != NULL ? LY_SUCCESS : LY_EMEM;
	size_t i;

	for (i = 0; caps != NULL && caps[i] != NULL; i++) {
		if (rc == LY_SUCCESS) {
			snprintf(path, sizeof(path), "%s/capabilities/capability", base);
			rc = lyd_new_path(nc.monitoring, nc.ctx, path, caps[i], 0,
					nc.monitoring == NULL ? &nc.monitoring : NULL);
		}
		lydict_remove(nc.ctx, caps[i]);
	}
	free(caps);
	while (rc == LY_SUCCESS && (m = ly_ctx_get_module_iter(nc.ctx, &idx)) != NULL) {
		if (!m->implemented)
			continue;
		snprintf(path, sizeof(path), "%s/schemas/schema[identifier='%s'][version='%s']"
			 "[format='yang']/namespace", base, m->name, m->revision ? m->revision : "");
		rc = lyd_new_path(nc.monitoring, nc.ctx, path, m->ns, 0, NULL);
		if (rc == LY_SUCCESS) {
			snprintf(path, sizeof(path), "%s/schemas/schema[identifier='%s']"
				 "[version='%s'][format='yang']/location", base, m->name,
				 m->revision ? m->revision : "");
			rc = lyd_new_path(nc.monitoring, nc.ctx, path, "NETCONF", 0, NULL);
		}
	}
	if (rc == LY_SUCCESS) {
		snprintf(path, sizeof(path), "%s/datastores/datastore[name='running']", base);
		rc = lyd_new_path(nc.monitoring, nc.ctx, path, NULL, 0, NULL);
	}
	return rc;
}

/* ------------------------------------------------------------ RPCs */

static struct nc_server_reply *
reply_error(NC_ERR tag, const char *path, const char *msg)
{
	struct lyd_node *e = nc_ds_error(nc.ctx, tag, path, NULL, NULL, msg);

	return e != NULL ? nc_server_reply_err(e) : NULL;
}

static const struct lyd_node *
child(const struct lyd_node *n, const char *name)
{
	const struct lyd_node *c;

	LY_LIST_FOR(lyd_child(n), c)
		if (strcmp(yang_node_name(c), name) == 0)
			return c;
	return NULL;
}

/* The datastore named under rpc/container ("source", "target") is running. */
static bool
is_running(const struct lyd_node *rpc, const char *container)
{
	const struct lyd_node *c = child(rpc, container);

	return c != NULL && child(c, "running") != NULL;
}

/* The children of <filter> (subtree), or *unsupported for another type. */
static const struct lyd_node *
subtree_filter(const struct lyd_node *rpc, bool *present, bool *unsupported)
{
	const struct lyd_node *f = child(rpc, "filter");
	const struct lyd_node_any *any = (const struct lyd_node_any *)f;
	struct lyd_meta *type;

	*present = f != NULL;
	*unsupported = false;
	if (f == NULL)
		return NULL;
	type = lyd_find_meta(f->meta, NULL, "ietf-netconf:type");
	if (type != NULL && strcmp(lyd_get_meta_value(type), "subtree") != 0) {
		*unsupported = true;
		return NULL;
	}
	if (any->value_type != LYD_ANYDATA_DATATREE)
		return NULL;	/* empty filter: selects nothing */
	return any->value.tree;
}

/* <get>/<get-config>: the data (state: with state, netconf-state and yang-library). */
static struct nc_server_reply *
rpc_get(struct lyd_node *rpc, bool state)
{
	struct lyd_node *data = NULL, *out = NULL, *extra = NULL, *selected, *dup;
	const struct lyd_node *filter;
	bool has_filter, unsupported;
	LY_ERR rc;

	if (!state && !is_running(rpc, "source"))
		return reply_error(NC_ERR_OP_NOT_SUPPORTED, "/ietf-netconf:get-config/source",
				   "only the running datastore is supported");
	filter = subtree_filter(rpc, &has_filter, &unsupported);
	if (unsupported)
		return reply_error(NC_ERR_OP_NOT_SUPPORTED, "/ietf-netconf:get/filter",
				   "only subtree filters are supported");
	rc = nc_ds_read(nc.ctx, state, &data);
	if (rc == LY_SUCCESS && state && lyd_dup_siblings(nc.monitoring, NULL,
			LYD_DUP_RECURSIVE, &extra) == LY_SUCCESS)
		rc = lyd_insert_sibling(data, extra, &data);
	if (rc == LY_SUCCESS && state && ly_ctx_get_yanglib_data(nc.ctx, &extra, "%u",
			ly_ctx_get_change_count(nc.ctx)) == LY_SUCCESS)
		rc = lyd_insert_sibling(data, extra, &data);
	if (rc == LY_SUCCESS && has_filter) {
		rc = nc_ds_filter(data, filter, &selected);
		lyd_free_siblings(data);
		data = selected;
	}
	if (rc == LY_SUCCESS)
		rc = lyd_dup_single(rpc, NULL, 0, &out);
	if (rc == LY_SUCCESS)
		rc = lyd_new_any(out, NULL, "data", data, 1, LYD_ANYDATA_DATATREE, 1, &dup);
	if (rc != LY_SUCCESS) {
		lyd_free_siblings(data);
		lyd_free_tree(out);
		return reply_error(NC_ERR_OP_FAILED, NULL, "cannot build the reply");
	}
	return nc_server_reply_data(out, NC_WD_EXPLICIT, NC_PARAMTYPE_FREE);
}

/*
 * The data path in libyang's error location ('Data location "/m:a/b", line
 * number 3.'), into buf; "" when there is none.
 */
static const char *
error_path(const char *where, char *buf, size_t len)
{
	const char *q = where != NULL ? strchr(where, '"') : NULL;
	const char *end = q != NULL ? strchr(q + 1, '"') : NULL;

	buf[0] = '\0';
	if (end != NULL && q[1] == '/')
		snprintf(buf, len, "%.*s", (int)(end - q - 1), q + 1);
	return buf;
}

/* The rpc-error for a config that does not parse against the models. */
static struct nc_server_reply *
config_error(void)
{
	char path[512];
	const struct ly_err_item *e = ly_err_last(nc.ctx);
	const char *msg = e != NULL && e->msg != NULL ? e->msg : "invalid configuration";
	NC_ERR tag = NC_ERR_INVALID_VALUE;
	struct lyd_node *err;

	if (strstr(msg, "namespace") != NULL)
		tag = NC_ERR_UNKNOWN_NS;
	else if (strstr(msg, "Unknown element") != NULL || strstr(msg, "not found") != NULL)
		tag = NC_ERR_UNKNOWN_ELEM;
	else if (e != NULL && (e->vecode == LYVE_SYNTAX || e->vecode == LYVE_SYNTAX_XML))
		tag = NC_ERR_MALFORMED_MSG;
	err = nc_ds_error(nc.ctx, tag, error_path(e != NULL ? e->path : NULL, path, sizeof(path)),
			  "config", NULL, msg);
	return err != NULL ? nc_server_reply_err(err) : NULL;
}

/*
 * The content of <config> as XML text (NULL when empty), to be parsed again
 * strictly against the models. libyang may have made data nodes of it
 * already: printed with empty containers kept, since an operation
 * attribute can sit on one (<streams operation="delete"/>).
 */
static LY_ERR
config_xml(const struct lyd_node_any *any, char **xml)
{
	*xml = NULL;
	if (any->value_type == LYD_ANYDATA_DATATREE)
		return any->value.tree == NULL ? LY_SUCCESS :
		       lyd_print_mem(xml, any->value.tree, LYD_XML, LYD_PRINT_WITHSIBLINGS |
				     LYD_PRINT_KEEPEMPTYCONT | LYD_PRINT_SHRINK);
	if (any->value.str == NULL)
		return LY_SUCCESS;
	return lyd_any_value_str(&any->node, xml);
}

static struct nc_server_reply *
rpc_edit(struct lyd_node *rpc, struct nc_session *session)
{
	const struct lyd_node *cfg = child(rpc, "config"), *defop = child(rpc, "default-operation");
	const struct lyd_node_any *any = (const struct lyd_node_any *)cfg;
	struct lyd_node *tree = NULL, *error = NULL;
	char *xml = NULL;
	LY_ERR rc;

	if (!is_running(rpc, "target"))
		return reply_error(NC_ERR_OP_NOT_SUPPORTED, "/ietf-netconf:edit-config/target",
				   "only the running datastore is supported");
	if (nc.lock_owner != 0 && nc.lock_owner != nc_session_get_id(session))
		return reply_error(NC_ERR_IN_USE, "/ietf-netconf:edit-config/target",
				   "the running datastore is locked by another session");
	if (cfg == NULL)
		return reply_error(NC_ERR_OP_NOT_SUPPORTED, "/ietf-netconf:edit-config",
				   "only <config> is supported (no :url)");
	if (config_xml(any, &xml) != LY_SUCCESS)
		return reply_error(NC_ERR_OP_FAILED, NULL, "out of memory");
	ly_err_clean(nc.ctx, NULL);
	rc = xml == NULL ? LY_SUCCESS : lyd_parse_data_mem(nc.ctx, xml, LYD_XML,
			LYD_PARSE_ONLY | LYD_PARSE_STRICT | LYD_PARSE_NO_STATE, 0, &tree);
	free(xml);
	if (rc != LY_SUCCESS)
		return config_error();
	nc_ds_edit(nc.ctx, tree, defop != NULL ? lyd_get_value(defop) : NULL, &error);
	lyd_free_siblings(tree);
	if (error != NULL)
		return nc_server_reply_err(error);
	return nc_server_reply_ok();
}

static struct nc_server_reply *
rpc_lock(struct lyd_node *rpc, struct nc_session *session, bool lock)
{
	uint32_t sid = nc_session_get_id(session);
	struct lyd_node *e;

	if (!is_running(rpc, "target"))
		return reply_error(NC_ERR_OP_NOT_SUPPORTED, NULL,
				   "only the running datastore is supported");
	if (lock ? nc.lock_owner != 0 : nc.lock_owner != sid) {
		if (!lock)
			return reply_error(NC_ERR_OP_FAILED, NULL, "not locked by this session");
		e = nc_err(nc.ctx, NC_ERR_LOCK_DENIED, nc.lock_owner);
		return e != NULL ? nc_server_reply_err(e) : NULL;
	}
	nc.lock_owner = lock ? sid : 0;
	return nc_server_reply_ok();
}

/* The text of a module: ours as written (embedded), the others as libyang prints them. */
static char *
schema_text(const struct lys_module *m, bool yin)
{
	char *text = NULL;

	if (!yin && strcmp(m->name, NC_SP_MODULE) == 0)
		return strdup((const char *)nc_yang_sample_plugin);
	if (!yin && strcmp(m->name, NC_SC_MODULE) == 0)
		return strdup((const char *)nc_yang_stream_count);
	if (lys_print_mem(&text, m, yin ? LYS_OUT_YIN : LYS_OUT_YANG, 0) != LY_SUCCESS)
		return NULL;
	return text;
}

/*
 * <get-schema> (RFC 6022 3.1), our own: libnetconf2 2.0.24's built-in one
 * answers garbage with the libyang of Debian 12.
 */
static struct nc_server_reply *
rpc_get_schema(struct lyd_node *rpc, struct nc_session *session)
{
	const struct lyd_node *id = child(rpc, "identifier"), *ver = child(rpc, "version");
	const struct lyd_node *fmt = child(rpc, "format");
	const char *format = fmt != NULL ? lyd_get_value(fmt) : "yang";
	const struct lys_module *m;
	struct lyd_node *out = NULL;
	bool yin;
	char *text;

	(void)session;
	yin = strstr(format, "yin") != NULL;
	if (!yin && strstr(format, "yang") == NULL)
		return reply_error(NC_ERR_INVALID_VALUE, "/ietf-netconf-monitoring:get-schema/format",
				   "format: only yang and yin");
	m = ver != NULL && lyd_get_value(ver)[0] != '\0' ?
	    ly_ctx_get_module(nc.ctx, lyd_get_value(id), lyd_get_value(ver)) :
	    ly_ctx_get_module_latest(nc.ctx, lyd_get_value(id));
	if (m == NULL)
		return reply_error(NC_ERR_INVALID_VALUE,
				   "/ietf-netconf-monitoring:get-schema/identifier",
				   "no such schema");
	text = schema_text(m, yin);
	if (text == NULL || lyd_dup_single(rpc, NULL, 0, &out) != LY_SUCCESS ||
	    lyd_new_any(out, NULL, "data", text, 1, LYD_ANYDATA_STRING, 1, NULL) != LY_SUCCESS) {
		free(text);
		lyd_free_tree(out);
		return reply_error(NC_ERR_OP_FAILED, NULL, "cannot print the schema");
	}
	return nc_server_reply_data(out, NC_WD_EXPLICIT, NC_PARAMTYPE_FREE);
}

/* Every RPC without its own callback (get-schema and close-session have libnetconf2's). */
static struct nc_server_reply *
rpc_clb(struct lyd_node *rpc, struct nc_session *session)
{
	const char *name = yang_node_name(rpc);

	if (strcmp(name, "get") == 0)
		return rpc_get(rpc, true);
	if (strcmp(name, "get-config") == 0)
		return rpc_get(rpc, false);
	if (strcmp(name, "edit-config") == 0)
		return rpc_edit(rpc, session);
	if (strcmp(name, "lock") == 0)
		return rpc_lock(rpc, session, true);
	if (strcmp(name, "unlock") == 0)
		return rpc_lock(rpc, session, false);
	return reply_error(NC_ERR_OP_NOT_SUPPORTED, NULL, "operation not supported");
}

/* ------------------------------------------------------------ threads */

static void
end_session(struct nc_session *s)
{
	if (nc.lock_owner == nc_session_get_id(s))
		nc.lock_owner = 0;	/* a lock dies with its session (RFC 6241 7.5) */
	nc_ps_del_session(nc.ps, s);
	nc_session_free(s, NULL);
	pthread_mutex_lock(&nc.admit_lock);
	nc.nb_sessions--;
	pthread_mutex_unlock(&nc.admit_lock);
}

/* The sessions the accept threads admitted join the poll set (RPC thread). */
static void
take_pending(void)
{
	struct nc_session *batch[NC_MAX_SESSIONS];
	uint32_t i, n;

	pthread_mutex_lock(&nc.admit_lock);
	n = nc.nb_pending;
	memcpy(batch, nc.pending, n * sizeof(batch[0]));
	nc.nb_pending = 0;
	pthread_mutex_unlock(&nc.admit_lock);
	for (i = 0; i < n; i++) {
		if (nc_ps_add_session(nc.ps, batch[i]) == 0)
			continue;
		fprintf(stderr, "vpkg: netconf: session %u closed: cannot add it to the poll set\n",
			nc_session_get_id(batch[i]));
		nc_session_free(batch[i], NULL);
		pthread_mutex_lock(&nc.admit_lock);
		nc.nb_sessions--;
		pthread_mutex_unlock(&nc.admit_lock);
	}
}

/* Serve the RPCs of every session; end the sessions that closed or timed out. */
static void *
rpc_loop(void *arg)
{
	struct nc_session *s;
	int rc;

	(void)arg;
	while (!atomic_load(&nc.stop)) {
		take_pending();
		s = NULL;
		rc = nc_ps_poll(nc.ps, NC_POLL_MS, &s);
		if ((rc & (NC_PSPOLL_SESSION_TERM | NC_PSPOLL_SESSION_ERROR)) && s != NULL)
			end_session(s);
		else if (rc & NC_PSPOLL_NOSESSIONS)
			usleep(NC_POLL_MS * 1000);
	}
	nc_thread_destroy();
	return NULL;
}

/*
 * A session past its hello is handed to the RPC thread, or closed if
 * --netconf-max-sessions are open. The accept threads never touch the poll
 * set themselves: libnetconf2 2.0 gives up on its lock after 200 ms
 * (NC_PS_LOCK_TIMEOUT, the RPC thread holds it while it polls), and
 * nc_ps_add_session() failing on a loaded host closed a session the client
 * had just seen open (ncclient: "Unexpected session close" on its first RPC).
 */
static void
admit(struct nc_session *s)
{
	bool added = false;
	uint32_t open;

	pthread_mutex_lock(&nc.admit_lock);
	open = nc.nb_sessions;
	if (open < opt.max_sessions && nc.nb_pending < NC_MAX_SESSIONS) {
		nc.pending[nc.nb_pending++] = s;
		nc.nb_sessions++;
		added = true;
	}
	pthread_mutex_unlock(&nc.admit_lock);
	if (added)
		return;
	fprintf(stderr, "vpkg: netconf: session %u closed: %u sessions open "
		"(--netconf-max-sessions %u)\n", nc_session_get_id(s), open, opt.max_sessions);
	nc_session_free(s, NULL);
}

/*
 * Accept sessions (SSH, authentication, hello). --netconf-max-handshakes of
 * these threads run, so a client that connects and stays silent holds one
 * of them until its timeout, not everyone: libnetconf2's nc_accept() holds
 * its bind lock only to take a connection and runs the handshake under a
 * read lock that other accepting threads share.
 */
static void *
accept_loop(void *arg)
{
	struct nc_session *s;
	NC_MSG_TYPE m;

	(void)arg;
	while (!atomic_load(&nc.stop)) {
		s = NULL;
		m = nc_accept(NC_ACCEPT_MS, &s);
		if (m == NC_MSG_HELLO && s != NULL)
			admit(s);
	}
	nc_thread_destroy();
	return NULL;
}

/* ------------------------------------------------------------ life */

static void
print_clb(NC_VERB_LEVEL level, const char *msg)
{
	if (level == NC_VERB_ERROR)
		fprintf(stderr, "vpkg: netconf: %s\n", msg);
}

int
vpkg_netconf_create(bool onap, const struct mgmt_options *creds, char *err, size_t errlen)
{
	int rc;

	if (opt.addr[0] == '\0' && onap) {
		snprintf(opt.host, sizeof(opt.host), "127.0.0.1");
		opt.port = VPKG_NETCONF_ONAP_PORT;
		snprintf(opt.addr, sizeof(opt.addr), "%s:%u", opt.host, opt.port);
	}
	if (opt.addr[0] == '\0')
		return 0;
	if (creds->user[0] == '\0' || !creds->password_set) {
		snprintf(err, errlen, "--netconf: needs --mgmt-user and --mgmt-password-file (or "
			 "--mgmt-password): NETCONF uses the REST API's credentials");
		return -EINVAL;
	}
	if (mgmt_auth_set(&nc.auth, creds->user, creds->password) != 0) {
		snprintf(err, errlen, "--netconf: invalid credentials (--mgmt-user)");
		return -EINVAL;
	}
	rc = resolve_hostkey(err, errlen);
	if (rc == 0)
		rc = load_models(err, errlen);
	if (rc != 0) {
		mgmt_auth_clear(&nc.auth);
		return rc;
	}
	mgmt_guard_init(&nc.guard, 0, "vpkg: netconf");
	pthread_mutex_init(&nc.admit_lock, NULL);
	nc.enabled = true;
	return 0;
}

static int
start_server(char *err, size_t errlen)
{
	const struct lysc_node *node;

	if (!nc_msgcap_init(opt.max_message, err, errlen))
		return -EIO;
	nc_set_print_clb(print_clb);
	nc_verbosity(NC_VERB_ERROR);
	ly_log_options(LY_LOSTORE_LAST);	/* client errors are replies, not log lines */
	/* the callback of an RPC is its schema node's priv (set before nc_server_init) */
	node = lys_find_path(nc.ctx, NULL, "/ietf-netconf-monitoring:get-schema", 0);
	if (node != NULL)
		((struct lysc_node *)(uintptr_t)node)->priv = (void *)rpc_get_schema;
	if (nc_server_init(nc.ctx) != 0) {
		snprintf(err, errlen, "--netconf: cannot initialise libnetconf2");
		return -EIO;
	}
	nc.initialised = true;
	if (build_monitoring() != LY_SUCCESS) {
		snprintf(err, errlen, "--netconf: cannot initialise libnetconf2");
		return -EIO;
	}
	nc_set_global_rpc_clb(rpc_clb);

	nc_server_set_hello_timeout(NC_HELLO_TIMEOUT_S);
	nc_server_set_idle_timeout((uint16_t)opt.idle_timeout);
	nc_server_ssh_set_hostkey_clb(hostkey_clb, NULL, NULL);
	nc_server_ssh_set_passwd_auth_clb(passwd_clb, NULL, NULL);
	if (nc_server_add_endpt(NC_ENDPT, NC_TI_LIBSSH) != 0 ||
	    nc_server_ssh_endpt_add_hostkey(NC_ENDPT, "hostkey", -1) != 0 ||
	    nc_server_ssh_endpt_set_auth_methods(NC_ENDPT, NC_SSH_AUTH_PASSWORD) != 0 ||
	    nc_server_ssh_endpt_set_auth_attempts(NC_ENDPT, NC_AUTH_ATTEMPTS) != 0 ||
	    nc_server_ssh_endpt_set_auth_timeout(NC_ENDPT, (uint16_t)opt.auth_timeout) != 0 ||
	    nc_server_endpt_set_address(NC_ENDPT, opt.host) != 0 ||
	    nc_server_endpt_set_port(NC_ENDPT, opt.port) != 0) {
		snprintf(err, errlen, "--netconf: cannot listen on %s", opt.addr);
		return -EADDRINUSE;
	}
	nc.ps = nc_ps_new();
	if (nc.ps == NULL) {
		snprintf(err, errlen, "--netconf: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void
join_threads(void)
{
	atomic_store(&nc.stop, true);
	while (nc.nb_accept_threads > 0)
		pthread_join(nc.accept_threads[--nc.nb_accept_threads], NULL);
	pthread_join(nc.rpc_thread, NULL);
}

int
vpkg_netconf_start(char *err, size_t errlen)
{
	char name[16];
	int rc;

	if (!nc.enabled)
		return 0;
	rc = start_server(err, errlen);
	if (rc != 0)
		return rc;
	atomic_store(&nc.stop, false);
	rc = pthread_create(&nc.rpc_thread, NULL, rpc_loop, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "--netconf: cannot start its threads: %s", strerror(rc));
		return -rc;
	}
	pthread_setname_np(nc.rpc_thread, "netconf-rpc");
	while (rc == 0 && nc.nb_accept_threads < opt.handshakes) {
		rc = pthread_create(&nc.accept_threads[nc.nb_accept_threads], NULL, accept_loop, NULL);
		if (rc == 0) {
			snprintf(name, sizeof(name), "netconf-acc%u", nc.nb_accept_threads);
			pthread_setname_np(nc.accept_threads[nc.nb_accept_threads++], name);
		}
	}
	if (rc != 0) {
		join_threads();
		snprintf(err, errlen, "--netconf: cannot start its threads: %s", strerror(rc));
		return -rc;
	}
	nc.running = true;
	printf("vpkg: NETCONF on %s (SSH, user %s)\n", opt.addr, (const char *)nc.auth.user);
	return 0;
}

void
vpkg_netconf_stop(void)
{
	if (!nc.enabled)
		return;
	if (nc.running) {
		join_threads();
		nc.running = false;
	}
	while (nc.nb_pending > 0)	/* threads joined: no lock needed */
		nc_session_free(nc.pending[--nc.nb_pending], NULL);
	nc.nb_sessions = 0;
	if (nc.ps != NULL) {
		nc_ps_clear(nc.ps, 1, NULL);
		nc_ps_free(nc.ps);
		nc.ps = NULL;
	}
	if (nc.initialised)
		nc_server_destroy();
	nc.initialised = false;
	lyd_free_siblings(nc.monitoring);
	nc.monitoring = NULL;
	ly_ctx_destroy(nc.ctx);
	nc.ctx = NULL;
	mgmt_guard_destroy(&nc.guard);
	pthread_mutex_destroy(&nc.admit_lock);
	mgmt_auth_clear(&nc.auth);
	nc.enabled = false;
}
