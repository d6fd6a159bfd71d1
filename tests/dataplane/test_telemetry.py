#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DPDK telemetry commands of vfw (dp_telemetry.c): read from a running vfw
(--file-prefix) once its pcaps are consumed, every value equals the stats
file written at the stop; /vfw/rules and /vfw/sessions likewise; a bad
parameter gets null, not a crash."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import obslib as o  # noqa: E402

N = 20


def flat(x, prefix=""):
    """The stats JSON as dp_telemetry.h flattens a container: path -> leaf."""
    out = {}
    items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else None
    if items is None:
        if isinstance(x, bool):
            x = int(x)
        elif isinstance(x, float):
            x = float(x)
        return {prefix: x}
    for k, val in items:
        out.update(flat(val, "%s/%s" % (prefix, k) if prefix else str(k)))
    return out


def compare(name, tel, ref, errors):
    """tel: a telemetry dict; ref: the same section of the stats file."""
    for k, val in ref.items():
        got = tel.get(k)
        if isinstance(val, (dict, list)):
            exp = flat(val)
            got = {a: (float(b) if isinstance(exp.get(a), float) else b) for a, b in (got or {}).items()}
            if got != exp:
                diff = sorted(a for a in set(exp) | set(got) if exp.get(a) != got.get(a))
                errors.append("%s %s: differs at %s" % (name, k, diff[:8]))
        elif got != (int(val) if isinstance(val, bool) else val):
            errors.append("%s %s: telemetry %r, stats file %r" % (name, k, got, val))


def main():
    errors = []
    prefix = "vfwcl-tel-%d" % os.getpid()
    with tempfile.TemporaryDirectory(prefix="vfw-tel-") as tmp:
        cmd, total = o.vfw_cmd(tmp, o.scenario(N), prefix)
        p = o.v.Proc(cmd)
        try:
            tel = o.Telemetry(prefix, p)
            o.wait_quiet(tel, total)
            got = {c: tel.cmd(c) for c in ("/vfw/stats", "/vfw/rules", "/vfw/sessions")}
            listed = tel.cmd("/")
            bad = tel.cmd("/vfw/stats,zzz")   # parameters are ignored where none are taken
            tel.close()
            rc = p.stop()
        finally:
            p.kill()
        if rc != 0:
            raise AssertionError("vfw exited %d\n%s" % (rc, p.output()[-3000:]))
        with open(os.path.join(tmp, "stats.json")) as f:
            js = json.load(f)
    for c in ("/vfw/stats", "/vfw/rules", "/vfw/sessions"):
        if c not in listed:
            errors.append("%s not listed by /: %r" % (c, listed))
    if js["totals"]["forwarded"] != 2 * N or js["totals"]["dropped_rule"] != N:
        errors.append("scenario not run as expected: %r" % js["totals"])
    ref = {"port/%d" % pt["port"]: pt for pt in js["ports"]}
    ref["totals"] = js["totals"]
    compare("/vfw/stats", got["/vfw/stats"], ref, errors)
    if "truncated" in got["/vfw/stats"]:
        errors.append("/vfw/stats truncated")
    compare("/vfw/rules", got["/vfw/rules"], {str(i): r for i, r in enumerate(js["rules"])}, errors)
    compare("/vfw/sessions", got["/vfw/sessions"], js["sessions"], errors)
    if bad != got["/vfw/stats"]:
        errors.append("/vfw/stats,zzz differs from /vfw/stats")
    workers = js["sessions"]["workers"]
    if sum(w["active"] for w in workers) != js["sessions"]["active"]:
        errors.append("per-worker sessions do not add up: %r" % js["sessions"])
    for e in errors:
        print("FAIL:", e)
    print("telemetry: %s" % ("FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
