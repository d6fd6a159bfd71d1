/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vfw's worker on a sequence of packets, without EAL or ports.
 * vfw/forward.c (the inline fast path, the session stages, the rules'
 * verdicts, forwarding) and vfw/arp_nd.c (traffic for the firewall itself)
 * are included here for their static functions; vfw/classify.c (the
 * general parse and checks) and the session table (conntrack.c, ct_*.c)
 * are linked as they are. The burst functions stage12() and stage34() are
 * called directly (vfw_on_burst() needs the engine's rx queues); tx goes to
 * the worker's tx buffers, emptied here after each burst (nothing reaches
 * a port), and "freeing" a frame is recorded instead (the frames are fake
 * mbufs: fuzz_mbuf.h).
 *
 * Set-up (setup_ports()): two ports with --eth-peer (no neighbour
 * resolution), the unprotected one 10.0.0.1/24 2001:db8::1/64, the
 * protected one 10.1.0.1/24 2001:db8:1::1/64 (the inside is 10.1/16 and
 * 2001:db8:1::/48, the rest is routed outside). The rule set is the default
 * policy only (no rte_acl, which needs EAL memory): an allow with state, so
 * that every packet the checks pass opens or follows a session, the small
 * session table (FUZZ_SESSIONS, a fixed hash seed, new for each input) fills
 * up, and TCP window tracking sees whole connections.
 *
 * An input: one byte, the ticks between bursts (x 50: half seconds, so that
 * timeouts are reached), then records: a 2-byte big-endian word and that
 * many bytes (FUZZ_REC_LEN bits) of one frame as the pkt target takes it
 * (fuzz_mbuf.h: control bytes, then the frame, in 1-3 exactly-sized
 * segments). FUZZ_REC_PROTECTED: the frame arrives on the protected port;
 * FUZZ_REC_END: the burst ends after it (else at FUZZ_BURST frames, a
 * change of port, or the end of the input). gen_vfw_corpus.py writes the
 * seeds in this format.
 *
 * Checked after each burst: every frame ended exactly once (sent or freed,
 * never both, never twice); the port counters add up (forwarded = frames
 * sent out of the other port; dropped = the sum of the drop classes;
 * forwarded + local + dropped = frames); every session key's hash is
 * ct_key_hash() of it (the fast path hashes on its own); every frame
 * forwarded with a session finds its session by its key; the table's used
 * sessions are nb_active, never more than its size.
 */
#include <rte_mbuf.h>

#include "fuzz.h"
#include "fuzz_mbuf.h"

/* The frames are fake mbufs: the worker's frees are recorded (fuzz_freed()). */
static void fuzz_freed(struct rte_mbuf *m);
static void fuzz_free_bulk(struct rte_mbuf **m, unsigned int n);
#define rte_pktmbuf_free(m) fuzz_freed(m)
#define rte_pktmbuf_free_bulk(m, n) fuzz_free_bulk(m, n)
/* no pool: ARP/ND solicitations count solicit_nombuf (not reached with --eth-peer) */
#define rte_pktmbuf_alloc(pool) ((void)(pool), (struct rte_mbuf *)NULL)

#include "../../vfw/forward.c"
#include "../../vfw/arp_nd.c"

#undef rte_pktmbuf_free
#undef rte_pktmbuf_free_bulk
#undef rte_pktmbuf_alloc

#define FUZZ_SESSIONS 64	/* small: table-full and reuse are reached */
#define FUZZ_BURST 32		/* below DP_ENGINE_TXBUF: the tx buffers never flush */
#define FUZZ_MAX_FRAMES 512
#define FUZZ_REC_END 0x8000u
#define FUZZ_REC_PROTECTED 0x4000u
#define FUZZ_REC_LEN 0x3fffu

_Static_assert(FUZZ_BURST < DP_ENGINE_TXBUF, "a burst must not flush a tx buffer");

/* vfw_main.c's and acl.c's globals, for the files compiled in here */
struct vfw vfw;
struct vfw_ruleset *vfw_ruleset_cur;
struct rte_rcu_qsbr *vfw_rcu;

/*
 * The shared neighbour table (neigh.c) needs EAL memory and a ring: here it
 * stays empty, and what a worker learns stays in its own recent list.
 */
static struct vfw_neigh neigh_slots[VFW_NEIGH_SLOTS];
struct vfw_neigh *vfw_neigh_tab = neigh_slots;

void
vfw_neigh_learn(uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac)
{
	(void)port;
	(void)family;
	(void)ip;
	(void)mac;
}

/* The REST session requests (sess_ctl.c) are not part of a burst. */
void
vfw_sess_serve_slow(struct vfw_worker *w, uint32_t now)
{
	(void)w;
	(void)now;
}

void
vfw_sess_worker_stop(struct vfw_worker *w)
{
	(void)w;
}

/*
 * Wrapped (-Wl,--wrap): the session table's memory from malloc, not EAL
 * memory (nor the mapping ct_table_init() takes without hugepages: an mmap
 * per input would cost more than the packets).
 */
int __wrap_rte_eal_has_hugepages(void);
void *__wrap_rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket);
void __wrap_rte_free(void *p);

int
__wrap_rte_eal_has_hugepages(void)
{
	return 1;
}

void *
__wrap_rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p;

	(void)type;
	(void)socket;
	if (posix_memalign(&p, RTE_MAX(align, (unsigned int)sizeof(void *)), size) != 0)
		return NULL;
	memset(p, 0, size);
	return p;
}

void
__wrap_rte_free(void *p)
{
	free(p);
}

enum fate { F_NONE, F_FREED, F_SENT };

struct frame {
	struct fuzz_chain chain;
	uint8_t fate;		/* enum fate */
	uint8_t sent_port;
};

static struct {
	struct vfw_worker w;
	struct vfw_ruleset rs;
	struct vfw_rule_verdict verdict[1];
	struct vfw_rule_ctr rule_ctr[1];
	uint64_t pctr[2 * VFW_CTR_MAX];
	uint64_t ct_ctr[CT_CTR_MAX];
	uint64_t ct_gauge[CT_G_MAX];
	uint32_t timeouts[CT_STATE_MAX];
	struct pkt pk[2][FUZZ_BURST];	/* the burst's slot and an empty previous one */
	struct frame fr[FUZZ_BURST];
	unsigned int nb_fr;
	uint32_t now;
	uint32_t step;		/* ticks between bursts */
} fz;

static struct frame *
frame_of(const struct rte_mbuf *m)
{
	unsigned int i;

	for (i = 0; i < fz.nb_fr; i++)
		if (&fz.fr[i].chain.seg[0] == m)
			return &fz.fr[i];
	FUZZ_CHECK(!"the worker ended an mbuf that is not a frame of the burst");
	return NULL;
}

static void
fuzz_freed(struct rte_mbuf *m)
{
	struct frame *f = frame_of(m);

	FUZZ_CHECK(f->fate == F_NONE);
	f->fate = F_FREED;
}

static void
fuzz_free_bulk(struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fuzz_freed(m[i]);
}

static void
port_v4(struct vfw_port *p, const char *ip)
{
	FUZZ_CHECK(inet_pton(AF_INET, ip, &p->ip4) == 1);
	p->has_ip4 = true;
	p->plen4 = 24;
	p->bcast4 = p->ip4 | htonl(0xff);
}

static void
port_v6(struct vfw_port *p, const char *ip)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	FUZZ_CHECK(inet_pton(AF_INET6, ip, p->ip6) == 1);
	p->has_ip6 = true;
	p->plen6 = 64;
	memcpy(p->ip6_ll, ll, 8);
	memcpy(p->ip6_ll + 8, p->ip6 + 8, 8);
}

static void
route(uint8_t fam, const char *prefix, uint8_t plen, uint16_t port)
{
	uint8_t a[16] = { 0 };

	FUZZ_CHECK(inet_pton(fam == DP_FAM_V4 ? AF_INET : AF_INET6, prefix, a) == 1);
	FUZZ_CHECK(vfw_route_add(&vfw_routes, fam, a, plen, port, NULL) == 0);
}

/* The two ports (the seeds' MACs: 02:00:00:00:00:01 and :02), their addresses and routes. */
static void
setup_ports(void)
{
	static const char *v4[2] = { "10.0.0.1", "10.1.0.1" };
	static const char *v6[2] = { "2001:db8::1", "2001:db8:1::1" };
	uint16_t i;

	for (i = 0; i < 2; i++) {
		struct vfw_port *p = &vfw.ports[i];

		p->role = i == 0 ? VFW_ROLE_UNPROTECTED : VFW_ROLE_PROTECTED;
		p->port_id = i;
		p->mac.addr_bytes[0] = 0x02;
		p->mac.addr_bytes[5] = (uint8_t)(i + 1);
		p->has_peer = true;
		p->peer.addr_bytes[0] = 0x02;
		p->peer.addr_bytes[5] = (uint8_t)(0x11 + i);
		port_v4(p, v4[i]);
		port_v6(p, v6[i]);
		vfw.v4_special[vfw.nb_v4_special++] = p->ip4;
		vfw.v4_special[vfw.nb_v4_special++] = p->bcast4;
	}
	/* the protected side is 10.1/16 and 2001:db8:1::/48, everything else is outside */
	route(DP_FAM_V4, "10.1.0.0", 16, 1);
	route(DP_FAM_V4, "0.0.0.0", 0, 0);
	route(DP_FAM_V6, "2001:db8:1::", 48, 1);
	route(DP_FAM_V6, "::", 0, 0);
	dp_nb_ports = 2;
	{
		const struct rte_ether_addr src[2] = { vfw.ports[0].mac, vfw.ports[1].mac };
		const struct rte_ether_addr *peer[2] = { &vfw.ports[0].peer, &vfw.ports[1].peer };

		FUZZ_CHECK(vfw_nexthop_bind(&vfw_routes, src, peer) == 0);
	}
	vfw.opt.verify_cksum = true;
	vfw.nb_workers = 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int s;

	(void)argc;
	(void)argv;
	setup_ports();
	ct_hash_seed_set(1);
	for (s = 0; s < CT_STATE_MAX; s++)
		fz.timeouts[s] = ct_sec_to_ticks(ct_default_timeout_sec[s]);
	/* the default policy alone: allow, with state */
	fz.verdict[0].action = VFW_ALLOW;
	fz.rs.verdict = fz.verdict;
	fz.rs.ctr[0] = fz.rule_ctr;
	vfw_ruleset_cur = &fz.rs;
	fz.w.pctr = fz.pctr;
	fz.w.stride = VFW_CTR_MAX;
	fz.w.eng.tx = fz.w.tx;
	fz.w.eng.app = &fz.w;
	return 0;
}

/* Empty the tx buffers into the frames' fates. */
static void
collect_tx(void)
{
	uint16_t port, i;

	for (port = 0; port < 2; port++) {
		struct dp_engine_txbuf *t = &fz.w.tx[port];

		for (i = 0; i < t->n; i++) {
			struct frame *f = frame_of(t->m[i]);

			FUZZ_CHECK(f->fate == F_NONE);
			f->fate = F_SENT;
			f->sent_port = (uint8_t)port;
		}
		t->n = 0;
		t->bytes = 0;
	}
}

static uint64_t
ctr_delta(const uint64_t *before, uint16_t in, unsigned int idx)
{
	return fz.pctr[in * VFW_CTR_MAX + idx] - before[idx];
}

/* The port counters of the burst add up, and every frame ended exactly once. */
static void
check_counters(const uint64_t *before, uint16_t in)
{
	static const unsigned int classes[] = {
		VFW_CTR_dropped_rule, VFW_CTR_dropped_state, VFW_CTR_malformed,
		VFW_CTR_table_full, VFW_CTR_no_route, VFW_CTR_dropped_other,
	};
	uint64_t out = 0, back = 0, freed = 0, sum = 0;
	unsigned int i;

	for (i = 0; i < fz.nb_fr; i++) {
		const struct frame *f = &fz.fr[i];

		FUZZ_CHECK(f->fate != F_NONE);
		if (f->fate == F_FREED)
			freed++;
		else if (f->sent_port == in)
			back++;		/* a reply of the firewall's own (ARP, ND, echo) */
		else
			out++;
	}
	for (i = 0; i < RTE_DIM(classes); i++)
		sum += ctr_delta(before, in, classes[i]);
	FUZZ_CHECK(ctr_delta(before, in, VFW_CTR_dropped) == sum);
	FUZZ_CHECK(ctr_delta(before, in, VFW_CTR_forwarded) == out);
	FUZZ_CHECK(ctr_delta(before, in, VFW_CTR_forwarded) + ctr_delta(before, in, VFW_CTR_local) +
		   ctr_delta(before, in, VFW_CTR_dropped) == fz.nb_fr);
	FUZZ_CHECK(ctr_delta(before, in, VFW_CTR_local) + ctr_delta(before, in, VFW_CTR_dropped) ==
		   freed + back);
}

/* Every frame forwarded through a session finds it by its key; the table's count is right. */
static void
check_sessions(const struct pkt *pk, uint16_t nc, uint16_t in)
{
	const struct ct_table *t = &fz.w.ct;
	uint32_t i, used = 0;

	for (i = 0; i < nc; i++) {
		const struct pkt *p = &pk[i];
		const struct frame *f = frame_of(p->m);

		FUZZ_CHECK(p->kind == K_LOCAL || p->kind >= K_NOLOOKUP ||
			   p->hash == ct_key_hash(&p->key));
		if (p->kind == K_LOOKUP && f->fate == F_SENT && f->sent_port != in)
			FUZZ_CHECK(ct_lookup(t, &p->key, p->hash) != NULL);
	}
	for (i = 0; i < t->max_sessions; i++)
		used += (t->sessions[i].flags & CT_F_USED) != 0;
	FUZZ_CHECK(used == t->nb_active);
	FUZZ_CHECK(t->nb_active <= t->max_sessions);
}

/* The frames collected so far through stages 1-4 as one burst from port in. */
static void
run_burst(uint16_t in)
{
	struct pipe_slot fresh = { .pk = fz.pk[0] }, prev = { .pk = fz.pk[1] };
	struct rte_mbuf *mb[FUZZ_BURST];
	uint64_t before[VFW_CTR_MAX];
	uint16_t i, nc;

	if (fz.nb_fr == 0)
		return;
	memcpy(before, &fz.pctr[in * VFW_CTR_MAX], sizeof(before));
	for (i = 0; i < fz.nb_fr; i++)
		mb[i] = &fz.fr[i].chain.seg[0];
	stage12(&fz.w, in, &fresh, &prev, mb, (uint16_t)fz.nb_fr, fz.now);
	stage2(&fz.w, &fresh, 0);
	nc = fresh.n;
	stage34(&fz.w, vfw_ruleset_get(), &fresh, in, fz.now);
	collect_tx();
	check_counters(before, in);
	check_sessions(fresh.pk, nc, in);
	for (i = 0; i < fz.nb_fr; i++)
		fuzz_chain_free(&fz.fr[i].chain);
	fz.nb_fr = 0;
	/* the worker's housekeeping between loops (forward.c's vfw_housekeeping) */
	fz.now += fz.step;
	ct_age(&fz.w.ct, fz.now, CT_AGE_BUDGET);
}

static void
table_init(void)
{
	char err[256];

	memset(fz.pctr, 0, sizeof(fz.pctr));
	memset(fz.ct_ctr, 0, sizeof(fz.ct_ctr));
	memset(fz.ct_gauge, 0, sizeof(fz.ct_gauge));
	fz.now = 1;
	if (ct_table_init(&fz.w.ct, FUZZ_SESSIONS, fz.timeouts, fz.ct_ctr, fz.ct_gauge, fz.now, 0,
			  err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_vfw: %s\n", err);
		abort();
	}
}

/* An input as the file's comment says: the tick step, then the records. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int frames = 0;
	uint16_t in = 0;
	size_t off = 1;

	if (size < 1)
		return 0;
	table_init();
	fz.step = 1 + 50u * data[0];
	while (off + 2 <= size && frames < FUZZ_MAX_FRAMES) {
		uint16_t word = (uint16_t)(data[off] << 8 | data[off + 1]);
		uint16_t rec_in = (word & FUZZ_REC_PROTECTED) ? 1 : 0;
		size_t len = RTE_MIN((size_t)(word & FUZZ_REC_LEN), size - off - 2);
		const uint8_t *rec = data + off + 2;

		off += 2 + len;
		if (len < FUZZ_MBUF_CTL)
			continue;
		if (fz.nb_fr != 0 && rec_in != in)
			run_burst(in);	/* a burst comes from one port */
		in = rec_in;
		fuzz_chain_build(&fz.fr[fz.nb_fr].chain, rec, rec + FUZZ_MBUF_CTL, len - FUZZ_MBUF_CTL, 0);
		fz.fr[fz.nb_fr].fate = F_NONE;
		fz.nb_fr++;
		frames++;
		if ((word & FUZZ_REC_END) || fz.nb_fr == FUZZ_BURST)
			run_burst(in);
	}
	run_burst(in);
	ct_table_fini(&fz.w.ct);
	return 0;
}
