#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vpkg's YANG models (vpkg/yang/) against what ONAP's clients use:
- yanglint (libyang2-tools) accepts both modules;
- module name, namespace and revision are those of the Honeycomb plugins ONAP
  mounts in OpenDaylight (sample-plugin 2016-09-18, stream-count 2019-01-18),
  and the file name carries the revision;
- the node paths ONAP's APPC, robot and CDS requests address exist with the
  right kinds: list pg-stream keyed by id with a boolean is-enabled, and
  active-streams a uint32 in 1..10 (yanglint validates ONAP's bodies: 10
  passes, 0 and 11 fail)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nclib  # noqa: E402
from mgmtlib import check, done  # noqa: E402

MODELS = {
    "sample-plugin": ("urn:opendaylight:params:xml:ns:yang:sample-plugin", "2016-09-18"),
    "stream-count": ("urn:opendaylight:params:xml:ns:yang:stream-count", "2019-01-18"),
}


def yanglint(*args, data=None):
    with tempfile.TemporaryDirectory() as d:
        extra = []
        if data is not None:
            path = os.path.join(d, "data.xml")
            with open(path, "w") as f:
                f.write(data)
            extra = [path]
        return subprocess.run(["yanglint"] + list(args) + extra, capture_output=True,
                              text=True, timeout=60)


def test_models_lint():
    files = [nclib.yang_file(m, rev) for m, (_, rev) in MODELS.items()]
    for f in files:
        check(os.path.isfile(f), "model file exists", f)
    r = yanglint(*files)
    check(r.returncode == 0 and r.stderr == "", "yanglint accepts both models", r.stderr)
    for m, (ns, rev) in MODELS.items():
        r = yanglint("-f", "yin", nclib.yang_file(m, rev))
        check(r.returncode == 0, "yanglint prints %s as YIN" % m, r.stderr)
        check('name="%s"' % m in r.stdout and '<namespace uri="%s"/>' % ns in r.stdout
              and '<revision date="%s">' % rev in r.stdout,
              "%s: ONAP's module name, namespace and revision" % m, r.stdout[:400])


def test_onap_bodies_validate():
    sp, sc = (nclib.yang_file(m, rev) for m, (_, rev) in MODELS.items())
    pg = nclib.pg_streams_xml(["fw_udp%d" % i for i in range(1, 11)], op=None)
    r = yanglint("-t", "config", "-p", os.path.dirname(sp), sp, data=pg)
    check(r.returncode == 0, "the robot's pg-streams body (10 streams) validates", r.stderr)
    for n, ok in ((1, True), (10, True), (0, False), (11, False)):
        r = yanglint("-t", "config", sc, data=nclib.active_streams_xml(n, op=None))
        check((r.returncode == 0) == ok, "active-streams %d %s" % (n, "validates" if ok else
              "is refused"), r.stderr)
    bad = pg.replace("<is-enabled>true</is-enabled>", "<is-enabled>yes</is-enabled>", 1)
    r = yanglint("-t", "config", sp, data=bad)
    check(r.returncode != 0, "is-enabled 'yes' is refused (boolean)", r.stderr)


if __name__ == "__main__":
    test_models_lint()
    test_onap_bodies_validate()
    done()
