/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "mgmt.h"
#include "vfw.h"
#include "vfw_mgmt.h"

static struct mgmt_options mopt;	/* written: option setters; then immutable */
static struct mgmt_server *srv;		/* written: main; read: main */

static const char *const action_names[] = { "deny", "allow" };

json_t *
vfw_mgmt_rules_json(void)
{
	struct vfw_rules_info info;
	struct vfw_rule_stat *st = NULL;
	json_t *rules, *root;
	uint32_t i;

	if (vfw_rules_stats(&info, &st) != 0)
		return json_null();
	rules = json_array();
	for (i = 0; i <= info.nb_rules; i++) {
		json_array_append_new(rules, json_pack("{s:i,s:b,s:s,s:s,s:I,s:I}",
				"line", (int)st[i].line, "default", st[i].is_default,
				"action", st[i].action < 2 ? action_names[st[i].action] : "?",
				"text", st[i].text, "packets", (json_int_t)st[i].packets,
				"bytes", (json_int_t)st[i].bytes));
	}
	free(st);
	root = json_pack("{s:s,s:I,s:i,s:o}", "source", info.source,
			"generation", (json_int_t)info.generation, "nb_rules", (int)info.nb_rules,
			"rules", rules);
	return root;
}

static int
get_rules(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	json_t *j = vfw_mgmt_rules_json();

	RTE_SET_USED(ctx);
	RTE_SET_USED(req);
	if (j == NULL || json_is_null(j)) {
		json_decref(j);
		return mgmt_reply_error(rep, 500, "the rule set cannot be read");
	}
	return mgmt_reply_json(rep, 200, j);
}

static int
put_rules(void *ctx, const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const keys[] = { "rules", NULL };
	const char *text;
	char err[512];
	int rc;

	RTE_SET_USED(ctx);
	if (mgmt_body_object(req, rep) != 0 ||
	    mgmt_json_only_keys(req->body, keys, "body", rep) != 0 ||
	    mgmt_json_string(req->body, "rules", true, 1u << 20, &text, rep) != 0)
		return rep->status;
	rc = vfw_rules_replace_from_text(text, "<api>", err, sizeof(err));
	if (rc == -EINVAL)
		return mgmt_reply_error(rep, 400, "rules refused, the current set stays: %s", err);
	if (rc != 0)
		return mgmt_reply_error(rep, 500, "rules not replaced, the current set stays: %s", err);
	return mgmt_reply_json(rep, 200, vfw_mgmt_rules_json());
}

int
vfw_mgmt_register_options(struct dp_app *app)
{
	mgmt_options_init(&mopt);
	return mgmt_options_register(app, &mopt);
}

int
vfw_mgmt_create(json_t *(*stats_json)(void *ctx), char *err, size_t errlen)
{
	struct mgmt_binding b = {
		.program = "vfw",
		.metric_prefix = "vfwcl_vfw_",
		.stats_json = stats_json,
		.counter_sets = {
			{ .ctrs = vfw.pctrs, .prefix = "vfwcl_vfw_", .label = "port" },
			{ .ctrs = vfw.sctrs, .prefix = "vfwcl_vfw_sessions_", .label = "table",
			  .nb_slots = 1 },
		},
		.nb_counter_sets = 2,
	};
	int rc;

	static const struct mgmt_route_def routes[] = {
		{ "GET", "/api/v1/rules", get_rules },
		{ "PUT", "/api/v1/rules", put_rules },
	};

	rc = mgmt_create(&srv, &mopt, &b, &vfw.cfg, err, errlen);
	if (rc == 0)
		rc = mgmt_route_table_add(srv, routes, RTE_DIM(routes), NULL);
	return rc;
}

int
vfw_mgmt_start(char *err, size_t errlen)
{
	return mgmt_start(srv, err, errlen);
}

void
vfw_mgmt_stop(void)
{
	mgmt_stop(srv);
	srv = NULL;
}
