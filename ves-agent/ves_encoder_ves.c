/* SPDX-License-Identifier: BSD-3-Clause */
/* The VES encoder (ves_encoder.h): one VES event per queued item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ves_encoder.h"

static char *
dump(json_t *ev)
{
	char *s = ev != NULL ? ves_event_dump(ev) : NULL;

	json_decref(ev);
	return s;
}

static char *
measurement(const struct ves_event_meta *m, const struct ves_interval *iv)
{
	return dump(ves_event_measurement(m, iv->seq, iv->start_us, iv->end_us, iv->ports,
			iv->nb_ports));
}

static char *
heartbeat(const struct ves_event_meta *m, uint64_t seq, uint64_t now_us, uint32_t interval_s,
		const char *state)
{
	return dump(ves_event_heartbeat(m, seq, now_us, interval_s, state));
}

static char *
fault(const struct ves_event_meta *m, uint64_t seq, const char *event_id, uint64_t start_us,
		uint64_t now_us, const char *port, bool cleared)
{
	return dump(ves_event_fault(m, seq, event_id, start_us, now_us, port, cleared));
}

/* {"event":E} or {"eventList":[E1,E2,...]} */
static char *
body(const char **events, unsigned int n, size_t *len)
{
	static const char single_pre[] = "{\"event\":", list_pre[] = "{\"eventList\":[";
	size_t total = sizeof(list_pre) + 3, off;
	unsigned int i;
	char *b;

	for (i = 0; i < n; i++)
		total += strlen(events[i]) + 1;
	b = malloc(total);
	if (b == NULL)
		return NULL;
	if (n == 1) {
		off = (size_t)snprintf(b, total, "%s%s}", single_pre, events[0]);
	} else {
		off = (size_t)snprintf(b, total, "%s", list_pre);
		for (i = 0; i < n; i++) {
			size_t l = strlen(events[i]);

			if (i > 0)
				b[off++] = ',';
			memcpy(b + off, events[i], l);
			off += l;
		}
		b[off++] = ']';
		b[off++] = '}';
		b[off] = '\0';
	}
	*len = off;
	return b;
}

static const char *
endpoint(const struct ves_config *cfg, unsigned int n)
{
	return n > 1 ? cfg->batch_endpoint : cfg->endpoint;
}

const struct ves_encoder ves_encoder = {
	.name = "VES",
	.content_type = "application/json",
	.wants_snapshot = false,
	.measurement = measurement,
	.heartbeat = heartbeat,
	.fault = fault,
	.body = body,
	.endpoint = endpoint,
};
