/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfw control thread (vfw_ctl.c): applies what the workers learned about
 * neighbours and reloads the rule file on SIGHUP.
 *
 * Thread safety: start/stop and the SIGHUP set-up on the main lcore.
 */
#ifndef VFW_CTL_H
#define VFW_CTL_H

/* Catch SIGHUP: a request kept in vfw.reload_req until the control thread runs. */
void vfw_ctl_catch_sighup(void);

/* Start the control thread: 0, or positive errno. */
int vfw_ctl_start(void);

/* Stop and join it (nothing when not started). */
void vfw_ctl_stop(void);

#endif /* VFW_CTL_H */
