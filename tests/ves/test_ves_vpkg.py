#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The VES agent in vpkg (ves-agent/ves_ports.c): a fixed number of packets
sent, the events' transmittedTotalPacketsDelta add up to the final
tx_packets, with the required fields; --ves-ports naming a port not in use
is refused."""
import sys

import vfwcl
import vescollector as vc

VPKG = vfwcl.binary("vpkg")
failures = []


def chk(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else "\n     %s" % (detail,)),
          flush=True)
    if not cond:
        failures.append(what)


def main():
    c = vc.Collector().start()
    try:
        # 10 streams x 20 packets at 10 pps: about 2 s, then vpkg exits by itself
        rc, out, err, js = vfwcl.run(
            [VPKG] + vfwcl.eal_args(["net_null0"]) +
            ["--", "--idle-sleep", "1000", "--count", "20", "--eth-peer", "0,02:00:00:00:00:02",
             "--ves-url", c.url, "--ves-interval", "1", "--duration", "60"], timeout=120)
    finally:
        c.stop()
    chk(rc == 0 and js is not None, "vpkg + VES: exits 0 with stats", err[-1500:])
    if js is None:
        sys.exit(1)
    evs = c.snapshot()
    bad = [vc.check_event(e, 5) for e in evs if vc.check_event(e, 5)]
    chk(evs and not bad, "vpkg: %d v5 events, required fields present" % len(evs), bad[:2])
    port = js["ports"][0]
    total = 0
    for e in vc.measurements(vc.dedup(evs)):
        for n in vc.nics(e):
            if (n.get("vNicIdentifier") or n.get("nicIdentifier")) == port["name"]:
                total += n["transmittedTotalPacketsDelta"]
    chk(port["tx_packets"] == 200 and total == 200,
        "vpkg: sum of transmittedTotalPacketsDelta = final tx_packets = 200 (%d)" % total)
    chk(js.get("ves", {}).get("sent") == len(evs), "vpkg: the stats file has the agent's counters")

    rc, out, err, js = vfwcl.run([VPKG] + vfwcl.eal_args(["net_null0"]) +
                                 ["--", "--ves-url", "http://127.0.0.1:9/eventListener/v5",
                                  "--ves-ports", "3", "--duration", "5"], timeout=60)
    chk(rc == 2 and "--ves-ports" in err, "vpkg: --ves-ports naming a port not in use: exit 2", err[-300:])
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
