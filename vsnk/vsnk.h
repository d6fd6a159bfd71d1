/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsnk: the sink. Rx workers classify every frame exactly once:
 *   rx_packets = probe_packets + foreign_packets + malformed + bad_checksum
 * and account probe packets per stream (stream_track.h).
 */
#ifndef VSNK_H
#define VSNK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "dp_counters.h"
#include "dp_options.h"
#include "stream_track.h"

/* Per-port counters; the first ones are DP_PORT_COUNTERS (dp_stats.h). */
#define VSNK_PORT_COUNTERS(X) \
	DP_PORT_COUNTERS(X) \
	X(probe_packets,        "Packets carrying a probe header") \
	X(probe_untracked,      "Probe packets whose stream id is >= --max-streams (not tracked)") \
	X(foreign_packets,      "Well-formed packets without a probe header") \
	X(foreign_udp,          "Foreign UDP packets") \
	X(foreign_tcp,          "Foreign TCP packets") \
	X(foreign_icmp,         "Foreign ICMP and ICMPv6 packets") \
	X(foreign_ip_other,     "Foreign IP packets of other protocols") \
	X(foreign_fragment,     "IP fragments that do not hold the L4 header") \
	X(foreign_arp,          "ARP frames") \
	X(foreign_non_ip,       "Other non-IP frames") \
	X(malformed,            "Frames with truncated or inconsistent headers") \
	X(malformed_trunc_eth,  "Malformed: truncated Ethernet header") \
	X(malformed_trunc_vlan, "Malformed: truncated VLAN tag") \
	X(malformed_trunc_l3,   "Malformed: truncated IP header") \
	X(malformed_bad_ip_ver, "Malformed: IP version does not match the EtherType") \
	X(malformed_bad_ihl,    "Malformed: IPv4 header length below 20 bytes") \
	X(malformed_bad_ip_len, "Malformed: IP length larger than the frame or below the header") \
	X(malformed_trunc_l4,   "Malformed: truncated L4 header") \
	X(malformed_bad_l4_len, "Malformed: L4 length inconsistent with the IP length") \
	X(malformed_trunc_ext,  "Malformed: truncated IPv6 extension header") \
	X(bad_checksum,         "Packets with a wrong IPv4 header or L4 checksum")

#define VSNK_CTR_ENUM(name, help) VSNK_CTR_##name,
enum vsnk_port_ctr {
	VSNK_PORT_COUNTERS(VSNK_CTR_ENUM)
	VSNK_CTR_MAX
};
#undef VSNK_CTR_ENUM

extern const struct dp_counter_desc vsnk_port_ctr_desc[VSNK_CTR_MAX];

#define VSNK_DEFAULT_MAX_STREAMS 1024
#define VSNK_MAX_STREAMS 65536

struct vsnk_options {
	uint32_t max_streams;	/* stream ids 0..max_streams-1 are tracked */
	uint64_t max_packets;	/* stop after this many packets; 0 = no limit */
	/*
	 * The two flags below are written by main before launch and by a
	 * restart's re-read (vsnk_reload.c) while every worker is paused;
	 * workers copy them at their start and at each resume (relaxed atomics:
	 * the lifecycle's release/acquire orders the write before the copy).
	 */
	bool verify_cksum;	/* software check where the port does not offload */
	bool no_fast_path;	/* every frame through dp_pkt_parse_mbuf (tests compare) */
};

/* Per-worker state. Written: the worker; read: control threads. */
struct vsnk_worker {
	unsigned int lcore;
	struct stream_state *streams;	/* [max_streams], rte_zmalloc'd */
	/* written: control (request), worker (consume): zero the stream table */
	atomic_uint reset_req;
} __rte_cache_aligned;

struct vsnk {
	/* immutable after start-up but max_packets: restart (vsnk_reload.c) stores it, atomic */
	struct vsnk_options opt;
	struct dp_config cfg;		/* immutable after start-up */
	struct dp_counters *ctrs;	/* per port (slot = dp_ports index) */
	struct vsnk_worker workers[RTE_MAX_LCORE];	/* by worker index */
	unsigned int nb_workers;
};

extern struct vsnk vsnk;

/* The defaults of the options (vsnk_main.c). */
void vsnk_options_init(struct vsnk_options *o);

/*
 * vsnk_reload.c: restart's re-read (dp_lifecycle_hooks.reload, ctx the
 * struct dp_app): --max-packets and the dashboard's interval and history
 * from --config and the command line again; all or nothing. 0 or -errno
 * with err naming the bad value.
 */
#define VSNK_RESTART_REREADS \
	"--max-packets, --dashboard-interval, --dashboard-history, --no-verify-cksum, --no-fast-path"
int vsnk_reload(void *ctx, char *err, size_t errlen);

/* The rx worker (rte_eal_remote_launch), arg is its struct dp_worker. */
int vsnk_rx_worker(void *arg);

/* Control side. */
void vsnk_stats_start(void);
void vsnk_stats_print(void *ctx);
json_t *vsnk_stats_json(void *ctx);
/*
 * The same without the streams' latency histograms (quantiles kept): what is
 * read every interval by the telemetry exports (1000 streams' histograms
 * are megabytes of JSON a second) and /vsnk/streams.
 */
json_t *vsnk_summary_json(void *ctx);
/* /vsnk/stats, /vsnk/streams, /vsnk/stream,ID on the telemetry socket: 0 or -errno */
int vsnk_telemetry_register(void);

#endif /* VSNK_H */
