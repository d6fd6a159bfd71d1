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
 * entries lock-free: the key of an entry never changes once published (slots are never freed), and the MAC
 * is read under a sequence counter (rte_seqcount), retried if a write
 * raced. Until the control loop has applied it, the worker that learned
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

struct vfw_neigh {
	rte_seqcount_t sc;	/* written: control; read: workers */
	uint8_t used;		/* 0 -> 1 once (release), never cleared */
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6; immutable once used */
	uint16_t port;		/* dp_ports[] index; immutable once used */
	uint8_t ip[16];		/* immutable once used */
	struct rte_ether_addr mac;	/* under sc */
	uint64_t updated_ns;	/* written: control; read: control (reports) */
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
		const struct vfw_neigh *e = &vfw_neigh_tab[(s + n) & (VFW_NEIGH_SLOTS - 1)];
		uint32_t sn;
		int tries;

		if (!__atomic_load_n(&e->used, __ATOMIC_ACQUIRE))
			return false;
		if (e->port != port || e->family != family || memcmp(e->ip, ip, len) != 0)
			continue;
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
 * Main, once the control loop exists (dp_ctl.h): drain the ring in the loop
 * whenever a worker posted to it. 0 or -errno.
 */
int vfw_neigh_notify(void);

/* Control side: apply what the workers learned. Returns the entries written. */
unsigned int vfw_neigh_process(void);

/* Control side: copy of the used entries (for reports); returns the count. */
struct vfw_neigh_entry {
	uint16_t port;
	uint8_t family;
	uint8_t ip[16];
	struct rte_ether_addr mac;
	uint64_t updated_ns;
};
unsigned int vfw_neigh_snapshot(struct vfw_neigh_entry *out, unsigned int max);

/* Learn requests lost because the ring or the table was full. Control side. */
uint64_t vfw_neigh_lost(void);

#endif /* VFW_NEIGH_H */
