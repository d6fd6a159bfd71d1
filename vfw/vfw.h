/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw: the stateful firewall between an unprotected and a protected port.
 *
 *   vfw_main.c    options, start-up (ports, queues, tables), main loop
 *   forward.c     the worker loop: pipeline, fast path, conntrack, ACL, route, tx
 *   classify.c    the worker's general parse and checks (fwd.h: its packet view)
 *   arp_nd.c      ARP, neighbour discovery, ping to the firewall, solicitations
 *   rules_parse.c the rule file          (rules.h)
 *   acl.c         rte_acl rule set, RCU  (acl.h)
 *   conntrack.c   per-worker sessions    (conntrack.h, ct_*.c: per protocol)
 *   route.c neigh.c                      (route.h, neigh.h)
 *   vfw_ctl.c     the control thread: neighbour learning, SIGHUP reload
 *   sess_ctl.c    session list / flush requests served by the workers (sess_ctl.h)
 *   vfw_report.c  stats line and stats JSON
 *
 * Every received frame is counted once on its input port:
 *   rx_packets = forwarded + local + dropped
 *   dropped = dropped_rule + dropped_state + malformed + table_full + no_route + dropped_other
 * and each drop also in one detail counter of its class.
 */
#ifndef VFW_H
#define VFW_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "conntrack.h"
#include "dp_counters.h"
#include "dp_engine.h"
#include "dp_options.h"
#include "route.h"
#include "sess_ctl.h"

/* Per-port counters; the first ones are DP_PORT_COUNTERS (dp_stats.h). */
#define VFW_PORT_COUNTERS(X) \
	DP_PORT_COUNTERS(X) \
	X(forwarded,          "Packets forwarded to another port (counted on the input port)") \
	X(local,              "Frames for the firewall itself: ARP, neighbour discovery, ping to its addresses") \
	X(tx_full,            "Packets the port's tx queue did not take (freed; not part of dropped)") \
	X(dropped_rule,       "Dropped by a deny rule or the default policy") \
	X(dropped_state,      "Dropped by connection tracking (no session, invalid transition)") \
	X(malformed,          "Dropped as malformed or hostile (headers, checksums, flags, options, fragments)") \
	X(table_full,         "New flows dropped because the session table was full") \
	X(no_route,           "Dropped because they cannot be forwarded (route, next hop, TTL)") \
	X(dropped_other,      "Other drops: not for this MAC, not IP, VLAN, multicast, to the firewall") \
	X(state_no_session,   "State: no session for a packet that cannot open one (TCP without SYN, echo reply)") \
	X(state_invalid,      "State: invalid for the session's state (TCP transition)") \
	X(tcp_seq_out_of_window, "State: TCP data, FIN or SYN outside the receiver's window") \
	X(tcp_ack_out_of_window, "State: TCP ack of data never sent, or older than a window") \
	X(tcp_rst_out_of_window, "State: TCP reset outside the window (or not acking the SYN it answers)") \
	X(malformed_trunc_eth,  "Malformed: truncated Ethernet header") \
	X(malformed_trunc_vlan, "Malformed: truncated VLAN tag") \
	X(malformed_trunc_l3,   "Malformed: truncated IP header") \
	X(malformed_bad_ip_ver, "Malformed: IP version does not match the EtherType") \
	X(malformed_bad_ihl,    "Malformed: IPv4 header length below 20 bytes") \
	X(malformed_bad_ip_len, "Malformed: IP length larger than the frame or below the header") \
	X(malformed_trunc_l4,   "Malformed: truncated L4 header") \
	X(malformed_bad_l4_len, "Malformed: L4 length inconsistent with the IP length") \
	X(malformed_trunc_ext,  "Malformed: truncated IPv6 extension header") \
	X(malformed_split,      "Malformed: headers not in the first segment of the frame") \
	X(bad_ip_cksum,       "Malformed: wrong IPv4 header checksum") \
	X(bad_l4_cksum,       "Malformed: wrong TCP/UDP/ICMP checksum") \
	X(bad_tcp_flags,      "Malformed: TCP flag combination no stack sends (NULL, SYN+FIN, Xmas...)") \
	X(ip_options,         "Malformed: IPv4 header with options (policy: dropped)") \
	X(fragment,           "Malformed: IP fragment (policy: dropped, no reassembly)") \
	X(martian,            "Malformed: impossible address (loopback, unspecified, multicast source, link-local)") \
	X(martian_self,       "Malformed: source address is one of the firewall's own (spoofed)") \
	X(rh0,                "Malformed: IPv6 type 0 routing header (deprecated, RFC 5095)") \
	X(rh_unknown,         "Malformed: IPv6 routing header with segments left of a type vfw cannot follow") \
	X(route_missing,      "No route: no route to the destination") \
	X(unresolved,         "No route: next hop MAC unknown (ARP/ND sent; --eth-peer sets it)") \
	X(ttl_exceeded,       "No route: TTL or hop limit 1 or less") \
	X(hairpin,            "No route: the route points back out of the input port") \
	X(not_for_us,         "Other: unicast frame for another MAC (promiscuous port)") \
	X(not_ip,             "Other: EtherType neither IPv4, IPv6 nor ARP") \
	X(vlan,               "Other: VLAN-tagged frame (not supported)") \
	X(multicast,          "Other: IP multicast or broadcast (not forwarded)") \
	X(to_self,            "Other: for a firewall address but not ping/ARP/ND") \
	X(arp_in,             "Local: ARP frames received") \
	X(arp_reply_tx,       "Local: ARP replies sent") \
	X(arp_request_tx,     "Local: ARP requests sent to resolve next hops") \
	X(nd_in,              "Local: neighbour solicitations/advertisements received") \
	X(nd_na_tx,           "Local: neighbour advertisements sent") \
	X(nd_ns_tx,           "Local: neighbour solicitations sent to resolve next hops") \
	X(echo_reply_tx,      "Local: echo replies sent (ping to the firewall)") \
	X(related,            "ICMP errors forwarded because they quote a tracked flow") \
	X(stateless,          "Packets forwarded by a stateless allow (no session)") \
	X(solicit_nombuf,     "ARP/ND requests not sent: no mbuf")

#define VFW_CTR_ENUM(name, help) VFW_CTR_##name,
enum vfw_port_ctr {
	VFW_PORT_COUNTERS(VFW_CTR_ENUM)
	VFW_CTR_MAX
};
#undef VFW_CTR_ENUM

extern const struct dp_counter_desc vfw_port_ctr_desc[VFW_CTR_MAX];

/* The detail counter of a packet a session's state machine refused (ct_pkt.why). */
static inline unsigned int
vfw_ctr_state_why(uint8_t why)
{
	return VFW_CTR_state_invalid + why;
}

_Static_assert(VFW_CTR_tcp_seq_out_of_window - VFW_CTR_state_invalid == CT_WHY_TCP_SEQ &&
	       VFW_CTR_tcp_ack_out_of_window - VFW_CTR_state_invalid == CT_WHY_TCP_ACK &&
	       VFW_CTR_tcp_rst_out_of_window - VFW_CTR_state_invalid == CT_WHY_TCP_RST &&
	       CT_WHY_MAX == CT_WHY_TCP_RST + 1, "drop counters in enum ct_why order");

enum vfw_role {
	VFW_ROLE_NONE = 0,
	VFW_ROLE_UNPROTECTED = 1,	/* == VFW_DIR_IN: traffic from here goes "in" */
	VFW_ROLE_PROTECTED = 2,		/* == VFW_DIR_OUT */
};

/* A port's addresses as given on the command line (by port id). */
struct vfw_port_opt {
	bool has_ip4, has_ip6, has_peer;
	uint8_t ip4[4];
	uint8_t plen4;
	uint8_t ip6[16];
	uint8_t plen6;
	struct rte_ether_addr peer;
};

#define VFW_MAX_STATIC_ROUTES 32

struct vfw_static_route {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 */
	uint8_t plen;
	uint8_t prefix[16];
	uint8_t gw[16];
	char text[96];
};

struct vfw_options {
	char rules_file[PATH_MAX];	/* "" = the built-in policy */
	uint32_t max_sessions;		/* per worker */
	uint32_t timeout_ms[CT_STATE_MAX];	/* idle timeout per state, milliseconds */
	uint64_t max_packets;		/* stop after this many rx packets; 0 = no limit */
	bool verify_cksum;
	int unprotected_port;		/* port id; -1 = the first port */
	int protected_port;		/* port id; -1 = the second port */
	struct vfw_port_opt port[RTE_MAX_ETHPORTS];	/* by port id */
	unsigned int nb_routes;
	struct vfw_static_route routes[VFW_MAX_STATIC_ROUTES];
};

/* A port as the fast path sees it (by dp_ports[] index). Immutable after start. */
struct vfw_port {
	uint8_t role;			/* enum vfw_role */
	bool has_ip4, has_ip6, has_peer;
	uint32_t ip4;			/* network order as loaded from memory */
	uint8_t plen4;
	uint32_t bcast4;		/* directed broadcast of the subnet */
	uint8_t ip6[16];
	uint8_t plen6;
	uint8_t ip6_ll[16];		/* fe80::/64 EUI-64 of the MAC */
	struct rte_ether_addr mac;
	struct rte_ether_addr peer;	/* --eth-peer: next-hop MAC for everything out of here */
	uint16_t port_id;
};

#define VFW_TXBUF DP_ENGINE_TXBUF	/* tx buffered per port (the engine's) */
#define VFW_SOLICIT_SLOTS 64
#define VFW_NEIGH_RECENT 16

struct vfw_solicit {
	uint64_t tsc;			/* last request sent */
	uint8_t family;
	uint16_t port;
	uint8_t ip[16];
};

/* What this worker learned lately, usable before the shared table has it. */
struct vfw_neigh_recent {
	uint8_t family;			/* 0 = empty */
	uint16_t port;
	uint8_t ip[16];
	struct rte_ether_addr mac;
};

/*
 * Per-worker state. Written and read by the worker only (counters: see
 * dp_counters.h), except sess_mb (sess_ctl.h's protocol).
 */
struct vfw_worker {
	unsigned int lcore;
	unsigned int index;
	uint64_t *pctr;			/* port counters block of this lcore */
	unsigned int stride;
	struct ct_table ct;
	struct dp_engine_ctx eng;	/* the worker loop's state (dp_engine.h) */
	struct dp_engine_txbuf tx[RTE_MAX_ETHPORTS];	/* by dp_ports[] index: eng.tx */
	struct vfw_solicit solicit[VFW_SOLICIT_SLOTS];
	struct vfw_neigh_recent recent[VFW_NEIGH_RECENT];
	unsigned int recent_next;
	uint64_t tsc_per_tick;
	uint64_t tick_mult;		/* 2^64 / tsc_per_tick */
	uint64_t tick_base;
	void *pipes;			/* per rx queue bursts in flight (forward.c) */
	unsigned int nb_pipes;
	struct vfw_sess_mailbox sess_mb;	/* shared with control threads: see sess_ctl.h */
} __rte_cache_aligned;

struct vfw {
	struct vfw_options opt;		/* immutable after start-up */
	struct dp_config cfg;		/* immutable after start-up */
	struct vfw_port ports[RTE_MAX_ETHPORTS];	/* by dp_ports[] index; immutable after start */
	uint32_t v4_special[2 * RTE_MAX_ETHPORTS];	/* our IPv4 addresses and subnet broadcasts,
							 * padded with 0 to a multiple of 4 */
	unsigned int nb_v4_special;			/* immutable after start */
	struct dp_counters *pctrs;	/* per port (slot = dp_ports index) */
	struct dp_counters *sctrs;	/* session events (slot 0) */
	struct dp_counters *gctrs;	/* session gauges (slot 0), never reset */
	struct vfw_worker *workers;	/* [nb_workers], rte_zmalloc'd */
	unsigned int nb_workers;
	uint64_t tsc_hz;
	atomic_bool reload_req;		/* written: SIGHUP handler; read: control thread */
};

extern struct vfw vfw;

/* --- worker helpers (forward.c, arp_nd.c) --- */

static inline void
vfw_ctr_inc(struct vfw_worker *w, uint16_t port, unsigned int idx)
{
	dp_ctr_slot_add(w->pctr, w->stride, port, idx, 1);
}

static inline void
vfw_ctr_add(struct vfw_worker *w, uint16_t port, unsigned int idx, uint64_t n)
{
	dp_ctr_slot_add(w->pctr, w->stride, port, idx, n);
}

/*
 * Send m out of port (buffered; the engine sends at the end of the loop,
 * counts tx_packets/tx_bytes, frees and counts as tx_full what the queue
 * does not take).
 */
static inline void
vfw_tx(struct vfw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	dp_engine_tx(&w->eng, port, m);
}

/* The worker (rte_eal_remote_launch), arg is its struct dp_worker. */
int vfw_worker_main(void *arg);
/* Per-worker fast-path state (main, before launch / after the stop). */
int vfw_fwd_init(struct vfw_worker *w, unsigned int nb_rxq, uint16_t burst, int socket);
void vfw_fwd_fini(struct vfw_worker *w);

/* --- local traffic (arp_nd.c); each returns after taking m (tx or free) --- */
struct dp_pkt_info;
void vfw_arp_input(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		uint32_t len);
/* IPv4 to one of our addresses: echo request -> reply, else counted to_self. */
void vfw_local_v4(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi);
/* IPv6 for us (unicast to our address, or ND multicast): NS, NA, echo. */
void vfw_local_v6(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi);
/*
 * Neighbours (neigh.h) as the worker sees them: the shared table, then what
 * this worker learned itself and the control thread has not applied yet.
 */
bool vfw_worker_neigh_lookup(struct vfw_worker *w, uint16_t port, uint8_t family,
		const uint8_t *ip, struct rte_ether_addr *mac);
/* Learn (port, ip) -> mac: this worker at once, the shared table through its ring. */
void vfw_worker_neigh_learn(struct vfw_worker *w, uint16_t port, uint8_t family,
		const uint8_t *ip, const struct rte_ether_addr *mac);
/* Resolve ip (network order) on port: ARP request / NS, rate limited. */
void vfw_solicit(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip);
/* True when an IPv6 destination is ours or one of our ND multicast groups. */
bool vfw_v6_is_local(const struct vfw_port *p, const uint8_t *dst);

/* --- control side --- */
int vfw_ctl_start(void);
void vfw_ctl_stop(void);

void vfw_stats_start(void);
void vfw_stats_print(void *ctx);
json_t *vfw_stats_json(void *ctx);
/* /vfw/stats, /vfw/rules, /vfw/sessions on the telemetry socket: 0 or -errno */
int vfw_telemetry_register(void);

#endif /* VFW_H */
