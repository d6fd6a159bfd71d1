/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The probe header: written by vpkg at the start of the L4 payload (UDP, TCP
 * or ICMP echo data), read by vsnk. 16 bytes, all fields in network byte
 * order, so that it fits in the 18 payload bytes of a minimum-size
 * IPv4/UDP frame (60 bytes before the FCS).
 *
 *   0      2      4             8                    16
 *   +------+------+-------------+--------------------+
 *   |magic |stream|  sequence   |  tx time (ns)      |
 *   +------+------+-------------+--------------------+
 *
 * The sequence is per stream and wraps at 2^32; the sink extends it to 64
 * bits. The time is dp_clock_ns() of the sender (wall-clock anchored).
 */
#ifndef DP_PROBE_H
#define DP_PROBE_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#define DP_PROBE_MAGIC 0xd97e
#define DP_PROBE_LEN 16

struct dp_probe {
	uint16_t stream_id;
	uint32_t seq;
	uint64_t tx_ns;
};

/* Write the probe at buf (at least DP_PROBE_LEN bytes, any alignment). */
static inline void
dp_probe_encode(void *buf, const struct dp_probe *p)
{
	uint16_t magic = rte_cpu_to_be_16(DP_PROBE_MAGIC);
	uint16_t id = rte_cpu_to_be_16(p->stream_id);
	uint32_t seq = rte_cpu_to_be_32(p->seq);
	uint64_t ts = rte_cpu_to_be_64(p->tx_ns);
	uint8_t *b = buf;

	memcpy(b, &magic, 2);
	memcpy(b + 2, &id, 2);
	memcpy(b + 4, &seq, 4);
	memcpy(b + 8, &ts, 8);
}

/*
 * Read a probe from len bytes at buf. Returns 0 and fills p when the bytes
 * hold one, -1 when they are too short or the magic does not match (foreign
 * traffic, never an error).
 */
static inline int
dp_probe_decode(const void *buf, uint32_t len, struct dp_probe *p)
{
	const uint8_t *b = buf;
	uint16_t magic, id;
	uint32_t seq;
	uint64_t ts;

	if (len < DP_PROBE_LEN)
		return -1;
	memcpy(&magic, b, 2);
	if (rte_be_to_cpu_16(magic) != DP_PROBE_MAGIC)
		return -1;
	memcpy(&id, b + 2, 2);
	memcpy(&seq, b + 4, 4);
	memcpy(&ts, b + 8, 8);
	p->stream_id = rte_be_to_cpu_16(id);
	p->seq = rte_be_to_cpu_32(seq);
	p->tx_ns = rte_be_to_cpu_64(ts);
	return 0;
}

#endif /* DP_PROBE_H */
