#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw's REST session routes (vfw/sess_ctl.c, vfw/vfw_mgmt.c).

One worker reads a finite pcap of known flows (UDP, TCP SYNs, ICMP echo)
on the unprotected port under an "allow any" policy, then idles with the
sessions open (long timeouts). Checked:
  - GET /api/v1/sessions lists exactly the flows sent: addresses, ports,
    protocol, state, originator; paging with a small limit visits every
    session once and ends with next_cursor null;
  - filters (addr, addr/prefix, proto, port, state) select the right ones;
  - DELETE with a filter removes exactly those, the rest stay, and the
    session counters add up (created = active + flushed);
  - bad queries (unknown parameter, bad address, prefix, protocol, port,
    state, limit, cursor) get a 400 naming the value and change nothing.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vfwtest as t  # noqa: E402
import vfwcl as v  # noqa: E402
from mgmtlib import call, check, done, free_port  # noqa: E402

UDP_SRC = "192.168.10.5"
TCP_SRC = "192.168.10.6"
ICMP_SRC = "192.168.10.7"
DST = "192.168.20.9"
N_UDP, N_TCP, N_ICMP = 23, 7, 4
LONG = ["--timeout", "udp_first=3600", "--timeout", "tcp_syn_sent=3600",
        "--timeout", "icmp_first=3600"]


def frames():
    out = []
    for i in range(N_UDP):
        out.append(t.udp4(0, UDP_SRC, DST, 20000 + i, 8080))
    for i in range(N_TCP):
        out.append(t.tcp4(0, TCP_SRC, DST, 30000 + i, 80, "SYN"))
    for i in range(N_ICMP):
        out.append(t.echo4(0, ICMP_SRC, DST, 700 + i, 1))
    return out


def list_all(base, query="", limit=None):
    """Every page of a listing; returns (sessions, pages)."""
    got, pages, cursor = [], 0, None
    while True:
        q = [query] if query else []
        if limit:
            q.append("limit=%d" % limit)
        if cursor is not None:
            q.append("cursor=%d" % cursor)
        st, js = call(base, "GET", "/api/v1/sessions" + ("?" + "&".join(q) if q else ""))
        if st != 200:
            raise AssertionError("listing %s: %s %s" % (query, st, js))
        pages += 1
        got += js["sessions"]
        if js["count"] != len(js["sessions"]):
            raise AssertionError("count %d != %d sessions" % (js["count"], len(js["sessions"])))
        cursor = js["next_cursor"]
        if cursor is None or pages > 1000:
            return got, pages


def stats(base):
    st, js = call(base, "GET", "/api/v1/stats")
    assert st == 200, js
    return js


def main():
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "flows.pcap")
        v.write_pcap(src, frames())
        rules = os.path.join(tmp, "all.rules")
        with open(rules, "w") as f:
            f.write("allow any\n")
        # two workers on one CPU: the port has one rx queue, so worker 2 has no
        # table and the requests must skip it
        eal = v.eal_args(["net_pcap0,rx_pcap=%s,tx_pcap=%s/o1.pcap,tx_pcap=%s/o2.pcap" % (src, tmp, tmp),
                          "net_null1,no-rx=1"], lcores="0,1,2@1",
                         mem=512)
        eal[eal.index("-l")] = "--lcores"
        cmd = [v.binary("vfw")] + eal + \
            ["--", "--rules", rules, "--max-sessions", "16384", "--idle-sleep", "1000",
             "--nb-cores", "2",
             "--eth-peer", "1," + t.PEER[1], "--mgmt", "127.0.0.1:%d" % port,
             "--duration", "120"] + LONG
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            run(base, p)
        finally:
            p.terminate()
            out, err = p.communicate(timeout=60)
        check(p.returncode == 0, "vfw stops cleanly after the session requests", (p.returncode, err[-500:]))
    under_traffic()
    done()


def wait_healthy(base, p):
    """Wait until vfw (process p) answers /api/v1/health; exit if it died first."""
    for _ in range(300):
        try:
            if call(base, "GET", "/api/v1/health")[0] == 200:
                return
        except OSError:
            pass
        if p.poll() is not None:
            print(p.communicate()[1][-2000:])
            sys.exit(1)
        time.sleep(0.1)


def run(base, p):
    wait_healthy(base, p)
    total = N_UDP + N_TCP + N_ICMP
    for _ in range(300):  # the pcap is read at once; wait until every flow has its session
        if stats(base)["sessions"]["active"] == total:
            break
        time.sleep(0.1)
    s0 = stats(base)["sessions"]
    check(s0["active"] == total and s0["tables"] == 1 and s0["max"] == 16384,
          "%d sessions active, in the one worker table of two workers" % total, s0)

    sess, pages = list_all(base)
    check(len(sess) == total and pages == 1, "one default page lists all %d sessions" % total,
          (len(sess), pages))
    udp = sorted((s for s in sess if s["proto"] == "udp"), key=lambda s: s["orig"]["port"])
    check(len(udp) == N_UDP and all(
        s["orig"] == {"addr": UDP_SRC, "port": 20000 + i} and s["reply"] == {"addr": DST, "port": 8080}
        and s["state"] == "udp_first" and s["family"] == "ipv4" and s["timeout_ms"] == 3600000
        and 0 <= s["idle_ms"] < 3600000 for i, s in enumerate(udp)),
        "UDP sessions: originator, responder, state, timeout as sent", udp[:2])
    tcp = [s for s in sess if s["proto"] == "tcp"]
    check(len(tcp) == N_TCP and all(s["state"] == "tcp_syn_sent" and s["orig"]["addr"] == TCP_SRC
                                    and s["reply"]["port"] == 80 for s in tcp),
          "TCP sessions in tcp_syn_sent from the SYN's sender", tcp[:1])
    icmp = [s for s in sess if s["proto"] == "icmp"]
    check(sorted(s["orig"]["port"] for s in icmp) == list(range(700, 700 + N_ICMP)) and
          all(s["state"] == "icmp_first" for s in icmp), "ICMP echo sessions by echo id", icmp[:1])

    paged, pages = list_all(base, limit=5)
    key = lambda s: (s["proto"], s["orig"]["addr"], s["orig"]["port"])  # noqa: E731
    check(sorted(map(key, paged)) == sorted(map(key, sess)) and pages == (total + 4) // 5 + (total % 5 == 0),
          "limit=5: %d pages visit every session exactly once" % pages, (len(paged), pages))

    cases = [
        ("addr=" + UDP_SRC, N_UDP), ("addr=" + DST, total), ("addr=192.168.10.0/29", total),
        ("addr=192.168.10.6/32", N_TCP), ("addr=10.0.0.0/8", 0), ("addr=2001:db8::/32", 0),
        ("proto=tcp", N_TCP), ("proto=6", N_TCP), ("proto=icmp", N_ICMP), ("port=8080", N_UDP),
        ("port=20003", 1), ("state=tcp_syn_sent", N_TCP), ("proto=udp&port=80", 0),
        ("addr=%s&port=80" % TCP_SRC, N_TCP),
    ]
    for q, n in cases:
        got, _ = list_all(base, q, limit=3)
        check(len(got) == n, "filter %s: %d sessions" % (q, n), len(got))

    bad = [
        ("bogus=1", "bogus"), ("addr=300.1.1.1", "300.1.1.1"), ("addr=1.2.3.4/33", "prefix"),
        ("addr=1.2.3.4/", "prefix"), ("proto=sctpx", "sctpx"), ("proto=256", "proto"),
        ("proto=0", "proto"), ("port=65536", "port"), ("port=-1", "port"), ("state=open", "open"),
        ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"),
        ("cursor=99999999999", "cursor"),
    ]
    for q, needle in bad:
        for method in ("GET", "DELETE"):
            if method == "DELETE" and q.split("=")[0] in ("limit", "cursor"):
                needle2 = q.split("=")[0]
            else:
                needle2 = needle
            st, js = call(base, method, "/api/v1/sessions?" + q)
            msg = (js or {}).get("error", {}).get("message", "")
            check(st == 400 and needle2 in msg, "%s ?%s: 400 naming it" % (method, q), (st, msg))
    check(stats(base)["sessions"]["active"] == total, "bad requests flushed nothing")

    st, js = call(base, "DELETE", "/api/v1/sessions?proto=tcp&port=30002")
    check(st == 200 and js == {"flushed": 1}, "DELETE one TCP session by port", (st, js))
    st, js = call(base, "DELETE", "/api/v1/sessions?addr=" + UDP_SRC)
    check(st == 200 and js == {"flushed": N_UDP}, "DELETE the UDP sessions by address", (st, js))
    left, _ = list_all(base)
    check(sorted(s["proto"] for s in left) == ["icmp"] * N_ICMP + ["tcp"] * (N_TCP - 1) and
          all(s["orig"]["port"] != 30002 for s in left), "the other sessions stay", left)
    s = stats(base)["sessions"]
    check(s["active"] == N_ICMP + N_TCP - 1 and s["flushed"] == N_UDP + 1 and
          s["created"] == s["active"] + s["flushed"] + s["expired"],
          "counters add up: created = active + flushed + expired", s)
    st, js = call(base, "DELETE", "/api/v1/sessions")
    check(st == 200 and js == {"flushed": N_ICMP + N_TCP - 1}, "DELETE without a filter flushes all",
          (st, js))
    st, js = call(base, "GET", "/api/v1/sessions")
    check(st == 200 and js == {"count": 0, "sessions": [], "next_cursor": None}, "empty listing", js)


def under_traffic():
    """Flushes and listings while the worker forwards an endless stream of 64
    flows: the flows come back as new sessions, nothing is lost or counted
    twice, and vfw stops cleanly."""
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "loop.pcap")
        v.write_pcap(src, [t.udp4(0, "192.168.10.%d" % (1 + i % 8), DST, 40000 + i, 8080)
                           for i in range(64)])
        statsf = os.path.join(tmp, "stats.json")
        cmd = [v.binary("vfw")] + v.eal_args(["net_pcap0,rx_pcap=%s,infinite_rx=1" % src,
                                              "net_null1,no-rx=1"], mem=512) + \
            ["--", "--max-sessions", "1024", "--eth-peer", "1," + t.PEER[1],
             "--mgmt", "127.0.0.1:%d" % port, "--duration", "120", "--stats-file", statsf]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        flushed, listed = 0, 0
        try:
            wait_healthy(base, p)
            for i in range(20):
                st, js = call(base, "DELETE", "/api/v1/sessions" + ("?addr=192.168.10.3" if i % 2 else ""))
                if st != 200:
                    check(False, "flush %d under traffic" % i, (st, js))
                    continue
                flushed += js["flushed"]
                st, js = call(base, "GET", "/api/v1/sessions?limit=1000")
                listed = max(listed, js.get("count", 0) if st == 200 else -1)
                time.sleep(0.05)
        finally:
            p.terminate()
            out, err = p.communicate(timeout=60)
        check(p.returncode == 0, "vfw stops cleanly after flushes under traffic", (p.returncode, err[-500:]))
        with open(statsf) as f:
            js = json.load(f)
    s = js["sessions"]
    p0 = v.port_stats(js, 0)
    check(flushed > 0 and 0 < listed <= 64 and s["flushed"] == flushed and
          s["created"] == s["active"] + s["flushed"] + s["expired"] and s["active"] <= 64,
          "under traffic: %d flushed, sessions re-created, created = active + flushed + expired"
          % flushed, (flushed, listed, s))
    check(p0["rx_packets"] == p0["forwarded"] + p0["dropped"] + p0["local"] and p0["dropped"] == 0,
          "under traffic: every packet forwarded (%d)" % p0["rx_packets"], p0)


if __name__ == "__main__":
    main()
