#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The probe clock (dataplane/dp_clock.c) of a running binary against an
outside clock: this process's CLOCK_REALTIME (time.time_ns()). vsnk and
vpkg serve their stats with the clock's reading ("clock": {"now_ns"}); each
reading is bracketed by time.time_ns() before and after the request, so
the clock must fall inside the bracket widened by the bound. Over 10 s a
clock that trusts a TSC rate 0.2 % off would be 20 ms away; the bound is
1 ms. Also: the measured rate is the one the clock uses, the discipline
ran (updates), and the stats file carries the same section."""
import time

import mgmtlib
from mgmtlib import check

BOUND_NS = 1000000
RUN_S = 10


def clock_errors(b, seconds):
    c = b.client()
    errs = []
    end = time.monotonic() + seconds
    while True:
        t0 = time.time_ns()
        js = c.json("/api/v1/stats")
        t1 = time.time_ns()
        now = js["clock"]["now_ns"]
        # distance from the bracket [t0, t1] (0 when inside)
        errs.append(max(t0 - now, now - t1, 0))
        if time.monotonic() >= end:
            return errs, js["clock"]
        time.sleep(0.5)


def check_binary(name):
    with mgmtlib.Binary(name, ["net_null0"], lcores="0-1") as b:
        errs, clk = clock_errors(b, RUN_S)
    check(max(errs) <= BOUND_NS,
          "%s: dp_clock within %d us of CLOCK_REALTIME for %d s (worst %.1f us over %d readings)"
          % (name, BOUND_NS // 1000, RUN_S, max(errs) / 1000.0, len(errs)), clk)
    check(clk["updates"] >= RUN_S - 2, "%s: the discipline re-anchored about once a second "
          "(%d updates)" % (name, clk["updates"]), clk)
    check(abs(clk["offset_ns"]) < BOUND_NS, "%s: last measured offset %d ns" %
          (name, clk["offset_ns"]), clk)
    check(clk["tsc_hz"] > 1e8, "%s: measured TSC rate %.0f Hz (DPDK's nominal %.0f Hz, %.3f %% apart)"
          % (name, clk["tsc_hz"], clk["nominal_tsc_hz"],
             100.0 * (clk["nominal_tsc_hz"] / clk["tsc_hz"] - 1)), clk)
    st = b.stats or {}
    check("clock" in st and st["clock"]["updates"] >= clk["updates"],
          "%s: the stats file has the clock section" % name, st.get("clock"))


check_binary("vsnk")
check_binary("vpkg")
mgmtlib.done()
