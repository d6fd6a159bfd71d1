/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VES agent: every measurement interval it reads the port totals of the
 * binary through a callback (struct ves_source), computes the per-port deltas
 * and queues a VES event (v5 measurementsForVfScaling or v7 measurement);
 * heartbeats at their own interval; a fault event when a port's link goes
 * down and its clear when it comes back. A sender thread POSTs the queued
 * events to the collector in order, retrying with back-off.
 *
 * Threads (DESIGN.md: control threads on the main lcore's CPU, created with
 * pthread_create from the main thread so they inherit its affinity; process
 * signals are blocked in them and stay with the main thread):
 *  - "ves-meas": sleeps until absolute CLOCK_REALTIME deadlines (interval
 *    boundaries :00, :10, ... and heartbeats), reads the source, builds the
 *    event, pushes it into the queue. It never waits for the network: the
 *    queue lock is only ever held for a few pointer moves.
 *  - "ves-send": takes the oldest events, POSTs them with libcurl, removes them
 *    when delivered, retries them otherwise. Events go out in order.
 * The source callback runs on "ves-meas" only.
 *
 * Time line of the measurement events:
 *  - the baseline sample is read in ves_agent_start(); the first event covers
 *    from that moment to the first boundary (a partial interval: its
 *    measurementInterval is its real length in seconds), every following one
 *    exactly one interval [boundary, boundary + interval];
 *  - a heartbeat goes out at start, then on every heartbeat boundary;
 *  - ves_agent_stop() reads a last sample and sends a last partial event
 *    from the last boundary to the stop, so the deltas of all events add up to
 *    the totals at stop;
 *  - a thread woken late (or a clock step forward) gives one event spanning
 *    the boundaries missed: [last end, latest boundary]; nothing is counted
 *    twice nor lost. A step backwards delays the next event.
 *
 * Deltas (ves_delta.h): 64-bit, never negative; a total that goes backwards
 * (counters reset, e.g. POST /stats/reset) starts again from zero: the delta
 * is the new total and the port's valuesAreSuspect is "true".
 *
 * Delivery (at least once): 2xx delivered; 408, 429, 5xx, timeouts,
 * connection errors and unparsable answers: retried (back-off from 0.5 s,
 * doubling, up to --ves-backoff-max) while newer events wait; any other 4xx:
 * the event is dropped, counted as "rejected" and logged (a rejected batch is
 * first split into single events, so only the bad one is dropped). At most
 * --ves-queue events wait (plus the batch being sent); beyond, the oldest
 * waiting one is dropped and counted. A retried request may have reached the
 * collector already: it is sent again with the same eventId and sequence.
 */
#ifndef VES_AGENT_H
#define VES_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dp_view.h"
#include "ves_config.h"

#define VES_PORT_NAME_LEN 64
#define VES_MAX_PORTS 64

/* One port's totals since start (or since the last counter reset). */
struct ves_port_sample {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t dropped;		/* by the application (InfluxDB only) */
	uint64_t rx_missed;		/* by the port: its rx queues were full (driver imissed) */
	bool link_up;
	char name[VES_PORT_NAME_LEN];	/* vNicIdentifier / nicIdentifier */
	bool has_xdp;			/* the port has our XDP program: xdp is set */
	struct dp_xdp_stats xdp;	/* its counters (dp_view.h's xdp_stats) */
};

/*
 * Where the numbers come from. read() fills out[0..nb_ports-1] and returns 0,
 * or a negative errno (that sample is skipped: the next event covers the
 * longer span). It runs on the agent's own thread; it must not block and must
 * not take a lock a worker may hold (read the per-lcore counters with relaxed
 * loads, e.g. dp_counters_sum_slot()).
 */
struct ves_source {
	unsigned int nb_ports;		/* 1..VES_MAX_PORTS */
	int (*read)(void *ctx, struct ves_port_sample *out);
	/* the binary's lifecycle state for the heartbeat ("running", ...), optional */
	const char *(*state)(void *ctx);
	/*
	 * The binary's stats JSON (a new reference, or NULL), optional: read at
	 * every interval for an encoder that wants more than the ports (rules,
	 * sessions, streams). Same rules as read(): on the agent's thread,
	 * never blocking a worker.
	 */
	json_t *(*snapshot)(void *ctx);
	void *ctx;
};

struct ves_agent;
struct ves_encoder;

/*
 * Create an agent (no thread yet). cfg must have passed ves_config_finalize()
 * (or influx_config_finalize()); it is copied. enc is &ves_encoder or
 * &influx_encoder (ves_encoder.h). nf_name names the binary in heartbeat and
 * fault event names ("Heartbeat_vfw") and the InfluxDB "binary" tag.
 * Returns NULL with err on failure.
 */
struct ves_agent *ves_agent_create(const struct ves_config *cfg, const struct ves_source *src,
		const struct ves_encoder *enc, const char *nf_name, char *err, size_t errlen);

/* Read the baseline sample and start both threads. 0 or -errno with err. */
int ves_agent_start(struct ves_agent *a, char *err, size_t errlen);

/*
 * Stop: a last partial measurement event, then up to --ves-timeout for the
 * queue to drain; events still queued are left (counted in "queued"). Call
 * after the workers stopped (final totals) and before the ports are closed.
 * Returns when both threads have ended. Idempotent.
 */
void ves_agent_stop(struct ves_agent *a);

/* Free (stops first if needed). NULL is fine. */
void ves_agent_free(struct ves_agent *a);

/*
 * The "ves" section of the stats JSON: {"url", "version", "interval",
 * "events", "measurements", "heartbeats", "faults", "sent", "posts",
 * "retried", "failed", "rejected", "dropped", "queued", "last_status",
 * "last_error", "sample_lag_max_us", ...}. Invariant once stopped:
 * events = sent + rejected + dropped + queued. Any thread.
 */
json_t *ves_agent_stats_json(struct ves_agent *a);

#endif /* VES_AGENT_H */
