#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""net_af_packet while paused (issue 17): what the socket's ring drops is
counted, and rx goes on after an overflow.

vsnk on net_af_packet (a ring of FRAMES frames) at one end of a veth pair,
probe frames of one stream from a raw socket at the other. vsnk is paused
and more frames than its ring holds are sent: after resume, every frame
sent is either received or counted in rx_missed (GET /api/v1/status, the
stats file's driver imissed), and the stream's loss equals rx_missed. Then
frames sent one by one, slowly, after the overflow all arrive (no stall).
vsnk exports to an InfluxDB stand-in: the rx_missed deltas of its port
points add up to the driver's imissed at the stop.
Only counts are compared; waits are bounded polls. Needs root and `ip`
(else exit 77)."""
import re
import socket
import sys

import influxlib
import mgmtlib
import vfwcl

check = mgmtlib.check
FRAMES = 64             # the socket ring (framecnt)
BEFORE = 20             # sent before the pause
PAUSED = 4 * FRAMES     # sent while paused: the ring overflows
AFTER = 30              # sent one by one after the resume




def influx_port_fields(sink):
    """The fields of every "port" point the sink received, in order."""
    out = []
    for _path, _headers, body in sink.requests:
        for line in body.splitlines():
            m = re.match(r"^port,\S* (\S+) \d+$", line)
            if m:
                out.append(dict(f.split("=", 1) for f in m.group(1).split(",")))
    return out


def port(c):
    return c.json("/api/v1/status")["ports"][0]


def stream0(c):
    for s in c.json("/api/v1/stats").get("streams", []):
        if s["stream"] == 0:
            return s
    return None


def act(c, action):
    r = c.req("POST", "/api/v1/lifecycle", body={"action": action})
    check(r.status == 200, "vsnk: %s" % action, r)


def settled(c, sent):
    """Every frame sent is received or counted missed (bounded wait)."""
    return vfwcl.wait_for(lambda: port(c)["rx_packets"] + port(c)["rx_missed"] >= sent, 30, 0.2)


def main():
    with mgmtlib.Veth("vfap") as veth:
        sink = influxlib.WriteSink()
        sink.start()
        v = mgmtlib.Vsnk(["net_af_packet0,iface=%s,framecnt=%d" % (veth.b, FRAMES)],
                         ["--influx-url", "http://127.0.0.1:%d/write?db=x" % sink.port,
                          "--influx-interval", "1"])
        with v:
            c = v.client()
            with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
                sock.bind((veth.a, 0))
                seq = 0
                for _ in range(BEFORE):
                    sock.send(vfwcl.probe_frame(0, seq))
                    seq += 1
                check(vfwcl.wait_for(lambda: port(c)["rx_packets"] == BEFORE, 30, 0.2),
                      "running: the %d frames arrive" % BEFORE, port(c))
                act(c, "pause")
                for _ in range(PAUSED):
                    sock.send(vfwcl.probe_frame(0, seq))
                    seq += 1
                act(c, "resume")
                settled(c, seq)
                p = port(c)
                check(p["rx_missed"] > 0 and p["rx_packets"] + p["rx_missed"] == seq,
                      "paused: %d frames for a ring of %d; received %d + missed %d = sent %d"
                      % (PAUSED, FRAMES, p["rx_packets"], p["rx_missed"], seq), p)
                check(p["pkt_drops"] >= p["rx_missed"], "pkt_drops includes rx_missed", p)
                # after the overflow: frames one by one, each must arrive
                for i in range(AFTER):
                    want = port(c)["rx_packets"] + 1
                    sock.send(vfwcl.probe_frame(0, seq))
                    seq += 1
                    if not vfwcl.wait_for(lambda: port(c)["rx_packets"] >= want, 20, 0.05):
                        check(False, "after the overflow, frame %d of %d sent one by one arrives"
                              % (i + 1, AFTER), port(c))
                        break
                else:
                    check(True, "after the overflow, the %d frames sent one by one arrive" % AFTER)
                settled(c, seq)
                p, s = port(c), stream0(c)
                check(s is not None and s["lost"] == p["rx_missed"],
                      "the stream lost exactly what the port counted missed (%s, %d)"
                      % (s and s["lost"], p["rx_missed"]), s)
        check(v.rc == 0, "vsnk stops cleanly (rc %s)" % v.rc)
        imissed = v.stats["ports"][0]["driver"]["imissed"] if v.stats else None
        check(imissed == p["rx_missed"], "the stats file's driver imissed is rx_missed (%s)" % imissed)
        pts = influx_port_fields(sink)
        sink.close()
        missed = sum(int(f["rx_missed"].rstrip("i")) for f in pts)
        check(len(pts) > 0 and missed == imissed and
              int(pts[-1]["rx_missed_total"].rstrip("i")) == imissed,
              "InfluxDB: the rx_missed deltas of %d port points add up to imissed (%s), "
              "as does the last rx_missed_total" % (len(pts), imissed), pts[-3:])
    mgmtlib.done()


if __name__ == "__main__":
    sys.exit(main())
