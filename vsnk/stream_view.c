/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stream merged over the rx workers (see stream_view.h).
 */
#include <stdlib.h>

#include "stream_view.h"
#include "vsnk.h"

/* Worker w's state of stream id, NULL when w has no table or never saw it. */
static const struct stream_state *
worker_stream(unsigned int w, uint32_t id)
{
	const struct stream_state *t = vsnk.workers[w].streams;

	if (t == NULL || __atomic_load_n(&t[id].received, __ATOMIC_RELAXED) == 0)
		return NULL;
	return &t[id];
}

bool
vsnk_stream_view(uint32_t id, struct stream_report *r)
{
	/* a state holds the latency histogram: too big for a mgmt thread's stack */
	struct stream_state *s = malloc(sizeof(*s));
	const struct stream_state *src;
	bool seen = false;
	unsigned int w;

	stream_report_init(r);
	if (s == NULL)
		return false;
	for (w = 0; w < vsnk.nb_workers; w++) {
		src = worker_stream(w, id);
		if (src == NULL)
			continue;
		stream_track_read(src, s);
		stream_report_add(r, s);
		seen = true;
	}
	free(s);
	if (seen)
		stream_report_finish(r);
	return seen;
}

uint64_t
vsnk_stream_received(uint32_t id)
{
	uint64_t n = 0;
	unsigned int w;

	for (w = 0; w < vsnk.nb_workers; w++)
		if (vsnk.workers[w].streams != NULL)
			n += __atomic_load_n(&vsnk.workers[w].streams[id].received,
					__ATOMIC_RELAXED);
	return n;
}
