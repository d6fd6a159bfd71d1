#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The OpenBaton descriptors of deploy/openbaton against their JSON schemas
(deploy/openbaton/schema, python3-jsonschema) and the cross-references the
VNF manager relies on (tests/deploy/vnfm.py); the schemas refuse what the
generic VNFM would not run (each mutation below must be an error); the
lifecycle scripts pass shellcheck when it is installed and their checks
refuse bad values with exit status 2, naming them, writing nothing.
Exits 77 without python3-jsonschema."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from mgmtlib import check, done, skip  # noqa: E402
from vnfm import Descriptors  # noqa: E402

OB = os.path.join(ROOT, "deploy", "openbaton")
SCRIPTS = os.path.join(OB, "scripts")

try:
    import jsonschema
except ImportError:
    skip("python3-jsonschema missing (apt-get install python3-jsonschema)")


def validator(name):
    with open(os.path.join(OB, "schema", name)) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def errors(v, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in v.iter_errors(doc)]


def mutate(doc, fn):
    d = copy.deepcopy(doc)
    fn(d)
    return d


def event(d, name):
    return next(le for le in d["lifecycle_event"] if le["event"] == name)


def check_schemas():
    vnfd_v, nsd_v = validator("vnfd.schema.json"), validator("nsd.schema.json")
    desc = Descriptors(os.path.join(OB, "nsd.json"), os.path.join(OB, "vnfd"), SCRIPTS)
    check(sorted(d["type"] for d in desc.vnfds.values()) == ["vfw", "vpkg", "vsnk"],
          "the service holds vpkg, vfw and vsnk", list(desc.vnfds))
    for name, d in desc.vnfds.items():
        e = errors(vnfd_v, d)
        check(not e, "%s: valid against vnfd.schema.json" % name, e)
    e = errors(nsd_v, desc.nsd)
    check(not e, "nsd.json: valid against nsd.schema.json", e)
    p = desc.problems()
    check(not p, "the descriptors' cross-references hold", p)
    deps = sorted((x["source"]["name"], x["target"]["name"], tuple(x["parameters"]))
                  for x in desc.nsd["vnf_dependency"])
    check(deps == [("vfwcl-vfw", "vfwcl-vpkg", ("unprotected",)), ("vfwcl-vsnk", "vfwcl-vfw", ("protected",))],
          "dependencies: vfw needs vsnk's protected address, vpkg vfw's unprotected one", deps)

    fw = desc.vnfds["vfwcl-vfw"]
    bad = {
        "no endpoint": lambda d: d.pop("endpoint"),
        "endpoint not generic": lambda d: d.update(endpoint="juju"),
        "unknown event": lambda d: d["lifecycle_event"].append({"event": "REBOOT", "lifecycle_events": ["x.sh"]}),
        "CONFIGURE script without its source's type": lambda d: event(d, "CONFIGURE").update(
            lifecycle_events=["configure.sh"]),
        "script path outside the package": lambda d: event(d, "START").update(lifecycle_events=["../start.sh"]),
        "type not a shell name": lambda d: d.update(type="v-fw"),
        "no vm_image": lambda d: d["vdu"][0].pop("vm_image"),
        "fixedIp not an address": lambda d: d["vdu"][0]["vnfc"][0]["connection_point"][1].update(
            fixedIp="192.168.10.300"),
        "unknown key (a typo)": lambda d: d.update(deployment_flavor=[{"flavour_key": "m1.small"}]),
        "configuration key not a shell name": lambda d: d["configurations"]["configurationParameters"].append(
            {"confKey": "mgmt-port", "value": "1"}),
    }
    for what, fn in bad.items():
        check(bool(errors(vnfd_v, mutate(fw, fn))), "vnfd schema refuses: %s" % what)
    bad_nsd = {
        "no dependencies": lambda d: d.pop("vnf_dependency"),
        "dependency without parameters": lambda d: d["vnf_dependency"][0].update(parameters=[]),
        "vnfd referenced without a name": lambda d: d["vnfd"][0].pop("name"),
    }
    for what, fn in bad_nsd.items():
        check(bool(errors(nsd_v, mutate(desc.nsd, fn))), "nsd schema refuses: %s" % what)

    # what no schema sees: the cross-references
    cross = {
        "a dependency on a network the source is not on": (
            "nsd", lambda d: d["vnf_dependency"][0].update(parameters=["unprotected"])),
        "a dependency cycle": (
            "nsd", lambda d: d["vnf_dependency"].append(
                {"source": {"name": "vfwcl-vpkg"}, "target": {"name": "vfwcl-vsnk"}, "parameters": ["mgmt"]})),
        "a connection point on no virtual link of the VNF": (
            "vfwcl-vfw", lambda d: d["virtual_link"].pop()),
        "a script that is not in scripts/": (
            "vfwcl-vfw", lambda d: event(d, "START").update(lifecycle_events=["missing.sh"])),
        "a target without a CONFIGURE script for its source": (
            "vfwcl-vpkg", lambda d: event(d, "CONFIGURE").update(lifecycle_events=["vsnk_configure.sh"])),
    }
    for what, (which, fn) in cross.items():
        d2 = copy.copy(desc)
        d2.nsd = copy.deepcopy(desc.nsd)
        d2.vnfds = copy.deepcopy(desc.vnfds)
        if which == "nsd":
            fn(d2.nsd)
        else:
            fn(d2.vnfds[which])
        check(bool(d2.problems()), "cross-references refuse: %s" % what)


def check_scripts():
    names = sorted(f for f in os.listdir(SCRIPTS) if f.endswith(".sh"))
    sc = shutil.which("shellcheck")
    if sc:
        p = subprocess.run([sc, "-x", "-s", "sh"] + names, cwd=SCRIPTS, capture_output=True, text=True)
        check(p.returncode == 0, "shellcheck: the lifecycle scripts are clean", p.stdout[-2000:])
    else:
        print("note: shellcheck not installed, the scripts were not linted")
    for n in names:
        with open(os.path.join(SCRIPTS, n)) as f:
            first = f.readline().strip()
        if n != "common.sh":    # sourced, not run
            check(first == "#!/bin/sh" and os.access(os.path.join(SCRIPTS, n), os.X_OK),
                  "%s: an executable POSIX sh script" % n, first)

    tmp = tempfile.mkdtemp(prefix="ob-scripts-")
    good = {"binary": "vfw", "instance": "fw", "mgmt": "198.18.0.2", "mgmt_port": "8181", "prefix_len": "24",
            "eal_options": "-l 0-1 --no-huge", "af_packet_frames": "4096",
            "rules": "allow-all.rules", "unprotected": "192.168.10.100",
            "protected": "192.168.20.100", "vsnk_protected": "192.168.20.250",
            "ves_collector_ip": "198.18.0.1", "ves_collector_port": "8080", "ves_interval": "10",
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "VFWCL_ETC": tmp, "VFWCL_RUN": tmp, "VFWCL_LOG": tmp}
    bad = [("vsnk_protected", "192.168.20.256"), ("vsnk_protected", "192.168.20"), ("vsnk_protected", "$(id)"),
           ("instance", "../fw"), ("binary", "sh"), ("mgmt_port", "0"), ("mgmt_port", "99999"),
           ("prefix_len", "33"), ("af_packet_frames", "1e6"), ("rules", "../../etc/shadow"), ("eal_options", "-l 0; rm -rf /"),
           ("ves_collector_ip", "198.18.0.1:80/x"), ("ves_collector_ip", "$(id)"),
           ("ves_collector_port", "0"), ("ves_interval", "0"), ("ves_interval", "10s")]
    try:
        for key, value in bad:
            env = dict(good, **{key: value})
            p = subprocess.run([os.path.join(SCRIPTS, "vsnk_configure.sh")], env=env, capture_output=True,
                               text=True, timeout=30)
            lines = p.stderr.strip().splitlines()
            check(p.returncode == 2 and len(lines) == 1 and value in lines[0] and
                  not os.listdir(tmp),
                  "configure refuses %s=%r: exit 2, one line naming it, nothing written" % (key, value),
                  (p.returncode, p.stderr))
        env = dict(good)
        env.pop("vsnk_protected")
        p = subprocess.run([os.path.join(SCRIPTS, "vsnk_configure.sh")], env=env, capture_output=True,
                           text=True, timeout=30)
        check(p.returncode == 2 and "vsnk_protected" in p.stderr and not os.listdir(tmp),
              "vsnk_configure.sh without $vsnk_protected: exit 2 naming it", p.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    check_schemas()
    check_scripts()
    done()


if __name__ == "__main__":
    main()
