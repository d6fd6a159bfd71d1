#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""GET /metrics and POST /api/v1/stats/reset:
- the Prometheus text parses strictly (HELP/TYPE once per family, families
  contiguous, counters named *_total) and passes `promtool check metrics`
  where promtool is installed (skipped otherwise);
- every per-port counter of the stats JSON is there as
  vfwcl_vsnk_<name>_total{port="0"} with the same value (one counter list),
  the driver's counters too, and per stream the packets, loss and latency;
- a reset request with a bad body is refused and changes nothing; a good
  one returns 200 at once and the workers zero their counters and stream
  tables at their next loop; the --stats-file written at exit shows it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgmtlib                      # noqa: E402
from mgmtlib import check, metric  # noqa: E402

STREAMS = [3, 4, 5]
PER_STREAM = 40
PORT_KEYS_NOT_COUNTERS = {"port", "name", "driver", "xstats", "errors"}
DRIVER = {"ipackets": "rx_packets", "opackets": "tx_packets", "ibytes": "rx_bytes",
          "obytes": "tx_bytes", "imissed": "rx_missed", "ierrors": "rx_errors",
          "oerrors": "tx_errors", "rx_nombuf": "rx_nombuf"}


def scrape(c):
    r = c.get("/metrics")
    fams, errors = mgmtlib.parse_metrics(r.text)
    return r, fams, errors


def test_metrics(c, stats):
    r, fams, errors = scrape(c)
    check(r.status == 200 and r.headers["content-type"] ==
          "text/plain; version=0.0.4; charset=utf-8", "GET /metrics: text format 0.0.4", r.headers)
    check(errors == [], "the metrics parse strictly", errors[:5])
    check(all(f["help"] and f["type"] for f in fams.values()), "every family has HELP and TYPE")
    check(all(n.endswith("_total") for n, f in fams.items() if f["type"] == "counter"),
          "every counter is named *_total")

    port = stats["ports"][0]
    names = [k for k in port if k not in PORT_KEYS_NOT_COUNTERS]
    missing = [k for k in names
               if metric(fams, "vfwcl_vsnk_%s_total" % k, port=0) != port[k]]
    check(len(names) >= 25 and missing == [],
          "each of the %d port counters = the stats JSON" % len(names), missing)
    port_fams = [n for n in fams if n.startswith("vfwcl_vsnk_") and n.endswith("_total") and
                 not n.startswith("vfwcl_vsnk_driver_") and not n.startswith("vfwcl_vsnk_stream_")
                 and not n.startswith("vfwcl_vsnk_mgmt_")]
    check(sorted(port_fams) == sorted("vfwcl_vsnk_%s_total" % k for k in names),
          "the port families are exactly the counter list", set(port_fams) ^
          {"vfwcl_vsnk_%s_total" % k for k in names})
    bad = [k for k, m in DRIVER.items()
           if metric(fams, "vfwcl_vsnk_driver_%s_total" % m, port=0) != port["driver"][k]]
    check(bad == [], "the driver's counters", bad)

    for s in stats["streams"]:
        sid, lat = s["stream"], s["latency_ns"]
        ok = (metric(fams, "vfwcl_vsnk_stream_rx_packets_total", stream=sid) == s["rx_packets"] and
              metric(fams, "vfwcl_vsnk_stream_rx_bytes_total", stream=sid) == s["rx_bytes"] and
              metric(fams, "vfwcl_vsnk_stream_lost_packets", stream=sid) == s["lost"] and
              metric(fams, "vfwcl_vsnk_stream_duplicates_total", stream=sid) == s["duplicates"] and
              metric(fams, "vfwcl_vsnk_stream_latency_seconds_count", stream=sid) == lat["samples"] and
              abs(metric(fams, "vfwcl_vsnk_stream_latency_seconds", stream=sid, quantile="0.99") -
                  lat["p99"] / 1e9) < 1e-9)
        check(ok, "stream %d: packets, bytes, loss, latency" % sid)
    check(fams["vfwcl_vsnk_stream_latency_seconds"]["type"] == "summary", "latency is a summary")
    check(metric(fams, "vfwcl_vsnk_build_info", version="0.1.0",
                 dpdk=fams["vfwcl_vsnk_build_info"]["samples"][0][1].get("dpdk", "")) == 1,
          "build_info")

    promtool = shutil.which("promtool")
    if promtool is None:
        print("SKIP promtool check metrics: promtool is not installed "
              "(Debian: apt-get install prometheus)")
    else:
        p = subprocess.run([promtool, "check", "metrics"], input=r.text, capture_output=True,
                           text=True)
        check(p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "",
              "promtool check metrics: clean", p.stdout + p.stderr)


def test_reset(c):
    before = c.json("/api/v1/stats")
    for what, kw, code in (("array body", dict(body=[1]), 400),
                           ("unknown field", dict(body={"ports": [0]}), 400),
                           ("malformed", dict(raw=b"{", headers={"Content-Type": "application/json"}), 400),
                           ("text/plain", dict(raw=b"{}", headers={"Content-Type": "text/plain"}), 415)):
        r = c.req("POST", "/api/v1/stats/reset", **kw)
        check(r.is_error(code), "reset with %s: %d" % (what, code), r)
    check(mgmtlib.without_clock(c.json("/api/v1/stats")) == mgmtlib.without_clock(before),
          "the refused resets changed nothing")
    r = c.req("POST", "/api/v1/stats/reset")
    check(r.status == 200 and r.json["status"] == "reset requested" and "next loop" in r.json["note"],
          "POST /api/v1/stats/reset: 200 once requested", r)

    def zeroed():
        s = c.json("/api/v1/stats")
        return s["ports"][0]["rx_packets"] == 0 and s["streams"] == [] and \
            s["totals"]["probe_packets"] == 0
    check(mgmtlib.wait_for(zeroed, timeout=5), "the workers zeroed the counters and streams")
    _, fams, errors = scrape(c)
    check(errors == [] and metric(fams, "vfwcl_vsnk_rx_packets_total", port=0) == 0 and
          fams["vfwcl_vsnk_stream_rx_packets_total"]["samples"] == [],
          "/metrics after the reset: zero, no stream")
    r = c.req("POST", "/api/v1/stats/reset", body={})
    check(r.status == 200, "reset with an empty object body: 200")
    check(c.get("/api/v1/stats/reset").is_error(405), "GET on the reset: 405")
    check((metric(fams, "vfwcl_vsnk_mgmt_http_replies_total", code=400) or 0) >= 3 and
          (metric(fams, "vfwcl_vsnk_mgmt_http_replies_total", code=415) or 0) >= 1,
          "/metrics counts the replies by status")


def main():
    tmp = tempfile.mkdtemp(prefix="vfwcl-mgmt-metrics-")
    pcap = os.path.join(tmp, "in.pcap")
    total = mgmtlib.write_probe_pcap(pcap, STREAMS, PER_STREAM, 5)
    v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=" + pcap])
    with v:
        c = v.client()
        check(mgmtlib.wait_for(lambda: c.json("/api/v1/stats")["ports"][0]["rx_packets"] == total),
              "vsnk received the pcap")
        test_metrics(c, c.json("/api/v1/stats"))
        test_reset(c)
    check(v.rc == 0 and v.stats["ports"][0]["rx_packets"] == 0,
          "the stats file at exit shows the reset", v.err[-300:])
    shutil.rmtree(tmp, ignore_errors=True)
    mgmtlib.done()


if __name__ == "__main__":
    main()
