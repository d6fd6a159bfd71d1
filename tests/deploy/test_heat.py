#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""deploy/heat: the ONAP-style Heat (HOT) templates of vpkg, vfw and vsnk.

- yamllint -s with deploy/.yamllint is clean on deploy/heat and deploy/tosca;
- each template: HOT top-level keys, a 2013-05-23 (ONAP vFW demo) version
  and only that version's functions; parameters with a valid type, the
  ones the VNF needs (image, flavor, networks, addresses, VES collector
  for vfw, REST credentials with a hidden password, the package's URL);
  every get_param names a declared parameter, every get_resource and
  get_attr a declared resource, every parameter is used;
- vfw's template creates the unprotected and protected networks and
  subnets; each data port has its fixed address from the parameter, on
  the right network; the server has the OAM port first, then the data ports;
- cloud-init: str_replace's placeholders and the template match; with
  sample values (none a default) substituted, the user_data is a
  #cloud-config whose write_files hold /etc/vfwcl/NAME.json (mode 600), a
  config the binary takes (deploy_config.check_config) carrying the
  samples (addresses, VES collector, user), the password file, and a boot
  script (sh -n clean) that installs the package, writes NAME.env and
  enables BINARY@NAME, run by runcmd;
- templates broken on purpose (an undeclared get_param, an unused
  parameter, a get_resource of nothing, a port on the wrong network)
  are reported.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

import deploy_config

DEPLOY = os.path.join(deploy_config.SOURCE, "deploy")
HEAT_DIR = os.path.join(DEPLOY, "heat")
HOT_VERSION = "2013-05-23"
TOP_KEYS = {"heat_template_version", "description", "parameter_groups", "parameters",
            "resources", "outputs"}
PARAM_TYPES = {"string", "number", "json", "comma_delimited_list", "boolean"}
# the functions of HOT 2013-05-23, and later ones a template must not use
FUNCTIONS = {"get_attr", "get_file", "get_param", "get_resource", "str_replace"}
LATER_FUNCTIONS = {"list_join", "repeat", "digest", "str_split", "map_merge", "map_replace",
                   "yaql", "if", "equals", "not", "and", "or", "filter", "make_url",
                   "list_concat", "list_concat_unique", "contains", "str_replacev2",
                   "str_replace_strict", "str_replace_vstrict", "get_reality"}

COMMON_PARAMS = {"image_name", "flavor_name", "key_name", "oam_net_id", "rest_user",
                 "rest_password", "rest_port", "vfwcl_package_url"}
# per template: the binary, the parameters it must declare, its data ports
# (port -> (its network, as the function naming it), the address parameter))
TEMPLATES = {
    "vpkg.yaml": {
        "binary": "vpkg",
        "params": COMMON_PARAMS | {"unprotected_net_id", "vpkg_unprotected_ip",
                                   "vfw_unprotected_ip", "vsnk_protected_ip"},
        "ports": {"vpkg_unprotected_port": ({"get_param": "unprotected_net_id"},
                                            "vpkg_unprotected_ip")},
    },
    "vfw.yaml": {
        "binary": "vfw",
        "params": COMMON_PARAMS | {"unprotected_net_name", "unprotected_net_cidr",
                                   "protected_net_name", "protected_net_cidr", "net_prefix_len",
                                   "vfw_unprotected_ip", "vfw_protected_ip",
                                   "ves_collector_ip", "ves_collector_port"},
        "ports": {"vfw_unprotected_port": ({"get_resource": "unprotected_net"},
                                           "vfw_unprotected_ip"),
                  "vfw_protected_port": ({"get_resource": "protected_net"}, "vfw_protected_ip")},
        "networks": {"unprotected_net": "unprotected_subnet", "protected_net": "protected_subnet"},
    },
    "vsnk.yaml": {
        "binary": "vsnk",
        "params": COMMON_PARAMS | {"protected_net_id", "net_prefix_len", "vsnk_protected_ip"},
        "ports": {"vsnk_protected_port": ({"get_param": "protected_net_id"},
                                          "vsnk_protected_ip")},
    },
}
# sample values, none of them a default: the config must follow the parameters
SAMPLES = {
    "image_name": "debian-12-test", "flavor_name": "m1.test", "key_name": "ops",
    "oam_net_id": "oam-test", "rest_user": "operator", "rest_password": "Pa55-w0rd!x",
    "rest_port": 9443, "vfwcl_package_url": "http://repo.example.net/vfwcl_0.1.0_amd64.deb",
    "unprotected_net_id": "net-unprot-test", "protected_net_id": "net-prot-test",
    "unprotected_net_name": "unprot-test", "protected_net_name": "prot-test",
    "unprotected_net_cidr": "10.1.0.0/16", "protected_net_cidr": "10.2.0.0/16",
    "net_prefix_len": 16, "vpkg_unprotected_ip": "10.1.0.7", "vfw_unprotected_ip": "10.1.0.1",
    "vfw_protected_ip": "10.2.0.1", "vsnk_protected_ip": "10.2.0.9",
    "ves_collector_ip": "172.16.5.5", "ves_collector_port": 30235,
    "vpkg_name": "pkg-test", "vfw_name": "fw-test", "vsnk_name": "snk-test",
}


def walk(value, path=""):
    """(path, function name, argument) of every function call in value."""
    if isinstance(value, dict):
        if len(value) == 1:
            (k, v), = value.items()
            if k in FUNCTIONS or k in LATER_FUNCTIONS or k.startswith("Fn::") or k == "Ref":
                yield path, k, v
        for k, v in value.items():
            yield from walk(v, "%s/%s" % (path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, "%s[%d]" % (path, i))


def static_problems(name, tpl):
    """What is wrong with the template's keys, parameters and references."""
    want = TEMPLATES[name]
    out = []
    if not isinstance(tpl, dict):
        return ["not a mapping"]
    if str(tpl.get("heat_template_version")) != HOT_VERSION:
        out.append("heat_template_version %s, want %s" % (tpl.get("heat_template_version"),
                                                          HOT_VERSION))
    out += ["unknown top-level key %s" % k for k in set(tpl) - TOP_KEYS]
    params = tpl.get("parameters") or {}
    resources = tpl.get("resources") or {}
    if not resources:
        out.append("no resources")
    for p, d in params.items():
        if d.get("type") not in PARAM_TYPES:
            out.append("parameter %s: type %s" % (p, d.get("type")))
        if d.get("type") == "number" and "default" in d and not isinstance(d["default"], int):
            out.append("parameter %s: default %r is no number" % (p, d["default"]))
    out += ["parameter %s missing" % p for p in sorted(want["params"] - set(params))]
    if not params.get("rest_password", {}).get("hidden"):
        out.append("rest_password is not hidden")
    for r, d in resources.items():
        if not isinstance(d, dict) or "type" not in d:
            out.append("resource %s has no type" % r)
    used = set()
    for where, fn, arg in walk({"resources": resources, "outputs": tpl.get("outputs") or {}}):
        if fn not in FUNCTIONS:
            out.append("%s: %s is not a HOT %s function" % (where, fn, HOT_VERSION))
        elif fn == "get_param":
            p = arg[0] if isinstance(arg, list) else arg
            used.add(p)
            if p not in params:
                out.append("%s: get_param of undeclared parameter %s" % (where, p))
        elif fn in ("get_resource", "get_attr"):
            r = arg if fn == "get_resource" else arg[0]
            if r not in resources:
                out.append("%s: %s of undeclared resource %s" % (where, fn, r))
    out += ["parameter %s is never used" % p for p in sorted(set(params) - used)]

    for net, subnet in want.get("networks", {}).items():
        if resources.get(net, {}).get("type") != "OS::Neutron::Net":
            out.append("no OS::Neutron::Net %s" % net)
        sub = resources.get(subnet, {})
        if sub.get("type") != "OS::Neutron::Subnet" or \
                sub.get("properties", {}).get("network") != {"get_resource": net}:
            out.append("no OS::Neutron::Subnet %s on %s" % (subnet, net))
    servers = [r for r, d in resources.items() if d.get("type") == "OS::Nova::Server"]
    if len(servers) != 1:
        return out + ["%d servers, want 1" % len(servers)]
    server = resources[servers[0]].get("properties", {})
    ports = [n.get("port", {}).get("get_resource") for n in server.get("networks", [])]
    if ports[1:] != list(want["ports"]) or \
            resources.get(ports[0], {}).get("properties", {}).get("network") != \
            {"get_param": "oam_net_id"}:
        out.append("server ports %s: want the OAM port, then %s" % (ports, list(want["ports"])))
    for port, (net, addr) in want["ports"].items():
        d = resources.get(port, {})
        props = d.get("properties", {})
        if d.get("type") != "OS::Neutron::Port" or props.get("network") != net:
            out.append("port %s is not on %s" % (port, net))
        ips = [f.get("ip_address") for f in props.get("fixed_ips", [])]
        if ips != [{"get_param": addr}]:
            out.append("port %s: fixed ip %s, want parameter %s" % (port, ips, addr))
    return out


def user_data(tpl):
    server = [d for d in tpl["resources"].values() if d["type"] == "OS::Nova::Server"][0]
    return server["properties"]["user_data"]["str_replace"]


def sample_value(tpl, fn, arg, macs):
    if fn == "get_param":
        if arg not in SAMPLES:
            raise AssertionError("no sample value for parameter %s" % arg)
        return str(SAMPLES[arg])
    if fn == "get_attr" and arg[1:] == ["mac_address"]:
        return macs.setdefault(arg[0], "fa:16:3e:00:00:%02x" % (len(macs) + 1))
    raise AssertionError("no sample value for %s %s" % (fn, arg))


def cloud_init_problems(name, tpl):
    """Substitute the samples into user_data and check what cloud-init gets."""
    want = TEMPLATES[name]
    sr = user_data(tpl)
    template, params = sr["template"], sr["params"]
    out = []
    holders = set(re.findall(r"__[a-z0-9_]+__", template))
    out += ["placeholder %s has no parameter" % h for h in sorted(holders - set(params))]
    out += ["str_replace parameter %s is not in the template" % p
            for p in sorted(set(params) - holders)]
    out += ["placeholder %s is inside %s" % (a, b) for a in params for b in params
            if a != b and a in b]
    macs = {}
    text = template
    for key, value in params.items():
        (fn, arg), = value.items()
        text = text.replace(key, sample_value(tpl, fn, arg, macs))
    if not text.startswith("#cloud-config\n"):
        return out + ["user_data is not a #cloud-config"]
    doc = yaml.safe_load(text)
    files = {f["path"]: f for f in doc.get("write_files", [])}
    boot = [f for p, f in files.items() if p.startswith("/usr/local/sbin/")]
    if len(boot) != 1:
        return out + ["%d boot scripts in write_files, want 1" % len(boot)]
    script = boot[0]["content"]
    if doc.get("runcmd") != [[boot[0]["path"]]]:
        out.append("runcmd %s does not run %s" % (doc.get("runcmd"), boot[0]["path"]))
    rc = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True)
    if rc.returncode != 0:
        out.append("boot script: sh -n: %s" % rc.stderr.strip())
    units = re.findall(r"^systemctl enable --now (\w+)@(\w+)$", script, re.M)
    if len(units) != 1 or units[0][0] != want["binary"]:
        return out + ["boot script enables %s, want one %s@NAME" % (units, want["binary"])]
    inst = units[0][1]
    if SAMPLES["vfwcl_package_url"] not in script or \
            "apt-get install -y -q /var/tmp/vfwcl.deb" not in script:
        out.append("boot script does not install the package from its URL")
    if ">/etc/vfwcl/%s.env" % inst not in script:
        out.append("boot script does not write /etc/vfwcl/%s.env" % inst)
    for port in want["ports"]:
        if macs.get(port) not in script:
            out.append("boot script does not find %s's interface by its MAC" % port)

    cfg_path = "/etc/vfwcl/%s.json" % inst
    if cfg_path not in files or files[cfg_path].get("permissions") != "0600":
        return out + ["write_files has no %s with mode 0600" % cfg_path]
    try:
        config = json.loads(files[cfg_path]["content"])
    except ValueError as e:
        return out + ["%s is not JSON: %s" % (cfg_path, e)]
    out += check_values(name, config)
    pw = config.get("mgmt-password-file")
    if pw not in files or files[pw].get("content") != SAMPLES["rest_password"] + "\n" or \
            files[pw].get("permissions") != "0600":
        out.append("the password file %s is not written with the password, mode 0600" % pw)
    with tempfile.TemporaryDirectory() as tmp:
        root = deploy_config.VmRoot(tmp)
        for path, f in files.items():
            if path.startswith("/etc/vfwcl/") and path != cfg_path:
                root.write(path, f["content"], int(f.get("permissions", "0644"), 8))
        err = deploy_config.check_config(want["binary"], config, cfg_path, root)
        if err:
            out.append("config refused: " + err)
    return out


def check_values(name, config):
    """The sample parameters are where the binary reads them."""
    s = SAMPLES
    out = []
    if config.get("mgmt") != "0.0.0.0:%d" % s["rest_port"] or \
            config.get("mgmt-user") != s["rest_user"]:
        out.append("mgmt %s / user %s are not the parameters" % (config.get("mgmt"),
                                                                 config.get("mgmt-user")))
    if name == "vfw.yaml":
        want = ["0,%s/%d" % (s["vfw_unprotected_ip"], s["net_prefix_len"]),
                "1,%s/%d" % (s["vfw_protected_ip"], s["net_prefix_len"])]
        if config.get("port-ips") != want:
            out.append("port-ips %s, want %s" % (config.get("port-ips"), want))
        url = "http://%s:%d/" % (s["ves_collector_ip"], s["ves_collector_port"])
        if not str(config.get("ves-url", "")).startswith(url):
            out.append("ves-url %s is not the collector's" % config.get("ves-url"))
    if name == "vpkg.yaml":
        streams = config.get("streams", [])
        if config.get("gateway") != s["vfw_unprotected_ip"] or not streams or any(
                st.get("src_ip") != s["vpkg_unprotected_ip"] or
                st.get("dst_ip") != s["vsnk_protected_ip"] for st in streams):
            out.append("vpkg's gateway and streams do not follow the addresses")
    return out


def lint_problems():
    cmd = ["yamllint", "-s", "-c", os.path.join(DEPLOY, ".yamllint"),
           HEAT_DIR, os.path.join(DEPLOY, "tosca")]
    try:
        rc = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        return ["yamllint is not installed (scripts/install-deps.sh)"]
    return [] if rc.returncode == 0 else ["yamllint: " + rc.stdout.strip()]


def broken_variants(tpl):
    """(what, template) pairs that the checks must refuse."""
    def variant(change):
        t = copy.deepcopy(tpl)
        change(t)
        return t
    server = [r for r, d in tpl["resources"].items() if d["type"] == "OS::Nova::Server"][0]
    port = [r for r, d in tpl["resources"].items() if "fixed_ips" in d.get("properties", {})][0]
    yield "get_param of an undeclared parameter", variant(
        lambda t: t["resources"][server]["properties"].update(name={"get_param": "nope"}))
    yield "an unused parameter", variant(
        lambda t: t["parameters"].update(spare={"type": "string"}))
    yield "get_resource of nothing", variant(
        lambda t: t["resources"][server]["properties"]["networks"].append(
            {"port": {"get_resource": "no_such_port"}}))
    yield "a data port on the OAM network", variant(
        lambda t: t["resources"][port]["properties"].update(network={"get_param": "oam_net_id"}))
    yield "a placeholder without parameter", variant(
        lambda t: t["resources"][server]["properties"]["user_data"]["str_replace"].update(
            template=user_data(t)["template"].replace('"idle-sleep"', '"__nope__"')))


def main():
    failures = 0
    for p in lint_problems():
        print("FAIL: " + p)
        failures += 1
    for name in TEMPLATES:
        with open(os.path.join(HEAT_DIR, name)) as f:
            tpl = yaml.safe_load(f)
        problems = static_problems(name, tpl)
        if not problems:
            problems = cloud_init_problems(name, tpl)
        for p in problems:
            print("FAIL: %s: %s" % (name, p))
        failures += len(problems)
        if not problems:
            print("ok: %s" % name)
        for what, bad in broken_variants(tpl):
            found = static_problems(name, bad) or cloud_init_problems(name, bad)
            if not found:
                print("FAIL: %s with %s passes the checks" % (name, what))
                failures += 1
            else:
                print("ok: %s with %s is refused: %s" % (name, what, found[0]))
    print("%d failed" % failures if failures else "ok: every check")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
