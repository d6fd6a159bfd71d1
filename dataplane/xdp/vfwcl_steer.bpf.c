/* SPDX-License-Identifier: (GPL-2.0 OR BSD-3-Clause) */
/*
 * XDP steering for net_af_xdp: frames that match a rule of vfwcl_rules are
 * data traffic and go to the AF_XDP socket of their rx queue; everything
 * else (ARP/ND for the host, SSH, the REST API...) gets XDP_PASS and stays
 * with the kernel. With no rule at all, everything passes. IPv6: the fixed
 * header's next header is the protocol (no extension headers are walked);
 * a neighbour solicitation or advertisement also matches a destination
 * rule by its target address (the solicitation goes to a multicast group).
 *
 * The redirect falls back to XDP_PASS when the queue has no socket: once
 * the process's sockets are gone, a program left attached (net_af_xdp in
 * DPDK 22.11 attaches through netlink, which outlives the process) hands
 * every frame to the kernel.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "vfwcl_xdp_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, VFWCL_XDP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VFWCL_XDP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct vfwcl_xdp_rule);
} vfwcl_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VFWCL_XDP_NB_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} vfwcl_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VFWCL_XDP_NB_QCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} vfwcl_qcounters SEC(".maps");

/* The fields of a frame the rules look at; has_* say which were found. */
struct frame_keys {
	__u32 dst6[4];		/* IPv6 destination */
	__u32 nd_target[4];	/* IPv6 neighbour solicitation/advertisement target */
	__u32 dst;		/* IPv4 destination, or ARP target address */
	__u16 dst_port;		/* network order */
	__u16 vlan;
	__u8 proto;
	__u8 has_vlan;
	__u8 has_ip;		/* IPv4 (proto and maybe port valid) */
	__u8 has_arp;		/* ARP (dst = target protocol address) */
	__u8 has_port;
	__u8 has_probe;		/* the L4 payload starts with the probe magic */
	__u8 has_ip6;		/* IPv6 (dst6, proto and maybe port valid) */
	__u8 has_nd;		/* ND (nd_target valid) */
};

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

/* ARP for IPv4 over Ethernet: the fixed header then sender/target pairs. */
struct arp_ipv4 {
	__be16 htype, ptype;
	__u8 hlen, plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

static __always_inline void
count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&vfwcl_counters, &slot);

	if (c != NULL)
		*c += 1;
}

/* A verdict: in the totals and in its queue's (queues past the map: totals only). */
static __always_inline int
verdict(__u32 queue, __u32 which, int action)
{
	__u32 slot = queue * VFWCL_XDP_NB_VERDICTS + which;
	__u64 *c;

	count(which);
	if (queue < VFWCL_XDP_MAX_QUEUES) {
		c = bpf_map_lookup_elem(&vfwcl_qcounters, &slot);
		if (c != NULL)
			*c += 1;
	}
	return action;
}

/* Whether payload (checked against end here) starts with the probe magic. */
static __always_inline __u8
is_probe(const __u8 *payload, void *end)
{
	if ((void *)(payload + 2) > end)
		return 0;
	return ((__u16)payload[0] << 8 | payload[1]) == VFWCL_XDP_PROBE_MAGIC;
}

static __always_inline void
parse_l4(void *l4, void *end, struct frame_keys *k)
{
	if (k->proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) <= end) {
			k->dst_port = udp->dest;
			k->has_port = 1;
			k->has_probe = is_probe((const __u8 *)(udp + 1), end);
		}
	} else if (k->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) <= end) {
			k->dst_port = tcp->dest;
			k->has_port = 1;
			/* data offset 5..15 words: a constant bound for the verifier */
			if (tcp->doff >= 5)
				k->has_probe = is_probe((const __u8 *)tcp + (tcp->doff & 0xf) * 4u, end);
		}
	} else if (k->proto == IPPROTO_ICMP && k->has_ip) {
		/* echo request/reply: type, code, checksum, id, sequence, then data */
		const __u8 *icmp = l4;

		if ((void *)(icmp + 8) <= end && (icmp[0] == 8 || icmp[0] == 0))
			k->has_probe = is_probe(icmp + 8, end);
	} else if (k->proto == IPPROTO_ICMPV6 && k->has_ip6) {
		/* type, code, checksum, then id/sequence (echo) or reserved + target (ND) */
		const __u8 *icmp = l4;

		if ((void *)(icmp + 8) > end)
			return;
		if (icmp[0] == ICMP6_ECHO_REQUEST || icmp[0] == ICMP6_ECHO_REPLY) {
			k->has_probe = is_probe(icmp + 8, end);
		} else if ((icmp[0] == ND_NEIGHBOR_SOLICIT || icmp[0] == ND_NEIGHBOR_ADVERT) &&
			   (void *)(icmp + 24) <= end) {
			__builtin_memcpy(k->nd_target, icmp + 8, sizeof(k->nd_target));
			k->has_nd = 1;
		}
	}
}

static __always_inline void
parse_frame(void *data, void *end, struct frame_keys *k)
{
	struct ethhdr *eth = data;
	void *next = eth + 1;
	__be16 type;

	if (next > end)
		return;
	type = eth->h_proto;
	if (type == bpf_htons(ETH_P_8021Q)) {
		struct vlan_tag *tag = next;

		if ((void *)(tag + 1) > end)
			return;
		k->vlan = bpf_ntohs(tag->tci) & 0x0fff;
		k->has_vlan = 1;
		type = tag->encap_proto;
		next = tag + 1;
	}
	if (type == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = next;
		__u32 ihl;

		if ((void *)(ip + 1) > end)
			return;
		ihl = ip->ihl * 4u;
		if (ihl < sizeof(*ip))
			return;
		k->dst = ip->daddr;
		k->proto = ip->protocol;
		k->has_ip = 1;
		/* the first fragment only carries the ports */
		if ((ip->frag_off & bpf_htons(0x1fff)) == 0)
			parse_l4((__u8 *)ip + ihl, end, k);
	} else if (type == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = next;

		if ((void *)(ip6 + 1) > end)
			return;
		__builtin_memcpy(k->dst6, &ip6->daddr, sizeof(k->dst6));
		k->proto = ip6->nexthdr;
		k->has_ip6 = 1;
		parse_l4(ip6 + 1, end, k);
	} else if (type == bpf_htons(ETH_P_ARP)) {
		struct arp_ipv4 *arp = next;

		if ((void *)(arp + 1) > end)
			return;
		if (arp->ptype != bpf_htons(ETH_P_IP) || arp->plen != 4)
			return;
		k->dst = arp->tpa;
		k->has_arp = 1;
	}
}

/* Whether IPv6 address a is in r's destination prefix. */
static __always_inline int
in_prefix6(const struct vfwcl_xdp_rule *r, const __u32 *a)
{
	return (a[0] & r->dst6_mask[0]) == r->dst6[0] && (a[1] & r->dst6_mask[1]) == r->dst6[1] &&
	       (a[2] & r->dst6_mask[2]) == r->dst6[2] && (a[3] & r->dst6_mask[3]) == r->dst6[3];
}

static __always_inline int
rule_matches(const struct vfwcl_xdp_rule *r, const struct frame_keys *k)
{
	__u8 has_l3 = k->has_ip | k->has_ip6;

	if (r->match & VFWCL_XDP_MATCH_ALL)
		return 1;
	if ((r->match & VFWCL_XDP_MATCH_VLAN) && (!k->has_vlan || k->vlan != r->vlan))
		return 0;
	if (r->match & VFWCL_XDP_MATCH_DST) {
		/* a destination rule takes the address's ARP too (the VNF answers it) */
		if (!k->has_ip && !k->has_arp)
			return 0;
		if ((k->dst & r->dst_mask) != r->dst)
			return 0;
	}
	if (r->match & VFWCL_XDP_MATCH_DST6) {
		/* its ND too: a solicitation by its target (sent to a multicast group) */
		if (!(k->has_ip6 && in_prefix6(r, k->dst6)) && !(k->has_nd && in_prefix6(r, k->nd_target)))
			return 0;
	}
	if ((r->match & VFWCL_XDP_MATCH_PROTO) && (!has_l3 || k->proto != r->proto))
		return 0;
	if ((r->match & VFWCL_XDP_MATCH_PORT) &&
	    (!has_l3 || !k->has_port || k->dst_port != r->dst_port))
		return 0;
	if ((r->match & VFWCL_XDP_MATCH_PROBE) && (!has_l3 || !k->has_probe))
		return 0;
	return 1;
}

SEC("xdp")
int
vfwcl_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct frame_keys k = { 0 };
	__u32 i;

	parse_frame(data, end, &k);
	for (i = 0; i < VFWCL_XDP_MAX_RULES; i++) {
		__u32 key = i;
		struct vfwcl_xdp_rule *r = bpf_map_lookup_elem(&vfwcl_rules, &key);

		if (r == NULL || r->match == 0)
			break;	/* rules are packed from slot 0 */
		if (!rule_matches(r, &k))
			continue;
		count(VFWCL_XDP_CNT_RULE0 + i);
		/* the low bits of flags are the action when the queue has no socket */
		if (bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS) == XDP_REDIRECT)
			return verdict(ctx->rx_queue_index, VFWCL_XDP_CNT_REDIRECTED, XDP_REDIRECT);
		return verdict(ctx->rx_queue_index, VFWCL_XDP_CNT_NO_SOCKET, XDP_PASS);
	}
	return verdict(ctx->rx_queue_index, VFWCL_XDP_CNT_PASSED, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
