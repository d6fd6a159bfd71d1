/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two ONAP APIs of vpkg (stream-count, sample-plugin) on the --mgmt
 * server: see onap_api.c.
 */
#ifndef VPKG_ONAP_API_H
#define VPKG_ONAP_API_H

#include "mgmt.h"

/* The ONAP routes, for vpkg's mgmt binding. */
struct mgmt_route_table vpkg_onap_routes(void);

#endif /* VPKG_ONAP_API_H */
