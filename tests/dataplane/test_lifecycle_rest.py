#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lifecycle actions of the worker engine (dataplane/dp_lifecycle.c), through
vsnk, vpkg and vfw: GET /api/v1/status, POST /api/v1/lifecycle pause/resume/
restart (400 naming a bad action, 409 in a wrong state, 422 naming a bad
value of a re-read configuration), SIGUSR1/SIGUSR2, SIGHUP (vpkg, vsnk).
Counts are compared with generous bounds: no timing is measured."""
import json
import os
import signal
import sys
import tempfile
import time

import mgmtlib
import vfwcl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ves"))
import vescollector  # noqa: E402

check = mgmtlib.check


def status(c):
    return c.json("/api/v1/status")


def rx(c):
    return sum(p["rx_packets"] for p in status(c)["ports"])


def tx(c):
    return sum(p["tx_packets"] for p in status(c)["ports"])


def act(c, action):
    return c.req("POST", "/api/v1/lifecycle", body={"action": action})


def wait_state(c, state, timeout=20):
    return vfwcl.wait_for(lambda: status(c)["state"] == state, timeout)


def grows(c, count, timeout=20):
    """count(c) increases within timeout."""
    a = count(c)
    return vfwcl.wait_for(lambda: count(c) > a, timeout)


def test_vsnk_pause_resume(tmp):
    pcap = os.path.join(tmp, "in.pcap")
    mgmtlib.write_probe_pcap(pcap, [0, 1], 50)
    v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap])
    with v:
        c = v.client()
        check(wait_state(c, "running"), "vsnk: running once its worker started")
        st = status(c)
        check(st["since"] > 0 and st["why"] != "" and len(st["ports"]) == 1 and
              {"rx_bytes", "tx_bytes", "pkt_drops", "rx_missed", "rx_packets",
               "tx_packets"} <= set(st["ports"][0]), "status: since, why, nf.io's port counters",
              st)
        check(grows(c, rx), "vsnk receives from the infinite pcap")
        r = act(c, "pause")
        check(r.status == 200 and r.json["state"] == "paused" and "pause" in r.json["why"],
              "pause: 200 with the status, paused", r)
        a = rx(c)
        time.sleep(1.0)
        b = rx(c)
        check(a == b, "paused: rx counters stop (%d, %d)" % (a, b))
        check(act(c, "pause").is_error(409), "pause while paused: 409")
        r = act(c, "resume")
        check(r.status == 200 and r.json["state"] == "running", "resume: 200, running", r)
        check(grows(c, rx), "resumed: rx counters continue")
        check(rx(c) >= b, "resumed: the counters kept their value")
        check(act(c, "resume").is_error(409), "resume while running: 409")
        r = act(c, "jump")
        check(r.is_error(400) and "jump" in r.error_message(), "unknown action: 400 naming it", r)
        for body in ({}, {"action": 3}, {"action": "pause", "x": 1}):
            check(c.req("POST", "/api/v1/lifecycle", body=body).is_error(400),
                  "bad body %r: 400" % (body,))
        check(status(c)["state"] == "running", "bad requests changed nothing")
        r = act(c, "restart")
        check(r.status == 200 and r.json["state"] == "running" and "restart" in r.json["why"],
              "restart: 200, running", r)
        check(grows(c, rx), "after restart: rx continues")
        # signals: SIGUSR1 pauses, SIGUSR2 resumes
        os.kill(v.pid(), signal.SIGUSR1)
        check(wait_state(c, "paused"), "SIGUSR1: paused")
        check("SIGUSR1" in status(c)["why"], "why names SIGUSR1")
        a = rx(c)
        time.sleep(1.0)
        check(rx(c) == a, "paused by SIGUSR1: rx stops")
        os.kill(v.pid(), signal.SIGUSR2)
        check(wait_state(c, "running"), "SIGUSR2: running")
        check(grows(c, rx), "resumed by SIGUSR2: rx continues")
        # a stop while paused still ends cleanly
        check(act(c, "pause").status == 200, "pause before the stop")
    check(v.rc == 0, "vsnk stops cleanly while paused (rc %s)" % v.rc)


def test_vpkg_no_catch_up():
    """vpkg paused sends nothing; resumed, its rate is the set rate: no burst
    catching up the time paused (the schedule moved on)."""
    rate = 400          # pps in all (one stream)
    paused_s = 4.0
    v = mgmtlib.Binary("vpkg", ["net_null0"],
                       ["--eth-peer", "0,02:00:00:00:00:01", "--rate", "%dpps" % rate,
                        "--active-streams", "1",
                        # a debt bound beyond the pause: only the resume hook avoids the burst
                        "--max-lag", "%d" % int(paused_s * 2e6)])
    with v:
        c = v.client()
        check(wait_state(c, "running") and grows(c, tx), "vpkg: running and sending")
        check(act(c, "pause").status == 200, "vpkg: pause")
        a = tx(c)
        time.sleep(paused_s)
        b = tx(c)
        check(a == b, "vpkg paused sends nothing (%d, %d)" % (a, b))
        t0 = time.monotonic()
        check(act(c, "resume").status == 200, "vpkg: resume")
        time.sleep(1.0)
        n = tx(c) - b
        dt = time.monotonic() - t0
        # a catch-up burst would add rate * paused_s packets at once
        check(0 < n < rate * dt + rate * paused_s / 2,
              "vpkg resumed at its rate: %d packets in %.2f s (catch-up would be %d more)" %
              (n, dt, rate * paused_s))
    check(v.rc == 0, "vpkg stops cleanly")


def test_vfw_restart_rereads_rules(tmp):
    rules = os.path.join(tmp, "rules")
    with open(rules, "w") as f:
        f.write("allow any stateless\n")
    v = mgmtlib.Binary("vfw", ["net_null0", "net_null1"], ["--rules", rules])
    with v:
        c = v.client()
        check(wait_state(c, "running"), "vfw: running")
        check(status(c)["restart_rereads"] == "--rules", "vfw: restart re-reads --rules")
        with open(rules, "w") as f:
            f.write("this is not a rule\n")
        r = act(c, "restart")
        check(r.is_error(422) and "rule" in r.error_message().lower(),
              "restart with a bad --rules file: 422 naming it", r)
        check(status(c)["state"] == "running", "a failed restart leaves vfw running")
        with open(rules, "w") as f:
            f.write("deny any\nallow any stateless\n")
        r = act(c, "restart")
        check(r.status == 200 and "--rules" in r.json["why"], "restart re-reads --rules", r)
    check(v.rc == 0, "vfw stops cleanly")


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)


def stream_names(c):
    return sorted(s["name"] for s in c.json("/api/v1/streams"))


def one_stream(name, sid, rate="200pps"):
    return {"name": name, "id": sid, "rate": rate, "size": 64,
            "src_ip": "10.0.0.1", "dst_ip": "10.0.0.2", "src_port": 1000, "dst_port": 2000}


def test_vpkg_restart_rereads_streams(tmp):
    """vpkg's restart (and SIGHUP) makes its streams again from --config; a
    file that does not parse is refused naming the bad value and nothing
    changes; the command line still applies on top (--active-streams);
    per-stream state carries over (sequence numbers)."""
    conf = os.path.join(tmp, "vpkg.json")
    write_json(conf, {"streams": [one_stream("a", 0)]})
    v = mgmtlib.Binary("vpkg", ["net_null0"],
                       ["--eth-peer", "0,02:00:00:00:00:01", "--config", conf,
                        "--active-streams", "1"])
    with v:
        c = v.client()
        check(wait_state(c, "running") and grows(c, tx), "vpkg: running and sending")
        check(status(c)["restart_rereads"] == "the streams", "vpkg: restart re-reads the streams",
              status(c))
        check(stream_names(c) == ["a"], "one stream from --config", stream_names(c))
        seq0 = c.json("/api/v1/streams/0")["next_seq"]
        write_json(conf, {"streams": [one_stream("a", 0), one_stream("b", 1, "300pps")]})
        r = act(c, "restart")
        check(r.status == 200 and r.json["state"] == "running" and
              "re-read the streams" in r.json["why"], "restart: 200, running, says what", r)
        check(stream_names(c) == ["a", "b"], "restart re-read the streams", stream_names(c))
        a, b = c.json("/api/v1/streams/0"), c.json("/api/v1/streams/1")
        check(b["rate"] == 300 and not b["enabled"] and a["enabled"],
              "stream b as the file says, disabled by the command line's --active-streams 1", (a, b))
        check(a["next_seq"] >= seq0, "stream a's sequence numbers carry on (%d, %d)" %
              (seq0, a["next_seq"]))
        # refused: a bad value, a file that is no JSON; the streams stay and vpkg runs
        for bad, needle in (({"streams": [one_stream("a", 0, "12parsecs")]}, "12parsecs"),
                            ({"streams": [one_stream("a", 0)], "tx-retry": "many"}, "many"),
                            ({"streams": [one_stream("a", 0)], "no-such-key": 1}, "no-such-key"),
                            (None, "line")):
            if bad is None:
                with open(conf, "w") as f:
                    f.write('{"streams": [')
            else:
                write_json(conf, bad)
            r = act(c, "restart")
            check(r.is_error(422) and needle in r.error_message() and
                  conf in r.error_message(), "restart refused naming %r and the file" % needle, r)
            check(stream_names(c) == ["a", "b"], "a refused restart changed no stream",
                  stream_names(c))
            check(status(c)["state"] == "running" and grows(c, tx),
                  "a refused restart leaves vpkg running and sending")
        # SIGHUP is restart for vpkg
        write_json(conf, {"streams": [one_stream("c", 2)]})
        os.kill(v.pid(), signal.SIGHUP)
        check(vfwcl.wait_for(lambda: stream_names(c) == ["c"], 20),
              "SIGHUP re-read the streams", stream_names(c))
        check("SIGHUP" in status(c)["why"] and status(c)["state"] == "running",
              "why names SIGHUP, running", status(c))
        check(grows(c, tx), "vpkg sends after SIGHUP")
    check(v.rc == 0, "vpkg stops cleanly (rc %s)" % v.rc)


def test_vsnk_restart_rereads(tmp):
    """vsnk's restart re-reads --max-packets and the dashboard's settings."""
    pcap = os.path.join(tmp, "rr.pcap")
    mgmtlib.write_probe_pcap(pcap, [0], 50)
    conf = os.path.join(tmp, "vsnk.json")
    write_json(conf, {"dashboard-interval": 10, "max-packets": 10 ** 15})
    v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap], ["--config", conf])
    with v:
        c = v.client()
        check(wait_state(c, "running") and grows(c, rx), "vsnk: running and receiving")
        check("--max-packets" in status(c)["restart_rereads"] and
              "--dashboard-interval" in status(c)["restart_rereads"],
              "vsnk says what restart re-reads", status(c))
        write_json(conf, {"dashboard-interval": 2, "dashboard-history": 5, "max-packets": 10 ** 15})
        r = act(c, "restart")
        check(r.status == 200 and r.json["state"] == "running", "vsnk restart: 200, running", r)
        d = c.json("/api/v1/dashboard")
        check(d["interval_s"] == 2 and d["history"] == 5, "restart re-read the dashboard", d)
        for bad, needle in (({"dashboard-interval": "fast"}, "fast"),
                            ({"dashboard-interval": 2, "max-packets": -3}, "-3"),
                            ({"dashboard-interval": 2, "burst": 100000}, "100000")):
            write_json(conf, bad)
            r = act(c, "restart")
            check(r.is_error(422) and needle in r.error_message(),
                  "vsnk restart refused naming %r" % needle, r)
            d = c.json("/api/v1/dashboard")
            check(d["interval_s"] == 2 and d["history"] == 5, "a refused restart changed nothing",
                  d)
            check(status(c)["state"] == "running" and grows(c, rx), "and vsnk still receives")
        # SIGHUP: a --max-packets already reached stops vsnk by itself
        write_json(conf, {"dashboard-interval": 2, "dashboard-history": 5, "max-packets": 1})
        os.kill(v.pid(), signal.SIGHUP)
        check(vfwcl.wait_for(lambda: v.p.poll() is not None, 30),
              "SIGHUP re-read --max-packets 1: vsnk stops by itself")
    check(v.rc == 0, "vsnk stopped cleanly (rc %s)" % v.rc)


def totals(c):
    return c.json("/api/v1/stats")["totals"]


def test_vsnk_restart_cksum(tmp):
    """vsnk's restart applies --no-verify-cksum: probes whose IPv4 header
    checksum is wrong are counted bad_checksum while the check is on, as
    probes once a restart turned it off, and bad again after a restart that
    turned it back on."""
    frames = []
    for seq in range(50):
        f = bytearray(vfwcl.probe_frame(0, seq))
        f[24] ^= 0xff                   # the IPv4 header checksum
        frames.append(bytes(f))
    pcap = os.path.join(tmp, "ck.pcap")
    vfwcl.write_pcap(pcap, frames)
    conf = os.path.join(tmp, "vsnk-ck.json")
    write_json(conf, {"no-verify-cksum": False})
    v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap], ["--config", conf])

    def bad(c):
        return totals(c)["bad_checksum"]

    def probes(c):
        return totals(c)["probe_packets"]
    with v:
        c = v.client()
        check(wait_state(c, "running") and grows(c, bad) and probes(c) == 0,
              "checked: the probes are bad_checksum", totals(c))
        check("--no-verify-cksum" in status(c)["restart_rereads"],
              "vsnk says restart re-reads --no-verify-cksum", status(c))
        write_json(conf, {"no-verify-cksum": True})
        r = act(c, "restart")
        check(r.status == 200, "restart with no-verify-cksum: 200", r)
        b = bad(c)
        check(grows(c, probes) and bad(c) == b,
              "after the restart the probes are counted, no bad_checksum more", totals(c))
        check(c.json("/api/v1/config")["options"].get("no-verify-cksum") is True,
              "config says no-verify-cksum", c.json("/api/v1/config"))
        write_json(conf, {"no-verify-cksum": False})
        check(act(c, "restart").status == 200, "restart with the check on: 200")
        p = probes(c)
        check(grows(c, bad) and probes(c) == p, "checked again: bad_checksum grows, probes do not",
              totals(c))
    check(v.rc == 0, "vsnk stopped cleanly (rc %s)" % v.rc)


def heartbeat_states(col):
    return [e["heartbeatFields"].get("additionalFields", {}).get("state")
            for e in col.snapshot()
            if e.get("commonEventHeader", {}).get("domain") == "heartbeat"]


def test_heartbeat_state(tmp):
    """The VES heartbeat says the lifecycle state (v7 additionalFields.state)."""
    pcap = os.path.join(tmp, "hb.pcap")
    mgmtlib.write_probe_pcap(pcap, [0], 20)
    col = vescollector.Collector().start()
    try:
        v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap],
                         ["--ves-url", col.url, "--ves-heartbeat", "1", "--ves-version", "7"])
        with v:
            c = v.client()
            check(wait_state(c, "running"), "vsnk running")
            check(vfwcl.wait_for(lambda: "running" in heartbeat_states(col), 30),
                  "a heartbeat says running", heartbeat_states(col))
            check(act(c, "pause").status == 200, "pause")
            n = len(heartbeat_states(col))
            check(vfwcl.wait_for(lambda: "paused" in heartbeat_states(col)[n:], 30),
                  "a heartbeat after the pause says paused", heartbeat_states(col))
            check(act(c, "resume").status == 200, "resume")
            n = len(heartbeat_states(col))
            check(vfwcl.wait_for(lambda: "running" in heartbeat_states(col)[n:], 30),
                  "a heartbeat after the resume says running", heartbeat_states(col))
    finally:
        col.stop()


def main():
    tmp = tempfile.mkdtemp(prefix="vfwcl-lc-")
    test_vsnk_pause_resume(tmp)
    test_vpkg_no_catch_up()
    test_vfw_restart_rereads_rules(tmp)
    test_vpkg_restart_rereads_streams(tmp)
    test_vsnk_restart_rereads(tmp)
    test_vsnk_restart_cksum(tmp)
    test_heartbeat_state(tmp)
    mgmtlib.done()


if __name__ == "__main__":
    sys.exit(main())
