/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP: answer for the local address, resolve the gateway. */
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "arp.h"
#include "dp_clock.h"
#include "dp_port.h"
#include "streams.h"
#include "vpkg.h"

#define ARP_RETRY_NS 1000000000ull	/* a request every second while unresolved */
#define ARP_FRAME_LEN (RTE_ETHER_HDR_LEN + sizeof(struct rte_arp_hdr))

struct vpkg_arp_port vpkg_arp[RTE_MAX_ETHPORTS];

static uint64_t
mac_to_u64(const struct rte_ether_addr *a)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v = v << 8 | a->addr_bytes[i];
	return v;
}

static void
u64_to_mac(uint64_t v, struct rte_ether_addr *a)
{
	int i;

	for (i = RTE_ETHER_ADDR_LEN - 1; i >= 0; i--) {
		a->addr_bytes[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void
arp_fill(struct rte_mbuf *m, uint16_t op, const struct rte_ether_addr *src,
		const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *tha,
		uint32_t sip, uint32_t tip)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	rte_ether_addr_copy(eth_dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(src, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	rte_ether_addr_copy(tha, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	m->data_len = ARP_FRAME_LEN;
	m->pkt_len = ARP_FRAME_LEN;
	m->ol_flags = 0;
	m->nb_segs = 1;
	m->next = NULL;
}

static bool
send_one(uint16_t port, int txq, struct rte_mbuf *m)
{
	if (txq < 0 || rte_eth_tx_burst(dp_ports[port].port_id, (uint16_t)txq, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* Handle one frame; returns true when m was consumed (sent back). */
static bool
handle(uint16_t port, int txq, struct rte_mbuf *m, uint64_t *ctr, unsigned int stride)
{
	struct vpkg_arp_port *ap = &vpkg_arp[port];
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	uint32_t sip, tip;
	uint16_t op;

	if (m->data_len < ARP_FRAME_LEN)
		return false;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return false;
	dp_ctr_slot_add(ctr, stride, port, VPKG_CTR_arp_rx, 1);
	ah = (struct rte_arp_hdr *)(eh + 1);
	if (ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4)
		return false;
	op = rte_be_to_cpu_16(ah->arp_opcode);
	sip = rte_be_to_cpu_32(ah->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(ah->arp_data.arp_tip);
	/* learn the gateway from anything it says */
	if (ap->gateway != 0 && sip == ap->gateway &&
	    (op == RTE_ARP_OP_REPLY || op == RTE_ARP_OP_REQUEST))
		atomic_store_explicit(&ap->learned, VPKG_ARP_VALID |
				mac_to_u64(&ah->arp_data.arp_sha), memory_order_relaxed);
	if (op == RTE_ARP_OP_REQUEST && ap->local_ip != 0 && tip == ap->local_ip && txq >= 0) {
		struct rte_ether_addr asker = ah->arp_data.arp_sha;

		arp_fill(m, RTE_ARP_OP_REPLY, &dp_ports[port].mac, &asker, &asker, ap->local_ip, sip);
		if (send_one(port, txq, m))
			dp_ctr_slot_add(ctr, stride, port, VPKG_CTR_arp_replies_tx, 1);
		return true;
	}
	return false;
}

void
vpkg_arp_rx(uint16_t port, int txq, struct rte_mbuf **pkts, uint16_t n, uint64_t *ctr,
		unsigned int stride)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (!handle(port, txq, pkts[i], ctr, stride)) {
			if (pkts[i]->data_len < ARP_FRAME_LEN ||
			    rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *)->ether_type !=
			    rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
				dp_ctr_slot_add(ctr, stride, port, VPKG_CTR_rx_ignored, 1);
			rte_pktmbuf_free(pkts[i]);
		}
	}
}

void
vpkg_arp_poll_request(uint16_t port, int txq, uint64_t *ctr, unsigned int stride)
{
	static const struct rte_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr zero = { { 0 } };
	struct vpkg_arp_port *ap = &vpkg_arp[port];
	unsigned int want = atomic_load_explicit(&ap->req_gen, memory_order_relaxed);
	struct rte_mbuf *m;

	if (likely(want == ap->req_done))
		return;
	ap->req_done = want;
	m = rte_pktmbuf_alloc(dp_pktmbuf_pool);
	if (m == NULL)
		return;
	arp_fill(m, RTE_ARP_OP_REQUEST, &dp_ports[port].mac, &bcast, &zero, ap->local_ip,
		 ap->gateway);
	if (send_one(port, txq, m))
		dp_ctr_slot_add(ctr, stride, port, VPKG_CTR_arp_requests_tx, 1);
}

void
vpkg_arp_tick(void)
{
	struct vpkg_env env;
	uint64_t now = dp_mono_ns();
	char err[DP_ERR_LEN];
	uint16_t p;

	vpkg_streams_env(&env);
	for (p = 0; p < dp_nb_ports; p++) {
		struct vpkg_arp_port *ap = &vpkg_arp[p];
		const struct vpkg_port_env *pe = &env.port[p];
		uint64_t l;

		if (ap->gateway == 0 || pe->peer_state == VPKG_PEER_STATIC)
			continue;
		l = atomic_load_explicit(&ap->learned, memory_order_relaxed);
		if (l & VPKG_ARP_VALID) {
			struct rte_ether_addr mac;

			u64_to_mac(l, &mac);
			if (pe->peer_state == VPKG_PEER_RESOLVED && rte_is_same_ether_addr(&mac, &pe->peer))
				continue;
			if (vpkg_streams_set_peer(p, &mac, err, sizeof(err)) == 0) {
				char text[RTE_ETHER_ADDR_FMT_SIZE];

				rte_ether_format_addr(text, sizeof(text), &mac);
				printf("port %u: gateway %u.%u.%u.%u is at %s\n", dp_ports[p].port_id,
				       ap->gateway >> 24, (ap->gateway >> 16) & 0xff,
				       (ap->gateway >> 8) & 0xff, ap->gateway & 0xff, text);
				fflush(stdout);
			} else {
				fprintf(stderr, "vpkg: %s\n", err);
			}
			continue;
		}
		if (ap->last_req_ns == 0 || now - ap->last_req_ns >= ARP_RETRY_NS) {
			ap->last_req_ns = now;
			atomic_fetch_add_explicit(&ap->req_gen, 1, memory_order_relaxed);
		}
	}
}
