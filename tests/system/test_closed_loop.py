#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The closed loop end to end: scripts/demo.sh with a 1-second interval and
one high/low cycle (vpkg -> memif -> vfw -> memif -> vsnk, vfw's VES agent ->
controller -> vpkg's ONAP API). Checks:
- from high and from low, vpkg is back at 5 streams within 3 intervals;
- every VES event the controller received carries the fields ONAP's
  schema requires, with the right types;
- vsnk received exactly what vfw forwarded, and vfw exactly what vpkg sent;
- the controller's requests are ONAP's, byte for byte (request line,
  headers that matter, body), recorded by a proxy in front of vpkg;
- once more with --api netconf (the action as an edit-config over NETCONF,
  as APPC through ODL): back at 5 streams from high and from low, every
  action answered <ok/>.
"""
import base64
import glob
import json
import os
import re
import socket
import subprocess
import sys
import threading

from mgmtlib import check, done, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class RecordingProxy(threading.Thread):
    """TCP proxy: records every request's raw bytes, forwards to vpkg."""

    def __init__(self, target_port):
        super().__init__(daemon=True)
        self.target = target_port
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests = []

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    @staticmethod
    def recv_message(sock, request):
        """One HTTP message: the head, then Content-Length bytes of body;
        without one, no body (a request) or up to the close (a response).
        b"" if the peer closed before a whole head."""
        data = b""
        while True:
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if (m and len(body) >= int(m.group(1))) or (request and not m):
                    return data
            chunk = sock.recv(65536)
            if not chunk:
                return data if sep else b""
            data += chunk

    def handle(self, c):
        c.settimeout(10)
        try:
            raw = self.recv_message(c, request=True)
            if not raw:
                return
            self.requests.append(raw)
            u = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            u.settimeout(10)
            u.sendall(raw)
            resp = self.recv_message(u, request=False)
            u.close()
            c.sendall(resp)
        finally:
            c.close()


HEADER_FIELDS = {"domain": str, "eventId": str, "eventName": str, "sequence": int,
                 "priority": str, "sourceName": str, "reportingEntityName": str,
                 "startEpochMicrosec": (int, float), "lastEpochMicrosec": (int, float),
                 "version": (int, float, str)}
NIC_FIELDS = ("receivedTotalPacketsDelta", "receivedOctetsDelta",
              "transmittedTotalPacketsDelta", "transmittedOctetsDelta")


def check_events(path):
    events = [json.loads(l) for l in open(path) if l.strip()]
    meas = [e for e in events if e.get("commonEventHeader", {}).get("domain") == "measurementsForVfScaling"]
    check(len(meas) >= 4, "controller received %d measurement events" % len(meas))
    bad = []
    for e in events:
        h = e.get("commonEventHeader", {})
        for k, t in HEADER_FIELDS.items():
            if not isinstance(h.get(k), t):
                bad.append("%s: commonEventHeader.%s" % (h.get("eventId"), k))
        if h.get("domain") == "measurementsForVfScaling":
            f = e.get("measurementsForVfScalingFields", {})
            if h.get("eventName") != "vFirewallBroadcastPackets":
                bad.append("eventName %s" % h.get("eventName"))
            if not isinstance(f.get("measurementInterval"), (int, float)):
                bad.append("measurementInterval")
            arr = f.get("vNicPerformanceArray")
            if not isinstance(arr, list) or not arr:
                bad.append("vNicPerformanceArray")
                continue
            for nic in arr:
                if not isinstance(nic.get("vNicIdentifier"), str) or \
                        nic.get("valuesAreSuspect") not in ("true", "false"):
                    bad.append("vNicIdentifier/valuesAreSuspect")
                for k in NIC_FIELDS:
                    if not isinstance(nic.get(k), (int, float)) or nic[k] < 0:
                        bad.append(k)
            if h["lastEpochMicrosec"] < h["startEpochMicrosec"]:
                bad.append("interval backwards")
    check(not bad, "every VES event has ONAP's required fields and types %s" % bad[:5])
    seqs = [e["commonEventHeader"]["sequence"] for e in events]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "event sequences increase")


def demo_env(build, onap_port, **more):
    """demo.sh's environment: this build, every port a free loopback one."""
    return dict(os.environ, BUILD_DIR=os.path.relpath(build, ROOT), ONAP_PORT=str(onap_port),
                VES_PORT=str(free_port()), VFW_PORT=str(free_port()), DASH_PORT=str(free_port()),
                NETCONF_PORT=str(free_port()), **more)


def check_settles(out, what, max_intervals=3.0):
    """Two settles (from high, from low), each at 5 streams within max_intervals."""
    settles = re.findall(r"vpkg at (\S+) active streams after ([\d.]+) s \(([\d.]+) intervals\)", out)
    check(len(settles) == 2, "%s: two settles (from high, from low): %s" % (what, settles))
    for streams, secs, ivs in settles:
        check(streams == "5" and float(ivs) <= max_intervals,
              "%s: back at 5 streams within %g intervals (%s streams after %s intervals)"
              % (what, max_intervals, streams, ivs))


def test_netconf(build):
    """demo.sh --api netconf: the same loop with the action over NETCONF."""
    p = subprocess.run([os.path.join(ROOT, "scripts", "demo.sh"), "--no-build", "--interval", "1",
                        "--cycles", "1", "--keep", "--api", "netconf"], capture_output=True,
                       text=True, env=demo_env(build, free_port()), timeout=240)
    print(p.stdout)
    if p.returncode != 0:
        print(p.stderr[-2000:])
    check(p.returncode == 0, "--api netconf: demo.sh exits 0")
    m = re.search(r"run directory kept: (\S+)", p.stdout)
    if not m:
        check(False, "--api netconf: run directory reported")
        return
    run = m.group(1)
    try:
        # each action opens an SSH session (key exchange, password, hello, the
        # models' get-schema) before its edit-config: slower than one HTTP PUT
        check_settles(p.stdout, "--api netconf", max_intervals=6.0)
        dec = [json.loads(line) for line in open(os.path.join(run, "decisions.log"))]
        acts = [d for d in dec if d["action"] != "none"]
        check(len(acts) >= 2 and all(d["result"] == "NETCONF ok" for d in acts),
              "--api netconf: every action answered <ok/> (%s)" % [d["result"] for d in acts])
    finally:
        subprocess.run(["rm", "-rf", run])


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (DPDK memif between processes)")
        sys.exit(77)
    build = os.environ.get("VFWCL_BUILD", os.path.join(ROOT, "build"))
    onap_port = free_port()
    proxy = RecordingProxy(onap_port)
    proxy.start()
    env = demo_env(build, onap_port, CTL_VPKG_URL="http://127.0.0.1:%d" % proxy.port)
    p = subprocess.run([os.path.join(ROOT, "scripts", "demo.sh"), "--no-build", "--interval", "1",
                        "--cycles", "1", "--keep"], capture_output=True, text=True, env=env,
                       timeout=240)
    out = p.stdout
    print(out)
    if p.returncode != 0:
        print(p.stderr[-2000:])
    check(p.returncode == 0, "demo.sh exits 0")
    m = re.search(r"run directory kept: (\S+)", out)
    if not m:
        check(False, "run directory reported")
        sys.exit(1)
    run = m.group(1)
    try:
        check_settles(out, "--api rest")
        dec = [json.loads(l) for l in open(os.path.join(run, "decisions.log"))]
        verdicts = [d["verdict"] for d in dec]
        check("high" in verdicts and "low" in verdicts, "the controller saw high and low: %s" % verdicts)
        check(not any(v in ("replayed", "rejected") for v in verdicts),
              "no event of the demo's own agent was taken for a replay or refused")
        check(all(d["result"] == "HTTP 200" for d in dec if d["action"] != "none"),
              "every action answered 200")
        held = [i for i, d in enumerate(dec) if d["verdict"] == "held"]
        check(len(held) == 1 and all(d["action"] == "none" for d in dec[held[0]:]),
              "the demo held the controller's actions (SIGUSR1) before stopping the generator, "
              "and no action followed (%d line(s) after)" % (len(dec) - 1 - held[0] if held else -1))
        check_events(os.path.join(run, "events.log"))

        vfw = json.load(open(os.path.join(run, "vfw.json")))
        vsnk = json.load(open(os.path.join(run, "vsnk.json")))
        vpkg = json.load(open(os.path.join(run, "vpkg.json")))
        fw = {p["port"]: p for p in vfw["ports"]}
        sent = sum(s["tx_packets"] for s in vpkg["streams"])
        check(fw[0]["forwarded"] == sent,
              "vfw forwarded exactly what vpkg's streams sent (%d / %d)" % (fw[0]["forwarded"], sent))
        snk = vsnk["ports"][0]
        check(snk["probe_packets"] == fw[1]["tx_packets"] and snk["rx_packets"] == fw[1]["tx_packets"],
              "vsnk received exactly what vfw sent on its protected port (%d / %d)" % (
                  snk["rx_packets"], fw[1]["tx_packets"]))
        lost = sum(s["lost"] for s in vsnk["streams"])
        check(lost == 0, "no stream lost a packet (%d)" % lost)

        expected_auth = b"Basic " + base64.b64encode(b"admin:admin")
        reqs = proxy.requests
        check(len(reqs) >= 2, "the controller sent %d request(s) to vpkg" % len(reqs))
        for raw in reqs:
            head, _, body = raw.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            hdrs = {l.split(b":", 1)[0].strip().lower(): l.split(b":", 1)[1].strip() for l in lines[1:]}
            ok = (lines[0] == b"PUT /restconf/config/stream-count:stream-count/streams HTTP/1.1" and
                  hdrs.get(b"content-type") == b"application/json" and
                  hdrs.get(b"accept") == b"application/json" and
                  hdrs.get(b"authorization") == expected_auth and
                  body == b'{"streams": {"active-streams": 5}}')
            check(ok, "ONAP request byte for byte: %r" % raw[:300])
    finally:
        subprocess.run(["rm", "-rf", run])
    test_netconf(build)
    leftovers = [d for d in glob.glob("/var/run/dpdk/vfwcl-demo-*")]
    check(not leftovers and not os.path.exists(run), "no file left behind")
    ps = subprocess.run(["pgrep", "-f", "vfwcl-demo"], capture_output=True, text=True).stdout.split()
    check(not ps, "no stray process")
    done()


if __name__ == "__main__":
    main()
