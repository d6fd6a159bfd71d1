#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-dumpcap support (rte_pdump_init): with --file-prefix the binary says
capture is possible; with --in-memory it says in one line that it is not
and why, and still runs."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vfwcl as v  # noqa: E402


def run(prefix):
    cmd = [v.binary("vsnk")] + v.eal_args(["net_null0"], prefix=prefix) + ["--", "--duration", "1"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    errors = []
    p = run(None)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("capture: ")]
    if p.returncode != 0 or len(lines) != 1 or "unavailable" not in lines[0] or \
            "--in-memory" not in lines[0]:
        errors.append("--in-memory: rc %d, capture lines %r" % (p.returncode, lines))
    prefix = "vfwcl-cap-%d" % os.getpid()
    p = run(prefix)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("capture: ")]
    if p.returncode != 0 or len(lines) != 1 or "--file-prefix %s can capture" % prefix not in lines[0]:
        errors.append("--file-prefix: rc %d, capture lines %r\n%s" % (p.returncode, lines, p.stderr[-1000:]))
    for e in errors:
        print("FAIL:", e)
    print("capture: %s" % ("FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
