/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replayed events: the same (sourceName, sequence) delivered again, by an
 * agent retrying or by someone replaying a captured event. Memory is
 * bounded: per source (at most REPLAY_MAX_SOURCES; the one seen least
 * recently makes room for a new one), the highest sequence accepted, the
 * latest lastEpochMicrosec accepted and the start of the source's current
 * run.
 *
 * An event is new when it belongs to the current run (it ends after the
 * run's start) and its sequence is higher than any accepted, or when it
 * covers only time after everything accepted from its source: an agent
 * restarted with its numbering from 0 again starts a new run, and so does
 * each event of a source that sends sequence 0 ("if not needed"). Anything
 * else is a replay; so is an out-of-order event, which would be stale for
 * the closed loop anyway. An event from before a forgotten source's last
 * contact (evicted, or before the controller started) cannot be recognised.
 *
 * Thread safety: none; the caller serialises.
 */
#ifndef CTL_REPLAY_H
#define CTL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "ves_check.h"

#define REPLAY_MAX_SOURCES 256

struct replay_source {
	char name[VES_CHECK_MAX_NAME];	/* "" = free slot */
	int64_t highest_sequence;
	double last_end_us;		/* latest lastEpochMicrosec accepted */
	double run_start_us;		/* startEpochMicrosec that began the current run */
	uint64_t last_use;		/* for eviction */
};

struct replay_table {
	struct replay_source sources[REPLAY_MAX_SOURCES];
	uint64_t uses;
};

void replay_init(struct replay_table *t);

/*
 * Is this event a replay? When not, it is remembered as accepted. The
 * values come from a checked commonEventHeader.
 */
bool replay_seen(struct replay_table *t, const char *source, int64_t sequence,
		double start_us, double end_us);

#endif /* CTL_REPLAY_H */
