/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --xdp-steer RULE: what counts as data traffic for the XDP steering program
 * (dataplane/xdp/vfwcl_steer.bpf.c). Grammar, words in any order, each once:
 *
 *   all
 *   [udp|tcp|icmp|icmp6|proto N] [dst ADDR[/LEN]] [port N] [vlan N] [probe]
 *
 * e.g. "udp dst 192.168.20.0/24 port 8080", "dst 192.168.10.100" (the VNF's
 * address: its IPv4 traffic and the ARP for it), "dst 2001:db8::1" (its
 * IPv6 traffic, ping included, and the neighbour solicitations and
 * advertisements for it), "udp dst 2001:db8:1::/64 port 8080", "vlan 100".
 * ADDR is IPv4 or IPv6 (it has a ':'). "port" needs udp or tcp; "icmp" with
 * an IPv6 dst is ICMPv6 ("icmp6"). A rule without dst matches both families
 * (IPv6: the fixed header's next header). "probe": the UDP, TCP or ICMP(v6)
 * echo payload starts with vpkg's probe header (dp_probe.h; what vsnk
 * counts). Parsing links no DPDK or libbpf function (dp_util).
 */
#ifndef DP_XDP_RULE_H
#define DP_XDP_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "xdp/vfwcl_xdp_abi.h"

/*
 * Parse one rule into *rule (network-order fields as the program wants
 * them). Returns 0, or -EINVAL with err saying what is wrong (the caller
 * names the option and the rule); *rule is then untouched.
 */
int dp_xdp_rule_parse(const char *text, struct vfwcl_xdp_rule *rule, char *err,
		size_t errlen);

/*
 * r's IPv6 destination fields (dst6, dst6_mask, prefix_len; not match): the
 * prefix addr/len (network order, len up to 128) with its host bits cleared.
 */
void dp_xdp_rule_set_dst6(struct vfwcl_xdp_rule *r, const uint8_t addr[16], unsigned int len);

/* The rule back as text, in the grammar's order (for stats and logs). */
void dp_xdp_rule_format(const struct vfwcl_xdp_rule *rule, char *buf, size_t len);

#endif /* DP_XDP_RULE_H */
