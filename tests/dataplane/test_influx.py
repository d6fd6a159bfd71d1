#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The InfluxDB line-protocol export (issue 18 section 4) against a real
InfluxDB 1.x (Debian's influxd, started here on loopback with its own data
directory, killed at the end):
- vpkg -> memif -> vfw -> memif -> vsnk, each with --influx-url ... 1 s,
  an instance tag full of characters line protocol must escape;
- stopped cleanly, the per-interval port deltas summed in the database equal
  the stats files' totals exactly, and the last points' totals, rule hits,
  session counts and stream counters equal the stats files;
- again with influxd stopped (SIGSTOP) for 30 s in the middle, then killed
  and started again on the same data: still exact, nothing dropped;
- the 2.x path against a fake server: path, org/bucket, precision=ns,
  Authorization: Token from --influx-token-file, text/plain lines, with a
  VES agent in the same process;
- a database that never answers: what falls out of --influx-queue is
  counted (stats JSON, /metrics);
- bad --influx-url / --influx-interval / unreadable token file: exit 2 and
  one line naming the value.
Exits 77 when influxd is missing (apt-get install influxdb)."""
import os
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import influxlib  # noqa: E402
import vfwcl as v  # noqa: E402
from mgmtlib import check, done  # noqa: E402

DB = "vfwcl"
VFW_MAC0, VFW_MAC1 = "02:00:00:00:10:64", "02:00:00:00:20:64"
PKG_MAC, SNK_MAC = "02:00:00:00:10:c8", "02:00:00:00:20:fa"
MEMIF = "socket-abstract=no"
PORT_FIELDS = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "dropped")


def eal(prefix, vdevs):
    a = ["-l", "0-1", "--no-huge", "-m", "256", "--no-pci", "--log-level=4", "--file-prefix", prefix]
    for d in vdevs:
        a += ["--vdev", d]
    return a


class Chain:
    """vpkg -> vfw -> vsnk on memif, every binary exporting to url."""

    def __init__(self, tmp, tag, url, extra=()):
        self.tmp = os.path.join(tmp, tag)
        os.makedirs(self.tmp)
        self.tag = tag
        self.prefixes = ["influx-%s-%d-%s" % (b, os.getpid(), tag) for b in ("vfw", "vsnk", "vpkg")]
        a, b = os.path.join(self.tmp, "a.sock"), os.path.join(self.tmp, "b.sock")
        exp = ["--influx-url", url, "--influx-interval", "1", "--influx-instance", self.instance,
               "--influx-backoff-max", "2", "--idle-sleep", "1000"] + list(extra)
        self.stats = {n: os.path.join(self.tmp, n + ".json") for n in ("vfw", "vsnk", "vpkg")}
        self.procs = {}
        self.procs["vfw"] = v.Proc([v.binary("vfw")] + eal(self.prefixes[0], [
            "net_memif0,role=server,socket=%s,%s,mac=%s" % (a, MEMIF, VFW_MAC0),
            "net_memif1,role=server,socket=%s,%s,mac=%s" % (b, MEMIF, VFW_MAC1)]) +
            ["--", "--eth-peer", "1," + SNK_MAC, "--stats-file", self.stats["vfw"]] + exp)
        v.wait_for(lambda: os.path.exists(a) and os.path.exists(b), 30)
        self.procs["vsnk"] = v.Proc([v.binary("vsnk")] + eal(self.prefixes[1], [
            "net_memif0,role=client,socket=%s,%s,mac=%s" % (b, MEMIF, SNK_MAC)]) +
            ["--", "--stats-file", self.stats["vsnk"]] + exp)
        self.procs["vpkg"] = v.Proc([v.binary("vpkg")] + eal(self.prefixes[2], [
            "net_memif0,role=client,socket=%s,%s,mac=%s" % (a, MEMIF, PKG_MAC)]) +
            ["--", "--gateway", "192.168.10.100", "--rate", "200pps", "--stats-file",
             self.stats["vpkg"]] + exp)

    @property
    def instance(self):
        # spaces, commas, equals signs and quotes: line protocol must escape them
        return 'lab 1,run=%s "q"' % self.tag

    def wait_traffic(self, ifx, timeout=90):
        """Until vsnk's points in the database say packets arrived."""
        def flowing():
            s = ifx.query("SELECT sum(rx_packets) FROM port WHERE \"binary\" = 'vsnk' AND "
                          "instance = %s" % esc_q(self.instance), db=DB)
            return bool(s) and s[0]["values"][0][1] > 0
        if not v.wait_for(flowing, timeout, 0.5):
            raise AssertionError("%s: no vsnk traffic in the database after %ds\n%s" % (
                self.tag, timeout, "\n".join(p.output()[-1500:] for p in self.procs.values())))

    def stop(self):
        """In data-path order (nothing in flight lost); the stats files."""
        out = {}
        for n in ("vpkg", "vfw", "vsnk"):
            rc = self.procs[n].stop(timeout=90)
            check(rc == 0, "%s %s: clean exit" % (self.tag, n), self.procs[n].output()[-2000:])
            time.sleep(0.3)
        for n, path in self.stats.items():
            with open(path) as f:
                out[n] = __import__("json").load(f)
        return out

    def kill(self):
        for p in self.procs.values():
            p.kill()
        for pre in self.prefixes:
            v.drop_prefix(pre)


def esc_q(s):
    """A string literal in InfluxQL."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def check_exact(ifx, chain, stats, what):
    inst = esc_q(chain.instance)
    for b in ("vpkg", "vfw", "vsnk"):
        st = stats[b]
        ex = st.get("influx")
        if not check(ex is not None, "%s %s: stats JSON has an \"influx\" section" % (what, b)):
            continue
        check(ex["dropped"] == 0 and ex["queued"] == 0 and ex["rejected"] == 0 and
              ex["sent"] == ex["events"] and ex["events"] >= 3,
              "%s %s: every interval delivered (events = sent, nothing dropped/queued)" % (what, b),
              ex)
        series = ifx.query("SELECT %s, count(rx_packets) FROM port WHERE \"binary\" = '%s' AND "
                           "instance = %s GROUP BY port" %
                           (", ".join("sum(%s)" % f for f in PORT_FIELDS), b, inst), db=DB)
        got = {s["tags"]["port"]: dict(zip(s["columns"], s["values"][0])) for s in series}
        for p in st["ports"]:
            g = got.get(p["name"])
            if not check(g is not None, "%s %s port %s: points in the database" %
                         (what, b, p["name"]), sorted(got)):
                continue
            want = [p[f] for f in PORT_FIELDS]
            have = [g["sum" if i == 0 else "sum_%d" % i] for i in range(len(PORT_FIELDS))]
            check(have == want, "%s %s port %s: sum of the interval deltas = stats totals %s" %
                  (what, b, p["name"], want), "database %s, %d points" % (have, g["count"]))
            check(g["count"] == ex["measurements"],
                  "%s %s port %s: one point per interval (%d)" % (what, b, p["name"], g["count"]),
                  ex)
            last = ifx.query("SELECT last(rx_packets_total), last(tx_packets_total) FROM port "
                             "WHERE \"binary\" = '%s' AND instance = %s AND port = %s" %
                             (b, inst, esc_q(p["name"])), db=DB)
            check(last and last[0]["values"][0][1:] == [p["rx_packets"], p["tx_packets"]],
                  "%s %s port %s: the last point's totals = stats" % (what, b, p["name"]), last)
        check(sum(p["rx_packets"] + p["tx_packets"] for p in st["ports"]) > 0,
              "%s %s: traffic went through" % (what, b))
    # vfw: per-rule hits and sessions per state, as the stats file says at the stop
    series = ifx.query("SELECT last(hits) FROM rule WHERE instance = %s GROUP BY rule" % inst, db=DB)
    hits = {int(s["tags"]["rule"]): s["values"][0][1] for s in series}
    want = {r["index"]: r["packets"] for r in stats["vfw"]["rules"]}
    check(hits == want and sum(want.values()) > 0, "%s vfw: last rule hits = stats %s" %
          (what, want), hits)
    ses = ifx.query("SELECT last(active) FROM sessions WHERE instance = %s" % inst, db=DB)
    check(ses and ses[0]["values"][0][1] == stats["vfw"]["sessions"]["active"],
          "%s vfw: last active sessions = stats (%d)" % (what, stats["vfw"]["sessions"]["active"]),
          ses)
    # vsnk streams: received, lost, duplicates, reordered, latency
    series = ifx.query("SELECT last(rx_packets), last(lost), last(duplicates), last(reordered), "
                       "last(latency_ns_p99) FROM stream WHERE \"binary\" = 'vsnk' AND "
                       "instance = %s GROUP BY stream" % inst, db=DB)
    got = {int(s["tags"]["stream"]): s["values"][0][1:] for s in series}
    want = {s["stream"]: [s["rx_packets"], s["lost"], s["duplicates"], s["reordered"],
                          s["latency_ns"]["p99"]] for s in stats["vsnk"]["streams"]}
    check(got == want and len(want) > 0, "%s vsnk: last stream points = stats (%d streams)" %
          (what, len(want)), (got, want))
    # vpkg streams: packets sent and the rate set
    series = ifx.query("SELECT last(tx_packets), last(rate) FROM stream WHERE \"binary\" = 'vpkg' "
                       "AND instance = %s GROUP BY stream" % inst, db=DB)
    got = {int(s["tags"]["stream"]): s["values"][0][1:] for s in series}
    want = {s["id"]: [s["tx_packets"], s["rate"]] for s in stats["vpkg"]["streams"]}
    check(got == want and len(want) > 0, "%s vpkg: last stream points = stats (%d streams)" %
          (what, len(want)), (got, want))


def run_chain(ifx, tmp, tag, outage):
    chain = Chain(tmp, tag, ifx.url + "/write?db=" + DB)
    try:
        chain.wait_traffic(ifx)
        time.sleep(3)
        if outage:
            ifx.signal(signal.SIGSTOP)     # requests hang: timeouts, retries
            time.sleep(15)
            ifx.kill()                     # then down: connection refused
            time.sleep(15)
            ifx.start()                    # same data directory, same port
            for b, p in chain.procs.items():
                check(p.running(), "%s %s: still running through the outage" % (tag, b))
            time.sleep(8)                  # the back-off (cap 2 s) delivers the backlog
        else:
            time.sleep(3)
        stats = chain.stop()
    finally:
        chain.kill()
    check_exact(ifx, chain, stats, tag)
    if outage:
        check(any(stats[b]["influx"]["retried"] > 0 for b in stats),
              "%s: the outage was seen (requests retried)" % tag,
              {b: stats[b]["influx"] for b in stats})


def test_v2(tmp):
    """A 2.x URL: path, org and bucket, precision=ns, the token header; a VES
    agent in the same process at the same time (one design, two encoders)."""
    sink = influxlib.WriteSink()
    sink.start()
    ves = influxlib.WriteSink()
    ves.start()
    tok = os.path.join(tmp, "token")
    with open(tok, "w") as f:
        f.write("s3cr3t-t0ken\n")
    os.chmod(tok, 0o600)
    try:
        cmd = [v.binary("vsnk")] + v.eal_args(["net_null0"]) + [
            "--", "--idle-sleep", "1000", "--duration", "2.5", "--influx-url",
            "http://127.0.0.1:%d/api/v2/write?org=my%%20org&bucket=b1" % sink.port,
            "--influx-token-file", tok, "--influx-interval", "1",
            "--ves-url", "http://127.0.0.1:%d/eventListener/v7" % ves.port, "--ves-interval", "1"]
        rc, out, err, st = v.run(cmd, timeout=60)
        check(rc == 0, "2.x: vsnk ran", err[-2000:])
        check(len(sink.requests) >= 1, "2.x: writes received (%d)" % len(sink.requests))
        for path, headers, body in sink.requests[:1]:
            check(path == "/api/v2/write?org=my%20org&bucket=b1&precision=ns",
                  "2.x: path, org, bucket and precision=ns", path)
            check(headers.get("Authorization") == "Token s3cr3t-t0ken",
                  "2.x: Authorization: Token from --influx-token-file", headers)
            check(headers.get("Content-Type", "").startswith("text/plain"),
                  "2.x: text/plain body", headers)
            lines = body.splitlines()
            check(lines and all(line.startswith("port,binary=vsnk,") for line in lines) and
                  all(line.rsplit(" ", 1)[1].isdigit() and len(line.rsplit(" ", 1)[1]) == 19
                      for line in lines), "2.x: port points with ns timestamps", body[:500])
        check(st is not None and st["influx"]["version"] == 2 and st["influx"]["sent"] >= 1,
              "2.x: stats JSON influx section", st and st.get("influx"))
        check("s3cr3t" not in out + err + str(st), "2.x: the token is never printed")
        vreq = [r for r in ves.requests if r[0] == "/eventListener/v7"]
        check(len(vreq) >= 1 and all('"commonEventHeader"' in r[2] for r in vreq) and
              st is not None and st["ves"]["sent"] == st["ves"]["events"] and
              st["influx"]["sent"] == st["influx"]["events"],
              "2.x: the VES agent ran beside it (%d VES events, %d Influx intervals)" % (
                  len(vreq), len(sink.requests)), st and (st.get("ves"), st.get("influx")))
    finally:
        sink.close()
        ves.close()


def metric(port, name):
    """The value of one sample on vsnk's /metrics, None when absent."""
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    return None


def test_queue_bound(tmp):
    """The database never answers: at most --influx-queue intervals wait, the
    oldest fall out and are counted, in the stats JSON and on /metrics."""
    url = "http://127.0.0.1:%d/write?db=x" % influxlib.free_port()   # nobody listens
    mport = influxlib.free_port()
    stats = os.path.join(tmp, "bound.json")
    p = v.Proc([v.binary("vsnk")] + v.eal_args(["net_null0"]) + [
        "--", "--idle-sleep", "1000", "--influx-url", url, "--influx-interval", "1",
        "--influx-queue", "2", "--influx-batch", "1", "--influx-timeout", "0.5",
        "--influx-backoff-max", "0.5", "--mgmt", "127.0.0.1:%d" % mport, "--stats-file", stats])
    name = 'vfwcl_vsnk_export_dropped_total{export="influx"}'
    try:
        seen = v.wait_for(lambda: (metric(mport, name) or 0) >= 1, 90, 0.5)
        check(seen, "queue bound: /metrics counts the intervals dropped (%s)" % name,
              p.output()[-1500:])
        check(p.stop(timeout=60) == 0, "queue bound: vsnk stops cleanly", p.output()[-1500:])
    finally:
        p.kill()
    with open(stats) as f:
        ex = __import__("json").load(f).get("influx")
    check(ex is not None and ex["sent"] == 0 and ex["dropped"] >= 1 and ex["queued"] <= 3 and
          ex["events"] == ex["sent"] + ex["rejected"] + ex["dropped"] + ex["queued"] and
          ex["events"] == ex["measurements"],
          "queue bound: the intervals beyond --influx-queue 2 are counted as dropped in the "
          "stats JSON (events = sent + rejected + dropped + queued)", ex)


def test_bad_options(tmp):
    unreadable = os.path.join(tmp, "nope", "token")
    for args, needle in (
            (["--influx-url", "http://127.0.0.1:1/query?db=x"], "http://127.0.0.1:1/query?db=x"),
            (["--influx-url", "http://127.0.0.1:1/write"], "http://127.0.0.1:1/write"),
            (["--influx-url", "http://127.0.0.1:1/write?db=x", "--influx-interval", "0"], "'0'"),
            (["--influx-url", "http://127.0.0.1:1/write?db=x", "--influx-token-file", unreadable],
             unreadable),
            (["--influx-interval", "5"], "--influx-url")):
        for prog in ("vsnk", "vfw", "vpkg"):
            vd = ("net_null0", "net_null1") if prog == "vfw" else ("net_null0",)
            p = v.run_to_exit(prog, args, vdevs=vd)
            check(v.one_line_error(p, 2, needle, prog=prog),
                  "%s %s: exit 2, one line naming %s" % (prog, " ".join(args), needle))


def main():
    if not influxlib.influxd_path():
        print("SKIP: influxd not installed (apt-get install influxdb; scripts/install-deps.sh)")
        sys.exit(77)
    if os.geteuid() != 0:
        print("SKIP: needs root (DPDK memif between processes)")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="vfwcl-influx-")
    ifx = influxlib.Influxd(tmp)
    try:
        test_bad_options(tmp)
        test_v2(tmp)
        test_queue_bound(tmp)
        ifx.start()
        ifx.query("CREATE DATABASE " + DB, post=True)
        run_chain(ifx, tmp, "clean", outage=False)
        run_chain(ifx, tmp, "outage", outage=True)
    finally:
        ifx.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
