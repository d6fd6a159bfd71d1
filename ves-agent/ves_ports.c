/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dp_stats.h"
#include "influx_config.h"
#include "ves_agent.h"
#include "ves_encoder.h"
#include "ves_ports.h"

/* One telemetry export: an agent with its encoder and the ports it reports. */
struct export {
	const char *key;		/* its section in the stats JSON */
	const struct ves_encoder *enc;
	struct ves_config cfg;		/* written: main at start-up; then immutable */
	/* written: main at start; read: the agent's thread */
	uint16_t reported[VES_MAX_PORTS];	/* port slots of the view reported */
	unsigned int nb_reported;
	/* written: main (published once started); read: main, REST threads (stats) */
	struct ves_agent *agent;
};

enum { EXPORT_VES, EXPORT_INFLUX, EXPORT_NB };

static struct export exports[EXPORT_NB] = {
	[EXPORT_VES] = { .key = "ves", .enc = &ves_encoder },
	[EXPORT_INFLUX] = { .key = "influx", .enc = &influx_encoder },
};
static uint64_t ves_portmask;		/* --ves-ports; 0 = every port (VES only) */
/* written: main at start; read: the agents' threads */
static struct dp_counters *port_ctrs;
static const struct dp_view *view;
/* written: main before any reader starts; read: main, REST threads, agents */
static json_t *(*binary_stats_json)(void *ctx);
static json_t *(*export_json)(void *ctx);	/* NULL: binary_stats_json */

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

	ves_config_defaults(&exports[EXPORT_VES].cfg);
	influx_config_defaults(&exports[EXPORT_INFLUX].cfg);
	rc = ves_options_register(app, &exports[EXPORT_VES].cfg);
	if (rc == 0)
		rc = dp_app_add_group(app, &g);
	return rc != 0 ? rc : influx_options_register(app, &exports[EXPORT_INFLUX].cfg);
}

int
ves_ports_check(char *err, size_t errlen)
{
	int rc = ves_config_finalize(&exports[EXPORT_VES].cfg, err, errlen);

	if (rc == 0)
		rc = influx_config_finalize(&exports[EXPORT_INFLUX].cfg, err, errlen);
	if (rc != 0)
		return rc;
	if (ves_portmask != 0 && !ves_config_enabled(&exports[EXPORT_VES].cfg)) {
		snprintf(err, errlen, "--ves-ports: needs --ves-url");
		return -EINVAL;
	}
	return 0;
}

/* Runs on the agent's thread: never blocks a worker. */
static int
read_ports(void *ctx, struct ves_port_sample *out)
{
	const struct export *e = ctx;
	unsigned int i;

	for (i = 0; i < e->nb_reported; i++) {
		struct dp_port_desc d;
		struct dp_port_link link;
		uint16_t p = e->reported[i];

		out[i].rx_packets = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_rx_packets);
		out[i].rx_bytes = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_rx_bytes);
		out[i].tx_packets = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_tx_packets);
		out[i].tx_bytes = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_tx_bytes);
		out[i].dropped = dp_counters_sum(port_ctrs, p, DP_PORT_CTR_dropped);
		out[i].rx_missed = 0;
		if (view->driver_stats != NULL) {
			uint64_t drv[DP_DRV_NB];

			view->driver_stats(p, drv);
			out[i].rx_missed = drv[DP_DRV_rx_missed];
		}
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

/* The binary's stats JSON for an encoder that wants it (agent's thread). */
static json_t *
snapshot(void *ctx)
{
	json_t *(*fn)(void *) = export_json != NULL ? export_json : binary_stats_json;

	(void)ctx;
	return fn != NULL ? fn(NULL) : NULL;
}

static int
export_start(struct export *e, const char *program, char *err, size_t errlen)
{
	struct ves_source src = { .read = read_ports, .state = view_state, .snapshot = snapshot,
		.ctx = e };
	uint64_t mask = e == &exports[EXPORT_VES] ? ves_portmask : 0;
	uint64_t seen = 0;
	struct ves_agent *a;
	unsigned int p, nb;
	int rc;

	e->nb_reported = 0;
	nb = view->nb_ports();
	for (p = 0; p < nb && e->nb_reported < VES_MAX_PORTS; p++) {
		struct dp_port_desc d;

		view->port_desc(p, &d);
		if (d.port_id >= VES_MAX_PORTS || (mask != 0 && !(mask & (1ull << d.port_id))))
			continue;
		e->reported[e->nb_reported++] = (uint16_t)p;
		seen |= 1ull << d.port_id;
	}
	if ((mask & ~seen) != 0) {
		snprintf(err, errlen, "--ves-ports: invalid value (port mask 0x%" PRIx64
			 " names ports not in use)", mask & ~seen);
		return -EINVAL;
	}
	src.nb_ports = e->nb_reported;
	a = ves_agent_create(&e->cfg, &src, e->enc, program, err, errlen);
	ves_config_wipe(&e->cfg);
	if (a == NULL)
		return -ENOMEM;
	rc = ves_agent_start(a, err, errlen);
	if (rc != 0) {
		ves_agent_free(a);
		return rc;
	}
	__atomic_store_n(&e->agent, a, __ATOMIC_RELEASE);
	return 0;
}

int
ves_ports_start(const struct dp_view *v, struct dp_counters *ctrs, const char *program,
		char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	port_ctrs = ctrs;
	view = v;
	for (i = 0; i < EXPORT_NB; i++) {
		if (!ves_config_enabled(&exports[i].cfg))
			continue;
		rc = export_start(&exports[i], program, err, errlen);
		if (rc != 0) {
			ves_ports_stop();
			ves_ports_free();
			return rc;
		}
	}
	return 0;
}

void
ves_ports_stop(void)
{
	unsigned int i;

	for (i = 0; i < EXPORT_NB; i++)
		ves_agent_stop(__atomic_load_n(&exports[i].agent, __ATOMIC_ACQUIRE));
}

void
ves_ports_free(void)
{
	unsigned int i;

	for (i = 0; i < EXPORT_NB; i++)
		ves_agent_free(__atomic_exchange_n(&exports[i].agent, NULL, __ATOMIC_ACQ_REL));
}

void
ves_ports_stats_add(json_t *root)
{
	unsigned int i;

	for (i = 0; i < EXPORT_NB && root != NULL; i++) {
		struct ves_agent *a = __atomic_load_n(&exports[i].agent, __ATOMIC_ACQUIRE);

		if (a != NULL)
			json_object_set_new(root, exports[i].key, ves_agent_stats_json(a));
	}
}

void
ves_ports_set_stats_json(json_t *(*fn)(void *ctx))
{
	binary_stats_json = fn;
}

void
ves_ports_set_export_json(json_t *(*fn)(void *ctx))
{
	export_json = fn;
}

json_t *
ves_ports_stats_json(void *ctx)
{
	json_t *root = binary_stats_json != NULL ? binary_stats_json(ctx) : NULL;

	ves_ports_stats_add(root);
	return root;
}
