/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg: the packet generator. Tx workers pace streams by TSC deadlines
 * (pace.h), build packets from per-stream templates (gen.h), and stamp the
 * probe header; the stream table is published by control threads through
 * RCU (streams.h).
 *
 * Tx refused by the queue: bounded retry (--tx-retry N extra tx_burst calls
 * in the same loop, default 0), then drop and count (per port tx_refused,
 * per stream refused).
 */
#ifndef VPKG_H
#define VPKG_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_ether.h>

#include "dp_counters.h"
#include "dp_options.h"
#include "pace.h"
#include "spec.h"
#include "streams.h"
#include "txlog.h"

/* Per-port counters; the first ones are DP_PORT_COUNTERS (dp_stats.h). */
#define VPKG_PORT_COUNTERS(X) \
	DP_PORT_COUNTERS(X) \
	X(tx_refused,      "Packets the tx queue refused: freed after --tx-retry extra attempts") \
	X(tx_retries,      "Extra tx_burst calls for packets the queue did not take at once") \
	X(tx_nombuf,       "Packets not built because the mempool was empty") \
	X(arp_rx,          "ARP frames received") \
	X(arp_replies_tx,  "ARP replies sent for the local address") \
	X(arp_requests_tx, "ARP requests sent for the gateway") \
	X(rx_ignored,      "Received frames that are not ARP for us (freed)")

#define VPKG_CTR_ENUM(name, help) VPKG_CTR_##name,
enum vpkg_port_ctr {
	VPKG_PORT_COUNTERS(VPKG_CTR_ENUM)
	VPKG_CTR_MAX
};

/* Per-stream counters (slot = stream id). */
#define VPKG_STREAM_COUNTERS(X) \
	X(tx_packets, "Packets sent") \
	X(tx_bytes,   "Bytes sent (L2, without FCS)") \
	X(refused,    "Packets the tx queue refused or the mempool could not provide (dropped)")

#undef VPKG_CTR_ENUM
#define VPKG_SCTR_ENUM(name, help) VPKG_SCTR_##name,
enum vpkg_stream_ctr {
	VPKG_STREAM_COUNTERS(VPKG_SCTR_ENUM)
	VPKG_SCTR_MAX
};
#undef VPKG_SCTR_ENUM

extern const struct dp_counter_desc vpkg_port_ctr_desc[VPKG_CTR_MAX];
extern const struct dp_counter_desc vpkg_stream_ctr_desc[VPKG_SCTR_MAX];

#define VPKG_DEFAULT_MAX_LAG_US 1000
#define VPKG_DEFAULT_LINK_WAIT 5.0
#define VPKG_RX_INTERVAL_US 100		/* rx poll (ARP) at most this often */
#define VPKG_DEFAULT_LINGER 0.2		/* s after the last limited stream ended */
#define VPKG_DEFAULT_TXLOG_MAX (4u << 20)	/* tx timestamps recorded per worker */
#define VPKG_DEFAULT_STATS_MAX_AGE_US 1000	/* REST stats snapshot */

/* vpkg's own options. Written: main (option parsing); immutable after start. */
struct vpkg_options {
	/* the stream(s) from the command line */
	struct vpkg_stream_spec cli;
	bool testpmd_stream;	/* --txpkts/--tx-ip/--tx-udp/--txonly-multi-flow */
	bool has_rate, has_size, has_proto, has_vlan, has_walk, has_ip, has_udp;
	bool multi_flow;
	uint8_t walk;
	const char *first_shaping;	/* name of the first stream-shaping option given */
	/* the streams of --config */
	struct vpkg_stream_spec *cfg_specs;	/* [VPKG_MAX_STREAMS] */
	unsigned int nb_cfg_specs;
	/* for every stream set */
	uint64_t count;		/* --count: packets per stream, 0 = no limit */
	int active_streams;	/* -1 = not given */
	/* tx */
	uint32_t tx_retry;
	uint32_t max_lag_us;
	double link_wait;
	double linger;		/* seconds between the last stream's end and the exit */
	bool no_rx;		/* no rx queue: no ARP */
	char txlog_path[PATH_MAX];	/* --tx-timestamps; "" = off */
	uint64_t txlog_max;		/* records per worker */
	/* next hop, by ethdev port id */
	bool has_peer[RTE_MAX_ETHPORTS];
	struct rte_ether_addr peer[RTE_MAX_ETHPORTS];
	uint32_t gateway[RTE_MAX_ETHPORTS];	/* host order; 0 = none */
	uint32_t local_ip[RTE_MAX_ETHPORTS];	/* host order; 0 = from the streams */
	uint32_t gateway_all, local_ip_all;	/* without PORT, */
	/* management */
	bool onap;		/* --onap: the ONAP APIs as the demo served them */
	uint32_t stats_max_age_us;	/* REST stats: counters read at most this often */
};

/* One stream as a worker sees it. Written and read by the owning worker. */
struct vpkg_local {
	const struct vpkg_cstream *cs;
	struct vpkg_slot *st;
};

struct vpkg_worker {
	/* written: the worker; read: the worker */
	struct vpkg_sched *sched;	/* rte_zmalloc'd at start-up */
	struct vpkg_local *local;	/* [VPKG_MAX_STREAMS] */
	uint32_t nb_local;
	uint32_t epoch;
	int16_t txq[RTE_MAX_ETHPORTS];	/* its queue on each port (dp_ports index), -1 none */
	/* written: the worker; read: main after the worker stopped */
	struct vpkg_txlog txlog;
	/* written: the worker (relaxed); read: control */
	uint64_t skips;			/* pacing: deadlines pulled up after stalls */
	uint64_t table_gen;		/* generation of the table it runs on */
	/* written: control (1: reset asked), the worker (0: done); REST stats reset */
	atomic_uint reset_req;
} __rte_cache_aligned;

struct vpkg {
	struct dp_config cfg;		/* immutable after start-up */
	struct vpkg_options opt;	/* immutable after start-up */
	struct dp_counters *port_ctrs;	/* slot = dp_ports index */
	struct dp_counters *stream_ctrs;	/* slot = stream id */
	struct vpkg_worker workers[RTE_MAX_LCORE];	/* by worker index */
	unsigned int nb_workers;
};

extern struct vpkg vpkg;

/* options.c */
extern struct dp_app vpkg_app;	/* not const: the management options group is added */
void vpkg_options_init(struct vpkg_options *o);
/* The initial stream set from the options; n or -EINVAL with err. */
int vpkg_options_streams(const struct vpkg_options *o, struct vpkg_stream_spec *specs,
		unsigned int max, char *err, size_t len);
/* The streams against the ports in use (index, line rate); errors name a --config stream's file. */
int vpkg_options_check_ports(const struct vpkg_options *o, const struct vpkg_stream_spec *specs,
		unsigned int n, const struct vpkg_env *env, char *err, size_t len);

/*
 * reload.c: restart's re-read (dp_lifecycle_hooks.reload): the streams
 * from --config and the command line again; all or nothing. 0 or -errno
 * with err naming the bad value.
 */
int vpkg_reload(void *ctx, char *err, size_t errlen);

/* tx.c: the tx worker (rte_eal_remote_launch), arg is its struct dp_worker. */
int vpkg_tx_worker(void *arg);

/* report.c: control side. */
void vpkg_stats_start(void);
void vpkg_stats_print(void *ctx);
json_t *vpkg_stats_json(void *ctx);
/* /vpkg/stats, /vpkg/streams, /vpkg/rate on the telemetry socket: 0 or -errno */
int vpkg_telemetry_register(void);
/* One stream as in the stats' "streams" array (REST); NULL if there is no stream id. */
json_t *vpkg_stream_json(uint16_t id);

#endif /* VPKG_H */
