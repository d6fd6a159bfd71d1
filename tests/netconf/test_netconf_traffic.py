#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""NETCONF edits seen where the traffic arrives: vpkg (--netconf, ONAP's ten
demo streams) -> net_memif -> vsnk. ODL's edit-config with ONAP's bodies for
both models; after each <ok/>, vsnk receives exactly the enabled streams:
each of them delivers a packet built after the <ok/> (vpkg's next sequence
number at the <ok/>, seen by vsnk; one tx queue, so everything built before
it has arrived), then moves again, and no other stream sends a packet built
after the <ok/> or moves at all. The order of events is checked, not
elapsed time."""
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nclib  # noqa: E402
nclib.need_ncclient()
import vpkgrest as vr  # noqa: E402
from mgmtlib import Vsnk, check, done  # noqa: E402

WAIT = 60	# generous bound for a slow host; the checks do not depend on it


def vsnk_streams(snk):
    return {s["stream"]: s for s in snk.client().json("/api/v1/streams")}


def wait_for(cond):
    end = time.monotonic() + WAIT
    while not cond() and time.monotonic() < end:
        time.sleep(0.2)
    return cond()


def arriving(v, snk, want):
    """The streams vsnk receives after an edit's <ok/>: (moved, built after the <ok/>)."""
    at_ok = {s["id"]: s["next_seq"] for s in v.rest().json("/api/v1/streams")}

    def after_ok(i, seen):
        return i in seen and seen[i]["highest_seq"] >= at_ok[i]

    wait_for(lambda: all(after_ok(i, vsnk_streams(snk)) for i in want))
    before = vsnk_streams(snk)
    wait_for(lambda: all(vsnk_streams(snk).get(i, {}).get("rx_packets", 0) >
                         before.get(i, {}).get("rx_packets", 0) for i in want))
    after = vsnk_streams(snk)
    moved = {i for i, s in after.items()
             if s["rx_packets"] > before.get(i, {}).get("rx_packets", 0)}
    newer = {i for i, s in after.items() if after_ok(i, after)}
    return moved, newer


def step(v, snk, m, what, inner, want):
    m.lock("running")
    try:
        r = m.edit_config(target="running", config=nclib.config(inner))
    finally:
        m.unlock("running")
    check(r.ok, "%s: <ok/>" % what, r)
    moved, newer = arriving(v, snk, want)
    check(moved == set(want), "%s: vsnk receives streams %s" % (what, sorted(want)),
          sorted(moved))
    check(newer == set(want), "%s: only those send packets built after the <ok/>" % what,
          sorted(newer))


def main():
    with tempfile.TemporaryDirectory(prefix="vpkg-nct-") as d:
        sock = os.path.join(d, "memif.sock")
        pw = vr.password_file("admin")
        snk = Vsnk(["net_memif0,role=server,socket-abstract=no,socket=" + sock])
        try:
            with snk, nclib.Vpkg(os.path.join(d, "state"), pw, ["--link-wait", "10"],
                                 vdevs=["net_memif0,role=client,socket-abstract=no,socket="
                                        + sock]) as v:
                m = nclib.connect(v.nc_port)
                names = nclib.NAMES
                step(v, snk, m, "stream-count active-streams 3", nclib.active_streams_xml(3),
                     [0, 1, 2])
                step(v, snk, m, "sample-plugin pg-streams (5)", nclib.pg_streams_xml(names[:5]),
                     [0, 1, 2, 3, 4])
                step(v, snk, m, "sample-plugin pg-streams fw_udp7, fw_udp9",
                     nclib.pg_streams_xml([names[6], names[8]]), [6, 8])
                step(v, snk, m, "stream-count active-streams 10", nclib.active_streams_xml(10),
                     list(range(10)))
                m.close_session()
        finally:
            os.unlink(pw)
    done()


if __name__ == "__main__":
    main()
