/* SPDX-License-Identifier: BSD-3-Clause */
/* The controller's decision core: policy, TCA on v5/v7 events, guard, ONAP requests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "onap_request.h"
#include "policy.h"
#include "tca.h"

static json_t *
j(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (v == NULL)
		fail_msg("bad test JSON: %s", e.text);
	return v;
}

static json_t *
v5_event(const char *name, const char *vnic, double value, int seq)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "{\"commonEventHeader\": {\"domain\": \"measurementsForVfScaling\", "
		 "\"eventName\": \"%s\", \"sequence\": %d, \"sourceName\": \"vfw-1\"}, "
		 "\"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": ["
		 "{\"vNicIdentifier\": \"%s\", \"receivedTotalPacketsDelta\": %g}, "
		 "{\"vNicIdentifier\": \"other\", \"receivedTotalPacketsDelta\": 99999}]}}",
		 name, seq, vnic, value);
	return j(buf);
}

static void
test_policy_defaults_and_file(void **state)
{
	struct policy p;
	char err[256];
	json_t *o;

	(void)state;
	policy_defaults(&p);
	assert_string_equal(p.event_name, "vFirewallBroadcastPackets");
	assert_string_equal(p.field, "receivedTotalPacketsDelta");
	assert_true(p.low == 300 && p.high == 700 && p.streams == 5);
	assert_int_equal(p.api, POLICY_API_STREAM_COUNT);

	o = j("{\"low\": 100, \"high\": 200, \"api\": \"sample-plugin\", \"streams\": 3, \"vnic\": \"eth1\"}");
	assert_int_equal(policy_from_json(&p, o, err, sizeof(err)), 0);
	assert_true(p.low == 100 && p.high == 200 && p.streams == 3);
	assert_int_equal(p.api, POLICY_API_SAMPLE_PLUGIN);
	assert_string_equal(p.vnic, "eth1");
	json_decref(o);
	assert_false(p.act_on_suspect);	/* the default */
	o = j("{\"act-on-suspect\": true}");
	assert_int_equal(policy_from_json(&p, o, err, sizeof(err)), 0);
	assert_true(p.act_on_suspect);
	json_decref(o);

	static const char *const bad[] = {
		"{\"low\": \"x\"}", "{\"streams\": 11}", "{\"streams\": 2.5}", "{\"api\": \"soap\"}",
		"{\"bogus\": 1}", "{\"low\": 800}", "{\"event-name\": \"\"}", "[1]",
		"{\"act-on-suspect\": \"yes\"}", "{\"act-on-suspect\": 1}",
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct policy before;

		policy_defaults(&p);
		before = p;
		o = j(bad[i]);
		assert_int_equal(policy_from_json(&p, o, err, sizeof(err)), -EINVAL);
		assert_memory_equal(&p, &before, sizeof(p));	/* nothing changed */
		/* the key and the value are named */
		if (bad[i][0] == '{' && strstr(bad[i], "800") == NULL) {
			char key[32];

			assert_int_equal(sscanf(bad[i], "{\"%31[^\"]\"", key), 1);
			assert_non_null(strstr(err, key));
			if (strcmp(key, "bogus") != 0)
				assert_non_null(strstr(err, "invalid value"));
		}
		json_decref(o);
	}
}

static void
test_tca_v5_v7(void **state)
{
	struct tca_reading r;
	struct policy p;
	json_t *e;

	(void)state;
	policy_defaults(&p);
	e = v5_event("vFirewallBroadcastPackets", "eth0", 300, 7);
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_LOW);	/* <= 300 is low */
	assert_int_equal(r.version, 5);
	assert_int_equal(r.sequence, 7);
	assert_string_equal(r.vnic, "eth0");
	json_decref(e);
	e = v5_event("vFirewallBroadcastPackets", "eth0", 301, 8);
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_NORMAL);
	json_decref(e);
	e = v5_event("vFirewallBroadcastPackets", "eth0", 700, 9);
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_HIGH);	/* >= 700 is high */
	json_decref(e);
	e = v5_event("SomethingElse", "eth0", 700, 9);
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_IGNORED);
	json_decref(e);
	/* the policy's vNIC is the one read */
	snprintf(p.vnic, sizeof(p.vnic), "other");
	e = v5_event("vFirewallBroadcastPackets", "eth0", 10, 1);
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_HIGH);
	json_decref(e);
	policy_defaults(&p);

	/* Beijing's vNicUsageArray (the ONAP seed sample), flagged suspect */
	e = j("{\"commonEventHeader\": {\"domain\": \"measurementsForVfScaling\", "
	      "\"eventName\": \"vFirewallBroadcastPackets\"}, \"measurementsForVfScalingFields\": "
	      "{\"vNicUsageArray\": [{\"vNicIdentifier\": \"eth0\", \"valuesAreSuspect\": \"true\", "
	      "\"receivedTotalPacketsDelta\": 1016.000000}]}}");
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_HIGH);
	assert_true(r.value == 1016);
	assert_true(r.suspect);
	json_decref(e);
	/* a value given as a string is not a number: the event is unreadable, never low/high */
	e = j("{\"commonEventHeader\": {\"domain\": \"measurementsForVfScaling\", "
	      "\"eventName\": \"vFirewallBroadcastPackets\"}, \"measurementsForVfScalingFields\": "
	      "{\"vNicUsageArray\": [{\"vNicIdentifier\": \"eth0\", "
	      "\"receivedTotalPacketsDelta\": \"999\"}]}}");
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_UNREADABLE);
	assert_non_null(strstr(r.why, "receivedTotalPacketsDelta"));
	json_decref(e);

	/* v7 */
	e = j("{\"commonEventHeader\": {\"domain\": \"measurement\", \"eventName\": "
	      "\"vFirewallBroadcastPackets\", \"sequence\": 3}, \"measurementFields\": "
	      "{\"nicPerformanceArray\": [{\"nicIdentifier\": \"port0\", "
	      "\"receivedTotalPacketsDelta\": 500}]}}");
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_NORMAL);
	assert_int_equal(r.version, 7);
	json_decref(e);

	/* a partial interval is ignored when the policy sets min-interval */
	p.min_interval = 9;
	e = j("{\"commonEventHeader\": {\"domain\": \"measurementsForVfScaling\", \"eventName\": "
	      "\"vFirewallBroadcastPackets\"}, \"measurementsForVfScalingFields\": "
	      "{\"measurementInterval\": 0.15, \"vNicPerformanceArray\": [{\"vNicIdentifier\": \"p\", "
	      "\"receivedTotalPacketsDelta\": 5}]}}");
	tca_evaluate(&p, e, &r);
	assert_int_equal(r.verdict, TCA_SKIPPED);
	assert_string_equal(r.why, "partial interval");
	json_decref(e);
	policy_defaults(&p);

	/* not the policy's event: ignored, never a crash */
	static const char *const odd[] = {
		"{}", "{\"commonEventHeader\": 5}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": \"fault\"}}",
	};
	for (unsigned int i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		e = j(odd[i]);
		tca_evaluate(&p, e, &r);
		assert_int_equal(r.verdict, TCA_IGNORED);
		json_decref(e);
	}
	/* the policy's event without a usable value: unreadable (the collector refuses it) */
	static const char *const unreadable[] = {
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": []}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": "
		"[{\"vNicIdentifier\": \"e\", \"receivedTotalPacketsDelta\": null}]}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": "
		"[{\"vNicIdentifier\": \"e\", \"receivedTotalPacketsDelta\": -5}]}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": "
		"[{\"vNicIdentifier\": \"e\", \"receivedTotalPacketsDelta\": 1e300}]}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": {}}}",
		"{\"commonEventHeader\": {\"eventName\": \"vFirewallBroadcastPackets\", \"domain\": "
		"\"measurementsForVfScaling\"}, \"measurementsForVfScalingFields\": {\"vNicPerformanceArray\": "
		"[{\"receivedTotalPacketsDelta\": \"abc\"}]}}",
	};
	for (unsigned int i = 0; i < sizeof(unreadable) / sizeof(unreadable[0]); i++) {
		e = j(unreadable[i]);
		tca_evaluate(&p, e, &r);
		assert_int_equal(r.verdict, TCA_UNREADABLE);
		assert_true(r.why[0] != '\0');
		json_decref(e);
	}
}

static void
test_events_of_body(void **state)
{
	const json_t *single, *list;
	json_t *b;

	(void)state;
	b = j("{\"event\": {\"commonEventHeader\": {}}}");
	assert_int_equal(tca_events(b, &single, &list), 1);
	assert_non_null(single);
	json_decref(b);
	b = j("{\"eventList\": [{}, {}, {}]}");
	assert_int_equal(tca_events(b, &single, &list), 3);
	assert_non_null(list);
	json_decref(b);
	b = j("{\"events\": []}");
	assert_int_equal(tca_events(b, &single, &list), -1);
	json_decref(b);
}

static void
test_guard(void **state)
{
	struct tca_guard g;
	const char *why;

	(void)state;
	tca_guard_init(&g, 3);
	tca_guard_event(&g);
	assert_true(tca_guard_allows(&g, &why));	/* the first action is free */
	tca_guard_started(&g);
	assert_false(tca_guard_allows(&g, &why));	/* in flight */
	assert_non_null(strstr(why, "in flight"));
	tca_guard_done(&g);
	tca_guard_event(&g);
	tca_guard_event(&g);
	assert_false(tca_guard_allows(&g, &why));	/* 2 < 3 intervals */
	tca_guard_event(&g);
	assert_true(tca_guard_allows(&g, &why));
}

static void
test_onap_requests(void **state)
{
	struct onap_request r;

	(void)state;
	assert_int_equal(onap_request_build(POLICY_API_STREAM_COUNT, 5, &r), 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(r.path, "/restconf/config/stream-count:stream-count/streams");
	assert_string_equal(r.body, "{\"streams\": {\"active-streams\": 5}}");
	assert_int_equal(onap_request_build(POLICY_API_SAMPLE_PLUGIN, 2, &r), 0);
	assert_string_equal(r.path, "/restconf/config/sample-plugin:sample-plugin/pg-streams");
	assert_string_equal(r.body, "{\"pg-streams\": {\"pg-stream\": [{\"id\": \"fw_udp1\", "
			"\"is-enabled\": \"true\"}, {\"id\": \"fw_udp2\", \"is-enabled\": \"true\"}]}}");
	assert_int_equal(onap_request_build(POLICY_API_SAMPLE_PLUGIN, 10, &r), 0);
	assert_non_null(strstr(r.body, "fw_udp10"));
	assert_int_equal(onap_request_build(POLICY_API_STREAM_COUNT, 0, &r), -EINVAL);
	assert_int_equal(onap_request_build(POLICY_API_STREAM_COUNT, 11, &r), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_defaults_and_file),
		cmocka_unit_test(test_tca_v5_v7),
		cmocka_unit_test(test_events_of_body),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_onap_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
