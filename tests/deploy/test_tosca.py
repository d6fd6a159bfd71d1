#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""deploy/tosca: the NFV-profile descriptors of the three VNFs and the service.

- every file loads with tosca-parser (ToscaTemplate), the service with the
  VNFDs substituting its VNF nodes;
- each VNFD: one VDU with a VM image, a vfwcl.nodes.Instance hosted on it,
  connection points bound to the VDU for its networks (the unprotected one
  for vpkg, both for vfw, the protected one for vsnk) with the input's
  address, the substitution mapping of each link requirement to a data CP;
- the Instance's "config" with the inputs' sample values is a config the
  binary takes (deploy_config.check_config), its secret files are written;
- the service: vpkg and vfw on unprotected_net, vfw and vsnk on
  protected_net, no other link; vpkg's next hop is vfw's unprotected
  address and its streams go to vsnk's address (get_property);
- a descriptor with a VNF on the wrong network fails these checks.

Debian 12's python3-tosca-parser (2.6.0-2) ships without the type
definitions it loads (toscaparser/elements/TOSCA_definition_1_0.yaml, the
NFV profile's): then every check but the parser's load runs and the test
ends SKIP (77), naming the file. VFWCL_TOSCA_PARSER=DIR puts a tosca-parser
source tree (the directory holding toscaparser/) first on the path.
"""
import copy
import os
import sys
import tempfile

import yaml

import deploy_config

TOSCA_DIR = os.path.join(deploy_config.SOURCE, "deploy", "tosca")
VNFDS = {"vpkg": "vpkg.yaml", "vfw": "vfw.yaml", "vsnk": "vsnk.yaml"}
NSD = "vfwcl_ns.yaml"
PROFILE = "tosca_simple_profile_for_nfv_1_0_0"
# the data links each VNF has: requirement name -> the network of the service
LINKS = {"vpkg": {"unprotected_link": "unprotected_net"},
         "vfw": {"unprotected_link": "unprotected_net", "protected_link": "protected_net"},
         "vsnk": {"protected_link": "protected_net"}}
# the inputs of the VNFD that set each data CP's address
CP_ADDRESS = {"unprotected_link": "unprotected_ip", "protected_link": "protected_ip"}
SAMPLE = {"rest_user": "operator", "rest_password": "s3cret pass",
          "ves_collector_url": "https://dcae.example.net:8443/eventListener/v5"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
    return cond


def load(name):
    with open(os.path.join(TOSCA_DIR, name)) as f:
        return yaml.safe_load(f)


def inputs_of(tpl, given):
    """Input values: given, else the default; missing required ones are an error."""
    out = {}
    for name, d in tpl["topology_template"].get("inputs", {}).items():
        if name in given:
            out[name] = given[name]
        elif "default" in d:
            out[name] = d["default"]
        else:
            raise AssertionError("input %s has no default and no sample value" % name)
    return out


def resolve(value, inputs, nodes=None):
    """The value of a property with get_input, concat and get_property applied."""
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "get_input":
            if arg not in inputs:
                raise AssertionError("get_input of an undeclared input %s" % arg)
            return inputs[arg]
        if fn == "concat":
            return "".join(str(resolve(v, inputs, nodes)) for v in arg)
        if fn == "get_property":
            node, prop = arg
            if nodes is None or node not in nodes:
                raise AssertionError("get_property of an unknown node %s" % node)
            return resolve(nodes[node]["properties"][prop], inputs, nodes)
    if isinstance(value, dict):
        return {k: resolve(v, inputs, nodes) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, inputs, nodes) for v in value]
    return value


def requirements(node):
    """A node template's requirements as (name, target) pairs."""
    out = []
    for r in node.get("requirements", []):
        (name, target), = r.items()
        out.append((name, target if isinstance(target, str) else target.get("node")))
    return out


def check_vnfd(vnf, tpl):
    name = VNFDS[vnf]
    check(tpl.get("tosca_definitions_version") == PROFILE, "%s: not the NFV profile" % name)
    topo = tpl["topology_template"]
    nodes = topo["node_templates"]
    inputs = inputs_of(tpl, SAMPLE)
    by_type = {}
    for n, d in nodes.items():
        by_type.setdefault(d["type"], []).append(n)
    vdus = by_type.get("tosca.nodes.nfv.VDU", [])
    if not check(len(vdus) == 1, "%s: %d VDUs, want 1" % (name, len(vdus))):
        return
    vdu = vdus[0]
    image = nodes[vdu].get("artifacts", {}).get("vm_image", {})
    check(image.get("type") == "tosca.artifacts.Deployment.Image.VM",
          "%s: the VDU has no VM image artifact" % name)
    inst = by_type.get("vfwcl.nodes.Instance", [])
    if not check(len(inst) == 1, "%s: %d vfwcl.nodes.Instance, want 1" % (name, len(inst))):
        return
    inst = nodes[inst[0]]
    check(("host", vdu) in requirements(inst), "%s: the instance is not hosted on %s" % (name, vdu))
    props = resolve(inst["properties"], inputs)
    check(props["binary"] == vnf, "%s: the instance runs %s" % (name, props["binary"]))
    check(inst.get("artifacts", {}).get("package", {}).get("file", "").startswith("vfwcl_"),
          "%s: the instance has no vfwcl package artifact" % name)

    # data CPs: bound to the VDU, the address of the input, mapped to the link
    mapping = topo.get("substitution_mappings", {})
    check(mapping.get("node_type") == "vfwcl.nodes.nfv." + vnf.capitalize(),
          "%s: substitutes %s" % (name, mapping.get("node_type")))
    mapped = mapping.get("requirements", {})
    check(set(mapped) == set(LINKS[vnf]), "%s: maps the links %s, want %s"
          % (name, sorted(mapped), sorted(LINKS[vnf])))
    for req, target in mapped.items():
        cp, cp_req = target
        d = nodes.get(cp, {})
        check(d.get("type") == "tosca.nodes.nfv.CP" and cp_req == "virtualLink",
              "%s: %s maps to %s.%s, not a CP's virtualLink" % (name, req, cp, cp_req))
        check(("virtualBinding", vdu) in requirements(d), "%s: %s is not bound to %s"
              % (name, cp, vdu))
        addr = resolve(d.get("properties", {}).get("ip_address"), inputs)
        check(addr == inputs.get(CP_ADDRESS[req]), "%s: %s has address %s, want input %s"
              % (name, cp, addr, CP_ADDRESS[req]))

    # the JSON config, with its secret files, taken by the binary
    with tempfile.TemporaryDirectory() as tmp:
        root = deploy_config.VmRoot(tmp)
        for path, text in props.get("secret_files", {}).items():
            check(text == SAMPLE["rest_password"], "%s: secret %s is not the password" % (name, path))
            root.write(path, text + "\n")
        config = props["config"]
        check(config.get("mgmt-user") == SAMPLE["rest_user"], "%s: mgmt-user is not the input" % name)
        err = deploy_config.check_config(vnf, config, "/etc/vfwcl/%s.json" % props["instance"], root)
        check(err is None, "%s: config refused: %s" % (name, err))
    return inputs, props


def check_service(tpl, vnfds):
    nodes = tpl["topology_template"]["node_templates"]
    inputs = inputs_of(tpl, SAMPLE)
    for vnf in VNFDS:
        d = nodes.get(vnf)
        if not check(d is not None, "%s: no node %s" % (NSD, vnf)):
            continue
        check(d["type"] == vnfds[vnf]["topology_template"]["substitution_mappings"]["node_type"],
              "%s: %s is not of its VNFD's type" % (NSD, vnf))
        got = dict(requirements(d))
        check(got == LINKS[vnf], "%s: %s links %s, want %s" % (NSD, vnf, got, LINKS[vnf]))
    for net in ("unprotected_net", "protected_net"):
        check(nodes.get(net, {}).get("type") == "tosca.nodes.nfv.VL", "%s: no VL %s" % (NSD, net))
    props = {n: resolve(d.get("properties", {}), inputs, nodes) for n, d in nodes.items()}
    if all(v in props for v in VNFDS):
        check(props["vpkg"]["gateway_ip"] == props["vfw"]["unprotected_ip"],
              "%s: vpkg's gateway is not vfw's unprotected address" % NSD)
        check(props["vpkg"]["sink_ip"] == props["vsnk"]["protected_ip"],
              "%s: vpkg's streams do not go to vsnk" % NSD)
        # each VNF's properties are inputs of its VNFD: the config follows them
        for vnf in VNFDS:
            check_vnfd(vnf, vnfds_with_inputs(vnfds[vnf], props[vnf]))
        vpkg_streams = check_vnfd_streams(vnfds["vpkg"], props["vpkg"])
        check(vpkg_streams, "%s: vpkg's streams do not go from vpkg to vsnk" % NSD)


def vnfds_with_inputs(tpl, values):
    """tpl with its inputs' defaults set to the service's values for the VNF."""
    tpl = copy.deepcopy(tpl)
    for name, value in values.items():
        if name in tpl["topology_template"]["inputs"]:
            tpl["topology_template"]["inputs"][name]["default"] = value
    return tpl


def check_vnfd_streams(tpl, values):
    """Every stream of vpkg's config goes from its address to the sink's."""
    inputs = inputs_of(vnfds_with_inputs(tpl, values), SAMPLE)
    inst = [d for d in tpl["topology_template"]["node_templates"].values()
            if d["type"] == "vfwcl.nodes.Instance"][0]
    config = resolve(inst["properties"]["config"], inputs)
    streams = config.get("streams", [])
    return bool(streams) and config.get("gateway") == values["gateway_ip"] and all(
        s["src_ip"] == values["unprotected_ip"] and s["dst_ip"] == values["sink_ip"]
        for s in streams)


def parser_load(files):
    """Load each file with tosca-parser; None if done, else why it could not run."""
    extra = os.environ.get("VFWCL_TOSCA_PARSER")
    if extra:
        sys.path.insert(0, extra)
    import toscaparser
    # before importing the rest: the import itself reads the definitions
    defs = os.path.join(os.path.dirname(toscaparser.__file__), "elements")
    if not any(f.startswith("TOSCA_definition") and f.endswith(".yaml") for f in os.listdir(defs)):
        return ("%s has no TOSCA_definition*.yaml: this tosca-parser cannot load any "
                "template (Debian 12's python3-tosca-parser lacks them)" % defs)
    from toscaparser.tosca_template import ToscaTemplate
    for name in files:
        try:
            t = ToscaTemplate(os.path.join(TOSCA_DIR, name), parsed_params=SAMPLE)
        except Exception as e:  # the parser's ValidationError lists every error
            check(False, "tosca-parser: %s: %s" % (name, e))
            continue
        print("ok: tosca-parser loads %s (%d node templates)" % (name, len(t.nodetemplates)))
        if name == NSD:
            for n in t.nodetemplates:
                if n.name in VNFDS:
                    check(n.sub_mapping_tosca_template is not None,
                          "tosca-parser: %s: no VNFD substitutes %s" % (name, n.name))
                    targets = {tgt.name for rel, tgt in n.relationships.items()
                               if rel.type == "tosca.relationships.nfv.VirtualLinksTo"}
                    check(targets == set(LINKS[n.name].values()),
                          "tosca-parser: %s links to %s" % (n.name, sorted(targets)))
    return None


def main():
    vnfds = {vnf: load(f) for vnf, f in VNFDS.items()}
    for vnf, tpl in vnfds.items():
        check_vnfd(vnf, tpl)
    nsd = load(NSD)
    check_service(nsd, vnfds)

    # the checks can fail: vsnk moved to the unprotected network is caught
    before = len(failures)
    bad = copy.deepcopy(nsd)
    bad["topology_template"]["node_templates"]["vsnk"]["requirements"] = [
        {"protected_link": "unprotected_net"}]
    print("a service with vsnk on the unprotected network, to be refused:")
    check_service(bad, vnfds)
    if not check(len(failures) > before, "a service with vsnk on the wrong network passes"):
        pass
    else:
        del failures[before:]

    why = parser_load(list(VNFDS.values()) + [NSD])
    if failures:
        print("%d failed" % len(failures))
        return 1
    if why:
        print("SKIP: tosca-parser: %s; the other checks passed" % why)
        return 77
    print("ok: every check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
