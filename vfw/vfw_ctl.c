/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's control work, on the process's control loop (dp_ctl.h): apply what
 * the workers learned about neighbours (when a worker wakes the loop, so a
 * next hop is usable right after its ARP reply), age the neighbour table
 * once a second (neigh.h) and reload the rule file on
 * SIGHUP (the handler installed first thing in main only remembers the
 * request; vfw_ctl_start's also wakes the loop). It runs on the main
 * thread: it may block, allocate and print; it never touches packets.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "acl.h"
#include "dp_clock.h"
#include "dp_ctl.h"
#include "dp_escape.h"
#include "dp_main.h"
#include "neigh.h"
#include "vfw.h"
#include "vfw_ctl.h"

static struct dp_ctl_event *reload_ev;	/* written: main (start); read: the SIGHUP handler */

/*
 * A reload that fails (bad rules, not a regular file, too large) keeps the
 * current set and says so in one line; the next SIGHUP tries again.
 */
static void
reload(void)
{
	char err[DP_ERR_LEN], name[DP_ERR_LEN];
	int rc;

	if (vfw.opt.rules_file[0] == '\0') {
		printf("%s: SIGHUP: no --rules file, the built-in policy stays\n", dp_prog);
		fflush(stdout);
		return;
	}
	rc = vfw_rules_replace_from_file(vfw.opt.rules_file, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s: SIGHUP: rules not reloaded, the current set stays: %s\n",
			dp_prog, err);
	else
		printf("%s: SIGHUP: rules reloaded from %s\n", dp_prog,
		       dp_escape_str(name, sizeof(name), vfw.opt.rules_file));
	fflush(stdout);
}

static void
on_reload(void *ctx)
{
	RTE_SET_USED(ctx);
	if (atomic_exchange(&vfw.reload_req, false))
		reload();
}

/* Async-signal-safe: the request, then the loop's wake-up. */
static void
on_sighup(int sig)
{
	RTE_SET_USED(sig);
	atomic_store(&vfw.reload_req, true);
	dp_ctl_event_raise(reload_ev);
}

static int
set_sighup(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGHUP, &sa, NULL);
}

/* Once a second: neighbours nobody uses and nobody refreshed are forgotten. */
static void
on_neigh_age(void *ctx)
{
	RTE_SET_USED(ctx);
	vfw_neigh_age(dp_mono_ns(), (uint64_t)vfw.opt.neigh_timeout_sec * 1000000000ull);
}

int
vfw_ctl_start(void)
{
	int rc;

	rc = dp_ctl_event_new(on_reload, NULL, &reload_ev);
	if (rc == 0)
		rc = vfw_neigh_notify();
	if (rc == 0)
		rc = dp_ctl_every(1000000000ull, on_neigh_age, NULL);
	if (rc != 0)
		return rc;
	/* from now on SIGHUP also wakes the loop (main's early handler only remembered it) */
	if (set_sighup(on_sighup) != 0)
		return -errno;
	if (atomic_load(&vfw.reload_req))
		dp_ctl_event_raise(reload_ev);	/* a SIGHUP during start-up */
	return 0;
}

void
vfw_ctl_stop(void)
{
	signal(SIGHUP, SIG_IGN);	/* no reload while stopping */
	vfw_neigh_process();	/* what the workers learned last */
}

/* Before the loop exists: remember the request (async-signal-safe). */
static void
on_early_sighup(int sig)
{
	RTE_SET_USED(sig);
	atomic_store(&vfw.reload_req, true);
}

/*
 * First thing in main: until a handler is installed, SIGHUP's default
 * action ends the process, and EAL initialisation alone takes a good part
 * of a second. The request waits in reload_req; vfw_ctl_start, once the
 * first rule set is live, has the loop carry it out and log it.
 */
void
vfw_ctl_catch_sighup(void)
{
	set_sighup(on_early_sighup);
}
