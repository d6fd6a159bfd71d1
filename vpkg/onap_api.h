/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two ONAP APIs of vpkg (stream-count, sample-plugin) on the --mgmt
 * server: see onap_api.c.
 */
#ifndef VPKG_ONAP_API_H
#define VPKG_ONAP_API_H

#include "mgmt.h"

/* Add the ONAP routes to s (before mgmt_start). */
int vpkg_onap_routes(struct mgmt_server *s);

#endif /* VPKG_ONAP_API_H */
