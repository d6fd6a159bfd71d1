/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server object, shared by the files of mgmt/ (not by binaries).
 */
#ifndef MGMT_INTERNAL_H
#define MGMT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mgmt.h"
#include "mgmt_auth.h"
#include "mgmt_guard.h"
#include "mgmt_route.h"

#define MGMT_STATUS_MAX 600

struct MHD_Daemon;

struct mgmt_server {
	/* immutable after mgmt_create / mgmt_start: */
	struct mgmt_binding b;
	const struct dp_config *cfg;
	struct mgmt_options opt;	/* copy, with the password zeroed */
	struct mgmt_auth auth;		/* the credentials (secret) */
	char www_authenticate[128];	/* Basic realm="<program>", charset="UTF-8" */
	char *tls_cert_pem;		/* NULL = plain HTTP */
	char *tls_key_pem;		/* secret */
	struct mgmt_routes routes;	/* added before start, read-only after */
	uint64_t start_unix_ns;		/* CLOCK_REALTIME at mgmt_create */
	uint64_t start_mono_ns;
	bool started;
	int listen_fd;
	struct MHD_Daemon *daemon;
	/* held around every handler and binding callback (one at a time) */
	pthread_mutex_t lock;
	/* request deadlines, authentication failures */
	struct mgmt_guard guard;
	/* replies by status; written: server threads (atomic adds); read: /metrics */
	atomic_uint_fast64_t replies[MGMT_STATUS_MAX];
};

/*
 * mgmt_server.c: the server without any route (mgmt_create() in
 * mgmt_core.c adds the core routes), and its release.
 */
int mgmt_server_new(struct mgmt_server **out, const struct mgmt_options *o,
		const struct mgmt_binding *b, const struct dp_config *cfg,
		char *err, size_t errlen);
void mgmt_server_free(struct mgmt_server *s);
/* mgmt_server.c: add one route of a table (before start); 0 or mgmt_route_add's errors. */
int mgmt_route_def_add(struct mgmt_server *s, const struct mgmt_route_def *def, void *ctx);

/* mgmt_view.c: the binding's view of the data plane, or what a program without one shows. */
const char *mgmt_platform_version(const struct mgmt_server *s);	/* NULL: none */
unsigned int mgmt_nb_ports(const struct mgmt_server *s);
unsigned int mgmt_nb_workers(const struct mgmt_server *s);
bool mgmt_stopping(const struct mgmt_server *s);

/* mgmt_config.c: the GET /api/v1/config document. */
json_t *mgmt_config_json(const struct mgmt_server *s);

/* mgmt_metrics.c: the /metrics text into rep. */
int mgmt_metrics_reply(struct mgmt_server *s, struct mgmt_reply *rep);

/* mgmt_reply.c: free what a reply holds. */
void mgmt_reply_release(struct mgmt_reply *rep);

#endif /* MGMT_INTERNAL_H */
