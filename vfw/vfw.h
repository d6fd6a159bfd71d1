/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw: the stateful firewall between an unprotected and a protected port.
 * This header: the process's shared state (struct vfw, the fast path's view
 * of the ports, the per-port counters), with who writes what.
 *
 *   vfw_main.c    main: the order of start-up, run, stop
 *   vfw_options.c the command line and --config keys (vfw_options.h)
 *   vfw_setup.c   start-up: rules, ports, routes, next hops, queues, workers (vfw_setup.h)
 *   forward.c     the worker loop: pipeline, fast path, conntrack, ACL, route, tx
 *                 (forward.h; fwd.h: the worker's packet view; vfw_worker.h: its state)
 *   classify.c    the worker's general parse and checks (fwd.h)
 *   arp_nd.c      ARP, neighbour discovery, ping to the firewall, solicitations (arp_nd.h)
 *   rules_parse.c the rule file          (rules.h)
 *   acl.c         rte_acl rule set, RCU  (acl.h)
 *   conntrack.c   per-worker sessions    (conntrack.h, ct_*.c: per protocol)
 *   route.c neigh.c nexthop.c            (route.h, neigh.h, nexthop.h)
 *   vfw_ctl.c     the control thread: neighbour learning, SIGHUP reload (vfw_ctl.h)
 *   sess_ctl.c    session list / flush requests served by the workers (sess_ctl.h)
 *   vfw_report.c  stats line, stats JSON, telemetry (vfw_report.h)
 *   vfw_mgmt.c    REST routes (vfw_mgmt.h)
 *
 * Every received frame is counted once on its input port:
 *   rx_packets = forwarded + local + dropped
 *   dropped = dropped_rule + dropped_state + malformed + table_full + no_route + dropped_other
 * and each drop also in one detail counter of its class.
 */
#ifndef VFW_H
#define VFW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "conntrack.h"
#include "dp_counters.h"
#include "dp_options.h"
#include "vfw_options.h"
#include "vfw_worker.h"

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

/*
 * A port as the fast path sees it (by dp_ports[] index). Written by
 * vfw_setup_ports before the workers start; immutable afterwards.
 */
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

struct vfw {
	struct vfw_options opt;		/* written: option parser (main, before EAL starts
					 * the workers); read-only afterwards */
	struct dp_config cfg;		/* same */
	struct vfw_port ports[RTE_MAX_ETHPORTS];	/* by dp_ports[] index; written:
							 * vfw_setup_ports; read-only while workers run */
	uint32_t v4_special[2 * RTE_MAX_ETHPORTS];	/* our IPv4 addresses and subnet broadcasts,
							 * padded with 0 to a multiple of 4 (same) */
	unsigned int nb_v4_special;			/* same */
	struct dp_counters *pctrs;	/* per port (slot = dp_ports index); created by main,
					 * each worker adds to its lcore's block */
	struct dp_counters *sctrs;	/* session events (slot 0), same */
	struct dp_counters *gctrs;	/* session gauges (slot 0), never reset, same */
	struct vfw_worker *workers;	/* [nb_workers], rte_zmalloc'd by vfw_setup_workers,
					 * freed by vfw_free_workers; each its own (vfw_worker.h) */
	unsigned int nb_workers;	/* written with workers */
	uint64_t tsc_hz;		/* written: main before the set-up; read: all */
	atomic_bool reload_req;		/* written: SIGHUP handlers (vfw_ctl.c); read and
					 * cleared: the control loop (vfw_ctl.c) */
};

/* The process's one instance: defined in vfw_main.c. */
extern struct vfw vfw;

#endif /* VFW_H */
