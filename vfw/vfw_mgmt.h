/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's management plane: the common REST routes (mgmt/) plus the rule set:
 *   GET /api/v1/rules   the rules in effect with their per-rule counters
 *   PUT /api/v1/rules   {"rules": "<a whole rule file>"}: validated first,
 *                       compiled and swapped atomically (RCU); a bad set
 *                       gets a 400 naming line and reason and the old set
 *                       stays
 * Thread safety: handlers run on the REST server's threads; the rule set
 * functions (acl.h) serialise among control threads themselves.
 */
#ifndef VFW_MGMT_H
#define VFW_MGMT_H

#include <stddef.h>

#include <jansson.h>

#include "dp_options.h"

int vfw_mgmt_register_options(struct dp_app *app);
int vfw_mgmt_create(json_t *(*stats_json)(void *ctx), char *err, size_t errlen);
int vfw_mgmt_start(char *err, size_t errlen);
void vfw_mgmt_stop(void);

/* The "rules" section of the stats JSON. */
json_t *vfw_mgmt_rules_json(void);

#endif /* VFW_MGMT_H */
