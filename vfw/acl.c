/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule set: compile the parsed rules into two rte_acl contexts (IPv4, IPv6),
 * publish by pointer swap, free the old set after an RCU grace period, carry
 * per-rule counters over (acl.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "acl.h"
#include "dp_clock.h"
#include "dp_engine.h"

struct vfw_ruleset *vfw_ruleset_cur;
struct rte_rcu_qsbr *vfw_rcu;

/* Serialises replace and stats (control threads only). */
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int rules_nb_workers;	/* written: init; read: control */
static uint64_t rules_generation;	/* under rules_lock */

/* --- the ACL layouts --- */

enum {
	F4_PROTO, F4_SRC, F4_DST, F4_SPORT, F4_DPORT, F4_DIR, F4_NUM
};

enum {
	F6_PROTO, F6_SRC0, F6_SRC1, F6_SRC2, F6_SRC3, F6_DST0, F6_DST1, F6_DST2, F6_DST3,
	F6_SPORT, F6_DPORT, F6_DIR, F6_NUM
};

#define FIELD(t, sz, fi, ii, st, m) { .type = RTE_ACL_FIELD_TYPE_##t, .size = (sz), \
	.field_index = (fi), .input_index = (ii), .offset = offsetof(struct st, m) }
#define FIELD6(t, fi, ii, st, m, k) { .type = RTE_ACL_FIELD_TYPE_##t, .size = 4, \
	.field_index = (fi), .input_index = (ii), .offset = offsetof(struct st, m) + 4 * (k) }

static const struct rte_acl_field_def defs4[F4_NUM] = {
	FIELD(BITMASK, 1, F4_PROTO, 0, vfw_acl4_key, proto),
	FIELD(MASK, 4, F4_SRC, 1, vfw_acl4_key, src),
	FIELD(MASK, 4, F4_DST, 2, vfw_acl4_key, dst),
	FIELD(RANGE, 2, F4_SPORT, 3, vfw_acl4_key, sport),
	FIELD(RANGE, 2, F4_DPORT, 3, vfw_acl4_key, dport),
	FIELD(BITMASK, 4, F4_DIR, 4, vfw_acl4_key, dir),
};

static const struct rte_acl_field_def defs6[F6_NUM] = {
	FIELD(BITMASK, 1, F6_PROTO, 0, vfw_acl6_key, proto),
	FIELD6(MASK, F6_SRC0, 1, vfw_acl6_key, src, 0),
	FIELD6(MASK, F6_SRC1, 2, vfw_acl6_key, src, 1),
	FIELD6(MASK, F6_SRC2, 3, vfw_acl6_key, src, 2),
	FIELD6(MASK, F6_SRC3, 4, vfw_acl6_key, src, 3),
	FIELD6(MASK, F6_DST0, 5, vfw_acl6_key, dst, 0),
	FIELD6(MASK, F6_DST1, 6, vfw_acl6_key, dst, 1),
	FIELD6(MASK, F6_DST2, 7, vfw_acl6_key, dst, 2),
	FIELD6(MASK, F6_DST3, 8, vfw_acl6_key, dst, 3),
	FIELD(RANGE, 2, F6_SPORT, 9, vfw_acl6_key, sport),
	FIELD(RANGE, 2, F6_DPORT, 9, vfw_acl6_key, dport),
	FIELD(BITMASK, 4, F6_DIR, 10, vfw_acl6_key, dir),
};

RTE_ACL_RULE_DEF(acl4_rule, F4_NUM);
RTE_ACL_RULE_DEF(acl6_rule, F6_NUM);

/* Fields shared by both layouts: proto, ports (or ICMP type/code), direction. */
static void
common_fields(const struct vfw_rule *r, struct rte_acl_field *proto, struct rte_acl_field *sport,
		struct rte_acl_field *dport, struct rte_acl_field *dir)
{
	if (r->proto == VFW_PROTO_ANY) {
		proto->value.u8 = 0;
		proto->mask_range.u8 = 0;
	} else {
		proto->value.u8 = (uint8_t)r->proto;
		proto->mask_range.u8 = 0xff;
	}
	if (r->icmp_type >= 0) {
		sport->value.u16 = (uint16_t)r->icmp_type;
		sport->mask_range.u16 = (uint16_t)r->icmp_type;
	} else {
		sport->value.u16 = r->sport_lo;
		sport->mask_range.u16 = r->sport_hi;
	}
	if (r->icmp_code >= 0) {
		dport->value.u16 = (uint16_t)r->icmp_code;
		dport->mask_range.u16 = (uint16_t)r->icmp_code;
	} else {
		dport->value.u16 = r->dport_lo;
		dport->mask_range.u16 = r->dport_hi;
	}
	if (r->dir == VFW_DIR_ANY) {
		dir->value.u32 = 0;
		dir->mask_range.u32 = 0;
	} else {
		dir->value.u32 = r->dir;
		dir->mask_range.u32 = UINT32_MAX;
	}
}

static void
rule4(const struct vfw_rule *r, uint32_t idx, uint32_t prio, struct acl4_rule *a)
{
	uint32_t v;

	memset(a, 0, sizeof(*a));
	a->data.category_mask = 1;
	a->data.priority = (int32_t)prio;
	a->data.userdata = idx + 1;
	common_fields(r, &a->field[F4_PROTO], &a->field[F4_SPORT], &a->field[F4_DPORT],
			&a->field[F4_DIR]);
	memcpy(&v, r->src.addr, 4);
	a->field[F4_SRC].value.u32 = ntohl(v);
	a->field[F4_SRC].mask_range.u32 = r->src.family != 0 ? r->src.len : 0;
	memcpy(&v, r->dst.addr, 4);
	a->field[F4_DST].value.u32 = ntohl(v);
	a->field[F4_DST].mask_range.u32 = r->dst.family != 0 ? r->dst.len : 0;
}

static void
prefix6(const struct vfw_prefix *p, struct rte_acl_field *f)
{
	unsigned int k;

	for (k = 0; k < 4; k++) {
		int bits = p->family != 0 ? (int)p->len - 32 * (int)k : 0;
		uint32_t v;

		memcpy(&v, p->addr + 4 * k, 4);
		f[k].value.u32 = ntohl(v);
		f[k].mask_range.u32 = (uint32_t)(bits < 0 ? 0 : bits > 32 ? 32 : bits);
	}
}

static void
rule6(const struct vfw_rule *r, uint32_t idx, uint32_t prio, struct acl6_rule *a)
{
	memset(a, 0, sizeof(*a));
	a->data.category_mask = 1;
	a->data.priority = (int32_t)prio;
	a->data.userdata = idx + 1;
	common_fields(r, &a->field[F6_PROTO], &a->field[F6_SPORT], &a->field[F6_DPORT],
			&a->field[F6_DIR]);
	prefix6(&r->src, &a->field[F6_SRC0]);
	prefix6(&r->dst, &a->field[F6_DST0]);
}

/* Build the context of one family; *ctx stays NULL when no rule applies. */
static int
build_family(const struct vfw_rule_list *l, unsigned int fam, uint64_t gen,
		struct rte_acl_ctx **ctx, uint32_t *count, char *err, size_t errlen)
{
	uint8_t famflag = fam == 0 ? DP_FAM_V4 : DP_FAM_V6;
	unsigned int nf = fam == 0 ? F4_NUM : F6_NUM;
	struct rte_acl_param prm;
	struct rte_acl_config cfg;
	char name[RTE_ACL_NAMESIZE];
	uint32_t i, n = 0;
	int rc;

	*ctx = NULL;
	for (i = 0; i < l->nb_rules; i++)
		if (l->rules[i].families & famflag)
			n++;
	*count = n;
	if (n == 0)
		return 0;
	snprintf(name, sizeof(name), "vfw_acl%c_%" PRIu64, fam == 0 ? '4' : '6', gen);
	memset(&prm, 0, sizeof(prm));
	prm.name = name;
	prm.socket_id = SOCKET_ID_ANY;
	prm.rule_size = RTE_ACL_RULE_SZ(nf);
	prm.max_rule_num = n;
	*ctx = rte_acl_create(&prm);
	if (*ctx == NULL) {
		snprintf(err, errlen, "rte_acl_create(%u rules): %s", n, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (i = 0; i < l->nb_rules; i++) {
		const struct vfw_rule *r = &l->rules[i];
		uint32_t prio = l->nb_rules - i;	/* the first rule wins */

		if (!(r->families & famflag))
			continue;
		if (fam == 0) {
			struct acl4_rule a;

			rule4(r, i, prio, &a);
			rc = rte_acl_add_rules(*ctx, (const struct rte_acl_rule *)&a, 1);
		} else {
			struct acl6_rule a;

			rule6(r, i, prio, &a);
			rc = rte_acl_add_rules(*ctx, (const struct rte_acl_rule *)&a, 1);
		}
		if (rc != 0) {
			snprintf(err, errlen, "rte_acl_add_rules (line %u): %s", r->line, strerror(-rc));
			goto fail;
		}
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	cfg.num_fields = nf;
	memcpy(cfg.defs, fam == 0 ? defs4 : defs6, sizeof(cfg.defs[0]) * nf);
	rc = rte_acl_build(*ctx, &cfg);
	if (rc != 0) {
		snprintf(err, errlen, "rte_acl_build (%s, %u rules): %s", fam == 0 ? "IPv4" : "IPv6",
			 n, strerror(-rc));
		goto fail;
	}
	return 0;
fail:
	rte_acl_free(*ctx);
	*ctx = NULL;
	return rc < 0 ? rc : -EINVAL;
}

static void
ruleset_free(struct vfw_ruleset *rs)
{
	unsigned int w;

	if (rs == NULL)
		return;
	rte_acl_free(rs->acl[0]);
	rte_acl_free(rs->acl[1]);
	rte_free(rs->verdict);
	for (w = 0; w < RTE_MAX_LCORE; w++)
		rte_free(rs->ctr[w]);
	vfw_rule_list_free(&rs->list);
	free(rs->text);
	free(rs->base);
	free(rs);
}

/* Takes ownership of the list (also on failure). */
static int
ruleset_build(struct vfw_rule_list *l, const char *source, uint64_t gen,
		struct vfw_ruleset **out, char *err, size_t errlen)
{
	struct vfw_ruleset *rs = calloc(1, sizeof(*rs));
	uint32_t n = l->nb_rules, i, c4, c6;
	unsigned int w;
	int rc;

	*out = NULL;
	if (rs == NULL) {
		vfw_rule_list_free(l);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rs->list = *l;
	memset(l, 0, sizeof(*l));
	rs->nb_rules = n;
	rs->generation = gen;
	rs->loaded_ns = dp_real_ns();
	snprintf(rs->source, sizeof(rs->source), "%s", source);
	rs->text = calloc(n + 1, sizeof(*rs->text));
	rs->base = calloc(n + 1, sizeof(*rs->base));
	rs->verdict = rte_zmalloc("vfw_verdict", sizeof(*rs->verdict) * (n + 1), 0);
	if (rs->text == NULL || rs->base == NULL || rs->verdict == NULL)
		goto nomem;
	for (w = 0; w < rules_nb_workers; w++) {
		rs->ctr[w] = rte_zmalloc("vfw_rule_ctr", sizeof(struct vfw_rule_ctr) * (n + 1),
				RTE_CACHE_LINE_SIZE);
		if (rs->ctr[w] == NULL)
			goto nomem;
	}
	for (i = 0; i < n; i++) {
		rs->verdict[i].action = rs->list.rules[i].action;
		rs->verdict[i].stateless = rs->list.rules[i].stateless;
		vfw_rule_format(&rs->list.rules[i], rs->text[i], sizeof(rs->text[i]));
	}
	rs->verdict[n].action = rs->list.default_action;
	rs->verdict[n].stateless = rs->list.default_stateless;
	vfw_rule_default_format(&rs->list, rs->text[n], sizeof(rs->text[n]));
	rc = build_family(&rs->list, 0, gen, &rs->acl[0], &c4, err, errlen);
	if (rc == 0)
		rc = build_family(&rs->list, 1, gen, &rs->acl[1], &c6, err, errlen);
	if (rc != 0) {
		ruleset_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
nomem:
	ruleset_free(rs);
	snprintf(err, errlen, "out of memory for a rule set of %u rules", n);
	return -ENOMEM;
}

/* Sum of one rule's counters over the workers, plus what was carried over. */
static struct vfw_rule_ctr
rule_total(const struct vfw_ruleset *rs, uint32_t i)
{
	struct vfw_rule_ctr t = rs->base[i];
	unsigned int w;

	for (w = 0; w < rules_nb_workers; w++) {
		if (rs->ctr[w] == NULL)
			continue;
		t.packets += dp_ctr_read(&rs->ctr[w][i].packets);
		t.bytes += dp_ctr_read(&rs->ctr[w][i].bytes);
	}
	return t;
}

struct text_idx {
	const char *text;
	uint32_t idx;
};

static int
text_idx_cmp(const void *a, const void *b)
{
	const struct text_idx *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c != 0 ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * match[i] = index of the old rule whose counters new rule i inherits, or
 * UINT32_MAX. The defaults always match.
 */
static uint32_t *
match_rules(const struct vfw_ruleset *old, const struct vfw_ruleset *nw)
{
	uint32_t *match = malloc(sizeof(*match) * (nw->nb_rules + 1));
	struct text_idx *sorted = malloc(sizeof(*sorted) * (old->nb_rules + 1));
	bool *used = calloc(old->nb_rules + 1, sizeof(*used));
	uint32_t i;

	if (match == NULL || sorted == NULL || used == NULL) {
		free(match);
		free(sorted);
		free(used);
		return NULL;
	}
	for (i = 0; i < old->nb_rules; i++)
		sorted[i] = (struct text_idx){ old->text[i], i };
	qsort(sorted, old->nb_rules, sizeof(*sorted), text_idx_cmp);
	for (i = 0; i < nw->nb_rules; i++) {
		struct text_idx key = { nw->text[i], 0 };
		size_t lo = 0, hi = old->nb_rules;

		match[i] = UINT32_MAX;
		while (lo < hi) {	/* first entry >= (text, 0) */
			size_t mid = (lo + hi) / 2;

			if (text_idx_cmp(&sorted[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < old->nb_rules && strcmp(sorted[lo].text, nw->text[i]) == 0; lo++) {
			if (!used[sorted[lo].idx]) {
				used[sorted[lo].idx] = true;
				match[i] = sorted[lo].idx;
				break;
			}
		}
	}
	match[nw->nb_rules] = old->nb_rules;
	free(sorted);
	free(used);
	return match;
}

static int
replace_locked(struct vfw_rule_list *l, const char *source, char *err, size_t errlen)
{
	struct vfw_ruleset *nw, *old;
	struct vfw_rule_ctr *snap = NULL;
	uint32_t *match = NULL, i;
	int rc;

	rc = ruleset_build(l, source, rules_generation + 1, &nw, err, errlen);
	if (rc != 0)
		return rc;
	old = vfw_ruleset_cur;
	if (old != NULL) {
		match = match_rules(old, nw);
		snap = calloc(nw->nb_rules + 1, sizeof(*snap));
		if (match == NULL || snap == NULL) {
			free(match);
			free(snap);
			ruleset_free(nw);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		for (i = 0; i <= nw->nb_rules; i++) {
			if (match[i] == UINT32_MAX)
				continue;
			snap[i] = rule_total(old, match[i]);
			nw->base[i] = snap[i];
		}
	}
	rules_generation++;
	__atomic_store_n(&vfw_ruleset_cur, nw, __ATOMIC_RELEASE);
	if (old != NULL) {
		/* every worker has finished the loop that might use old */
		if (vfw_rcu != NULL)
			rte_rcu_qsbr_synchronize(vfw_rcu, RTE_QSBR_THRID_INVALID);
		for (i = 0; i <= nw->nb_rules; i++) {
			struct vfw_rule_ctr fin;

			if (match[i] == UINT32_MAX)
				continue;
			fin = rule_total(old, match[i]);
			nw->base[i].packets += fin.packets - snap[i].packets;
			nw->base[i].bytes += fin.bytes - snap[i].bytes;
		}
		ruleset_free(old);
	}
	free(match);
	free(snap);
	return 0;
}

int
vfw_rules_replace_from_text(const char *text, const char *source, char *err, size_t errlen)
{
	struct vfw_rule_list l;
	int rc;

	if (source == NULL)
		source = "<api>";
	rc = vfw_rules_parse(text, source, &l, err, errlen);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&rules_lock);
	rc = replace_locked(&l, source, err, errlen);
	pthread_mutex_unlock(&rules_lock);
	return rc;
}

int
vfw_rules_replace_from_file(const char *path, char *err, size_t errlen)
{
	struct vfw_rule_list l;
	int rc;

	rc = vfw_rules_parse_file(path, &l, err, errlen);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&rules_lock);
	rc = replace_locked(&l, path, err, errlen);
	pthread_mutex_unlock(&rules_lock);
	return rc;
}

int
vfw_rules_init(unsigned int nb_workers, char *err, size_t errlen)
{
	rules_nb_workers = nb_workers;
	vfw_rcu = dp_rcu();	/* the process's, shared with the worker engine */
	if (vfw_rcu == NULL) {
		snprintf(err, errlen, "cannot create the RCU variable of the rule set");
		return -ENOMEM;
	}
	return 0;
}

void
vfw_rules_fini(void)
{
	pthread_mutex_lock(&rules_lock);
	ruleset_free(vfw_ruleset_cur);
	vfw_ruleset_cur = NULL;
	vfw_rcu = NULL;		/* dp_rcu() outlives the rule set */
	pthread_mutex_unlock(&rules_lock);
}

int
vfw_rules_stats(struct vfw_rules_info *info, struct vfw_rule_stat **stats)
{
	const struct vfw_ruleset *rs;
	struct vfw_rule_stat *st;
	uint32_t i;

	*stats = NULL;
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&rules_lock);
	rs = vfw_ruleset_cur;
	if (rs == NULL) {
		pthread_mutex_unlock(&rules_lock);
		return -ENOENT;
	}
	st = calloc(rs->nb_rules + 1, sizeof(*st));
	if (st == NULL) {
		pthread_mutex_unlock(&rules_lock);
		return -ENOMEM;
	}
	info->generation = rs->generation;
	info->loaded_ns = rs->loaded_ns;
	info->nb_rules = rs->nb_rules;
	snprintf(info->source, sizeof(info->source), "%s", rs->source);
	for (i = 0; i <= rs->nb_rules; i++) {
		struct vfw_rule_ctr t = rule_total(rs, i);

		st[i].is_default = i == rs->nb_rules;
		st[i].line = st[i].is_default ? rs->list.default_line : rs->list.rules[i].line;
		st[i].action = rs->verdict[i].action;
		memcpy(st[i].text, rs->text[i], sizeof(st[i].text));
		st[i].packets = t.packets;
		st[i].bytes = t.bytes;
		if (!st[i].is_default) {
			info->nb_v4 += (rs->list.rules[i].families & DP_FAM_V4) != 0;
			info->nb_v6 += (rs->list.rules[i].families & DP_FAM_V6) != 0;
		}
	}
	pthread_mutex_unlock(&rules_lock);
	*stats = st;
	return 0;
}
