/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dp_time.h"
#include "mgmt_guard.h"

#define NS_PER_S 1000000000ull
#define WATCHDOG_MAX_SLEEP_NS NS_PER_S

struct mgmt_conn_track {
	struct mgmt_conn_track *prev, *next;
	int fd;
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: none (a reply is on its way) */
	bool cut;			/* shut down at its deadline */
	bool control_escape;		/* the request's URL decoded to a control byte */
};

void
mgmt_guard_init(struct mgmt_guard *g, uint32_t request_timeout_s, const char *prog)
{
	pthread_condattr_t ca;

	memset(g, 0, sizeof(*g));
	g->request_timeout_ns = (uint64_t)request_timeout_s * NS_PER_S;
	g->prog = prog;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
}

void
mgmt_guard_destroy(struct mgmt_guard *g)
{
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
}

/* --- request deadlines --- */

/* Shut down the connections past their deadline; the next deadline (or 0). Lock held. */
static uint64_t
cut_late_connections(struct mgmt_guard *g, uint64_t now)
{
	struct mgmt_conn_track *t;
	uint64_t next = 0;

	for (t = g->conns; t != NULL; t = t->next) {
		if (t->deadline_ns == 0 || t->cut)
			continue;
		if (now >= t->deadline_ns) {
			/* libmicrohttpd reads the end of stream and closes the fd itself */
			shutdown(t->fd, SHUT_RDWR);
			t->cut = true;
			g->cut++;
		} else if (next == 0 || t->deadline_ns < next) {
			next = t->deadline_ns;
		}
	}
	return next;
}

static void *
watchdog_main(void *arg)
{
	struct mgmt_guard *g = arg;

	pthread_setname_np(pthread_self(), "mgmt-deadline");
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		uint64_t now = dp_mono_ns();
		uint64_t next = cut_late_connections(g, now);
		uint64_t until = now + WATCHDOG_MAX_SLEEP_NS;
		struct timespec ts;

		if (next != 0 && next < until)
			until = next;
		ts.tv_sec = (time_t)(until / NS_PER_S);
		ts.tv_nsec = (long)(until % NS_PER_S);
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int
mgmt_guard_start(struct mgmt_guard *g)
{
	int rc = pthread_create(&g->watchdog, NULL, watchdog_main, g);

	if (rc != 0)
		return -rc;
	g->watchdog_running = true;
	return 0;
}

void
mgmt_guard_stop(struct mgmt_guard *g)
{
	if (!g->watchdog_running)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->watchdog, NULL);
	g->watchdog_running = false;
}

struct mgmt_conn_track *
mgmt_guard_conn_open(struct mgmt_guard *g, int fd)
{
	struct mgmt_conn_track *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->fd = fd;
	pthread_mutex_lock(&g->lock);
	t->deadline_ns = dp_mono_ns() + g->request_timeout_ns;
	t->next = g->conns;
	if (g->conns != NULL)
		g->conns->prev = t;
	g->conns = t;
	pthread_mutex_unlock(&g->lock);
	return t;
}

void
mgmt_guard_conn_close(struct mgmt_guard *g, struct mgmt_conn_track *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		g->conns = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&g->lock);
	free(t);
}

static void
set_deadline(struct mgmt_guard *g, struct mgmt_conn_track *t, uint64_t deadline_ns)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	t->deadline_ns = deadline_ns;
	pthread_mutex_unlock(&g->lock);
}

void
mgmt_guard_request_answered(struct mgmt_guard *g, struct mgmt_conn_track *t)
{
	set_deadline(g, t, 0);
}

void
mgmt_guard_request_ended(struct mgmt_guard *g, struct mgmt_conn_track *t)
{
	set_deadline(g, t, dp_mono_ns() + g->request_timeout_ns);
}

void
mgmt_guard_mark_control_escape(struct mgmt_conn_track *t)
{
	if (t != NULL)
		t->control_escape = true;
}

bool
mgmt_guard_take_control_escape(struct mgmt_conn_track *t)
{
	bool had = t != NULL && t->control_escape;

	if (t != NULL)
		t->control_escape = false;
	return had;
}

/* --- authentication failures --- */

/* The client address as 16 bytes (IPv4 mapped into IPv6); false if neither. */
static bool
addr_key(const struct sockaddr *sa, uint8_t key[16])
{
	memset(key, 0, 16);
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

/* The slot of key, brought up to date (refilled); taken over if another address had it. */
static struct mgmt_auth_slot *
auth_slot(struct mgmt_guard *g, const uint8_t key[16], uint64_t now)
{
	uint32_t h = 2166136261u;
	struct mgmt_auth_slot *s;
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	s = &g->auth[h % MGMT_AUTH_SLOTS];
	if (!s->used || memcmp(s->addr, key, 16) != 0) {
		memset(s, 0, sizeof(*s));
		memcpy(s->addr, key, 16);
		s->used = true;
		s->tokens = MGMT_AUTH_BURST;
		s->refill_ns = now;
		return s;
	}
	s->tokens += (double)(now - s->refill_ns) / NS_PER_S;
	if (s->tokens > MGMT_AUTH_BURST)
		s->tokens = MGMT_AUTH_BURST;
	s->refill_ns = now;
	return s;
}

unsigned int
mgmt_guard_auth_wait(struct mgmt_guard *g, const struct sockaddr *addr)
{
	struct mgmt_auth_slot *s;
	uint8_t key[16];
	unsigned int wait;

	if (!addr_key(addr, key))
		return 0;
	pthread_mutex_lock(&g->lock);
	s = auth_slot(g, key, dp_mono_ns());
	wait = s->tokens >= 1.0 ? 0 : 1;
	if (wait != 0)
		s->suppressed++;	/* a refused try is a failure not logged */
	pthread_mutex_unlock(&g->lock);
	return wait;
}

static void
addr_str(const uint8_t key[16], char *buf, size_t len)
{
	static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(key, v4_prefix, 12) == 0)
		inet_ntop(AF_INET, key + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, key, buf, (socklen_t)len);
}

void
mgmt_guard_auth_failed(struct mgmt_guard *g, const struct sockaddr *addr)
{
	struct mgmt_auth_slot *s;
	char who[INET6_ADDRSTRLEN] = "?";
	uint64_t now = dp_mono_ns(), suppressed = 0;
	uint8_t key[16];
	bool log = true;

	if (addr_key(addr, key)) {
		addr_str(key, who, sizeof(who));
		pthread_mutex_lock(&g->lock);
		s = auth_slot(g, key, now);
		if (s->tokens >= 1.0)
			s->tokens -= 1.0;
		log = s->last_log_ns == 0 || now - s->last_log_ns >= NS_PER_S;
		if (log) {
			suppressed = s->suppressed;
			s->suppressed = 0;
			s->last_log_ns = now;
		} else {
			s->suppressed++;
		}
		pthread_mutex_unlock(&g->lock);
	}
	/* on stderr like the binaries' other run-time events, whatever --log-level says */
	if (log)
		fprintf(stderr, "%s: REST: authentication failed from %s (%" PRIu64 " more "
			"failures or refused tries from it since the last line)\n",
			g->prog, who, suppressed);
}
