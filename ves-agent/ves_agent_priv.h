/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the agent: the state shared by the measurement thread
 * (ves_agent.c), the sender thread (ves_sender.c) and the stats
 * (ves_stats.c). Not for the binaries: they use ves_agent.h.
 */
#ifndef VES_AGENT_PRIV_H
#define VES_AGENT_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ves_agent.h"
#include "ves_delta.h"
#include "ves_encoder.h"
#include "ves_event.h"
#include "ves_http.h"
#include "ves_queue.h"

/* An open link fault of a port. Owned by ves-meas. */
struct ves_fault {
	bool down;
	uint64_t start_us;
	char event_id[VES_EVENT_ID_LEN];
};

struct ves_agent {
	/* immutable after ves_agent_create */
	struct ves_config cfg;
	struct ves_source src;
	const struct ves_encoder *enc;	/* VES events or InfluxDB lines */
	struct ves_event_meta meta;
	char nf_name[VES_NAME_MAX];
	char source_name[VES_NAME_MAX];
	char reporting_entity[VES_NAME_MAX];
	uint64_t period_ns;		/* measurement interval */
	uint64_t hb_period_ns;		/* 0 = no heartbeat */
	uint64_t link_poll_ns;

	/* written: ves-meas only (ves_agent_start before it runs) */
	struct ves_port_sample *prev;	/* [nb_ports] the last sample */
	struct ves_port_sample *cur;	/* [nb_ports] scratch */
	struct ves_port_delta *deltas;	/* [nb_ports] scratch */
	struct ves_fault *faults;	/* [nb_ports] */
	uint64_t last_end_ns;		/* end of the last measured span */
	bool sample_failing;		/* for logging once */

	/* control; written: main (stop), read: ves-meas */
	pthread_mutex_t ctl_lock;
	pthread_cond_t ctl_cond;	/* CLOCK_REALTIME deadlines */
	bool stop_meas;			/* under ctl_lock */
	pthread_t meas_thread;
	pthread_t send_thread;
	bool started;			/* main only */
	bool stopped;			/* main only */

	/* between ves-meas (producer) and ves-send (consumer) */
	struct ves_queue queue;
	/* written: main (stop); read: ves-send */
	atomic_bool draining;
	_Atomic uint64_t drain_deadline_ns;

	/* owned by ves-send */
	struct ves_http *http;

	/* stats; written: ves-meas or ves-send (relaxed); read: any */
	_Atomic uint64_t seq;		/* next sequence number (ves-meas) */
	_Atomic uint64_t events;	/* built and queued (ves-meas) */
	_Atomic uint64_t measurements;
	_Atomic uint64_t heartbeats;
	_Atomic uint64_t faults_sent;
	_Atomic uint64_t dropped;	/* queue full: oldest dropped (ves-meas) */
	_Atomic uint64_t sample_errors;	/* source read failed (ves-meas) */
	_Atomic uint64_t counter_resets;	/* intervals with a total gone backwards */
	_Atomic uint64_t sample_lag_max_us;	/* latest sample after its boundary */
	_Atomic uint64_t sent;		/* delivered (ves-send) */
	_Atomic uint64_t posts;		/* requests made */
	_Atomic uint64_t retried;	/* requests resending events */
	_Atomic uint64_t failed;	/* requests without a 2xx */
	_Atomic uint64_t rejected;	/* events dropped on a 4xx */
	_Atomic long last_status;	/* HTTP status of the last request, 0 = none */
	_Atomic uint64_t last_delivered_us;
	pthread_mutex_t stats_lock;	/* last_error */
	char last_error[VES_HTTP_ERR_LEN];	/* written: ves-send */
};

/* Sender thread body (ves_sender.c). */
void *ves_sender_main(void *arg);

/* Relaxed counter helpers. */
static inline void
ves_stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t
ves_stat_get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

#endif /* VES_AGENT_PRIV_H */
