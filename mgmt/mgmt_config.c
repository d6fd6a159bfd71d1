/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/config: the options in effect, keyed by option name as in a
 * --config file (so the "options" object can be saved and fed back), with
 * the binary's own options merged in, plus what the options resolved to:
 * ports and workers. Options left to their automatic value are omitted.
 * Never the password, nor the TLS key.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mgmt_internal.h"

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, key, json_string(v));
}

static void
set_uint(json_t *o, const char *key, uint64_t v, bool omit_zero)
{
	if (v != 0 || !omit_zero)
		json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* The ports in use as a mask (ids below 64). */
static uint64_t
ports_in_use(const struct mgmt_server *s)
{
	unsigned int i, n = mgmt_nb_ports(s);
	uint64_t mask = 0;

	for (i = 0; i < n; i++) {
		struct dp_port_desc d;

		s->b.view->port_desc(i, &d);
		if (d.port_id < 64)
			mask |= 1ull << d.port_id;
	}
	return mask;
}

static void
common_options(json_t *o, const struct dp_config *cfg, uint64_t mask)
{
	char buf[32];

	if (cfg->portmask != 0 || mask != 0) {
		snprintf(buf, sizeof(buf), "0x%" PRIx64, cfg->portmask != 0 ? cfg->portmask : mask);
		json_object_set_new(o, "portmask", json_string(buf));
	}
	set_uint(o, "nb-cores", cfg->nb_cores, true);
	set_uint(o, "rxq", cfg->nb_rxq, true);
	set_uint(o, "txq", cfg->nb_txq, true);
	set_uint(o, "rxd", cfg->nb_rxd, true);
	set_uint(o, "txd", cfg->nb_txd, true);
	set_uint(o, "burst", cfg->burst, true);
	set_uint(o, "mbcache", cfg->mbcache, false);
	set_uint(o, "total-num-mbufs", cfg->total_num_mbufs, true);
	set_uint(o, "stats-period", cfg->stats_period, false);
	json_object_set_new(o, "duration", json_real(cfg->duration));
	set_uint(o, "idle-sleep", cfg->idle_sleep_us, false);
	json_object_set_new(o, "no-promisc", json_boolean(!cfg->promisc));
	set_str(o, "stats-file", cfg->stats_file);
	set_str(o, "mgmt", cfg->mgmt);
}

static void
mgmt_options_json(json_t *o, const struct mgmt_server *s)
{
	set_str(o, "mgmt-user", s->opt.user);
	set_str(o, "mgmt-tls-cert", s->opt.tls_cert);
	set_str(o, "mgmt-tls-key", s->opt.tls_key);
	set_uint(o, "mgmt-max-connections", s->opt.max_connections, false);
	set_uint(o, "mgmt-max-body", s->opt.max_body, false);
	set_uint(o, "mgmt-timeout", s->opt.timeout_s, false);
	set_uint(o, "mgmt-request-timeout", s->opt.request_timeout_s, false);
	set_uint(o, "mgmt-max-connections-per-ip", s->opt.max_per_ip, false);
	set_uint(o, "mgmt-threads", s->opt.threads, false);
}

static json_t *
ports_json(const struct mgmt_server *s)
{
	unsigned int i, n = mgmt_nb_ports(s);
	json_t *arr = json_array();

	for (i = 0; i < n; i++) {
		struct dp_port_desc p;
		char rxo[24], txo[24];

		s->b.view->port_desc(i, &p);
		snprintf(rxo, sizeof(rxo), "0x%" PRIx64, p.rx_offloads);
		snprintf(txo, sizeof(txo), "0x%" PRIx64, p.tx_offloads);
		json_array_append_new(arr, json_pack("{s:i,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:s}",
				"port", p.port_id, "name", p.name, "driver", p.driver,
				"mac", p.mac, "rxq", p.nb_rxq, "txq", p.nb_txq,
				"rxd", p.nb_rxd, "txd", p.nb_txd,
				"rx_offloads", rxo, "tx_offloads", txo));
	}
	return arr;
}

json_t *
mgmt_config_json(const struct mgmt_server *s)
{
	const char *platform = mgmt_platform_version(s);
	json_t *root, *opts = json_object(), *own = NULL;

	if (opts == NULL)
		return NULL;
	common_options(opts, s->cfg, ports_in_use(s));
	mgmt_options_json(opts, s);
	if (s->b.config_json != NULL)
		own = s->b.config_json(s->b.ctx);
	if (own != NULL) {
		json_object_update(opts, own);
		json_decref(own);
	}
	root = json_pack("{s:s,s:s,s:o,s:{s:s,s:s,s:b},s:o,s:i}",
			"program", s->b.program,
			"version", VFWCL_VERSION,
			"options", opts,
			"mgmt", "listen", s->cfg->mgmt,
				"scheme", s->tls_cert_pem != NULL ? "https" : "http",
				"auth", s->auth.enabled,
			"ports", ports_json(s),
			"workers", (int)mgmt_nb_workers(s));
	if (root != NULL && platform != NULL)
		json_object_set_new(root, "dpdk", json_string(platform));
	if (root != NULL && s->cfg->config_file[0] != '\0')
		json_object_set_new(root, "config_file", json_string(s->cfg->config_file));
	return root;
}
