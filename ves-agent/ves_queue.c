/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include "ves_queue.h"
#include "ves_sched.h"

int
ves_queue_init(struct ves_queue *q, uint32_t cap, uint32_t max_inflight)
{
	q->size = cap + max_inflight;
	q->ring = calloc(q->size, sizeof(*q->ring));
	if (q->ring == NULL)
		return -ENOMEM;
	q->cap = cap;
	q->max_inflight = max_inflight;
	q->head = 0;
	q->count = 0;
	q->inflight = 0;
	q->kicked = false;
	pthread_mutex_init(&q->lock, NULL);
	/* default condition clock: CLOCK_REALTIME, as the deadlines */
	pthread_cond_init(&q->cond, NULL);
	return 0;
}

void
ves_queue_fini(struct ves_queue *q)
{
	uint32_t i;

	if (q->ring == NULL)
		return;
	for (i = 0; i < q->count; i++)
		free(q->ring[(q->head + i) % q->size]);
	free(q->ring);
	q->ring = NULL;
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

/* Drop the oldest waiting event: move the in-flight ones up by one slot. */
static void
drop_oldest_waiting(struct ves_queue *q)
{
	uint32_t victim = (q->head + q->inflight) % q->size;
	uint32_t i;

	free(q->ring[victim]);
	for (i = q->inflight; i > 0; i--)
		q->ring[(q->head + i) % q->size] = q->ring[(q->head + i - 1) % q->size];
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->size;
	q->count--;
}

unsigned int
ves_queue_push(struct ves_queue *q, char *event)
{
	unsigned int dropped = 0;

	pthread_mutex_lock(&q->lock);
	if (q->count - q->inflight >= q->cap) {
		drop_oldest_waiting(q);
		dropped = 1;
	}
	q->ring[(q->head + q->count) % q->size] = event;
	q->count++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return dropped;
}

/* Wait on the condition until deadline (0: none). Called locked. */
static void
wait_locked(struct ves_queue *q, uint64_t deadline_ns)
{
	struct timespec ts;

	if (deadline_ns == 0) {
		pthread_cond_wait(&q->cond, &q->lock);
		return;
	}
	ts = ves_ns_to_timespec(deadline_ns);
	pthread_cond_timedwait(&q->cond, &q->lock, &ts);
}

unsigned int
ves_queue_begin(struct ves_queue *q, unsigned int max, uint64_t deadline_ns, const char **out)
{
	unsigned int n = 0, i;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->kicked &&
	       (deadline_ns == 0 || dp_real_ns() < deadline_ns))
		wait_locked(q, deadline_ns);
	if (q->count > 0) {
		n = q->count < max ? q->count : max;
		if (n > q->max_inflight)
			n = q->max_inflight;
		for (i = 0; i < n; i++)
			out[i] = q->ring[(q->head + i) % q->size];
		q->inflight = n;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

void
ves_queue_end(struct ves_queue *q, bool remove)
{
	uint32_t i;

	pthread_mutex_lock(&q->lock);
	if (remove) {
		for (i = 0; i < q->inflight; i++) {
			free(q->ring[q->head]);
			q->ring[q->head] = NULL;
			q->head = (q->head + 1) % q->size;
		}
		q->count -= q->inflight;
	}
	q->inflight = 0;
	pthread_mutex_unlock(&q->lock);
}

bool
ves_queue_sleep(struct ves_queue *q, uint64_t deadline_ns)
{
	bool kicked;

	pthread_mutex_lock(&q->lock);
	while (!q->kicked && dp_real_ns() < deadline_ns)
		wait_locked(q, deadline_ns);
	kicked = q->kicked;
	pthread_mutex_unlock(&q->lock);
	return kicked;
}

void
ves_queue_kick(struct ves_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->kicked = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void
ves_queue_unkick(struct ves_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->kicked = false;
	pthread_mutex_unlock(&q->lock);
}

uint32_t
ves_queue_count(struct ves_queue *q)
{
	uint32_t n;

	pthread_mutex_lock(&q->lock);
	n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}
