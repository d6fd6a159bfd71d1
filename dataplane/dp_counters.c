/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "dp_counters.h"

struct dp_counters *
dp_counters_create(const struct dp_counter_desc *desc, unsigned int nb_counters,
		unsigned int nb_slots)
{
	struct dp_counters *c;
	size_t bytes;
	unsigned int l;

	if (nb_counters == 0 || nb_slots == 0)
		return NULL;
	c = aligned_alloc(RTE_CACHE_LINE_SIZE,
			RTE_ALIGN_CEIL(sizeof(*c), RTE_CACHE_LINE_SIZE));
	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->desc = desc;
	c->nb_counters = nb_counters;
	c->nb_slots = nb_slots;
	c->stride = nb_counters;
	/* whole cache lines per lcore, so no two writers share a line */
	bytes = RTE_ALIGN_CEIL((size_t)nb_slots * nb_counters * sizeof(uint64_t),
			RTE_CACHE_LINE_SIZE);
	for (l = 0; l < RTE_MAX_LCORE; l++) {
		c->lcore[l].v = aligned_alloc(RTE_CACHE_LINE_SIZE, bytes);
		if (c->lcore[l].v == NULL) {
			dp_counters_free(c);
			errno = ENOMEM;
			return NULL;
		}
		memset(c->lcore[l].v, 0, bytes);
		atomic_init(&c->lcore[l].reset_req, 0);
	}
	return c;
}

void
dp_counters_free(struct dp_counters *c)
{
	unsigned int l;

	if (c == NULL)
		return;
	for (l = 0; l < RTE_MAX_LCORE; l++)
		free(c->lcore[l].v);
	free(c);
}

uint64_t
dp_counters_sum(const struct dp_counters *c, unsigned int slot, unsigned int idx)
{
	unsigned int i = dp_counters_index(c, slot, idx);
	uint64_t sum = 0;
	unsigned int l;

	for (l = 0; l < RTE_MAX_LCORE; l++)
		sum += dp_ctr_read(&c->lcore[l].v[i]);
	return sum;
}

void
dp_counters_sum_slot(const struct dp_counters *c, unsigned int slot, uint64_t *out)
{
	unsigned int base = dp_counters_index(c, slot, 0);
	unsigned int l, i;

	memset(out, 0, sizeof(*out) * c->nb_counters);
	for (l = 0; l < RTE_MAX_LCORE; l++)
		for (i = 0; i < c->nb_counters; i++)
			out[i] += dp_ctr_read(&c->lcore[l].v[base + i]);
}

void
dp_counters_request_reset(struct dp_counters *c)
{
	unsigned int l;

	for (l = 0; l < RTE_MAX_LCORE; l++)
		atomic_store_explicit(&c->lcore[l].reset_req, 1, memory_order_release);
}

int
dp_counters_find(const struct dp_counters *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nb_counters; i++)
		if (strcmp(c->desc[i].name, name) == 0)
			return (int)i;
	return -1;
}
