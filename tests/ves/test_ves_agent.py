#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The VES agent with a fake source (tests/ves/ves-fake) against a collector
on loopback that answers: the required fields of ONAP's schemas with the
right types, v5 and v7, vNicUsageArray, deltas equal to the packets of each
interval, heartbeats, link faults and their clears, Basic auth, HTTPS with a
CA file or without verification, bad options (exit 2, one line)."""
import os
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vescollector as vc  # noqa: E402

chk = vc.Checker()
BASE = ["--ves-interval", "1", "--ves-timeout", "2", "--ves-backoff-max", "0.5"]


def common_checks(c, stats, rc, err, version, what):
    chk(rc == 0, "%s: ves-fake exits 0" % what, err[-1500:])
    if stats is None:
        chk(False, "%s: stats file written" % what)
        return []
    evs = c.snapshot()
    bad = [(vc.header(e).get("sequence"), vc.check_event(e, version)) for e in evs
           if vc.check_event(e, version)]
    chk(evs and not bad, "%s: %d events, required fields present with the right types"
        % (what, len(evs)), bad[:3])
    ves = stats["ves"]
    chk(ves["events"] == ves["sent"] == len(evs) and ves["dropped"] == 0 and
        ves["queued"] == 0 and ves["failed"] == 0 and ves["last_status"] == 202,
        "%s: stats: every event sent, none dropped, queued or failed" % what, ves)
    ids = {}
    for e in evs:
        h = vc.header(e)
        ids.setdefault(h["eventId"], []).append(e)
    dup = [k for k, v in ids.items() if len(v) > 1 and not (
        len(v) == 2 and all(vc.domain(x) == "fault" for x in v) and
        vc.header(v[0])["startEpochMicrosec"] == vc.header(v[1])["startEpochMicrosec"])]
    chk(not dup, "%s: eventIds unique (a fault's clear carries its onset's)" % what, dup)
    seqs = [vc.header(e)["sequence"] for e in evs]
    chk(seqs == list(range(seqs[0], seqs[0] + len(seqs))),
        "%s: sequence increases by one per event" % what, seqs)
    return evs


def test_v5():
    c = vc.Collector().start()
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-heartbeat", "2",
                                       "--fake-link-flap"] + BASE, 6.5)
    evs = common_checks(c, stats, rc, err, 5, "v5")
    c.stop()
    if not evs:
        return
    paths = {p for p, _, _ in c.bodies}
    ctypes = {t for _, t, _ in c.bodies}
    chk(paths == {"/eventListener/v5"} and ctypes == {"application/json"},
        "v5: POST /eventListener/v5, application/json", (paths, ctypes))
    meas = vc.measurements(evs)
    h0 = vc.header(meas[0])
    chk(all(vc.domain(e) == "measurementsForVfScaling" and
            vc.header(e)["eventName"] == "vFirewallBroadcastPackets" for e in meas),
        "v5: measurementsForVfScaling, eventName vFirewallBroadcastPackets")
    host = socket.gethostname()
    chk(h0["sourceName"] == host and h0["reportingEntityName"] == host,
        "v5: sourceName and reportingEntityName default to the host name", h0)
    chk(all([n["vNicIdentifier"] for n in e["measurementsForVfScalingFields"]["vNicPerformanceArray"]]
            == ["fake0", "fake1"] for e in meas) and
        all("vNicUsageArray" not in e["measurementsForVfScalingFields"] for e in meas),
        "v5: vNicPerformanceArray with one entry per port")
    f0 = meas[0]["measurementsForVfScalingFields"]["measurementInterval"]
    chk(h0["startEpochMicrosec"] % 1000000 != 0 and h0["lastEpochMicrosec"] % 1000000 == 0 and
        abs(f0 * 1e6 - (h0["lastEpochMicrosec"] - h0["startEpochMicrosec"])) < 2,
        "v5: the first event covers from the start to the first boundary (real length)", h0)
    chk(all(e["measurementsForVfScalingFields"]["measurementInterval"] == 1 for e in meas[1:-1]),
        "v5: measurementInterval 1 for full intervals")
    full = vc.check_series(chk, evs, 1, vc.fake_totals(stats), vc.fake_pattern, "v5: ")
    chk(full >= 4, "v5: at least 4 full intervals (%d)" % full)
    hb = [e for e in evs if vc.domain(e) == "heartbeat"]
    chk(len(hb) >= 3 and all(e["heartbeatFields"]["heartbeatInterval"] == 2 for e in hb),
        "v5: heartbeats at their own interval (%d)" % len(hb))
    faults = [e for e in evs if vc.domain(e) == "fault"]
    sev = [e["faultFields"]["eventSeverity"] for e in faults]
    ok = len(faults) >= 2 and all(s == ("MAJOR" if i % 2 == 0 else "NORMAL")
                                  for i, s in enumerate(sev))
    ok = ok and all(e["faultFields"]["alarmInterfaceA"] == "fake1" for e in faults)
    ok = ok and all(vc.header(faults[i])["eventId"] == vc.header(faults[i + 1])["eventId"]
                    for i in range(0, len(faults) - 1, 2))
    chk(ok, "v5: link down -> fault MAJOR, link up -> clear NORMAL with the onset's eventId", sev)


def test_v7():
    c = vc.Collector().start()
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url + "/eventListener/v7",
                                       "--ves-source-name", "vfw-vf-01",
                                       "--ves-reporting-entity", "fwll",
                                       "--ves-event-name", "vFirewallTraffic",
                                       "--ves-heartbeat", "0", "--fake-link-flap"] + BASE, 5.5)
    evs = common_checks(c, stats, rc, err, 7, "v7")
    c.stop()
    if not evs:
        return
    chk({p for p, _, _ in c.bodies} == {"/eventListener/v7"},
        "v7: the URL's path names the version: POST /eventListener/v7")
    meas = vc.measurements(evs)
    h = vc.header(meas[0])
    chk(all(vc.domain(e) == "measurement" and "measurementFields" in e for e in meas) and
        h["sourceName"] == "vfw-vf-01" and h["reportingEntityName"] == "fwll" and
        h["eventName"] == "vFirewallTraffic" and h["version"] == "4.1",
        "v7: domain measurement, measurementFields, names from the options", h)
    chk(not [e for e in evs if vc.domain(e) == "heartbeat"], "v7: --ves-heartbeat 0: none")
    states = {n["operationalState"] for e in meas for n in e["measurementFields"]["nicPerformanceArray"]
              if n["nicIdentifier"] == "fake1"}
    chk("inService" in states, "v7: nicPerformanceArray with operationalState", states)
    vc.check_series(chk, evs, 1, vc.fake_totals(stats), vc.fake_pattern, "v7: ")


def test_usage_array():
    c = vc.Collector().start()
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-nic-array", "usage",
                                       "--ves-heartbeat", "0"] + BASE, 3.5)
    evs = common_checks(c, stats, rc, err, 5, "vNicUsageArray")
    c.stop()
    meas = vc.measurements(evs)
    ok = bool(meas)
    for e in meas:
        f = e["measurementsForVfScalingFields"]
        ok = ok and "vNicPerformanceArray" not in f and len(f.get("vNicUsageArray", [])) == 2
        for n in f.get("vNicUsageArray", []):
            ok = ok and set(n) >= {"vNicIdentifier", "valuesAreSuspect", "receivedTotalPacketsDelta",
                                   "receivedOctetsDelta", "transmittedTotalPacketsDelta",
                                   "transmittedOctetsDelta"}
    chk(ok, "--ves-nic-array usage: the Beijing vNicUsageArray form only")


def test_auth(tmp):
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("s3cret-pw\n")
    os.chmod(pw, 0o600)     # a secret file: mode 600, as for every secret
    c = vc.Collector(auth="ves:s3cret-pw").start()
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-user", "ves",
                                       "--ves-password-file", pw, "--ves-heartbeat", "0"] + BASE, 2.5)
    common_checks(c, stats, rc, err, 5, "basic auth")
    chk(c.unauthorized == 0, "basic auth: the collector accepts the credentials")
    chk("s3cret" not in out + err, "basic auth: the password is never printed")
    c.stop()

    c = vc.Collector(auth="ves:other").start()
    f = vc.FakeRun(["--ves-url", c.url, "--ves-user", "ves", "--ves-password", "s3cret-pw",
                    "--ves-heartbeat", "0"] + BASE, 2.5)
    rc, out, err, stats = f.wait()
    c.stop()
    ves = stats["ves"] if stats else {}
    chk(rc == 0 and ves.get("sent") == 0 and ves.get("rejected") == ves.get("events") and
        ves.get("retried") == 0 and ves.get("posts") == ves.get("events") and
        ves.get("last_status") == 401,
        "wrong password: 401 -> each event dropped once (rejected), no retries", ves)
    chk("s3cret" not in out + err, "wrong password: the password is never printed")
    chk(f.elapsed < 2.5 + 5, "wrong password: stops on time (%.1f s)" % f.elapsed)


def test_https(tmp):
    if shutil.which("openssl") is None:
        print("skip https: no openssl command")
        return
    cert, key = vc.make_cert(tmp)
    c = vc.Collector(tls=(cert, key)).start()
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-ca", cert,
                                       "--ves-heartbeat", "0"] + BASE, 2.5)
    common_checks(c, stats, rc, err, 5, "https with --ves-ca")
    n = len(c.snapshot())
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-heartbeat", "0"] + BASE, 2.5)
    ves = stats["ves"] if stats else {}
    chk(rc == 0 and ves.get("sent") == 0 and ves.get("failed", 0) > 0 and
        len(c.snapshot()) == n and ves.get("last_error"),
        "https without the CA: verification fails, nothing sent, retried", ves)
    rc, out, err, stats = vc.run_fake(["--ves-url", c.url, "--ves-insecure",
                                       "--ves-heartbeat", "0"] + BASE, 2.5)
    ves = stats["ves"] if stats else {}
    chk(rc == 0 and ves.get("sent") == ves.get("events") and ves.get("sent", 0) > 0,
        "https --ves-insecure: delivered without verification", ves)
    c.stop()


def test_bad_options(tmp):
    plain = os.path.join(tmp, "plain")
    with open(plain, "w") as f:
        f.write("x\n")
    url = "http://127.0.0.1:9"
    cases = [
        (["--ves-url", "ftp://127.0.0.1/"], "--ves-url", "'ftp://127.0.0.1/'"),
        (["--ves-url", "collector:8080"], "--ves-url", "'collector:8080'"),
        (["--ves-url", "http://"], "--ves-url", "'http://'"),
        (["--ves-url", url, "--ves-version", "6"], "--ves-version", "'6'"),
        (["--ves-url", "https://h/", "--ves-ca", "/nonexistent/ca.pem"], "--ves-ca",
         "'/nonexistent/ca.pem'"),
        (["--ves-url", url, "--ves-interval", "0"], "--ves-interval", "'0'"),
        (["--ves-url", url, "--ves-heartbeat", "-1"], "--ves-heartbeat", "'-1'"),
        (["--ves-url", url, "--ves-user", "u", "--ves-password-file", "/nonexistent/pw"],
         "--ves-password-file", "/nonexistent/pw"),
        (["--ves-url", url, "--ves-user", "u"], "--ves-user"),
        (["--ves-url", url, "--ves-ca", plain], "--ves-ca", "https"),
        (["--ves-interval", "5"], "--ves-interval", "--ves-url"),
        (["--ves-url", url, "--ves-queue", "0"], "--ves-queue", "'0'"),
    ]
    for args, *needles in cases:
        rc, out, err, _ = vc.run_fake(args, 1)
        chk(vc.one_line_error(rc, err, "ves-fake", 2, *needles),
            "bad %s: exit 2, one line naming it" % " ".join(args), err)


def test_samples(tmp):
    d = os.path.join(tmp, "samples")
    os.mkdir(d)
    import subprocess
    import json
    p = subprocess.run([vc.fake_binary(), "--write-samples", d], capture_output=True, text=True)
    files = sorted(os.listdir(d))
    bad = []
    for name in files:
        with open(os.path.join(d, name)) as f:
            doc = json.load(f)
        evs = doc["eventList"] if "eventList" in doc else [doc["event"]]
        for e in evs:
            errs = vc.check_event(e, 7 if name.startswith("v7") else 5)
            if errs:
                bad.append((name, errs))
    chk(p.returncode == 0 and len(files) >= 10 and not bad,
        "--write-samples: %d sample files, all with the required fields" % len(files), bad)


def main():
    tmp = tempfile.mkdtemp(prefix="ves-test-")
    try:
        test_bad_options(tmp)
        test_samples(tmp)
        test_v5()
        test_v7()
        test_usage_array()
        test_auth(tmp)
        test_https(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    chk.exit()


if __name__ == "__main__":
    main()
