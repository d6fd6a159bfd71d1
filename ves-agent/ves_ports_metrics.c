/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry exports' delivery counters on /metrics (one family per
 * counter, the export as a label), read from the same "ves" / "influx"
 * sections as the stats JSON: one list of counters.
 */
#include <stdio.h>

#include "mgmt_prom.h"
#include "ves_ports.h"

struct export_family {
	const char *key;	/* in the agent's stats section */
	const char *suffix;	/* of the family name */
	const char *type;
	const char *help;
};

static const struct export_family families[] = {
	{ "events", "export_items_total", "counter",
	  "Items (intervals, events) built by a telemetry export" },
	{ "sent", "export_sent_total", "counter", "Items delivered (2xx)" },
	{ "dropped", "export_dropped_total", "counter",
	  "Items dropped: the oldest waiting beyond the queue bound" },
	{ "rejected", "export_rejected_total", "counter", "Items the server refused (4xx)" },
	{ "retried", "export_retried_requests_total", "counter", "Requests resending items" },
	{ "queued", "export_queued", "gauge", "Items waiting for the server" },
};

void
ves_ports_metrics(struct mgmt_prom *p, const char *prefix)
{
	static const char *const keys[] = { "ves", "influx" };
	json_t *root = json_object();
	char name[160];
	unsigned int f, k;

	if (root == NULL)
		return;
	ves_ports_stats_add(root);
	if (json_object_size(root) == 0) {
		json_decref(root);
		return;
	}
	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		snprintf(name, sizeof(name), "%s%s", prefix, families[f].suffix);
		mgmt_prom_family(p, name, families[f].type, families[f].help);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *v = json_object_get(json_object_get(root, keys[k]), families[f].key);

			if (json_is_integer(v))
				mgmt_prom_u64(p, name, (uint64_t)json_integer_value(v), "export",
					      keys[k], NULL);
		}
	}
	json_decref(root);
}
