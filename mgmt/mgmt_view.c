/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server's reading of the binding's view (dp_view.h): the data plane
 * as the core routes, the config document and /metrics show it. A program
 * without a view (the controller) has no ports, no workers and no
 * platform version, and is never "stopping".
 */
#include "mgmt_internal.h"

const char *
mgmt_platform_version(const struct mgmt_server *s)
{
	const struct dp_view *v = s->b.view;

	return v != NULL && v->platform_version != NULL ? v->platform_version() : NULL;
}

unsigned int
mgmt_nb_ports(const struct mgmt_server *s)
{
	return s->b.view != NULL ? s->b.view->nb_ports() : 0;
}

unsigned int
mgmt_nb_workers(const struct mgmt_server *s)
{
	return s->b.view != NULL ? s->b.view->nb_workers() : 0;
}

bool
mgmt_stopping(const struct mgmt_server *s)
{
	return s->b.view != NULL && s->b.view->stopping();
}
