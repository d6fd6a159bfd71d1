#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw with several rx queues (dataplane/dp_rss.c, dp_worker.c): both
directions of a flow must reach one worker, so vfw asks the ports for the
symmetric RSS key and polls rx queue q of every port on worker q % workers.
On net_null (RSS, key readable) --rxq 2 gives both workers a queue of each
port and a session table; --rxq 1 leaves the second worker idle, says so;
a port without RSS (net_ring) and too few tx queues are refused with exit 2
and one line."""
import sys

import vfwcl
from mgmtlib import check, done

NULLS = ["net_null0,no-rx=1", "net_null1,no-rx=1"]


def run_vfw(vdevs, args):
    eal = vfwcl.eal_args(vdevs, lcores="0,1,2@1")
    eal[eal.index("-l")] = "--lcores"
    cmd = [vfwcl.binary("vfw")] + eal + ["--", "--max-sessions", "1024", "--idle-sleep", "1000",
                                          "--nb-cores", "2", "--duration", "1"] + args
    return vfwcl.run(cmd, timeout=120)


def tables(js):
    return js["sessions"]["tables"] if js else None


def main():
    rc, out, err, js = run_vfw(NULLS, ["--rxq", "2"])
    check(rc == 0, "--rxq 2 on two net_null ports runs", err[-500:])
    for p in (0, 1):
        check("port %d (net_null%d): symmetric RSS key over 2 rx queues" % (p, p) in out,
              "port %d has the symmetric key" % p, out[-800:])
    check(tables(js) == 2, "two workers, each polls a queue of each port: two session tables",
          js and js.get("sessions"))
    check("idle" not in out, "no idle worker", out[-800:])

    rc, out, err, js = run_vfw(NULLS, ["--rxq", "1"])
    check(rc == 0 and tables(js) == 1, "--rxq 1: one worker polls both ports, one table",
          (rc, js and js.get("sessions")))
    check("1 worker(s) idle (--rxq 2 uses them all)" in out, "the idle worker is named", out[-800:])
    check("symmetric RSS" not in out, "one rx queue: no key", out[-800:])

    p = vfwcl.run_to_exit("vfw", ["--rxq", "2", "--nb-cores", "1", "--duration", "1"],
                          vdevs=("net_null0", "net_ring0"))
    check(vfwcl.one_line_error(p, 2, "--rxq: invalid value '2'", "port 1 (net_ring0, driver net_ring)",
                               "use --rxq 1", prog="vfw"),
          "a port without RSS is refused with --rxq 2: exit 2, one line naming port and driver")

    rc, out, err, js = run_vfw(NULLS, ["--rxq", "2", "--txq", "1"])
    lines = [line for line in err.splitlines() if line.startswith("vfw: ")]
    check(rc == 2 and len(lines) == 1 and
          "--txq: every worker needs its own tx queue on every port (2 workers)" in lines[0],
          "--txq 1 for two workers: exit 2, one line", (rc, err[-500:]))
    done()


if __name__ == "__main__":
    sys.exit(main())
