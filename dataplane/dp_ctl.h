/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control loop of a process: one epoll set on the main thread that
 * waits for what is due (timers, events raised by other threads or by
 * signal handlers, readable descriptors) and runs its callback there, so
 * no control work polls on a fixed tick and no module needs a thread of
 * its own to wait.
 *
 *   dp_ctl_init()            once, before anything registers
 *   dp_ctl_every()           a periodic timer (timerfd)
 *   dp_ctl_event_new()       an event: dp_ctl_event_raise() from any
 *                            thread or signal handler (eventfd)
 *   dp_ctl_run(stop)         the loop, until *stop is true
 *
 * Threads: sources are added by the main thread before or while the loop
 * runs, callbacks run on the loop's thread only. dp_ctl_event_raise() is
 * async-signal-safe and lock-free (one write(2) on an eventfd): workers use
 * it only off the per-packet path, and only on an empty-to-pending
 * transition they track themselves (see vfw's neighbour ring).
 *
 * Pure Linux (epoll, timerfd, eventfd): no DPDK.
 */
#ifndef DP_CTL_H
#define DP_CTL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define DP_CTL_MAX_SOURCES 32

typedef void (*dp_ctl_cb)(void *ctx);

struct dp_ctl_event;

/* Create the loop's epoll set (idempotent). 0 or -errno. */
int dp_ctl_init(void);

/* Close every source and the epoll set (after the loop ended). */
void dp_ctl_fini(void);

/*
 * cb(ctx) every period_ns, the first time period_ns from now. 0 or -errno
 * (-ENOSPC: DP_CTL_MAX_SOURCES reached).
 */
int dp_ctl_every(uint64_t period_ns, dp_ctl_cb cb, void *ctx);

/* An event whose cb(ctx) runs in the loop once per wake-up after raises. 0 or -errno. */
int dp_ctl_event_new(dp_ctl_cb cb, void *ctx, struct dp_ctl_event **out);

/* Wake the loop to run the event's callback. Any thread; async-signal-safe. */
void dp_ctl_event_raise(struct dp_ctl_event *ev);

/* cb(ctx) when fd is readable (level-triggered: cb must read what is there). 0 or -errno. */
int dp_ctl_watch(int fd, dp_ctl_cb cb, void *ctx);

/*
 * Run the loop on this thread until *stop is true: checked after every
 * wake-up, which a signal (EINTR) or dp_ctl_wake() causes too.
 */
void dp_ctl_run(const atomic_bool *stop);

/* Wake the loop so it checks its stop flag (any thread; async-signal-safe). */
void dp_ctl_wake(void);

#endif /* DP_CTL_H */
