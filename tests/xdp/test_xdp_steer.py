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
import sys
import time

import vfwcl

NS_A, NS_B = "vfwclxdp-a", "vfwclxdp-b"
IF_A, IF_B = "xa0", "xa1"
ADDR_A, ADDR_B = "10.199.0.1", "10.199.0.2"
DATA_PORT, TCP_PORT = 8080, 2222
NB_DATA = 200
RULE = "udp dst %s port %d" % (ADDR_A, DATA_PORT)
SKIP = 77

# Run in a namespace: python code with the arguments as sys.argv[1:] (vfwcl
# found where this test found it).
PEER_CODE = "import sys\nsys.path.insert(0, %r)\n" % os.path.dirname(vfwcl.__file__) + r'''
import socket, struct, os
import vfwcl
what, addr = sys.argv[1], sys.argv[2]
if what == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(int(sys.argv[4])):
        s.sendto(b"data%06d" % i, (addr, int(sys.argv[3])))
elif what == "ping":
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(5)
    got = 0
    for seq in range(int(sys.argv[3])):
        body = vfwcl.icmp_echo(os.getpid() & 0xffff, seq, b"vfwcl")
        s.sendto(body, (addr, 0))
        while True:
            pkt, src = s.recvfrom(2048)
            ihl = (pkt[0] & 15) * 4
            if src[0] == addr and pkt[ihl] == 0 and struct.unpack("!H", pkt[ihl+6:ihl+8])[0] == seq:
                got += 1
                break
    print(got)
elif what == "tcp":
    got = 0
    for i in range(int(sys.argv[4])):
        c = socket.create_connection((addr, int(sys.argv[3])), timeout=10)
        c.sendall(b"hello%d" % i)
        if c.recv(64) == b"hello%d" % i:
            got += 1
        c.close()
    print(got)
'''

# TCP echo server (stands in for SSH) on the kernel's own address.
SERVER_CODE = r'''
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept(); c.settimeout(10)
    try:
        c.sendall(c.recv(64))
    except OSError:
        pass
    c.close()
'''

# UDP receiver in the kernel: counts datagrams until a quiet second.
UDP_RECV_CODE = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2]))); s.settimeout(float(sys.argv[3]))
print("bound", flush=True)
n = 0
try:
    while True:
        s.recv(2048); n += 1; s.settimeout(2)
except socket.timeout:
    pass
print(n, flush=True)
'''


def sh(*cmd, check=True):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns] + list(cmd)


def peer(what, *args):
    p = sh(*in_ns(NS_B, sys.executable, "-c", PEER_CODE, what, ADDR_A, *map(str, args)))
    return p.stdout.strip()


def cleanup():
    for ns in (NS_A, NS_B):
        sh("ip", "netns", "del", ns, check=False)


def setup():
    cleanup()
    sh("ip", "netns", "add", NS_A)
    sh("ip", "netns", "add", NS_B)
    sh("ip", "link", "add", IF_A, "netns", NS_A, "type", "veth", "peer", "name", IF_B,
       "netns", NS_B)
    for ns, ifname, addr in ((NS_A, IF_A, ADDR_A), (NS_B, IF_B, ADDR_B)):
        sh(*in_ns(ns, "ip", "addr", "add", addr + "/24", "dev", ifname))
        sh(*in_ns(ns, "ip", "link", "set", ifname, "up"))
        sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))
    # full checksums from the peer (veth would leave them to an offload)
    sh(*in_ns(NS_B, "ethtool", "-K", IF_B, "tx", "off"), check=False)


def xdp_attached():
    """The XDP program on IF_A as 'ip link' shows it, or None."""
    out = sh(*in_ns(NS_A, "ip", "-d", "link", "show", IF_A)).stdout
    for line in out.splitlines():
        if "prog/xdp" in line:
            return line.strip()
    return None


def start_vsnk(steer_obj, stats_file=None):
    vdev = "net_af_xdp0,iface=%s,force_copy=1,xdp_prog=%s" % (IF_A, steer_obj)
    cmd = in_ns(NS_A, vfwcl.binary("vsnk"), *vfwcl.eal_args([vdev])) + ["--", "--xdp-steer", RULE]
    if stats_file:
        cmd += ["--stats-file", stats_file]
    p = vfwcl.Proc(cmd)
    ok = vfwcl.wait_for(lambda: "XDP steering on" in p.output() or not p.running(), 60)
    if not ok or not p.running():
        out = p.output()
        p.kill()
        if any(s in out for s in ("AF_XDP", "af_xdp", "xsk", "XDP")):
            print("SKIP: vsnk could not open net_af_xdp with our XDP program here:\n" + out[-1500:])
            cleanup()
            sys.exit(SKIP)
        raise AssertionError("vsnk did not start:\n" + out[-3000:])
    return p


def check_kernel_keeps_mgmt(what):
    """ping and TCP to the kernel's own address on IF_A answer every time."""
    assert peer("ping", 5) == "5", "%s: ping to the kernel's address lost" % what
    assert peer("tcp", TCP_PORT, 5) == "5", "%s: TCP to the kernel's listener failed" % what


def check_kernel_gets_data(what):
    """UDP to the data port reaches a kernel socket: nothing steers it away."""
    r = vfwcl.Proc(in_ns(NS_A, sys.executable, "-c", UDP_RECV_CODE, ADDR_A, str(DATA_PORT), "30"))
    try:
        r.wait_for(lambda: "bound" in r.output(), 30, "the kernel's UDP socket")
        peer("udp", DATA_PORT, 20)
        assert r.wait(60) == 0
        n = int(r.output().split()[-1])
        assert n == 20, "%s: the kernel received %d of 20 UDP datagrams" % (what, n)
    finally:
        r.kill()


def check_bad_rule_exits_2():
    """A bad --xdp-steer exits 2 with one line naming it, before any port opens."""
    for bad in ("udp port 99999", "tcp dst 10.0.0.0/40", "vlan"):
        p = vfwcl.run_to_exit("vsnk", ["--xdp-steer", bad])
        assert vfwcl.one_line_error(p, 2, "--xdp-steer", bad), "bad rule %r" % bad


def check_rules_need_our_program():
    """--xdp-steer on a net_af_xdp port without xdp_prog= (DPDK's default
    program): a one-line error naming the remedy, and nothing left attached."""
    vdev = "net_af_xdp0,iface=%s,force_copy=1" % IF_A
    cmd = in_ns(NS_A, vfwcl.binary("vsnk"), *vfwcl.eal_args([vdev])) + [
        "--", "--xdp-steer", RULE, "--duration", "5"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert vfwcl.one_line_error(p, 1, IF_A, "xdp_prog="), "vsnk without xdp_prog="
    assert xdp_attached() is None, "left attached: %s" % xdp_attached()


def main():
    check_bad_rule_exits_2()
    if os.geteuid() != 0:
        print("SKIP: needs root (namespaces, XDP)")
        return SKIP
    steer_obj = os.path.join(vfwcl.build_dir(), "dataplane", "vfwcl_steer.bpf.o")
    if not os.path.exists(steer_obj):
        print("SKIP: built without XDP (-Dxdp: clang or libbpf missing): no " + steer_obj)
        return SKIP
    try:
        setup()
    except AssertionError as e:
        print("SKIP: cannot create namespaces and a veth pair: %s" % e)
        cleanup()
        return SKIP
    server = vfwcl.Proc(in_ns(NS_A, sys.executable, "-c", SERVER_CODE, ADDR_A, str(TCP_PORT)))
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
        peer("udp", DATA_PORT, NB_DATA)
        check_kernel_keeps_mgmt("after the data")
        time.sleep(1)   # let the worker drain its ring (counts are exact below)
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
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
