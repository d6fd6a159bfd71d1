/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw/forward.c and vfw/arp_nd.c compiled into the including file (for
 * their static functions: stage12(), stage34(), vfw_on_burst()...), with
 * the worker's frees recorded by the harness (vh_freed(): the frames are
 * fake mbufs) and no mbuf pool (an ARP/ND solicitation counts
 * solicit_nombuf). Include once per executable, in place of a header.
 */
#ifndef VFW_HARNESS_FWD_H
#define VFW_HARNESS_FWD_H

#include <rte_mbuf.h>

#include "vfw_harness.h"

#define rte_pktmbuf_free(m) vh_freed(m)
#define rte_pktmbuf_free_bulk(m, n) vh_free_bulk(m, n)
#define rte_pktmbuf_alloc(pool) ((void)(pool), (struct rte_mbuf *)NULL)

#include "../../vfw/forward.c"
#include "../../vfw/arp_nd.c"

#undef rte_pktmbuf_free
#undef rte_pktmbuf_free_bulk
#undef rte_pktmbuf_alloc

#endif /* VFW_HARNESS_FWD_H */
