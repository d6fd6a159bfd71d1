/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of vpkg/streams.c: the RCU-published stream table and its
 * control API, with pthreads standing in for tx workers (no EAL).
 *
 * The contract: a control call returns only after every online worker runs
 * on the new table; an offline (sleeping) worker picks it up when it comes
 * back; the old table is freed only when no worker can hold it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_rcu_qsbr.h>

#include "streams.h"

#define NB_WORKERS 3
#define SLEEPY 2	/* this worker sleeps offline now and then */

static struct vpkg_env env;
static char err[256];
static atomic_bool stop;
static _Atomic uint64_t seen_gen[NB_WORKERS];	/* written: worker i; read: test */
static _Atomic uint64_t loops[NB_WORKERS];
static pthread_t threads[NB_WORKERS];

static void
nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* A worker: the same loop shape as vpkg_tx_worker. */
static void *
worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	struct rte_rcu_qsbr *qs = vpkg_streams_qsbr();
	uint64_t cur_gen = 0;	/* as vpkg_tx_worker: a new table may reuse a freed one's address */
	volatile uint32_t sink = 0;

	rte_rcu_qsbr_thread_register(qs, id);
	rte_rcu_qsbr_thread_online(qs, id);
	while (!atomic_load(&stop)) {
		const struct vpkg_table *t;
		uint32_t i;

		rte_rcu_qsbr_quiescent(qs, id);
		t = vpkg_table_load();
		if (t->gen != cur_gen) {
			/* "resync": read the whole table (a use after free would show here) */
			for (i = 0; i < t->nb_streams; i++)
				sink += t->streams[i].tmpl[0] + (uint32_t)t->streams[i].pps;
			cur_gen = t->gen;
			atomic_store(&seen_gen[id], t->gen);
		}
		atomic_fetch_add(&loops[id], 1);
		sched_yield();	/* 3 workers + the test on 2 CPUs */
		if (id == SLEEPY && (atomic_load(&loops[id]) % 64) == 0) {
			rte_rcu_qsbr_thread_offline(qs, id);
			nap_us(2000);
			rte_rcu_qsbr_thread_online(qs, id);
		}
	}
	(void)sink;	/* only read by the table walk above (clang: set but not used) */
	rte_rcu_qsbr_thread_offline(qs, id);
	rte_rcu_qsbr_thread_unregister(qs, id);
	return NULL;
}

static int
setup(void **state)
{
	struct vpkg_stream_spec specs[10];
	unsigned int w, n;

	(void)state;
	memset(&env, 0, sizeof(env));
	env.tsc_hz = 2000000000ull;
	env.nb_ports = 1;
	env.nb_workers = NB_WORKERS;
	env.port[0].peer_state = VPKG_PEER_STATIC;
	env.port[0].speed_mbps = 10000;
	for (w = 0; w < VPKG_MAX_WORKERS; w++)
		env.port[0].txq[w] = w < NB_WORKERS ? (int16_t)w : -1;
	n = vpkg_spec_onap(specs, 10);
	if (vpkg_streams_init(&env, specs, n, err, sizeof(err)) != 0)
		return -1;
	atomic_store(&stop, false);
	for (w = 0; w < NB_WORKERS; w++)
		pthread_create(&threads[w], NULL, worker, (void *)(uintptr_t)w);
	/* every worker running */
	for (w = 0; w < NB_WORKERS; w++)
		while (atomic_load(&seen_gen[w]) == 0)
			nap_us(100);
	return 0;
}

static int
teardown(void **state)
{
	unsigned int w;

	(void)state;
	atomic_store(&stop, true);
	for (w = 0; w < NB_WORKERS; w++)
		pthread_join(threads[w], NULL);
	vpkg_streams_fini();
	return 0;
}

static const struct vpkg_cstream *
find(const struct vpkg_table *t, uint16_t id)
{
	return t->by_id[id] >= 0 ? &t->streams[t->by_id[id]] : NULL;
}

/* After each call, the busy workers already run on the new table. */
static void
test_rate_seen_on_return(void **state)
{
	struct vpkg_rate r = { .unit = VPKG_RATE_PPS };
	unsigned int k, w;

	(void)state;
	for (k = 1; k <= 200; k++) {
		const struct vpkg_table *t;

		r.value = k;
		assert_int_equal(vpkg_stream_set_rate("fw_udp3", &r, err, sizeof(err)), 0);
		t = vpkg_table_load();
		assert_true(find(t, 2)->pps == k);
		assert_true(find(t, 3)->pps == 10);
		for (w = 0; w < NB_WORKERS; w++) {
			if (w == SLEEPY)
				continue;
			assert_true(atomic_load(&seen_gen[w]) == t->gen);
		}
	}
	/* the sleepy one catches up when it wakes */
	for (k = 0; k < 10000 && atomic_load(&seen_gen[SLEEPY]) != vpkg_table_load()->gen; k++)
		nap_us(1000);
	if (atomic_load(&seen_gen[SLEEPY]) != vpkg_table_load()->gen)
		fail_msg("sleepy worker: runs on generation %lu, published %lu",
			 (unsigned long)atomic_load(&seen_gen[SLEEPY]),
			 (unsigned long)vpkg_table_load()->gen);
}

static void
test_active_streams(void **state)
{
	const struct vpkg_table *t;
	unsigned int i;

	(void)state;
	assert_int_equal(vpkg_set_active_streams(5, err, sizeof(err)), 0);
	t = vpkg_table_load();
	for (i = 0; i < 10; i++)
		assert_int_equal(find(t, (uint16_t)i)->enabled, i < 5);
	assert_int_equal(vpkg_set_active_streams(10, err, sizeof(err)), 0);
	t = vpkg_table_load();
	for (i = 0; i < 10; i++)
		assert_true(find(t, (uint16_t)i)->enabled);
	assert_int_not_equal(vpkg_set_active_streams(11, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "active-streams"));
}

static void
test_enable_and_errors(void **state)
{
	struct vpkg_stream_spec specs[VPKG_MAX_STREAMS];
	struct vpkg_rate r = { .unit = VPKG_RATE_PPS, .value = 30e6 };	/* above 10G at 64 B */
	uint64_t gen;
	unsigned int n;

	(void)state;
	assert_int_equal(vpkg_stream_set_enabled("fw_udp10", false, err, sizeof(err)), 0);
	assert_false(find(vpkg_table_load(), 9)->enabled);
	assert_int_equal(vpkg_stream_set_enabled("fw_udp10", true, err, sizeof(err)), 0);
	assert_int_equal(vpkg_stream_set_enabled("nope", true, err, sizeof(err)), -ENOENT);
	gen = vpkg_table_load()->gen;
	assert_int_equal(vpkg_stream_set_rate("fw_udp1", &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line rate"));
	assert_true(vpkg_table_load()->gen == gen);	/* nothing published */
	/* a bad set is refused whole */
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);
	assert_int_equal(n, 10);
	specs[4].id = specs[5].id;
	assert_int_equal(vpkg_streams_update(specs, n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "duplicate id"));
	assert_true(vpkg_table_load()->gen == gen);
}

/* Per-id state lives outside the table and survives swaps. */
static int
edit_size_rate(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *e,
		size_t len)
{
	json_t *body = json_pack("{s:i,s:s}", "size", 128, "rate", "2kpps");
	int i = vpkg_spec_lookup(specs, n, arg), rc;

	if (i < 0) {
		json_decref(body);
		snprintf(e, len, "no stream");
		return -ENOENT;
	}
	rc = vpkg_spec_apply_json(&specs[i], body, specs[i].name, e, len);
	json_decref(body);
	return rc;
}

static int
edit_bad_size(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *e,
		size_t len)
{
	json_t *body = json_pack("{s:i,s:b}", "size", 40, "enabled", 0);
	int rc;

	(void)n;
	(void)arg;
	rc = vpkg_spec_apply_json(&specs[0], body, specs[0].name, e, len);
	json_decref(body);
	return rc;
}

static int
edit_nothing(struct vpkg_stream_spec *specs, unsigned int n, const void *arg, char *e,
		size_t len)
{
	(void)specs;
	(void)n;
	(void)arg;
	(void)e;
	(void)len;
	return 0;
}

/* vpkg_streams_modify: one table for several changes, all or nothing, nothing when unchanged. */
static void
test_modify(void **state)
{
	struct vpkg_stream_spec specs[VPKG_MAX_STREAMS];
	const struct vpkg_cstream *cs;
	uint64_t gen;
	unsigned int n;

	(void)state;
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);
	assert_int_equal(vpkg_spec_lookup(specs, n, "4"), 4);		/* by id */
	assert_int_equal(vpkg_spec_lookup(specs, n, "fw_udp5"), 4);	/* by name */
	assert_int_equal(vpkg_spec_lookup(specs, n, "10"), -1);
	assert_int_equal(vpkg_spec_lookup(specs, n, ""), -1);
	gen = vpkg_table_load()->gen;
	assert_int_equal(vpkg_streams_modify(edit_size_rate, "fw_udp5", err, sizeof(err)), 0);
	cs = find(vpkg_table_load(), 4);
	assert_true(vpkg_table_load()->gen == gen + 1);	/* one publication for both */
	assert_true(cs->pps == 2000 && cs->size_min == 124);
	assert_int_equal(vpkg_streams_modify(edit_size_rate, "nope", err, sizeof(err)), -ENOENT);
	gen = vpkg_table_load()->gen;
	assert_int_equal(vpkg_streams_modify(edit_bad_size, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fw_udp1.size"));
	assert_true(vpkg_table_load()->gen == gen);
	assert_true(find(vpkg_table_load(), 0)->enabled);	/* the other key was not applied */
	assert_int_equal(vpkg_streams_modify(edit_nothing, NULL, err, sizeof(err)), 0);
	assert_true(vpkg_table_load()->gen == gen);		/* unchanged: not published */
}

static void
test_slots_survive(void **state)
{
	struct vpkg_stream_spec specs[VPKG_MAX_STREAMS];
	unsigned int n;

	(void)state;
	vpkg_slots[7].seq = 4242;	/* as if the owning worker had sent 4242 packets */
	n = vpkg_streams_get(specs, VPKG_MAX_STREAMS);
	specs[7].rate.value = 77;
	assert_int_equal(vpkg_streams_update(specs, n, err, sizeof(err)), 0);
	assert_int_equal(vpkg_slots[7].seq, 4242);
	assert_true(find(vpkg_table_load(), 7)->pps == 77);
	/* worker lists: stream id % workers */
	assert_int_equal(find(vpkg_table_load(), 7)->worker, 7 % NB_WORKERS);
	/* shrink to 3 streams, then back: the table follows */
	assert_int_equal(vpkg_streams_update(specs, 3, err, sizeof(err)), 0);
	assert_int_equal(vpkg_table_load()->nb_streams, 3);
	assert_null(find(vpkg_table_load(), 7));
	assert_int_equal(vpkg_streams_update(specs, n, err, sizeof(err)), 0);
	assert_int_equal(vpkg_slots[7].seq, 4242);
}

/* Many control threads at once: serialised, all return, final state consistent. */
static void *
hammer(void *arg)
{
	struct vpkg_rate r = { .unit = VPKG_RATE_PPS };
	char e[256];
	unsigned int k, id = (unsigned int)(uintptr_t)arg;
	char name[16];

	snprintf(name, sizeof(name), "fw_udp%u", id + 1);
	for (k = 1; k <= 50; k++) {
		r.value = id * 1000 + k;
		if (vpkg_stream_set_rate(name, &r, e, sizeof(e)) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_concurrent_control(void **state)
{
	pthread_t th[4];
	void *rc;
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, (void *)(uintptr_t)i);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &rc);
		assert_null(rc);
	}
	for (i = 0; i < 4; i++)
		assert_true(find(vpkg_table_load(), (uint16_t)i)->pps == i * 1000 + 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_seen_on_return),
		cmocka_unit_test(test_active_streams),
		cmocka_unit_test(test_enable_and_errors),
		cmocka_unit_test(test_modify),
		cmocka_unit_test(test_slots_survive),
		cmocka_unit_test(test_concurrent_control),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
