#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw on net_af_xdp ports with our XDP program (issue 15): the VNF shares
each interface with the kernel of its host.

  ns O (outside host)          ns F (vfw's host)                     ns P (protected host)
  192.168.10.1 on xo0 --veth-- xf0: vfw port 0 (192.168.10.100)
                               and the kernel's 192.168.10.200
                               xf1: vfw port 1 (192.168.20.100) --veth-- xp0 192.168.20.1
                               and the kernel's 192.168.20.200

vfw forwards the ONAP demo stream (UDP to 192.168.20.1:8080, allowed in by
its built-in policy) and an outbound TCP transfer, while a TCP server on each
of the kernel's addresses answers every connection and ping to them works,
from vfw's start to its stop. The program's counters add up on each port:
redirected + passed (+ no_socket, which must be 0) = what the veth peer
sent. After SIGINT nothing stays attached. Root only; exit 77 where the
kernel refuses namespaces, XDP or AF_XDP.

With the argument "default": no --xdp-steer, vfw's default data traffic
(its addresses and the subnets it routes out of the other port) must do
the same, the kernel's .200 addresses on the same interfaces staying out."""
import os
import signal
import sys
import tempfile

import vfwcl
import xdpnet

NS_O, NS_F, NS_P = "vfwclxv-o", "vfwclxv-f", "vfwclxv-p"
IF_O, IF_FA, IF_FB, IF_P = "xo0", "xf0", "xf1", "xp0"
OUT_HOST, PROT_HOST = "192.168.10.1", "192.168.20.1"
VFW_A, VFW_B = "192.168.10.100", "192.168.20.100"
KERN_A, KERN_B = "192.168.10.200", "192.168.20.200"
ECHO_PORT, SINK_PORT, DEMO_PORT, MGMT_PORT = 2222, 5001, 8080, 8099
NB_DEMO = 200
TCP_BYTES = 1 << 20
# The data traffic: what vfw forwards and its own addresses (their ARP too);
# the kernel's .200 addresses match none of these.
RULES = ["dst %s" % a for a in (PROT_HOST, OUT_HOST, VFW_A, VFW_B)]
# vfw's own description of its data traffic, port by port, with no rule
# vfw's addresses (its default IPv6 ones too) and the subnets it routes out of the other port
DEFAULT_RULES = [["dst %s/32" % VFW_A, "dst 2001:db8:10::100/128", "dst 192.168.20.0/24",
                  "dst 2001:db8:20::/64"],
                 ["dst %s/32" % VFW_B, "dst 2001:db8:20::100/128", "dst 192.168.10.0/24",
                  "dst 2001:db8:10::/64"]]
DEFAULT = sys.argv[1:] == ["default"]

net = None


def build():
    global net
    net = xdpnet.Net(NS_O, NS_F, NS_P)
    net.veth(NS_O, IF_O, NS_F, IF_FA)
    net.veth(NS_P, IF_P, NS_F, IF_FB)
    net.addr(NS_O, IF_O, OUT_HOST + "/24")
    net.addr(NS_P, IF_P, PROT_HOST + "/24")
    net.addr(NS_F, IF_FA, KERN_A + "/24")
    net.addr(NS_F, IF_FB, KERN_B + "/24")
    net.route(NS_O, "192.168.20.0/24", VFW_A)
    net.route(NS_P, "192.168.10.0/24", VFW_B)
    mac = {i: net.mac(ns, i) for ns, i in ((NS_O, IF_O), (NS_F, IF_FA), (NS_F, IF_FB), (NS_P, IF_P))}
    # no ARP at all: what reaches xf0/xf1 is what the test sends (counted below)
    for addr in (VFW_A, KERN_A):
        net.neigh(NS_O, IF_O, addr, mac[IF_FA])
    for addr in (VFW_B, KERN_B):
        net.neigh(NS_P, IF_P, addr, mac[IF_FB])
    net.neigh(NS_F, IF_FA, OUT_HOST, mac[IF_O])
    net.neigh(NS_F, IF_FB, PROT_HOST, mac[IF_P])
    return mac


def cleanup():
    if net is not None:
        net.delete()


def start_probe(ns, addr, stop):
    p = xdpnet.helper_proc(ns, "mgmt-probe", addr, ECHO_PORT, stop)
    p.wait_for(lambda: "round 1 " in p.output(), 60, "the first probe round to %s" % addr)
    return p


def rounds_done(p):
    return sum(1 for line in p.output().splitlines() if line.startswith("round "))


def demo_stream():
    """The ONAP demo stream: UDP from outside to the protected host's sink port."""
    got = xdpnet.udp_delivered(NS_P, NS_O, PROT_HOST, DEMO_PORT, NB_DEMO)
    assert got == NB_DEMO, "demo stream: %d of %d datagrams reached the protected host" % (
        got, NB_DEMO)


def outbound_tcp():
    """A TCP transfer from the protected host out, through the firewall."""
    sink = xdpnet.helper_proc(NS_O, "tcp-sink", OUT_HOST, SINK_PORT, 60)
    try:
        # the sink listens once its namespace's python runs; connect retries below cover the race
        sent = ""
        for _ in range(20):
            p = xdpnet.sh(*xdpnet.in_ns(NS_P, sys.executable, xdpnet.NSHELPER, "tcp-send",
                                        OUT_HOST, str(SINK_PORT), str(TCP_BYTES)),
                          check=False, timeout=120)
            sent = p.stdout.strip()
            if p.returncode == 0 or "refused" not in p.stderr:
                break
        assert sent == "sent %d" % TCP_BYTES, "tcp-send: %r" % sent
        assert sink.wait(90) == 0
        got = sink.output().split()[-1]
        assert got == str(TCP_BYTES), "outbound TCP: %s of %d bytes arrived" % (got, TCP_BYTES)
    finally:
        sink.kill()


def counters_add_up(tx0):
    """On each port, the program's verdicts = frames the veth peer sent since
    before vfw started (the stats over REST on F's loopback, which is not an
    interface under test). Waits for late frames (a last ACK) to be counted."""
    last = {}

    def check():
        js = xdpnet.rest_json(NS_F, MGMT_PORT, "/api/v1/stats")
        for idx, (ns, ifname) in enumerate(((NS_O, IF_O), (NS_P, IF_P))):
            xdp = vfwcl.port_stats(js, idx).get("xdp")
            assert xdp is not None, "no xdp section in port %d's stats: %r" % (idx, js)
            last[idx] = (xdp, net.tx_packets(ns, ifname) - tx0[idx])
        return all(xdpnet.xdp_total(x) == sent for x, sent in last.values())

    ok = vfwcl.wait_for(check, 60, 1)
    for idx, (xdp, sent) in last.items():
        print("port %d: peer sent %d, xdp %r" % (idx, sent, xdp))
    assert ok, "XDP verdicts do not add up to what the peers sent: %r" % last
    for idx, (xdp, sent) in last.items():
        if DEFAULT:
            assert xdpnet.rule_texts(xdp) == DEFAULT_RULES[idx], "port %d: %r" % (idx, xdp)
        assert xdp["no_socket"] == 0, "port %d: %r" % (idx, xdp)
        assert sum(r["packets"] for r in xdp["rules"]) == xdp["redirected"], xdp
        xdpnet.queues_add_up(xdp)
        assert xdp["passed"] > 0 and xdp["redirected"] > 0, "port %d: %r" % (idx, xdp)
    # the demo stream and the transfer's segments came in on port 0 and 1
    assert last[0][0]["redirected"] >= NB_DEMO, last[0]
    assert last[1][0]["redirected"] >= TCP_BYTES // 1500, last[1]


def main():
    steer = xdpnet.require_root_and_program()
    build()
    servers = [xdpnet.helper_proc(NS_F, "tcp-echo-server", a, ECHO_PORT) for a in (KERN_A, KERN_B)]
    stop = tempfile.mktemp(prefix="vfwcl-xdp-probe-")
    probes, vfw = [], None
    try:
        for s in servers:
            s.wait_for(lambda: "listening" in s.output(), 30, "the kernel's TCP server")
        tx0 = [net.tx_packets(NS_O, IF_O), net.tx_packets(NS_P, IF_P)]
        args = ["--mgmt", "127.0.0.1:%d" % MGMT_PORT, "--idle-sleep", "100",
                "--eth-peer", "0,%s" % net.mac(NS_O, IF_O), "--eth-peer", "1,%s" % net.mac(NS_P, IF_P)]
        for r in ([] if DEFAULT else RULES):
            args += ["--xdp-steer", r]
        vfw = xdpnet.start(NS_F, "vfw", [xdpnet.af_xdp_vdev(0, IF_FA, steer),
                                         xdpnet.af_xdp_vdev(1, IF_FB, steer)], args, 2)
        for ifname in (IF_FA, IF_FB):
            line = xdpnet.xdp_attached(NS_F, ifname)
            assert line and "vfwcl_steer" in line, "no vfwcl_steer on %s: %r" % (ifname, line)
        probes = [start_probe(NS_O, KERN_A, stop), start_probe(NS_P, KERN_B, stop)]

        demo_stream()
        outbound_tcp()
        # the kernel's services kept answering after the data too
        for p in probes:
            n = rounds_done(p)
            p.wait_for(lambda: rounds_done(p) >= n + 2, 120, "two more probe rounds")
        open(stop, "w").close()
        for p in probes:
            assert p.wait(60) == 0
            out = p.output()
            print(out.splitlines()[-1])
            assert "failed 0" in out.splitlines()[-1], "the kernel's ping/TCP failed:\n" + out
        counters_add_up(tx0)

        assert vfw.stop(signal.SIGINT) == 0, vfw.output()[-3000:]
        for ifname in (IF_FA, IF_FB):
            assert xdpnet.xdp_attached(NS_F, ifname) is None, \
                "XDP program left on %s after SIGINT" % ifname
        print("ok: vfw on AF_XDP forwards the demo stream and TCP; the kernel kept its "
              "ping and TCP; the XDP counters add up")
        return 0
    finally:
        for p in probes + servers + ([vfw] if vfw else []):
            p.kill()
        if os.path.exists(stop):
            os.unlink(stop)


if __name__ == "__main__":
    xdpnet.run_main(main, cleanup)
