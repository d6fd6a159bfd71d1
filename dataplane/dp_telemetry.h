/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binaries' commands on DPDK's telemetry socket
 * (/var/run/dpdk/PREFIX/dpdk_telemetry.v2, read by dpdk-telemetry.py),
 * answered from the stats JSON sections the binary already builds for the
 * stats file and REST: one list of counters, two encodings.
 *
 * A JSON object becomes a telemetry dict: numbers, strings and booleans
 * (0/1) as they are, reals as strings; a nested object or array becomes a
 * dict container whose keys are the paths below it joined by '/'
 * ("states/established", "0/packets"): DPDK 22.11 allows one level of
 * containers. Characters that telemetry refuses in a key become '_'.
 * A top-level array is a dict keyed by the index. A container has at most
 * RTE_TEL_MAX_DICT_ENTRIES leaves: one with more keeps the first ones and
 * the reply gets "truncated": 1.
 *
 * Thread safety: commands run on DPDK's telemetry thread; the builder they
 * call must be safe there (the stats JSON builders only read counters).
 * dp_telemetry_close() waits for a running command and refuses the later
 * ones, so the binary may free what the builders read.
 */
#ifndef DP_TELEMETRY_H
#define DP_TELEMETRY_H

#include <jansson.h>
#include <rte_telemetry.h>

/* Fill d (fresh, from the callback) from obj: 0 or -errno. */
int dp_telemetry_from_json(struct rte_tel_data *d, const json_t *obj);

/*
 * Builds the JSON of one command (new reference, or NULL when params are
 * not acceptable or memory runs out). params: after the ',' or NULL.
 */
typedef json_t *(*dp_telemetry_build_fn)(const char *params);

struct dp_telemetry_cmd {
	const char *cmd;	/* "/vfw/stats" */
	dp_telemetry_build_fn build;
	const char *help;
};

/* Register nb commands. 0 or -errno (a refused name is printed). */
int dp_telemetry_register(const struct dp_telemetry_cmd *cmds, unsigned int nb);

/* After this returns no command reads the binary's state any more. */
void dp_telemetry_close(void);

/* The member key of root (whose reference it takes): a new reference or NULL. */
json_t *dp_telemetry_section(json_t *root, const char *key);

/*
 * The <binary>/stats reply from a stats JSON root (whose reference it
 * takes): "totals", and "port/ID" per port (one container each, so a port's
 * counters fit in one).
 */
json_t *dp_telemetry_ports_totals(json_t *root);

/*
 * Let dpdk-dumpcap capture the ports (rte_pdump_init) when the EAL shares
 * its config (--file-prefix, not --in-memory / --no-shconf); prints one
 * line saying whether capture is available and why not. 0 or -errno.
 */
int dp_capture_init(void);

#endif /* DP_TELEMETRY_H */
