/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: vsnk's classification of a received frame (vsnk/vsnk_rx.c,
 * included here for its static handle_pkt: the fast path for the common
 * UDP frame, the general parser for the rest). One input is a control
 * prefix (fuzz_mbuf.h: segments, rx checksum flags, whether vsnk checks
 * checksums) and a frame in a chain of exactly-sized segments. Checked:
 * every frame lands in exactly one class (rx_packets = probe_packets +
 * foreign_packets + malformed + bad_checksum), and the fast path counts
 * exactly what the general path alone counts (vsnk.h's --no-fast-path).
 */
#include "../../vsnk/vsnk_rx.c"

#include "fuzz.h"
#include "fuzz_mbuf.h"

/* vsnk_main.c's, for the worker loop compiled with this file (not run) */
struct vsnk vsnk;

#define FUZZ_STREAMS 4

struct outcome {
	uint64_t ctr[VSNK_CTR_MAX];
	struct stream_state streams[FUZZ_STREAMS];
	struct burst_acc acc;
};

static void
classify_once(struct rte_mbuf *m, bool fast, bool verify, uint64_t rx_offloads,
		struct outcome *o)
{
	struct rx_ctx c = {
		.ctr = o->ctr,
		.stride = VSNK_CTR_MAX,
		.streams = o->streams,
		.max_streams = FUZZ_STREAMS,
		.verify_cksum = verify,
		.no_fast_path = !fast,
	};

	memset(o, 0, sizeof(*o));
	handle_pkt(&c, 0, rx_offloads, m, 1000000000ull, &o->acc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome fast, slow;
	struct fuzz_chain chain;
	struct rte_mbuf *m;
	uint64_t offloads;
	bool verify;

	if (size < FUZZ_MBUF_CTL)
		return 0;
	/* the bits fuzz_chain_build() leaves alone (it uses ctl[0] below 27) */
	verify = (data[0] & 0x80) == 0;
	offloads = (data[0] & 0x40) ? RTE_ETH_RX_OFFLOAD_IPV4_CKSUM : 0;
	m = fuzz_chain_build(&chain, data, data + FUZZ_MBUF_CTL, size - FUZZ_MBUF_CTL, 0);
	classify_once(m, true, verify, offloads, &fast);
	classify_once(m, false, verify, offloads, &slow);
	fuzz_chain_free(&chain);

	FUZZ_CHECK(fast.acc.probe + fast.ctr[VSNK_CTR_foreign_packets] +
		   fast.ctr[VSNK_CTR_malformed] + fast.ctr[VSNK_CTR_bad_checksum] == 1);
	FUZZ_CHECK(memcmp(fast.ctr, slow.ctr, sizeof(fast.ctr)) == 0);
	FUZZ_CHECK(fast.acc.probe == slow.acc.probe);
	FUZZ_CHECK(memcmp(fast.streams, slow.streams, sizeof(fast.streams)) == 0);
	return 0;
}
