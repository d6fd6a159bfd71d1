/* SPDX-License-Identifier: BSD-3-Clause */
/* The XDP steering program's loader side on libbpf: see dp_xdp.h. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "dp_probe.h"
#include "dp_xdp.h"
#include "dp_xdp_rule.h"

#define AF_XDP_DRIVER "net_af_xdp"
/* the program's name in the kernel (truncated to 15 characters) */
#define STEER_PROG_NAME "vfwcl_steer"

/* the view's fixed-size copy holds every rule the program can */
_Static_assert(DP_VIEW_XDP_RULES == VFWCL_XDP_MAX_RULES, "dp_view.h's DP_VIEW_XDP_RULES");
_Static_assert(DP_VIEW_XDP_QUEUES == VFWCL_XDP_MAX_QUEUES, "dp_view.h's DP_VIEW_XDP_QUEUES");
_Static_assert(VFWCL_XDP_PROBE_MAGIC == DP_PROBE_MAGIC, "the program's probe magic");

static const char *const counter_names[VFWCL_XDP_CNT_RULE0] = {
	[VFWCL_XDP_CNT_REDIRECTED] = "redirected",
	[VFWCL_XDP_CNT_PASSED] = "passed",
	[VFWCL_XDP_CNT_NO_SOCKET] = "no_socket",
};

#ifdef DP_HAVE_XDP
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

/*
 * Per port (index of dp_ports). Written: main; read: control threads
 * (nb_rules atomically: rules[] is complete up to the count it reads).
 */
struct xdp_port {
	bool active;
	int ifindex;
	int prog_fd;
	int link_fd;
	int rules_fd;
	int counters_fd;
	int qcounters_fd;	/* per-queue verdicts */
	unsigned int nb_rules;
	struct vfwcl_xdp_rule rules[VFWCL_XDP_MAX_RULES];
	char ifname[IF_NAMESIZE];
};

static struct xdp_port xdp_ports[RTE_MAX_ETHPORTS];

/* The iface= devarg of a net_af_xdp port into ifname. */
static int
port_ifname(const struct dp_port *p, char *ifname, size_t len)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;
	const char *s, *end;
	size_t n;

	if (rte_eth_dev_info_get(p->port_id, &info) != 0 || info.device == NULL)
		return -ENODEV;
	da = rte_dev_devargs(info.device);
	if (da == NULL || da->args == NULL)
		return -ENOENT;
	for (s = da->args; s != NULL; s = strchr(s, ',') != NULL ? strchr(s, ',') + 1 : NULL) {
		if (strncmp(s, "iface=", 6) != 0)
			continue;
		s += 6;
		end = strchr(s, ',');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		if (n == 0 || n >= len)
			return -EINVAL;
		memcpy(ifname, s, n);
		ifname[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* The program's maps the loader uses, by name: fds in struct xdp_port order. */
static const char *const map_names[] = {
	VFWCL_XDP_RULES_MAP, VFWCL_XDP_COUNTERS_MAP, VFWCL_XDP_QCOUNTERS_MAP,
};

/* Close the fds of fds[0..n) that are open. */
static void
close_fds(int *fds, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		if (fds[k] >= 0)
			close(fds[k]);
}

/*
 * The fds of program prog_fd's maps named in map_names into fds[] (the
 * kernel keeps 15 characters of a name); -ENOENT if it is not ours.
 */
static int
find_maps(int prog_fd, int fds[RTE_DIM(map_names)])
{
	struct bpf_prog_info info;
	__u32 ids[16];
	__u32 len = sizeof(info);
	__u32 i;
	unsigned int k;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = RTE_DIM(ids);
	info.map_ids = (__u64)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0)
		return -errno;
	if (strncmp(info.name, STEER_PROG_NAME, sizeof(info.name)) != 0)
		return -ENOENT;
	for (k = 0; k < RTE_DIM(map_names); k++)
		fds[k] = -1;
	for (i = 0; i < info.nr_map_ids && i < RTE_DIM(ids); i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) == 0)
			for (k = 0; k < RTE_DIM(map_names); k++)
				if (fds[k] < 0 && strncmp(mi.name, map_names[k], sizeof(mi.name) - 1) == 0)
					break;
		if (k < RTE_DIM(map_names))
			fds[k] = fd;
		else
			close(fd);
	}
	for (k = 0; k < RTE_DIM(map_names); k++)
		if (fds[k] < 0) {
			close_fds(fds, RTE_DIM(map_names));
			return -ENOENT;
		}
	return 0;
}

/* Write every slot: the rules packed from 0, then empty ones (the program stops there). */
static int
write_rules(int rules_fd, const struct vfwcl_xdp_rule *rules, unsigned int nb)
{
	__u32 i;

	for (i = 0; i < VFWCL_XDP_MAX_RULES; i++) {
		struct vfwcl_xdp_rule r;

		memset(&r, 0, sizeof(r));
		if (i < nb)
			r = rules[i];
		if (bpf_map_update_elem(rules_fd, &i, &r, BPF_ANY) != 0)
			return -errno;
	}
	return 0;
}

/*
 * Replace the PMD's netlink attachment of prog_fd by a BPF link we own.
 * Between the two the interface has no program: frames go to the kernel.
 */
static int
own_attachment(int ifindex, int prog_fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = prog_fd);
	int link_fd;

	if (bpf_xdp_detach(ifindex, XDP_FLAGS_REPLACE, &opts) != 0)
		return -errno;
	link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, NULL);
	if (link_fd < 0)
		return -errno;
	return link_fd;
}

static void
close_port(struct xdp_port *x)
{
	if (x->link_fd >= 0)
		close(x->link_fd);	/* the kernel detaches the program here */
	if (x->rules_fd >= 0)
		close(x->rules_fd);
	if (x->counters_fd >= 0)
		close(x->counters_fd);
	if (x->qcounters_fd >= 0)
		close(x->qcounters_fd);
	if (x->prog_fd >= 0)
		close(x->prog_fd);
	memset(x, 0, sizeof(*x));
	x->link_fd = x->rules_fd = x->counters_fd = x->qcounters_fd = x->prog_fd = -1;
}

/* Find our program on x->ifname and take it over; fills x's fds. */
static int
take_over(struct xdp_port *x, const struct dp_config *cfg, char *err, size_t errlen)
{
	__u32 prog_id = 0;
	int fds[RTE_DIM(map_names)];
	int rc;

	if (bpf_xdp_query_id(x->ifindex, 0, &prog_id) != 0 || prog_id == 0) {
		snprintf(err, errlen, "%s: no XDP program attached (give net_af_xdp "
			 "xdp_prog=PATH of vfwcl_steer.bpf.o)", x->ifname);
		return -ENOENT;
	}
	x->prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (x->prog_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: XDP program %u: %s", x->ifname, prog_id, strerror(-rc));
		return rc;
	}
	rc = find_maps(x->prog_fd, fds);
	if (rc == 0) {
		x->rules_fd = fds[0];
		x->counters_fd = fds[1];
		x->qcounters_fd = fds[2];
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s: the XDP program attached is not %s (give net_af_xdp "
			 "xdp_prog=PATH of vfwcl_steer.bpf.o)", x->ifname, STEER_PROG_NAME);
		return rc;
	}
	rc = write_rules(x->rules_fd, cfg->xdp_rules, cfg->nb_xdp_rules);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot write the XDP rules: %s", x->ifname, strerror(-rc));
		return rc;
	}
	x->link_fd = own_attachment(x->ifindex, x->prog_fd);
	if (x->link_fd < 0) {
		rc = x->link_fd;
		snprintf(err, errlen, "%s: cannot attach the XDP program with a BPF link: %s",
			 x->ifname, strerror(-rc));
		return rc;
	}
	x->nb_rules = cfg->nb_xdp_rules;
	memcpy(x->rules, cfg->xdp_rules, sizeof(x->rules));
	x->active = true;
	return 0;
}

int
dp_xdp_port_attach(uint16_t idx, const struct dp_port *p, const struct dp_config *cfg,
		char *err, size_t errlen)
{
	struct xdp_port *x = &xdp_ports[idx];
	int rc;

	if (strcmp(p->driver, AF_XDP_DRIVER) != 0)
		return 0;
	if (x->active)
		close_port(x);
	memset(x, 0, sizeof(*x));
	x->link_fd = x->rules_fd = x->counters_fd = x->qcounters_fd = x->prog_fd = -1;
	if (port_ifname(p, x->ifname, sizeof(x->ifname)) != 0) {
		snprintf(err, errlen, "port %u (%s): no iface= in its devargs", p->port_id, p->name);
		return -EINVAL;
	}
	x->ifindex = (int)if_nametoindex(x->ifname);
	if (x->ifindex == 0) {
		snprintf(err, errlen, "port %u: no interface %s", p->port_id, x->ifname);
		return -ENODEV;
	}
	rc = take_over(x, cfg, err, errlen);
	if (rc == 0) {
		printf("port %u (%s): XDP steering on %s, %u rule(s)%s, detached when this process ends\n",
		       p->port_id, p->name, x->ifname, x->nb_rules,
		       x->nb_rules == 0 ? " (no --xdp-steer: the binary's data traffic follows)" : "");
		return 0;
	}
	close_port(x);
	/* the PMD's own program steers everything: fine unless rules were asked for */
	if (rc == -ENOENT && cfg->nb_xdp_rules == 0) {
		err[0] = '\0';
		return 0;
	}
	return rc;
}

/* Replace port idx's rules (map first: the program never sees more than x->rules holds). */
static int
set_rules(struct xdp_port *x, const struct vfwcl_xdp_rule *rules, unsigned int nb)
{
	int rc;

	__atomic_store_n(&x->nb_rules, 0, __ATOMIC_RELEASE);
	rc = write_rules(x->rules_fd, rules, nb);
	if (rc != 0)
		return rc;
	memcpy(x->rules, rules, nb * sizeof(*rules));
	__atomic_store_n(&x->nb_rules, nb, __ATOMIC_RELEASE);
	return 0;
}

bool
dp_xdp_port_active(uint16_t idx)
{
	return xdp_ports[idx].active;
}

/* Slots 0..nb-1 of per-CPU array fd, each summed over the CPUs; 0 or -errno. */
static int
sum_percpu(int fd, uint64_t *out, unsigned int nb)
{
	int nb_cpus = libbpf_num_possible_cpus();
	__u64 values[RTE_MAX_LCORE];
	__u32 k;
	int c;

	if (nb_cpus <= 0 || nb_cpus > (int)RTE_DIM(values))
		return -ERANGE;
	for (k = 0; k < nb; k++) {
		if (bpf_map_lookup_elem(fd, &k, values) != 0)
			return -errno;
		out[k] = 0;
		for (c = 0; c < nb_cpus; c++)
			out[k] += values[c];
	}
	return 0;
}

bool
dp_xdp_port_stats(unsigned int idx, struct dp_xdp_stats *out)
{
	uint64_t v[VFWCL_XDP_NB_COUNTERS], q[VFWCL_XDP_NB_QCOUNTERS];
	const struct xdp_port *x;
	unsigned int k;

	memset(out, 0, sizeof(*out));
	if (idx >= RTE_MAX_ETHPORTS || !xdp_ports[idx].active)
		return false;
	x = &xdp_ports[idx];
	if (sum_percpu(x->counters_fd, v, RTE_DIM(v)) != 0 ||
	    sum_percpu(x->qcounters_fd, q, RTE_DIM(q)) != 0)
		return false;
	out->redirected = v[VFWCL_XDP_CNT_REDIRECTED];
	out->passed = v[VFWCL_XDP_CNT_PASSED];
	out->no_socket = v[VFWCL_XDP_CNT_NO_SOCKET];
	for (k = 0; k < VFWCL_XDP_MAX_QUEUES; k++) {
		const uint64_t *qv = &q[k * VFWCL_XDP_NB_VERDICTS];

		if (qv[VFWCL_XDP_CNT_REDIRECTED] + qv[VFWCL_XDP_CNT_PASSED] +
		    qv[VFWCL_XDP_CNT_NO_SOCKET] == 0)
			continue;
		out->queues[out->nb_queues].queue = k;
		out->queues[out->nb_queues].redirected = qv[VFWCL_XDP_CNT_REDIRECTED];
		out->queues[out->nb_queues].passed = qv[VFWCL_XDP_CNT_PASSED];
		out->queues[out->nb_queues].no_socket = qv[VFWCL_XDP_CNT_NO_SOCKET];
		out->nb_queues++;
	}
	out->nb_rules = __atomic_load_n(&x->nb_rules, __ATOMIC_ACQUIRE);
	for (k = 0; k < out->nb_rules; k++) {
		dp_xdp_rule_format(&x->rules[k], out->rules[k].rule, sizeof(out->rules[k].rule));
		out->rules[k].packets = v[VFWCL_XDP_CNT_RULE0 + k];
	}
	return true;
}

void
dp_xdp_port_detach(uint16_t idx)
{
	if (xdp_ports[idx].active)
		close_port(&xdp_ports[idx]);
}

#else /* !DP_HAVE_XDP: built without clang or libbpf */

int
dp_xdp_port_attach(uint16_t idx, const struct dp_port *p, const struct dp_config *cfg,
		char *err, size_t errlen)
{
	RTE_SET_USED(idx);
	if (strcmp(p->driver, AF_XDP_DRIVER) != 0 || cfg->nb_xdp_rules == 0)
		return 0;
	snprintf(err, errlen, "--xdp-steer: this build has no XDP support (needs clang and libbpf)");
	return -ENOTSUP;
}

bool
dp_xdp_port_active(uint16_t idx)
{
	RTE_SET_USED(idx);
	return false;
}

bool
dp_xdp_port_stats(unsigned int idx, struct dp_xdp_stats *out)
{
	RTE_SET_USED(idx);
	memset(out, 0, sizeof(*out));
	return false;
}

void
dp_xdp_port_detach(uint16_t idx)
{
	RTE_SET_USED(idx);
}

#endif /* DP_HAVE_XDP */

int
dp_xdp_ports_default(const struct dp_config *cfg, dp_xdp_traffic_fn fn, void *ctx,
		char *err, size_t errlen)
{
	uint16_t i;

	if (cfg->nb_xdp_rules != 0 || fn == NULL)
		return 0;
	for (i = 0; i < dp_nb_ports; i++) {
		struct dp_xdp_traffic t;
		char text[96];
		unsigned int k;

		if (!dp_xdp_port_active(i))
			continue;
		memset(&t, 0, sizeof(t));
		fn(ctx, i, &t);
		if (t.overflow) {
			snprintf(err, errlen, "port %u: its data traffic needs more than %u XDP rules; "
				 "say what it is with --xdp-steer", dp_ports[i].port_id,
				 VFWCL_XDP_MAX_RULES);
			return -EINVAL;
		}
#ifdef DP_HAVE_XDP
		{
			int rc = set_rules(&xdp_ports[i], t.rules, t.nb_rules);

			if (rc != 0) {
				snprintf(err, errlen, "port %u: cannot write the XDP rules: %s",
					 dp_ports[i].port_id, strerror(-rc));
				return rc;
			}
		}
#endif
		printf("port %u (%s): XDP data traffic (no --xdp-steer):", dp_ports[i].port_id,
		       dp_ports[i].name);
		for (k = 0; k < t.nb_rules; k++) {
			dp_xdp_rule_format(&t.rules[k], text, sizeof(text));
			printf("%s '%s'", k == 0 ? "" : ",", text);
		}
		printf("%s\n", t.nb_rules == 0 ? " none, everything to the kernel" : "");
	}
	fflush(stdout);
	return 0;
}

json_t *
dp_xdp_port_json(uint16_t idx)
{
	struct dp_xdp_stats st;
	json_t *o, *rules, *queues;
	unsigned int k;

	if (!dp_xdp_port_stats(idx, &st))
		return NULL;
	o = json_object();
	rules = json_array();
	queues = json_array();
	json_object_set_new(o, counter_names[VFWCL_XDP_CNT_REDIRECTED],
			    json_integer((json_int_t)st.redirected));
	json_object_set_new(o, counter_names[VFWCL_XDP_CNT_PASSED], json_integer((json_int_t)st.passed));
	json_object_set_new(o, counter_names[VFWCL_XDP_CNT_NO_SOCKET],
			    json_integer((json_int_t)st.no_socket));
	for (k = 0; k < st.nb_rules; k++)
		json_array_append_new(rules, json_pack("{s:s, s:I}", "rule", st.rules[k].rule,
				"packets", (json_int_t)st.rules[k].packets));
	json_object_set_new(o, "rules", rules);
	for (k = 0; k < st.nb_queues; k++)
		json_array_append_new(queues, json_pack("{s:I, s:I, s:I, s:I}",
				"queue", (json_int_t)st.queues[k].queue,
				counter_names[VFWCL_XDP_CNT_REDIRECTED], (json_int_t)st.queues[k].redirected,
				counter_names[VFWCL_XDP_CNT_PASSED], (json_int_t)st.queues[k].passed,
				counter_names[VFWCL_XDP_CNT_NO_SOCKET], (json_int_t)st.queues[k].no_socket));
	json_object_set_new(o, "queues", queues);
	return o;
}
