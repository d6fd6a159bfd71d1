/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session listing and flushing: the worker serves, a control thread asks
 * (the protocol is in sess_ctl.h).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_byteorder.h>

#include "dp_clock.h"
#include "sess_ctl.h"
#include "vfw.h"

#define POST_TIMEOUT_MS 1000	/* a worker that does not pick a request up in 1 s is not running */

/* Serialises control threads: one request in the mailboxes at a time. */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
prefix_match(const uint8_t *a, const uint8_t *p, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(a, p, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ p[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
vfw_sess_match(const struct vfw_sess_filter *f, const struct ct_session *s)
{
	const struct ct_key *k = &s->key;

	if (f->proto != 0 && k->proto != f->proto)
		return false;
	if (f->state >= 0 && s->l4.state != f->state)
		return false;
	if (f->has_port && rte_be_to_cpu_16(k->port[0]) != f->port &&
	    rte_be_to_cpu_16(k->port[1]) != f->port)
		return false;
	if (f->family != 0) {
		if (k->family != f->family)
			return false;
		if (!prefix_match(k->addr[0], f->addr, f->plen) &&
		    !prefix_match(k->addr[1], f->addr, f->plen))
			return false;
	}
	return true;
}

static void
info_of(struct vfw_sess_info *o, const struct ct_table *t, const struct ct_session *s,
		uint16_t worker, uint32_t now)
{
	o->key = s->key;
	o->orig_hi = (s->flags & CT_F_ORIG_HI) != 0;
	o->state = s->l4.state;
	o->worker = worker;
	o->idle_ticks = (int32_t)(now - s->last_seen) > 0 ? now - s->last_seen : 0;
	o->timeout_ticks = t->timeouts[s->l4.state];
}

/*
 * Worker: DONE, and the asker woken (one write(2) per request, between
 * bursts: never on the per-packet path).
 */
static void
answer(struct vfw_sess_mailbox *mb)
{
	uint64_t one = 1;

	atomic_store_explicit(&mb->phase, VFW_SESS_DONE, memory_order_release);
	if (write(mb->notify_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN (counter saturated): the asker is awake anyway */
	}
}

void
vfw_sess_serve_slow(struct vfw_worker *w, uint32_t now)
{
	struct vfw_sess_mailbox *mb = &w->sess_mb;
	struct ct_table *t = &w->ct;
	unsigned int expect = VFW_SESS_POSTED;
	uint32_t end, pos;

	if (atomic_compare_exchange_strong_explicit(&mb->phase, &expect, VFW_SESS_BUSY,
			memory_order_acquire, memory_order_relaxed)) {
		mb->pos = mb->start;
		mb->n_out = 0;
		mb->n_flushed = 0;
		mb->status = 0;
	} else if (expect != VFW_SESS_BUSY) {
		return;
	}
	pos = mb->pos;
	end = pos + VFW_SESS_SCAN_BUDGET;
	if (end > t->max_sessions || end < pos)
		end = t->max_sessions;
	for (; pos < end; pos++) {
		struct ct_session *s = &t->sessions[pos];

		if (!(s->flags & CT_F_USED) || !vfw_sess_match(&mb->filter, s))
			continue;
		if (mb->op == VFW_SESS_FLUSH) {
			ct_flush_one(t, s);
			mb->n_flushed++;
			continue;
		}
		info_of(&mb->out[mb->n_out++], t, s, (uint16_t)w->index, now);
		if (mb->n_out == mb->max_out) {
			pos++;
			break;
		}
	}
	mb->pos = pos;
	if (pos >= t->max_sessions || (mb->op == VFW_SESS_LIST && mb->n_out == mb->max_out))
		answer(mb);
}

void
vfw_sess_worker_stop(struct vfw_worker *w)
{
	struct vfw_sess_mailbox *mb = &w->sess_mb;

	if (atomic_load_explicit(&mb->phase, memory_order_acquire) == VFW_SESS_BUSY) {
		mb->status = -ESHUTDOWN;
		answer(mb);
	}
}

/*
 * Each worker's "answered" eventfd (sess_ctl.h: notify_fd), made at its
 * first request; under ctl_lock.
 */
static int done_fd[RTE_MAX_LCORE];
static bool done_fd_made[RTE_MAX_LCORE];

static int
notify_fd_of(const struct vfw_worker *w)
{
	if (!done_fd_made[w->index]) {
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

		if (fd < 0)
			return -errno;
		done_fd[w->index] = fd;
		done_fd_made[w->index] = true;
	}
	return done_fd[w->index];
}

/* Milliseconds from now to deadline_ms (CLOCK_MONOTONIC), at least 0. */
static int
ms_left(uint64_t deadline_ms)
{
	uint64_t now = dp_mono_ns() / 1000000;

	return now >= deadline_ms ? 0 : (int)(deadline_ms - now);
}

/*
 * Post the request already written in w's mailbox and wait for the answer:
 * asleep on the worker's eventfd, which it signals when it answers.
 * Returns 0 (answer in the mailbox), -ETIMEDOUT (withdrawn), or the
 * worker's status.
 */
static int
post_and_wait(struct vfw_worker *w)
{
	struct vfw_sess_mailbox *mb = &w->sess_mb;
	uint64_t deadline = dp_mono_ns() / 1000000 + POST_TIMEOUT_MS, v;
	struct pollfd pfd = { .events = POLLIN };
	unsigned int ph;

	pfd.fd = notify_fd_of(w);
	if (pfd.fd < 0)
		return pfd.fd;
	if (read(pfd.fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing left from an earlier request */
	}
	mb->notify_fd = pfd.fd;
	atomic_store_explicit(&mb->phase, VFW_SESS_POSTED, memory_order_release);
	for (;;) {
		ph = atomic_load_explicit(&mb->phase, memory_order_acquire);
		if (ph == VFW_SESS_DONE)
			break;
		/* a request being served always ends (bounded scan, or -ESHUTDOWN at stop) */
		if (ph == VFW_SESS_POSTED && ms_left(deadline) == 0) {
			unsigned int expect = VFW_SESS_POSTED;

			if (atomic_compare_exchange_strong_explicit(&mb->phase, &expect, VFW_SESS_IDLE,
					memory_order_acq_rel, memory_order_acquire))
				return -ETIMEDOUT;
			continue;
		}
		/* asleep until the worker answers (or, while not picked up, the deadline) */
		if (poll(&pfd, 1, ph == VFW_SESS_POSTED ? ms_left(deadline) : POST_TIMEOUT_MS) > 0 &&
		    read(pfd.fd, &v, sizeof(v)) < 0) {
			/* EAGAIN: consumed already */
		}
	}
	atomic_store_explicit(&mb->phase, VFW_SESS_IDLE, memory_order_relaxed);
	return mb->status;
}

/* The worker that owns a table, or NULL (idle workers have none). */
static struct vfw_worker *
table_worker(unsigned int i)
{
	struct vfw_worker *w = &vfw.workers[i];

	return w->ct.sessions != NULL ? w : NULL;
}

uint64_t
vfw_sess_cursor_end(void)
{
	return (uint64_t)vfw.nb_workers * vfw.opt.max_sessions;
}

int
vfw_sess_list(const struct vfw_sess_filter *f, uint64_t *cursor, struct vfw_sess_info *out,
		uint32_t max)
{
	const uint64_t per = vfw.opt.max_sessions;
	uint64_t c = *cursor;
	uint32_t n = 0;
	int rc = 0;

	if (c > vfw_sess_cursor_end() || max == 0)
		return -EINVAL;
	pthread_mutex_lock(&ctl_lock);
	while (c < vfw_sess_cursor_end() && n < max) {
		struct vfw_worker *w = table_worker((unsigned int)(c / per));
		struct vfw_sess_mailbox *mb;

		if (w == NULL) {
			c = (c / per + 1) * per;
			continue;
		}
		mb = &w->sess_mb;
		mb->op = VFW_SESS_LIST;
		mb->filter = *f;
		mb->start = (uint32_t)(c % per);
		mb->max_out = max - n;
		mb->out = out + n;
		rc = post_and_wait(w);
		if (rc != 0)
			break;
		n += mb->n_out;
		c = c - c % per + mb->pos;	/* pos == per: the next worker's first slot */
	}
	pthread_mutex_unlock(&ctl_lock);
	if (rc != 0)
		return rc;
	*cursor = c >= vfw_sess_cursor_end() ? UINT64_MAX : c;
	return (int)n;
}

int64_t
vfw_sess_flush(const struct vfw_sess_filter *f)
{
	int64_t total = 0;
	unsigned int i;
	int rc = 0;

	pthread_mutex_lock(&ctl_lock);
	for (i = 0; i < vfw.nb_workers && rc == 0; i++) {
		struct vfw_worker *w = table_worker(i);
		struct vfw_sess_mailbox *mb;

		if (w == NULL)
			continue;
		mb = &w->sess_mb;
		mb->op = VFW_SESS_FLUSH;
		mb->filter = *f;
		mb->start = 0;
		mb->max_out = 0;
		mb->out = NULL;
		rc = post_and_wait(w);
		if (rc == 0 || rc == -ESHUTDOWN)
			total += mb->n_flushed;
	}
	pthread_mutex_unlock(&ctl_lock);
	return rc != 0 ? rc : total;
}
