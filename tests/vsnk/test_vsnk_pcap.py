#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vsnk on net_pcap (rx_pcap=FILE): exact counters for every scenario of
vsnk_scenarios.py (in order, gaps, duplicates, reordering, wrap-around,
restart, several streams, foreign traffic by protocol, malformed frames, bad
checksums with and without --no-verify-cksum), the identity
rx = probe + foreign + malformed + bad_checksum, rx_bytes = sum of frame
lengths, exit code 0 and the stats JSON keys of DESIGN.md.

Every scenario runs twice: as vsnk runs (the inline fast path for plain
IPv4/UDP frames, the general parser for the rest) and with --no-fast-path
(every frame through the general parser): both must give exactly the
expected counts, so the two paths count the same.

vsnk stops by itself with --max-packets (the number of frames in the file);
--duration is only a safety stop, so nothing here depends on speed."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vfwcl  # noqa: E402
import vsnk_scenarios as S  # noqa: E402

SAFETY_SEC = 60


def run_vsnk(sc, pcap, extra=()):
    cmd = [vfwcl.binary("vsnk")] + vfwcl.eal_args(["net_pcap0,rx_pcap=%s" % pcap]) + [
        "--", "--max-packets", str(len(sc.frames)), "--duration", str(SAFETY_SEC)] + \
        list(extra) + sc.args
    try:
        return cmd, vfwcl.run(cmd, timeout=SAFETY_SEC + 120)
    except subprocess.TimeoutExpired:
        return cmd, (None, "", "killed after %ds" % (SAFETY_SEC + 120), None)


def run_vsnk_slow_path(sc, pcap):
    return run_vsnk(sc, pcap, ["--no-fast-path"])


def run_all(scenarios, runner, tmp, label):
    failed = []
    for sc in scenarios:
        pcap = os.path.join(tmp, sc.name + ".pcap")
        sc.pcap(pcap)
        print("[%s] %s: %s" % (label, sc.name, S.describe(sc)), flush=True)
        cmd, (rc, out, err, js) = runner(sc, pcap)
        errs = []
        if rc != 0:
            errs.append("exit code %r, expected 0" % rc)
        errs += S.check(js, sc) if js is not None else ["no --stats-file JSON written"]
        if errs:
            failed.append(sc.name)
            print("  FAIL %s\n    %s\n  command: %s\n  stdout: %s\n  stderr: %s" % (
                sc.name, "\n    ".join(errs), " ".join(cmd), out[-2000:], err[-2000:]),
                flush=True)
        else:
            print("  ok", flush=True)
    return failed


def main():
    if not os.access(vfwcl.binary("vsnk"), os.X_OK):
        print("vsnk not built: %s" % vfwcl.binary("vsnk"))
        return 1
    tmp = tempfile.mkdtemp(prefix="vsnk-pcap-")
    try:
        scenarios = S.build()
        failed = run_all(scenarios, run_vsnk, tmp, "pcap")
        failed += ["%s (--no-fast-path)" % n for n in
                   run_all(scenarios, run_vsnk_slow_path, tmp, "pcap --no-fast-path")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        print("FAILED scenarios: %s" % ", ".join(failed))
        return 1
    print("all %d scenarios passed, with and without the fast path" % len(scenarios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
