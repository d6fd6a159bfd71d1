/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's own options (vfw_options.c): what the command line and --config
 * gave, checked value by value; turned into the fast path's ports and
 * routes by vfw_setup.c.
 *
 * Thread safety: written by the option parser on the main lcore before
 * EAL starts the workers; read-only afterwards (struct vfw.opt).
 */
#ifndef VFW_OPTIONS_H
#define VFW_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_ether.h>

#include "conntrack.h"
#include "dp_options.h"

/* A port's addresses as given on the command line (by port id). */
struct vfw_port_opt {
	bool has_ip4, has_ip6, has_peer;
	uint8_t ip4[4];
	uint8_t plen4;
	uint8_t ip6[16];
	uint8_t plen6;
	struct rte_ether_addr peer;
};

#define VFW_MAX_STATIC_ROUTES 32

struct vfw_static_route {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 */
	uint8_t plen;
	uint8_t prefix[16];
	uint8_t gw[16];
	char text[96];
};

struct vfw_options {
	char rules_file[PATH_MAX];	/* "" = the built-in policy */
	uint32_t max_sessions;		/* per worker */
	uint32_t timeout_ms[CT_STATE_MAX];	/* idle timeout per state, milliseconds */
	uint64_t max_packets;		/* stop after this many rx packets; 0 = no limit */
	uint32_t neigh_timeout_sec;	/* a neighbour unused and not learned that long dies */
	bool verify_cksum;
	int unprotected_port;		/* port id; -1 = the first port */
	int protected_port;		/* port id; -1 = the second port */
	struct vfw_port_opt port[RTE_MAX_ETHPORTS];	/* by port id */
	unsigned int nb_routes;
	struct vfw_static_route routes[VFW_MAX_STATIC_ROUTES];
};

/*
 * Set o to the defaults and return vfw's application (option table, --config
 * keys, --help text) writing into o, for dp_main_init.
 */
struct dp_app *vfw_options_app(struct vfw_options *o);

#endif /* VFW_OPTIONS_H */
