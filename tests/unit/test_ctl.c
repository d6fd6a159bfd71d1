/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control loop (dataplane/dp_ctl.c): timers fire, events raised from
 * other threads run their callback in the loop (raises before a wake-up
 * coalesce), readable descriptors are served, a stop set elsewhere ends the
 * loop once woken, the source limit holds, a raise after fini writes
 * nowhere. No test depends on how long anything takes.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_ctl.h"

#define NB_FDS (DP_CTL_MAX_SOURCES + 2)	/* more descriptors than the loop had */

static atomic_bool stop;
static unsigned int timer_calls, event_calls, fd_calls;
static struct dp_ctl_event *ev;
static int pipe_fd[2];

static int
setup(void **state)
{
	(void)state;
	atomic_store(&stop, false);
	timer_calls = event_calls = fd_calls = 0;
	return dp_ctl_init() == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dp_ctl_fini();
	return 0;
}

static void
stop_after_three(void *ctx)
{
	(void)ctx;
	if (++timer_calls == 3)
		atomic_store(&stop, true);
}

static void
test_timer(void **state)
{
	(void)state;
	assert_int_equal(dp_ctl_every(1000000, stop_after_three, NULL), 0);
	dp_ctl_run(&stop);
	assert_int_equal(timer_calls, 3);
	assert_int_equal(dp_ctl_every(0, stop_after_three, NULL), -EINVAL);
	assert_int_equal(dp_ctl_every(1000, NULL, NULL), -EINVAL);
}

static void
on_event(void *ctx)
{
	(void)ctx;
	event_calls++;
	atomic_store(&stop, true);
}

static void *
raise_three(void *arg)
{
	(void)arg;
	dp_ctl_event_raise(ev);
	dp_ctl_event_raise(ev);
	dp_ctl_event_raise(ev);
	return NULL;
}

/* Raised three times before the loop runs: one wake-up, one call. */
static void
test_event_from_thread(void **state)
{
	pthread_t t;

	(void)state;
	assert_int_equal(dp_ctl_event_new(on_event, NULL, &ev), 0);
	assert_int_equal(pthread_create(&t, NULL, raise_three, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	dp_ctl_run(&stop);
	assert_int_equal(event_calls, 1);
}

static void *
stop_and_wake(void *arg)
{
	(void)arg;
	atomic_store(&stop, true);
	dp_ctl_wake();
	return NULL;
}

/* Nothing else registered: only dp_ctl_wake() can end the wait. */
static void
test_wake_ends_loop(void **state)
{
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, stop_and_wake, NULL), 0);
	dp_ctl_run(&stop);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(atomic_load(&stop));
}

static void
on_readable(void *ctx)
{
	char c;

	assert_ptr_equal(ctx, &pipe_fd);
	assert_int_equal(read(pipe_fd[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	fd_calls++;
	atomic_store(&stop, true);
}

static void
test_watch_fd(void **state)
{
	(void)state;
	assert_int_equal(pipe(pipe_fd), 0);
	assert_int_equal(dp_ctl_watch(pipe_fd[0], on_readable, &pipe_fd), 0);
	assert_int_equal(write(pipe_fd[1], "x", 1), 1);
	dp_ctl_run(&stop);
	assert_int_equal(fd_calls, 1);
	close(pipe_fd[1]);	/* pipe_fd[0] is closed by dp_ctl_fini */
}

static void
test_limit_and_late_raise(void **state)
{
	int fds[NB_FDS];
	struct dp_ctl_event *e;
	unsigned int i, made = 0;

	(void)state;
	/* the loop's own wake-up event takes one source */
	for (i = 0; i < DP_CTL_MAX_SOURCES; i++)
		if (dp_ctl_event_new(on_event, NULL, &e) == 0)
			made++;
	assert_int_equal(made, DP_CTL_MAX_SOURCES - 1);
	assert_int_equal(dp_ctl_event_new(on_event, NULL, &e), -ENOSPC);
	dp_ctl_fini();
	/* descriptors opened now reuse the numbers the sources had: a late raise must write none */
	for (i = 0; i < NB_FDS; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK);
		assert_true(fds[i] >= 0);
	}
	dp_ctl_event_raise(e);
	for (i = 0; i < NB_FDS; i++) {
		uint64_t v;

		assert_int_equal(read(fds[i], &v, sizeof(v)), -1);
		assert_int_equal(errno, EAGAIN);
		close(fds[i]);
	}
	assert_int_equal(dp_ctl_init(), 0);	/* for teardown */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_from_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_ends_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_and_late_raise, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
