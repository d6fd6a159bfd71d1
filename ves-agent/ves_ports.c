/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dp_stats.h"
#include "ves_agent.h"
#include "ves_ports.h"

static struct ves_config ves_cfg;	/* written: main at start-up; then immutable */
static uint64_t ves_portmask;		/* --ves-ports; 0 = every port */
/* written: main at start; read: the agent's thread */
static struct dp_counters *port_ctrs;
static const struct dp_view *view;
static uint16_t reported[VES_MAX_PORTS];	/* port slots of the view reported */
static unsigned int nb_reported;
/* written: main (published once started); read: main, REST threads (stats) */
static struct ves_agent *agent;
/* written: main before any reader starts; read: main, REST threads */
static json_t *(*binary_stats_json)(void *ctx);

/* --ves-ports 0,2 : port ids (those not in use are refused at start) */
static int
set_ves_ports(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	char buf[256], *tok, *save = NULL;
	uint64_t mask = 0, id;

	(void)ctx;
	if (value == NULL || strlen(value) >= sizeof(buf) || value[0] == '\0')
		return dp_opt_error(err, errlen, name, value, "a list of port ids, e.g. 0 or 0,1");
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (dp_parse_u64(tok, 0, VES_MAX_PORTS - 1, &id) != 0)
			return dp_opt_error(err, errlen, name, value,
					"a list of port ids between 0 and %u", VES_MAX_PORTS - 1);
		mask |= 1ull << id;
	}
	ves_portmask = mask;
	return 0;
}

static const struct dp_option ports_option[] = {
	{ "ves-ports", "LIST", "port ids whose counters are reported (default: every port)", set_ves_ports },
};

int
ves_ports_register(struct dp_app *app)
{
	struct dp_option_group g = { "VES port selection", ports_option, 1, NULL };
	int rc;

	ves_config_defaults(&ves_cfg);
	rc = ves_options_register(app, &ves_cfg);
	return rc != 0 ? rc : dp_app_add_group(app, &g);
}

int
ves_ports_check(char *err, size_t errlen)
{
	int rc = ves_config_finalize(&ves_cfg, err, errlen);

	if (rc != 0)
		return rc;
	if (ves_portmask != 0 && !ves_config_enabled(&ves_cfg)) {
		snprintf(err, errlen, "--ves-ports: needs --ves-url");
		return -EINVAL;
	}
	return 0;
}

/* Runs on the agent's thread: never blocks a worker. */
static int
read_ports(void *ctx, struct ves_port_sample *out)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < nb_reported; i++) {
		struct dp_port_desc d;
		struct dp_port_link link;
		uint16_t p = reported[i];

		out[i].rx_packets = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_rx_packets);
		out[i].rx_bytes = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_rx_bytes);
		out[i].tx_packets = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_tx_packets);
		out[i].tx_bytes = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_tx_bytes);
		view->port_link(p, &link);
		out[i].link_up = link.up;
		view->port_desc(p, &d);
		snprintf(out[i].name, sizeof(out[i].name), "%s", d.name);
		out[i].has_xdp = view->xdp_stats != NULL && view->xdp_stats(p, &out[i].xdp);
	}
	return 0;
}

/* The binary's lifecycle state, for the heartbeat (NULL when the view cannot say). */
static const char *
view_state(void *ctx)
{
	(void)ctx;
	return view->run_state != NULL ? view->run_state() : NULL;
}

int
ves_ports_start(const struct dp_view *v, struct dp_counters *ctrs, const char *program,
		char *err, size_t errlen)
{
	struct ves_source src = { .read = read_ports, .state = view_state };
	struct ves_agent *a;
	uint64_t seen = 0;
	unsigned int p, nb;
	int rc;

	if (!ves_config_enabled(&ves_cfg))
		return 0;
	port_ctrs = ctrs;
	view = v;
	nb_reported = 0;
	nb = v->nb_ports();
	for (p = 0; p < nb && nb_reported < VES_MAX_PORTS; p++) {
		struct dp_port_desc d;

		v->port_desc(p, &d);
		if (d.port_id >= VES_MAX_PORTS ||
		    (ves_portmask != 0 && !(ves_portmask & (1ull << d.port_id))))
			continue;
		reported[nb_reported++] = (uint16_t)p;
		seen |= 1ull << d.port_id;
	}
	if ((ves_portmask & ~seen) != 0) {
		snprintf(err, errlen, "--ves-ports: invalid value (port mask 0x%" PRIx64
			 " names ports not in use)", ves_portmask & ~seen);
		return -EINVAL;
	}
	src.nb_ports = nb_reported;
	a = ves_agent_create(&ves_cfg, &src, program, err, errlen);
	ves_config_wipe(&ves_cfg);
	if (a == NULL)
		return -ENOMEM;
	rc = ves_agent_start(a, err, errlen);
	if (rc != 0) {
		ves_agent_free(a);
		return rc;
	}
	__atomic_store_n(&agent, a, __ATOMIC_RELEASE);
	return 0;
}

void
ves_ports_stop(void)
{
	ves_agent_stop(__atomic_load_n(&agent, __ATOMIC_ACQUIRE));
}

void
ves_ports_free(void)
{
	ves_agent_free(__atomic_exchange_n(&agent, NULL, __ATOMIC_ACQ_REL));
}

void
ves_ports_stats_add(json_t *root)
{
	struct ves_agent *a = __atomic_load_n(&agent, __ATOMIC_ACQUIRE);

	if (root != NULL && a != NULL)
		json_object_set_new(root, "ves", ves_agent_stats_json(a));
}

void
ves_ports_set_stats_json(json_t *(*fn)(void *ctx))
{
	binary_stats_json = fn;
}

json_t *
ves_ports_stats_json(void *ctx)
{
	json_t *root = binary_stats_json != NULL ? binary_stats_json(ctx) : NULL;

	ves_ports_stats_add(root);
	return root;
}
