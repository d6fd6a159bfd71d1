/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include "ves_delta.h"

#define HALF_RANGE (UINT64_C(1) << 63)

uint64_t
ves_delta_u64(uint64_t prev, uint64_t cur, bool *reset)
{
	uint64_t d = cur - prev;	/* modular: right across a wrap */

	if (cur >= prev || d < HALF_RANGE)
		return d;
	/* went backwards by less than 2^63: a reset, counting from zero */
	*reset = true;
	return cur;
}

void
ves_delta_ports(const struct ves_port_sample *prev, const struct ves_port_sample *cur,
		unsigned int n, struct ves_port_delta *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct ves_port_delta *d = &out[i];
		bool reset = false;

		snprintf(d->name, sizeof(d->name), "%s", cur[i].name);
		d->link_up = cur[i].link_up;
		d->rx_packets = ves_delta_u64(prev[i].rx_packets, cur[i].rx_packets, &reset);
		d->rx_bytes = ves_delta_u64(prev[i].rx_bytes, cur[i].rx_bytes, &reset);
		d->tx_packets = ves_delta_u64(prev[i].tx_packets, cur[i].tx_packets, &reset);
		d->tx_bytes = ves_delta_u64(prev[i].tx_bytes, cur[i].tx_bytes, &reset);
		d->dropped = ves_delta_u64(prev[i].dropped, cur[i].dropped, &reset);
		d->rx_missed = ves_delta_u64(prev[i].rx_missed, cur[i].rx_missed, &reset);
		d->rx_packets_total = cur[i].rx_packets;
		d->rx_bytes_total = cur[i].rx_bytes;
		d->tx_packets_total = cur[i].tx_packets;
		d->tx_bytes_total = cur[i].tx_bytes;
		d->dropped_total = cur[i].dropped;
		d->rx_missed_total = cur[i].rx_missed;
		d->has_xdp = cur[i].has_xdp;
		if (d->has_xdp) {
			/* a port whose program appeared in this interval counts from zero */
			const struct dp_xdp_stats *p = prev[i].has_xdp ? &prev[i].xdp : NULL;

			d->xdp_redirected = ves_delta_u64(p ? p->redirected : 0, cur[i].xdp.redirected,
							  &reset);
			d->xdp_passed = ves_delta_u64(p ? p->passed : 0, cur[i].xdp.passed, &reset);
			d->xdp_no_socket = ves_delta_u64(p ? p->no_socket : 0, cur[i].xdp.no_socket,
							 &reset);
			d->xdp = cur[i].xdp;
		}
		d->suspect = reset;
	}
}
