/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry export is one design with pluggable encoders: the agent
 * (ves_agent.c: wall-clock schedule, samples, deltas, bounded ordered queue,
 * sender thread with retries and back-off) turns each interval into one
 * queued item through an encoder, and the sender joins queued items into a
 * request body through the same encoder. Two encoders exist:
 *  - ves_encoder (ves_event.c): one VES event per item, {"event":..} or
 *    {"eventList":[..]} bodies, heartbeats and link faults;
 *  - influx_encoder (influx_encoder.c): the interval's points in InfluxDB
 *    line protocol, items concatenated, no heartbeat or fault events.
 * Several agents with different encoders may run in one process.
 *
 * Thread safety: the functions are pure (they build strings from their
 * arguments); an agent calls the item builders on its measurement thread and
 * body/endpoint on its sender thread.
 */
#ifndef VES_ENCODER_H
#define VES_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ves_config.h"
#include "ves_delta.h"
#include "ves_event.h"

/* One measured interval, as the encoders get it. */
struct ves_interval {
	uint64_t seq;			/* the item's sequence number */
	uint64_t start_us;		/* [start, end] in us since the epoch */
	uint64_t end_us;
	const struct ves_port_delta *ports;
	unsigned int nb_ports;
	/* the binary's stats JSON read at the end of the interval (the same
	 * builder the stats file and REST use), NULL when the source has none or
	 * the encoder does not ask for it */
	json_t *snapshot;		/* read only */
};

struct ves_encoder {
	const char *name;		/* "VES", "InfluxDB": logs */
	const char *content_type;	/* of the request bodies */
	bool wants_snapshot;		/* read the binary's stats JSON every interval */
	/* malloc'd item, or NULL (out of memory: counted as dropped) */
	char *(*measurement)(const struct ves_event_meta *m, const struct ves_interval *iv);
	/* NULL: the encoder has no heartbeat / fault items */
	char *(*heartbeat)(const struct ves_event_meta *m, uint64_t seq, uint64_t now_us,
			uint32_t interval_s, const char *state);
	char *(*fault)(const struct ves_event_meta *m, uint64_t seq, const char *event_id,
			uint64_t start_us, uint64_t now_us, const char *port, bool cleared);
	/* the request body for items[0..n-1] (malloc'd, length in *len), NULL on ENOMEM */
	char *(*body)(const char **items, unsigned int n, size_t *len);
	/* where a request of n items goes */
	const char *(*endpoint)(const struct ves_config *cfg, unsigned int n);
};

extern const struct ves_encoder ves_encoder;
extern const struct ves_encoder influx_encoder;

#endif /* VES_ENCODER_H */
