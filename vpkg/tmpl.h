/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiled streams: a stream spec turned into what a tx worker needs per
 * packet: a prebuilt frame (the template, at the largest size, probe magic
 * and stream id in place, checksums right for the base values), the list of
 * fields that vary with their checksum coverage, the size walk, the pacing
 * gap, and where it goes (port, worker, tx queue).
 *
 * Checksums: where the port offloads the L4 (UDP/TCP) or IPv4 header
 * checksum, the template holds the pseudo-header sum and the packet carries
 * the offload flags; otherwise the worker updates the template's checksums
 * incrementally (RFC 1624) for what it writes: probe, varying fields,
 * lengths. ICMP is always software.
 *
 * Thread safety: built and freed by control threads (streams.c); immutable
 * once published.
 */
#ifndef VPKG_TMPL_H
#define VPKG_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_ether.h>

#include "spec.h"

#define VPKG_MAX_WORKERS RTE_MAX_LCORE
#define VPKG_MAX_FIELDS 4	/* src/dst address, src/dst port */

enum vpkg_peer_state {
	VPKG_PEER_DEFAULT = 0,	/* testpmd's default 02:00:00:00:00:<port> */
	VPKG_PEER_STATIC,	/* --eth-peer */
	VPKG_PEER_UNRESOLVED,	/* --gateway, no ARP answer yet: streams wait */
	VPKG_PEER_RESOLVED,	/* --gateway, answered */
};

/* What the compiler needs to know of a port. Owned by streams.c (control lock). */
struct vpkg_port_env {
	uint16_t port_id;		/* ethdev port id */
	uint8_t peer_state;		/* enum vpkg_peer_state */
	struct rte_ether_addr mac;	/* source MAC */
	struct rte_ether_addr peer;	/* next hop, unless UNRESOLVED */
	uint64_t tx_offloads;		/* enabled on the port */
	uint32_t speed_mbps;		/* 0 = unknown */
	int16_t txq[VPKG_MAX_WORKERS];	/* tx queue of worker w; -1 = none */
};

struct vpkg_env {
	uint64_t tsc_hz;
	uint16_t nb_ports;
	uint16_t nb_workers;
	struct vpkg_port_env port[RTE_MAX_ETHPORTS];
};

enum vpkg_l4_mode {
	VPKG_L4_SW = 0,		/* software, incremental */
	VPKG_L4_HW,		/* offloaded: the field holds the pseudo-header sum */
};

/* One header field that varies per packet. */
struct vpkg_field {
	uint16_t off;		/* of the value in the frame (network order) */
	uint8_t width;		/* 2 or 4 bytes */
	uint8_t walk;		/* enum vpkg_walk */
	uint8_t ip_sum;		/* covered by the software IPv4 header checksum */
	uint8_t l4_sum;		/* covered by the value of the L4 checksum field */
	uint32_t base, count, step;
	uint32_t old_sum;	/* sum of the complemented words of the template's value */
};

/* Part of a published table: written by control before publishing, then read-only. */
struct vpkg_cstream {
	/* --- read per packet --- */
	uint8_t *tmpl;		/* the frame at the largest size; at least 64 bytes allocated */
	uint16_t tmpl_len;	/* its length (mbuf bytes, without FCS) */
	uint8_t probe;		/* stamp the probe */
	uint8_t size_kind;	/* enum vpkg_size_kind */
	uint8_t size_walk;
	uint8_t nb_fields;
	uint8_t sw_ip;		/* IPv4 header checksum in software */
	uint8_t ip_varies;	/* some IPv4 header word changes per packet */
	uint8_t l4_mode;	/* enum vpkg_l4_mode */
	uint8_t udp;		/* a computed 0 is sent as 0xffff */
	uint8_t len_l4_mult;	/* times the L4 length counts in the L4 field's sum */
	uint8_t is_v4;
	uint8_t simple;		/* fixed size, no varying field, no ICMP: the fast writer */
	uint16_t probe_off;	/* of the probe (payload start) */
	uint16_t icmp_seq_off;	/* ICMP echo sequence; 0 = none */
	uint16_t ip_len_off;	/* IPv4 total length / IPv6 payload length */
	uint16_t udp_len_off;	/* 0 = none */
	uint16_t ip_ck_off;	/* 0 = none */
	uint16_t l4_ck_off;
	uint16_t ip_len0;	/* template values of the length fields (host order) */
	uint16_t l4_len0;
	uint32_t ip_sum0;	/* complemented template IPv4 checksum */
	uint32_t l4_sum0;	/* SW: complemented L4 checksum; HW: the pseudo-header sum */
	uint64_t ol_flags;	/* mbuf offload flags */
	uint64_t tx_offload;	/* mbuf l2_len/l3_len, one word */
	uint16_t size_min;	/* RANGE: mbuf lengths size_min .. size_min + size_count - 1 */
	uint16_t size_count;
	uint16_t pattern_len;	/* IMIX: the order of mbuf lengths, one weighted cycle */
	uint16_t *pattern;
	struct vpkg_field fields[VPKG_MAX_FIELDS];

	/* --- pacing and limits --- */
	double pps;		/* 0 = unpaced */
	uint64_t gap;		/* cycles */
	uint32_t gap_frac;
	uint64_t count;		/* 0 = no limit */
	uint64_t duration_tsc;	/* 0 = no limit */

	/* --- placement --- */
	uint16_t id;		/* = slot */
	uint16_t port;		/* index into dp_ports[] */
	uint16_t port_id;	/* ethdev id */
	uint16_t worker;	/* owning worker index */
	uint16_t txq;
	uint8_t enabled;
	uint8_t ready;		/* next hop known */
	double avg_size;	/* with FCS */
	double l1_bps;		/* at pps */
};

/*
 * Compile one spec (already checked with vpkg_spec_check) for env. Checks
 * what needs the port: port index, line rate, queue. Returns 0, or -EINVAL
 * with err naming the stream, or -ENOMEM.
 */
int vpkg_cstream_build(struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp,
		const struct vpkg_env *env, char *err, size_t len);

/* Free what vpkg_cstream_build allocated. */
void vpkg_cstream_free(struct vpkg_cstream *cs);

#endif /* VPKG_TMPL_H */
