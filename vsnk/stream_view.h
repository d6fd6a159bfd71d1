/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One probe stream as the control side sees it: the stream's state merged
 * over vsnk's rx workers (each worker has its own stream table). The one
 * reader of the tables behind the stats lines and JSON (vsnk_report.c),
 * /metrics (vsnk_mgmt.c) and the dashboard (dashboard.c).
 *
 * Thread safety: any control thread, any number at once; only relaxed loads
 * of the workers' tables (stream_track_read), never a write.
 */
#ifndef VSNK_STREAM_VIEW_H
#define VSNK_STREAM_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "stream_track.h"

/*
 * Stream id (< --max-streams) merged over the workers into r (finished:
 * lost, averages, quantiles). False, r zeroed, when no worker has seen it
 * (or no scratch memory).
 */
bool vsnk_stream_view(uint32_t id, struct stream_report *r);

/* Probe packets of stream id received so far, over the workers (cheap). */
uint64_t vsnk_stream_received(uint32_t id);

#endif /* VSNK_STREAM_VIEW_H */
