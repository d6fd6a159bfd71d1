#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfwcl-controller's collector under hostile input: a request that does not meet
ONAP's VES schema (or carries a value that is not a finite count) is answered 400
with the reason, logged once as "rejected" and never acted on; replayed
(sourceName, sequence) pairs are counted and ignored; suspect values are not
acted on. The controller acts on a fake vpkg that records every request."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vfwcl  # noqa: E402
from mgmtlib import call, check, done, free_port, wait_for  # noqa: E402

CTL = os.path.join(vfwcl.build_dir(), "controller", "vfwcl-controller")


class FakeVpkg(http.server.ThreadingHTTPServer):
    """Answers every PUT 200 and records its path."""

    def __init__(self):
        self.puts = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(h):
                h.rfile.read(int(h.headers.get("Content-Length") or 0))
                self.puts.append(h.path)
                h.send_response(200)
                h.send_header("Content-Length", "0")
                h.end_headers()

            def log_message(h, *a):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def v5_event(seq, delta=100, **over):
    """A v5 measurement event that meets CommonEventFormat 28.4.1."""
    e = {"commonEventHeader": {
            "domain": "measurementsForVfScaling", "eventId": "TrafficStats_1_%d" % seq,
            "eventName": "vFirewallBroadcastPackets", "priority": "Normal",
            "reportingEntityName": "vfw", "sequence": seq, "sourceName": "vfw-test",
            "startEpochMicrosec": 1700000000000000 + seq * 10000000,
            "lastEpochMicrosec": 1700000000000000 + (seq + 1) * 10000000, "version": 3.0},
         "measurementsForVfScalingFields": {
            "measurementInterval": 10, "measurementsForVfScalingVersion": 2.1,
            "vNicPerformanceArray": [{"vNicIdentifier": "eth0", "valuesAreSuspect": "false",
                                      "receivedTotalPacketsDelta": delta}]}}
    for path, value in over.items():
        obj = e
        keys = path.split("__")
        for k in keys[:-1]:
            obj = obj[int(k)] if isinstance(obj, list) else obj[k]
        if value is DELETE:
            del obj[keys[-1]]
        elif isinstance(obj, list):
            obj[int(keys[-1])] = value
        else:
            obj[keys[-1]] = value
    return e


def v7_event(seq, delta=500):
    """A v7 measurement event that meets CommonEventFormat 30.2.1."""
    return {"commonEventHeader": {
                "domain": "measurement", "eventId": "TrafficStats_1_%d" % seq,
                "eventName": "vFirewallBroadcastPackets", "priority": "Normal",
                "reportingEntityName": "vfw", "sequence": seq, "sourceName": "vfw-test-7",
                "startEpochMicrosec": 1700000000000000 + seq * 10000000,
                "lastEpochMicrosec": 1700000000000000 + (seq + 1) * 10000000,
                "version": "4.1", "vesEventListenerVersion": "7.1"},
            "measurementFields": {
                "measurementInterval": 10, "measurementFieldsVersion": "4.0",
                "nicPerformanceArray": [{"nicIdentifier": "port0", "valuesAreSuspect": "false",
                                         "receivedTotalPacketsDelta": delta}]}}


DELETE = object()
NIC = "measurementsForVfScalingFields__vNicPerformanceArray__0__"
HDR = "commonEventHeader__"
V5, V5B, V7 = "/eventListener/v5", "/eventListener/v5/eventBatch", "/eventListener/v7"

# (what, path, body, needle the reason must contain)
BAD = [
    ("delta as a string", V5, {"event": v5_event(1, **{NIC + "receivedTotalPacketsDelta": "999"})},
     "receivedTotalPacketsDelta"),
    ("negative delta", V5, {"event": v5_event(1, delta=-5)}, "receivedTotalPacketsDelta"),
    ("delta 1e300", V5, {"event": v5_event(1, delta=1e300)}, "receivedTotalPacketsDelta"),
    ("null delta", V5, {"event": v5_event(1, delta=None)}, "receivedTotalPacketsDelta"),
    ("no delta", V5, {"event": v5_event(1, **{NIC + "receivedTotalPacketsDelta": DELETE})},
     "receivedTotalPacketsDelta"),
    ("negative interval", V5,
     {"event": v5_event(1, **{"measurementsForVfScalingFields__measurementInterval": -10})},
     "measurementInterval"),
    ("no sequence", V5, {"event": v5_event(1, **{HDR + "sequence": DELETE})}, "sequence"),
    ("valuesAreSuspect not a string", V5, {"event": v5_event(1, **{NIC + "valuesAreSuspect": True})},
     "valuesAreSuspect"),
    ("no eventId", V5, {"event": v5_event(1, **{HDR + "eventId": DELETE})}, "eventId"),
    ("no priority", V5, {"event": v5_event(1, **{HDR + "priority": DELETE})}, "priority"),
    ("no version", V5, {"event": v5_event(1, **{HDR + "version": DELETE})}, "version"),
    ("no header", V5, {"event": v5_event(1, commonEventHeader=DELETE)}, "commonEventHeader"),
    ("empty vNIC array", V5,
     {"event": v5_event(1, **{"measurementsForVfScalingFields__vNicPerformanceArray": []})},
     "vNicPerformanceArray"),
    ("body not an object", V5, [v5_event(1)], "object"),
    ("eventList on the single path", V5, {"eventList": [v5_event(1)]}, "eventBatch"),
    ("batch with one bad event", V5B,
     {"eventList": [v5_event(1), v5_event(2, delta="1"), v5_event(3)]}, "eventList[1]"),
    ("empty batch", V5B, {"eventList": []}, "0 events"),
    ("batch of 1001 events", V5B, {"eventList": [v5_event(i) for i in range(1001)]}, "1001 events"),
    ("v5 event on v7", V7, {"event": v5_event(1)}, "measurementsForVfScalingFields"),
    ("lastEpoch before startEpoch", V5,
     {"event": v5_event(1, **{HDR + "lastEpochMicrosec": 1})}, "lastEpochMicrosec"),
]


def log_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def answers(base):
    try:
        return call(base, "GET", "/api/v1/health")[0] == 200
    except OSError:
        return False


def post(base, path, body):
    return call(base, "POST", path, json.dumps(body))


def main():
    vpkg = FakeVpkg()
    tmp = tempfile.mkdtemp(prefix="vfwcl-ctl-")
    log = os.path.join(tmp, "decisions.log")
    policy = os.path.join(tmp, "policy.json")
    with open(policy, "w") as f:
        json.dump({"guard-intervals": 0}, f)	# every low event may act: replays would show
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    ctl = vfwcl.Proc([CTL, "--listen", "127.0.0.1:%d" % port, "--vpkg",
                      "http://127.0.0.1:%d" % vpkg.server_address[1], "--policy", policy,
                      "--log", log])
    try:
        check(wait_for(lambda: answers(base), timeout=60),
              "the controller answers")
        for what, path, body, needle in BAD:
            before = len(log_lines(log))
            status, reply = post(base, path, body)
            lines = log_lines(log)[before:]
            text = json.dumps(reply)
            check(status == 400 and needle in text, "%s: 400 naming %s" % (what, needle),
                  (status, text[:300]))
            check(len(lines) == 1 and lines[0]["verdict"] == "rejected" and
                  needle in lines[0]["reason"], "%s: one 'rejected' log line with the reason" % what,
                  lines)
        # deep nesting and garbage are refused by the REST layer; the collector lives on
        status, _ = call(base, "POST", V5, "[" * 100000 + "]" * 100000)
        check(status == 400, "100000 nested arrays: 400 (%d)" % status)
        check(vpkg.puts == [], "no malformed request reached vpkg", vpkg.puts)
        stats = call(base, "GET", "/api/v1/stats")[1]
        check(stats["events"]["rejected"] == len(BAD) and stats["events"]["received"] == 0 and
              stats["actions"]["started"] == 0, "stats: %d rejected, none received, no action" %
              len(BAD), stats)

        # a valid low event acts; its replays are counted and ignored
        status, _ = post(base, V5, {"event": v5_event(1)})
        check(status == 202, "a valid low v5 event: 202 (%d)" % status)
        check(wait_for(lambda: len(vpkg.puts) == 1, timeout=60), "it set vpkg's streams", vpkg.puts)
        check(wait_for(lambda: not call(base, "GET", "/api/v1/stats")[1]["actions"]["in_flight"],
                       timeout=60), "the action finished")
        before = len(log_lines(log))
        status, _ = post(base, V5B, {"eventList": [v5_event(1)] * 50})
        lines = log_lines(log)[before:]
        check(status == 202, "50 replays of sequence 1 in a batch: 202 (%d)" % status)
        check(len(lines) == 1 and lines[0]["verdict"] == "replayed" and lines[0]["count"] == 50,
              "one 'replayed' line counting 50", lines)
        status, _ = post(base, V5, {"event": v5_event(1)})
        check(status == 202, "sequence 1 once more: 202")
        stats = call(base, "GET", "/api/v1/stats")[1]
        check(stats["events"]["replayed"] == 51 and stats["events"]["received"] == 1,
              "stats: 51 replayed, 1 received", stats["events"])

        # a suspect low value is logged, not acted on (act-on-suspect is false by default)
        before = len(log_lines(log))
        status, _ = post(base, V5, {"event": v5_event(2, **{NIC + "valuesAreSuspect": "true"})})
        lines = log_lines(log)[before:]
        check(status == 202 and len(lines) == 1 and lines[0]["verdict"] == "low" and
              lines[0]["suspect"] is True and "suspect" in lines[0]["result"],
              "a suspect low value: logged as such, not acted on", lines)

        # v7, normal value: accepted and logged
        before = len(log_lines(log))
        status, _ = post(base, V7, {"event": v7_event(1)})
        lines = log_lines(log)[before:]
        check(status == 202 and len(lines) == 1 and lines[0]["verdict"] == "normal",
              "a valid normal v7 event: 202, one 'normal' line", (status, lines))
        check(len(vpkg.puts) == 1, "vpkg received exactly the one action", vpkg.puts)
    finally:
        rc = ctl.stop()
        vpkg.shutdown()
    check(rc == 0, "clean stop (%d)" % rc, ctl.output()[-2000:])

    # --help and --policy errors
    p = subprocess.run([CTL, "--help"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and "--mgmt ADDR" not in p.stdout and "--listen" in p.stdout,
          "--help does not send the collector's options to a --mgmt it does not have")
    for content, needles in [('{"low": "x"}', ["'low'", '"x"']),
                             ('{"act-on-suspect": "yes"}', ["'act-on-suspect'", '"yes"'])]:
        with open(policy, "w") as f:
            f.write(content)
        p = subprocess.run([CTL, "--policy", policy], capture_output=True, text=True,
                                 timeout=60)
        check(vfwcl.one_line_error(p, 2, policy, *needles, prog="vfwcl-controller") and
              "line" not in p.stderr, "--policy %s: one line naming the file, key and value" %
              content)
    p = subprocess.run([CTL, "--policy", os.path.join(tmp, "missing.json")],
                             capture_output=True, text=True, timeout=60)
    check(vfwcl.one_line_error(p, 2, "missing.json", "No such file", prog="vfwcl-controller") and
          "line -1" not in p.stderr, "--policy of a missing file: no 'line -1'")
    # --vpkg-password-file follows the rule of every secret file (mode 600)
    pw = os.path.join(tmp, "vpkg.pw")
    with open(pw, "w") as f:
        f.write("admin\n")
    os.chmod(pw, 0o644)
    p = subprocess.run([CTL, "--vpkg-user", "admin", "--vpkg-password-file", pw],
                       capture_output=True, text=True, timeout=60)
    check(vfwcl.one_line_error(p, 2, "--vpkg-password-file", pw, "mode 644",
                               prog="vfwcl-controller"),
          "--vpkg-password-file at mode 644: refused like every secret file")
    test_config_file(tmp)
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)
    done()


def test_config_file(tmp):
    """--config FILE: a JSON object of options (any group's, --listen too); the command
    line wins; an unknown key is one line, exit 2."""
    cfg = os.path.join(tmp, "controller.json")
    port = free_port()
    with open(cfg, "w") as f:
        json.dump({"listen": "127.0.0.1:%d" % port, "api": "sample-plugin", "streams": 3,
                   "log": os.path.join(tmp, "config.log")}, f)
    ctl = vfwcl.Proc([CTL, "--config", cfg, "--streams", "4"])
    base = "http://127.0.0.1:%d" % port
    try:
        check(wait_for(lambda: answers(base), timeout=30), "--listen from the config file")
        status, shown = call(base, "GET", "/api/v1/config")
        text = json.dumps(shown)
        check(status == 200 and '"sample-plugin"' in text and '"streams": 4' in text and
              '"streams": 3' not in text,
              "the file's api applies, --streams on the command line wins over the file's", text)
    finally:
        ctl.stop()
    with open(cfg, "w") as f:
        json.dump({"streams": 3, "no-such-option": 1}, f)
    p = subprocess.run([CTL, "--config", cfg], capture_output=True, text=True, timeout=60)
    check(vfwcl.one_line_error(p, 2, cfg, "no-such-option", prog="vfwcl-controller"),
          "--config with an unknown key: one line naming it, exit 2")


if __name__ == "__main__":
    main()
