/* SPDX-License-Identifier: BSD-3-Clause */
/* The "ves" section of a binary's stats JSON. Reads counters only. */
#include "ves_agent_priv.h"

static json_t *
jcount(_Atomic uint64_t *c)
{
	uint64_t v = ves_stat_get(c);

	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

json_t *
ves_agent_stats_json(struct ves_agent *a)
{
	json_t *o = json_object();

	if (o == NULL || a == NULL)
		return o;
	json_object_set_new(o, "url", json_string(a->cfg.endpoint));
	json_object_set_new(o, "version", json_integer(a->cfg.version));
	json_object_set_new(o, "interval", json_integer(a->cfg.interval_s));
	json_object_set_new(o, "heartbeat", json_integer(a->cfg.heartbeat_s));
	json_object_set_new(o, "source_name", json_string(a->source_name));
	json_object_set_new(o, "events", jcount(&a->events));
	json_object_set_new(o, "measurements", jcount(&a->measurements));
	json_object_set_new(o, "heartbeats", jcount(&a->heartbeats));
	json_object_set_new(o, "faults", jcount(&a->faults_sent));
	json_object_set_new(o, "sent", jcount(&a->sent));
	json_object_set_new(o, "posts", jcount(&a->posts));
	json_object_set_new(o, "retried", jcount(&a->retried));
	json_object_set_new(o, "failed", jcount(&a->failed));
	json_object_set_new(o, "rejected", jcount(&a->rejected));
	json_object_set_new(o, "dropped", jcount(&a->dropped));
	json_object_set_new(o, "queued", json_integer(ves_queue_count(&a->queue)));
	json_object_set_new(o, "sequence", jcount(&a->seq));
	json_object_set_new(o, "sample_errors", jcount(&a->sample_errors));
	json_object_set_new(o, "counter_resets", jcount(&a->counter_resets));
	json_object_set_new(o, "sample_lag_max_us", jcount(&a->sample_lag_max_us));
	json_object_set_new(o, "last_status",
			json_integer(atomic_load_explicit(&a->last_status, memory_order_relaxed)));
	json_object_set_new(o, "last_delivered_epoch_us", jcount(&a->last_delivered_us));
	pthread_mutex_lock(&a->stats_lock);
	json_object_set_new(o, "last_error", json_string(a->last_error));
	pthread_mutex_unlock(&a->stats_lock);
	return o;
}
