/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The agent's life (create, start, stop, free) and its measurement thread
 * "ves-meas": wall-clock schedule, samples, deltas, measurement, heartbeat
 * and fault events into the queue. See ves_agent.h for the behaviour.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ves_agent_priv.h"
#include "ves_log.h"
#include "ves_sched.h"

#define LINK_POLL_NS (VES_NS_PER_S)	/* link faults within a second */
#define MIN_DRAIN_MS 1000

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* --- events into the queue (ves-meas) --- */

static void
enqueue(struct ves_agent *a, char *s)
{
	atomic_fetch_add_explicit(&a->seq, 1, memory_order_relaxed);
	ves_stat_add(&a->events, 1);
	if (s == NULL) {
		VES_LOG(ERR, "%s: cannot build an item (out of memory); dropped", a->enc->name);
		ves_stat_add(&a->dropped, 1);
		return;
	}
	if (ves_queue_push(&a->queue, s) != 0) {
		uint64_t d = ves_stat_get(&a->dropped);

		ves_stat_add(&a->dropped, 1);
		if (d == 0 || (d + 1) % 100 == 0)
			VES_LOG(WARNING, "%s: queue full (%u items): oldest dropped (%" PRIu64
				" so far)",
				a->enc->name, a->cfg.queue_len, d + 1);
	}
}

static uint64_t
next_seq(struct ves_agent *a)
{
	return atomic_load_explicit(&a->seq, memory_order_relaxed);
}

/* Fault onset when a port's link goes down, clear when it comes back. */
static void
links_update(struct ves_agent *a, const struct ves_port_sample *s, uint64_t now_ns)
{
	uint64_t now_us = now_ns / 1000;
	unsigned int i;

	if (a->enc->fault == NULL)
		return;	/* no fault items (InfluxDB: the port points carry link_up) */
	for (i = 0; i < a->src.nb_ports; i++) {
		struct ves_fault *f = &a->faults[i];
		uint64_t seq;

		if (!s[i].link_up && !f->down) {
			seq = next_seq(a);
			f->down = true;
			f->start_us = now_us;
			ves_event_id(&a->meta, "Fault", seq, f->event_id, sizeof(f->event_id));
			VES_LOG(WARNING, "port %s: link down (fault %s)", s[i].name, f->event_id);
			enqueue(a, a->enc->fault(&a->meta, seq, f->event_id, f->start_us, now_us,
					s[i].name, false));
			ves_stat_add(&a->faults_sent, 1);
		} else if (s[i].link_up && f->down) {
			seq = next_seq(a);
			f->down = false;
			VES_LOG(NOTICE, "port %s: link up (fault %s cleared)", s[i].name,
				f->event_id);
			enqueue(a, a->enc->fault(&a->meta, seq, f->event_id, f->start_us, now_us,
					s[i].name, true));
			ves_stat_add(&a->faults_sent, 1);
		}
	}
}

/* Read the source into buf; false (counted, logged once) when it fails. */
static bool
sample(struct ves_agent *a, struct ves_port_sample *buf)
{
	int rc;

	memset(buf, 0, sizeof(*buf) * a->src.nb_ports);
	rc = a->src.read(a->src.ctx, buf);
	if (rc != 0) {
		ves_stat_add(&a->sample_errors, 1);
		if (!a->sample_failing)
			VES_LOG(WARNING, "cannot read the port counters: %s; the next event "
				"covers the longer interval", strerror(rc < 0 ? -rc : rc));
		a->sample_failing = true;
		return false;
	}
	a->sample_failing = false;
	return true;
}

/* The event for [last_end, end_ns]; now_ns is when the sample is read. */
static void
measure(struct ves_agent *a, uint64_t end_ns, uint64_t now_ns)
{
	unsigned int i, n = a->src.nb_ports;
	struct ves_port_sample *t;
	struct ves_interval iv;
	json_t *snap = NULL;
	bool reset = false;
	uint64_t lag;

	if (!sample(a, a->cur))
		return;
	links_update(a, a->cur, now_ns);
	ves_delta_ports(a->prev, a->cur, n, a->deltas);
	for (i = 0; i < n; i++)
		reset |= a->deltas[i].suspect;
	if (reset) {
		ves_stat_add(&a->counter_resets, 1);
		VES_LOG(NOTICE, "port counters went backwards (reset): deltas count from zero");
	}
	iv = (struct ves_interval){
		.seq = next_seq(a),
		.start_us = a->last_end_ns / 1000,
		.end_us = end_ns / 1000,
		.ports = a->deltas,
		.nb_ports = n,
	};
	if (a->enc->wants_snapshot && a->src.snapshot != NULL)
		snap = a->src.snapshot(a->src.ctx);
	iv.snapshot = snap;
	enqueue(a, a->enc->measurement(&a->meta, &iv));
	json_decref(snap);
	ves_stat_add(&a->measurements, 1);
	t = a->prev;
	a->prev = a->cur;
	a->cur = t;
	a->last_end_ns = end_ns;
	lag = now_ns > end_ns ? (now_ns - end_ns) / 1000 : 0;
	if (lag > ves_stat_get(&a->sample_lag_max_us))
		atomic_store_explicit(&a->sample_lag_max_us, lag, memory_order_relaxed);
}

static void
heartbeat(struct ves_agent *a, uint64_t at_ns)
{
	const char *state = a->src.state != NULL ? a->src.state(a->src.ctx) : NULL;

	if (a->enc->heartbeat == NULL)
		return;
	enqueue(a, a->enc->heartbeat(&a->meta, next_seq(a), at_ns / 1000, a->cfg.heartbeat_s,
			state));
	ves_stat_add(&a->heartbeats, 1);
}

/* Sleep until the absolute CLOCK_REALTIME deadline; true when asked to stop. */
static bool
wait_until(struct ves_agent *a, uint64_t deadline_ns)
{
	struct timespec ts = ves_ns_to_timespec(deadline_ns);
	bool stop;

	pthread_mutex_lock(&a->ctl_lock);
	while (!a->stop_meas && dp_real_ns() < deadline_ns)
		pthread_cond_timedwait(&a->ctl_cond, &a->ctl_lock, &ts);
	stop = a->stop_meas;
	pthread_mutex_unlock(&a->ctl_lock);
	return stop;
}

static void *
meas_main(void *arg)
{
	struct ves_agent *a = arg;
	uint64_t now = dp_real_ns();
	uint64_t next_meas = ves_sched_next(a->last_end_ns, a->period_ns);
	uint64_t next_hb = a->hb_period_ns != 0 ? ves_sched_next(now, a->hb_period_ns) : UINT64_MAX;
	uint64_t next_link = now + a->link_poll_ns;

	while (!wait_until(a, min_u64(min_u64(next_meas, next_hb), next_link))) {
		now = dp_real_ns();
		if (now >= next_meas) {
			/* late or after a clock step: one event up to the latest boundary */
			uint64_t end = ves_sched_floor(now, a->period_ns);

			measure(a, end, now);
			next_meas = end + a->period_ns;
			next_link = now + a->link_poll_ns;
		} else if (now >= next_link) {
			if (sample(a, a->cur))
				links_update(a, a->cur, now);
			next_link = now + a->link_poll_ns;
		} else if (next_link - now > 2 * a->link_poll_ns) {
			/* the clock stepped backwards: the next measurement waits for its
			 * boundary (times stay in order), the link polls go on */
			next_link = now + a->link_poll_ns;
		}
		if (now >= next_hb) {
			uint64_t at = ves_sched_floor(now, a->hb_period_ns);

			heartbeat(a, at);
			next_hb = at + a->hb_period_ns;
		}
	}
	/* the last, partial interval: the deltas add up to the totals at stop */
	now = dp_real_ns() / 1000 * 1000;
	measure(a, now > a->last_end_ns ? now : a->last_end_ns, now);
	return NULL;
}

/* --- life --- */

static void
default_name(char *dst, size_t len, const char *given, const char *host)
{
	snprintf(dst, len, "%s", given[0] != '\0' ? given : host);
}

struct ves_agent *
ves_agent_create(const struct ves_config *cfg, const struct ves_source *src,
		const struct ves_encoder *enc, const char *nf_name, char *err, size_t errlen)
{
	char host[VES_NAME_MAX] = "localhost";
	struct ves_agent *a;
	unsigned int n;

	if (src == NULL || src->read == NULL || src->nb_ports == 0 ||
	    src->nb_ports > VES_MAX_PORTS) {
		snprintf(err, errlen, "ves: between 1 and %u ports needed", VES_MAX_PORTS);
		return NULL;
	}
	if (enc == NULL) {
		snprintf(err, errlen, "ves: no encoder");
		return NULL;
	}
	if (cfg->endpoint[0] == '\0') {
		snprintf(err, errlen, "ves: configuration not finalised (no endpoint)");
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "ves: cannot initialise libcurl");
		return NULL;
	}
	n = src->nb_ports;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		goto nomem;
	a->cfg = *cfg;
	a->src = *src;
	a->enc = enc;
	a->prev = calloc(n, sizeof(*a->prev));
	a->cur = calloc(n, sizeof(*a->cur));
	a->deltas = calloc(n, sizeof(*a->deltas));
	a->faults = calloc(n, sizeof(*a->faults));
	if (a->prev == NULL || a->cur == NULL || a->deltas == NULL || a->faults == NULL ||
	    ves_queue_init(&a->queue, cfg->queue_len, cfg->batch) != 0)
		goto nomem;
	a->http = ves_http_create(&a->cfg, enc->content_type);
	if (a->http == NULL)
		goto nomem;

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	default_name(a->source_name, sizeof(a->source_name), cfg->source_name, host);
	default_name(a->reporting_entity, sizeof(a->reporting_entity), cfg->reporting_entity, host);
	snprintf(a->nf_name, sizeof(a->nf_name), "%s", nf_name != NULL ? nf_name : "vnf");
	a->meta = (struct ves_event_meta){
		.version = cfg->version,
		.source_name = a->source_name,
		.reporting_entity = a->reporting_entity,
		.event_name = a->cfg.event_name,
		.nf_name = a->nf_name,
		.nic_array = cfg->nic_array,
	};
	a->period_ns = (uint64_t)cfg->interval_s * VES_NS_PER_S;
	a->hb_period_ns = (uint64_t)cfg->heartbeat_s * VES_NS_PER_S;
	a->link_poll_ns = min_u64(LINK_POLL_NS, a->period_ns);
	pthread_mutex_init(&a->ctl_lock, NULL);
	pthread_cond_init(&a->ctl_cond, NULL);	/* CLOCK_REALTIME */
	pthread_mutex_init(&a->stats_lock, NULL);
	atomic_init(&a->draining, false);
	return a;

nomem:
	snprintf(err, errlen, "ves: out of memory");
	if (a != NULL) {
		ves_http_free(a->http);
		ves_queue_fini(&a->queue);
		free(a->prev);
		free(a->cur);
		free(a->deltas);
		free(a->faults);
		ves_config_wipe(&a->cfg);
		free(a);
	}
	curl_global_cleanup();
	return NULL;
}

/* Signals stay with the binary's main thread (and SIGPIPE from a closed
 * connection stays pending instead of killing the process). */
static void
block_signals(sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1,
		SIGUSR2, SIGALRM, SIGCHLD };
	sigset_t set;
	unsigned int i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

int
ves_agent_start(struct ves_agent *a, char *err, size_t errlen)
{
	sigset_t old;
	uint64_t now;
	int rc;

	if (a->started) {
		snprintf(err, errlen, "ves: agent already started");
		return -EALREADY;
	}
	now = dp_real_ns() / 1000 * 1000;
	a->meta.instance = now / 1000;
	/* the baseline: the first event counts from here */
	if (!sample(a, a->prev))
		memset(a->prev, 0, sizeof(*a->prev) * a->src.nb_ports);
	a->last_end_ns = now;
	links_update(a, a->prev, now);
	if (a->hb_period_ns != 0)
		heartbeat(a, now);

	/* the threads inherit the main thread's CPU affinity and this mask */
	block_signals(&old);
	rc = pthread_create(&a->send_thread, NULL, ves_sender_main, a);
	if (rc != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errlen, "ves: cannot create the sender thread: %s", strerror(rc));
		return -rc;
	}
	pthread_setname_np(a->send_thread, "ves-send");
	rc = pthread_create(&a->meas_thread, NULL, meas_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		atomic_store(&a->drain_deadline_ns, dp_real_ns());
		atomic_store(&a->draining, true);
		ves_queue_kick(&a->queue);
		pthread_join(a->send_thread, NULL);
		snprintf(err, errlen, "ves: cannot create the measurement thread: %s",
			 strerror(rc));
		return -rc;
	}
	pthread_setname_np(a->meas_thread, "ves-meas");
	a->started = true;
	VES_LOG(INFO, "agent started: %s to %s every %u s, source %s", a->enc->name,
		a->cfg.endpoint, a->cfg.interval_s, a->source_name);
	return 0;
}

void
ves_agent_stop(struct ves_agent *a)
{
	uint32_t drain_ms;
	uint32_t left;

	if (a == NULL || !a->started || a->stopped)
		return;
	/* 1. the measurement thread queues its last partial event and ends */
	pthread_mutex_lock(&a->ctl_lock);
	a->stop_meas = true;
	pthread_cond_broadcast(&a->ctl_cond);
	pthread_mutex_unlock(&a->ctl_lock);
	pthread_join(a->meas_thread, NULL);

	/* 2. the sender gets --ves-timeout to deliver what is queued */
	drain_ms = a->cfg.timeout_ms > MIN_DRAIN_MS ? a->cfg.timeout_ms : MIN_DRAIN_MS;
	atomic_store(&a->drain_deadline_ns, dp_real_ns() + (uint64_t)drain_ms * 1000000);
	atomic_store(&a->draining, true);
	ves_queue_kick(&a->queue);
	pthread_join(a->send_thread, NULL);
	a->stopped = true;
	left = ves_queue_count(&a->queue);
	if (left > 0)
		VES_LOG(WARNING, "%s: stopped with %u item(s) not delivered", a->enc->name, left);
}

void
ves_agent_free(struct ves_agent *a)
{
	if (a == NULL)
		return;
	ves_agent_stop(a);
	ves_http_free(a->http);
	ves_queue_fini(&a->queue);
	free(a->prev);
	free(a->cur);
	free(a->deltas);
	free(a->faults);
	pthread_cond_destroy(&a->ctl_cond);
	pthread_mutex_destroy(&a->ctl_lock);
	pthread_mutex_destroy(&a->stats_lock);
	ves_config_wipe(&a->cfg);
	free(a);
	curl_global_cleanup();
}
