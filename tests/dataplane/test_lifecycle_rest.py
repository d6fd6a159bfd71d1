#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lifecycle actions of the worker engine (dataplane/dp_lifecycle.c), through
vsnk, vpkg and vfw: GET /api/v1/status, POST /api/v1/lifecycle pause/resume/
restart (400 naming a bad action, 409 in a wrong state), SIGUSR1/SIGUSR2.
Counts are compared with generous bounds: no timing is measured."""
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
    test_heartbeat_state(tmp)
    mgmtlib.done()


if __name__ == "__main__":
    sys.exit(main())
