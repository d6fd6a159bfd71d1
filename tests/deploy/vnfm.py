# SPDX-License-Identifier: BSD-3-Clause
"""A small generic VNF manager, OpenBaton style, for the deploy tests
(standard library only).

- Descriptors: the network service descriptor and the VNF descriptors it
  names (deploy/openbaton), with the cross-references a JSON schema cannot
  check: connection points on the VNF's own virtual links, dependencies
  between VNFs of the service on the source's networks or configuration
  keys, a CONFIGURE script for every dependency source (named after its
  type), every script present, no dependency cycle.
- Vim: "VMs" as network namespaces. A network joining exactly two VMs is a
  veth pair between them, any other (the management network, which the
  manager itself joins) a bridge in the caller's namespace. Each VM gets
  its address on each network in its kernel, as a cloud VM gets it from
  DHCP, with IPv6 off (no router solicitations or DAD on the data links).
- Vnfm: the generic VNFM's order: INSTANTIATE every VNF, CONFIGURE each
  target once its sources are instantiated (each CONFIGURE script gets the
  variables of the source whose type starts its name, $TYPE_PARAM), START
  sources before targets, STOP targets before sources, TERMINATE, then the
  VMs are deleted. Scripts run inside the VM with the VNF's configuration
  parameters, its address per network ($NETWORK) and $hostname.
"""
import ipaddress
import json
import os
import subprocess

EVENTS = ("INSTANTIATE", "CONFIGURE", "START", "STOP", "TERMINATE")


class DescriptorError(Exception):
    pass


def _load(path):
    with open(path) as f:
        return json.load(f)


class Descriptors:
    """nsd: the service; vnfds: name -> VNFD; scripts_dir: the lifecycle scripts."""

    def __init__(self, nsd_path, vnfd_dir, scripts_dir):
        self.nsd = _load(nsd_path)
        self.scripts_dir = scripts_dir
        by_name = {}
        for f in sorted(os.listdir(vnfd_dir)):
            if f.endswith(".json"):
                d = _load(os.path.join(vnfd_dir, f))
                by_name[d.get("name")] = d
        self.vnfds = {}
        for ref in self.nsd.get("vnfd", []):
            if ref.get("name") not in by_name:
                raise DescriptorError("nsd: vnfd %r: no such VNF descriptor in %s" % (ref.get("name"), vnfd_dir))
            self.vnfds[ref["name"]] = by_name[ref["name"]]

    @staticmethod
    def networks(vnfd):
        """The virtual links the VNF's connection points use, in order (mgmt first)."""
        return [cp["virtual_link_reference"] for vdu in vnfd["vdu"] for vnfc in vdu["vnfc"]
                for cp in vnfc["connection_point"]]

    @staticmethod
    def config(vnfd):
        return {p["confKey"]: p["value"] for p in vnfd["configurations"]["configurationParameters"]}

    @staticmethod
    def scripts(vnfd, event):
        return [s for le in vnfd["lifecycle_event"] if le["event"] == event for s in le["lifecycle_events"]]

    def sources(self, target):
        """[(source name, parameters)] of the dependencies whose target is target."""
        return [(d["source"]["name"], d["parameters"]) for d in self.nsd.get("vnf_dependency", [])
                if d["target"]["name"] == target]

    def problems(self):
        """What is wrong across the descriptors, one line each (empty when all is well)."""
        out = []
        vld = {v["name"] for v in self.nsd["vld"]}
        types = {}
        for name, d in self.vnfds.items():
            links = {v["name"] for v in d["virtual_link"]}
            for net in self.networks(d):
                if net not in links:
                    out.append("%s: connection point on %r, not one of its virtual links" % (name, net))
                if net not in vld:
                    out.append("%s: network %r is not in the service's vld" % (name, net))
            if d["type"] in types:
                out.append("%s: type %r already used by %s" % (name, d["type"], types[d["type"]]))
            types[d["type"]] = name
            for le in d["lifecycle_event"]:
                for s in le["lifecycle_events"]:
                    p = os.path.join(self.scripts_dir, s)
                    if not os.access(p, os.X_OK):
                        out.append("%s: %s script %s is not an executable in %s" % (name, le["event"], s,
                                                                                     self.scripts_dir))
        for dep in self.nsd.get("vnf_dependency", []):
            src, dst = dep["source"]["name"], dep["target"]["name"]
            if src not in self.vnfds or dst not in self.vnfds:
                out.append("dependency %s -> %s: not a VNF of the service" % (src, dst))
                continue
            s = self.vnfds[src]
            known = set(self.networks(s)) | set(self.config(s))
            for p in dep["parameters"]:
                if p not in known:
                    out.append("dependency %s -> %s: %r is no network or configuration key of %s" % (
                        src, dst, p, src))
            prefix = s["type"] + "_"
            if not any(x.startswith(prefix) for x in self.scripts(self.vnfds[dst], "CONFIGURE")):
                out.append("%s: no CONFIGURE script %s* for its dependency on %s" % (dst, prefix, src))
        for name, d in self.vnfds.items():
            for sc in self.scripts(d, "CONFIGURE"):
                if not any(sc.startswith(self.vnfds[s]["type"] + "_") for s, _ in self.sources(name)
                           if s in self.vnfds):
                    out.append("%s: CONFIGURE script %s names no source of its dependencies" % (name, sc))
        try:
            self.start_order()
        except DescriptorError as e:
            out.append(str(e))
        return out

    def start_order(self):
        """VNF names, every source before its targets (OpenBaton's START order)."""
        order, seen = [], set()
        pending = list(self.vnfds)
        while pending:
            ready = [n for n in pending if all(s in seen for s, _ in self.sources(n))]
            if not ready:
                raise DescriptorError("dependency cycle among %s" % ", ".join(pending))
            for n in ready:
                order.append(n)
                seen.add(n)
                pending.remove(n)
        return order


def sh(*cmd, check=True, timeout=60, **kw):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, (p.stderr or p.stdout).strip()))
    return p


class Vim:
    """VMs as network namespaces; networks as veth pairs or bridges.
    subnets: network -> "A.B.C.0/24"; manager_net: the network the manager
    joins (its address is the subnet's first)."""

    def __init__(self, tag, subnets, manager_net):
        self.tag = tag
        self.subnets = {n: ipaddress.ip_network(s) for n, s in subnets.items()}
        self.manager_net = manager_net
        self.vms = {}           # vm name -> {"ns": netns, "addr": {network: ip}}
        self.links = []         # interfaces made in this namespace (deleted at the end)
        self.bridges = {}       # network -> bridge name
        self.taken = {n: {str(s.network_address + 1)} for n, s in self.subnets.items()}

    def ns(self, vm):
        return self.vms[vm]["ns"]

    def manager_address(self):
        return str(self.subnets[self.manager_net].network_address + 1)

    def _alloc(self, net, fixed):
        if fixed:
            if ipaddress.ip_address(fixed) not in self.subnets[net] or fixed in self.taken[net]:
                raise DescriptorError("fixedIp %s: not free in %s" % (fixed, self.subnets[net]))
            self.taken[net].add(fixed)
            return fixed
        for h in self.subnets[net].hosts():
            if str(h) not in self.taken[net] and int(h) & 0xFF >= 10:
                self.taken[net].add(str(h))
                return str(h)
        raise DescriptorError("network %s is full" % net)

    def create(self, vms):
        """vms: [(vm name, [(network, fixed ip or None)])]. Builds everything."""
        members = {}
        for i, (vm, cps) in enumerate(vms):
            ns = "vnfm%s-%s" % (self.tag, vm)
            sh("ip", "netns", "add", ns)
            self.vms[vm] = {"ns": ns, "addr": {}, "index": i}
            for cmd in (["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
                        ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
                        ["ip", "link", "set", "lo", "up"]):
                sh("ip", "netns", "exec", ns, *cmd)
            for net, fixed in cps:
                if net not in self.subnets:
                    raise DescriptorError("%s: the VIM has no network %r" % (vm, net))
                self.vms[vm]["addr"][net] = self._alloc(net, fixed)
                members.setdefault(net, []).append(vm)
        for k, (net, vms_on) in enumerate(sorted(members.items())):
            if len(vms_on) == 2 and net != self.manager_net:
                a, b = vms_on
                ta, tb = "vn%sa%d" % (self.tag, k), "vn%sb%d" % (self.tag, k)
                sh("ip", "link", "add", ta, "type", "veth", "peer", "name", tb)
                self._into(ta, a, net)
                self._into(tb, b, net)
                continue
            br = "vn%sbr%d" % (self.tag, k)
            sh("ip", "link", "add", br, "type", "bridge")
            self.links.append(br)
            self.bridges[net] = br
            if net == self.manager_net:
                sh("ip", "addr", "add", "%s/%d" % (self.manager_address(), self.subnets[net].prefixlen),
                   "dev", br)
            sh("ip", "link", "set", br, "up")
            for vm in vms_on:
                outer = "vn%sp%d%d" % (self.tag, k, self.vms[vm]["index"])
                inner = outer + "i"
                sh("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
                self.links.append(outer)
                sh("ip", "link", "set", outer, "master", br, "up")
                self._into(inner, vm, net)

    def _into(self, dev, vm, net):
        """Move dev into vm, name it after the network, give it the VM's address."""
        ns = self.ns(vm)
        sh("ip", "link", "set", dev, "netns", ns)
        sh("ip", "-n", ns, "link", "set", dev, "name", net)
        sh("ip", "-n", ns, "addr", "add", "%s/%d" % (self.vms[vm]["addr"][net], self.subnets[net].prefixlen),
           "dev", net)
        sh("ip", "-n", ns, "link", "set", net, "up")

    def delete(self):
        """Delete the VMs (their interfaces go with them) and the bridges."""
        for vm in list(self.vms.values()):
            subprocess.run(["ip", "netns", "del", vm["ns"]], capture_output=True)
        for dev in self.links:
            subprocess.run(["ip", "link", "del", dev], capture_output=True)
        self.vms = {}
        self.links = []

    def leftovers(self):
        """Interfaces and namespaces of this VIM that still exist."""
        links = sh("ip", "-o", "link", "show").stdout
        nss = sh("ip", "netns", "list").stdout
        return [l.split(":")[1].strip() for l in links.splitlines() if "vn%s" % self.tag in l] + \
            [l.split()[0] for l in nss.splitlines() if l.startswith("vnfm%s-" % self.tag)]


class Vnfm:
    """Runs the service's lifecycle. passthrough: environment given to every
    script as is (the test's VFWCL_* variables). log: [(event, vnf, script,
    the variables it got)] of every script run."""

    def __init__(self, desc, vim, passthrough, overrides=None):
        self.d = desc
        self.vim = vim
        self.passthrough = dict(passthrough)
        self.overrides = overrides or {}    # vnf -> {confKey: value}, as OpenBaton's launch body
        self.log = []

    def vm(self, vnf):
        return self.d.vnfds[vnf]["type"]

    def config(self, vnf):
        c = self.d.config(self.d.vnfds[vnf])
        c.update(self.overrides.get(vnf, {}))
        return c

    def own_env(self, vnf):
        env = dict(self.config(vnf))
        for net, ip in self.vim.vms[self.vm(vnf)]["addr"].items():
            env[net.replace("-", "_")] = ip
        env["hostname"] = self.vm(vnf)
        return env

    def dep_env(self, vnf, script):
        """The variables of the source whose type starts the CONFIGURE script's name."""
        for src, params in self.d.sources(vnf):
            t = self.d.vnfds[src]["type"]
            if script.startswith(t + "_"):
                senv = self.own_env(src)
                return {"%s_%s" % (t, p): senv[p] for p in params}
        raise DescriptorError("%s: CONFIGURE script %s matches no dependency" % (vnf, script))

    def run(self, event, vnf, script, extra=None):
        env = self.own_env(vnf)
        env.update(extra or {})
        self.log.append((event, vnf, script, sorted(env)))
        full = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        full.update(self.passthrough)
        full.update(env)
        p = subprocess.run(["ip", "netns", "exec", self.vim.ns(self.vm(vnf)),
                            os.path.join(self.d.scripts_dir, script)],
                           env=full, cwd=self.d.scripts_dir, capture_output=True, text=True, timeout=180)
        if p.returncode != 0:
            raise RuntimeError("%s %s %s: exit %d\n%s%s" % (event, vnf, script, p.returncode, p.stdout, p.stderr))

    def event(self, event, vnf):
        for script in self.d.scripts(self.d.vnfds[vnf], event):
            extra = self.dep_env(vnf, script) if event == "CONFIGURE" else None
            self.run(event, vnf, script, extra)

    def deploy(self):
        """Create the VMs, INSTANTIATE all, CONFIGURE and START in dependency order."""
        order = self.d.start_order()
        self.vim.create([(self.vm(n), [(cp["virtual_link_reference"], cp.get("fixedIp"))
                                       for vdu in self.d.vnfds[n]["vdu"] for vnfc in vdu["vnfc"]
                                       for cp in vnfc["connection_point"]]) for n in order])
        for n in order:
            self.event("INSTANTIATE", n)
        for n in order:
            self.event("CONFIGURE", n)
        for n in order:
            self.event("START", n)

    def stop(self):
        for n in reversed(self.d.start_order()):
            self.event("STOP", n)

    def terminate(self):
        for n in reversed(self.d.start_order()):
            self.event("TERMINATE", n)
        self.vim.delete()
