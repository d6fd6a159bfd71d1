#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Small socket tools run inside the test namespaces (standard library only).

  tcp-sink ADDR PORT          accept one connection, print the bytes received
  tcp-send ADDR PORT N        connect, send N bytes, print "sent N" (exit 1 on failure)
  tcp-connect ADDR PORT SEC   try to connect: print "connected", "refused" or "timeout"
  udp-echo ADDR PORT SEC      echo datagrams back for SEC seconds
  udp-ask ADDR PORT SEC       send datagrams until one answer comes: print "answer" or "timeout"
  udp-recv ADDR PORT SEC [N]  print the number of datagrams received in SEC seconds (or once N came)
  udp-send ADDR PORT N        send N datagrams
  ping ADDR COUNT INTERVAL    ICMP/ICMPv6 echo (raw socket, root): print the replies received
  nd-solicit ADDR COUNT IF    send COUNT IPv6 neighbour solicitations for ADDR out of IF
                              (to its solicited-node group; raw socket, root)
  arp-requests IF SEC         ARP requests that came in on IF for SEC seconds: print
                              "broadcast N unicast M" (unicast: to IF's own MAC; root)
  tcp-echo-server ADDR PORT   echo the first message of every connection, until killed
  tcp-echo ADDR PORT N        N connections to a tcp-echo-server: print how many echoed
  mgmt-probe ADDR PORT STOP   rounds of one ping and one connection to a tcp-echo-server on
                              ADDR until the file STOP exists: "round N ok|FAIL what" per
                              round, then "rounds N failed M"
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from vfwcl import icmp_echo  # noqa: E402


def ping(addr, count, interval):
    v6 = ":" in addr
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                      socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = set()
    for seq in range(count):
        payload = b"vfw-ping" * 4
        if v6:  # the kernel fills the ICMPv6 checksum
            h = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
        else:
            h = icmp_echo(ident, seq, payload)
        s.sendto(h, (addr, 0))
        end = time.time() + interval
        while time.time() < end:
            s.settimeout(max(0.01, end - time.time()))
            try:
                d, _ = s.recvfrom(2048)
            except socket.timeout:
                break
            if not v6:
                d = d[(d[0] & 0xF) * 4:]  # IPv4 raw sockets include the IP header
            if d[0] == (129 if v6 else 0) and struct.unpack("!H", d[4:6])[0] == ident:
                got.add(struct.unpack("!H", d[6:8])[0])
    return len(got)


def nd_solicit(target, count, ifname):
    """count neighbour solicitations for target, to its solicited-node group."""
    t = socket.inet_pton(socket.AF_INET6, target)
    group = "ff02::1:ff%02x:%02x%02x" % (t[13], t[14], t[15])
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)  # ND wants 255
    # type, code, checksum (the kernel's), reserved, target
    msg = struct.pack("!BBHI", 135, 0, 0, 0) + t
    for _ in range(count):
        s.sendto(msg, (group, 0, 0, socket.if_nametoindex(ifname)))
        time.sleep(0.01)


def ping_once(addr, timeout):
    """One IPv4 echo request; whether its reply came within timeout seconds."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident, seq = os.getpid() & 0xFFFF, int(time.time()) & 0xFFFF
    s.sendto(icmp_echo(ident, seq, b"vfw-probe"), (addr, 0))
    end = time.time() + timeout
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d, src = s.recvfrom(2048)
        except socket.timeout:
            break
        d = d[(d[0] & 0xF) * 4:]
        if src[0] == addr and d[0] == 0 and struct.unpack("!HH", d[4:8]) == (ident, seq):
            return True
    return False


def tcp_echo_once(addr, port, n):
    """Connect, send a message, get it back: whether it came back whole."""
    try:
        with socket.create_connection((addr, port), timeout=10) as c:
            msg = b"probe%d" % n
            c.sendall(msg)
            return c.recv(64) == msg
    except OSError:
        return False


def mgmt_probe(addr, port, stop):
    rounds = failed = 0
    while not os.path.exists(stop):
        rounds += 1
        bad = [w for w, ok in (("ping", ping_once(addr, 5)),
                               ("tcp", tcp_echo_once(addr, port, rounds))) if not ok]
        failed += 1 if bad else 0
        print("round %d %s" % (rounds, "FAIL " + ",".join(bad) if bad else "ok"), flush=True)
        time.sleep(0.05)  # a probe, not a load
    print("rounds %d failed %d" % (rounds, failed), flush=True)


def tcp_echo_server(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        c.settimeout(10)
        try:
            c.sendall(c.recv(64))
        except OSError:
            pass
        c.close()


def arp_requests(ifname, seconds):
    """(broadcast, unicast to ifname's MAC) ARP requests received on ifname for seconds."""
    with open("/sys/class/net/%s/address" % ifname) as f:
        own = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
    s.bind((ifname, 0))
    bcast = uni = 0
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d, where = s.recvfrom(2048)
        except socket.timeout:
            break
        if where[2] == socket.PACKET_OUTGOING or len(d) < 42 or d[20:22] != b"\x00\x01":
            continue
        if d[:6] == b"\xff" * 6:
            bcast += 1
        elif d[:6] == own:
            uni += 1
    return bcast, uni


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def main(argv):
    cmd, addr, port = argv[1], argv[2], int(argv[3])
    if cmd == "ping":
        print(ping(addr, port, float(argv[4])), flush=True)
        return 0
    if cmd == "arp-requests":
        print("broadcast %d unicast %d" % arp_requests(addr, port), flush=True)
        return 0
    if cmd == "nd-solicit":
        nd_solicit(addr, port, argv[4])
        return 0
    if cmd == "mgmt-probe":
        mgmt_probe(addr, port, argv[4])
        return 0
    if cmd == "tcp-echo":
        print(sum(tcp_echo_once(addr, port, i) for i in range(int(argv[4]))), flush=True)
        return 0
    if cmd == "tcp-echo-server":
        tcp_echo_server(addr, port)
        return 0
    if cmd == "tcp-sink":
        s = socket.socket(fam(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(1)
        s.settimeout(float(argv[4]) if len(argv) > 4 else 30)
        c, _ = s.accept()
        c.settimeout(30)
        n = 0
        while True:
            d = c.recv(65536)
            if not d:
                break
            n += len(d)
        print(n, flush=True)
        return 0
    if cmd == "tcp-send":
        total = int(argv[4])
        s = socket.create_connection((addr, port), timeout=10)
        s.settimeout(30)
        buf = b"v" * 65536
        n = 0
        while n < total:
            n += s.send(buf[:min(len(buf), total - n)])
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        s.close()
        print("sent", n, flush=True)
        return 0
    if cmd == "tcp-connect":
        s = socket.socket(fam(addr), socket.SOCK_STREAM)
        s.settimeout(float(argv[4]))
        try:
            s.connect((addr, port))
            print("connected")
        except socket.timeout:
            print("timeout")
        except ConnectionRefusedError:
            print("refused")
        return 0
    if cmd == "udp-echo":
        s = socket.socket(fam(addr), socket.SOCK_DGRAM)
        s.bind((addr, port))
        end = time.time() + float(argv[4])
        while time.time() < end:
            s.settimeout(max(0.01, end - time.time()))
            try:
                d, peer = s.recvfrom(2048)
                s.sendto(d, peer)
            except socket.timeout:
                pass
        return 0
    if cmd == "udp-ask":
        s = socket.socket(fam(addr), socket.SOCK_DGRAM)
        s.settimeout(0.3)
        end = time.time() + float(argv[4])
        while time.time() < end:
            s.sendto(b"hello", (addr, port))
            try:
                s.recvfrom(2048)
                print("answer")
                return 0
            except socket.timeout:
                pass
        print("timeout")
        return 0
    if cmd == "udp-recv":
        s = socket.socket(fam(addr), socket.SOCK_DGRAM)
        s.bind((addr, port))
        end = time.time() + float(argv[4])
        want = int(argv[5]) if len(argv) > 5 else None
        print("bound", file=sys.stderr, flush=True)  # the count alone on stdout
        n = 0
        while time.time() < end and n != want:
            s.settimeout(max(0.01, end - time.time()))
            try:
                s.recvfrom(2048)
                n += 1
            except socket.timeout:
                pass
        print(n, flush=True)
        return 0
    if cmd == "udp-send":
        s = socket.socket(fam(addr), socket.SOCK_DGRAM)
        for _ in range(int(argv[4])):
            s.sendto(b"x" * 18, (addr, port))
            time.sleep(0.01)
        return 0
    print("unknown command", cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
