/* SPDX-License-Identifier: BSD-3-Clause */
/* Compile a stream spec into a template and the per-packet recipe. */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_core.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "dp_pkt.h"
#include "dp_probe.h"
#include "pace.h"
#include "tmpl.h"

static void
set_ip6_low(uint8_t ip6[16], uint32_t v)
{
	ip6[12] = (uint8_t)(v >> 24);
	ip6[13] = (uint8_t)(v >> 16);
	ip6[14] = (uint8_t)(v >> 8);
	ip6[15] = (uint8_t)v;
}

static void
add_field(struct vpkg_cstream *cs, const struct vpkg_range *r, uint16_t off, uint8_t width,
		bool ip_sum, bool l4_sum)
{
	struct vpkg_field *f;

	if (r->count <= 1)
		return;
	f = &cs->fields[cs->nb_fields++];
	f->off = off;
	f->width = width;
	f->walk = r->walk;
	f->ip_sum = ip_sum;
	f->l4_sum = l4_sum;
	f->base = r->base;
	f->count = r->count;
	f->step = r->step;
	f->old_sum = width == 4 ? vpkg_ck_neg32(r->base) : vpkg_ck_neg16((uint16_t)r->base);
	if (ip_sum)
		cs->ip_varies = 1;
}

/* Smooth weighted round-robin: the IMIX sizes spread evenly over one cycle. */
static int
build_pattern(struct vpkg_cstream *cs, const struct vpkg_size *sz)
{
	int32_t cur[VPKG_IMIX_MAX] = { 0 };
	unsigned int total = 0, i, k;

	for (i = 0; i < sz->nb_imix; i++)
		total += sz->imix[i].weight;
	cs->pattern = malloc(sizeof(*cs->pattern) * total);
	if (cs->pattern == NULL)
		return -ENOMEM;
	for (k = 0; k < total; k++) {
		unsigned int best = 0;

		for (i = 0; i < sz->nb_imix; i++) {
			cur[i] += sz->imix[i].weight;
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= (int32_t)total;
		cs->pattern[k] = (uint16_t)(sz->imix[best].size - VPKG_FCS_LEN);
	}
	cs->pattern_len = (uint16_t)total;
	return 0;
}

static int
place(struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp, const struct vpkg_env *env,
		char *err, size_t len)
{
	const struct vpkg_port_env *pe;
	int16_t q;

	if (sp->port >= env->nb_ports) {
		snprintf(err, len, "stream '%s'.port: invalid value '%u' (%u port(s) in use: 0..%u)",
			 sp->name, sp->port, env->nb_ports, env->nb_ports - 1);
		return -EINVAL;
	}
	pe = &env->port[sp->port];
	cs->port = sp->port;
	cs->port_id = pe->port_id;
	cs->worker = (uint16_t)(sp->id % env->nb_workers);
	q = pe->txq[cs->worker];
	if (q < 0) {
		snprintf(err, len, "stream '%s': worker %u has no tx queue on port %u "
			 "(give every worker a queue: --txq >= the number of workers)",
			 sp->name, cs->worker, pe->port_id);
		return -EINVAL;
	}
	cs->txq = (uint16_t)q;
	return 0;
}

static int
pace(struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp, const struct vpkg_env *env,
		char *err, size_t len)
{
	const struct vpkg_port_env *pe = &env->port[sp->port];
	char rate[64];
	double pps;

	vpkg_rate_str(&sp->rate, rate, sizeof(rate));
	cs->avg_size = vpkg_size_avg(&sp->size);
	pps = vpkg_rate_pps(&sp->rate, cs->avg_size, pe->speed_mbps);
	if (pps < 0) {
		snprintf(err, len, "stream '%s'.rate: invalid value '%s' (the line rate of port %u "
			 "is unknown)", sp->name, rate, pe->port_id);
		return -EINVAL;
	}
	if (sp->rate.unit != VPKG_RATE_MAX && !(pps >= 0.001 && pps <= VPKG_MAX_PPS)) {
		snprintf(err, len, "stream '%s'.rate: invalid value '%s' (%.6g packets/s of %.1f "
			 "bytes; 0.001 to 1e9 packets/s)", sp->name, rate, pps, cs->avg_size);
		return -EINVAL;
	}
	cs->pps = pps;
	cs->l1_bps = pps * (cs->avg_size + VPKG_L1_OVERHEAD) * 8;
	if (pe->speed_mbps != 0 && cs->l1_bps > pe->speed_mbps * 1e6 * (1 + 1e-9)) {
		snprintf(err, len, "stream '%s'.rate: invalid value '%s' (%.4g Gbit/s on the wire "
			 "at %.1f-byte frames, above the %.4g Gbit/s line rate of port %u)",
			 sp->name, rate, cs->l1_bps / 1e9, cs->avg_size, pe->speed_mbps / 1e3,
			 pe->port_id);
		return -EINVAL;
	}
	vpkg_gap_from_pps(env->tsc_hz, pps, &cs->gap, &cs->gap_frac);
	cs->count = sp->count;
	cs->duration_tsc = (uint64_t)(sp->duration * (double)env->tsc_hz);
	return 0;
}

static void
fill_spec(struct dp_pkt_spec *ps, const struct vpkg_stream_spec *sp,
		const struct vpkg_port_env *pe, uint16_t frame_len)
{
	bool v4 = sp->src_ip.family != DP_FAM_V6;

	memset(ps, 0, sizeof(*ps));
	ps->src_mac = sp->has_src_mac ? sp->src_mac : pe->mac;
	if (sp->has_dst_mac)
		ps->dst_mac = sp->dst_mac;
	else if (pe->peer_state != VPKG_PEER_UNRESOLVED)
		ps->dst_mac = pe->peer;
	ps->vlan_tci = sp->vlan;
	ps->l3_type = v4 ? DP_FAM_V4 : DP_FAM_V6;
	switch (sp->proto) {
	case VPKG_PROTO_UDP:
		ps->l4_proto = IPPROTO_UDP;
		break;
	case VPKG_PROTO_TCP:
		ps->l4_proto = IPPROTO_TCP;
		break;
	case VPKG_PROTO_TCP_SYN:
		ps->l4_proto = IPPROTO_TCP;
		ps->tcp_flags = RTE_TCP_SYN_FLAG;
		break;
	default:
		ps->l4_proto = v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		break;
	}
	ps->ttl = 64;
	if (v4) {
		ps->src_ip4 = sp->src_ip.r.base;
		ps->dst_ip4 = sp->dst_ip.r.base;
	} else {
		memcpy(ps->src_ip6, sp->src_ip.ip6, 16);
		memcpy(ps->dst_ip6, sp->dst_ip.ip6, 16);
		set_ip6_low(ps->src_ip6, sp->src_ip.r.base);
		set_ip6_low(ps->dst_ip6, sp->dst_ip.r.base);
	}
	ps->src_port = (uint16_t)sp->src_port.base;
	ps->dst_port = (uint16_t)sp->dst_port.base;
	ps->frame_len = frame_len;
}

/* Offloads, checksum bookkeeping and the fields that vary. */
static void
recipe(struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp,
		const struct vpkg_port_env *pe, const struct dp_pkt_info *pi)
{
	bool v4 = pi->l3_type == DP_FAM_V4;
	bool icmp = sp->proto == VPKG_PROTO_ICMP;
	bool udp = sp->proto == VPKG_PROTO_UDP;
	bool hw_ip = v4 && (pe->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	bool hw_l4 = (udp && (pe->tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) ||
		     (!udp && !icmp && (pe->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM));
	bool pseudo = !(icmp && v4);	/* the L4 checksum covers the addresses */
	uint8_t *ip = cs->tmpl + pi->l3_off;

	cs->is_v4 = v4;
	cs->udp = udp;
	cs->ip_len_off = (uint16_t)(pi->l3_off + (v4 ? 2 : 4));
	cs->ip_len0 = (uint16_t)(cs->tmpl_len - pi->l3_off - (v4 ? 0 : 40));
	cs->l4_len0 = (uint16_t)(cs->tmpl_len - pi->l4_off);
	cs->udp_len_off = udp ? (uint16_t)(pi->l4_off + 4) : 0;
	cs->ip_ck_off = v4 ? (uint16_t)(pi->l3_off + 10) : 0;
	cs->l4_ck_off = (uint16_t)(pi->l4_off + (udp ? 6 : icmp ? 2 : 16));
	cs->icmp_seq_off = icmp ? (uint16_t)(pi->l4_off + 6) : 0;
	cs->tx_offload = rte_mbuf_tx_offload(pi->l3_off, v4 ? 20 : 40, 0, 0, 0, 0, 0);
	cs->ol_flags = 0;
	if (hw_ip || hw_l4)
		cs->ol_flags |= v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	if (hw_ip) {
		cs->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
		vpkg_ck_store(ip + 10, 0);
	}
	cs->sw_ip = v4 && !hw_ip;
	if (hw_l4) {
		uint16_t ph = v4 ? rte_ipv4_phdr_cksum((const struct rte_ipv4_hdr *)ip, 0) :
				   rte_ipv6_phdr_cksum((const struct rte_ipv6_hdr *)ip, 0);

		cs->ol_flags |= udp ? RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_CKSUM;
		vpkg_ck_store(cs->tmpl + cs->l4_ck_off, ph);
		cs->l4_mode = VPKG_L4_HW;
		cs->l4_sum0 = vpkg_ck_load(cs->tmpl + cs->l4_ck_off);
		cs->len_l4_mult = 1;
	} else {
		cs->l4_mode = VPKG_L4_SW;
		cs->l4_sum0 = (uint16_t)~vpkg_ck_load(cs->tmpl + cs->l4_ck_off);
		cs->len_l4_mult = udp ? 2 : pseudo ? 1 : 0;
	}
	cs->ip_sum0 = cs->sw_ip ? (uint16_t)~vpkg_ck_load(ip + 10) : 0;

	cs->nb_fields = 0;
	cs->ip_varies = 0;
	add_field(cs, &sp->src_ip.r, (uint16_t)(pi->l3_off + (v4 ? 12 : 8 + 12)), 4, cs->sw_ip,
		  pseudo);
	add_field(cs, &sp->dst_ip.r, (uint16_t)(pi->l3_off + (v4 ? 16 : 24 + 12)), 4, cs->sw_ip,
		  pseudo);
	if (icmp) {
		add_field(cs, &sp->src_port, (uint16_t)(pi->l4_off + 4), 2, false, true);
	} else {
		add_field(cs, &sp->src_port, pi->l4_off, 2, false, !hw_l4);
		add_field(cs, &sp->dst_port, (uint16_t)(pi->l4_off + 2), 2, false, !hw_l4);
	}
	if (cs->sw_ip && sp->size.kind != VPKG_SIZE_FIXED)
		cs->ip_varies = 1;
}

int
vpkg_cstream_build(struct vpkg_cstream *cs, const struct vpkg_stream_spec *sp,
		const struct vpkg_env *env, char *err, size_t len)
{
	const struct vpkg_port_env *pe;
	struct dp_pkt_spec ps;
	struct dp_pkt_info pi;
	int rc;

	memset(cs, 0, sizeof(*cs));
	cs->id = sp->id;
	rc = place(cs, sp, env, err, len);
	if (rc == 0)
		rc = pace(cs, sp, env, err, len);
	if (rc != 0)
		return rc;
	pe = &env->port[sp->port];

	cs->tmpl_len = (uint16_t)(sp->size.max - VPKG_FCS_LEN);
	/* whole cache lines: the writer may copy 64 bytes for a shorter frame */
	cs->tmpl = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(cs->tmpl_len, RTE_CACHE_LINE_SIZE));
	if (cs->tmpl == NULL)
		return -ENOMEM;
	fill_spec(&ps, sp, pe, cs->tmpl_len);
	if (dp_pkt_build(cs->tmpl, &ps, &pi) == 0) {
		snprintf(err, len, "stream '%s': cannot build a %u-byte frame", sp->name, sp->size.max);
		vpkg_cstream_free(cs);
		return -EINVAL;
	}
	cs->probe = sp->size.min >= vpkg_spec_probe_min(sp);
	cs->probe_off = pi.payload_off;
	if (cs->probe) {
		struct dp_probe p = { .stream_id = sp->id, .seq = 0, .tx_ns = 0 };

		dp_probe_encode(cs->tmpl + pi.payload_off, &p);
		dp_pkt_fix_cksums(cs->tmpl, &pi);
	}
	recipe(cs, sp, pe, &pi);

	cs->size_kind = sp->size.kind;
	cs->size_walk = sp->size.walk;
	cs->size_min = (uint16_t)(sp->size.min - VPKG_FCS_LEN);
	cs->size_count = (uint16_t)(sp->size.max - sp->size.min + 1);
	if (sp->size.kind == VPKG_SIZE_IMIX && build_pattern(cs, &sp->size) != 0) {
		vpkg_cstream_free(cs);
		return -ENOMEM;
	}
	cs->simple = cs->size_kind == VPKG_SIZE_FIXED && cs->nb_fields == 0 &&
		     cs->icmp_seq_off == 0;
	cs->enabled = sp->enabled;
	cs->ready = sp->has_dst_mac || pe->peer_state != VPKG_PEER_UNRESOLVED;
	return 0;
}

void
vpkg_cstream_free(struct vpkg_cstream *cs)
{
	free(cs->tmpl);
	free(cs->pattern);
	cs->tmpl = NULL;
	cs->pattern = NULL;
}
