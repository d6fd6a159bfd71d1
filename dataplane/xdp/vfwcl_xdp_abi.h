/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the XDP steering program (vfwcl_steer.bpf.c) and its loader
 * (dp_xdp.c) agree on: map names, the rule layout and the counter slots.
 * Included by the BPF program (clang -target bpf) and by user space, so it
 * uses only fixed-size types and no libc.
 */
#ifndef VFWCL_XDP_ABI_H
#define VFWCL_XDP_ABI_H

#include <linux/types.h>

/* net_af_xdp (DPDK 22.11) looks the XSKMAP up by this exact name. */
#define VFWCL_XDP_XSKS_MAP "xsks_map"
#define VFWCL_XDP_RULES_MAP "vfwcl_rules"
#define VFWCL_XDP_COUNTERS_MAP "vfwcl_counters"
#define VFWCL_XDP_QCOUNTERS_MAP "vfwcl_qcounters"

#define VFWCL_XDP_MAX_RULES 16
#define VFWCL_XDP_MAX_QUEUES 64

/* What a rule matches on (bits of vfwcl_xdp_rule.match); 0 = unused slot. */
#define VFWCL_XDP_MATCH_ALL	(1u << 0)	/* every frame */
#define VFWCL_XDP_MATCH_PROTO	(1u << 1)	/* IPv4 protocol */
#define VFWCL_XDP_MATCH_DST	(1u << 2)	/* IPv4 destination prefix (and ARP for it) */
#define VFWCL_XDP_MATCH_PORT	(1u << 3)	/* UDP/TCP destination port */
#define VFWCL_XDP_MATCH_VLAN	(1u << 4)	/* 802.1Q VLAN id */
#define VFWCL_XDP_MATCH_PROBE	(1u << 5)	/* IPv4 UDP/TCP/ICMP payload starts with a probe */
#define VFWCL_XDP_MATCH_DST6	(1u << 6)	/* IPv6 destination prefix (and ND for it) */

/* The first two bytes of vpkg's probe header (dataplane/dp_probe.h), network order. */
#define VFWCL_XDP_PROBE_MAGIC 0xd97e

/* One steering rule: a frame matching every field in match is data traffic. */
struct vfwcl_xdp_rule {
	__u32 match;
	__u32 dst;		/* network order, already masked */
	__u32 dst_mask;		/* network order */
	__u16 dst_port;		/* network order */
	__u16 vlan;		/* host order, 0..4095 */
	__u8 proto;		/* IPPROTO_* (IPv4), next header (IPv6) */
	__u8 prefix_len;	/* for printing */
	__u8 pad[2];
	__u32 dst6[4];		/* IPv6 (MATCH_DST6): network order, already masked */
	__u32 dst6_mask[4];
};

/* Per-CPU counter slots: verdicts first, then one per rule (hits). */
enum vfwcl_xdp_counter {
	VFWCL_XDP_CNT_REDIRECTED = 0,	/* matched a rule, sent to the AF_XDP socket */
	VFWCL_XDP_CNT_PASSED,		/* not data traffic: the kernel's */
	VFWCL_XDP_CNT_NO_SOCKET,	/* matched, but no socket on the queue: passed */
	VFWCL_XDP_CNT_RULE0,		/* + rule index */
	VFWCL_XDP_NB_COUNTERS = VFWCL_XDP_CNT_RULE0 + VFWCL_XDP_MAX_RULES,
};

/*
 * Per-CPU per-queue verdicts (vfwcl_qcounters): slot queue * VFWCL_XDP_NB_VERDICTS
 * + verdict, for rx queues below VFWCL_XDP_MAX_QUEUES (a frame on a higher
 * queue is in the totals only).
 */
#define VFWCL_XDP_NB_VERDICTS (VFWCL_XDP_CNT_NO_SOCKET + 1)
#define VFWCL_XDP_NB_QCOUNTERS (VFWCL_XDP_MAX_QUEUES * VFWCL_XDP_NB_VERDICTS)

#endif /* VFWCL_XDP_ABI_H */
