/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ves-fake: the VES agent with a fake source whose totals follow a known
 * pattern, for the tests (no EAL, no ports).
 *
 * Pattern: the packets of interval k (k = wall-clock time / interval) arrive
 * all at once in the middle of the interval, so every event of a full
 * interval [k*I, (k+1)*I] must carry exactly (tests/ves/test_ves_agent.py
 * computes the same):
 *   rx_packets = 100 + 37 * ((k + 3 * port) % 7) + port
 *   rx_bytes   = 64 * rx_packets + k % 5
 *   tx_packets = 2 * rx_packets
 *   tx_bytes   = 60 * tx_packets
 * The totals start one interval before the agent starts (non-zero baseline).
 * With --fake-link-flap, the link of the last port is down during every
 * interval with k % 4 == 2.
 *
 *   ves-fake [--ves-* options] [--fake-ports N] [--fake-link-flap]
 *            [--duration SEC] [--stats-file PATH]
 *   ves-fake --write-samples DIR     sample events of every kind, v5 and v7
 *
 * Stats file: {"ves": {...}, "ports": [{"port", "name", "rx_packets",
 * "rx_bytes", "tx_packets", "tx_bytes"}]} with the totals of the last sample
 * the agent read (the one of its last event).
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "dp_options.h"
#include "ves_agent.h"
#include "ves_encoder.h"
#include "ves_event.h"
#include "ves_sched.h"

#define FAKE_MAX_PORTS 8

struct fake {
	unsigned int nb_ports;
	bool link_flap;
	char samples_dir[PATH_MAX];
	uint64_t period_ns;
	uint64_t k0;		/* first interval counted */
	/* written: the agent's thread (read); read: main after the stop */
	struct ves_port_sample last[FAKE_MAX_PORTS];
	unsigned int reads;
};

static struct fake fake = { .nb_ports = 2 };
static atomic_bool quit;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	atomic_store(&quit, true);
}

static uint64_t
pattern_rx(uint64_t k, unsigned int port)
{
	return 100 + 37 * ((k + 3 * port) % 7) + port;
}

static int
fake_read(void *ctx, struct ves_port_sample *out)
{
	struct fake *f = ctx;
	uint64_t now = dp_real_ns(), k, kmax;
	unsigned int p;

	/* interval k's packets are counted at k*I + I/2 */
	kmax = (now - f->period_ns / 2) / f->period_ns;
	for (p = 0; p < f->nb_ports; p++) {
		struct ves_port_sample *s = &out[p];

		memset(s, 0, sizeof(*s));
		for (k = f->k0; k <= kmax; k++) {
			uint64_t rx = pattern_rx(k, p);

			s->rx_packets += rx;
			s->rx_bytes += 64 * rx + k % 5;
			s->tx_packets += 2 * rx;
			s->tx_bytes += 120 * rx;
		}
		s->link_up = !(f->link_flap && p == f->nb_ports - 1 &&
			       (now / f->period_ns) % 4 == 2);
		snprintf(s->name, sizeof(s->name), "fake%u", p);
		f->last[p] = *s;
	}
	f->reads++;
	return 0;
}

static int
set_ports(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct fake *f = ctx;
	uint64_t v;

	if (dp_parse_u64(value, 1, FAKE_MAX_PORTS, &v) != 0)
		return dp_opt_error(err, errlen, name, value, "1..%d", FAKE_MAX_PORTS);
	f->nb_ports = (unsigned int)v;
	return 0;
}

static int
set_flap(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct fake *f = ctx;

	RTE_SET_USED(name);
	RTE_SET_USED(value);
	RTE_SET_USED(err);
	RTE_SET_USED(errlen);
	f->link_flap = true;
	return 0;
}

static int
set_samples(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct fake *f = ctx;

	if (value == NULL || *value == '\0' || strlen(value) >= sizeof(f->samples_dir))
		return dp_opt_error(err, errlen, name, value, "a directory");
	snprintf(f->samples_dir, sizeof(f->samples_dir), "%s", value);
	return 0;
}

static const struct dp_option fake_options[] = {
	{ "fake-ports", "N", "ports of the fake source (default 2)", set_ports },
	{ "fake-link-flap", NULL, "the last port's link is down one interval in four", set_flap },
	{ "write-samples", "DIR", "write sample events into DIR and exit", set_samples },
};

/* --- samples: every kind of event, v5 and v7, through the builders --- */

static int
write_doc(const char *dir, const char *file, const char *key, json_t *value)
{
	char path[PATH_MAX + 64];
	json_t *doc = json_object();
	int rc;

	json_object_set_new(doc, key, value);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	rc = json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(doc);
	if (rc != 0)
		fprintf(stderr, "ves-fake: cannot write %s\n", path);
	return rc;
}

static int
write_samples(const char *dir)
{
	static const enum ves_nic_array arrays[] = {
		VES_NIC_PERFORMANCE, VES_NIC_USAGE, VES_NIC_BOTH,
	};
	static const char *const array_names[] = { "performance", "usage", "both" };
	uint64_t start = 1700000000000000ull, end = start + 10000000ull;
	struct ves_port_delta d[2] = {
		{ .name = "eth0", .link_up = true, .rx_packets = 503, .rx_bytes = 32192,
		  .tx_packets = 0, .tx_bytes = 0, .rx_packets_total = 12345,
		  .rx_bytes_total = 790080, .tx_packets_total = 0, .tx_bytes_total = 0 },
		{ .name = "eth1", .link_up = false, .suspect = true, .rx_packets = 0,
		  .rx_bytes = 0, .tx_packets = 503, .tx_bytes = 32192, .rx_packets_total = 0,
		  .rx_bytes_total = 0, .tx_packets_total = 503, .tx_bytes_total = 32192 },
	};
	char file[64], fid[VES_EVENT_ID_LEN];
	unsigned int v, i;
	int rc = 0;

	for (v = 5; v <= 7; v += 2) {
		struct ves_event_meta m = {
			.version = v,
			.source_name = "vfw-vf",
			.reporting_entity = "vfw-vf",
			.event_name = VES_DEFAULT_EVENT_NAME,
			.nf_name = "vfw",
			.nic_array = VES_NIC_PERFORMANCE,
			.instance = start,
		};
		json_t *list = json_array();

		for (i = 0; i < (v == 5 ? RTE_DIM(arrays) : 1); i++) {
			m.nic_array = arrays[i];
			snprintf(file, sizeof(file), "v%u-measurement-%s.json", v, array_names[i]);
			rc |= write_doc(dir, file, "event",
					ves_event_measurement(&m, 1, start, end, d, 2));
		}
		m.nic_array = VES_NIC_PERFORMANCE;
		snprintf(file, sizeof(file), "v%u-heartbeat.json", v);
		rc |= write_doc(dir, file, "event", ves_event_heartbeat(&m, 2, end, 60, "running"));
		ves_event_id(&m, "Fault", 3, fid, sizeof(fid));
		snprintf(file, sizeof(file), "v%u-fault.json", v);
		rc |= write_doc(dir, file, "event",
				ves_event_fault(&m, 3, fid, end, end, "eth1", false));
		snprintf(file, sizeof(file), "v%u-fault-clear.json", v);
		rc |= write_doc(dir, file, "event",
				ves_event_fault(&m, 4, fid, end, end + 5000000, "eth1", true));
		json_array_append_new(list,
				ves_event_measurement(&m, 5, end, end + 10000000, d, 2));
		json_array_append_new(list, ves_event_heartbeat(&m, 6, end + 10000000, 60, "paused"));
		snprintf(file, sizeof(file), "v%u-batch.json", v);
		rc |= write_doc(dir, file, "eventList", list);
	}
	return rc != 0 ? 1 : 0;
}

/* --- run --- */

static int
write_stats(const char *path, struct ves_agent *a)
{
	json_t *root = json_object(), *ports = json_array();
	unsigned int p;
	int rc;

	for (p = 0; p < fake.nb_ports; p++) {
		const struct ves_port_sample *s = &fake.last[p];

		json_array_append_new(ports, json_pack("{s:i,s:s,s:I,s:I,s:I,s:I}", "port", (int)p,
				"name", s->name, "rx_packets", (json_int_t)s->rx_packets,
				"rx_bytes", (json_int_t)s->rx_bytes, "tx_packets",
				(json_int_t)s->tx_packets, "tx_bytes", (json_int_t)s->tx_bytes));
	}
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "ves", ves_agent_stats_json(a));
	json_object_set_new(root, "reads", json_integer(fake.reads));
	rc = json_dump_file(root, path, JSON_INDENT(2));
	json_decref(root);
	return rc;
}

int
main(int argc, char **argv)
{
	struct dp_app app = {
		.name = "ves-fake",
		.summary = "the VES agent with a fake source (tests)",
		.options = fake_options,
		.nb_options = RTE_DIM(fake_options),
		.ctx = &fake,
	};
	struct ves_source src = { .read = fake_read, .ctx = &fake };
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
	struct ves_config vcfg;
	struct dp_config dcfg;
	struct ves_agent *a;
	char err[DP_ERR_LEN];
	uint64_t end;
	int rc;

	dp_config_defaults(&dcfg);
	ves_config_defaults(&vcfg);
	ves_options_register(&app, &vcfg);
	rc = dp_options_parse(&app, &dcfg, argc, argv, err, sizeof(err));
	if (rc == DP_PARSE_EXIT)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "ves-fake: %s\n", err);
		return 2;
	}
	if (fake.samples_dir[0] != '\0')
		return write_samples(fake.samples_dir);
	if (ves_config_finalize(&vcfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "ves-fake: %s\n", err);
		return 2;
	}
	if (!ves_config_enabled(&vcfg)) {
		fprintf(stderr, "ves-fake: --ves-url is required\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fake.period_ns = (uint64_t)vcfg.interval_s * VES_NS_PER_S;
	fake.k0 = dp_real_ns() / fake.period_ns - 1;
	src.nb_ports = fake.nb_ports;
	a = ves_agent_create(&vcfg, &src, &ves_encoder, "vfake", err, sizeof(err));
	ves_config_wipe(&vcfg);
	if (a == NULL || ves_agent_start(a, err, sizeof(err)) != 0) {
		fprintf(stderr, "ves-fake: %s\n", err);
		ves_agent_free(a);
		return 1;
	}
	printf("ves-fake: started\n");
	fflush(stdout);
	end = dcfg.duration > 0 ? dp_real_ns() + (uint64_t)(dcfg.duration * 1e9) : UINT64_MAX;
	while (!atomic_load(&quit) && dp_real_ns() < end)
		nanosleep(&tick, NULL);
	ves_agent_stop(a);
	rc = 0;
	if (dcfg.stats_file[0] != '\0' && write_stats(dcfg.stats_file, a) != 0) {
		fprintf(stderr, "ves-fake: cannot write %s\n", dcfg.stats_file);
		rc = 1;
	}
	ves_agent_free(a);
	printf("ves-fake: stopped\n");
	return rc;
}
