/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running datastore of vpkg's NETCONF server: the stream table seen
 * through ONAP's two models (vpkg/yang/), and edits of it.
 *
 * Configuration (get-config, get):
 *	sample-plugin/pg-streams/pg-stream[id]: one entry per ENABLED stream
 *	    (id = stream name, is-enabled true), as the REST GET of pg-streams;
 *	    so removing an entry disables the stream, adding one enables it.
 *	stream-count/streams/active-streams: the number of enabled streams,
 *	    absent when it is outside 1..10.
 * State (get only): sample-plugin-state lists every stream with is-enabled,
 * stream-count-state the number of enabled streams.
 *
 * An edit is checked and applied in one vpkg_streams_modify() call: all or
 * nothing, returned once the workers run on the new table.
 *
 * Thread safety: the NETCONF server's RPC thread; streams.h serialises with
 * the REST server.
 */
#ifndef VPKG_NETCONF_DS_H
#define VPKG_NETCONF_DS_H

#include <stdbool.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "yang_name.h"

#define NC_SP_MODULE "sample-plugin"
#define NC_SC_MODULE "stream-count"

/* The configuration (state: also the state containers) as a new forest; NULL = none. */
LY_ERR nc_ds_read(const struct ly_ctx *ctx, bool state, struct lyd_node **out);

/*
 * Apply an <edit-config>'s config (parsed against the context, with
 * ietf-netconf:operation metadata) with default_op ("merge", "replace",
 * "none"; NULL = merge). 0 once the workers run on it; else a negative
 * errno, nothing changed, and *error an rpc-error (NULL if out of memory).
 */
int nc_ds_edit(const struct ly_ctx *ctx, const struct lyd_node *config, const char *default_op,
		struct lyd_node **error);

/* An rpc-error: tag, error-path, bad-element / bad-namespace where the tag has them. */
struct lyd_node *nc_ds_error(const struct ly_ctx *ctx, NC_ERR tag, const char *path,
		const char *elem, const char *ns, const char *msg);

/*
 * RFC 6241 6: the parts of the forest data that the subtree filter selects
 * (filter: the children of <filter>, opaque or data nodes), as a new forest
 * in *out (NULL = nothing selected).
 */
LY_ERR nc_ds_filter(const struct lyd_node *data, const struct lyd_node *filter,
		struct lyd_node **out);

#endif /* VPKG_NETCONF_DS_H */
