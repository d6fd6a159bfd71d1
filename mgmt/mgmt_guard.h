/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Defences of the REST server against clients that hold it or guess at it.
 *
 * Request deadline: libmicrohttpd 0.9.75 only closes a connection that is
 * idle for --mgmt-timeout, so a client sending one header byte every few
 * seconds would hold a slot for ever. Each connection gets a deadline
 * (--mgmt-request-timeout) from its opening, and again from the end of each
 * request (keep-alive); the deadline is lifted while the reply is sent (a
 * slow reader is the idle timeout's business). A watchdog thread shuts down
 * the socket of a connection past its deadline; libmicrohttpd then sees the
 * end of the stream and closes it itself (the descriptor stays its own).
 *
 * Authentication failures: each client address has a bucket of
 * MGMT_AUTH_BURST failures, refilled at one per second. A request with
 * credentials from an address whose bucket is empty is answered 429 without
 * checking them (no thread is held: the answer is immediate), so a guesser
 * gets about one try per second while other addresses are served as usual.
 * Failures are logged at most once per second per address, with the count
 * of the lines suppressed; never the credentials.
 */
#ifndef MGMT_GUARD_H
#define MGMT_GUARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define MGMT_AUTH_BURST 20		/* failures allowed at once from one address */
#define MGMT_AUTH_SLOTS 256		/* addresses remembered (a new one evicts on collision) */

struct mgmt_conn_track;

struct mgmt_auth_slot {
	uint8_t addr[16];		/* IPv4 as ::ffff:a.b.c.d */
	bool used;
	double tokens;			/* failures still allowed now */
	uint64_t refill_ns;		/* when tokens was last brought up to date */
	uint64_t last_log_ns;
	uint64_t suppressed;		/* failures not logged since the last line */
};

struct mgmt_guard {
	uint64_t request_timeout_ns;
	pthread_mutex_t lock;		/* the connection list and the auth slots */
	pthread_cond_t wake;
	struct mgmt_conn_track *conns;	/* open connections (doubly linked) */
	pthread_t watchdog;
	bool watchdog_running;
	bool stopping;
	uint64_t cut;			/* connections closed at their deadline */
	struct mgmt_auth_slot auth[MGMT_AUTH_SLOTS];
	const char *prog;		/* names the lines on stderr */
};

void mgmt_guard_init(struct mgmt_guard *g, uint32_t request_timeout_s, const char *prog);
/* Start / stop the deadline watchdog thread. */
int mgmt_guard_start(struct mgmt_guard *g);
void mgmt_guard_stop(struct mgmt_guard *g);
void mgmt_guard_destroy(struct mgmt_guard *g);

/* A connection opened (fd) / closed: the tracker is libmicrohttpd's socket context. */
struct mgmt_conn_track *mgmt_guard_conn_open(struct mgmt_guard *g, int fd);
void mgmt_guard_conn_close(struct mgmt_guard *g, struct mgmt_conn_track *t);
/* The reply is queued: no deadline while it is sent. */
void mgmt_guard_request_answered(struct mgmt_guard *g, struct mgmt_conn_track *t);
/* A request ended: the next one (keep-alive) has a new deadline from now. */
void mgmt_guard_request_ended(struct mgmt_guard *g, struct mgmt_conn_track *t);

/* Only the connection's own thread (unescaping, then the first call) uses these. */
void mgmt_guard_mark_control_escape(struct mgmt_conn_track *t);
bool mgmt_guard_take_control_escape(struct mgmt_conn_track *t);

/* 0 when addr may try credentials; else the seconds to wait (429, Retry-After). */
unsigned int mgmt_guard_auth_wait(struct mgmt_guard *g, const struct sockaddr *addr);
/* Count (and log, rate-limited) a failed authentication from addr. */
void mgmt_guard_auth_failed(struct mgmt_guard *g, const struct sockaddr *addr);

#endif /* MGMT_GUARD_H */
