#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vpkg's native REST API (vpkg/vpkg_mgmt.h) on net_null, the ONAP demo streams:
- GET /api/v1/streams and /api/v1/streams/{id} (by id or by name);
- PUT/PATCH /api/v1/streams/{id} (enabled, rate, size; together in one change),
  POST .../enable and .../disable, GET/PUT /api/v1/rate (the total, shared);
- a change is on the workers before the 200: a stream disabled by a 200 sends
  no packet after it; a new size shows in the bytes per packet;
- every error path (400 bad body/field/value, 404 unknown stream, 405, 409
  nothing enabled, 415) answers JSON and changes nothing;
- /metrics parses strictly, has the per-stream families with the stats'
  values and passes `promtool check metrics` where promtool is installed;
  stats reset; config shows the streams; --stats-max-age shares one reading
  of the counters between requests, and a change or reset makes a fresh one;
- option errors: --mgmt-* without --mgmt, a busy port: exit 2, one line."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpkgrest as vr               # noqa: E402
from vpkgrest import check          # noqa: E402

NAMES = ["fw_udp%d" % i for i in range(1, 11)]


def test_routes(c):
    idx = c.json("/api/v1")
    have = {(r["method"], r["path"]) for r in idx["routes"]}
    want = {("GET", "/api/v1/streams"), ("GET", "/api/v1/streams/{id}"),
            ("PUT", "/api/v1/streams/{id}"), ("PATCH", "/api/v1/streams/{id}"),
            ("POST", "/api/v1/streams/{id}/enable"), ("POST", "/api/v1/streams/{id}/disable"),
            ("GET", "/api/v1/rate"), ("PUT", "/api/v1/rate"),
            ("GET", vr.STREAM_COUNT), ("PUT", vr.STREAM_COUNT),
            ("GET", vr.SAMPLE_PLUGIN), ("PUT", vr.SAMPLE_PLUGIN),
            ("DELETE", vr.SAMPLE_PLUGIN + "/pg-stream/{id}"), ("GET", "/metrics")}
    check(idx["program"] == "vpkg" and want <= have, "GET /api/v1: vpkg's routes", want - have)
    h = c.json("/api/v1/health")
    check(h["status"] == "ok" and h["program"] == "vpkg", "GET /api/v1/health", h)


def test_read(c):
    lst = c.json("/api/v1/streams")
    check([s["name"] for s in lst] == NAMES and [s["id"] for s in lst] == list(range(10)) and
          all(s["enabled"] and s["rate"] == 10 and s["size"] == "64" and s["proto"] == "udp"
              for s in lst), "GET /api/v1/streams: the 10 demo streams", lst[:2])
    by_id, by_name = c.json("/api/v1/streams/3"), c.json("/api/v1/streams/fw_udp4")
    check(by_id["name"] == "fw_udp4" and by_name["id"] == 3, "GET a stream by id and by name")
    r = c.get("/api/v1/streams/fw_udp4/")
    check(r.status == 200 and r.json["id"] == 3, "a trailing slash is the same path", r)
    for key in ("10", "99999", "nope", "fw_udp11", "-1", "3x"):
        r = c.get("/api/v1/streams/" + key)
        check(r.is_error(404) and key in r.error_message(), "GET /api/v1/streams/%s: 404" % key, r)
    r = c.get("/api/v1/stats")
    check(r.status == 200 and len(r.json["streams"]) == 10, "GET /api/v1/stats has the streams")


def test_change(c):
    r = c.req("PUT", "/api/v1/streams/fw_udp2", body={"rate": "1kpps"})
    check(r.status == 200 and r.json["rate"] == 1000 and r.json["rate_spec"] == "1kpps",
          "PUT rate 1kpps: 200 with the stream", r)
    check(c.json("/api/v1/streams/1")["rate"] == 1000, "GET shows the new rate")
    ok, d = vr.moving(c, ["fw_udp2"])
    n = d[1]["fw_udp2"] - d[0]["fw_udp2"]
    check(ok and n > 100, "fw_udp2 sends at about 1 kpps (%d packets in 0.5 s)" % n, d)

    s0 = c.json("/api/v1/streams/fw_udp2")
    r = c.req("PATCH", "/api/v1/streams/fw_udp2", body={"size": 128})
    check(r.status == 200 and r.json["size"] == "128", "PATCH size 128: 200", r)
    time.sleep(0.5)
    s1 = c.json("/api/v1/streams/fw_udp2")
    dp, db = s1["tx_packets"] - s0["tx_packets"], s1["tx_bytes"] - s0["tx_bytes"]
    # packets before the change are 60 bytes, after 124: the mean tends to 124
    check(dp > 100 and db > 110 * dp, "the new size is on the wire (%d B over %d packets)" %
          (db, dp), (s0, s1))

    r = c.req("PUT", "/api/v1/streams/2", body={"rate": 200, "size": "64-128", "enabled": True})
    check(r.status == 200 and r.json["rate"] == 200 and r.json["size"] == "64-128",
          "PUT rate, size and enabled together", r)

    r = c.req("PUT", "/api/v1/streams/fw_udp2", body={"enabled": False})
    check(r.status == 200 and r.json["enabled"] is False, "PUT enabled false: 200", r)
    ok, d = vr.frozen_after(c, ["fw_udp2"])
    check(ok, "no packet of fw_udp2 after the 200 that disabled it", d)
    r = c.req("POST", "/api/v1/streams/fw_udp2/enable")
    check(r.status == 200 and r.json["enabled"] is True, "POST .../enable: 200", r)
    ok, d = vr.moving(c, ["fw_udp2"])
    check(ok, "fw_udp2 sends again", d)
    r = c.req("POST", "/api/v1/streams/1/disable", body={})
    check(r.status == 200 and r.json["enabled"] is False, "POST .../disable with {}: 200", r)
    ok, d = vr.frozen_after(c, ["fw_udp2"])
    check(ok, "no packet after the disable's 200", d)
    r = c.req("POST", "/api/v1/streams/1/enable", body={})
    check(r.status == 200 and c.json("/api/v1/streams/1")["enabled"], "enable again")
    r = c.req("PUT", "/api/v1/streams/fw_udp2", body={"enabled": "false"})
    check(r.status == 200 and r.json["enabled"] is False, "enabled as the string \"false\"", r)
    for n in ("fw_udp2", "fw_udp3"):
        r = c.req("PUT", "/api/v1/streams/" + n, body={"enabled": True, "rate": "10pps",
                                                       "size": 64})
        check(r.status == 200 and r.json["rate_spec"] == "10pps", "%s back to the demo values" % n,
              r)


def test_change_errors(c):
    before = vr.shape(c)
    cases = [
        ("no body", dict(), 400, "body"),
        ("array body", dict(body=[{"rate": 5}]), 400, "object"),
        ("empty object", dict(body={}), 400, "enabled"),
        ("unknown field", dict(body={"rate": 5, "color": "red"}), 400, "color"),
        ("field of --config not changeable here", dict(body={"proto": "tcp"}), 400, "proto"),
        ("bad rate", dict(body={"rate": "fast"}), 400, "rate"),
        ("negative rate", dict(body={"rate": -5}), 400, "rate"),
        ("rate as a list", dict(body={"rate": [5]}), 400, "rate"),
        ("rate above the line rate", dict(body={"rate": "20Gbps"}), 400, "line rate"),
        ("size below 64", dict(body={"size": 40}), 400, "size"),
        ("size above 1518", dict(body={"size": 2000}), 400, "size"),
        ("bad size", dict(body={"size": "big"}), 400, "size"),
        ("bad enabled", dict(body={"enabled": "maybe"}), 400, "enabled"),
        ("enabled \"yes\"", dict(body={"enabled": "yes"}), 400, '"yes"'),
        ("enabled \"no\"", dict(body={"enabled": "no"}), 400, '"no"'),
        ("enabled \"TRUE\"", dict(body={"enabled": "TRUE"}), 400, '"TRUE"'),
        ("enabled \"1\"", dict(body={"enabled": "1"}), 400, '"1"'),
        ("enabled 1", dict(body={"enabled": 1}), 400, "enabled"),
        ("good rate, bad size: nothing applied", dict(body={"rate": 50, "size": 10}), 400, "size"),
        ("malformed JSON", dict(raw=b'{"rate":', headers={"Content-Type": "application/json"}),
         400, "JSON"),
        ("text/plain", dict(raw=b'{"rate": 5}', headers={"Content-Type": "text/plain"}), 415,
         "application/json"),
    ]
    for what, kw, code, needle in cases:
        for method in ("PUT", "PATCH"):
            r = c.req(method, "/api/v1/streams/fw_udp3", **kw)
            check(r.is_error(code) and needle in r.error_message(),
                  "%s %s: %d naming %s" % (method, what, code, needle), r)
    r = c.req("PUT", "/api/v1/streams/nope", body={"rate": 5})
    check(r.is_error(404), "PUT an unknown stream: 404", r)
    for path in ("/api/v1/streams/fw_udp3%00", "/api/v1/streams/fw_udp3%00x",
                 "/api/v1/streams/fw_udp3%0a", "/api/v1/streams/fw_udp3%7f"):
        r = c.req("PUT", path, body={"rate": 5})
        check(r.status in (400, 404) and r.json is not None and "error" in r.json,
              "PUT %s: 400/404, never stream fw_udp3" % path, r)
        r = c.get(path)
        check(r.status in (400, 404), "GET %s: 400/404, never stream fw_udp3" % path, r)
    r = c.req("POST", "/api/v1/streams/nope/enable")
    check(r.is_error(404), "POST enable an unknown stream: 404", r)
    r = c.req("POST", "/api/v1/streams/0/disable", body={"now": True})
    check(r.is_error(400) and "now" in r.error_message(), "POST disable with a field: 400", r)
    r = c.req("POST", "/api/v1/streams/0/enable", body=[1])
    check(r.is_error(400), "POST enable with an array: 400", r)
    r = c.req("DELETE", "/api/v1/streams/0")
    check(r.is_error(405) and "PUT" in r.headers.get("allow", ""), "DELETE a stream: 405 + Allow", r)
    r = c.req("POST", "/api/v1/streams")
    check(r.is_error(405), "POST /api/v1/streams: 405", r)
    r = c.req("GET", "/api/v1/streams/0/enable")
    check(r.is_error(405), "GET .../enable: 405", r)
    check(vr.shape(c) == before, "the failed requests changed nothing")


def test_rate(c):
    r = c.json("/api/v1/rate")
    check(r == {"enabled_streams": 10, "unpaced_streams": 0, "rate_pps": 100.0,
                "l1_bps": 100 * 84 * 8.0}, "GET /api/v1/rate: 10 streams, 100 pps", r)
    for i in (5, 6, 7, 8, 9):
        c.req("POST", "/api/v1/streams/%d/disable" % i)
    r = c.req("PUT", "/api/v1/rate", body={"rate": "1000pps"})
    check(r.status == 200 and r.json["enabled_streams"] == 5 and
          abs(r.json["rate_pps"] - 1000) < 1e-6, "PUT total 1000 pps over 5 streams", r)
    s = vr.streams(c)
    check(all(s[n]["rate"] == 200 for n in NAMES[:5]) and all(s[n]["rate"] == 10 for n in NAMES[5:]),
          "each enabled stream gets 200 pps, the disabled keep theirs")
    r = c.req("PUT", "/api/v1/rate", body={"rate": 50})
    check(r.status == 200 and abs(r.json["rate_pps"] - 50) < 1e-6, "a bare number is pps", r)
    r = c.req("PUT", "/api/v1/rate", body={"rate": "1Mbps"})
    check(r.status == 200 and abs(r.json["l1_bps"] * 64 / 84 - 1e6) < 1, "1 Mbit/s (L2) in total",
          r)
    before = vr.shape(c)
    for what, kw, code in (("no body", dict(), 400), ("no rate", dict(body={}), 400),
                           ("unknown field", dict(body={"rate": 5, "x": 1}), 400),
                           ("bad rate", dict(body={"rate": "lots"}), 400),
                           ("zero", dict(body={"rate": 0}), 400),
                           ("above the line rate", dict(body={"rate": "20Gbps"}), 400),
                           ("not a string or number", dict(body={"rate": True}), 400),
                           ("text/plain", dict(raw=b"{}", headers={"Content-Type": "text/plain"}),
                            415)):
        r = c.req("PUT", "/api/v1/rate", **kw)
        check(r.is_error(code), "PUT /api/v1/rate %s: %d" % (what, code), r)
    check(vr.shape(c) == before, "the failed rate changes changed nothing")
    for i in range(10):
        c.req("POST", "/api/v1/streams/%d/disable" % i)
    r = c.req("PUT", "/api/v1/rate", body={"rate": "100pps"})
    check(r.is_error(409) and "enabled" in r.error_message(), "no stream enabled: 409", r)
    check(c.json("/api/v1/rate")["enabled_streams"] == 0, "GET /api/v1/rate: none enabled")
    for i in range(10):
        c.req("PUT", "/api/v1/streams/%d" % i, body={"enabled": True, "rate": 10})
    check(c.json("/api/v1/rate")["rate_pps"] == 100, "back to 100 pps")


def test_metrics_reset_config(c):
    r = c.get("/metrics")
    fams, errors = vr.mgmtlib.parse_metrics(r.text)
    check(r.status == 200 and errors == [], "GET /metrics parses strictly", errors[:5])
    st = c.json("/api/v1/stats")

    def sample(family, s):
        for _, lbl, val in fams.get(family, {"samples": []})["samples"]:
            if lbl == {"stream": str(s["id"]), "name": s["name"]}:
                return val
        return None

    for s in st["streams"]:
        # the counters move between the two reads: at most a few packets apart
        v = sample("vfwcl_vpkg_stream_tx_packets_total", s)
        check(v is not None and abs(v - s["tx_packets"]) <= 5 and
              sample("vfwcl_vpkg_stream_tx_bytes_total", s) is not None and
              sample("vfwcl_vpkg_stream_refused_total", s) == 0 and
              sample("vfwcl_vpkg_stream_enabled", s) == 1 and
              sample("vfwcl_vpkg_stream_rate_pps", s) == 10,
              "metrics of stream %s" % s["name"])
    check(vr.mgmtlib.metric(fams, "vfwcl_vpkg_enabled_streams") == 10 and
          vr.mgmtlib.metric(fams, "vfwcl_vpkg_rate_pps") == 100 and
          vr.mgmtlib.metric(fams, "vfwcl_vpkg_tx_packets_total", port=0) is not None,
          "enabled streams, total rate, port counters")
    check(all(n.endswith("_total") for n, f in fams.items() if f["type"] == "counter"),
          "every counter is named *_total")
    promtool = shutil.which("promtool")
    if promtool is None:
        print("SKIP promtool check metrics: promtool is not installed (apt-get install prometheus)")
    else:
        p = subprocess.run([promtool, "check", "metrics"], input=r.text, capture_output=True,
                           text=True)
        check(p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "",
              "promtool check metrics: clean", p.stdout + p.stderr)

    before = sum(s["tx_packets"] for s in c.json("/api/v1/streams"))
    r = c.req("POST", "/api/v1/stats/reset")
    check(r.status == 200, "POST /api/v1/stats/reset: 200", r)
    after = vr.mgmtlib.wait_for(
        lambda: (sum(s["tx_packets"] for s in c.json("/api/v1/streams")) < before and
                 c.json("/api/v1/stats")["ports"][0]["tx_packets"] < before) or None, timeout=5)
    s = c.json("/api/v1/streams")
    check(after and all(x["tx_packets"] < before for x in s) and
          all(x["next_seq"] >= x["tx_packets"] for x in s),
          "the stream and port counters restart; the sequence numbers go on", s[:2])

    cfg = c.json("/api/v1/config")
    o = cfg["options"]
    check(cfg["program"] == "vpkg" and o["onap"] is False and o["idle-sleep"] == 100 and
          [x["name"] for x in o["streams"]] == NAMES and o["streams"][0]["rate"] == "10pps",
          "GET /api/v1/config: vpkg's options and the streams in the --config format", o)


def test_snapshot():
    """--stats-max-age: requests within the age share one reading of the counters; a change
    or a reset makes the next request read them again."""
    v = vr.Vpkg(["--stats-max-age", "10000000", "--active-streams", "2"])
    with v:
        c = v.client()
        check(c.json("/api/v1/config")["options"]["stats-max-age"] == 10000000,
              "config shows --stats-max-age")
        a = c.json("/api/v1/stats")
        time.sleep(0.4)
        b = c.json("/api/v1/stats")
        check(a == b, "within the age: the same snapshot (no new reading of the counters)")
        r = c.req("PUT", "/api/v1/streams/0", body={"rate": 20})
        s = c.json("/api/v1/stats")["streams"][0]
        check(r.status == 200 and s["rate"] == 20 and s["tx_packets"] >= a["streams"][0]["tx_packets"],
              "after a change: a fresh reading", s)
        time.sleep(0.3)
        r = c.req("POST", "/api/v1/stats/reset")
        fresh = vr.mgmtlib.wait_for(
            lambda: c.json("/api/v1/stats")["streams"][0]["tx_packets"] < s["tx_packets"] or None,
            timeout=5)
        check(r.status == 200 and fresh, "after a reset: fresh readings")
        one = c.json("/api/v1/streams/0")
        time.sleep(0.3)
        check(c.json("/api/v1/streams/0")["tx_packets"] > one["tx_packets"],
              "GET /api/v1/streams/{id} reads live")
    check(v.rc == 0, "exit 0")
    p = vr.run_vpkg(["--stats-max-age", "-1"])
    check(vr.one_line_error(p, 2, "--stats-max-age"), "--stats-max-age -1: exit 2, one line")


def test_options():
    p = vr.run_vpkg(["--mgmt-user", "admin", "--mgmt-password", "x"])
    check(vr.one_line_error(p, 2, "--mgmt"), "--mgmt-* without --mgmt: exit 2, one line")
    with vr.mgmtlib.busy_port() as port:
        p = vr.run_vpkg(["--mgmt", "127.0.0.1:%d" % port])
        check(vr.one_line_error(p, 2, "--mgmt", str(port)), "a busy port: exit 2, one line")
    p = vr.run_vpkg(["--mgmt", "localhost:80x"])
    check(vr.one_line_error(p, 2, "--mgmt"), "a bad --mgmt: exit 2, one line")


def main():
    v = vr.Vpkg()
    with v:
        c = v.client()
        test_routes(c)
        test_read(c)
        test_change(c)
        test_change_errors(c)
        test_rate(c)
        test_metrics_reset_config(c)
    check(v.rc == 0, "SIGINT: exit 0", v.err[-500:])
    check(v.stats is not None and [s["name"] for s in v.stats["streams"]] == NAMES and
          all(s["enabled"] for s in v.stats["streams"]), "--stats-file at exit has the streams")
    test_snapshot()
    test_options()
    vr.done()


if __name__ == "__main__":
    main()
