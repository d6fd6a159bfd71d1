/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of vfw/acl.c with rte_acl (needs EAL memory, no ports): what each
 * kind of rule matches, first match wins, the default, IPv6, a refused file
 * leaves the set in place, per-rule counters carried over a reload, and a
 * reader that keeps classifying while the set is replaced (RCU).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include <rte_eal.h>

#include "acl.h"
#include "test_eal.h"

static char err[256];

static void
load(const char *text)
{
	if (vfw_rules_replace_from_text(text, "test", err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* Result for an IPv4 packet: the rule index (nb_rules = the default). */
static uint32_t
c4(uint8_t proto, const char *src, const char *dst, uint16_t sp, uint16_t dp, uint32_t dir)
{
	const struct vfw_ruleset *rs = vfw_ruleset_get();
	struct vfw_acl4_key k;
	const uint8_t *kp = (const uint8_t *)&k;
	uint32_t res;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	inet_pton(AF_INET, src, &k.src);
	inet_pton(AF_INET, dst, &k.dst);
	k.sport = htons(sp);
	k.dport = htons(dp);
	k.dir = htonl(dir);
	vfw_acl_classify(rs, 0, &kp, &res, 1);
	return vfw_acl_rule(rs, res);
}

static uint32_t
c6(uint8_t proto, const char *src, const char *dst, uint16_t sp, uint16_t dp, uint32_t dir)
{
	const struct vfw_ruleset *rs = vfw_ruleset_get();
	struct vfw_acl6_key k;
	const uint8_t *kp = (const uint8_t *)&k;
	uint32_t res;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	inet_pton(AF_INET6, src, k.src);
	inet_pton(AF_INET6, dst, k.dst);
	k.sport = htons(sp);
	k.dport = htons(dp);
	k.dir = htonl(dir);
	vfw_acl_classify(rs, 1, &kp, &res, 1);
	return vfw_acl_rule(rs, res);
}

#define IN VFW_DIR_IN
#define OUT VFW_DIR_OUT
#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP
#define ICMP IPPROTO_ICMP

static void
test_match_v4(void **state)
{
	(void)state;
	load("deny in tcp from 10.0.0.0/8 port 1000-2000 to 192.168.20.5 port 22\n"	/* 0 */
	     "allow out any\n"								/* 1 */
	     "allow in udp to 192.168.20.0/24 port 8080\n"				/* 2 */
	     "allow in icmp type echo-request\n"					/* 3 */
	     "allow in tcp to 192.168.20.5 port 22\n"					/* 4 */
	     "allow icmp type 3 code 4\n"						/* 5 */
	     "deny proto 47\n"								/* 6 */
	     "allow in udp from 172.16.0.0/12 port 53\n");				/* 7 */
	/* default at 8 */
	assert_int_equal(c4(TCP, "10.1.2.3", "192.168.20.5", 1500, 22, IN), 0);
	assert_int_equal(c4(TCP, "10.1.2.3", "192.168.20.5", 999, 22, IN), 4);	/* port out of range */
	assert_int_equal(c4(TCP, "11.1.2.3", "192.168.20.5", 1500, 22, IN), 4);	/* prefix */
	assert_int_equal(c4(TCP, "10.1.2.3", "192.168.20.5", 1500, 22, OUT), 1);	/* direction */
	assert_int_equal(c4(TCP, "10.1.2.3", "192.168.20.6", 1500, 22, IN), 8);
	assert_int_equal(c4(UDP, "1.2.3.4", "192.168.20.250", 15320, 8080, IN), 2);
	assert_int_equal(c4(UDP, "1.2.3.4", "192.168.20.250", 15320, 8081, IN), 8);
	assert_int_equal(c4(UDP, "1.2.3.4", "192.168.21.250", 15320, 8080, IN), 8);
	assert_int_equal(c4(UDP, "192.168.20.250", "1.2.3.4", 8080, 15320, OUT), 1);
	assert_int_equal(c4(ICMP, "1.2.3.4", "192.168.20.250", 8, 0, IN), 3);	/* type in sport */
	assert_int_equal(c4(ICMP, "1.2.3.4", "192.168.20.250", 0, 0, IN), 8);	/* echo reply */
	assert_int_equal(c4(ICMP, "1.2.3.4", "192.168.20.250", 3, 4, IN), 5);
	assert_int_equal(c4(ICMP, "1.2.3.4", "192.168.20.250", 3, 3, IN), 8);	/* code */
	assert_int_equal(c4(47, "1.2.3.4", "192.168.20.250", 0, 0, IN), 6);
	assert_int_equal(c4(UDP, "172.20.0.1", "192.168.20.1", 53, 4000, IN), 7);
	assert_int_equal(c4(UDP, "172.32.0.1", "192.168.20.1", 53, 4000, IN), 8);
	assert_int_equal(c4(UDP, "1.2.3.4", "5.6.7.8", 1, 2, VFW_DIR_ANY), 8);	/* no role */
}

static void
test_match_v6_and_families(void **state)
{
	(void)state;
	load("allow in udp to 2001:db8:20::/64 port 8080\n"	/* 0 */
	     "allow in icmp6 type echo-request\n"		/* 1 */
	     "deny in tcp from 2001:db8:bad::/48\n"		/* 2 */
	     "allow in tcp to 2001:db8:20::5\n"			/* 3 */
	     "allow in ip4\n"					/* 4: IPv4 only */
	     "allow out any\n");				/* 5 */
	assert_int_equal(c6(UDP, "2001:db8:10::1", "2001:db8:20::250", 1, 8080, IN), 0);
	assert_int_equal(c6(UDP, "2001:db8:10::1", "2001:db8:21::250", 1, 8080, IN), 6);
	assert_int_equal(c6(IPPROTO_ICMPV6, "2001:db8:10::1", "2001:db8:20::1", 128, 0, IN), 1);
	assert_int_equal(c6(TCP, "2001:db8:bad:1::1", "2001:db8:20::5", 1, 80, IN), 2);
	assert_int_equal(c6(TCP, "2001:db8:bae::1", "2001:db8:20::5", 1, 80, IN), 3);
	assert_int_equal(c6(TCP, "2001:db8:bae::1", "2001:db8:20::6", 1, 80, IN), 6);
	assert_int_equal(c6(TCP, "2001:db8:20::6", "2001:db8:bae::1", 80, 1, OUT), 5);
	/* "allow in ip4" is not in the IPv6 context; "icmp6" not in the IPv4 one */
	assert_int_equal(c4(TCP, "1.1.1.1", "2.2.2.2", 1, 2, IN), 4);
	assert_int_equal(c4(ICMP, "1.1.1.1", "2.2.2.2", 128, 0, IN), 4);
	load("allow in udp to 2001:db8::/32\n");
	assert_int_equal(c4(UDP, "1.1.1.1", "2.2.2.2", 1, 2, IN), 1);	/* no IPv4 rule: default */
	assert_null(vfw_ruleset_get()->acl[0]);
	load("");
	assert_int_equal(c4(UDP, "1.1.1.1", "2.2.2.2", 1, 2, IN), 0);
	assert_int_equal(c6(UDP, "::1", "::2", 1, 2, IN), 0);
}

static void
test_refused_keeps_set(void **state)
{
	const struct vfw_ruleset *rs;
	uint64_t gen;

	(void)state;
	load("allow out any\n");
	rs = vfw_ruleset_get();
	gen = rs->generation;
	assert_int_equal(vfw_rules_replace_from_text("allow out any\nallow in tcp to 1.2.3.4/8\n",
			"bad.rules", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad.rules:2: host bits set"));
	assert_ptr_equal(vfw_ruleset_get(), rs);
	assert_int_equal(vfw_ruleset_get()->generation, gen);
	assert_int_equal(vfw_rules_replace_from_file("/nonexistent.rules", err, sizeof(err)), -ENOENT);
	assert_ptr_equal(vfw_ruleset_get(), rs);
}

static uint64_t
stat_packets(const char *text)
{
	struct vfw_rules_info info;
	struct vfw_rule_stat *st;
	uint64_t v = UINT64_MAX;
	uint32_t i;

	assert_int_equal(vfw_rules_stats(&info, &st), 0);
	for (i = 0; i <= info.nb_rules; i++)
		if (strcmp(st[i].text, text) == 0)
			v = st[i].packets;
	free(st);
	return v;
}

static void
test_counters_carry_over(void **state)
{
	const struct vfw_ruleset *rs;

	(void)state;
	load("allow out any\nallow in udp to 10.0.0.0/8 port 53\ndeny in tcp\ndefault deny\n");
	rs = vfw_ruleset_get();
	vfw_rule_count(rs, 0, 0, 100);
	vfw_rule_count(rs, 0, 1, 100);
	vfw_rule_count(rs, 0, 1, 100);
	vfw_rule_count(rs, 0, 2, 100);
	vfw_rule_count(rs, 0, 3, 100);	/* default */
	assert_int_equal(stat_packets("allow in udp to 10.0.0.0/8 port 53"), 2);
	/* reorder, change one rule, add one: unchanged texts keep their counts */
	load("# reordered\nallow in udp to 10.0.0.0/8 port 53\nallow in icmp\nallow out any\n"
	     "deny in tcp from any port 1\n");
	assert_int_equal(stat_packets("allow in udp to 10.0.0.0/8 port 53"), 2);
	assert_int_equal(stat_packets("allow out any"), 1);
	assert_int_equal(stat_packets("allow in icmp"), 0);
	assert_int_equal(stat_packets("deny in tcp from any port 1"), 0);
	assert_int_equal(stat_packets("default deny"), 1);
	/* counted after the reload, then once more */
	vfw_rule_count(vfw_ruleset_get(), 0, 0, 100);
	load("allow in udp to 10.0.0.0/8 port 53\n");
	assert_int_equal(stat_packets("allow in udp to 10.0.0.0/8 port 53"), 3);
	assert_int_equal(stat_packets("allow out any"), UINT64_MAX);
	/* duplicates: matched one to one in order */
	load("allow udp\nallow udp\n");
	vfw_rule_count(vfw_ruleset_get(), 0, 0, 1);
	load("allow tcp\nallow udp\nallow udp\nallow udp\n");
	{
		struct vfw_rules_info info;
		struct vfw_rule_stat *st;

		assert_int_equal(vfw_rules_stats(&info, &st), 0);
		assert_int_equal(info.nb_rules, 4);
		assert_int_equal(st[1].packets, 1);
		assert_int_equal(st[2].packets, 0);
		assert_int_equal(st[3].packets, 0);
		free(st);
	}
}

/* A worker-like reader: classifies with whatever set is published, quiesces. */
static atomic_bool stop_reader;
static atomic_uint_fast64_t reader_loops;
static atomic_uint_fast64_t reader_bad;

static void *
reader(void *arg)
{
	unsigned int tid = 1;

	(void)arg;
	rte_rcu_qsbr_thread_register(vfw_rcu, tid);
	rte_rcu_qsbr_thread_online(vfw_rcu, tid);
	while (!atomic_load(&stop_reader)) {
		const struct vfw_ruleset *rs = vfw_ruleset_get();
		struct vfw_acl4_key k;
		const uint8_t *kp = (const uint8_t *)&k;
		uint32_t res, rule;

		memset(&k, 0, sizeof(k));
		k.proto = UDP;
		k.dport = htons(8080);
		k.dir = htonl(IN);
		vfw_acl_classify(rs, 0, &kp, &res, 1);
		rule = vfw_acl_rule(rs, res);
		/* every published set allows this packet with its last rule */
		if (rule != rs->nb_rules - 1 || rs->verdict[rule].action != VFW_ALLOW)
			atomic_fetch_add(&reader_bad, 1);
		vfw_rule_count(rs, 0, rule, 60);
		rte_rcu_qsbr_quiescent(vfw_rcu, tid);
		atomic_fetch_add(&reader_loops, 1);
	}
	rte_rcu_qsbr_thread_offline(vfw_rcu, tid);
	rte_rcu_qsbr_thread_unregister(vfw_rcu, tid);
	return NULL;
}

static void
test_live_replace(void **state)
{
	char text[512];
	pthread_t t;
	int i;

	(void)state;
	load("allow in udp to any port 8080\n");
	atomic_store(&stop_reader, false);
	assert_int_equal(pthread_create(&t, NULL, reader, NULL), 0);
	while (atomic_load(&reader_loops) < 1000)
		;
	for (i = 0; i < 200; i++) {
		snprintf(text, sizeof(text), "deny in tcp to any port %d\nallow in udp to any port 8080\n",
			 i);
		load(text);
	}
	atomic_store(&stop_reader, true);
	pthread_join(t, NULL);
	assert_int_equal(atomic_load(&reader_bad), 0);
	/* nothing counted was lost: the allow rule kept every count */
	assert_int_equal(stat_packets("allow in udp to any port 8080"), atomic_load(&reader_loops));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_v4),
		cmocka_unit_test(test_match_v6_and_families),
		cmocka_unit_test(test_refused_keeps_set),
		cmocka_unit_test(test_counters_carry_over),
		cmocka_unit_test(test_live_replace),
	};
	int rc;

	(void)argc;
	if (test_eal_init(argv[0]) != 0)
		return 1;
	if (vfw_rules_init(1, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	vfw_rules_fini();
	rte_eal_cleanup();
	return rc;
}
