#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The VES agent in vsnk, end to end on virtual ports: the sum of the
per-interval deltas equals vsnk's final rx_packets (a pcap of N packets, v5;
continuous net_null traffic with the collector failing for a while, v7, where
every interval also shows the worker kept counting), the "ves" stats section,
--help, and bad --ves-* options (exit 2, one line)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vescollector as vc  # noqa: E402
import vfwcl  # noqa: E402

chk = vc.Checker()
VSNK = vfwcl.binary("vsnk")
VES = ["--ves-interval", "1", "--ves-heartbeat", "0", "--ves-timeout", "2",
       "--ves-backoff-max", "0.5"]


def run_vsnk(vdev, args, duration, during=None):
    """Run vsnk for duration seconds; during(), if given, runs while it does."""
    fd, sfile = tempfile.mkstemp(prefix="vsnk-ves-", suffix=".json")
    os.close(fd)
    os.unlink(sfile)
    cmd = [VSNK] + vfwcl.eal_args([vdev]) + ["--", "--idle-sleep", "100", "--duration",
                                            str(duration), "--stats-file", sfile] + args
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if during is not None:
        during()
    try:
        out, err = p.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    js = None
    if os.path.exists(sfile):
        with open(sfile) as f:
            js = json.load(f)
        os.unlink(sfile)
    return p.returncode, out, err, js


def delta_sum(events, nic, key="receivedTotalPacketsDelta"):
    total = 0
    for e in vc.measurements(vc.dedup(events)):
        for n in vc.nics(e):
            if (n.get("vNicIdentifier") or n.get("nicIdentifier")) == nic:
                total += n[key]
    return total


def totals(js):
    return {p["name"]: p for p in js["ports"]}


def test_pcap(tmp):
    n = 1000
    pcap = os.path.join(tmp, "in.pcap")
    vfwcl.write_pcap(pcap, [vfwcl.probe_frame(i % 4, i // 4) for i in range(n)])
    c = vc.Collector().start()
    rc, out, err, js = run_vsnk("net_pcap0,rx_pcap=" + pcap, ["--ves-url", c.url] + VES, 3.5)
    c.stop()
    chk(rc == 0 and js is not None, "vsnk + VES (pcap): exits 0 with stats", err[-1500:])
    if js is None:
        return
    evs = c.snapshot()
    port = js["ports"][0]
    bad = [vc.check_event(e, 5) for e in evs if vc.check_event(e, 5)]
    chk(evs and not bad, "vsnk (pcap): %d v5 events, required fields present" % len(evs), bad[:2])
    s = delta_sum(evs, port["name"])
    chk(port["rx_packets"] == n and s == n,
        "vsnk (pcap): sum of receivedTotalPacketsDelta = final rx_packets = %d (%d)" % (n, s))
    chk(delta_sum(evs, port["name"], "receivedOctetsDelta") == port["rx_bytes"],
        "vsnk (pcap): sum of receivedOctetsDelta = final rx_bytes")
    vc.check_series(chk, evs, 1, totals(js), None, "vsnk (pcap): ")
    ves = js.get("ves", {})
    chk(ves.get("sent") == len(evs) == ves.get("events") and ves.get("dropped") == 0 and
        ves.get("queued") == 0 and ves.get("last_status") == 202,
        "vsnk (pcap): the stats file has the agent's counters", ves)


def test_null_failing(tmp):
    # the collector fails from the start until it has refused three posts,
    # then accepts: driven by what it saw, not by a clock (a loaded host
    # may take seconds to start vsnk)
    c = vc.Collector(mode="500").start()

    def fail_three_then_accept():
        vfwcl.wait_for(lambda: sum(1 for _, m in list(c.request_log) if m == "500") >= 3, 60)
        c.mode = "ok"
    rc, out, err, js = run_vsnk("net_null0", ["--ves-url", c.url, "--ves-version", "7"] + VES, 8,
                                fail_three_then_accept)
    c.stop()
    chk(rc == 0 and js is not None, "vsnk + VES (net_null, collector 500 for 2 s): exits 0",
        err[-1500:])
    if js is None:
        return
    evs = vc.dedup(c.snapshot())
    port = js["ports"][0]
    bad = [vc.check_event(e, 7) for e in evs if vc.check_event(e, 7)]
    chk(evs and not bad, "vsnk (net_null): %d v7 events, required fields present" % len(evs),
        bad[:2])
    s = delta_sum(evs, port["name"])
    chk(port["rx_packets"] > 0 and s == port["rx_packets"],
        "vsnk (net_null): sum of deltas = final rx_packets (%d, %d)" % (s, port["rx_packets"]))
    vc.check_series(chk, evs, 1, totals(js), None, "vsnk (net_null): ")
    full = [vc.nics(e)[0]["receivedTotalPacketsDelta"] for e in vc.measurements(evs)
            if vc.header(e)["lastEpochMicrosec"] - vc.header(e)["startEpochMicrosec"] == 1000000]
    # whole intervals after --duration stopped the worker (a slow stop on a
    # loaded host) count nothing: only those up to the last counting one matter
    while full and full[-1] == 0:
        full.pop()
    chk(len(full) >= 3 and all(d > 0 for d in full),
        "vsnk (net_null): the worker counted in every interval while the collector failed", full)
    ves = js.get("ves", {})
    chk(ves.get("failed", 0) > 0 and ves.get("sent") == ves.get("events") == len(evs),
        "vsnk (net_null): failures retried, every event delivered", ves)


def test_options():
    p = subprocess.run([VSNK, "--help"], capture_output=True, text=True)
    chk(p.returncode == 0 and "--ves-url" in p.stdout and "--ves-password-file" in p.stdout,
        "vsnk --help lists the VES options")
    eal = vfwcl.eal_args(["net_null0"])
    cases = [
        (["--ves-url", "ftp://127.0.0.1/"], "--ves-url", "'ftp://127.0.0.1/'"),
        (["--ves-url", "https://127.0.0.1/", "--ves-ca", "/nonexistent/ca.pem"], "--ves-ca",
         "/nonexistent/ca.pem"),
        (["--ves-url", "http://127.0.0.1:9", "--ves-version", "4"], "--ves-version", "'4'"),
        (["--ves-interval", "5"], "--ves-interval", "--ves-url"),
    ]
    for args, *needles in cases:
        p = subprocess.run([VSNK] + eal + ["--"] + args, capture_output=True, text=True,
                           timeout=60)
        chk(vc.one_line_error(p.returncode, p.stderr, "vsnk", 2, *needles),
            "vsnk bad %s: exit 2, one line naming it" % " ".join(args), p.stderr[-600:])


def main():
    tmp = tempfile.mkdtemp(prefix="ves-vsnk-")
    try:
        test_options()
        test_pcap(tmp)
        test_null_failing(tmp)
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    chk.exit()


if __name__ == "__main__":
    main()
