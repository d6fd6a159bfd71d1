/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender thread "ves-send": oldest events first, one POST at a time,
 * never out of order. Delivered events leave the queue; on a failure they
 * stay at its head and the thread backs off (0.5 s doubling up to
 * --ves-backoff-max) while newer events wait behind them. A 4xx answer
 * (but 408/429) drops the event; a rejected batch is first split into single
 * events so that only the bad one is dropped.
 *
 * Stop (ves_agent_stop): "draining" is set with a deadline and the queue is
 * kicked; the thread goes on sending until the queue is empty or the
 * deadline passes, each request capped to the time left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ves_agent_priv.h"
#include "ves_log.h"
#include "ves_sched.h"

#define MIN_REQUEST_MS 100
#define LOG_FIRST_REJECTS 10
#define LOG_EVERY_REJECTS 100

static void
record(struct ves_agent *a, const struct ves_http_result *res, bool delivered)
{
	atomic_store_explicit(&a->last_status, res->status, memory_order_relaxed);
	if (delivered)
		atomic_store_explicit(&a->last_delivered_us, dp_real_ns() / 1000,
				memory_order_relaxed);
	pthread_mutex_lock(&a->stats_lock);
	snprintf(a->last_error, sizeof(a->last_error), "%s", res->error);
	pthread_mutex_unlock(&a->stats_lock);
}

static void
log_reject(struct ves_agent *a, const struct ves_http_result *res)
{
	uint64_t r = ves_stat_get(&a->rejected);

	if (r <= LOG_FIRST_REJECTS || r % LOG_EVERY_REJECTS == 0)
		VES_LOG(WARNING, "collector rejected an event (%s: %.120s); dropped, "
			"%" PRIu64 " rejected so far", res->error, res->reply, r);
}

/* Sleep to an absolute CLOCK_REALTIME time, not woken by the kick. */
static void
sleep_until(uint64_t deadline_ns)
{
	struct timespec ts = ves_ns_to_timespec(deadline_ns);

	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

struct sender {
	struct ves_agent *a;
	uint32_t backoff_ms;	/* next wait after a failure */
	unsigned int singles;	/* events to send one by one (split batch) */
	bool retrying;		/* the head events failed before */
	bool failing;		/* for logging transitions once */
};

/* After a failed request: wait the back-off. False when the drain is over. */
static bool
back_off(struct sender *s)
{
	struct ves_agent *a = s->a;
	uint64_t now = dp_real_ns();
	uint64_t wake = now + (uint64_t)s->backoff_ms * 1000000;

	s->backoff_ms = s->backoff_ms * 2 < a->cfg.backoff_max_ms ? s->backoff_ms * 2 :
			a->cfg.backoff_max_ms;
	if (atomic_load(&a->draining)) {
		if (wake >= atomic_load(&a->drain_deadline_ns))
			return false;
		sleep_until(wake);
		return true;
	}
	ves_queue_sleep(&a->queue, wake);	/* a kick (stop) ends it early */
	return true;
}

/* One request with the oldest events. False when the thread should end. */
static bool
send_once(struct sender *s)
{
	struct ves_agent *a = s->a;
	const char *events[VES_MAX_BATCH];
	struct ves_http_result res;
	enum ves_http_verdict v;
	uint64_t deadline = 0;
	uint32_t timeout_ms = 0;
	unsigned int n;
	size_t len = 0;
	char *body;

	if (atomic_load(&a->draining)) {
		uint64_t now = dp_real_ns();

		deadline = atomic_load(&a->drain_deadline_ns);
		if (now >= deadline)
			return false;
		timeout_ms = (uint32_t)((deadline - now) / 1000000);
		if (timeout_ms < MIN_REQUEST_MS)
			timeout_ms = MIN_REQUEST_MS;
	}
	n = ves_queue_begin(&a->queue, s->singles > 0 ? 1 : a->cfg.batch, deadline, events);
	if (n == 0)
		return !atomic_load(&a->draining);
	body = a->enc->body(events, n, &len);
	if (body == NULL) {
		ves_queue_end(&a->queue, false);
		VES_LOG(ERR, "out of memory for a request; retrying");
		return back_off(s);
	}
	if (s->retrying)
		ves_stat_add(&a->retried, 1);
	ves_stat_add(&a->posts, 1);
	v = ves_http_post(a->http, a->enc->endpoint(&a->cfg, n), body, len,
			timeout_ms, &res);
	free(body);
	record(a, &res, v == VES_HTTP_DELIVERED);

	if (v == VES_HTTP_DELIVERED) {
		ves_queue_end(&a->queue, true);
		ves_stat_add(&a->sent, n);
		if (s->singles > 0)
			s->singles--;
		if (s->failing)
			VES_LOG(NOTICE, "%s %s delivers again", a->enc->name, a->cfg.endpoint);
		s->failing = false;
		s->retrying = false;
		s->backoff_ms = VES_BACKOFF_INITIAL_MS < a->cfg.backoff_max_ms ?
				VES_BACKOFF_INITIAL_MS : a->cfg.backoff_max_ms;
		return true;
	}
	ves_stat_add(&a->failed, 1);
	if (v == VES_HTTP_REJECTED && n > 1) {
		/* find the bad one: the same events again, one by one */
		ves_queue_end(&a->queue, false);
		s->singles = n;
		VES_LOG(WARNING, "collector rejected a batch of %u (%s); sending them one by one",
			n, res.error);
		return true;
	}
	if (v == VES_HTTP_REJECTED) {
		ves_queue_end(&a->queue, true);
		ves_stat_add(&a->rejected, 1);
		if (s->singles > 0)
			s->singles--;
		s->retrying = false;
		log_reject(a, &res);
		return true;
	}
	ves_queue_end(&a->queue, false);
	if (!s->failing)
		VES_LOG(WARNING, "%s %s: %s; items wait in the queue, retrying",
			a->enc->name, a->cfg.endpoint, res.error);
	s->failing = true;
	s->retrying = true;
	return back_off(s);
}

void *
ves_sender_main(void *arg)
{
	struct sender s = {
		.a = arg,
		.backoff_ms = VES_BACKOFF_INITIAL_MS,
	};

	if (s.backoff_ms > s.a->cfg.backoff_max_ms)
		s.backoff_ms = s.a->cfg.backoff_max_ms;
	while (send_once(&s))
		;
	return NULL;
}
