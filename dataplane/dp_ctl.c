/* SPDX-License-Identifier: BSD-3-Clause */
/* The control loop of a process (dp_ctl.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "dp_ctl.h"

enum src_kind {
	SRC_TIMER,
	SRC_EVENT,
	SRC_FD,
};

struct dp_ctl_event {
	int fd;
};

struct source {
	enum src_kind kind;
	int fd;
	dp_ctl_cb cb;		/* NULL: only wakes the loop */
	void *ctx;
	struct dp_ctl_event ev;	/* SRC_EVENT: the handle given out */
};

/*
 * Written by the main thread (registration, fini); read by the loop (the
 * same thread) and, for ev.fd and wake_fd, by raisers (the fd is set
 * before the handle is published and closed only after the loop ended).
 */
static struct source sources[DP_CTL_MAX_SOURCES];
static unsigned int nb_sources;
static int epfd = -1;
static int wake_fd = -1;

static int
add_source(enum src_kind kind, int fd, dp_ctl_cb cb, void *ctx, struct source **out)
{
	struct epoll_event e;
	struct source *s;

	if (epfd < 0)
		return -EINVAL;
	if (nb_sources == DP_CTL_MAX_SOURCES)
		return -ENOSPC;
	s = &sources[nb_sources];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->fd = fd;
	s->cb = cb;
	s->ctx = ctx;
	s->ev.fd = fd;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.u32 = nb_sources;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) != 0)
		return -errno;
	nb_sources++;
	if (out != NULL)
		*out = s;
	return 0;
}

static int
new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int
dp_ctl_init(void)
{
	int fd, rc;

	if (epfd >= 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	fd = new_eventfd();
	if (fd < 0) {
		rc = fd;
		goto fail;
	}
	rc = add_source(SRC_EVENT, fd, NULL, NULL, NULL);
	if (rc != 0) {
		close(fd);
		goto fail;
	}
	wake_fd = fd;
	return 0;
fail:
	close(epfd);
	epfd = -1;
	return rc;
}

void
dp_ctl_fini(void)
{
	unsigned int i;

	for (i = 0; i < nb_sources; i++) {
		sources[i].ev.fd = -1;	/* a late raise writes nowhere, not to a reused descriptor */
		close(sources[i].fd);
	}
	nb_sources = 0;
	wake_fd = -1;
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

int
dp_ctl_every(uint64_t period_ns, dp_ctl_cb cb, void *ctx)
{
	struct itimerspec its;
	int fd, rc;

	if (period_ns == 0 || cb == NULL)
		return -EINVAL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
	its.it_interval.tv_nsec = (long)(period_ns % 1000000000u);
	its.it_value = its.it_interval;
	if (timerfd_settime(fd, 0, &its, NULL) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = add_source(SRC_TIMER, fd, cb, ctx, NULL);
	if (rc != 0)
		close(fd);
	return rc;
}

int
dp_ctl_event_new(dp_ctl_cb cb, void *ctx, struct dp_ctl_event **out)
{
	struct source *s;
	int fd = new_eventfd(), rc;

	if (fd < 0)
		return fd;
	rc = add_source(SRC_EVENT, fd, cb, ctx, &s);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	*out = &s->ev;
	return 0;
}

static void
raise_fd(int fd)
{
	uint64_t one = 1;
	int saved = errno;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the loop is woken anyway */
	}
	errno = saved;
}

void
dp_ctl_event_raise(struct dp_ctl_event *ev)
{
	raise_fd(ev->fd);
}

void
dp_ctl_wake(void)
{
	raise_fd(wake_fd);
}

int
dp_ctl_watch(int fd, dp_ctl_cb cb, void *ctx)
{
	return cb == NULL ? -EINVAL : add_source(SRC_FD, fd, cb, ctx, NULL);
}

/* Consume what made fd readable (timer expirations, event count). */
static void
drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another wake-up consumed it */
	}
}

void
dp_ctl_run(const atomic_bool *stop)
{
	struct epoll_event evs[DP_CTL_MAX_SOURCES];
	int n, i;

	while (!atomic_load(stop)) {
		n = epoll_wait(epfd, evs, DP_CTL_MAX_SOURCES, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;	/* EBADF/EINVAL: a bug; the caller stops */
		}
		for (i = 0; i < n && !atomic_load(stop); i++) {
			struct source *s = &sources[evs[i].data.u32];

			if (s->kind != SRC_FD)
				drain(s->fd);
			if (s->cb != NULL)
				s->cb(s->ctx);
		}
	}
}
