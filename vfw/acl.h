/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule set: the rule file compiled with rte_acl, one immutable object
 * published by pointer and replaced live with RCU.
 *
 * Life of a rule set:
 *   - built off the fast path by a control thread (parse, rte_acl_build);
 *   - published by an atomic pointer store (release); workers load the
 *     pointer once per loop (acquire) and use it for the whole loop;
 *   - every worker reports a quiescent state (rte_rcu_qsbr) at the end of
 *     each loop; the replacer waits for all of them after the store, then
 *     frees the old set. No worker pauses, no packet is lost: a burst is
 *     classified entirely by the old or entirely by the new set.
 *
 * Per-rule counters (packets and bytes of the packets the rule decided:
 * the first packet of each flow it allowed, every packet it denied, every
 * packet of a stateless rule; packets of established flows skip the ACL and
 * are not counted here) are per worker, in the rule set. Over a replace, a
 * rule whose canonical text is unchanged keeps its counters (the first
 * unmatched old rule with the same text), and so does the default policy;
 * new or changed rules start at zero. The carried-over part is added in two
 * steps (snapshot before the swap, the rest after the grace period) so that
 * nothing is lost or counted twice.
 *
 * Thread safety: vfw_rules_replace_*() and vfw_rules_stats() are for
 * control threads and serialise on a mutex; vfw_rules_replace_*() returns
 * after the old set is freed (one worker loop, at most the idle sleep).
 * Workers use vfw_ruleset_get(), vfw_acl_classify4/6() and vfw_rule_count().
 */
#ifndef VFW_ACL_H
#define VFW_ACL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_acl.h>
#include <rte_config.h>
#include <rte_rcu_qsbr.h>

#include "dp_counters.h"
#include "rules.h"

/* ACL input of an IPv4 packet, network order (as rte_acl reads it). */
struct vfw_acl4_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;		/* ICMP: type */
	uint16_t dport;		/* ICMP: code */
	uint32_t dir;		/* rte_cpu_to_be_32(enum vfw_dir of the input port) */
};

struct vfw_acl6_key {
	uint8_t proto;
	uint8_t pad[3];
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t dir;
};

struct vfw_rule_ctr {
	uint64_t packets;
	uint64_t bytes;
};

struct vfw_rule_verdict {
	uint8_t action;		/* enum vfw_action */
	uint8_t stateless;
};

struct vfw_ruleset {
	/* immutable after publication; read: workers */
	struct rte_acl_ctx *acl[2];		/* [0] IPv4, [1] IPv6; NULL = no rule */
	uint32_t nb_rules;			/* the default policy is entry nb_rules */
	struct vfw_rule_verdict *verdict;	/* [nb_rules + 1] */
	struct vfw_rule_ctr *ctr[RTE_MAX_LCORE];	/* by worker index, [nb_rules + 1];
						 * written: that worker; read: control */
	/* control side only (under the rules mutex) */
	struct vfw_rule_list list;
	char (*text)[VFW_RULE_TEXT_MAX];	/* canonical text, [nb_rules + 1] */
	struct vfw_rule_ctr *base;		/* carried over, [nb_rules + 1] */
	uint64_t generation;
	uint64_t loaded_ns;			/* CLOCK_REALTIME */
	char source[PATH_MAX];
};

/* The published set. Written: control (replace); read: workers (RCU). */
extern struct vfw_ruleset *vfw_ruleset_cur;
/* Quiescent-state variable of the workers: dp_rcu() (thread id = worker index). */
extern struct rte_rcu_qsbr *vfw_rcu;

static inline const struct vfw_ruleset *
vfw_ruleset_get(void)
{
	return __atomic_load_n(&vfw_ruleset_cur, __ATOMIC_ACQUIRE);
}

/* ACL results: userdata = rule index + 1; 0 (no match) = the default. */
static inline void
vfw_acl_classify(const struct vfw_ruleset *rs, unsigned int fam, const uint8_t **keys,
		uint32_t *res, uint32_t n)
{
	uint32_t i;

	if (rs->acl[fam] == NULL || rte_acl_classify(rs->acl[fam], keys, res, n, 1) != 0)
		for (i = 0; i < n; i++)
			res[i] = 0;
}

static inline uint32_t
vfw_acl_rule(const struct vfw_ruleset *rs, uint32_t res)
{
	return res == 0 ? rs->nb_rules : res - 1;
}

static inline void
vfw_rule_count(const struct vfw_ruleset *rs, unsigned int worker, uint32_t rule, uint32_t bytes)
{
	struct vfw_rule_ctr *c = &rs->ctr[worker][rule];

	dp_ctr_add(&c->packets, 1);
	dp_ctr_add(&c->bytes, bytes);
}

/*
 * Create the RCU variable; nb_workers: worker indexes 0..nb_workers-1 get
 * counters in every rule set. Main lcore, after EAL, before any rule set.
 */
int vfw_rules_init(unsigned int nb_workers, char *err, size_t errlen);
/* Free the current set and the RCU variable (after the workers stopped). */
void vfw_rules_fini(void);

/*
 * Parse text (a whole rule file; source names it in messages and reports),
 * compile it, publish it, wait until no worker uses the old set, free the
 * old set. Returns 0; -EINVAL with "SOURCE:LINE: reason" in err for a bad
 * file (nothing changes); -ENOMEM/-E... when the build fails.
 */
int vfw_rules_replace_from_text(const char *text, const char *source, char *err, size_t errlen);
int vfw_rules_replace_from_file(const char *path, char *err, size_t errlen);

/* The built-in policy used without --rules (same as vfw/rules/example.rules). */
extern const char vfw_rules_builtin[];

/* A snapshot of the current set for reports. */
struct vfw_rule_stat {
	uint32_t line;		/* 0 for an implicit default */
	bool is_default;
	uint8_t action;
	char text[VFW_RULE_TEXT_MAX];
	uint64_t packets;
	uint64_t bytes;
};

struct vfw_rules_info {
	uint64_t generation;
	uint64_t loaded_ns;
	uint32_t nb_rules;
	uint32_t nb_v4;		/* rules in the IPv4 / IPv6 ACL */
	uint32_t nb_v6;
	char source[PATH_MAX];
};

/* Fills info and *stats (malloc'd, nb_rules + 1 entries, default last). */
int vfw_rules_stats(struct vfw_rules_info *info, struct vfw_rule_stat **stats);

#endif /* VFW_ACL_H */
