/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vfw's worker on a sequence of packets, without EAL or ports,
 * in the harness tests/vfw/vfw_harness.h shares with the worker's unit
 * tests: vfw/forward.c (the inline fast path, the session stages, the
 * rules' verdicts, forwarding) and vfw/arp_nd.c (traffic for the firewall
 * itself) compiled in for their static functions, vfw/classify.c (the
 * general parse and checks) and the session table (conntrack.c, ct_*.c)
 * linked as they are. The burst functions stage12() and stage34() are
 * called directly (vfw_on_burst() needs the engine's rx queues); tx goes to
 * the worker's tx buffers, emptied after each burst (nothing reaches a
 * port), and "freeing" a frame is recorded instead (the frames are fake
 * mbufs: fuzz_mbuf.h).
 *
 * Set-up: the harness's two ports with --eth-peer (vh_setup_ports()) and
 * its rule set, the default policy only (no rte_acl, which needs EAL
 * memory): an allow with state, so that every packet the checks pass opens
 * or follows a session, the small session table (FUZZ_SESSIONS, a fixed
 * hash seed, new for each input) fills up, and TCP window tracking sees
 * whole connections.
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
#include "vfw_harness_fwd.h"	/* forward.c and arp_nd.c, frees recorded */

#define FUZZ_SESSIONS 64	/* small: table-full and reuse are reached */
#define FUZZ_BURST 32		/* below DP_ENGINE_TXBUF: the tx buffers never flush */
#define FUZZ_MAX_FRAMES 512
#define FUZZ_REC_END 0x8000u
#define FUZZ_REC_PROTECTED 0x4000u
#define FUZZ_REC_LEN 0x3fffu

_Static_assert(FUZZ_BURST < DP_ENGINE_TXBUF, "a burst must not flush a tx buffer");
_Static_assert(FUZZ_BURST <= VH_MAX_FRAMES, "a burst's frames are registered in the harness");

/* The worker, its counters and the frames are the harness's (vh); the pipeline slots are here. */
static struct {
	struct pkt pk[2][FUZZ_BURST];	/* the burst's slot and an empty previous one */
	uint32_t now;
	uint32_t step;		/* ticks between bursts */
} fz;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vh_setup_ports();
	vh_world_init();
	return 0;
}

static uint64_t
ctr_delta(const uint64_t *before, uint16_t in, unsigned int idx)
{
	return vh_ctr(in, idx) - before[idx];
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

	for (i = 0; i < vh.nb_fr; i++) {
		const struct vh_frame *f = &vh.fr[i];

		FUZZ_CHECK(f->fate != VH_NONE);
		if (f->fate == VH_FREED)
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
		   ctr_delta(before, in, VFW_CTR_dropped) == vh.nb_fr);
	FUZZ_CHECK(ctr_delta(before, in, VFW_CTR_local) + ctr_delta(before, in, VFW_CTR_dropped) ==
		   freed + back);
}

/* Every frame forwarded through a session finds it by its key; the table's count is right. */
static void
check_sessions(const struct pkt *pk, uint16_t nc, uint16_t in)
{
	const struct ct_table *t = &vh.w.ct;
	uint32_t i, used = 0;

	for (i = 0; i < nc; i++) {
		const struct pkt *p = &pk[i];
		const struct vh_frame *f = vh_frame_of(p->m);

		FUZZ_CHECK(p->kind == K_LOCAL || p->kind >= K_NOLOOKUP ||
			   p->hash == ct_key_hash(&p->key));
		if (p->kind == K_LOOKUP && f->fate == VH_SENT && f->sent_port != in)
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

	if (vh.nb_fr == 0)
		return;
	memcpy(before, &vh.pctr[in * VFW_CTR_MAX], sizeof(before));
	for (i = 0; i < vh.nb_fr; i++)
		mb[i] = &vh.fr[i].chain.seg[0];
	stage12(&vh.w, in, &fresh, &prev, mb, (uint16_t)vh.nb_fr, fz.now);
	stage2(&vh.w, &fresh, 0);
	nc = fresh.n;
	stage34(&vh.w, vfw_ruleset_get(), &fresh, in, fz.now);
	vh_collect_tx();
	check_counters(before, in);
	check_sessions(fresh.pk, nc, in);
	vh_frames_free();
	/* the worker's housekeeping between loops (forward.c's vfw_housekeeping) */
	fz.now += fz.step;
	ct_age(&vh.w.ct, fz.now, CT_AGE_BUDGET);
}

/* A new session table and zero counters for an input. */
static void
table_init(void)
{
	memset(vh.pctr, 0, sizeof(vh.pctr));
	fz.now = 1;
	vh_table_init(FUZZ_SESSIONS, fz.now);
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
		if (vh.nb_fr != 0 && rec_in != in)
			run_burst(in);	/* a burst comes from one port */
		in = rec_in;
		vh_frame_add(rec, rec + FUZZ_MBUF_CTL, len - FUZZ_MBUF_CTL, 0);
		frames++;
		if ((word & FUZZ_REC_END) || vh.nb_fr == FUZZ_BURST)
			run_burst(in);
	}
	run_burst(in);
	vh_table_fini();
	return 0;
}
