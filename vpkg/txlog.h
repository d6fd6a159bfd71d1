/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tx timestamp log (--tx-timestamps FILE), for the benchmark: each worker
 * records the probe fields (stream id, sequence, tx time) of the first
 * packets it builds, exactly as stamped, into a buffer allocated at start;
 * the main lcore writes the records to FILE at exit. Off by default; when
 * off the fast path pays one predictable branch per burst.
 *
 * File format: records of 16 bytes, little endian:
 *   u64 tx_ns, u32 seq, u16 stream id, u16 frame length (without FCS),
 * worker after worker, each in build order.
 *
 * Thread safety: a log is written by its worker only; read by main after
 * the workers stopped.
 */
#ifndef VPKG_TXLOG_H
#define VPKG_TXLOG_H

#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

struct vpkg_txrec {
	uint64_t tx_ns;
	uint32_t seq;
	uint16_t id;
	uint16_t len;
};

struct vpkg_txlog {
	struct vpkg_txrec *rec;	/* NULL = off */
	uint64_t n;		/* written: the worker */
	uint64_t max;
};

static inline void
vpkg_txlog_add(struct vpkg_txlog *l, uint64_t ns, uint32_t seq, uint16_t id, uint16_t len)
{
	if (l->n < l->max) {
		struct vpkg_txrec *r = &l->rec[l->n++];

		r->tx_ns = ns;
		r->seq = seq;
		r->id = id;
		r->len = len;
	}
}

/* Allocate max records (0 = off). Returns 0 or -ENOMEM. */
int vpkg_txlog_init(struct vpkg_txlog *l, uint64_t max);
void vpkg_txlog_free(struct vpkg_txlog *l);

/* Write the logs of n workers to path. 0 or -errno with err. */
int vpkg_txlog_write(const char *path, const struct vpkg_txlog *logs, unsigned int n,
		size_t stride, char *err, size_t errlen);

#endif /* VPKG_TXLOG_H */
