/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's start-up steps (vfw_setup.c), called by main in this order once
 * dp_ports_init has started the ports; each fills its part of struct vfw
 * (vfw.h) or the tables it names, on the main lcore before the workers run.
 * A value the user gave that cannot work ends the process with exit 2 and
 * one line; an allocation failure with exit 1.
 */
#ifndef VFW_SETUP_H
#define VFW_SETUP_H

#include <stddef.h>

/* The rules of --rules (or the built-in set); also the lifecycle's restart re-read. */
int vfw_replace_rules(void *ctx, char *err, size_t errlen);

/* The first rule set (before the ports): exit 2 for a bad file, 1 without memory. */
void vfw_load_rules(void);

/* vfw.ports[] and vfw.v4_special: roles, addresses (defaults), peers; checks overlaps. */
void vfw_setup_ports(void);

/* vfw_routes: connected subnets and --route; then the next hops (nexthop.h). */
void vfw_setup_routes(void);

/* Every worker rx queue q of every port where q % workers == index, its own tx queues. */
void vfw_setup_queues(void);

/* vfw.workers[]: counters, clock, burst buffers and session table of each polling worker. */
void vfw_setup_workers(void);

/* Free what vfw_setup_workers allocated (after the workers stopped). */
void vfw_free_workers(void);

/* The ports, the rule set and the workers, one line each. */
void vfw_print_summary(void);

#endif /* VFW_SETUP_H */
