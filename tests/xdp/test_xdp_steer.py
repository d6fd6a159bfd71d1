#!/usr/bin/env python3
"""vsnk on net_af_xdp (copy mode, veth) with --xdp-steer: the data traffic
reaches vsnk, the kernel keeps ping, TCP and ARP on the same interface, the
program's counters appear in the stats JSON, and after SIGINT or SIGKILL no
XDP program stays attached and the kernel gets every packet again.

Root only; namespaces vfwclxdp-a (vsnk's side, the kernel's own address
10.199.0.1 on xa0) and vfwclxdp-b (the peer, 10.199.0.2 on xa1). Exit 77
(skipped), saying why, where namespaces, XDP or AF_XDP are unavailable."""
import json
import os
import signal
import subprocess

import vfwcl
import xdpnet

NS_A, NS_B = "vfwclxdp-a", "vfwclxdp-b"
IF_A, IF_B = "xa0", "xa1"
ADDR_A, ADDR_B = "10.199.0.1", "10.199.0.2"
DATA_PORT, TCP_PORT, MGMT_PORT = 8080, 2222, 8097
NB_DATA = 200
RULE = "udp dst %s port %d" % (ADDR_A, DATA_PORT)

net = None


def peer(what, *args):
    """An nshelper command run by the peer (ns B)."""
    return xdpnet.helper(NS_B, what, *args)


def cleanup():
    if net is not None:
        net.delete()


def setup():
    global net
    net = xdpnet.Net(NS_A, NS_B)
    net.veth(NS_A, IF_A, NS_B, IF_B)
    net.addr(NS_A, IF_A, ADDR_A + "/24")
    net.addr(NS_B, IF_B, ADDR_B + "/24")


def xdp_attached():
    return xdpnet.xdp_attached(NS_A, IF_A)


def start_vsnk(steer_obj, stats_file=None):
    args = ["--xdp-steer", RULE, "--mgmt", "127.0.0.1:%d" % MGMT_PORT]
    if stats_file:
        args += ["--stats-file", stats_file]
    return xdpnet.start(NS_A, "vsnk", [xdpnet.af_xdp_vdev(0, IF_A, steer_obj)], args, 1)


def check_kernel_keeps_mgmt(what):
    """ping and TCP to the kernel's own address on IF_A answer every time."""
    assert peer("ping", ADDR_A, 5, 0.5) == "5", "%s: ping to the kernel's address lost" % what
    assert peer("tcp-echo", ADDR_A, TCP_PORT, 5) == "5", \
        "%s: TCP to the kernel's listener failed" % what


def check_kernel_gets_data(what):
    """UDP to the data port reaches a kernel socket: nothing steers it away."""
    r = xdpnet.helper_proc(NS_A, "udp-recv", ADDR_A, DATA_PORT, 60, 20)
    try:
        r.wait_for(lambda: "bound" in r.output(), 30, "the kernel's UDP socket")
        peer("udp-send", ADDR_A, DATA_PORT, 20)
        assert r.wait(60) == 0
        n = int(r.output().split()[-1])
        assert n == 20, "%s: the kernel received %d of 20 UDP datagrams" % (what, n)
    finally:
        r.kill()


def check_bad_rule_exits_2():
    """A bad --xdp-steer exits 2 with one line naming it, before any port opens."""
    for bad in ("udp port 99999", "tcp dst 10.0.0.0/40", "vlan", "udp dst 2001:db8::/129 port 80",
                "icmp6 dst 10.0.0.1", "dst 2001:db8::zz"):
        p = vfwcl.run_to_exit("vsnk", ["--xdp-steer", bad])
        assert vfwcl.one_line_error(p, 2, "--xdp-steer", bad), "bad rule %r" % bad


def check_rules_need_our_program():
    """--xdp-steer on a net_af_xdp port without xdp_prog= (DPDK's default
    program): a one-line error naming the remedy, and nothing left attached."""
    vdev = "net_af_xdp0,iface=%s,force_copy=1" % IF_A
    cmd = xdpnet.in_ns(NS_A, vfwcl.binary("vsnk"), *vfwcl.eal_args([vdev])) + [
        "--", "--xdp-steer", RULE, "--duration", "5"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert vfwcl.one_line_error(p, 1, IF_A, "xdp_prog="), "vsnk without xdp_prog="
    assert xdp_attached() is None, "left attached: %s" % xdp_attached()


def main():
    check_bad_rule_exits_2()
    steer_obj = xdpnet.require_root_and_program()
    setup()
    server = xdpnet.helper_proc(NS_A, "tcp-echo-server", ADDR_A, TCP_PORT)
    try:
        server.wait_for(lambda: "listening" in server.output(), 30, "the TCP server")
        check_kernel_keeps_mgmt("before vsnk")
        check_rules_need_our_program()
        stats = os.path.join("/tmp", "vfwcl-xdp-stats-%d.json" % os.getpid())

        # 1. steering: data to vsnk, the rest to the kernel
        v = start_vsnk(steer_obj, stats)
        line = xdp_attached()
        assert line and "vfwcl_steer" in line, "no vfwcl_steer on %s: %r" % (IF_A, line)
        check_kernel_keeps_mgmt("with vsnk")
        peer("udp-send", ADDR_A, DATA_PORT, NB_DATA)
        check_kernel_keeps_mgmt("after the data")
        # every frame counted before the stop (a frame too many shows below)
        v.wait_for(lambda: vfwcl.port_stats(xdpnet.rest_json(NS_A, MGMT_PORT, "/api/v1/stats"),
                                            0)["rx_packets"] >= NB_DATA, 60, "the data in vsnk")
        assert v.stop(signal.SIGINT) == 0, v.output()[-3000:]
        with open(stats) as f:
            js = json.load(f)
        os.unlink(stats)
        port = vfwcl.port_stats(js, 0)
        xdp = port.get("xdp")
        assert xdp is not None, "no xdp section in the port's stats: %r" % port
        print("xdp counters:", xdp)
        assert xdp["redirected"] == NB_DATA, xdp
        assert xdp["rules"][0]["rule"] == "udp dst %s/32 port %d" % (ADDR_A, DATA_PORT), xdp
        assert xdp["rules"][0]["packets"] == NB_DATA, xdp
        assert xdp["no_socket"] == 0, xdp
        # 5 pings + 5 TCP connections of at least 3 segments each, before and after
        assert xdp["passed"] >= 2 * (5 + 5 * 3), xdp
        assert port["rx_packets"] == NB_DATA, port
        assert xdp_attached() is None, "XDP program left after SIGINT: %s" % xdp_attached()
        check_kernel_keeps_mgmt("after SIGINT")
        check_kernel_gets_data("after SIGINT")

        # 2. SIGKILL: the BPF link dies with the process
        v = start_vsnk(steer_obj)
        assert xdp_attached() is not None
        v.p.send_signal(signal.SIGKILL)
        v.wait(60)
        assert vfwcl.wait_for(lambda: xdp_attached() is None, 30), \
            "XDP program left after SIGKILL: %s" % xdp_attached()
        check_kernel_keeps_mgmt("after SIGKILL")
        check_kernel_gets_data("after SIGKILL")
        print("ok: steering, counters, and hand-back after SIGINT and SIGKILL")
        return 0
    finally:
        server.kill()


if __name__ == "__main__":
    xdpnet.run_main(main, cleanup)
