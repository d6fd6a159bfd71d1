/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour table and its learn ring (neigh.h). */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "dp_clock.h"
#include "dp_ctl.h"
#include "dp_engine.h"
#include "neigh.h"
#include "nexthop.h"

#define LEARN_RING_SIZE 1024
#define PROBE_RING_SIZE 256

struct learn_msg {
	uint16_t port;
	uint8_t family;
	uint8_t confirm_only;	/* reachability confirmed, no address given (mac unset) */
	uint8_t ip[16];
	struct rte_ether_addr mac;
	uint16_t pad2;
};

_Static_assert(sizeof(struct learn_msg) % 4 == 0, "ring element size");

struct vfw_neigh *vfw_neigh_tab;
static struct rte_ring *learn_ring;	/* MP (workers) / SC (control) */
static struct rte_ring *probe_ring;	/* SP (control) / SC (the probing worker) */
bool (*vfw_neigh_can_probe)(uint16_t port, uint8_t family);
bool vfw_neigh_probe_flag;		/* set: control (probes queued); cleared: the worker */
static uint64_t neigh_probes;		/* written: control; read: any (atomic) */
static uint64_t neigh_failed;		/* written: control; read: any (atomic) */
static uint64_t neigh_lost;		/* written: control; read: any (atomic) */
static uint64_t neigh_aged;		/* written: control; read: any (atomic) */
static uint64_t neigh_evicted;		/* written: control; read: any (atomic) */
static uint64_t neigh_live;		/* copy of live for other threads (atomic) */
static unsigned int live;		/* LIVE entries; control only */
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
	probe_ring = rte_ring_create_elem("vfw_neigh_probe", sizeof(struct learn_msg),
			PROBE_RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	live = 0;
	neigh_live = neigh_aged = neigh_evicted = neigh_lost = ring_full = 0;
	neigh_probes = neigh_failed = 0;
	__atomic_store_n(&vfw_neigh_probe_flag, false, __ATOMIC_RELAXED);
	if (vfw_neigh_tab == NULL || learn_ring == NULL || probe_ring == NULL || dp_rcu() == NULL) {
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
	rte_ring_free(probe_ring);
	probe_ring = NULL;
}

/* A message for (port, family, ip) at mac; mac NULL: a confirmation only. */
static void
msg_init(struct learn_msg *m, uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac)
{
	memset(m, 0, sizeof(*m));
	m->port = port;
	m->family = family;
	memcpy(m->ip, ip, family == 1 ? 4 : 16);
	if (mac != NULL)
		m->mac = *mac;
	else
		m->confirm_only = 1;
}

/* e's key is m's (len: the address length of m's family). */
static bool
same_key(const struct vfw_neigh *e, const struct learn_msg *m, unsigned int len)
{
	return e->port == m->port && e->family == m->family && memcmp(e->ip, m->ip, len) == 0;
}

static void
post_learn(uint16_t port, uint8_t family, const uint8_t *ip, const struct rte_ether_addr *mac)
{
	struct learn_msg m;

	msg_init(&m, port, family, ip, mac);
	if (rte_ring_mp_enqueue_elem(learn_ring, &m, sizeof(m)) != 0) {
		__atomic_fetch_add(&ring_full, 1, __ATOMIC_RELAXED);
		return;
	}
	if (learn_ev != NULL && !atomic_exchange(&learn_pending, true))
		dp_ctl_event_raise(learn_ev);
}

void
vfw_neigh_learn(uint16_t port, uint8_t family, const uint8_t *ip, const struct rte_ether_addr *mac)
{
	post_learn(port, family, ip, mac);
}

void
vfw_neigh_confirm(uint16_t port, uint8_t family, const uint8_t *ip)
{
	post_learn(port, family, ip, NULL);
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

/* A tombstone whose grace period has passed: no worker can still read its old key. */
static bool
grace_passed(const struct vfw_neigh *e)
{
	return rte_rcu_qsbr_check(dp_rcu(), e->dead_token, false) == 1;
}

static void
entry_die(struct vfw_neigh *e)
{
	e->dead_token = rte_rcu_qsbr_start(dp_rcu());
	__atomic_store_n(&e->state, VFW_NEIGH_DEAD, __ATOMIC_RELEASE);
	live--;
}

/* The reused or empty slot e gets m's key and MAC, then is published. */
static void
fill(struct vfw_neigh *e, const struct learn_msg *m, unsigned int len, uint64_t now)
{
	rte_seqcount_write_begin(&e->sc);
	e->port = m->port;
	e->family = m->family;
	memset(e->ip, 0, sizeof(e->ip));
	memcpy(e->ip, m->ip, len);
	e->mac = m->mac;
	rte_seqcount_write_end(&e->sc);
	e->seen_ns = now;
	e->confirmed_ns = now;
	e->probes = 0;
	e->gateway = vfw_nexthop_is_gateway(m->port, m->family, m->ip);
	__atomic_store_n(&e->used, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&e->state, VFW_NEIGH_LIVE, __ATOMIC_RELEASE);
	live++;
}

/* m's live entry, or NULL. */
static struct vfw_neigh *
find_live(const struct learn_msg *m)
{
	uint32_t s = vfw_neigh_slot(m->port, m->family, m->ip), n;
	unsigned int len = m->family == 1 ? 4 : 16;

	for (n = 0; n < VFW_NEIGH_PROBE; n++) {
		struct vfw_neigh *e = &vfw_neigh_tab[(s + n) & (VFW_NEIGH_SLOTS - 1)];

		if (e->state == VFW_NEIGH_EMPTY)
			return NULL;
		if (e->state == VFW_NEIGH_LIVE && same_key(e, m, len))
			return e;
	}
	return NULL;
}

static bool
apply(const struct learn_msg *m, uint64_t now)
{
	uint32_t s = vfw_neigh_slot(m->port, m->family, m->ip), n;
	unsigned int len = m->family == 1 ? 4 : 16;
	struct vfw_neigh *slot = NULL, *victim = NULL;

	if (m->confirm_only) {	/* an entry we have is reachable; nothing to make */
		struct vfw_neigh *e = find_live(m);

		if (e == NULL)
			return false;
		e->seen_ns = now;
		e->confirmed_ns = now;
		e->probes = 0;
		return true;
	}

	for (n = 0; n < VFW_NEIGH_PROBE; n++) {
		struct vfw_neigh *e = &vfw_neigh_tab[(s + n) & (VFW_NEIGH_SLOTS - 1)];

		if (e->state == VFW_NEIGH_EMPTY) {	/* the chain ends: not there */
			if (slot == NULL)
				slot = e;
			break;
		}
		if (e->state == VFW_NEIGH_DEAD) {
			if (slot == NULL && grace_passed(e))
				slot = e;
			continue;
		}
		if (!same_key(e, m, len)) {
			if (!__atomic_load_n(&e->used, __ATOMIC_RELAXED) &&
			    (victim == NULL || e->seen_ns < victim->seen_ns))
				victim = e;
			continue;
		}
		if (!rte_is_same_ether_addr(&e->mac, &m->mac)) {
			rte_seqcount_write_begin(&e->sc);
			e->mac = m->mac;
			rte_seqcount_write_end(&e->sc);
			vfw_nexthop_learned(m->port, m->family, m->ip, &m->mac);
		}
		e->seen_ns = now;
		e->confirmed_ns = now;
		e->probes = 0;
		return true;
	}
	if (slot != NULL) {
		fill(slot, m, len, now);
		vfw_nexthop_learned(m->port, m->family, m->ip, &m->mac);
		return true;
	}
	if (victim != NULL) {	/* room for the host's next reply, once the grace period is over */
		entry_die(victim);
		__atomic_fetch_add(&neigh_evicted, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&neigh_lost, 1, __ATOMIC_RELAXED);
	return false;
}

unsigned int
vfw_neigh_process(void)
{
	struct learn_msg m[32];
	unsigned int n, i, done = 0;
	uint64_t now = dp_mono_ns();

	if (learn_ring == NULL)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(learn_ring, m, sizeof(m[0]), RTE_DIM(m), NULL);
		for (i = 0; i < n; i++)
			done += apply(&m[i], now);
	} while (n == RTE_DIM(m));
	__atomic_store_n(&neigh_live, live, __ATOMIC_RELAXED);
	return done;
}

/* Ask the probing worker for a unicast probe of e; false when its ring is full. */
static bool
post_probe(const struct vfw_neigh *e)
{
	struct learn_msg m;

	msg_init(&m, e->port, e->family, e->ip, &e->mac);
	return rte_ring_sp_enqueue_elem(probe_ring, &m, sizeof(m)) == 0;
}

/*
 * An entry in use that nothing confirmed for half the timeout: probed, or
 * failed after VFW_NEIGH_MAX_PROBES probes (true: it died).
 */
static bool
reprobe(struct vfw_neigh *e)
{
	if (e->probes < VFW_NEIGH_MAX_PROBES) {
		if (post_probe(e)) {	/* a full ring: again at the next pass */
			e->probes++;
			__atomic_fetch_add(&neigh_probes, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&vfw_neigh_probe_flag, true, __ATOMIC_RELEASE);
		}
		return false;
	}
	if (e->gateway)
		vfw_nexthop_unresolved(e->port, e->family, e->ip);
	entry_die(e);
	__atomic_fetch_add(&neigh_failed, 1, __ATOMIC_RELAXED);
	return true;
}

unsigned int
vfw_neigh_age(uint64_t now_ns, uint64_t timeout_ns)
{
	unsigned int i, j, died = 0, aged = 0;

	if (vfw_neigh_tab == NULL)
		return 0;
	for (i = 0; i < VFW_NEIGH_SLOTS; i++) {
		struct vfw_neigh *e = &vfw_neigh_tab[i];
		bool used;

		if (e->state != VFW_NEIGH_LIVE)
			continue;
		used = __atomic_load_n(&e->used, __ATOMIC_RELAXED);
		if (used) {
			__atomic_store_n(&e->used, 0, __ATOMIC_RELAXED);
			e->seen_ns = now_ns;
		}
		if ((used || e->gateway) && now_ns > e->confirmed_ns &&
		    now_ns - e->confirmed_ns > timeout_ns / 2 &&
		    vfw_neigh_can_probe != NULL && vfw_neigh_can_probe(e->port, e->family)) {
			died += reprobe(e);
		} else if (!used && now_ns > e->seen_ns && now_ns - e->seen_ns > timeout_ns) {
			entry_die(e);
			died++;
			aged++;
		}
	}
	/*
	 * A tombstone right before an empty slot ends no chain that reaches
	 * further (a learn takes the first free slot of its window, so no
	 * entry lies beyond an empty one): once its grace period has passed it
	 * may be empty again, and so may the tombstones before it.
	 */
	for (i = 0; i < VFW_NEIGH_SLOTS; i++) {
		if (vfw_neigh_tab[(i + 1) & (VFW_NEIGH_SLOTS - 1)].state != VFW_NEIGH_EMPTY)
			continue;
		for (j = i; ; j = (j - 1) & (VFW_NEIGH_SLOTS - 1)) {
			struct vfw_neigh *e = &vfw_neigh_tab[j];

			if (e->state != VFW_NEIGH_DEAD || !grace_passed(e))
				break;
			__atomic_store_n(&e->state, VFW_NEIGH_EMPTY, __ATOMIC_RELEASE);
		}
	}
	__atomic_fetch_add(&neigh_aged, aged, __ATOMIC_RELAXED);
	__atomic_store_n(&neigh_live, live, __ATOMIC_RELAXED);
	return died;
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

		if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != VFW_NEIGH_LIVE)
			continue;
		do {	/* the key too: a reuse rewrites it under the counter */
			sn = rte_seqcount_read_begin(&e->sc);
			out[n].port = e->port;
			out[n].family = e->family;
			memcpy(out[n].ip, e->ip, sizeof(out[n].ip));
			out[n].mac = e->mac;
		} while (rte_seqcount_read_retry(&e->sc, sn));
		n++;
	}
	return n;
}

void
vfw_neigh_get_counts(struct vfw_neigh_counts *c)
{
	c->live = __atomic_load_n(&neigh_live, __ATOMIC_RELAXED);
	c->aged = __atomic_load_n(&neigh_aged, __ATOMIC_RELAXED);
	c->evicted = __atomic_load_n(&neigh_evicted, __ATOMIC_RELAXED);
	c->probes = __atomic_load_n(&neigh_probes, __ATOMIC_RELAXED);
	c->failed = __atomic_load_n(&neigh_failed, __ATOMIC_RELAXED);
}

unsigned int
vfw_neigh_probe_take(struct vfw_neigh_entry *out, unsigned int max)
{
	struct learn_msg m[16];
	unsigned int n, i;

	if (probe_ring == NULL)
		return 0;
	/* cleared first: probes queued after this take raise it again */
	__atomic_store_n(&vfw_neigh_probe_flag, false, __ATOMIC_RELAXED);
	n = rte_ring_sc_dequeue_burst_elem(probe_ring, m, sizeof(m[0]),
			RTE_MIN(max, (unsigned int)RTE_DIM(m)), NULL);
	for (i = 0; i < n; i++) {
		out[i].port = m[i].port;
		out[i].family = m[i].family;
		memcpy(out[i].ip, m[i].ip, sizeof(out[i].ip));
		out[i].mac = m[i].mac;
	}
	if (rte_ring_count(probe_ring) != 0)	/* more than max: the next loop takes them */
		__atomic_store_n(&vfw_neigh_probe_flag, true, __ATOMIC_RELAXED);
	return n;
}

uint64_t
vfw_neigh_lost(void)
{
	return __atomic_load_n(&neigh_lost, __ATOMIC_RELAXED) +
	       __atomic_load_n(&ring_full, __ATOMIC_RELAXED);
}
