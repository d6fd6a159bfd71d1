/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ring_feed: vsnk's rx path, in-process, fed through a net_ring port.
 *
 * A net_ring port created with "--vdev net_ring0" is a loopback: what is
 * sent on its tx queue 0 comes back on its rx queue 0. This program sets up
 * vsnk's globals as vsnk_main.c does (counters, stream tables, one port with
 * one rx and one tx queue), launches vsnk_rx_worker on the worker lcore, then
 * on the main lcore reads a pcap file and tx_bursts every frame into the
 * port (retrying until the ring takes it), waits until vsnk counted them
 * all, stops the worker and writes vsnk_stats_json() to --stats-file.
 *
 *   ring_feed [EAL] -- --pcap FILE --stats-file OUT [--max-streams N]
 *             [--no-verify-cksum] [--no-fast-path] [--seg-size N]
 *             [--duration SEC]
 *
 * --seg-size N splits every frame into a chain of mbufs of N bytes (the
 * last one shorter); the unused room of every segment is filled with 0xa5,
 * so that a reader going past a segment's data sees garbage, not zeros.
 * --duration is the time limit for the whole feed (default 120 s).
 *
 * Exit: 0 when vsnk counted every frame, 1 otherwise (stats still written),
 * 2 on bad options or an unreadable pcap.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "dp_clock.h"
#include "dp_main.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_worker.h"
#include "vsnk.h"

struct vsnk vsnk;

#define FEED_BURST 32
#define DEFAULT_LIMIT_SEC 120.0

struct frame {
	const uint8_t *data;
	uint32_t len;
};

/* Owned by main. */
static struct {
	char pcap[PATH_MAX];
	uint32_t seg_size;	/* 0 = one segment per frame (when it fits) */
} feed;

static int
set_pcap(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	RTE_SET_USED(ctx);
	return dp_opt_path(feed.pcap, sizeof(feed.pcap), name, value, err, errlen);
}

static int
set_seg_size(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	uint64_t v;

	RTE_SET_USED(ctx);
	if (dp_parse_u64(value, 1, 2048, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "between 1 and 2048");
	feed.seg_size = (uint32_t)v;
	return 0;
}

static int
set_max_streams(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	uint64_t v;

	RTE_SET_USED(ctx);
	if (dp_parse_u64(value, 1, VSNK_MAX_STREAMS, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "between 1 and %u", VSNK_MAX_STREAMS);
	vsnk.opt.max_streams = (uint32_t)v;
	return 0;
}



static const struct dp_option feed_options[] = {
	{ "pcap", "FILE", "the frames to feed (classic pcap, Ethernet)", set_pcap },
	{ "seg-size", "N", "split frames into mbuf chains of N-byte segments", set_seg_size },
	{ "max-streams", "N", "as vsnk --max-streams", set_max_streams },
	{ "no-verify-cksum", NULL, "as vsnk --no-verify-cksum",
	  DP_OPT_BOOL(struct vsnk_options, verify_cksum, false) },
	{ "no-fast-path", NULL, "as vsnk --no-fast-path",
	  DP_OPT_BOOL(struct vsnk_options, no_fast_path, true) },
};

static const struct dp_app feed_app = {
	.name = "ring_feed",
	.summary = "test driver: vsnk's rx worker fed from a pcap file over net_ring",
	.options = feed_options,
	.nb_options = RTE_DIM(feed_options),
	.ctx = &vsnk.opt,	/* the flags; the other setters write the globals */
};

/* --- pcap, read whole into memory --- */

static uint32_t
rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static int
load_pcap(const char *path, uint8_t **buf_out, struct frame **frames_out, uint32_t *nb_out)
{
	FILE *f = fopen(path, "rb");
	struct frame *frames = NULL;
	uint32_t nb = 0, cap = 0, magic;
	uint8_t *buf;
	long size;
	size_t off;
	bool swap;

	if (f == NULL)
		return -errno;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 24 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -EINVAL;
	}
	buf = malloc((size_t)size);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	magic = rd32(buf, false);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = false;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = true;
	else
		goto bad;
	if (rd32(buf + 20, swap) != 1)	/* LINKTYPE_ETHERNET */
		goto bad;
	for (off = 24; off + 16 <= (size_t)size;) {
		uint32_t incl = rd32(buf + off + 8, swap);

		if (incl > (size_t)size - off - 16)
			goto bad;
		if (nb == cap) {
			struct frame *n;

			cap = cap ? cap * 2 : 1024;
			n = realloc(frames, cap * sizeof(*frames));
			if (n == NULL)
				goto bad;
			frames = n;
		}
		frames[nb].data = buf + off + 16;
		frames[nb].len = incl;
		nb++;
		off += 16 + incl;
	}
	if (off != (size_t)size)
		goto bad;
	*buf_out = buf;
	*frames_out = frames;
	*nb_out = nb;
	return 0;
bad:
	free(frames);
	free(buf);
	return -EINVAL;
}

/* --- feeding --- */

static bool
past(uint64_t deadline)
{
	return dp_mono_ns() >= deadline || dp_should_quit();
}

static struct rte_mbuf *
alloc_wait(uint64_t deadline)
{
	struct rte_mbuf *m;

	/* the worker frees what it received; wait for it when the pool is dry */
	while ((m = rte_pktmbuf_alloc(dp_pktmbuf_pool)) == NULL) {
		if (past(deadline))
			return NULL;
		rte_pause();
	}
	return m;
}

/* One frame as an mbuf (chain); NULL on timeout. */
static struct rte_mbuf *
make_mbuf(const struct frame *fr, uint32_t seg_size, uint64_t deadline)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, n, room;

	do {
		m = alloc_wait(deadline);
		if (m == NULL)
			goto fail;
		room = rte_pktmbuf_tailroom(m);
		memset(rte_pktmbuf_mtod(m, uint8_t *), 0xa5, room);
		n = fr->len - off;
		if (seg_size != 0 && n > seg_size)
			n = seg_size;
		if (n > room)
			n = room;
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), fr->data + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
	} while (off < fr->len);
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* Send every frame on queue 0 of the port; returns the number sent. */
static uint32_t
feed_frames(uint16_t port_id, const struct frame *frames, uint32_t nb, uint64_t deadline)
{
	struct rte_mbuf *pkts[FEED_BURST];
	uint32_t i = 0, sent_total = 0;

	while (i < nb) {
		uint16_t k = 0, sent = 0;

		while (k < FEED_BURST && i < nb) {
			pkts[k] = make_mbuf(&frames[i], feed.seg_size, deadline);
			if (pkts[k] == NULL)
				break;
			k++;
			i++;
		}
		while (sent < k) {
			uint16_t n = rte_eth_tx_burst(port_id, 0, pkts + sent, (uint16_t)(k - sent));

			sent = (uint16_t)(sent + n);
			if (n == 0) {
				if (past(deadline))
					break;
				rte_pause();	/* the ring is full: the worker will empty it */
			}
		}
		sent_total += sent;
		if (sent < k) {
			rte_pktmbuf_free_bulk(pkts + sent, (unsigned int)(k - sent));
			break;
		}
		if (k == 0)
			break;
	}
	return sent_total;
}

static int
alloc_stream_tables(void)
{
	unsigned int i;

	vsnk.nb_workers = dp_nb_workers;
	for (i = 0; i < dp_nb_workers; i++) {
		struct vsnk_worker *vw = &vsnk.workers[i];

		vw->lcore = dp_workers[i].lcore;
		vw->streams = rte_zmalloc("vsnk_streams",
				sizeof(*vw->streams) * vsnk.opt.max_streams, RTE_CACHE_LINE_SIZE);
		if (vw->streams == NULL)
			return -ENOMEM;
		atomic_init(&vw->reset_req, 0);
	}
	return 0;
}

static void
free_stream_tables(void *ctx)
{
	unsigned int i;

	RTE_SET_USED(ctx);
	for (i = 0; i < vsnk.nb_workers; i++) {
		rte_free(vsnk.workers[i].streams);
		vsnk.workers[i].streams = NULL;
	}
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	struct dp_port_want want = {
		.nb_rxq = 1,
		.nb_txq = 1,
		.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_RX_OFFLOAD_TCP_CKSUM,
		.extra_mbufs = FEED_BURST,
	};
	struct dp_main_hooks hooks = {
		.stats_json = vsnk_stats_json,
		.cleanup = free_stream_tables,
	};
	struct frame *frames = NULL;
	uint8_t *buf = NULL;
	uint32_t nb = 0, sent;
	uint64_t deadline, counted;
	char err[DP_ERR_LEN];
	int rc, wrc, fail = 0;

	vsnk.opt.max_streams = VSNK_DEFAULT_MAX_STREAMS;
	vsnk.opt.verify_cksum = true;
	dp_main_init(&feed_app, &vsnk.cfg, argc, argv);
	if (feed.pcap[0] == '\0')
		dp_die(DP_EXIT_USAGE, "--pcap FILE is required");
	rc = load_pcap(feed.pcap, &buf, &frames, &nb);
	if (rc != 0)
		dp_die(DP_EXIT_USAGE, "--pcap: cannot read '%s': %s", feed.pcap,
		       rc == -EINVAL ? "not a classic Ethernet pcap file" : strerror(-rc));

	rc = dp_workers_select(&vsnk.cfg, err, sizeof(err));
	if (rc < 0)
		dp_die(DP_EXIT_USAGE, "%s", err);
	vsnk.ctrs = dp_counters_create(vsnk_port_ctr_desc, VSNK_CTR_MAX, RTE_MAX_ETHPORTS);
	if (vsnk.ctrs == NULL || alloc_stream_tables() != 0)
		dp_die(DP_EXIT_FAIL, "cannot allocate counters or stream tables");
	rc = dp_ports_init(&vsnk.cfg, &want, dp_nb_workers, err, sizeof(err));
	if (rc != 0) {
		dp_ports_close();
		dp_die(rc == -EINVAL ? DP_EXIT_USAGE : DP_EXIT_FAIL, "%s", err);
	}
	if (dp_nb_ports != 1 || dp_ports[0].nb_txq < 1)
		dp_die(DP_EXIT_USAGE, "needs exactly one port with a tx queue (--vdev net_ring0), got %u",
		       dp_nb_ports);
	dp_ports_show();
	dp_workers_assign_queues();
	vsnk_stats_start();
	printf("ring_feed: %u frames from %s, seg-size %u\n", nb, feed.pcap, feed.seg_size);
	fflush(stdout);

	deadline = dp_mono_ns() +
		(uint64_t)((vsnk.cfg.duration > 0 ? vsnk.cfg.duration : DEFAULT_LIMIT_SEC) * 1e9);
	wrc = dp_workers_launch(vsnk_rx_worker);
	sent = 0;
	if (wrc == 0)
		sent = feed_frames(dp_ports[0].port_id, frames, nb, deadline);
	/* wait until the worker counted everything sent (or the time is up) */
	while ((counted = dp_stats_ports_sum(vsnk.ctrs, DP_PORT_CTR_rx_packets)) < sent && !past(deadline))
		sleep_ms(1);
	atomic_store(&dp_quit, true);
	rc = dp_workers_wait();
	if (wrc == 0)
		wrc = rc;
	counted = dp_stats_ports_sum(vsnk.ctrs, DP_PORT_CTR_rx_packets);
	if (sent != nb || counted != nb) {
		fprintf(stderr, "ring_feed: %u frames in the pcap, %u sent, %" PRIu64 " counted by vsnk\n",
			nb, sent, counted);
		fail = 1;
	}
	printf("ring_feed: sent %u, vsnk counted %" PRIu64 "\n", sent, counted);
	rc = dp_main_finish(&vsnk.cfg, &hooks, wrc != 0 ? wrc : fail);
	dp_counters_free(vsnk.ctrs);
	free(frames);
	free(buf);
	return rc;
}
