/* SPDX-License-Identifier: BSD-3-Clause */
/* The collector's own checks against ONAP's VES schema (v5, v7), and replay detection. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "replay.h"
#include "ves_check.h"

#define V5_HEADER \
	"\"commonEventHeader\": {\"domain\": \"measurementsForVfScaling\", \"eventId\": \"e1\", " \
	"\"eventName\": \"vFirewallBroadcastPackets\", \"priority\": \"Normal\", " \
	"\"reportingEntityName\": \"vfw\", \"sequence\": 1, \"sourceName\": \"vfw-1\", " \
	"\"startEpochMicrosec\": 1000, \"lastEpochMicrosec\": 2000, \"version\": 3.0"
#define V5_FIELDS \
	"\"measurementsForVfScalingFields\": {\"measurementInterval\": 10, " \
	"\"measurementsForVfScalingVersion\": 2.1, \"vNicPerformanceArray\": [{\"vNicIdentifier\": " \
	"\"eth0\", \"valuesAreSuspect\": \"false\", \"receivedTotalPacketsDelta\": "
#define V5(hdr_extra, delta, fields_extra) \
	"{" V5_HEADER hdr_extra "}, " V5_FIELDS delta "}]" fields_extra "}}"

#define V7_HEADER \
	"\"commonEventHeader\": {\"domain\": \"measurement\", \"eventId\": \"e1\", " \
	"\"eventName\": \"vFirewallBroadcastPackets\", \"priority\": \"Normal\", " \
	"\"reportingEntityName\": \"vfw\", \"sequence\": 1, \"sourceName\": \"vfw-1\", " \
	"\"startEpochMicrosec\": 1000, \"lastEpochMicrosec\": 2000, \"version\": \"4.1\", " \
	"\"vesEventListenerVersion\": \"7.1\""
#define V7(hdr_extra, nic_extra) \
	"{" V7_HEADER hdr_extra "}, \"measurementFields\": {\"measurementInterval\": 10, " \
	"\"measurementFieldsVersion\": \"4.0\", \"nicPerformanceArray\": [{\"nicIdentifier\": " \
	"\"port0\", \"valuesAreSuspect\": \"true\", \"receivedTotalPacketsDelta\": 5" nic_extra "}]}}"

struct event_case {
	int version;
	const char *event;
	const char *needle;	/* NULL: valid; else what the reason must name */
};

static const struct event_case event_cases[] = {
	{ 5, V5("", "100", ""), NULL },
	{ 5, V5(", \"eventType\": \"x\", \"customField\": 1", "0", ", \"requestRate\": 3"), NULL },
	{ 5, V5("", "9007199254740992", ""), NULL },		/* 2^53 */
	{ 7, V7("", ""), NULL },
	{ 7, V7(", \"timeZoneOffset\": \"UTC+01.00\"", ", \"speed\": 1000"), NULL },
	/* the adversarial findings */
	{ 5, V5("", "\"999\"", ""), "receivedTotalPacketsDelta" },
	{ 5, V5("", "-5", ""), "receivedTotalPacketsDelta" },
	{ 5, V5("", "1e300", ""), "receivedTotalPacketsDelta" },
	{ 5, V5("", "null", ""), "receivedTotalPacketsDelta" },
	{ 5, V5("", "9007199254740993.5", ""), "receivedTotalPacketsDelta" },
	{ 7, V7("", ", \"receivedOctetsDelta\": -1"), "receivedOctetsDelta" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": {\"measurementInterval\": -10, "
	     "\"measurementsForVfScalingVersion\": 2.1}}", "measurementInterval" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": {\"measurementInterval\": 0, "
	     "\"measurementsForVfScalingVersion\": 2.1}}", "measurementInterval" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": {\"measurementInterval\": 10}}",
	  "measurementsForVfScalingVersion" },
	{ 5, "{" V5_HEADER "}, " V5_FIELDS "1, \"valuesAreSuspect\": true}]}}", "valuesAreSuspect" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": {\"measurementInterval\": 10, "
	     "\"measurementsForVfScalingVersion\": 2.1, \"vNicPerformanceArray\": [{\"vNicIdentifier\": "
	     "\"e\"}]}}", "valuesAreSuspect" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": {\"measurementInterval\": 10, "
	     "\"measurementsForVfScalingVersion\": 2.1, \"vNicPerformanceArray\": [7]}}",
	  "vNicPerformanceArray[0]" },
	{ 5, "{" V5_HEADER "}, \"measurementsForVfScalingFields\": 3}", "measurementsForVfScalingFields" },
	{ 5, V5(", \"sequence\": \"1\"", "1", ""), "sequence" },	/* (a duplicate key wins last in jansson) */
	{ 5, V5(", \"priority\": \"Urgent\"", "1", ""), "priority" },
	{ 5, V5(", \"domain\": \"measurement\"", "1", ""), "domain" },
	{ 5, V5(", \"version\": \"3.0\"", "1", ""), "version" },
	{ 5, V5(", \"sourceName\": \"\"", "1", ""), "sourceName" },
	{ 5, V5(", \"startEpochMicrosec\": 3000", "1", ""), "lastEpochMicrosec" },
	{ 5, V5(", \"lastEpochMicrosec\": -1", "1", ""), "lastEpochMicrosec" },
	{ 5, V5(", \"sequence\": -1", "1", ""), "sequence" },
	{ 5, V5(", \"sequence\": 1.5", "1", ""), "sequence" },
	{ 5, V5(", \"internalHeaderFields\": []", "1", ""), "internalHeaderFields" },
	{ 5, "{\"measurementsForVfScalingFields\": {}}", "commonEventHeader" },
	{ 5, "[1]", "object" },
	{ 7, V7(", \"vesEventListenerVersion\": \"8.0\"", ""), "vesEventListenerVersion" },
	{ 7, V7(", \"version\": 4.1", ""), "version" },
	{ 7, V7(", \"bogus\": 1", ""), "bogus" },			/* v7 headers are closed */
	{ 7, V7("", ", \"bogus\": 1"), "bogus" },			/* and so are NIC entries */
	{ 7, V7("", ", \"operationalState\": \"up\""), "operationalState" },
	{ 7, "{" V7_HEADER "}, \"measurementFields\": {\"measurementInterval\": 10, "
	     "\"measurementFieldsVersion\": \"5.0\"}}", "measurementFieldsVersion" },
	{ 7, V5("", "1", ""), "measurementsForVfScalingFields" },	/* a v5 event on v7 */
	{ 5, V7("", ""), "domain" },					/* a v7 event on v5 */
};

static json_t *
j(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	if (v == NULL)
		fail_msg("bad test JSON: %s: %s", e.text, text);
	return v;
}

static void
test_events(void **state)
{
	char why[512];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		const struct event_case *c = &event_cases[i];
		json_t *e = j(c->event);
		int rc;

		why[0] = '\0';
		rc = ves_check_event(e, c->version, "event", why, sizeof(why));
		if (c->needle == NULL && rc != 0)
			fail_msg("case %u: refused: %s", i, why);
		if (c->needle != NULL && (rc != -EINVAL || strstr(why, c->needle) == NULL))
			fail_msg("case %u: rc %d, reason '%s', expected one naming %s", i, rc, why,
				 c->needle);
		assert_null(strchr(why, '\n'));
		json_decref(e);
	}
}

static void
test_bodies(void **state)
{
	static const char good[] = V5("", "1", "");
	char text[8192], why[512];
	json_t *b;

	(void)state;
	snprintf(text, sizeof(text), "{\"event\": %s}", good);
	b = j(text);
	assert_int_equal(ves_check_body(b, 5, false, why, sizeof(why)), 0);
	assert_int_equal(ves_check_body(b, 5, true, why, sizeof(why)), -EINVAL);	/* not a batch */
	assert_non_null(strstr(why, "eventList"));
	json_decref(b);
	snprintf(text, sizeof(text), "{\"eventList\": [%s, %s]}", good, good);
	b = j(text);
	assert_int_equal(ves_check_body(b, 5, true, why, sizeof(why)), 0);
	assert_int_equal(ves_check_body(b, 5, false, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "eventBatch"));
	json_decref(b);
	/* one bad event refuses the batch, naming it */
	snprintf(text, sizeof(text), "{\"eventList\": [%s, %s]}", good, V5("", "-1", ""));
	b = j(text);
	assert_int_equal(ves_check_body(b, 5, true, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "eventList[1]"));
	json_decref(b);

	static const char *const bad[] = {
		"[]", "\"x\"", "{}", "{\"event\": 5}", "{\"eventList\": {}}", "{\"eventList\": []}",
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = j(bad[i]);
		assert_int_equal(ves_check_body(b, 5, strstr(bad[i], "List") != NULL, why,
						sizeof(why)), -EINVAL);
		json_decref(b);
	}
	assert_int_equal(ves_check_body(NULL, 7, false, why, sizeof(why)), -EINVAL);

	/* at most VES_CHECK_MAX_EVENTS in one batch */
	json_t *list = json_array(), *ev = j(good);
	for (unsigned int i = 0; i <= VES_CHECK_MAX_EVENTS; i++)
		json_array_append(list, ev);
	b = json_pack("{s:o}", "eventList", list);
	assert_int_equal(ves_check_body(b, 5, true, why, sizeof(why)), -EINVAL);
	json_array_remove(list, 0);
	assert_int_equal(ves_check_body(b, 5, true, why, sizeof(why)), 0);
	json_decref(b);
	json_decref(ev);
}

static void
test_replay(void **state)
{
	static struct replay_table t;
	char name[32];
	unsigned int i;

	(void)state;
	replay_init(&t);
	/* sequences 1, 2, 3 over consecutive 10 s intervals */
	assert_false(replay_seen(&t, "a", 1, 0, 10));
	assert_true(replay_seen(&t, "a", 1, 0, 10));		/* the same again */
	assert_false(replay_seen(&t, "a", 2, 10, 20));
	assert_false(replay_seen(&t, "b", 1, 0, 10));		/* another source */
	assert_true(replay_seen(&t, "a", 1, 0, 10));		/* older */
	assert_true(replay_seen(&t, "a", 2, 10, 20));
	assert_false(replay_seen(&t, "a", 3, 20, 30));
	/* the agent restarts: numbering from 0 again, time moves on */
	assert_false(replay_seen(&t, "a", 0, 35, 40));
	assert_false(replay_seen(&t, "a", 1, 40, 50));
	assert_true(replay_seen(&t, "a", 1, 40, 50));
	assert_true(replay_seen(&t, "a", 3, 20, 30));		/* the previous run's, replayed */
	/* a source that always sends sequence 0 */
	/* two instant events (faults) at the agent's start: both new (the demo's two linkDown) */
	assert_false(replay_seen(&t, "f", 0, 100, 100));
	assert_false(replay_seen(&t, "f", 1, 100, 100));
	assert_true(replay_seen(&t, "f", 1, 100, 100));
	assert_false(replay_seen(&t, "z", 0, 0, 10));
	assert_false(replay_seen(&t, "z", 0, 10, 20));
	assert_true(replay_seen(&t, "z", 0, 10, 20));
	/* bounded: more sources than slots evict the least recently seen */
	for (i = 0; i < REPLAY_MAX_SOURCES; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		assert_false(replay_seen(&t, name, 5, 0, 10));
	}
	assert_true(replay_seen(&t, "s255", 5, 0, 10));
	assert_false(replay_seen(&t, "a", 1, 40, 50));		/* "a" was forgotten */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
