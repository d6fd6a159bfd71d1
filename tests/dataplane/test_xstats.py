#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Driver xstats (rte_eth_xstats_get, read through dp_view): once vfw's
pcaps are consumed, every port's xstats in /api/v1/stats and /metrics (one
family per xstat name, port as label) equal the stats file's, whatever the
driver names them; /metrics passes promtool where it is installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import obslib as o  # noqa: E402
import mgmtlib as m  # noqa: E402
import urllib.request  # noqa: E402


def clean(name):
    return "".join(c if c.isalnum() or c in "_:" else "_" for c in name)


def main():
    errors = []
    prefix = "vfwcl-xs-%d" % os.getpid()
    port = m.free_port()
    base = "http://127.0.0.1:%d" % port
    with tempfile.TemporaryDirectory(prefix="vfw-xs-") as tmp:
        cmd, total = o.vfw_cmd(tmp, o.scenario(10), prefix, ["--mgmt", "127.0.0.1:%d" % port])
        p = o.v.Proc(cmd)
        try:
            tel = o.Telemetry(prefix, p)
            o.wait_quiet(tel, total)
            tel.close()
            st, api = m.call(base, "GET", "/api/v1/stats")
            with urllib.request.urlopen(base + "/metrics", timeout=20) as r:
                text = r.read().decode()
            rc = p.stop()
        finally:
            p.kill()
        if rc != 0 or st != 200:
            raise AssertionError("vfw exited %d, /api/v1/stats %d\n%s" % (rc, st, p.output()[-3000:]))
        with open(os.path.join(tmp, "stats.json")) as f:
            js = json.load(f)
    fams, perr = m.parse_metrics(text)
    errors += perr
    for pt in js["ports"]:
        xs = pt.get("xstats")
        if not xs:
            errors.append("port %d: no xstats in the stats file" % pt["port"])
            continue
        if o.v.port_stats(api, pt["port"]).get("xstats") != xs:
            errors.append("port %d: /api/v1/stats xstats differ from the stats file" % pt["port"])
        for name, val in xs.items():
            fam = [f for f in fams if f.endswith("xstat_" + clean(name))]
            got = [s[2] for f in fam for s in fams[f]["samples"]
                   if str(pt["port"]) in s[1].values()]
            if got != [val]:
                errors.append("port %d xstat %s: metrics %r, stats file %d" % (pt["port"], name, got, val))
    promtool = shutil.which("promtool")
    if promtool:
        r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
        # vfw's older families have lint notes of their own (abbreviations); ours must have none
        bad = [line for line in (r.stdout + r.stderr).splitlines()
               if "xstat" in line or line.startswith("error")]
        if bad:
            errors.append("promtool: %s" % "\n".join(bad)[-1500:])
    for e in errors[:30]:
        print("FAIL:", e)
    print("xstats: %s" % ("FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
