/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfw worker (forward.c): what main and the set-up call. The worker's
 * internals (packet view, stages) are in fwd.h.
 */
#ifndef VFW_FORWARD_H
#define VFW_FORWARD_H

#include <stdint.h>

struct vfw_worker;

/* The worker (rte_eal_remote_launch), arg is its struct dp_worker. */
int vfw_worker_main(void *arg);
/* Per-worker fast-path state (main, before launch / after the stop). */
int vfw_fwd_init(struct vfw_worker *w, unsigned int nb_rxq, uint16_t burst, int socket);
void vfw_fwd_fini(struct vfw_worker *w);

#endif /* VFW_FORWARD_H */
