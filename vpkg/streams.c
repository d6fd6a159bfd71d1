/* SPDX-License-Identifier: BSD-3-Clause */
/* The stream table: compile, publish (RCU), control API. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_rcu_qsbr.h>

#include "dp_engine.h"
#include "streams.h"

_Atomic(struct vpkg_table *) vpkg_table_cur;
struct vpkg_slot vpkg_slots[VPKG_MAX_STREAMS];

static struct {
	pthread_mutex_t lock;
	struct rte_rcu_qsbr *qs;		/* written: init/fini; read: all */
	struct vpkg_env env;			/* written: control under lock */
	struct vpkg_stream_spec specs[VPKG_MAX_STREAMS];	/* the master list, by id; under lock */
	unsigned int nb_specs;			/* under lock */
	uint64_t gen;				/* last published; under lock */
} ctl = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct rte_rcu_qsbr *
vpkg_streams_qsbr(void)
{
	return ctl.qs;
}

static void
table_free(struct vpkg_table *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	for (i = 0; t->streams != NULL && i < t->nb_streams; i++)
		vpkg_cstream_free(&t->streams[i]);
	free(t->streams);
	free(t->specs);
	free(t->wl_off);
	free(t->wl_cnt);
	free(t->wl_idx);
	free(t);
}

static int
cmp_spec_id(const void *a, const void *b)
{
	const struct vpkg_stream_spec *x = a, *y = b;

	return (int)x->id - (int)y->id;
}

/* Enabled streams of a port must fit its line rate together. */
static int
check_port_load(const struct vpkg_table *t, const struct vpkg_env *env, char *err, size_t len)
{
	uint16_t p;
	uint32_t i;

	for (p = 0; p < env->nb_ports; p++) {
		double sum = 0;
		unsigned int n = 0;

		if (env->port[p].speed_mbps == 0)
			continue;
		for (i = 0; i < t->nb_streams; i++) {
			if (t->streams[i].port == p && t->streams[i].enabled) {
				sum += t->streams[i].l1_bps;
				n++;
			}
		}
		if (sum > env->port[p].speed_mbps * 1e6 * (1 + 1e-9)) {
			snprintf(err, len, "rate: the %u enabled streams of port %u add up to %.4g Gbit/s "
				 "on the wire, above its %.4g Gbit/s line rate", n, env->port[p].port_id,
				 sum / 1e9, env->port[p].speed_mbps / 1e3);
			return -EINVAL;
		}
	}
	return 0;
}

static int
table_build(const struct vpkg_stream_spec *specs, unsigned int n, const struct vpkg_env *env,
		struct vpkg_table **out, char *err, size_t len)
{
	struct vpkg_table *t;
	uint32_t i, w;
	int rc;

	rc = vpkg_spec_check_set(specs, n, err, len);
	if (rc != 0)
		return rc;
	if (env->nb_workers == 0 || env->nb_workers > VPKG_MAX_WORKERS) {
		snprintf(err, len, "streams: no tx worker");
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->nb_streams = n;
	t->nb_workers = env->nb_workers;
	t->streams = calloc(n, sizeof(*t->streams));
	t->specs = malloc(n * sizeof(*t->specs));
	t->wl_off = calloc(env->nb_workers, sizeof(*t->wl_off));
	t->wl_cnt = calloc(env->nb_workers, sizeof(*t->wl_cnt));
	t->wl_idx = calloc(n, sizeof(*t->wl_idx));
	if (t->streams == NULL || t->specs == NULL || t->wl_off == NULL || t->wl_cnt == NULL ||
	    t->wl_idx == NULL) {
		table_free(t);
		return -ENOMEM;
	}
	memcpy(t->specs, specs, n * sizeof(*specs));
	qsort(t->specs, n, sizeof(*t->specs), cmp_spec_id);
	memset(t->by_id, 0xff, sizeof(t->by_id));
	for (i = 0; i < n; i++) {
		rc = vpkg_cstream_build(&t->streams[i], &t->specs[i], env, err, len);
		if (rc != 0) {
			t->nb_streams = i;
			table_free(t);
			return rc;
		}
		t->by_id[t->specs[i].id] = (int16_t)i;
		t->wl_cnt[t->streams[i].worker]++;
	}
	rc = check_port_load(t, env, err, len);
	if (rc != 0) {
		table_free(t);
		return rc;
	}
	for (w = 1; w < env->nb_workers; w++)
		t->wl_off[w] = t->wl_off[w - 1] + t->wl_cnt[w - 1];
	memset(t->wl_cnt, 0, env->nb_workers * sizeof(*t->wl_cnt));
	for (i = 0; i < n; i++) {
		w = t->streams[i].worker;
		t->wl_idx[t->wl_off[w] + t->wl_cnt[w]++] = i;
	}
	*out = t;
	return 0;
}

/*
 * Publish t and wait: after the first grace period no worker holds the old
 * table (freed); after the second every online worker runs on t.
 */
static void
publish(struct vpkg_table *t)
{
	struct vpkg_table *old;

	t->gen = ++ctl.gen;
	old = atomic_exchange_explicit(&vpkg_table_cur, t, memory_order_acq_rel);
	if (ctl.qs != NULL)
		rte_rcu_qsbr_synchronize(ctl.qs, RTE_QSBR_THRID_INVALID);
	table_free(old);
	if (ctl.qs != NULL)
		rte_rcu_qsbr_synchronize(ctl.qs, RTE_QSBR_THRID_INVALID);
}

/* Compile and publish specs with the control lock held; the master list follows on success. */
static int
apply_locked(const struct vpkg_stream_spec *specs, unsigned int n, char *err, size_t len)
{
	struct vpkg_table *t = NULL;
	int rc;

	rc = table_build(specs, n, &ctl.env, &t, err, len);
	if (rc == -ENOMEM)
		snprintf(err, len, "streams: out of memory");
	if (rc != 0)
		return rc;
	memcpy(ctl.specs, t->specs, n * sizeof(*specs));
	ctl.nb_specs = n;
	publish(t);
	return 0;
}

int
vpkg_streams_init(const struct vpkg_env *env, const struct vpkg_stream_spec *specs,
		unsigned int n, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	pthread_mutex_lock(&ctl.lock);
	ctl.env = *env;
	ctl.gen = 0;
	memset(vpkg_slots, 0, sizeof(vpkg_slots));
	for (i = 0; i < VPKG_MAX_STREAMS; i++)
		vpkg_slots[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
	ctl.qs = dp_rcu();	/* the process's, shared with the worker engine */
	if (ctl.qs == NULL) {
		pthread_mutex_unlock(&ctl.lock);
		snprintf(err, errlen, "streams: cannot create the RCU variable");
		return -ENOMEM;
	}
	rc = apply_locked(specs, n, err, errlen);
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

void
vpkg_streams_fini(void)
{
	pthread_mutex_lock(&ctl.lock);
	table_free(atomic_exchange(&vpkg_table_cur, NULL));
	ctl.qs = NULL;		/* dp_rcu() outlives the stream table */
	ctl.nb_specs = 0;
	pthread_mutex_unlock(&ctl.lock);
}

int
vpkg_streams_update(const struct vpkg_stream_spec *specs, unsigned int n, char *err,
		size_t errlen)
{
	int rc;

	pthread_mutex_lock(&ctl.lock);
	rc = apply_locked(specs, n, err, errlen);
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

/* Apply the master list with one change made by fn on a copy (nothing when unchanged). */
static int
modify(vpkg_streams_edit_fn fn, const void *arg, char *err, size_t errlen)
{
	static struct vpkg_stream_spec work[VPKG_MAX_STREAMS];	/* under ctl.lock */
	unsigned int n;
	int rc;

	pthread_mutex_lock(&ctl.lock);
	n = ctl.nb_specs;
	memcpy(work, ctl.specs, n * sizeof(work[0]));
	rc = fn(work, n, arg, err, errlen);
	if (rc == 0 && memcmp(work, ctl.specs, n * sizeof(work[0])) != 0)
		rc = apply_locked(work, n, err, errlen);
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

int
vpkg_streams_modify(vpkg_streams_edit_fn fn, const void *arg, char *err, size_t errlen)
{
	return modify(fn, arg, err, errlen);
}

int
vpkg_spec_lookup(const struct vpkg_stream_spec *specs, unsigned int n, const char *s)
{
	unsigned int i;
	char *end;
	unsigned long id;

	if (s == NULL || *s == '\0')
		return -1;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		id = strtoul(s, &end, 10);
		if (errno == 0 && *end == '\0')
			for (i = 0; i < n; i++)
				if (specs[i].id == id)
					return (int)i;
	}
	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, s) == 0)
			return (int)i;
	return -1;
}

static int
do_active(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	unsigned int want = *(const unsigned int *)arg, i;

	if (want > n) {
		snprintf(err, errlen, "active-streams: invalid value '%u' (there are %u streams)",
			 want, n);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)	/* the master list is sorted by id */
		specs[i].enabled = i < want;
	return 0;
}

int
vpkg_set_active_streams(unsigned int n, char *err, size_t errlen)
{
	return modify(do_active, &n, err, errlen);
}

static struct vpkg_stream_spec *
find(struct vpkg_stream_spec *specs, unsigned int n, const char *name, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	snprintf(err, errlen, "stream '%s': no such stream", name);
	return NULL;
}

struct enable_arg {
	const char *name;
	bool enabled;
};

static int
do_enable(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct enable_arg *a = arg;
	struct vpkg_stream_spec *s = find(specs, n, a->name, err, errlen);

	if (s == NULL)
		return -ENOENT;
	s->enabled = a->enabled;
	return 0;
}

int
vpkg_stream_set_enabled(const char *name, bool enabled, char *err, size_t errlen)
{
	struct enable_arg a = { name, enabled };

	return modify(do_enable, &a, err, errlen);
}

struct rate_arg {
	const char *name;
	const struct vpkg_rate *rate;
};

static int
do_rate(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *err,
		size_t errlen)
{
	const struct rate_arg *a = arg;
	struct vpkg_stream_spec *s = find(specs, n, a->name, err, errlen);

	if (s == NULL)
		return -ENOENT;
	s->rate = *a->rate;
	return 0;
}

int
vpkg_stream_set_rate(const char *name, const struct vpkg_rate *rate, char *err, size_t errlen)
{
	struct rate_arg a = { name, rate };

	return modify(do_rate, &a, err, errlen);
}

int
vpkg_streams_set_peer(uint16_t port, const struct rte_ether_addr *mac, char *err, size_t errlen)
{
	struct vpkg_port_env saved;
	int rc;

	pthread_mutex_lock(&ctl.lock);
	if (port >= ctl.env.nb_ports) {
		pthread_mutex_unlock(&ctl.lock);
		snprintf(err, errlen, "port index %u out of range", port);
		return -EINVAL;
	}
	saved = ctl.env.port[port];
	ctl.env.port[port].peer = *mac;
	ctl.env.port[port].peer_state = VPKG_PEER_RESOLVED;
	rc = apply_locked(ctl.specs, ctl.nb_specs, err, errlen);
	if (rc != 0)
		ctl.env.port[port] = saved;
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

unsigned int
vpkg_streams_get(struct vpkg_stream_spec *out, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&ctl.lock);
	n = ctl.nb_specs;
	memcpy(out, ctl.specs, RTE_MIN(n, max) * sizeof(*out));
	pthread_mutex_unlock(&ctl.lock);
	return n;
}

uint64_t
vpkg_streams_gen(void)
{
	uint64_t gen;

	pthread_mutex_lock(&ctl.lock);
	gen = ctl.gen;
	pthread_mutex_unlock(&ctl.lock);
	return gen;
}

void
vpkg_streams_env(struct vpkg_env *out)
{
	pthread_mutex_lock(&ctl.lock);
	*out = ctl.env;
	pthread_mutex_unlock(&ctl.lock);
}

void
vpkg_streams_foreach(void (*fn)(void *ctx, const struct vpkg_cstream *cs,
		const struct vpkg_stream_spec *sp), void *ctx)
{
	struct vpkg_table *t;
	uint32_t i;

	pthread_mutex_lock(&ctl.lock);
	t = atomic_load(&vpkg_table_cur);
	for (i = 0; t != NULL && i < t->nb_streams; i++)
		fn(ctx, &t->streams[i], &t->specs[i]);
	pthread_mutex_unlock(&ctl.lock);
}
