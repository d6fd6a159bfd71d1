/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours: IPv4/IPv6 address -> MAC per port, learned from ARP and
 * neighbour discovery.
 *
 * One writer, many readers: workers that see an ARP reply, an ARP request
 * for one of our addresses or an NS/NA post (port, address, MAC) into a
 * multi-producer ring (vfw_neigh_learn, lock-free, never blocks) and wake
 * the process's control loop when the ring becomes pending; the loop drains
 * it (vfw_neigh_process) and is the only writer of the table. Workers read
 * entries lock-free: the MAC under a sequence counter (rte_seqcount),
 * retried if a write raced; the key without it, because a slot's key only
 * changes when the slot is reused, and a slot is reused only after an RCU
 * grace period (the process's QSBR, dp_rcu()) from the moment it died.
 *
 * Ageing (vfw_neigh_age, from the control loop every second): an entry
 * that was neither learned again nor found by a worker for --neigh-timeout
 * dies. A worker that finds an entry marks it used (one relaxed store, only
 * when the mark is clear, so its cache line is written at most once per
 * ageing pass). A dead slot stays a tombstone that lookups step over
 * (linear probing: the chain behind it must stay reachable) until the grace
 * period has passed; then a learn may reuse it, and a run of tombstones
 * followed by an empty slot becomes empty again. A learn that finds its
 * whole probe window taken evicts the window's oldest entry not used since
 * the last pass (the learn itself is lost: the host's next ARP reply or
 * our next request brings it back once the slot is free), so a flood of
 * ARP from many addresses cannot keep the neighbours in use out.
 *
 * Until the control loop has applied it, the worker that learned
 * an address also keeps it in a small cache of its own (arp_nd.c,
 * vfw_worker_neigh_lookup), so that a reply is usable at once even when the
 * control loop is slow to be scheduled. A worker that finds no entry
 * drops the packet (counted "unresolved") and sends an ARP request /
 * neighbour solicitation itself, at most one per address per second.
 */
#ifndef VFW_NEIGH_H
#define VFW_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_seqcount.h>

#define VFW_NEIGH_SLOTS 4096	/* power of two */
#define VFW_NEIGH_PROBE 32
#define VFW_NEIGH_TIMEOUT_SEC 300	/* --neigh-timeout default */
#define VFW_NEIGH_TIMEOUT_MAX_SEC 86400

enum vfw_neigh_state {
	VFW_NEIGH_EMPTY = 0,	/* never used: ends a probe chain */
	VFW_NEIGH_LIVE,		/* an entry */
	VFW_NEIGH_DEAD,		/* a tombstone: lookups step over it */
};

struct vfw_neigh {
	/*
	 * Written: control; read: workers (mac) and report threads (key and
	 * mac, vfw_neigh_snapshot). A reuse writes the key under it too.
	 */
	rte_seqcount_t sc;
	uint8_t state;		/* enum vfw_neigh_state; written: control (release); read: all */
	uint8_t used;		/* set: workers (when clear); cleared: control (ageing) */
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 } the key: written by control on */
	uint16_t port;		/* dp_ports[] index     } a reuse only (after the grace */
	uint8_t ip[16];		/*                       } period), under sc */
	struct rte_ether_addr mac;	/* under sc */
	/* control loop only */
	uint64_t seen_ns;	/* monotonic: learned, or found used by an ageing pass */
	uint64_t confirmed_ns;	/* monotonic: an ARP/ND message from it was learned */
	uint64_t dead_token;	/* RCU token taken when it died (state DEAD) */
	uint8_t probes;		/* unicast probes sent since it was last confirmed */
	bool gateway;		/* a route's gateway (nexthop.h): in use while routes exist */
} __rte_cache_aligned;

/* Written: the control loop (vfw_neigh_process); read: workers. */
extern struct vfw_neigh *vfw_neigh_tab;

int vfw_neigh_init(char *err, size_t errlen);
void vfw_neigh_fini(void);

static inline uint32_t
vfw_neigh_slot(uint16_t port, uint8_t family, const uint8_t *ip)
{
	uint32_t h = (uint32_t)port * 0x9e3779b1u ^ family, w, i;

	for (i = 0; i < (family == 1 ? 4u : 16u); i += 4) {
		memcpy(&w, ip + i, 4);
		h = (h ^ w) * 0x85ebca6bu;
		h ^= h >> 15;
	}
	return h & (VFW_NEIGH_SLOTS - 1);
}

/* Worker side: the MAC of ip on port; false when unknown. */
static inline bool
vfw_neigh_lookup(uint16_t port, uint8_t family, const uint8_t *ip, struct rte_ether_addr *mac)
{
	uint32_t s = vfw_neigh_slot(port, family, ip), n;
	unsigned int len = family == 1 ? 4 : 16;

	for (n = 0; n < VFW_NEIGH_PROBE; n++) {
		struct vfw_neigh *e = &vfw_neigh_tab[(s + n) & (VFW_NEIGH_SLOTS - 1)];
		uint32_t sn;
		int tries;

		uint8_t st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);

		if (st == VFW_NEIGH_EMPTY)
			return false;
		if (st != VFW_NEIGH_LIVE || e->port != port || e->family != family ||
		    memcmp(e->ip, ip, len) != 0)
			continue;
		if (!__atomic_load_n(&e->used, __ATOMIC_RELAXED))
			__atomic_store_n(&e->used, 1, __ATOMIC_RELAXED);
		for (tries = 0; tries < 8; tries++) {
			sn = rte_seqcount_read_begin(&e->sc);
			*mac = e->mac;
			if (!rte_seqcount_read_retry(&e->sc, sn))
				return true;
		}
		return false;
	}
	return false;
}

/* Worker side: report (port, ip) is at mac. Never blocks; dropped when the ring is full. */
void vfw_neigh_learn(uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac);

/*
 * Worker side: (port, ip) answered without giving its address (a neighbour
 * advertisement without the target link-layer option, as Linux answers a
 * unicast solicitation): an entry we have is confirmed, nothing is made.
 */
void vfw_neigh_confirm(uint16_t port, uint8_t family, const uint8_t *ip);

/*
 * Main, once the control loop exists (dp_ctl.h): drain the ring in the loop
 * whenever a worker posted to it. 0 or -errno.
 */
int vfw_neigh_notify(void);

/* Control side: apply what the workers learned. Returns the entries written. */
unsigned int vfw_neigh_process(void);

/*
 * Control side: one ageing pass at now_ns (dp_mono_ns()), every second:
 * - an entry in use (a worker found it since the last pass, or a route's
 *   gateway) that no ARP/ND message confirmed for timeout_ns / 2 is probed:
 *   one unicast ARP request / neighbour solicitation to its MAC per pass,
 *   VFW_NEIGH_MAX_PROBES of them; still unconfirmed after that, it dies
 *   (failed) and a gateway's next hop becomes unresolved, so the next
 *   packet asks by broadcast again (a host that changed its MAC without
 *   telling is found again; one gone no longer gets traffic);
 * - entries unused and not learned for more than timeout_ns die (aged);
 * - tombstones whose grace period has passed are made reusable.
 * Only ports vfw_neigh_can_probe says yes for are probed (NULL: none).
 * Returns the entries that died.
 */
#define VFW_NEIGH_MAX_PROBES 3
unsigned int vfw_neigh_age(uint64_t now_ns, uint64_t timeout_ns);

/* Set by main before the control loop runs: port has an address of family to probe from. */
extern bool (*vfw_neigh_can_probe)(uint16_t port, uint8_t family);

/* Any thread: copy of the live entries (for reports); returns the count. */
struct vfw_neigh_entry {
	uint16_t port;
	uint8_t family;
	uint8_t ip[16];
	struct rte_ether_addr mac;
};
unsigned int vfw_neigh_snapshot(struct vfw_neigh_entry *out, unsigned int max);

/*
 * Worker side, one worker (vfw's first): probes are waiting
 * (vfw_neigh_probe_take). One relaxed load of a flag control rarely writes.
 */
extern bool vfw_neigh_probe_flag;
static inline bool
vfw_neigh_probe_pending(void)
{
	return __atomic_load_n(&vfw_neigh_probe_flag, __ATOMIC_ACQUIRE);
}

/* That worker: up to max probes to send (port, family, ip, the MAC to send to). */
unsigned int vfw_neigh_probe_take(struct vfw_neigh_entry *out, unsigned int max);

/* Learn requests lost because the ring or the table was full. Any thread. */
uint64_t vfw_neigh_lost(void);

/* Any thread: the table's counters. */
struct vfw_neigh_counts {
	uint64_t live;		/* entries now */
	uint64_t aged;		/* died of --neigh-timeout */
	uint64_t evicted;	/* died to make room for a learn */
	uint64_t probes;	/* unicast probes asked of the workers */
	uint64_t failed;	/* in use, died unanswered after VFW_NEIGH_MAX_PROBES probes */
};
void vfw_neigh_get_counts(struct vfw_neigh_counts *c);

#endif /* VFW_NEIGH_H */
