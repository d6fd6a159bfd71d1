/* SPDX-License-Identifier: BSD-3-Clause */
/* The lifecycle state machine, its REST routes and signals (dp_lifecycle.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "dp_engine.h"
#include "dp_lifecycle.h"
#include "dp_log.h"
#include "dp_mgmt.h"
#include "dp_time.h"
#include "dp_view.h"
#include "dp_worker.h"

#define LC_ACK_WAIT_MS 5000	/* a worker that does not ack by then: 503 */
#define LC_WHY_LEN 128

enum lc_action { LC_PAUSE, LC_RESUME, LC_RESTART, LC_NB_ACTIONS };

static const char *const action_names[LC_NB_ACTIONS] = { "pause", "resume", "restart" };

/* All below under lock but the signal pipe. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dp_lifecycle_hooks hooks;
static bool paused;
static uint32_t seq;			/* of the last request */
static uint64_t init_ms;		/* dp_lifecycle_init */
static uint64_t change_ms;		/* the last action's time, 0 = none yet */
static char change_why[LC_WHY_LEN];
static uint64_t stop_ms;		/* first seen stopping */

static int sig_pipe[2] = { -1, -1 };
static pthread_t sig_thread;
static bool sig_thread_started;

static bool
all_workers_started(void)
{
	unsigned int i;

	if (dp_nb_workers == 0)
		return false;
	for (i = 0; i < dp_nb_workers; i++)
		if (__atomic_load_n(&dp_engine_lc[i].started, __ATOMIC_ACQUIRE) == 0)
			return false;
	return true;
}

/* The latest worker start: when the process became "running". */
static uint64_t
workers_started_ms(void)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < dp_nb_workers; i++)
		t = RTE_MAX(t, dp_engine_lc[i].started_ms);
	return t;
}

enum lc_state { LC_STARTING, LC_RUNNING, LC_PAUSED, LC_STOPPING };

static const char *const state_names[] = { "starting", "running", "paused", "stopping" };

/* Under lock. */
static enum lc_state
current_state(void)
{
	if (dp_should_quit())
		return LC_STOPPING;
	if (change_ms == 0 && !all_workers_started())
		return LC_STARTING;
	return paused ? LC_PAUSED : LC_RUNNING;
}

const char *
dp_lifecycle_state(void)
{
	enum lc_state s;

	pthread_mutex_lock(&lock);
	s = current_state();
	pthread_mutex_unlock(&lock);
	return state_names[s];
}

/*
 * Post want to every worker and wait until each running one acked it.
 * 0, or -ESHUTDOWN (stopping) / -ETIMEDOUT.
 */
static int
post_and_wait(bool pause)
{
	uint64_t deadline = dp_mono_ns() + LC_ACK_WAIT_MS * 1000000ull, now, drained;
	struct pollfd pfd = { .fd = dp_engine_lc_ack_fd, .events = POLLIN };
	uint32_t want;
	unsigned int i;
	bool all;

	seq++;
	want = (seq << 1) | (pause ? DP_ENGINE_LC_PAUSED : 0);
	for (i = 0; i < dp_nb_workers; i++)
		__atomic_store_n(&dp_engine_lc[i].want, want, __ATOMIC_RELEASE);
	for (;;) {
		if (dp_should_quit())
			return -ESHUTDOWN;
		all = true;
		for (i = 0; i < dp_nb_workers && all; i++)
			if (__atomic_load_n(&dp_engine_lc[i].started, __ATOMIC_ACQUIRE) != 0 &&
			    __atomic_load_n(&dp_engine_lc[i].ack, __ATOMIC_ACQUIRE) != want)
				all = false;
		if (all)
			return 0;
		now = dp_mono_ns();
		if (now >= deadline)
			return -ETIMEDOUT;
		/* until a worker acks; at most 100 ms, to see a quit that wakes no one */
		if (poll(&pfd, 1, (int)RTE_MIN((deadline - now) / 1000000 + 1, 100ull)) > 0 &&
		    read(pfd.fd, &drained, sizeof(drained)) < 0)
			continue;	/* EAGAIN: another reader took it; look again */
	}
}

static void
record_change(const char *source, const char *what)
{
	change_ms = dp_real_ms();
	snprintf(change_why, sizeof(change_why), "%s: %s", source, what);
}

/* The states each action may start from (409 otherwise). */
static bool
action_allowed(enum lc_action a, enum lc_state s)
{
	switch (a) {
	case LC_PAUSE:
		return s == LC_RUNNING;
	case LC_RESUME:
		return s == LC_PAUSED;
	case LC_RESTART:
		return s == LC_RUNNING || s == LC_PAUSED;
	default:
		return false;
	}
}

/*
 * Restart: pause (if running), the binary's re-read, resume. A failed
 * re-read leaves what was in effect and the process running.
 */
static int
do_restart(const char *source, char *err, size_t errlen)
{
	int rc = 0, rrc;

	if (!paused && (rc = post_and_wait(true)) != 0)
		return rc;
	if (hooks.reload != NULL)
		rc = hooks.reload(hooks.ctx, err, errlen);
	rrc = post_and_wait(false);
	paused = false;
	if (rc != 0)
		return rc;
	if (rrc == 0)
		record_change(source, hooks.restart_rereads != NULL ?
				"restart (re-read " : "restart (re-read nothing");
	if (rrc == 0 && hooks.restart_rereads != NULL) {
		size_t n = strlen(change_why);

		snprintf(change_why + n, sizeof(change_why) - n, "%s)", hooks.restart_rereads);
	} else if (rrc == 0) {
		strncat(change_why, ")", sizeof(change_why) - strlen(change_why) - 1);
	}
	return rrc;
}

/*
 * Carry out action a from source ("REST", "SIGUSR1"...). 0; -EBUSY in a
 * wrong state (err says which); -ESHUTDOWN, -ETIMEDOUT; the reload's error.
 */
static int
act(enum lc_action a, const char *source, char *err, size_t errlen)
{
	enum lc_state s;
	int rc;

	pthread_mutex_lock(&lock);
	s = current_state();
	if (!action_allowed(a, s)) {
		snprintf(err, errlen, "cannot %s: the process is %s", action_names[a], state_names[s]);
		pthread_mutex_unlock(&lock);
		return -EBUSY;
	}
	if (a == LC_RESTART) {
		rc = do_restart(source, err, errlen);
	} else {
		rc = post_and_wait(a == LC_PAUSE);
		/* even on a timeout some workers may have acted: the request stands */
		paused = a == LC_PAUSE;
		if (rc == 0)
			record_change(source, action_names[a]);
	}
	if (rc == -ESHUTDOWN)
		snprintf(err, errlen, "the process is stopping");
	else if (rc == -ETIMEDOUT)
		snprintf(err, errlen, "not every worker acted on %s in %u ms", action_names[a],
				LC_ACK_WAIT_MS);
	pthread_mutex_unlock(&lock);
	return rc;
}

/* ------------------------------------------------------------ status */

static json_t *
port_json(const struct dp_view *v, unsigned int slot)
{
	struct dp_port_desc d;
	uint64_t drv[DP_DRV_NB] = { 0 };
	uint64_t c[DP_PORT_CTR_NB_COMMON] = { 0 };
	unsigned int i;

	v->port_desc(slot, &d);
	v->driver_stats(slot, drv);
	if (hooks.port_ctrs != NULL)
		for (i = 0; i < DP_PORT_CTR_NB_COMMON; i++)
			c[i] = dp_counters_sum(hooks.port_ctrs, slot, i);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"port", (json_int_t)d.port_id,
			"rx_packets", (json_int_t)c[DP_PORT_CTR_rx_packets],
			"tx_packets", (json_int_t)c[DP_PORT_CTR_tx_packets],
			"rx_bytes", (json_int_t)c[DP_PORT_CTR_rx_bytes],
			"tx_bytes", (json_int_t)c[DP_PORT_CTR_tx_bytes],
			/* what the application dropped and what the NIC could not take */
			"pkt_drops", (json_int_t)(c[DP_PORT_CTR_dropped] + drv[DP_DRV_rx_missed]),
			"rx_missed", (json_int_t)drv[DP_DRV_rx_missed]);
}

/* Under lock. */
static json_t *
status_json(void)
{
	const struct dp_view *v = dp_mgmt_view();
	enum lc_state s = current_state();
	json_t *ports = json_array(), *o;
	uint64_t since = init_ms;
	const char *why = "start-up";
	unsigned int slot;

	if (s == LC_STOPPING) {
		if (stop_ms == 0)
			stop_ms = dp_real_ms();
		since = stop_ms;
		why = "stop requested (signal, --duration or a failure)";
	} else if (change_ms != 0) {
		since = change_ms;
		why = change_why;
	} else if (s == LC_RUNNING) {
		since = workers_started_ms();
		why = "every worker started";
	}
	for (slot = 0; ports != NULL && slot < v->nb_ports(); slot++)
		json_array_append_new(ports, port_json(v, slot));
	o = json_pack("{s:s, s:I, s:s, s:s, s:o*}", "state", state_names[s],
			"since", (json_int_t)since, "why", why,
			"restart_rereads", hooks.restart_rereads != NULL ? hooks.restart_rereads : "",
			"ports", ports);
	return o;
}

static int
reply_status(struct mgmt_reply *rep)
{
	json_t *o;

	pthread_mutex_lock(&lock);
	o = status_json();
	pthread_mutex_unlock(&lock);
	if (o == NULL)
		return mgmt_reply_error(rep, 500, "out of memory");
	return mgmt_reply_json(rep, 200, o);
}

static int
get_status(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	return reply_status(rep);
}

static int
parse_action(const char *name, enum lc_action *out)
{
	unsigned int i;

	for (i = 0; i < LC_NB_ACTIONS; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum lc_action)i;
			return 0;
		}
	return -EINVAL;
}

static int
post_lifecycle(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "action", NULL };
	char err[DP_ERR_LEN] = "";
	enum lc_action a;
	const char *name;
	int rc;

	RTE_SET_USED(ctx);
	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, NULL, rep) != 0 ||
	    mgmt_json_string(req->body, "action", true, 64, &name, rep) != 0)
		return rep->status;
	if (parse_action(name, &a) != 0)
		return mgmt_reply_error(rep, 400, "action: unknown action '%s' (pause, resume, restart)",
				name);
	rc = act(a, "REST", err, sizeof(err));
	if (rc == -EBUSY)
		return mgmt_reply_error(rep, 409, "%s", err);
	if (rc == -ESHUTDOWN || rc == -ETIMEDOUT)
		return mgmt_reply_error(rep, 503, "%s", err);
	if (rc == -ENOMEM)
		return mgmt_reply_error(rep, 500, "restart: %s", err);
	if (rc != 0)
		return mgmt_reply_error(rep, 422, "restart: %s", err);
	return reply_status(rep);
}

static const struct mgmt_route_def routes[] = {
	{ "GET", "/api/v1/status", get_status, NULL },
	{ "POST", "/api/v1/lifecycle", post_lifecycle, NULL },
};

struct mgmt_route_table
dp_lifecycle_routes(void)
{
	return (struct mgmt_route_table){ routes, RTE_DIM(routes), NULL };
}

/* ------------------------------------------------------------ signals */

/* Async-signal-safe: the signal thread does the work. */
static void
on_signal(int sig)
{
	char c = sig == SIGUSR1 ? 'p' : sig == SIGUSR2 ? 'r' : 'h';
	int saved = errno;

	if (write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: requests are already waiting */
	}
	errno = saved;
}

static void *
signal_main(void *arg)
{
	char err[DP_ERR_LEN], c;
	int rc;

	RTE_SET_USED(arg);
	while (read(sig_pipe[0], &c, 1) == 1 && c != 'q') {
		enum lc_action a = c == 'p' ? LC_PAUSE : c == 'r' ? LC_RESUME : LC_RESTART;
		const char *sig = c == 'p' ? "SIGUSR1" : c == 'r' ? "SIGUSR2" : "SIGHUP";

		err[0] = '\0';
		rc = act(a, sig, err, sizeof(err));
		if (rc != 0 && a == LC_RESTART && rc != -EBUSY && rc != -ESHUTDOWN &&
		    rc != -ETIMEDOUT)
			dp_log(DP_LOG_WARNING, "lifecycle", "%s: restart refused, nothing changed: %s",
					sig, err);
		else if (rc != 0)
			dp_log(DP_LOG_WARNING, "lifecycle", "%s: %s", sig, err);
		else
			dp_log(DP_LOG_NOTICE, "lifecycle", "%s (%s)", a == LC_PAUSE ? "paused" :
					a == LC_RESUME ? "resumed" : "restarted", sig);
	}
	return NULL;
}

int
dp_lifecycle_init(const struct dp_lifecycle_hooks *h)
{
	struct sigaction sa;
	int rc;

	hooks = *h;
	init_ms = dp_real_ms();
	dp_mgmt_set_run_state(dp_lifecycle_state);	/* the VES heartbeat's state */
	dp_engine_lc_ack_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp_engine_lc_ack_fd < 0 || pipe(sig_pipe) != 0)
		return -errno;
	rc = pthread_create(&sig_thread, NULL, signal_main, NULL);
	if (rc != 0)
		return -rc;
	sig_thread_started = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	if (hooks.sighup_restarts)
		sigaction(SIGHUP, &sa, NULL);
	return 0;
}

void
dp_lifecycle_stop(void)
{
	char q = 'q';

	if (!sig_thread_started)
		return;
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	if (hooks.sighup_restarts)
		signal(SIGHUP, SIG_IGN);
	if (write(sig_pipe[1], &q, 1) == 1)
		pthread_join(sig_thread, NULL);
	sig_thread_started = false;
}
