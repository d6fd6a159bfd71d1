/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour table and its learn ring (neigh.h). */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_clock.h"
#include "dp_ctl.h"
#include "neigh.h"
#include "nexthop.h"

#define LEARN_RING_SIZE 1024

struct learn_msg {
	uint16_t port;
	uint8_t family;
	uint8_t pad;
	uint8_t ip[16];
	struct rte_ether_addr mac;
	uint16_t pad2;
};

_Static_assert(sizeof(struct learn_msg) % 4 == 0, "ring element size");

struct vfw_neigh *vfw_neigh_tab;
static struct rte_ring *learn_ring;	/* MP (workers) / SC (control) */
static uint64_t neigh_lost;		/* written: control; read: any (atomic) */
static uint64_t ring_full;		/* written: workers (atomic add); read: control */
/*
 * The control loop's event for the ring (vfw_neigh_notify), raised by the
 * worker whose message makes the ring pending: set by a worker, cleared by
 * the control loop before it drains, so a syscall is made at most once per
 * drain, never per packet. Written: main (event), workers and control (flag).
 */
static struct dp_ctl_event *learn_ev;
static atomic_bool learn_pending;

int
vfw_neigh_init(char *err, size_t errlen)
{
	vfw_neigh_tab = rte_zmalloc("vfw_neigh", sizeof(*vfw_neigh_tab) * VFW_NEIGH_SLOTS,
			RTE_CACHE_LINE_SIZE);
	learn_ring = rte_ring_create_elem("vfw_neigh_learn", sizeof(struct learn_msg),
			LEARN_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (vfw_neigh_tab == NULL || learn_ring == NULL) {
		vfw_neigh_fini();
		snprintf(err, errlen, "cannot allocate the neighbour table");
		return -ENOMEM;
	}
	return 0;
}

void
vfw_neigh_fini(void)
{
	rte_free(vfw_neigh_tab);
	vfw_neigh_tab = NULL;
	rte_ring_free(learn_ring);
	learn_ring = NULL;
}

void
vfw_neigh_learn(uint16_t port, uint8_t family, const uint8_t *ip, const struct rte_ether_addr *mac)
{
	struct learn_msg m;

	memset(&m, 0, sizeof(m));
	m.port = port;
	m.family = family;
	memcpy(m.ip, ip, family == 1 ? 4 : 16);
	m.mac = *mac;
	if (rte_ring_mp_enqueue_elem(learn_ring, &m, sizeof(m)) != 0) {
		__atomic_fetch_add(&ring_full, 1, __ATOMIC_RELAXED);
		return;
	}
	if (learn_ev != NULL && !atomic_exchange(&learn_pending, true))
		dp_ctl_event_raise(learn_ev);
}

static void
on_learn(void *ctx)
{
	RTE_SET_USED(ctx);
	atomic_store(&learn_pending, false);	/* before the drain: a later message raises again */
	vfw_neigh_process();
}

int
vfw_neigh_notify(void)
{
	return dp_ctl_event_new(on_learn, NULL, &learn_ev);
}

static bool
apply(const struct learn_msg *m)
{
	uint32_t s = vfw_neigh_slot(m->port, m->family, m->ip), n;
	unsigned int len = m->family == 1 ? 4 : 16;

	for (n = 0; n < VFW_NEIGH_PROBE; n++) {
		struct vfw_neigh *e = &vfw_neigh_tab[(s + n) & (VFW_NEIGH_SLOTS - 1)];

		if (!e->used) {
			/* new entry: key and MAC first, then publish */
			e->port = m->port;
			e->family = m->family;
			memset(e->ip, 0, sizeof(e->ip));
			memcpy(e->ip, m->ip, len);
			rte_seqcount_init(&e->sc);
			e->mac = m->mac;
			__atomic_store_n(&e->updated_ns, dp_real_ns(), __ATOMIC_RELAXED);
			__atomic_store_n(&e->used, 1, __ATOMIC_RELEASE);
			vfw_nexthop_learned(m->port, m->family, m->ip, &m->mac);
			return true;
		}
		if (e->port != m->port || e->family != m->family || memcmp(e->ip, m->ip, len) != 0)
			continue;
		if (!rte_is_same_ether_addr(&e->mac, &m->mac)) {
			rte_seqcount_write_begin(&e->sc);
			e->mac = m->mac;
			rte_seqcount_write_end(&e->sc);
			vfw_nexthop_learned(m->port, m->family, m->ip, &m->mac);
		}
		__atomic_store_n(&e->updated_ns, dp_real_ns(), __ATOMIC_RELAXED);
		return true;
	}
	__atomic_fetch_add(&neigh_lost, 1, __ATOMIC_RELAXED);
	return false;
}

unsigned int
vfw_neigh_process(void)
{
	struct learn_msg m[32];
	unsigned int n, i, done = 0;

	if (learn_ring == NULL)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(learn_ring, m, sizeof(m[0]), RTE_DIM(m), NULL);
		for (i = 0; i < n; i++)
			done += apply(&m[i]);
	} while (n == RTE_DIM(m));
	return done;
}

unsigned int
vfw_neigh_snapshot(struct vfw_neigh_entry *out, unsigned int max)
{
	unsigned int i, n = 0;

	if (vfw_neigh_tab == NULL)
		return 0;
	for (i = 0; i < VFW_NEIGH_SLOTS && n < max; i++) {
		const struct vfw_neigh *e = &vfw_neigh_tab[i];
		uint32_t sn;

		if (!__atomic_load_n(&e->used, __ATOMIC_ACQUIRE))
			continue;
		out[n].port = e->port;
		out[n].family = e->family;
		memcpy(out[n].ip, e->ip, sizeof(out[n].ip));
		do {
			sn = rte_seqcount_read_begin(&e->sc);
			out[n].mac = e->mac;
		} while (rte_seqcount_read_retry(&e->sc, sn));
		out[n].updated_ns = __atomic_load_n(&e->updated_ns, __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

uint64_t
vfw_neigh_lost(void)
{
	return __atomic_load_n(&neigh_lost, __ATOMIC_RELAXED) +
	       __atomic_load_n(&ring_full, __ATOMIC_RELAXED);
}
