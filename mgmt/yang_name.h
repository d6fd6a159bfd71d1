/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The name of a libyang data node, for the NETCONF server (vpkg) and client
 * (vfwcl-controller). Header only: included by libyang users alone.
 */
#ifndef YANG_NAME_H
#define YANG_NAME_H

#include <libyang/libyang.h>

/* Schema or opaque node: libyang's LYD_NAME() without its cast that drops const (-Wcast-qual). */
static inline const char *
yang_node_name(const struct lyd_node *n)
{
	return n->schema != NULL ? n->schema->name : ((const struct lyd_node_opaq *)n)->name.name;
}

#endif /* YANG_NAME_H */
