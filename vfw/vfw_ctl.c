/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfw control thread: applies what the workers learned about neighbours
 * (every millisecond, so that a next hop is usable right after its ARP
 * reply) and reloads the rule file on SIGHUP (the handler, installed first
 * thing in main, only sets vfw.reload_req). A control thread: it may
 * block, allocate and print; it never touches packets.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_lcore.h>

#include "acl.h"
#include "dp_escape.h"
#include "dp_main.h"
#include "neigh.h"
#include "vfw.h"
#include "vfw_ctl.h"

static pthread_t ctl_tid;
static bool ctl_started;	/* main only */
static atomic_bool ctl_stop;	/* written: main; read: control thread */

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

static void *
ctl_main(void *arg)
{
	const struct timespec ms = { 0, 1000000 };

	(void)arg;
	while (!atomic_load_explicit(&ctl_stop, memory_order_relaxed)) {
		vfw_neigh_process();
		if (atomic_exchange(&vfw.reload_req, false))
			reload();
		nanosleep(&ms, NULL);
	}
	vfw_neigh_process();
	return NULL;
}

int
vfw_ctl_start(void)
{
	int rc;

	atomic_store(&ctl_stop, false);
	rc = rte_ctrl_thread_create(&ctl_tid, "vfw-ctl", NULL, ctl_main, NULL);
	if (rc != 0)
		return -rc;
	ctl_started = true;
	return 0;
}

void
vfw_ctl_stop(void)
{
	if (!ctl_started)
		return;
	atomic_store(&ctl_stop, true);
	pthread_join(ctl_tid, NULL);
	ctl_started = false;
}

static void
on_sighup(int sig)
{
	RTE_SET_USED(sig);
	atomic_store(&vfw.reload_req, true);
}

/*
 * First thing in main: until a handler is installed, SIGHUP's default
 * action ends the process, and EAL initialisation alone takes a good part
 * of a second. The request waits in reload_req; the control thread, started
 * once the first rule set is live, carries it out and logs it.
 */
void
vfw_ctl_catch_sighup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sighup;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}
