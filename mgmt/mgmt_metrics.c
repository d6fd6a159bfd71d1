/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /metrics: Prometheus text generated from the binding's counter sets
 * (the X-macro descriptor lists, so names and help cannot drift from the
 * JSON), the ports' driver counters, the XDP steering program's counters
 * (the stats JSON's "xdp" sections, read through the same dp_view call),
 * the binary's own families, and the server's: build info, start time,
 * replies by HTTP status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt_internal.h"

#define MGMT_NAME_MAX 160

static const struct dp_counter_desc driver_stats[DP_DRV_NB] = {
	DP_DRIVER_STATS(DP_CTR_DESC)
};

/* The label of port slot (its port id). */
static void
port_label(const struct mgmt_server *s, unsigned int slot, char *buf, size_t len)
{
	struct dp_port_desc d;

	s->b.view->port_desc(slot, &d);
	snprintf(buf, len, "%u", d.port_id);
}

static void
slot_label(const struct mgmt_server *s, const struct mgmt_counter_set *cs, unsigned int slot,
		char *buf, size_t len)
{
	if (cs->nb_slots == 0)
		port_label(s, slot, buf, len);
	else if (cs->slot_name != NULL)
		cs->slot_name(cs->ctx, slot, buf, len);
	else
		snprintf(buf, len, "%u", slot);
}

static void
driver_families(struct mgmt_prom *p, const struct mgmt_server *s,
		const struct mgmt_counter_set *cs)
{
	unsigned int k, i, n = mgmt_nb_ports(s);
	uint64_t *st = calloc((size_t)n * DP_DRV_NB + 1, sizeof(*st));
	char name[MGMT_NAME_MAX], lbl[32];

	if (st == NULL) {
		p->buf.oom = true;
		return;
	}
	for (i = 0; i < n; i++)
		s->b.view->driver_stats(i, &st[(size_t)i * DP_DRV_NB]);
	for (k = 0; k < DP_DRV_NB; k++) {
		snprintf(name, sizeof(name), "%sdriver_%s_total", cs->prefix, driver_stats[k].name);
		mgmt_prom_family(p, name, "counter", driver_stats[k].help);
		for (i = 0; i < n; i++) {
			port_label(s, i, lbl, sizeof(lbl));
			mgmt_prom_u64(p, name, st[(size_t)i * DP_DRV_NB + k], cs->label, lbl, NULL);
		}
	}
	free(st);
}

/* Every port's driver xstats; NULL when memory runs out. */
static struct dp_xstat **
xstats_read(const struct mgmt_server *s, unsigned int n, unsigned int *nb)
{
	struct dp_xstat **x = calloc(n + 1, sizeof(*x));
	unsigned int i, want;

	for (i = 0; x != NULL && i < n; i++) {
		want = s->b.view->xstats(i, NULL, 0);
		x[i] = calloc(want + 1, sizeof(**x));
		nb[i] = x[i] != NULL ? s->b.view->xstats(i, x[i], want) : 0;
		if (nb[i] > want)	/* the set grew in between: skip the port this time */
			nb[i] = 0;
	}
	return x;
}

/* Is name the first occurrence of an xstat name among ports < slot and x[slot] < k? */
static bool
xstat_first(struct dp_xstat **x, const unsigned int *nb, unsigned int slot, unsigned int k)
{
	unsigned int i, j;

	for (i = 0; i <= slot; i++)
		for (j = 0; j < (i == slot ? k : nb[i]); j++)
			if (strcmp(x[i][j].name, x[slot][k].name) == 0)
				return false;
	return true;
}

/*
 * One family per xstat name (whatever the drivers call them), one sample
 * per port that has it: PREFIXxstat_NAME, NAME cleaned for Prometheus.
 */
static void
xstat_families(struct mgmt_prom *p, const struct mgmt_server *s,
		const struct mgmt_counter_set *cs)
{
	unsigned int n = mgmt_nb_ports(s), *nb = calloc(n + 1, sizeof(*nb));
	struct dp_xstat **x = nb != NULL ? xstats_read(s, n, nb) : NULL;
	char name[MGMT_NAME_MAX], lbl[32], *c;
	unsigned int i, k, j, q;

	if (x == NULL) {
		p->buf.oom = true;
		free(nb);
		return;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < nb[i]; k++) {
			if (!xstat_first(x, nb, i, k))
				continue;
			snprintf(name, sizeof(name), "%sxstat_%s", cs->prefix, x[i][k].name);
			for (c = name; *c != '\0'; c++)
				if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				      (*c >= '0' && *c <= '9') || *c == '_' || *c == ':'))
					*c = '_';
			if (!mgmt_prom_valid_name(name))
				continue;
			mgmt_prom_family(p, name, "untyped", "Driver extended statistic (ethdev xstats)");
			for (q = i; q < n; q++)
				for (j = 0; j < nb[q]; j++)
					if (strcmp(x[q][j].name, x[i][k].name) == 0) {
						port_label(s, q, lbl, sizeof(lbl));
						mgmt_prom_u64(p, name, x[q][j].value, cs->label, lbl, NULL);
					}
		}
	for (i = 0; i < n; i++)
		free(x[i]);
	free(x);
	free(nb);
}

/* The XDP verdicts: X(name in the family, field of dp_xdp_stats, help). */
#define XDP_VERDICTS(X) \
	X(redirected, "Frames our XDP program gave to the AF_XDP socket (data traffic)") \
	X(passed, "Frames our XDP program passed to the kernel (not data traffic)") \
	X(no_socket, "Data frames passed to the kernel: no AF_XDP socket on their queue")

/*
 * Ports with our XDP program: PREFIXxdp_VERDICT_total{port},
 * PREFIXxdp_queue_packets_total{port,queue,verdict} and
 * PREFIXxdp_rule_packets_total{port,rule}. No family when no port has one.
 */
static void
xdp_families(struct mgmt_prom *p, const struct mgmt_server *s,
		const struct mgmt_counter_set *cs)
{
	unsigned int n = mgmt_nb_ports(s), i, k, nb_xdp = 0;
	struct dp_xdp_stats *st = calloc(n + 1, sizeof(*st));
	bool *has = calloc(n + 1, sizeof(*has));
	char name[MGMT_NAME_MAX], lbl[32];

	if (st == NULL || has == NULL) {
		p->buf.oom = true;
		goto out;
	}
	for (i = 0; i < n; i++) {
		has[i] = s->b.view->xdp_stats(i, &st[i]);
		nb_xdp += has[i];
	}
	if (nb_xdp == 0)
		goto out;
#define XDP_VERDICT_FAMILY_(field, help) \
	snprintf(name, sizeof(name), "%sxdp_" #field "_total", cs->prefix); \
	mgmt_prom_family(p, name, "counter", help); \
	for (i = 0; i < n; i++) \
		if (has[i]) { \
			port_label(s, i, lbl, sizeof(lbl)); \
			mgmt_prom_u64(p, name, st[i].field, cs->label, lbl, NULL); \
		}
	XDP_VERDICTS(XDP_VERDICT_FAMILY_)
#undef XDP_VERDICT_FAMILY_
	snprintf(name, sizeof(name), "%sxdp_queue_packets_total", cs->prefix);
	mgmt_prom_family(p, name, "counter",
			 "Frames of an rx queue by our XDP program's verdict (queues that saw one)");
	for (i = 0; i < n; i++) {
		if (!has[i])
			continue;
		port_label(s, i, lbl, sizeof(lbl));
		for (k = 0; k < st[i].nb_queues && k < DP_VIEW_XDP_QUEUES; k++) {
			char q[16];

			snprintf(q, sizeof(q), "%u", st[i].queues[k].queue);
#define XDP_QUEUE_SAMPLE_(field, help) \
			mgmt_prom_u64(p, name, st[i].queues[k].field, cs->label, lbl, "queue", q, \
				      "verdict", #field, NULL);
			XDP_VERDICTS(XDP_QUEUE_SAMPLE_)
#undef XDP_QUEUE_SAMPLE_
		}
	}
	snprintf(name, sizeof(name), "%sxdp_rule_packets_total", cs->prefix);
	mgmt_prom_family(p, name, "counter", "Frames that matched an XDP steering rule");
	for (i = 0; i < n; i++) {
		if (!has[i])
			continue;
		port_label(s, i, lbl, sizeof(lbl));
		for (k = 0; k < st[i].nb_rules && k < DP_VIEW_XDP_RULES; k++)
			mgmt_prom_u64(p, name, st[i].rules[k].packets, cs->label, lbl, "rule",
				      st[i].rules[k].rule, NULL);
	}
out:
	free(st);
	free(has);
}

/* One family per counter, one sample per slot. */
static int
counter_families(struct mgmt_prom *p, const struct mgmt_server *s,
		const struct mgmt_counter_set *cs)
{
	const struct dp_counters *c = cs->ctrs;
	unsigned int nb = cs->nb_slots != 0 ? cs->nb_slots : mgmt_nb_ports(s);
	char name[MGMT_NAME_MAX], lbl[64];
	unsigned int k, slot;
	uint64_t *v;

	if (nb > c->nb_slots)
		nb = c->nb_slots;
	v = calloc((size_t)nb * c->nb_counters + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (slot = 0; slot < nb; slot++)
		dp_counters_sum_slot(c, slot, &v[(size_t)slot * c->nb_counters]);
	for (k = 0; k < c->nb_counters; k++) {
		snprintf(name, sizeof(name), "%s%s_total", cs->prefix, c->desc[k].name);
		if (!mgmt_prom_valid_name(name))
			continue;
		mgmt_prom_family(p, name, "counter", c->desc[k].help);
		for (slot = 0; slot < nb; slot++) {
			slot_label(s, cs, slot, lbl, sizeof(lbl));
			mgmt_prom_u64(p, name, v[(size_t)slot * c->nb_counters + k],
					cs->label, lbl, NULL);
		}
	}
	free(v);
	if (cs->nb_slots == 0) {
		driver_families(p, s, cs);
		if (s->b.view != NULL && s->b.view->xstats != NULL)
			xstat_families(p, s, cs);
		if (s->b.view != NULL && s->b.view->xdp_stats != NULL)
			xdp_families(p, s, cs);
	}
	return 0;
}

static void
server_families(struct mgmt_prom *p, struct mgmt_server *s)
{
	const char *pre = s->b.metric_prefix;
	const char *platform = mgmt_platform_version(s);
	char name[MGMT_NAME_MAX], code[8];
	unsigned int i;

	snprintf(name, sizeof(name), "%sbuild_info", pre);
	mgmt_prom_family(p, name, "gauge", "Version of the program and of DPDK; always 1");
	if (platform != NULL)
		mgmt_prom_u64(p, name, 1, "version", VFWCL_VERSION, "dpdk", platform, NULL);
	else
		mgmt_prom_u64(p, name, 1, "version", VFWCL_VERSION, NULL);
	snprintf(name, sizeof(name), "%sstart_time_seconds", pre);
	mgmt_prom_family(p, name, "gauge", "Start time of the management server, Unix seconds");
	mgmt_prom_f64(p, name, (double)s->start_unix_ns / 1e9, NULL);
	snprintf(name, sizeof(name), "%smgmt_http_replies_total", pre);
	mgmt_prom_family(p, name, "counter", "REST replies sent, by HTTP status code");
	for (i = 100; i < MGMT_STATUS_MAX; i++) {
		uint64_t n = atomic_load_explicit(&s->replies[i], memory_order_relaxed);

		if (n == 0)
			continue;
		snprintf(code, sizeof(code), "%u", i);
		mgmt_prom_u64(p, name, n, "code", code, NULL);
	}
}

int
mgmt_metrics_reply(struct mgmt_server *s, struct mgmt_reply *rep)
{
	struct mgmt_prom p;
	unsigned int i;
	char *text;
	size_t len;

	dp_buf_init(&p.buf);
	for (i = 0; i < s->b.nb_counter_sets; i++)
		if (counter_families(&p, s, &s->b.counter_sets[i]) != 0)
			p.buf.oom = true;
	if (s->b.metrics != NULL)
		s->b.metrics(s->b.ctx, &p);
	server_families(&p, s);
	text = dp_buf_steal(&p.buf, &len);
	if (text == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	return mgmt_reply_text(rep, 200, MGMT_PROM_CONTENT_TYPE, text, len);
}
