/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic for the firewall itself, on the worker that received it:
 *   - ARP requests for a port address are answered (in place) and the
 *     sender is learned; ARP replies to us are learned;
 *   - IPv6 neighbour solicitations for a port address (global or
 *     link-local) are answered with an advertisement; NS/NA teach us the
 *     sender / target MAC;
 *   - ICMP / ICMPv6 echo requests to any port address are answered out of
 *     the input port (ping to the firewall always works, the rules do not
 *     apply to it); anything else for us is dropped (to_self);
 *   - next hops are resolved by ARP requests / neighbour solicitations
 *     built here, at most one per address per second per worker.
 * Learned addresses go to the neighbour table through its ring (neigh.h).
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "arp_nd.h"
#include "dp_pkt.h"
#include "dp_port.h"
#include "neigh.h"
#include "route.h"
#include "vfw.h"

#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_NA_SOLICITED 0x40	/* in the NA's flags byte (R S O) */
#define NA_LEN 32		/* ICMPv6 NA with a target link-layer option */
#define NS_LEN 32		/* ICMPv6 NS with a source link-layer option */
#define NA_FLAGS 0xe0		/* router, solicited, override */

static void
local_done(struct vfw_worker *w, uint16_t in)
{
	vfw_ctr_inc(w, in, VFW_CTR_local);
}

static void
to_self(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m)
{
	vfw_ctr_inc(w, in, VFW_CTR_dropped);
	vfw_ctr_inc(w, in, VFW_CTR_dropped_other);
	vfw_ctr_inc(w, in, VFW_CTR_to_self);
	rte_pktmbuf_free(m);
}

void
vfw_arp_input(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame, uint32_t len)
{
	const struct vfw_port *p = &vfw.ports[in];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(frame + RTE_ETHER_HDR_LEN);
	uint32_t sip, tip;

	local_done(w, in);
	vfw_ctr_inc(w, in, VFW_CTR_arp_in);
	if (len < RTE_ETHER_HDR_LEN + sizeof(*a) || !p->has_ip4 ||
	    a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4)
		goto done;
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	if (tip != p->ip4)
		goto done;	/* not for us (gratuitous, or another host) */
	if (sip != 0 && rte_is_unicast_ether_addr(&a->arp_data.arp_sha) &&
	    vfw_prefix_contains(DP_FAM_V4, (const uint8_t *)&p->ip4, p->plen4, (const uint8_t *)&sip))
		vfw_worker_neigh_learn(w, in, DP_FAM_V4, (const uint8_t *)&sip, &a->arp_data.arp_sha);
	if (a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		goto done;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_tha = a->arp_data.arp_sha;
	a->arp_data.arp_tip = sip;
	a->arp_data.arp_sha = p->mac;
	a->arp_data.arp_sip = p->ip4;
	eh->dst_addr = eh->src_addr;
	eh->src_addr = p->mac;
	vfw_ctr_inc(w, in, VFW_CTR_arp_reply_tx);
	vfw_tx(w, in, m);
	return;
done:
	rte_pktmbuf_free(m);
}

void
vfw_local_v4(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + pi->l3_off);
	uint8_t *icmp = frame + pi->l4_off;
	uint16_t ck, old, nw;
	uint32_t a;

	if (pi->l4_proto != IPPROTO_ICMP || icmp[0] != RTE_IP_ICMP_ECHO_REQUEST || icmp[1] != 0 ||
	    pi->nb_vlan != 0) {
		to_self(w, in, m);
		return;
	}
	memcpy(&old, icmp, 2);
	icmp[0] = RTE_IP_ICMP_ECHO_REPLY;
	memcpy(&nw, icmp, 2);
	memcpy(&ck, icmp + 2, 2);
	ck = dp_cksum_update16(ck, old, nw);
	memcpy(icmp + 2, &ck, 2);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = dp_ipv4_hdr_cksum(ip);
	eh->dst_addr = eh->src_addr;
	eh->src_addr = vfw.ports[in].mac;
	local_done(w, in);
	vfw_ctr_inc(w, in, VFW_CTR_echo_reply_tx);
	vfw_tx(w, in, m);
}

static void
solicited_node(const uint8_t *addr, uint8_t *out)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, addr + 13, 3);
}

bool
vfw_v6_is_local(const struct vfw_port *p, const uint8_t *dst)
{
	uint8_t sn[16];

	if (memcmp(dst, p->ip6, 16) == 0 || memcmp(dst, p->ip6_ll, 16) == 0)
		return true;
	if (dst[0] != 0xff)
		return false;
	solicited_node(p->ip6, sn);
	if (memcmp(dst, sn, 16) == 0)
		return true;
	solicited_node(p->ip6_ll, sn);
	return memcmp(dst, sn, 16) == 0;
}

/* The link-layer address option of type t in an NS/NA, or NULL. */
static const struct rte_ether_addr *
nd_option(const uint8_t *opt, uint32_t len, uint8_t t)
{
	while (len >= 8) {
		uint32_t ol = opt[1] * 8u;

		if (ol == 0 || ol > len)
			return NULL;
		if (opt[0] == t && ol >= 8)
			return (const struct rte_ether_addr *)(opt + 2);
		opt += ol;
		len -= ol;
	}
	return NULL;
}

static void
nd_input(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi, uint32_t l4len)
{
	const struct vfw_port *p = &vfw.ports[in];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	uint8_t *ip = frame + pi->l3_off, *icmp = frame + pi->l4_off;
	static const uint8_t zero[16];
	const struct rte_ether_addr *lla;
	uint8_t target[16];
	uint16_t ck;

	vfw_ctr_inc(w, in, VFW_CTR_nd_in);
	local_done(w, in);
	/* RFC 4861 7.1.1: hop limit 255, code 0, at least 24 bytes */
	if (ip[7] != 255 || icmp[1] != 0 || l4len < 24)
		goto done;
	memcpy(target, icmp + 8, 16);
	if (icmp[0] == ND_NA) {
		lla = nd_option(icmp + 24, l4len - 24, ND_OPT_TLLA);
		if (lla != NULL && rte_is_unicast_ether_addr(lla))
			vfw_worker_neigh_learn(w, in, DP_FAM_V6, target, lla);
		else if (lla == NULL && (icmp[4] & ND_NA_SOLICITED) != 0)
			vfw_neigh_confirm(in, DP_FAM_V6, target);	/* RFC 4861 7.2.5 */
		goto done;
	}
	/* NS: for one of our addresses, not a duplicate address probe */
	if ((memcmp(target, p->ip6, 16) != 0 && memcmp(target, p->ip6_ll, 16) != 0) ||
	    memcmp(ip + 8, zero, 16) == 0 || pi->l4_off != pi->l3_off + 40)
		goto done;
	lla = nd_option(icmp + 24, l4len - 24, ND_OPT_SLLA);
	if (lla != NULL && rte_is_unicast_ether_addr(lla))
		vfw_worker_neigh_learn(w, in, DP_FAM_V6, ip + 8, lla);
	if (pi->l4_off + NA_LEN > rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m))
		goto done;
	/* the NA, in place */
	m->data_len = (uint16_t)(pi->l4_off + NA_LEN);
	m->pkt_len = m->data_len;
	ip[4] = 0;
	ip[5] = NA_LEN;
	ip[7] = 255;
	memcpy(ip + 24, ip + 8, 16);	/* to the soliciting node */
	memcpy(ip + 8, target, 16);	/* from the address it asked for */
	memset(icmp, 0, NA_LEN);
	icmp[0] = ND_NA;
	icmp[4] = NA_FLAGS;
	memcpy(icmp + 8, target, 16);
	icmp[24] = ND_OPT_TLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, &p->mac, RTE_ETHER_ADDR_LEN);
	ck = dp_l4_cksum_ipv6((const struct rte_ipv6_hdr *)ip, icmp, NA_LEN, IPPROTO_ICMPV6);
	memcpy(icmp + 2, &ck, 2);
	eh->dst_addr = eh->src_addr;
	eh->src_addr = p->mac;
	vfw_ctr_inc(w, in, VFW_CTR_nd_na_tx);
	vfw_tx(w, in, m);
	return;
done:
	rte_pktmbuf_free(m);
}

void
vfw_local_v6(struct vfw_worker *w, uint16_t in, struct rte_mbuf *m, uint8_t *frame,
		const struct dp_pkt_info *pi)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	uint8_t *ip = frame + pi->l3_off, *icmp = frame + pi->l4_off;
	uint32_t l4len = pi->l3_len - (pi->l4_off - pi->l3_off);
	uint8_t tmp[16];
	uint16_t ck;

	if (pi->l4_proto != IPPROTO_ICMPV6 || pi->nb_vlan != 0 || l4len < 8) {
		to_self(w, in, m);
		return;
	}
	if (icmp[0] == ND_NS || icmp[0] == ND_NA) {
		nd_input(w, in, m, frame, pi, l4len);
		return;
	}
	/* echo to a unicast address of ours */
	if (icmp[0] != 128 || icmp[1] != 0 || ip[24] == 0xff) {
		to_self(w, in, m);
		return;
	}
	icmp[0] = 129;
	memcpy(tmp, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, tmp, 16);
	ip[7] = 64;
	ck = dp_l4_cksum_ipv6((const struct rte_ipv6_hdr *)ip, icmp, l4len, IPPROTO_ICMPV6);
	memcpy(icmp + 2, &ck, 2);
	eh->dst_addr = eh->src_addr;
	eh->src_addr = vfw.ports[in].mac;
	local_done(w, in);
	vfw_ctr_inc(w, in, VFW_CTR_echo_reply_tx);
	vfw_tx(w, in, m);
}

void
vfw_worker_neigh_learn(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *mac)
{
	struct vfw_neigh_recent *r = &w->recent[w->recent_next++ % VFW_NEIGH_RECENT];
	unsigned int len = family == DP_FAM_V4 ? 4 : 16, i;

	for (i = 0; i < VFW_NEIGH_RECENT; i++) {	/* an update of what we have */
		struct vfw_neigh_recent *o = &w->recent[i];

		if (o->family == family && o->port == port && memcmp(o->ip, ip, len) == 0) {
			r = o;
			w->recent_next--;
			break;
		}
	}
	r->family = family;
	r->port = port;
	memset(r->ip, 0, sizeof(r->ip));
	memcpy(r->ip, ip, len);
	r->mac = *mac;
	r->tsc = rte_rdtsc();
	vfw_neigh_learn(port, family, ip, mac);
}

bool
vfw_worker_neigh_lookup(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip,
		struct rte_ether_addr *mac)
{
	unsigned int len = family == DP_FAM_V4 ? 4 : 16, i;
	uint64_t now;

	if (vfw_neigh_lookup(port, family, ip, mac))
		return true;
	/* the control loop applies what workers learn as soon as it runs */
	now = rte_rdtsc();
	for (i = 0; i < VFW_NEIGH_RECENT; i++) {
		const struct vfw_neigh_recent *r = &w->recent[i];

		if (r->family == family && r->port == port && memcmp(r->ip, ip, len) == 0 &&
		    now - r->tsc < vfw.tsc_hz) {
			*mac = r->mac;
			return true;
		}
	}
	return false;
}

static void
build_arp_request(const struct vfw_port *p, const uint8_t *ip, uint8_t *f)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + RTE_ETHER_HDR_LEN);

	memset(f, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eh->src_addr = p->mac;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = p->mac;
	a->arp_data.arp_sip = p->ip4;
	memcpy(&a->arp_data.arp_tip, ip, 4);
}

/* A neighbour solicitation for target: to its solicited-node address, or to target when unicast. */
static uint16_t
build_ns(const struct vfw_port *p, const uint8_t *target, bool unicast, uint8_t *f)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	uint8_t *ip = f + RTE_ETHER_HDR_LEN, *icmp = ip + 40;
	uint16_t ck;

	memset(f, 0, RTE_ETHER_HDR_LEN + 40 + NS_LEN);
	eh->dst_addr.addr_bytes[0] = 0x33;
	eh->dst_addr.addr_bytes[1] = 0x33;
	eh->dst_addr.addr_bytes[2] = 0xff;
	memcpy(&eh->dst_addr.addr_bytes[3], target + 13, 3);
	eh->src_addr = p->mac;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip[0] = 0x60;
	ip[5] = NS_LEN;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;
	memcpy(ip + 8, p->ip6, 16);
	if (unicast)
		memcpy(ip + 24, target, 16);
	else
		solicited_node(target, ip + 24);
	icmp[0] = ND_NS;
	memcpy(icmp + 8, target, 16);
	icmp[24] = ND_OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, &p->mac, RTE_ETHER_ADDR_LEN);
	ck = dp_l4_cksum_ipv6((const struct rte_ipv6_hdr *)ip, icmp, NS_LEN, IPPROTO_ICMPV6);
	memcpy(icmp + 2, &ck, 2);
	return RTE_ETHER_HDR_LEN + 40 + NS_LEN;
}

/*
 * An ARP request / neighbour solicitation for ip out of port: broadcast
 * (multicast to the solicited-node address) when to is NULL, else the
 * unicast probe of a known neighbour (to its MAC; IPv6: to its address).
 */
static void
send_solicit(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip,
		const struct rte_ether_addr *to)
{
	const struct vfw_port *p = &vfw.ports[port];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pktmbuf_pool);
	struct rte_ether_hdr *eh;

	if (m == NULL) {
		vfw_ctr_inc(w, port, VFW_CTR_solicit_nombuf);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (family == DP_FAM_V4) {
		build_arp_request(p, ip, (uint8_t *)eh);
		m->data_len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
		vfw_ctr_inc(w, port, VFW_CTR_arp_request_tx);
	} else {
		m->data_len = build_ns(p, ip, to != NULL, (uint8_t *)eh);
		vfw_ctr_inc(w, port, VFW_CTR_nd_ns_tx);
	}
	if (to != NULL)
		eh->dst_addr = *to;
	m->pkt_len = m->data_len;
	vfw_tx(w, port, m);
}

void
vfw_solicit(struct vfw_worker *w, uint16_t port, uint8_t family, const uint8_t *ip)
{
	const struct vfw_port *p = &vfw.ports[port];
	unsigned int len = family == DP_FAM_V4 ? 4 : 16;
	struct vfw_solicit *s = &w->solicit[vfw_neigh_slot(port, family, ip) % VFW_SOLICIT_SLOTS];
	uint64_t now = rte_rdtsc();

	if (s->family == family && s->port == port && memcmp(s->ip, ip, len) == 0 &&
	    now - s->tsc < vfw.tsc_hz)
		return;
	if (family == DP_FAM_V4 ? !p->has_ip4 : !p->has_ip6)
		return;
	s->family = family;
	s->port = port;
	memcpy(s->ip, ip, len);
	s->tsc = now;
	send_solicit(w, port, family, ip, NULL);
}

bool
vfw_can_solicit(uint16_t port, uint8_t family)
{
	const struct vfw_port *p = &vfw.ports[port];

	return family == DP_FAM_V4 ? p->has_ip4 : p->has_ip6;
}

void
vfw_send_probes(struct vfw_worker *w)
{
	struct vfw_neigh_entry pr[8];
	unsigned int n, i;

	n = vfw_neigh_probe_take(pr, RTE_DIM(pr));
	for (i = 0; i < n; i++)
		if (pr[i].port < dp_nb_ports && vfw_can_solicit(pr[i].port, pr[i].family))
			send_solicit(w, pr[i].port, pr[i].family, pr[i].ip, &pr[i].mac);
}
