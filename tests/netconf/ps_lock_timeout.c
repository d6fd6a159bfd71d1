/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD into vpkg (test_netconf_admit.py): libnetconf2's poll-set calls
 * fail, as its lock does after 200 ms on a loaded host (NC_PS_LOCK_TIMEOUT),
 * whenever an accept thread ("netconf-acc*") makes them. The RPC thread's
 * calls go through to libnetconf2. A server whose accept threads add
 * sessions to the poll set themselves closes every session here.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct nc_pollsession;
struct nc_session;

/* libnetconf2's (nc_session.h), replaced here */
int nc_ps_add_session(struct nc_pollsession *ps, struct nc_session *session);
uint16_t nc_ps_session_count(struct nc_pollsession *ps);

static bool
in_accept_thread(void)
{
	char name[16] = "";

	pthread_getname_np(pthread_self(), name, sizeof(name));
	return strncmp(name, "netconf-acc", strlen("netconf-acc")) == 0;
}

static void *
next(const char *sym)
{
	return dlsym(RTLD_NEXT, sym);
}

int
nc_ps_add_session(struct nc_pollsession *ps, struct nc_session *session)
{
	int (*real)(struct nc_pollsession *, struct nc_session *);
	void *p = next("nc_ps_add_session");

	if (in_accept_thread() || p == NULL)
		return -1;	/* "failed to lock a pollsession (Connection timed out)" */
	memcpy(&real, &p, sizeof(real));
	return real(ps, session);
}

uint16_t
nc_ps_session_count(struct nc_pollsession *ps)
{
	uint16_t (*real)(struct nc_pollsession *);
	void *p = next("nc_ps_session_count");

	if (in_accept_thread() || p == NULL)
		return 0;	/* what libnetconf2 answers when its lock times out */
	memcpy(&real, &p, sizeof(real));
	return real(ps);
}
