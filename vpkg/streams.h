/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stream table and its control API.
 *
 * Control threads (main, later the REST server) own the master list of
 * stream specs and the port environment, under one mutex. Every change
 * compiles a new immutable table (templates, recipes, per-worker lists),
 * publishes it with an atomic pointer store, and returns only after every
 * online worker has loaded it and rebuilt its schedule (two rte_rcu_qsbr
 * grace periods: after the first, no worker uses the old table and it is
 * freed; after the second, every worker has switched). A worker that is
 * offline (idle sleep, not started) picks the new table up before it sends
 * again.
 *
 * Per-stream state that must survive a swap (sequence numbers, walks,
 * deadlines, counters) is outside the table: struct vpkg_slot (gen.h) and
 * the stream counters, indexed by stream id and written by the owning worker
 * only (id % number of workers, fixed for the run).
 *
 * Thread safety: the vpkg_streams_* / vpkg_stream_* / vpkg_set_* functions
 * are for control threads (any number; serialised by the mutex) and must
 * not be called from a worker. Workers use vpkg_table_load() and the
 * quiescent-state calls only.
 */
#ifndef VPKG_STREAMS_H
#define VPKG_STREAMS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "gen.h"
#include "spec.h"
#include "tmpl.h"

/* Written: control (build, before publishing); read: workers and control. Immutable. */
struct vpkg_table {
	uint64_t gen;			/* publication number, from 1 */
	uint32_t nb_streams;
	struct vpkg_cstream *streams;	/* [nb_streams], sorted by id */
	struct vpkg_stream_spec *specs;	/* [nb_streams], the spec of each */
	int16_t by_id[VPKG_MAX_STREAMS];	/* index in streams[], -1 = none */
	uint16_t nb_workers;
	uint32_t *wl_off;		/* [nb_workers]: start of worker w's list in wl_idx */
	uint32_t *wl_cnt;		/* [nb_workers] */
	uint32_t *wl_idx;		/* indexes into streams[], grouped by worker */
};

/* Written: control (publish); read: workers (acquire). */
extern _Atomic(struct vpkg_table *) vpkg_table_cur;

/* Per-stream state outside the table. Written: owning worker; read: control. */
extern struct vpkg_slot vpkg_slots[VPKG_MAX_STREAMS];

/* --- worker side --- */

/*
 * The current table. A worker reports its quiescent state before loading it
 * and must tell tables apart by gen, not by address: a table freed while the
 * worker was offline can come back at the same address.
 */
static inline struct vpkg_table *
vpkg_table_load(void)
{
	return atomic_load_explicit(&vpkg_table_cur, memory_order_acquire);
}

/* The QS variable workers report to (thread id = worker index). */
struct rte_rcu_qsbr *vpkg_streams_qsbr(void);

/* --- control side --- */

/*
 * Start the module: nb_workers readers, the environment (copied), the first
 * set of specs (checked, compiled and published). Returns 0, -EINVAL with
 * err (bad configuration), or -ENOMEM.
 */
int vpkg_streams_init(const struct vpkg_env *env, const struct vpkg_stream_spec *specs,
		unsigned int n, char *err, size_t errlen);

/* Free the table and the QS variable (after the workers stopped). */
void vpkg_streams_fini(void);

/* Replace the whole set. Per-id state (sequence, counters) carries over. */
int vpkg_streams_update(const struct vpkg_stream_spec *specs, unsigned int n, char *err,
		size_t errlen);

/* Enable the first n streams (by id), disable the others (ONAP active-streams). */
int vpkg_set_active_streams(unsigned int n, char *err, size_t errlen);

/* Enable or disable one stream by name. -ENOENT if there is no such stream. */
int vpkg_stream_set_enabled(const char *name, bool enabled, char *err, size_t errlen);

/* Change the rate of one stream by name; takes effect at its next deadline. */
int vpkg_stream_set_rate(const char *name, const struct vpkg_rate *rate, char *err,
		size_t errlen);

/*
 * Edit the master list: fn changes specs[0..n-1] (a copy, sorted by id) and
 * returns 0, or a negative errno with err filled (the REST API maps -ENOENT
 * to 404, -EINVAL to 400). The result is checked, compiled and published as
 * one table (all or nothing) and the call returns once the workers run on it;
 * when fn changed nothing, nothing is published. The REST server's edits
 * (enable, rate, size, ONAP's stream lists) go through here.
 */
typedef int (*vpkg_streams_edit_fn)(struct vpkg_stream_spec *specs, unsigned int n,
		const void *arg, char *err, size_t errlen);
int vpkg_streams_modify(vpkg_streams_edit_fn fn, const void *arg, char *err, size_t errlen);

/* Index in specs[0..n-1] of the stream named by s: its id in decimal, else its name; -1. */
int vpkg_spec_lookup(const struct vpkg_stream_spec *specs, unsigned int n, const char *s);

/* The next hop of port (index into the env) is known now (ARP), or changed. */
int vpkg_streams_set_peer(uint16_t port, const struct rte_ether_addr *mac, char *err,
		size_t errlen);

/* Copy of the master specs (at most max); returns how many there are. */
unsigned int vpkg_streams_get(struct vpkg_stream_spec *out, unsigned int max);

/* Number of the last table published (changes with every publication). */
uint64_t vpkg_streams_gen(void);

/* Copy of the environment. */
void vpkg_streams_env(struct vpkg_env *out);

/*
 * Call fn for every compiled stream of the current table with the control
 * lock held (stats, REST): the table cannot be freed meanwhile.
 */
void vpkg_streams_foreach(void (*fn)(void *ctx, const struct vpkg_cstream *cs,
		const struct vpkg_stream_spec *sp), void *ctx);

#endif /* VPKG_STREAMS_H */
