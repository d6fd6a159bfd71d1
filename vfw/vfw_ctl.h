/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfw's work on the process's control loop (vfw_ctl.c, dp_ctl.h): applies
 * what the workers learned about neighbours and reloads the rule file on
 * SIGHUP.
 *
 * Thread safety: start/stop and the SIGHUP set-up on the main lcore.
 */
#ifndef VFW_CTL_H
#define VFW_CTL_H

/* Catch SIGHUP: a request kept in vfw.reload_req until vfw_ctl_start. */
void vfw_ctl_catch_sighup(void);

/* Register with the control loop (after dp_main_init): 0, or negative errno. */
int vfw_ctl_start(void);

/* The last neighbour updates; SIGHUP ignored from now on. */
void vfw_ctl_stop(void);

#endif /* VFW_CTL_H */
