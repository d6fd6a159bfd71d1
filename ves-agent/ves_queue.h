/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bounded FIFO of serialised events between the measurement thread
 * (producer) and the sender thread (consumer).
 *
 * The sender marks the oldest events "in flight" (ves_queue_begin), POSTs
 * them without the lock, then removes them (delivered or rejected) or leaves
 * them at the head for the next attempt (ves_queue_end). In-flight events are
 * never dropped nor moved out of order, so the sender may read their strings
 * without the lock. At most `cap` events wait besides the in-flight ones; a
 * push beyond drops the oldest waiting event (the one right after the
 * in-flight ones).
 *
 * Thread safety: one producer, one consumer, any number of readers of the
 * counts; the lock is held for a few pointer moves only (never during I/O),
 * so the producer never waits for the network.
 */
#ifndef VES_QUEUE_H
#define VES_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct ves_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* signalled: new event, kick */
	char **ring;		/* [size]; owned strings */
	uint32_t size;		/* cap + max_inflight */
	uint32_t cap;		/* waiting events, at most */
	uint32_t max_inflight;
	uint32_t head;		/* index of the oldest */
	uint32_t count;		/* events in the ring, in flight included */
	uint32_t inflight;	/* the first `inflight` events from head */
	bool kicked;		/* wake the consumer (stop) */
};

/* 0 or -ENOMEM. */
int ves_queue_init(struct ves_queue *q, uint32_t cap, uint32_t max_inflight);
void ves_queue_fini(struct ves_queue *q);

/*
 * Producer: append event (ownership taken). Returns the number of events
 * dropped to make room (0 or 1).
 */
unsigned int ves_queue_push(struct ves_queue *q, char *event);

/*
 * Consumer: wait until an event is there, the queue is kicked, or the
 * absolute CLOCK_REALTIME deadline_ns passes (0 = no deadline); then mark up
 * to max of the oldest as in flight and return them in out[] (valid until
 * ves_queue_end). Returns how many (0: kicked or deadline with nothing).
 */
unsigned int ves_queue_begin(struct ves_queue *q, unsigned int max, uint64_t deadline_ns,
		const char **out);

/* Consumer: remove the in-flight events (remove) or keep them at the head. */
void ves_queue_end(struct ves_queue *q, bool remove);

/*
 * Consumer: sleep until the absolute CLOCK_REALTIME deadline or a kick.
 * Returns true when kicked.
 */
bool ves_queue_sleep(struct ves_queue *q, uint64_t deadline_ns);

/* Wake the consumer out of begin/sleep (sticky until ves_queue_unkick). */
void ves_queue_kick(struct ves_queue *q);
void ves_queue_unkick(struct ves_queue *q);

/* Events in the queue, in flight included. */
uint32_t ves_queue_count(struct ves_queue *q);

#endif /* VES_QUEUE_H */
