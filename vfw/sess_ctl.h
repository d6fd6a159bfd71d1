/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Listing and flushing sessions from a control thread (REST).
 *
 * A session table belongs to its worker (conntrack.h): no other thread may
 * read or change it. So a control thread does not walk the tables; it posts
 * a request in each worker's mailbox and the worker serves it between two
 * bursts, scanning at most VFW_SESS_SCAN_BUDGET session slots per loop, so a
 * listing or a flush of a full table never stalls the fast path for more
 * than a few microseconds. The control thread waits for the answer asleep
 * on an eventfd the worker writes when it answers (notify_fd).
 *
 * Mailbox phases (one writer each step, release/acquire):
 *   IDLE   -> POSTED  control thread, after filling the request fields
 *   POSTED -> BUSY    worker, when it starts serving (compare-and-swap)
 *   POSTED -> IDLE    control thread, withdrawing a request no worker took
 *                     (compare-and-swap; the worker is not running)
 *   BUSY   -> DONE    worker, after writing the answer fields (also when it
 *                     leaves its loop at stop: status -ESHUTDOWN)
 *   DONE   -> IDLE    control thread, after reading the answer
 * Only one control thread uses the mailboxes at a time (sess_ctl.c's lock).
 *
 * A listing is paged by a cursor: the position in the concatenation of the
 * workers' session arrays (worker * max_sessions + slot). Sessions created
 * or removed while a client pages may be missed or seen twice, as with any
 * live table listing (conntrack -L does the same).
 */
#ifndef VFW_SESS_CTL_H
#define VFW_SESS_CTL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "conntrack.h"

#define VFW_SESS_SCAN_BUDGET 2048u	/* session slots a worker scans per loop */
#define VFW_SESS_LIST_MAX 1000u		/* sessions per page at most */

/* Which sessions: every set field must match. */
struct vfw_sess_filter {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 of addr; 0 = any address */
	uint8_t plen;		/* prefix length of addr */
	uint8_t addr[16];	/* either endpoint in addr/plen */
	uint8_t proto;		/* 0 = any */
	bool has_port;
	uint16_t port;		/* host order; either endpoint's port (ICMP: echo id) */
	int state;		/* enum ct_state; -1 = any */
};

/* One session as a control thread sees it (a copy). */
struct vfw_sess_info {
	struct ct_key key;
	uint8_t orig_hi;	/* the originator is endpoint 1 of the key */
	uint8_t state;		/* enum ct_state */
	uint16_t worker;
	uint32_t idle_ticks;	/* since the last valid packet */
	uint32_t timeout_ticks;	/* of its state */
};

enum vfw_sess_phase {
	VFW_SESS_IDLE,
	VFW_SESS_POSTED,
	VFW_SESS_BUSY,
	VFW_SESS_DONE,
};

enum vfw_sess_op {
	VFW_SESS_LIST,
	VFW_SESS_FLUSH,
};

/* A worker's mailbox (in struct vfw_worker, on its own cache lines). */
struct vfw_sess_mailbox {
	atomic_uint phase;		/* enum vfw_sess_phase, see above */
	/* request: written by the control thread before POSTED, read by the worker */
	uint8_t op;			/* enum vfw_sess_op */
	struct vfw_sess_filter filter;
	uint32_t start;			/* first slot to scan */
	uint32_t max_out;		/* LIST: room in out */
	struct vfw_sess_info *out;	/* LIST: owned by the control thread */
	int notify_fd;			/* eventfd the worker writes once it answered */
	/* answer and progress: written by the worker while BUSY, read after DONE */
	uint32_t pos;			/* next slot to scan */
	uint32_t n_out;			/* LIST: sessions written to out */
	uint32_t n_flushed;		/* FLUSH: sessions removed */
	int status;			/* 0, or -ESHUTDOWN */
} __rte_cache_aligned;

struct vfw_worker;

/*
 * Worker side: serve the mailbox if a request is waiting or in progress
 * (one budget of slots), called by the owner between bursts. The check is
 * one relaxed load when there is nothing to do.
 */
void vfw_sess_serve_slow(struct vfw_worker *w, uint32_t now);

static inline void
vfw_sess_serve(struct vfw_sess_mailbox *mb, struct vfw_worker *w, uint32_t now)
{
	unsigned int ph = atomic_load_explicit(&mb->phase, memory_order_relaxed);

	if (unlikely(ph == VFW_SESS_POSTED || ph == VFW_SESS_BUSY))
		vfw_sess_serve_slow(w, now);
}

/* Worker side, leaving its loop: answer a request in progress with -ESHUTDOWN. */
void vfw_sess_worker_stop(struct vfw_worker *w);

/* True when session s matches f (exposed for the unit tests). */
bool vfw_sess_match(const struct vfw_sess_filter *f, const struct ct_session *s);

/* --- control side (one control thread at a time; they take a lock) --- */

/*
 * Up to max sessions matching f, from position *cursor on; out has room for
 * max. On return *cursor is where the next page starts, or UINT64_MAX when
 * the listing is complete. Returns the number of sessions written, or
 * -ETIMEDOUT (a worker did not answer in time: it is not running),
 * -ESHUTDOWN (the workers are stopping), -EINVAL (cursor out of range).
 */
int vfw_sess_list(const struct vfw_sess_filter *f, uint64_t *cursor, struct vfw_sess_info *out,
		uint32_t max);

/* Remove every session matching f; the number removed, or -ETIMEDOUT / -ESHUTDOWN. */
int64_t vfw_sess_flush(const struct vfw_sess_filter *f);

/* Slots a cursor runs over: workers x sessions per worker. */
uint64_t vfw_sess_cursor_end(void);

#endif /* VFW_SESS_CTL_H */
