/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "dp_log.h"
#include "dp_telemetry.h"

#define DP_TEL_MAX_CMDS 16

static const struct dp_telemetry_cmd *registered[DP_TEL_MAX_CMDS];
static unsigned int nb_registered;
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static bool tel_closed;

/* Telemetry accepts only [A-Za-z0-9_/] in a key. */
static void
key_clean(char *key)
{
	for (; *key != '\0'; key++)
		if (!isalnum((unsigned char)*key) && *key != '_' && *key != '/')
			*key = '_';
}

static int
add_scalar(struct rte_tel_data *d, const char *key, const json_t *v)
{
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);

		if (i >= 0)
			return rte_tel_data_add_dict_u64(d, key, (uint64_t)i);
		if (i >= INT_MIN)
			return rte_tel_data_add_dict_int(d, key, (int)i);
		snprintf(buf, sizeof(buf), "%lld", (long long)i);
		return rte_tel_data_add_dict_string(d, key, buf);
	}
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		return rte_tel_data_add_dict_string(d, key, buf);
	case JSON_STRING:
		return rte_tel_data_add_dict_string(d, key, json_string_value(v));
	case JSON_TRUE:
		return rte_tel_data_add_dict_int(d, key, 1);
	case JSON_FALSE:
		return rte_tel_data_add_dict_int(d, key, 0);
	default:	/* null: nothing to say */
		return 0;
	}
}

/*
 * Every leaf below v into d, keyed by its path below the container
 * (prefix, may be empty). A value telemetry truncates (E2BIG) is kept.
 */
static int
add_flat(struct rte_tel_data *d, const char *prefix, const json_t *v)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	const char *k;
	const json_t *m;
	size_t i;
	int rc;

	if (!json_is_object(v) && !json_is_array(v)) {
		snprintf(key, sizeof(key), "%s", prefix);
		key_clean(key);
		rc = add_scalar(d, key, v);
		return rc == E2BIG ? 0 : rc;
	}
	if (json_is_object(v)) {
		json_object_foreach((json_t *)(uintptr_t)v, k, m) {
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "/" : "", k);
			rc = add_flat(d, key, m);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	json_array_foreach(v, i, m) {
		snprintf(key, sizeof(key), "%s%s%zu", prefix, *prefix ? "/" : "", i);
		rc = add_flat(d, key, m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
add_container(struct rte_tel_data *d, const char *key, const json_t *v)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	bool full;
	int rc;

	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	rc = add_flat(c, "", v);
	/* a full container keeps what fits: the reply says "truncated" */
	full = rc == -ENOSPC;
	if (rc == 0 || full)
		rc = rte_tel_data_add_dict_container(d, key, c, 0);
	if (rc < 0) {
		rte_tel_data_free(c);
		return rc;
	}
	return full ? 1 : 0;
}

static int
add_member(struct rte_tel_data *d, const char *name, const json_t *v)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	int rc;

	snprintf(key, sizeof(key), "%s", name);
	key_clean(key);
	if (json_is_object(v) || json_is_array(v))
		return add_container(d, key, v);
	rc = add_scalar(d, key, v);
	return rc == E2BIG ? 0 : rc;
}

int
dp_telemetry_from_json(struct rte_tel_data *d, const json_t *obj)
{
	char idx[24];
	const char *k;
	const json_t *m;
	size_t i;
	int rc = 0, truncated = 0;

	rte_tel_data_start_dict(d);
	if (json_is_object(obj)) {
		json_object_foreach((json_t *)(uintptr_t)obj, k, m) {
			if ((rc = add_member(d, k, m)) < 0)
				break;
			truncated |= rc;
		}
	} else if (json_is_array(obj)) {
		json_array_foreach(obj, i, m) {
			snprintf(idx, sizeof(idx), "%zu", i);
			if ((rc = add_member(d, idx, m)) < 0)
				break;
			truncated |= rc;
		}
	} else {
		return -EINVAL;
	}
	if (rc >= 0 && truncated)
		rc = rte_tel_data_add_dict_int(d, "truncated", 1);
	return rc < 0 ? rc : 0;
}

json_t *
dp_telemetry_ports_totals(json_t *root)
{
	json_t *o = json_object(), *p;
	char key[32];
	size_t i;

	json_object_set(o, "totals", json_object_get(root, "totals"));
	json_array_foreach(json_object_get(root, "ports"), i, p) {
		snprintf(key, sizeof(key), "port/%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(p, "port")));
		json_object_set(o, key, p);
	}
	json_decref(root);
	return o;
}

static const struct dp_telemetry_cmd *
find_cmd(const char *cmd)
{
	unsigned int i;

	for (i = 0; i < nb_registered; i++)
		if (strcmp(registered[i]->cmd, cmd) == 0)
			return registered[i];
	return NULL;
}

/* The one callback of every command: find its builder, encode its JSON. */
static int
answer(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_telemetry_cmd *c;
	json_t *obj = NULL;
	int rc = -EINVAL;

	pthread_mutex_lock(&tel_lock);
	c = tel_closed ? NULL : find_cmd(cmd);
	if (c != NULL)
		obj = c->build(params);
	if (obj != NULL)
		rc = dp_telemetry_from_json(d, obj);
	pthread_mutex_unlock(&tel_lock);
	json_decref(obj);
	return rc;
}

int
dp_telemetry_register(const struct dp_telemetry_cmd *cmds, unsigned int nb)
{
	unsigned int i;
	int rc;

	for (i = 0; i < nb; i++) {
		if (nb_registered >= DP_TEL_MAX_CMDS)
			return -ENOSPC;
		pthread_mutex_lock(&tel_lock);
		registered[nb_registered++] = &cmds[i];
		pthread_mutex_unlock(&tel_lock);
		rc = rte_telemetry_register_cmd(cmds[i].cmd, answer, cmds[i].help);
		if (rc != 0) {
			dp_log(DP_LOG_ERR, "telemetry", "cannot register %s: %s", cmds[i].cmd,
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void
dp_telemetry_close(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_closed = true;
	pthread_mutex_unlock(&tel_lock);
}

json_t *
dp_telemetry_section(json_t *root, const char *key)
{
	json_t *v = json_incref(json_object_get(root, key));

	json_decref(root);
	return v;
}

/*
 * True when this process maps path: the primary EAL maps its shared config
 * file, so a file of that name left by another process (same --file-prefix,
 * or the default one, then --no-shconf here) is not taken for ours.
 */
static bool
maps_file(const char *name)
{
	char line[PATH_MAX + 128], path[PATH_MAX];
	bool found = false;
	size_t n;
	FILE *f;

	if (realpath(name, path) == NULL)	/* /var/run is /run: the maps name the target */
		return false;
	n = strlen(path);
	f = fopen("/proc/self/maps", "r");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		size_t l = strcspn(line, "\n");

		found = l >= n && memcmp(line + l - n, path, n) == 0 &&
			(l == n || line[l - n - 1] == ' ');
	}
	fclose(f);
	return found;
}

int
dp_capture_init(void)
{
	char cfg[PATH_MAX];
	int rc;

	/* pdump's client (dpdk-dumpcap) is a secondary process: it needs the shared config */
	snprintf(cfg, sizeof(cfg), "%s/config", rte_eal_get_runtime_dir());
	if (rte_eal_process_type() != RTE_PROC_PRIMARY || !maps_file(cfg)) {
		printf("capture: dpdk-dumpcap unavailable: no shared EAL config "
		       "(--in-memory or --no-shconf); give --file-prefix NAME to allow it\n");
		return 0;
	}
	rc = rte_pdump_init();
	if (rc != 0) {
		printf("capture: dpdk-dumpcap unavailable: rte_pdump_init: %s\n",
				rte_strerror(rte_errno));
		return rc;
	}
	printf("capture: dpdk-dumpcap --file-prefix %s can capture the ports\n",
			strrchr(rte_eal_get_runtime_dir(), '/') + 1);
	return 0;
}
