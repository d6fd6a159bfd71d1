/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The InfluxDB export's options (--influx-*): one dp_option_group that fills
 * a struct ves_config of its own (the transport and schedule settings the
 * agent shares with VES; version holds the InfluxDB API, 1 or 2).
 *
 *   influx_config_defaults(&cfg);
 *   influx_options_register(&app, &cfg);   before option parsing
 *   influx_config_finalize(&cfg, err, len) -EINVAL: print err, exit 2
 *
 * The token (--influx-token-file, never on the command line) is never
 * printed nor logged. Thread safety: main thread, before the agent starts.
 */
#ifndef INFLUX_CONFIG_H
#define INFLUX_CONFIG_H

#include <stddef.h>

#include "ves_config.h"

#define INFLUX_DEFAULT_INTERVAL 10	/* seconds */
/* intervals waiting, at most: 5 min at 1 s; an interval of vsnk with 1000
 * streams is about 300 kB of lines */
#define INFLUX_DEFAULT_QUEUE 300
#define INFLUX_DEFAULT_BATCH 10		/* intervals per POST (catching up) */

void influx_config_defaults(struct ves_config *cfg);
int influx_options_register(struct dp_app *app, struct ves_config *cfg);
/* Cross-option checks and the endpoint; 0 or -EINVAL with one line in err. */
int influx_config_finalize(struct ves_config *cfg, char *err, size_t errlen);

#endif /* INFLUX_CONFIG_H */
