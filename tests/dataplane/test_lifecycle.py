#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The life of a binary (dataplane/dp_main.c), exercised through vsnk:
--help/--version, exit codes and one-line errors for bad options, bad EAL
options, bad port masks and lcores, memory short; clean stop on SIGINT,
SIGTERM and --duration with the stats file written; --config files."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import vfwcl

VSNK = vfwcl.binary("vsnk")
EAL = vfwcl.eal_args(["net_null0"])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run(args, timeout=60):
    return subprocess.run([VSNK] + args, capture_output=True, text=True, timeout=timeout)


one_line_error = vfwcl.one_line_error      # 'vsnk: ' lines


def test_help_version():
    p = run(["--help"])
    check(p.returncode == 0 and "--stats-file" in p.stdout and "--max-streams" in p.stdout,
          "--help exits 0 and lists common and vsnk options")
    p = run(["-l", "0", "--", "--help"])
    check(p.returncode == 0 and "Usage:" in p.stdout, "--help after -- exits 0")
    p = run(["--version"])
    check(p.returncode == 0 and p.stdout.startswith("vsnk "), "--version exits 0")


def test_bad_options():
    cases = [
        (["--burst", "0"], "--burst", "'0'"),
        (["--rxq", "x"], "--rxq", "'x'"),
        (["--bogus"], "--bogus"),
        (["--max-streams", "70000"], "--max-streams", "'70000'"),
        (["--duration", "-3"], "--duration", "'-3'"),
        (["stray"], "stray"),
    ]
    for args, *needles in cases:
        p = run(EAL + ["--"] + args)
        check(one_line_error(p, 2, *needles), "bad option %s: exit 2, one line naming it" % args)


def test_bad_environment():
    p = run(["-l", "0-1", "--no-huge", "--no-pci", "--bogus-eal-flag", "--", "--duration", "1"])
    check(p.returncode == 2 and "EAL" in p.stderr, "bad EAL option: exit 2")
    p = run(EAL + ["--", "--portmask", "0x2"])
    check(one_line_error(p, 2, "--portmask", "port 1"), "portmask naming a missing port: exit 2")
    p = run(vfwcl.eal_args(["net_null0"], lcores="0") + ["--"])
    check(one_line_error(p, 2, "worker lcore"), "no worker lcore: exit 2")
    p = run(EAL + ["--", "--nb-cores", "3"])
    check(one_line_error(p, 2, "--nb-cores", "'3'"), "--nb-cores above the lcores: exit 2")
    p = run(vfwcl.eal_args([], mem=64) + ["--vdev", "net_null0", "--",
                                          "--total-num-mbufs", "4000000"])
    check(one_line_error(p, 1, "mempool", "4000000"), "memory short: exit 1 naming the pool size")
    p = run(["-l", "0-1", "--no-huge", "-m", "128", "--in-memory", "--no-pci", "--", "--duration", "1"])
    check(one_line_error(p, 2, "no ports"), "no ports: exit 2")


def test_stop(sig):
    with tempfile.TemporaryDirectory() as d:
        sfile = os.path.join(d, "s.json")
        p = subprocess.Popen([VSNK] + EAL + ["--", "--idle-sleep", "100", "--stats-file", sfile],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        out = ""
        # wait until it runs (it prints its start line), then signal
        while time.time() < deadline:
            line = p.stdout.readline()
            out += line
            if "Ctrl-C to stop" in line or not line:
                break
        p.send_signal(sig)
        rc = p.wait(timeout=60)
        ok = rc == 0 and os.path.exists(sfile)
        js = json.load(open(sfile)) if ok else {}
        port = js.get("ports", [{}])[0]
        check(ok and port.get("rx_packets", 0) > 0 and
              port["rx_packets"] == port["probe_packets"] + port["foreign_packets"] +
              port["malformed"] + port["bad_checksum"],
              "%s: exit 0, stats file written, counters add up" % signal.Signals(sig).name)


def test_duration_and_config():
    with tempfile.TemporaryDirectory() as d:
        sfile = os.path.join(d, "s.json")
        cfile = os.path.join(d, "c.json")
        with open(cfile, "w") as f:
            json.dump({"duration": 0.5, "stats-file": sfile, "max-streams": 16,
                       "idle-sleep": 100}, f)
        p = run(EAL + ["--", "--config", cfile])
        check(p.returncode == 0 and os.path.exists(sfile), "--config with duration and stats-file: exit 0")
        with open(cfile, "w") as f:
            f.write('{"duration": 0.5,\n "burst": 9999}')
        p = run(EAL + ["--", "--config", cfile])
        check(one_line_error(p, 2, cfile, "--burst", "'9999'"), "--config with a bad value: exit 2 naming file and key")
        p = run(EAL + ["--", "--duration", "0.5", "--stats-file", "/nonexistent-dir/s.json"])
        check(one_line_error(p, 2, "--stats-file", "/nonexistent-dir/s.json"),
              "unwritable --stats-file: exit 2 at start, naming it")


def main():
    test_help_version()
    test_bad_options()
    test_bad_environment()
    test_stop(signal.SIGINT)
    test_stop(signal.SIGTERM)
    test_duration_and_config()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
