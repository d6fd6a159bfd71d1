# SPDX-License-Identifier: BSD-3-Clause
"""Namespaces, veth pairs and AF_XDP processes for the tests of suite xdp.

Every test here is root only and exits 77 (SKIP) saying why where the
kernel refuses namespaces, XDP or AF_XDP. The socket tools that run inside
the namespaces are tests/vfw/nshelper.py (helper())."""
import json
import os
import subprocess
import sys

import vfwcl

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
NSHELPER = os.path.join(HERE, "..", "vfw", "nshelper.py")
# DPDK's messages when net_af_xdp cannot open its socket or program
AF_XDP_WORDS = ("AF_XDP", "af_xdp", "xsk", "XDP")


class Skip(Exception):
    """The kernel or the machine refuses what the test needs: exit 77."""


def sh(*cmd, check=True, timeout=60):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns] + list(cmd)


def helper(ns, *args, timeout=120):
    """Run an nshelper.py command in ns; its stdout, stripped."""
    return sh(*in_ns(ns, sys.executable, NSHELPER, *map(str, args)), timeout=timeout).stdout.strip()


def helper_proc(ns, *args):
    """An nshelper.py command in the background (vfwcl.Proc)."""
    return helper_proc_path(ns, NSHELPER, *args)


def helper_proc_path(ns, script, *args):
    """Another standard-library script of the tests in the background in ns (vfwcl.Proc)."""
    return vfwcl.Proc(in_ns(ns, sys.executable, script, *map(str, args)))


def udp_delivered(ns_recv, ns_send, addr, port, n):
    """Send n UDP datagrams from ns_send to addr:port, received by a socket in
    ns_recv; returns how many arrived (the receiver waits up to 120 s)."""
    recv = helper_proc(ns_recv, "udp-recv", addr, port, 120, n)
    try:
        recv.wait_for(lambda: "bound" in recv.output(), 30, "the receiving socket")
        helper(ns_send, "udp-send", addr, port, n)
        assert recv.wait(150) == 0
        return int(recv.output().split()[-1])
    finally:
        recv.kill()


def require_root_and_program():
    """The path of our XDP object; Skip without root or without an XDP build."""
    if os.geteuid() != 0:
        raise Skip("needs root (namespaces, XDP)")
    obj = os.path.join(vfwcl.build_dir(), "dataplane", "vfwcl_steer.bpf.o")
    if not os.path.exists(obj):
        raise Skip("built without XDP (-Dxdp: clang or libbpf missing): no " + obj)
    return obj


class Net:
    """Namespaces joined by veth pairs; delete() removes them all.

    Interfaces are quiet: no IPv6 (no router or neighbour solicitations, no
    MLD), no offloads (full checksums and no GSO frames from the kernel), and
    static neighbour entries where the test sets them, so an interface
    receives only what the test sends (its counters can be compared)."""

    def __init__(self, *names):
        self.names = list(names)
        self.delete()
        try:
            for ns in self.names:
                sh("ip", "netns", "add", ns)
                sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))
                sh(*in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                          "net.ipv6.conf.default.disable_ipv6=1"))
        except (AssertionError, OSError, subprocess.TimeoutExpired) as e:
            self.delete()
            raise Skip("cannot create network namespaces: %s" % e)

    def veth(self, ns_a, if_a, ns_b, if_b):
        """A veth pair if_a (in ns_a) <-> if_b (in ns_b), up, without offloads."""
        try:
            sh("ip", "link", "add", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b,
               "netns", ns_b)
        except AssertionError as e:
            raise Skip("cannot create a veth pair: %s" % e)
        for ns, ifname in ((ns_a, if_a), (ns_b, if_b)):
            sh(*in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % ifname), check=False)
            sh(*in_ns(ns, "ethtool", "-K", ifname, "tx", "off", "rx", "off", "tso", "off", "gso",
                      "off", "gro", "off"), check=False)
            sh(*in_ns(ns, "ip", "link", "set", ifname, "up"))

    def addr(self, ns, ifname, cidr):
        sh(*in_ns(ns, "ip", "addr", "add", cidr, "dev", ifname))

    def route(self, ns, prefix, via):
        sh(*in_ns(ns, "ip", "route", "add", prefix, "via", via))

    def neigh(self, ns, ifname, addr, lladdr):
        """A permanent neighbour entry: the kernel sends no ARP for addr."""
        sh(*in_ns(ns, "ip", "neigh", "replace", addr, "lladdr", lladdr, "dev", ifname,
                  "nud", "permanent"))

    def link(self, ns, ifname):
        """ip -j -s -d link show of ifname in ns (a dict)."""
        return json.loads(sh(*in_ns(ns, "ip", "-j", "-s", "-d", "link", "show", ifname)).stdout)[0]

    def mac(self, ns, ifname):
        return self.link(ns, ifname)["address"]

    def tx_packets(self, ns, ifname):
        return self.link(ns, ifname)["stats64"]["tx"]["packets"]

    def delete(self):
        for ns in self.names:
            sh("ip", "netns", "del", ns, check=False)


def xdp_attached(ns, ifname):
    """The XDP program on ifname as 'ip link' shows it, or None."""
    out = sh(*in_ns(ns, "ip", "-d", "link", "show", ifname)).stdout
    for line in out.splitlines():
        if "prog/xdp" in line:
            return line.strip()
    return None


def af_xdp_vdev(idx, ifname, steer_obj):
    """A net_af_xdp port on ifname with our program (copy mode: veth has no zero-copy)."""
    return "net_af_xdp%d,iface=%s,force_copy=1,xdp_prog=%s" % (idx, ifname, steer_obj)


# what a binary prints once a port's rules are in its program
STEERING_ON = "XDP steering on"
DEFAULT_ON = "XDP data traffic (no --xdp-steer)"


def start(ns, name, vdevs, args, nb_xdp_ports, lcores="0-1"):
    """Start binary name in ns on vdevs; wait until each of its nb_xdp_ports
    net_af_xdp ports has its rules (--xdp-steer's, else the binary's default
    data traffic). Skip where AF_XDP is refused."""
    cmd = in_ns(ns, vfwcl.binary(name), *vfwcl.eal_args(vdevs, lcores=lcores)) + ["--"] + list(args)
    ready = STEERING_ON if "--xdp-steer" in args else DEFAULT_ON
    p = vfwcl.Proc(cmd)
    ok = vfwcl.wait_for(lambda: p.output().count(ready) >= nb_xdp_ports or not p.running(), 90)
    if ok and p.running():
        return p
    out = p.output()
    p.kill()
    if not p.running() and any(w in out for w in AF_XDP_WORDS) and "steering on" not in out:
        raise Skip("%s could not open net_af_xdp with our XDP program here:\n%s" % (
            name, out[-1500:]))
    raise AssertionError("%s did not start:\n%s" % (name, out[-3000:]))


def rest_get(ns, port, path):
    """GET http://127.0.0.1:PORT/PATH from inside ns (over its loopback, so
    nothing of it crosses the interfaces under test); the body as text."""
    code = ("import sys, urllib.request; "
            "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=20).read().decode())")
    return sh(*in_ns(ns, sys.executable, "-c", code, "http://127.0.0.1:%d%s" % (port, path))).stdout


def rest_json(ns, port, path):
    return json.loads(rest_get(ns, port, path))


def rule_texts(xdp):
    """The rules of a port's xdp stats section, as text."""
    return [r["rule"] for r in xdp["rules"]]


def xdp_total(xdp):
    """Every packet the program saw: its three verdicts."""
    return xdp["redirected"] + xdp["passed"] + xdp["no_socket"]


VERDICTS = ("redirected", "passed", "no_socket")


def queues_add_up(xdp, queues=(0,)):
    """The per-queue verdicts of a port's xdp section sum to its totals, and
    only the rx queues in queues saw frames (a veth has queue 0 only)."""
    seen = sorted(q["queue"] for q in xdp["queues"])
    assert seen and set(seen) <= set(queues), "queues %s, expected within %s: %r" % (
        seen, list(queues), xdp)
    for v in VERDICTS:
        assert sum(q[v] for q in xdp["queues"]) == xdp[v], "%s per queue != total: %r" % (v, xdp)


def run_main(main, cleanup):
    """sys.exit(main()), turning Skip into exit 77 with its reason; cleanup() always."""
    try:
        rc = main()
    except Skip as e:
        print("SKIP:", e)
        rc = SKIP
    finally:
        cleanup()
    sys.exit(rc)

