/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's worker without EAL or ports, for the fuzz target (tests/fuzz/
 * fuzz_vfw.c) and the unit tests of forward.c and classify.c: the globals
 * vfw_main.c and acl.c define, in-memory stand-ins for the shared neighbour
 * table (no EAL ring) and the REST session requests, EAL's allocator on malloc
 * (tests/lib/test_malloc_wrap.c; link with -Wl,--wrap=rte_eal_has_hugepages,
 * --wrap=rte_zmalloc_socket,--wrap=rte_free where the session table is used), one worker with its counters and a rule
 * set, and the frames: fake mbufs (tests/fuzz/fuzz_mbuf.h: each segment a
 * malloc of exactly its length, so that AddressSanitizer sees a read past
 * the data) whose end is recorded: freed, or sent out of a port.
 *
 * forward.c and arp_nd.c are compiled into the file that uses them through
 * vfw_harness_fwd.h (their functions are static; a test of classify.c
 * alone links arp_nd.c instead); classify.c and the session table are
 * linked as they are (tests/vfw/meson.build: vfw_harness_sources).
 *
 * Set-up (vh_setup_ports()): two ports with --eth-peer (no neighbour
 * resolution), the unprotected one (0) 10.0.0.1/24 2001:db8::1/64, the
 * protected one (1) 10.1.0.1/24 2001:db8:1::1/64; the inside is 10.1/16
 * and 2001:db8:1::/48, everything else is routed out of port 0.
 * vh_world_init(): the rule set is the default policy (allow, with state),
 * no rte_acl (which needs EAL memory).
 */
#ifndef VFW_HARNESS_H
#define VFW_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "acl.h"
#include "conntrack.h"
#include "dp_pkt.h"
#include "fuzz_mbuf.h"
#include "vfw.h"

#define VH_PORTS 2
#define VH_MAX_FRAMES 64	/* frames alive at once (a burst, or a pipeline's three) */
#define VH_MAX_RULES 4		/* rules before the default policy */

/* The ports' MACs and their --eth-peer MACs (02:00:00:00:00:01 / :02, :11 / :12). */
extern const struct rte_ether_addr vh_port_mac[VH_PORTS];
extern const struct rte_ether_addr vh_peer_mac[VH_PORTS];

/* A harness invariant broken: stops the run with the reason (a finding, not a test failure). */
#define VH_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: harness check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

enum vh_fate { VH_NONE, VH_FREED, VH_SENT };

struct vh_frame {
	struct fuzz_chain chain;
	uint8_t fate;		/* enum vh_fate */
	uint8_t sent_port;	/* VH_SENT: the port */
	uint16_t sent_pos;	/* VH_SENT: its place in that port's tx buffer */
};

/* The worker and what it writes; one per process, reset by vh_world_init(). */
struct vh_world {
	struct vfw_worker w;
	struct vfw_ruleset rs;
	struct vfw_rule_verdict verdict[VH_MAX_RULES + 1];
	struct vfw_rule_ctr rule_ctr[VH_MAX_RULES + 1];
	uint64_t pctr[VH_PORTS * VFW_CTR_MAX];	/* port counters, port-major */
	uint64_t ct_ctr[CT_CTR_MAX];
	uint64_t ct_gauge[CT_G_MAX];
	uint32_t timeouts[CT_STATE_MAX];	/* the defaults, in ticks */
	struct vh_frame fr[VH_MAX_FRAMES];
	unsigned int nb_fr;
};

extern struct vh_world vh;

/* Ports, addresses, routes and next hops as the file's comment says (any earlier ones cleared). */
void vh_setup_ports(void);
/* A route (prefix/plen, gw NULL = on-link) out of port; the next hops are bound by vh_bind(). */
void vh_route(uint8_t fam, const char *prefix, uint8_t plen, uint16_t port, const char *gw);
/* Give the routes their next hops (ports with has_peer: the peer). */
void vh_bind(void);

/*
 * The worker, its counters and the rule set (the default policy: allow
 * with state; nb_rules 0), the hash seed fixed; frames and sessions not
 * touched. Call after vh_setup_ports().
 */
void vh_world_init(void);
/* A new session table of max_sessions at tick now (the previous one must be finished). */
void vh_table_init(uint32_t max_sessions, uint32_t now);
void vh_table_fini(void);

/*
 * A frame of len bytes (a copy) as fuzz_chain_build() makes it (ctl: the
 * split and the rx checksum flags; single: one segment), registered;
 * returns its first mbuf.
 */
struct rte_mbuf *vh_frame_add(const uint8_t ctl[FUZZ_MBUF_CTL], const uint8_t *frame, size_t len,
		int single);
/* The registered frame of m (aborts for an mbuf that is not one). */
struct vh_frame *vh_frame_of(const struct rte_mbuf *m);
/* Free every registered frame's memory; the registry is empty again. */
void vh_frames_free(void);

/*
 * The spec (dp_pkt.h) of a frame arriving on port in (to its MAC, from its
 * peer): proto, the addresses as text (both IPv4 or both IPv6), the ports
 * (host order; ICMP: the echo id in sport), TTL 64, frame_len the minimum.
 */
void vh_spec(struct dp_pkt_spec *s, uint16_t in, uint8_t proto, const char *src, const char *dst,
		uint16_t sport, uint16_t dport);

/*
 * An ICMPv4 error (type, code 1) from router to quote_src arriving on port
 * in, quoting the first 28 bytes of a UDP packet quote_src:sport ->
 * quote_dst:dport, checksums right, written to buf (size bytes at least
 * VH_ICMP4_ERROR_LEN). Returns its length, VH_ICMP4_ERROR_LEN.
 */
#define VH_ICMP4_ERROR_LEN (RTE_ETHER_HDR_LEN + 20 + 8 + 28)
uint16_t vh_icmp4_error(uint8_t *buf, size_t size, uint16_t in, uint8_t type, const char *router,
		const char *quote_src, const char *quote_dst, uint16_t sport, uint16_t dport);

/* The worker's frees, recorded (vfw_harness_fwd.h routes rte_pktmbuf_free* here). */
void vh_freed(struct rte_mbuf *m);
void vh_free_bulk(struct rte_mbuf **m, unsigned int n);
/* Empty the worker's tx buffers into the frames' fates (each frame ends once). */
void vh_collect_tx(void);

/* A port counter, and a counter's name (vfw.h). */
static inline uint64_t
vh_ctr(uint16_t port, unsigned int idx)
{
	return vh.pctr[port * VFW_CTR_MAX + idx];
}

const char *vh_ctr_name(unsigned int idx);

/* A counter that should have moved: port, index (enum vfw_port_ctr), by how much. */
struct vh_delta {
	uint16_t port;
	uint16_t idx;
	uint64_t n;
};

/*
 * True when the port counters moved from before (a copy of vh.pctr) by
 * exactly the deltas listed (an index listed twice adds up) and no other
 * counter moved; else false with the first difference in err.
 */
bool vh_ctr_deltas(const uint64_t before[VH_PORTS * VFW_CTR_MAX], const struct vh_delta *d,
		unsigned int n, char *err, size_t errlen);

#endif /* VFW_HARNESS_H */
