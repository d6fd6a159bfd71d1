/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "replay.h"

void
replay_init(struct replay_table *t)
{
	memset(t, 0, sizeof(*t));
}

/* The source's slot, or the one to reuse for it (a free one, else the least recently used). */
static struct replay_source *
find_slot(struct replay_table *t, const char *source, bool *found)
{
	struct replay_source *victim = &t->sources[0];
	unsigned int i;

	for (i = 0; i < REPLAY_MAX_SOURCES; i++) {
		struct replay_source *s = &t->sources[i];

		if (s->name[0] != '\0' && strcmp(s->name, source) == 0) {
			*found = true;
			return s;
		}
		if (victim->name[0] != '\0' && (s->name[0] == '\0' || s->last_use < victim->last_use))
			victim = s;
	}
	*found = false;
	return victim;
}

bool
replay_seen(struct replay_table *t, const char *source, int64_t sequence, double start_us,
		double end_us)
{
	bool found;
	struct replay_source *s = find_slot(t, source, &found);

	if (!found) {
		snprintf(s->name, sizeof(s->name), "%s", source);
		s->run_start_us = start_us;
	} else if (end_us >= s->run_start_us && sequence > s->highest_sequence) {
		/* the next event of the current run (instant events may share its start) */
	} else if (start_us >= s->last_end_us && end_us > s->last_end_us) {
		s->run_start_us = start_us;	/* a new run */
	} else {
		s->last_use = ++t->uses;
		return true;
	}
	s->highest_sequence = sequence;
	if (!found || end_us > s->last_end_us)
		s->last_end_us = end_us;
	s->last_use = ++t->uses;
	return false;
}
