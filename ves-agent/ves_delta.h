/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-port deltas between two samples of 64-bit totals.
 *
 * A total never goes backwards but for two reasons: it wrapped around 2^64
 * (the modular difference is then below 2^63), or the counters were reset
 * (the difference is "negative" by less than 2^63). After a wrap the delta
 * is the modular difference; after a reset it is the new total (what was
 * counted since the reset; what was counted between the previous sample and
 * the reset is lost) and the port is marked suspect. A delta is never
 * negative.
 *
 * Thread safety: pure functions.
 */
#ifndef VES_DELTA_H
#define VES_DELTA_H

#include <stdbool.h>
#include <stdint.h>

#include "ves_agent.h"

struct ves_port_delta {
	char name[VES_PORT_NAME_LEN];
	bool link_up;
	bool suspect;		/* a total went backwards in this interval */
	/* within the interval */
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t dropped;
	uint64_t rx_missed;
	/* totals at the end of the interval */
	uint64_t rx_packets_total;
	uint64_t rx_bytes_total;
	uint64_t tx_packets_total;
	uint64_t tx_bytes_total;
	uint64_t dropped_total;
	uint64_t rx_missed_total;
	/* our XDP program's verdicts within the interval, and its counters at the end */
	bool has_xdp;
	uint64_t xdp_redirected;
	uint64_t xdp_passed;
	uint64_t xdp_no_socket;
	struct dp_xdp_stats xdp;
};

/* Delta from prev to cur; sets *reset when the total was reset. */
uint64_t ves_delta_u64(uint64_t prev, uint64_t cur, bool *reset);

/* out[i] from prev[i] and cur[i], i < n. */
void ves_delta_ports(const struct ves_port_sample *prev, const struct ves_port_sample *cur,
		unsigned int n, struct ves_port_delta *out);

#endif /* VES_DELTA_H */
