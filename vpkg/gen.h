/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet generation: copy the stream's template, then write only what
 * changes: the length fields (when the size varies), the varying fields, the
 * probe (sequence and tx time; magic and stream id are in the template), the
 * ICMP echo sequence, and the checksums by incremental update.
 *
 * The per-stream state that must survive a table swap (sequence, walks,
 * deadline, counts) lives in struct vpkg_slot, indexed by stream id, outside
 * the swapped table.
 *
 * Thread safety: a slot is written only by the worker that owns the stream
 * (id % workers, fixed for the run); control threads read the fields marked
 * so, with relaxed loads.
 */
#ifndef VPKG_GEN_H
#define VPKG_GEN_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "cksum.h"
#include "dp_probe.h"
#include "tmpl.h"

struct vpkg_slot {
	/* written: owning worker; read: owning worker */
	uint32_t size_pos;
	uint32_t field_pos[VPKG_MAX_FIELDS];
	uint64_t rng;		/* xorshift64* state, never 0 */
	uint64_t start_tsc;	/* first deadline (duration limit) */
	uint64_t deadline;	/* saved across table swaps */
	uint32_t frac;
	uint32_t mark;		/* worker epoch when last scheduled */
	uint64_t gap;		/* its gap when last scheduled (rate changes) */
	uint32_t gap_frac;
	uint8_t paced;		/* paced when last scheduled */
	uint8_t started;
	/* written: owning worker; read: control threads (relaxed) */
	uint32_t seq;		/* next probe sequence number */
	uint64_t generated;	/* packets built: sent + refused */
	uint64_t first_tsc;	/* burst time of the first packet sent; 0 = none */
	uint64_t last_tsc;	/* burst time of the last packet sent */
	uint8_t done;		/* packet count or duration reached */
} __rte_cache_aligned;

static inline uint64_t
vpkg_rand(struct vpkg_slot *st)
{
	uint64_t x = st->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	st->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Position in [0, count): the next step of an increment walk, or uniform. */
static inline uint32_t
vpkg_walk_next(struct vpkg_slot *st, uint32_t *pos, uint32_t count, uint8_t walk)
{
	uint32_t p;

	if (walk == VPKG_WALK_RANDOM)
		return (uint32_t)(((vpkg_rand(st) >> 32) * (uint64_t)count) >> 32);
	p = *pos;
	if (p >= count)
		p = 0;
	*pos = p + 1 == count ? 0 : p + 1;
	return p;
}

/* The mbuf length of the next packet of a stream. */
static inline uint16_t
vpkg_gen_len(const struct vpkg_cstream *cs, struct vpkg_slot *st)
{
	switch (cs->size_kind) {
	case VPKG_SIZE_FIXED:
		return cs->tmpl_len;
	case VPKG_SIZE_RANGE:
		return (uint16_t)(cs->size_min +
			vpkg_walk_next(st, &st->size_pos, cs->size_count, cs->size_walk));
	default:
		return cs->pattern[vpkg_walk_next(st, &st->size_pos, cs->pattern_len,
				VPKG_WALK_INC)];
	}
}

/* The tx time of a burst as written in the probes, and its checksum words. */
struct vpkg_stamp {
	uint64_t be;		/* network order */
	uint64_t sum;		/* sum of its two 32-bit halves as in the frame */
};

static inline void
vpkg_stamp_init(struct vpkg_stamp *t, uint64_t tx_ns)
{
	t->be = rte_cpu_to_be_64(tx_ns);
	t->sum = (t->be & 0xffffffffu) + (t->be >> 32);
}

/*
 * Write the next packet of stream cs into f (room for cs->tmpl_len bytes and
 * at least 64), stamped with the burst time t. Returns its length (mbuf
 * bytes, without FCS).
 */
static inline uint16_t
vpkg_gen_fill(uint8_t *f, const struct vpkg_cstream *cs, struct vpkg_slot *st,
		const struct vpkg_stamp *t)
{
	uint16_t len = vpkg_gen_len(cs, st);
	uint64_t l4 = cs->l4_sum0, ip = cs->ip_sum0;
	unsigned int i;

	if (likely(len <= 64))
		rte_mov64(f, cs->tmpl);	/* one fixed-size copy for small frames */
	else
		rte_memcpy(f, cs->tmpl, len);
	if (len != cs->tmpl_len) {
		uint16_t d = (uint16_t)(cs->tmpl_len - len);
		uint16_t ipl = (uint16_t)(cs->ip_len0 - d), l4l = (uint16_t)(cs->l4_len0 - d);
		uint32_t dl4 = vpkg_ck_neg16(cs->l4_len0) + vpkg_ck_w16(l4l);

		vpkg_ck_store(f + cs->ip_len_off, (uint16_t)vpkg_ck_w16(ipl));
		if (cs->sw_ip)
			ip += vpkg_ck_neg16(cs->ip_len0) + vpkg_ck_w16(ipl);
		if (cs->udp_len_off != 0)
			vpkg_ck_store(f + cs->udp_len_off, (uint16_t)vpkg_ck_w16(l4l));
		l4 += (uint64_t)dl4 * cs->len_l4_mult;
	}
	for (i = 0; i < cs->nb_fields; i++) {
		const struct vpkg_field *fd = &cs->fields[i];
		uint32_t v = fd->base + fd->step *
			vpkg_walk_next(st, &st->field_pos[i], fd->count, fd->walk);
		uint32_t w;

		if (fd->width == 4) {
			uint32_t be = rte_cpu_to_be_32(v);

			memcpy(f + fd->off, &be, 4);
			w = vpkg_ck_w32(v);
		} else {
			uint16_t be = rte_cpu_to_be_16((uint16_t)v);

			memcpy(f + fd->off, &be, 2);
			w = be;
		}
		if (fd->ip_sum)
			ip += fd->old_sum + w;
		if (fd->l4_sum)
			l4 += fd->old_sum + w;
	}
	if (cs->probe) {
		uint32_t seq = rte_cpu_to_be_32(st->seq);

		memcpy(f + cs->probe_off + 4, &seq, 4);
		memcpy(f + cs->probe_off + 8, &t->be, 8);
		if (cs->l4_mode == VPKG_L4_SW)
			l4 += (uint64_t)(seq & 0xffff) + (seq >> 16) + t->sum;
	}
	if (cs->icmp_seq_off != 0) {
		uint16_t s16 = rte_cpu_to_be_16((uint16_t)st->seq);

		memcpy(f + cs->icmp_seq_off, &s16, 2);
		l4 += s16;
	}
	st->seq++;
	if (cs->ip_varies)
		vpkg_ck_store(f + cs->ip_ck_off, (uint16_t)~dp_cksum_fold(ip));
	if (cs->l4_mode == VPKG_L4_SW) {
		uint16_t ck = (uint16_t)~dp_cksum_fold(l4);

		if (cs->udp && ck == 0)
			ck = 0xffff;
		vpkg_ck_store(f + cs->l4_ck_off, ck);
	} else {
		vpkg_ck_store(f + cs->l4_ck_off, dp_cksum_fold(l4));
	}
	return len;
}

/* The mbuf fields of a packet of cs built into it (raw mbuf from the pool). */
static inline void
vpkg_gen_mbuf(struct rte_mbuf *b, const struct vpkg_cstream *cs, uint16_t len)
{
	b->data_len = len;
	b->pkt_len = len;
	b->ol_flags = cs->ol_flags;
	b->tx_offload = cs->tx_offload;
}

/*
 * Build n packets of one stream into raw mbufs m[] (from the pool: next,
 * nb_segs, refcnt already right), stamped with t; their lengths go to len[].
 * A simple stream (fixed size, nothing varying but the probe) runs a loop
 * with everything in registers: the packet stores cannot alias them.
 */
static inline void
vpkg_gen_burst(struct rte_mbuf **m, uint16_t n, const struct vpkg_cstream *cs,
		struct vpkg_slot *st, const struct vpkg_stamp *t, uint16_t *len)
{
	uint16_t i;

	if (likely(cs->simple)) {
		const uint8_t *tmpl = cs->tmpl;
		const uint16_t tl = cs->tmpl_len;
		const uint16_t seq_off = (uint16_t)(cs->probe_off + 4), ck_off = cs->l4_ck_off;
		const uint64_t ol_flags = cs->ol_flags, tx_offload = cs->tx_offload;
		const uint64_t base = cs->l4_sum0 + t->sum;
		const uint64_t ts = t->be;
		const bool probe = cs->probe, sw = cs->l4_mode == VPKG_L4_SW, udp = cs->udp;
		uint32_t seq = st->seq;

		for (i = 0; i < n; i++) {
			struct rte_mbuf *b = m[i];
			uint8_t *f = (uint8_t *)b->buf_addr + RTE_PKTMBUF_HEADROOM;

			b->data_off = RTE_PKTMBUF_HEADROOM;
			if (likely(tl <= 64))
				rte_mov64(f, tmpl);
			else
				rte_memcpy(f, tmpl, tl);
			if (likely(probe)) {
				uint32_t s = rte_cpu_to_be_32(seq);

				memcpy(f + seq_off, &s, 4);
				memcpy(f + seq_off + 4, &ts, 8);
				if (likely(sw)) {
					uint16_t ck = (uint16_t)~dp_cksum_fold(base + (s & 0xffff) + (s >> 16));

					if (udp && ck == 0)
						ck = 0xffff;
					vpkg_ck_store(f + ck_off, ck);
				}
			}
			seq++;
			b->data_len = tl;
			b->pkt_len = tl;
			b->ol_flags = ol_flags;
			b->tx_offload = tx_offload;
			len[i] = tl;
		}
		st->seq = seq;
	} else {
		for (i = 0; i < n; i++) {
			struct rte_mbuf *b = m[i];

			b->data_off = RTE_PKTMBUF_HEADROOM;
			len[i] = vpkg_gen_fill(rte_pktmbuf_mtod(b, uint8_t *), cs, st, t);
			vpkg_gen_mbuf(b, cs, len[i]);
		}
	}
	st->generated += n;
}

#endif /* VPKG_GEN_H */
