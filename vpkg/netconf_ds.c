/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NETCONF datastore view of the stream table (netconf_ds.h): reading it
 * as ONAP's two models, subtree filtering, and <edit-config>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconf_ds.h"
#include "streams.h"
#include "vpkg.h"

#define NC_MAX_ACTIVE 10	/* the range of active-streams in stream-count */
#define NC_PATH_MAX 512

/* ------------------------------------------------------------ read */

static struct vpkg_stream_spec *
specs_copy(unsigned int *n)
{
	struct vpkg_stream_spec *specs = calloc(VPKG_MAX_STREAMS, sizeof(*specs));

	if (specs != NULL)
		*n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);
	return specs;
}

/* top/pg-streams with one pg-stream per stream (enabled ones only unless all). */
static LY_ERR
add_pg_streams(const struct lys_module *mod, const char *top, const struct vpkg_stream_spec *specs,
		unsigned int n, bool all, struct lyd_node **forest)
{
	struct lyd_node *root, *pgs, *e;
	unsigned int i;
	LY_ERR rc;

	rc = lyd_new_inner(NULL, mod, top, 0, &root);
	if (rc != LY_SUCCESS)
		return rc;
	rc = lyd_new_inner(root, mod, "pg-streams", 0, &pgs);
	for (i = 0; i < n && rc == LY_SUCCESS; i++) {
		if (!all && !specs[i].enabled)
			continue;
		rc = lyd_new_list(pgs, mod, "pg-stream", 0, &e, specs[i].name);
		if (rc == LY_SUCCESS)
			rc = lyd_new_term(e, mod, "is-enabled", specs[i].enabled ? "true" : "false",
					0, NULL);
	}
	if (rc == LY_SUCCESS)
		rc = lyd_insert_sibling(*forest, root, forest);
	if (rc != LY_SUCCESS)
		lyd_free_tree(root);
	return rc;
}

/* top/streams/active-streams (absent when on is outside the model's range). */
static LY_ERR
add_stream_count(const struct lys_module *mod, const char *top, unsigned int on,
		struct lyd_node **forest)
{
	struct lyd_node *root, *streams;
	char num[16];
	LY_ERR rc;

	rc = lyd_new_inner(NULL, mod, top, 0, &root);
	if (rc != LY_SUCCESS)
		return rc;
	rc = lyd_new_inner(root, mod, "streams", 0, &streams);
	if (rc == LY_SUCCESS && on >= 1 && on <= NC_MAX_ACTIVE) {
		snprintf(num, sizeof(num), "%u", on);
		rc = lyd_new_term(streams, mod, "active-streams", num, 0, NULL);
	}
	if (rc == LY_SUCCESS)
		rc = lyd_insert_sibling(*forest, root, forest);
	if (rc != LY_SUCCESS)
		lyd_free_tree(root);
	return rc;
}

LY_ERR
nc_ds_read(const struct ly_ctx *ctx, bool state, struct lyd_node **out)
{
	const struct lys_module *sp = ly_ctx_get_module_implemented(ctx, NC_SP_MODULE);
	const struct lys_module *sc = ly_ctx_get_module_implemented(ctx, NC_SC_MODULE);
	struct vpkg_stream_spec *specs;
	unsigned int n = 0, i, on = 0;
	LY_ERR rc;

	*out = NULL;
	if (sp == NULL || sc == NULL)
		return LY_EINT;
	specs = specs_copy(&n);
	if (specs == NULL)
		return LY_EMEM;
	for (i = 0; i < n; i++)
		on += specs[i].enabled;
	rc = add_pg_streams(sp, "sample-plugin", specs, n, false, out);
	if (rc == LY_SUCCESS)
		rc = add_stream_count(sc, "stream-count", on, out);
	if (rc == LY_SUCCESS && state)
		rc = add_pg_streams(sp, "sample-plugin-state", specs, n, true, out);
	if (rc == LY_SUCCESS && state)
		rc = add_stream_count(sc, "stream-count-state", on, out);
	free(specs);
	if (rc != LY_SUCCESS) {
		lyd_free_siblings(*out);
		*out = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ subtree filter */

/* A filter node is opaque (anyxml content) or, when libyang knew it, a data node. */
static const char *
fnode_ns(const struct lyd_node *f)
{
	if (f->schema != NULL)
		return f->schema->module->ns;
	return ((const struct lyd_node_opaq *)f)->name.module_ns;
}

static const char *
fnode_value(const struct lyd_node *f)
{
	if (f->schema != NULL)
		return (f->schema->nodetype & LYD_NODE_TERM) ? lyd_get_value(f) : NULL;
	return ((const struct lyd_node_opaq *)f)->value;
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Same name, and the filter's namespace (if it has one) is the node's module's. */
static bool
fnode_names(const struct lyd_node *f, const struct lyd_node *d)
{
	const char *ns = fnode_ns(f);

	return strcmp(yang_node_name(f), yang_node_name(d)) == 0 &&
	       (ns == NULL || ns[0] == '\0' || strcmp(ns, d->schema->module->ns) == 0);
}

/* A leaf with a value: a content match node (RFC 6241 6.2.5). */
static bool
is_content_match(const struct lyd_node *f)
{
	return lyd_child(f) == NULL && !blank(fnode_value(f));
}

/* Every content match child of f is matched by a child of d. */
static bool
content_matches(const struct lyd_node *d, const struct lyd_node *f)
{
	const struct lyd_node *fc, *dc;
	bool found;

	LY_LIST_FOR(lyd_child(f), fc) {
		if (!is_content_match(fc))
			continue;
		found = false;
		LY_LIST_FOR(lyd_child(d), dc) {
			if ((dc->schema->nodetype & LYD_NODE_TERM) && fnode_names(fc, dc) &&
			    strcmp(lyd_get_value(dc), fnode_value(fc)) == 0) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static bool
only_content_matches(const struct lyd_node *f)
{
	const struct lyd_node *fc;

	LY_LIST_FOR(lyd_child(f), fc)
		if (!is_content_match(fc))
			return false;
	return true;
}

/* Put dup under parent, or at the end of the forest *first. */
static LY_ERR
place(const struct lyd_node *d, struct lyd_node *parent, struct lyd_node **first, uint32_t opts,
		struct lyd_node **dup)
{
	LY_ERR rc = lyd_dup_single(d, (struct lyd_node_inner *)parent, opts, dup);

	if (rc == LY_SUCCESS && parent == NULL)
		rc = lyd_insert_sibling(*first, *dup, first);
	return rc;
}

static LY_ERR filter_siblings(const struct lyd_node *data, const struct lyd_node *filter,
		struct lyd_node *parent, struct lyd_node **first);

/*
 * d against the filter node f of its name: *taken false when f's content
 * matches exclude d, else the selected part of d is copied.
 */
static LY_ERR
filter_node(const struct lyd_node *d, const struct lyd_node *f, struct lyd_node *parent,
		struct lyd_node **first, bool *taken)
{
	struct lyd_node *dup, *c;
	bool any = false;
	LY_ERR rc;

	*taken = false;
	if (lyd_child(f) == NULL) {
		if (is_content_match(f) &&
		    (!(d->schema->nodetype & LYD_NODE_TERM) ||
		     strcmp(lyd_get_value(d), fnode_value(f)) != 0))
			return LY_SUCCESS;
		*taken = true;
		return place(d, parent, first, LYD_DUP_RECURSIVE, &dup);
	}
	if (!content_matches(d, f))
		return LY_SUCCESS;
	*taken = true;
	if (only_content_matches(f))
		return place(d, parent, first, LYD_DUP_RECURSIVE, &dup);
	rc = place(d, parent, first, 0, &dup);	/* a list's keys come along */
	if (rc != LY_SUCCESS)
		return rc;
	rc = filter_siblings(lyd_child(d), lyd_child(f), dup, NULL);
	LY_LIST_FOR(lyd_child(dup), c)
		if (!lysc_is_key(c->schema))
			any = true;
	if (rc == LY_SUCCESS && !any)	/* nothing selected below: d is not either */
		lyd_free_tree(dup);
	return rc;
}

static LY_ERR
filter_siblings(const struct lyd_node *data, const struct lyd_node *filter,
		struct lyd_node *parent, struct lyd_node **first)
{
	const struct lyd_node *d, *f;
	bool taken;
	LY_ERR rc;

	LY_LIST_FOR(data, d) {
		if (parent != NULL && lysc_is_key(d->schema))
			continue;	/* copied with the list entry */
		taken = false;
		LY_LIST_FOR(filter, f) {
			if (!fnode_names(f, d))
				continue;
			/* a content match leaf among containment siblings: selected if it matches */
			rc = filter_node(d, f, parent, first, &taken);
			if (rc != LY_SUCCESS)
				return rc;
			if (taken)
				break;
		}
	}
	return LY_SUCCESS;
}

LY_ERR
nc_ds_filter(const struct lyd_node *data, const struct lyd_node *filter, struct lyd_node **out)
{
	LY_ERR rc;

	*out = NULL;
	rc = filter_siblings(data, filter, NULL, out);
	if (rc != LY_SUCCESS) {
		lyd_free_siblings(*out);
		*out = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ edit-config */

enum nc_op { OP_NONE, OP_MERGE, OP_REPLACE, OP_CREATE, OP_DELETE, OP_REMOVE };

static enum nc_op
op_parse(const char *s)
{
	static const char *const names[] = { "none", "merge", "replace", "create", "delete",
		"remove" };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum nc_op)i;
	return OP_MERGE;
}

/* The node's own operation attribute, else the inherited one. */
static enum nc_op
node_op(const struct lyd_node *n, enum nc_op inherited)
{
	struct lyd_meta *m = lyd_find_meta(n->meta, NULL, "ietf-netconf:operation");

	return m != NULL ? op_parse(lyd_get_meta_value(m)) : inherited;
}

/* What went wrong, for the rpc-error (filled by the edit functions). */
struct edit_fail {
	NC_ERR tag;
	char path[NC_PATH_MAX];
};

struct edit_arg {
	const struct lyd_node *config;
	enum nc_op defop;
	struct edit_fail *fail;
};

static int fail(struct edit_fail *f, NC_ERR tag, const struct lyd_node *at, char *err,
		size_t errlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Record tag and the path of at for the rpc-error, the message in err; -EINVAL. */
static int
fail(struct edit_fail *f, NC_ERR tag, const struct lyd_node *at, char *err, size_t errlen,
		const char *fmt, ...)
{
	char *p = at != NULL ? lyd_path(at, LYD_PATH_STD, NULL, 0) : NULL;
	va_list ap;

	f->tag = tag;
	snprintf(f->path, sizeof(f->path), "%s", p != NULL ? p : "");
	free(p);
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct lyd_node *
child_named(const struct lyd_node *n, const char *name)
{
	const struct lyd_node *c;

	LY_LIST_FOR(lyd_child(n), c)
		if (strcmp(yang_node_name(c), name) == 0)
			return c;
	return NULL;
}

static unsigned int
count_enabled(const struct vpkg_stream_spec *specs, unsigned int n)
{
	unsigned int i, on = 0;

	for (i = 0; i < n; i++)
		on += specs[i].enabled;
	return on;
}

/*
 * stream-count: set active-streams (the first N streams by id, as
 * vpkg_set_active_streams and the REST PUT do); it cannot be removed.
 */
static int
edit_stream_count(const struct lyd_node *top, enum nc_op op, struct vpkg_stream_spec *specs,
		unsigned int n, struct edit_fail *f, char *err, size_t errlen)
{
	const struct lyd_node *streams, *leaf = NULL;
	enum nc_op sop, lop;
	unsigned int want, i;
	bool present = count_enabled(specs, n) >= 1 && count_enabled(specs, n) <= NC_MAX_ACTIVE;

	op = node_op(top, op);
	streams = child_named(top, "streams");
	sop = streams != NULL ? node_op(streams, op) : op;
	if (streams != NULL)
		leaf = child_named(streams, "active-streams");
	lop = leaf != NULL ? node_op(leaf, sop) : sop;
	if (op == OP_DELETE || op == OP_REMOVE || sop == OP_DELETE || sop == OP_REMOVE ||
	    lop == OP_DELETE || lop == OP_REMOVE ||
	    (leaf == NULL && (op == OP_REPLACE || sop == OP_REPLACE)))
		return fail(f, NC_ERR_OP_NOT_SUPPORTED, leaf ?: streams ?: top, err, errlen,
			    "active-streams: the generator always has a number of active streams");
	if (leaf == NULL)
		return 0;
	if ((op == OP_CREATE || sop == OP_CREATE || lop == OP_CREATE) && present)
		return fail(f, NC_ERR_DATA_EXISTS, leaf, err, errlen, "active-streams: already set");
	if (lop == OP_NONE)
		return 0;
	want = (unsigned int)strtoul(lyd_get_value(leaf), NULL, 10);	/* typed: 1..10 */
	if (want > n)
		return fail(f, NC_ERR_INVALID_VALUE, leaf, err, errlen,
			    "active-streams: invalid value '%u' (there are %u streams)", want, n);
	for (i = 0; i < n; i++)	/* the master list is sorted by id */
		specs[i].enabled = i < want;
	return 0;
}

static int
spec_index(const struct vpkg_stream_spec *specs, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* One pg-stream entry under operation op (the entry exists = the stream is enabled). */
static int
edit_pg_stream(const struct lyd_node *e, enum nc_op op, struct vpkg_stream_spec *specs,
		unsigned int n, struct edit_fail *f, char *err, size_t errlen)
{
	const struct lyd_node *id = child_named(e, "id"), *on = child_named(e, "is-enabled");
	const char *name = lyd_get_value(id);
	int idx = spec_index(specs, n, name);
	enum nc_op eop = node_op(e, op), vop = on != NULL ? node_op(on, eop) : eop;
	bool enable;

	if (idx < 0 && eop != OP_REMOVE)
		return fail(f, eop == OP_DELETE ? NC_ERR_DATA_MISSING : NC_ERR_INVALID_VALUE, e,
			    err, errlen, "pg-stream '%s': no such stream", name);
	if (idx < 0)
		return 0;	/* remove of what is not there */
	switch (eop) {
	case OP_DELETE:
		if (!specs[idx].enabled)
			return fail(f, NC_ERR_DATA_MISSING, e, err, errlen,
				    "pg-stream '%s': not enabled", name);
		/* fall through */
	case OP_REMOVE:
		specs[idx].enabled = false;
		return 0;
	case OP_CREATE:
		if (specs[idx].enabled)
			return fail(f, NC_ERR_DATA_EXISTS, e, err, errlen,
				    "pg-stream '%s': already enabled", name);
		break;
	case OP_NONE:
		if (on == NULL || vop == OP_NONE)
			return 0;
		break;
	default:
		break;
	}
	/* is-enabled false, or its removal, leaves the stream off; absent means on */
	enable = on == NULL || vop == OP_DELETE || vop == OP_REMOVE ||
		 strcmp(lyd_get_value(on), "true") == 0;
	specs[idx].enabled = enable;
	return 0;
}

/* Each id once in one edit (the list is keyed by id). */
static int
check_unique(const struct lyd_node *pgs, struct edit_fail *f, char *err, size_t errlen)
{
	const struct lyd_node *a, *b;

	LY_LIST_FOR(lyd_child(pgs), a) {
		for (b = a->next; b != NULL; b = b->next) {
			if (strcmp(lyd_get_value(child_named(a, "id")),
				   lyd_get_value(child_named(b, "id"))) == 0)
				return fail(f, NC_ERR_INVALID_VALUE, b, err, errlen,
					    "pg-stream '%s' is listed twice",
					    lyd_get_value(child_named(b, "id")));
		}
	}
	return 0;
}

/*
 * sample-plugin: replace of the container (ODL's PUT, the REST PUT's meaning)
 * enables exactly the listed streams; delete/remove disables them all.
 */
static int
edit_sample_plugin(const struct lyd_node *top, enum nc_op op, struct vpkg_stream_spec *specs,
		unsigned int n, struct edit_fail *f, char *err, size_t errlen)
{
	const struct lyd_node *pgs = child_named(top, "pg-streams"), *e;
	enum nc_op pop;
	unsigned int i;
	int rc;

	op = node_op(top, op);
	pop = pgs != NULL ? node_op(pgs, op) : op;
	if (pgs != NULL && (rc = check_unique(pgs, f, err, errlen)) != 0)
		return rc;
	if ((op == OP_CREATE || pop == OP_CREATE) && count_enabled(specs, n) > 0)
		return fail(f, NC_ERR_DATA_EXISTS, pgs ?: top, err, errlen,
			    "pg-streams: streams are enabled already");
	if ((op == OP_DELETE || pop == OP_DELETE) && count_enabled(specs, n) == 0)
		return fail(f, NC_ERR_DATA_MISSING, pgs ?: top, err, errlen,
			    "pg-streams: no stream is enabled");
	if (op == OP_REPLACE || pop == OP_REPLACE || op == OP_DELETE || pop == OP_DELETE ||
	    op == OP_REMOVE || pop == OP_REMOVE)
		for (i = 0; i < n; i++)
			specs[i].enabled = false;
	if (pgs == NULL || op == OP_DELETE || pop == OP_DELETE || op == OP_REMOVE ||
	    pop == OP_REMOVE)
		return 0;
	LY_LIST_FOR(lyd_child(pgs), e) {
		rc = edit_pg_stream(e, pop == OP_REPLACE ? OP_MERGE : pop, specs, n, f, err,
				errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
edit_all(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct edit_arg *a = arg;
	const struct lyd_node *top;
	int rc = 0;

	LY_LIST_FOR(a->config, top) {
		if (strcmp(top->schema->module->name, NC_SC_MODULE) == 0)
			rc = edit_stream_count(top, a->defop, specs, n, a->fail, err, errlen);
		else if (strcmp(top->schema->module->name, NC_SP_MODULE) == 0)
			rc = edit_sample_plugin(top, a->defop, specs, n, a->fail, err, errlen);
		else
			rc = fail(a->fail, NC_ERR_OP_NOT_SUPPORTED, top, err, errlen,
				  "%s: not configurable here", yang_node_name(top));
		if (rc != 0)
			return rc;
	}
	return 0;
}

struct lyd_node *
nc_ds_error(const struct ly_ctx *ctx, NC_ERR tag, const char *path, const char *elem,
		const char *ns, const char *msg)
{
	struct lyd_node *e;

	switch (tag) {
	case NC_ERR_UNKNOWN_NS:
		e = nc_err(ctx, tag, NC_ERR_TYPE_APP, elem ?: "", ns ?: "");
		break;
	case NC_ERR_MISSING_ELEM:
	case NC_ERR_BAD_ELEM:
	case NC_ERR_UNKNOWN_ELEM:
		e = nc_err(ctx, tag, NC_ERR_TYPE_APP, elem ?: "");
		break;
	case NC_ERR_DATA_EXISTS:
	case NC_ERR_DATA_MISSING:
	case NC_ERR_MALFORMED_MSG:
		e = nc_err(ctx, tag);
		break;
	default:
		e = nc_err(ctx, tag, NC_ERR_TYPE_APP);
		break;
	}
	if (e == NULL)
		return NULL;
	if (path != NULL && path[0] != '\0')
		nc_err_set_path(e, path);
	if (msg != NULL && msg[0] != '\0')
		nc_err_set_msg(e, msg, "en");
	return e;
}

int
nc_ds_edit(const struct ly_ctx *ctx, const struct lyd_node *config, const char *default_op,
		struct lyd_node **error)
{
	struct edit_fail f = { .tag = NC_ERR_OP_FAILED };
	struct edit_arg a = { .config = config, .defop = op_parse(default_op), .fail = &f };
	char err[DP_ERR_LEN] = "";
	int rc;

	*error = NULL;
	if (config == NULL)
		return 0;
	rc = vpkg_streams_modify(edit_all, &a, err, sizeof(err));
	if (rc == 0)
		return 0;
	if (f.path[0] == '\0')	/* refused by the stream table itself (streams.h) */
		f.tag = rc == -EINVAL ? NC_ERR_INVALID_VALUE : NC_ERR_OP_FAILED;
	*error = nc_ds_error(ctx, f.tag, f.path, NULL, NULL, err[0] != '\0' ? err : strerror(-rc));
	return rc;
}
