#!/usr/bin/env python3
"""IPv6 steering rules: vsnk on net_af_xdp (copy mode, veth) with
--xdp-steer "udp dst 2001:db8:1::/64 port 8080" and "dst 2001:db8:9::100"
(the VNF's own IPv6 address). The peer's UDP to the prefix, its neighbour
solicitations for the VNF's address (sent to a multicast group: matched by
their target) and its pings to that address are steered to vsnk, counted
exactly per rule, while the kernel keeps its own IPv6 address on the same
interface: its neighbour discovery and its ping answer.

Root only; namespaces vfwclx6-a (vsnk's side, the kernel's 2001:db8:9::1 on
x6a) and vfwclx6-b (the peer, 2001:db8:9::2 on x6b). Exit 77 (skipped),
saying why, where namespaces, XDP or AF_XDP are unavailable."""
import signal

import vfwcl
import xdpnet

NS_A, NS_B = "vfwclx6-a", "vfwclx6-b"
IF_A, IF_B = "x6a", "x6b"
KERN_A, PEER_B, VNF = "2001:db8:9::1", "2001:db8:9::2", "2001:db8:9::100"
DATA_NET, DATA_HOST, DATA_PORT = "2001:db8:1::/64", "2001:db8:1::5", 8080
MGMT_PORT = 8096
RULES = ["udp dst %s port %d" % (DATA_NET, DATA_PORT), "dst " + VNF]
RULE_TEXTS = [RULES[0], "dst %s/128" % VNF]
NB_UDP, NB_NS, NB_PING = 50, 7, 5

net = None


def cleanup():
    if net is not None:
        net.delete()


def enable_ipv6(ns, ifname, cidr):
    """xdpnet.Net turns IPv6 off: on again for ifname only, no DAD (no wait)."""
    for key in ("all", ifname):
        xdpnet.sh(*xdpnet.in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % key))
        xdpnet.sh(*xdpnet.in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % key))
    xdpnet.sh(*xdpnet.in_ns(ns, "ip", "-6", "addr", "add", cidr, "dev", ifname, "nodad"))


def setup():
    global net
    net = xdpnet.Net(NS_A, NS_B)
    net.veth(NS_A, IF_A, NS_B, IF_B)
    enable_ipv6(NS_A, IF_A, KERN_A + "/64")
    enable_ipv6(NS_B, IF_B, PEER_B + "/64")
    # B reaches the data prefix through the VNF, whose MAC it knows (no ND for it
    # but the solicitations the test sends itself)
    net.neigh(NS_B, IF_B, VNF, net.mac(NS_A, IF_A))
    xdpnet.sh(*xdpnet.in_ns(NS_B, "ip", "-6", "route", "add", DATA_NET, "via", VNF))


def kernel_keeps_its_address(what):
    """B resolves the kernel's address by ND (passed: not the VNF's target) and pings it."""
    xdpnet.sh(*xdpnet.in_ns(NS_B, "ip", "-6", "neigh", "flush", "dev", IF_B, "nud", "all"),
              check=False)
    net.neigh(NS_B, IF_B, VNF, net.mac(NS_A, IF_A))
    got = xdpnet.helper(NS_B, "ping", KERN_A, 5, 0.5)
    assert got == "5", "%s: %s of 5 pings to the kernel's IPv6 address answered" % (what, got)


def main():
    steer_obj = xdpnet.require_root_and_program()
    setup()
    v = None
    try:
        kernel_keeps_its_address("before vsnk")
        args = ["--mgmt", "127.0.0.1:%d" % MGMT_PORT, "--idle-sleep", "100"]
        for r in RULES:
            args += ["--xdp-steer", r]
        v = xdpnet.start(NS_A, "vsnk", [xdpnet.af_xdp_vdev(0, IF_A, steer_obj)], args, 1)
        kernel_keeps_its_address("with vsnk")
        xdpnet.helper(NS_B, "udp-send", DATA_HOST, DATA_PORT, NB_UDP)
        xdpnet.helper(NS_B, "nd-solicit", VNF, NB_NS, IF_B)
        # nobody answers the VNF's pings here: each is one frame, counted
        assert xdpnet.helper(NS_B, "ping", VNF, NB_PING, 0.2) == "0"
        kernel_keeps_its_address("after the data")
        want = [NB_UDP, NB_NS + NB_PING]
        seen = {}

        def counted():
            xdp = vfwcl.port_stats(xdpnet.rest_json(NS_A, MGMT_PORT, "/api/v1/stats"), 0)["xdp"]
            seen["xdp"] = xdp
            return [r["packets"] for r in xdp["rules"]] == want
        vfwcl.wait_for(counted, 30, 0.5)
        xdp = seen["xdp"]
        print("xdp counters:", xdp)
        assert xdpnet.rule_texts(xdp) == RULE_TEXTS, xdp
        assert [r["packets"] for r in xdp["rules"]] == want, "per rule %r, want %r" % (
            [r["packets"] for r in xdp["rules"]], want)
        assert xdp["redirected"] == sum(want) and xdp["no_socket"] == 0, xdp
        # the kernel's: the 2 x 5 echo requests to its address while vsnk ran, and its ND
        assert xdp["passed"] >= 2 * 5, xdp
        assert v.stop(signal.SIGINT) == 0, v.output()[-3000:]
        assert xdpnet.xdp_attached(NS_A, IF_A) is None, "XDP program left after SIGINT"
        print("ok: IPv6 data, ND and ping for the VNF's address steered (counted exactly), "
              "the kernel kept its IPv6 address")
        return 0
    finally:
        if v is not None:
            v.kill()


if __name__ == "__main__":
    xdpnet.run_main(main, cleanup)
