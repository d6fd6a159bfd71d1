# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the vfw tests: frames the firewall sees, the frames it should
send, and a scenario runner that feeds two net_pcap ports with an exact
global packet order and checks a verdict for every packet.

Ordering: vfw runs with --burst 1 and one worker, which polls port 0 then
port 1 in every loop, one packet each. A global sequence of (port, frame)
is laid out in two rx files, with filler frames (unicast to a foreign MAC,
counted not_for_us) where a port has nothing to send in a loop.
"""
import os
import struct
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vfwcl as v  # noqa: E402
from vfwcl import icmp6_msg  # noqa: E402 (the scenarios call t.icmp6_msg)

MAC = ["02:70:63:61:70:00", "02:70:63:61:70:01"]   # net_pcap0/1 (the driver's fixed MACs)
PEER = ["02:00:00:00:00:01", "02:00:00:00:00:02"]  # --eth-peer, and the hosts' MACs
FILLER_MAC = "02:00:00:00:ff:ff"
FW4 = ["192.168.10.100", "192.168.20.100"]
FW6 = ["2001:db8:10::100", "2001:db8:20::100"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES_DIR = os.path.join(ROOT, "vfw", "rules")

TCP_F = dict(FIN=0x01, SYN=0x02, RST=0x04, PSH=0x08, ACK=0x10, URG=0x20)


def flags(s):
    if isinstance(s, int):
        return s
    f = 0
    for n in s.split("|"):
        f |= TCP_F[n]
    return f

# ------------------------------------------------------------ frames


def e(src_port_side, ethertype=0x0800, dst=None, src=None):
    """Ethernet header of a frame a host on side 0/1 sends to the firewall."""
    return v.eth(dst=dst or MAC[src_port_side], src=src or PEER[src_port_side], ethertype=ethertype)


def udp4(side, src, dst, sport, dport, payload=b"p" * 18, ttl=64, **kw):
    return e(side) + v.ipv4(src, dst, 17, v.udp(sport, dport, payload, src, dst), ttl=ttl, **kw)


# The next sequence number of each TCP sender (src, sport, dst, dport), so that
# segments written with flags alone carry the seq and ack numbers a real stack
# would (vfw checks them against its windows).
TCP_NEXT = {}


def tcp_seq_ack(src, dst, sport, dport, fl, payload=b"", seq=None, ack=None):
    """seq and ack of this segment: the model's unless given (a given seq leaves
    the model alone). A SYN starts its sender's stream at a fixed ISN."""
    me, peer, f = (src, sport, dst, dport), (dst, dport, src, sport), flags(fl)
    if seq is None:
        if f & TCP_F["SYN"]:
            seq = zlib.crc32(repr(me).encode()) | 0x80000000
        else:
            seq = TCP_NEXT.get(me, 1)
        TCP_NEXT[me] = (seq + len(payload) + (f & (TCP_F["SYN"] | TCP_F["FIN"]) != 0)) & 0xFFFFFFFF
    if ack is None:
        ack = TCP_NEXT.get(peer, 0) if f & TCP_F["ACK"] else 0
    return seq, ack


def tcp4(side, src, dst, sport, dport, fl, payload=b"", ttl=64, seq=None, ack=None, window=65535,
         **kw):
    seq, ack = tcp_seq_ack(src, dst, sport, dport, fl, payload, seq, ack)
    return v.pad60(e(side) + v.ipv4(src, dst, 6, v.tcp(sport, dport, payload, flags(fl), seq=seq,
                                                       ack=ack, src=src, dst=dst, window=window),
                                    ttl=ttl, **kw))


def icmp4(side, src, dst, typ, code=0, body=b"\0\0\0\0", ttl=64):
    return v.pad60(e(side) + v.ipv4(src, dst, 1, v.icmp_msg(typ, code, body), ttl=ttl))


def echo4(side, src, dst, ident, seq, reply=False, ttl=64):
    return v.pad60(e(side) + v.ipv4(src, dst, 1, v.icmp_echo(ident, seq, b"ping" * 4, reply),
                                    ttl=ttl))


def udp6(side, src, dst, sport, dport, payload=b"p" * 18, hlim=64):
    return e(side, 0x86DD) + v.ipv6(src, dst, 17, v.udp(sport, dport, payload, src, dst, v6=True),
                                    hlim=hlim)


def tcp6(side, src, dst, sport, dport, fl, hlim=64, payload=b"", seq=None, ack=None):
    seq, ack = tcp_seq_ack(src, dst, sport, dport, fl, payload, seq, ack)
    return e(side, 0x86DD) + v.ipv6(src, dst, 6, v.tcp(sport, dport, payload, flags(fl), seq=seq,
                                                      ack=ack, src=src, dst=dst, v6=True),
                                    hlim=hlim)


def echo6(side, src, dst, ident, seq, reply=False, hlim=64, dst_mac=None):
    body = struct.pack("!HH", ident, seq) + b"ping" * 4
    return e(side, 0x86DD, dst=dst_mac) + v.ipv6(src, dst, 58,
                                                 icmp6_msg(src, dst, 129 if reply else 128, 0, body),
                                                 hlim=hlim)


def solicited(addr):
    b = v.ip6(addr)
    return v.socket.inet_ntop(v.socket.AF_INET6, bytes.fromhex("ff0200000000000000000001ff") + b[13:])


def ns6(side, src, target, mac):
    dst = solicited(target)
    mcast = "33:33:" + ":".join("%02x" % x for x in v.ip6(dst)[12:])
    body = b"\0\0\0\0" + v.ip6(target) + bytes([1, 1]) + v.mac(mac)
    return e(side, 0x86DD, dst=mcast, src=mac) + v.ipv6(src, dst, 58, icmp6_msg(src, dst, 135, 0, body),
                                                        hlim=255)


def na6_expected(side, ns_src, target, ns_mac):
    body = bytes([0xE0, 0, 0, 0]) + v.ip6(target) + bytes([2, 1]) + v.mac(MAC[side])
    return v.eth(dst=ns_mac, src=MAC[side], ethertype=0x86DD) + \
        v.ipv6(target, ns_src, 58, icmp6_msg(target, ns_src, 136, 0, body), hlim=255)


def arp_req(side, spa, tpa, sha=None):
    sha = sha or PEER[side]
    return v.pad60(v.eth(dst="ff:ff:ff:ff:ff:ff", src=sha, ethertype=0x0806) +
                   v.arp(1, sha, spa, "00:00:00:00:00:00", tpa))


def arp_reply_expected(side, req):
    sha = req[22:28]
    spa = req[28:32]
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + v.mac(MAC[side]) + v.ip4(FW4[side]) + sha + spa
    return req[6:12] + v.mac(MAC[side]) + b"\x08\x06" + body + req[14 + 28:]


def arp_request_expected(side, tpa):
    return v.pad60(v.eth(dst="ff:ff:ff:ff:ff:ff", src=MAC[side], ethertype=0x0806) +
                   v.arp(1, MAC[side], FW4[side], "00:00:00:00:00:00", tpa))


def filler(side):
    return v.pad60(v.eth(dst=FILLER_MAC, src=PEER[side], ethertype=0x88B5))


def set_ipv4_field(frame, off, data):
    """Patch bytes of the IPv4 header (offset from the IP header) keeping the checksum right."""
    f = bytearray(frame)
    f[14 + off:14 + off + len(data)] = data
    ihl = (f[14] & 0xF) * 4
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", v.csum(bytes(f[14:14 + ihl])))
    return bytes(f)

# ------------------------------------------------------------ expected output


def forwarded(frame, out):
    """The frame as vfw sends it out of port out: MACs rewritten, TTL / hop limit - 1."""
    f = bytearray(frame)
    f[0:6] = v.mac(PEER[out])
    f[6:12] = v.mac(MAC[out])
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x0800:
        f[22] -= 1
        f[24:26] = b"\0\0"
        ihl = (f[14] & 0xF) * 4
        f[24:26] = struct.pack("!H", v.csum(bytes(f[14:14 + ihl])))
    else:
        f[21] -= 1
    return bytes(f)


def echo4_reply_expected(req, side):
    f = bytearray(req)
    f[0:6], f[6:12] = req[6:12], v.mac(MAC[side])
    f[22] = 64
    f[26:30], f[30:34] = req[30:34], req[26:30]
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", v.csum(bytes(f[14:34])))
    tot = struct.unpack("!H", f[16:18])[0]
    f[34] = 0
    f[36:38] = b"\0\0"
    f[36:38] = struct.pack("!H", v.csum(bytes(f[34:14 + tot])))
    return bytes(f)


def echo6_reply_expected(req, side):
    src = v.socket.inet_ntop(v.socket.AF_INET6, req[22:38])
    dst = v.socket.inet_ntop(v.socket.AF_INET6, req[38:54])
    plen = struct.unpack("!H", req[18:20])[0]
    body = req[54 + 4:54 + plen]
    return v.eth(dst=":".join("%02x" % x for x in req[6:12]), src=MAC[side], ethertype=0x86DD) + \
        v.ipv6(dst, src, 58, icmp6_msg(dst, src, 129, 0, body), hlim=64)


def cksums_ok(f):
    """IPv4 header and L4 checksums of a frame vfw sent."""
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x0800:
        ihl = (f[14] & 0xF) * 4
        if v.csum(f[14:14 + ihl]) != 0:
            return False
        tot = struct.unpack("!H", f[16:18])[0]
        proto, l4 = f[23], f[14 + ihl:14 + tot]
        if proto == 1:
            return v.csum(l4) == 0
        if proto in (6, 17):
            if proto == 17 and l4[6:8] == b"\0\0":
                return True
            return v.csum(f[26:34] + struct.pack("!BBH", 0, proto, len(l4)) + l4) == 0
        return True
    if et == 0x86DD:
        plen = struct.unpack("!H", f[18:20])[0]
        nh, l4 = f[20], f[54:54 + plen]
        if nh in (6, 17, 58):
            return v.csum(f[22:54] + struct.pack("!IxxxB", len(l4), nh) + l4) == 0
    return True

# ------------------------------------------------------------ scenario


class Scenario:
    """A global sequence of (input port, frame, verdict)."""

    def __init__(self):
        self.seq = []
        self.out = {0: [], 1: []}
        self.ctr = {0: {}, 1: {}}

    def _inc(self, port, name, n=1):
        self.ctr[port][name] = self.ctr[port].get(name, 0) + n

    def _rx(self, port, frame):
        self._inc(port, "rx_packets")
        self._inc(port, "rx_bytes", len(frame))

    def _tx(self, port, frame):
        self.out[port].append(frame)
        self._inc(port, "tx_packets")
        self._inc(port, "tx_bytes", len(frame))

    def fwd(self, port, frame, out, note="", extra=()):
        self.seq.append((port, frame, "fwd->%d %s" % (out, note)))
        self._rx(port, frame)
        self._inc(port, "forwarded")
        for c in extra:
            self._inc(port, c)
        self._tx(out, forwarded(frame, out))

    def drop(self, port, frame, cls, detail=None, note="", extra=()):
        self.seq.append((port, frame, "drop %s/%s %s" % (cls, detail, note)))
        self._rx(port, frame)
        self._inc(port, "dropped")
        self._inc(port, cls)
        if detail and detail != cls:
            self._inc(port, detail)
        for c in extra:
            self._inc(port, c)

    def local(self, port, frame, reply=None, counters=(), note=""):
        self.seq.append((port, frame, "local %s" % note))
        self._rx(port, frame)
        self._inc(port, "local")
        for c in counters:
            self._inc(port, c)
        if reply is not None:
            self._tx(port, reply)

    def layout(self):
        """Two rx lists such that a one-packet-per-port-per-loop worker sees self.seq."""
        rx = {0: [], 1: []}
        nfill = {0: 0, 1: 0}
        i = 0
        while i < len(self.seq):
            p, f, _ = self.seq[i]
            if p == 0:
                rx[0].append(f)
                if i + 1 < len(self.seq) and self.seq[i + 1][0] == 1:
                    rx[1].append(self.seq[i + 1][1])
                    i += 2
                    continue
                if i + 1 < len(self.seq):
                    rx[1].append(filler(1))
                    nfill[1] += 1
                i += 1
            else:
                rx[0].append(filler(0))
                nfill[0] += 1
                rx[1].append(f)
                i += 1
        for p in (0, 1):
            for _ in range(nfill[p]):
                self._rx(p, filler(p))
                self._inc(p, "dropped")
                self._inc(p, "dropped_other")
                self._inc(p, "not_for_us")
        return rx


CHECKED = [
    "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "forwarded", "local", "dropped",
    "dropped_rule", "dropped_state", "malformed", "table_full", "no_route", "dropped_other",
    "state_no_session", "state_invalid", "tcp_seq_out_of_window", "tcp_ack_out_of_window",
    "tcp_rst_out_of_window", "malformed_trunc_eth", "malformed_trunc_vlan",
    "malformed_trunc_l3", "malformed_bad_ip_ver", "malformed_bad_ihl", "malformed_bad_ip_len",
    "malformed_trunc_l4", "malformed_bad_l4_len", "malformed_trunc_ext", "bad_ip_cksum",
    "bad_l4_cksum", "bad_tcp_flags", "ip_options", "fragment", "martian", "martian_self", "rh0",
    "rh_unknown", "route_missing",
    "unresolved", "ttl_exceeded", "hairpin", "not_for_us", "not_ip", "vlan", "multicast",
    "to_self", "arp_in", "arp_reply_tx", "arp_request_tx", "nd_in", "nd_na_tx", "nd_ns_tx",
    "echo_reply_tx", "related", "stateless", "tx_full",
]


def vfw_cmd(tmp, rx, args, burst=1):
    for p in (0, 1):
        v.write_pcap(os.path.join(tmp, "rx%d.pcap" % p), rx[p])
    vdevs = ["net_pcap%d,rx_pcap=%s,tx_pcap=%s" % (p, os.path.join(tmp, "rx%d.pcap" % p),
                                                   os.path.join(tmp, "tx%d.pcap" % p))
             for p in (0, 1)]
    total = len(rx[0]) + len(rx[1])
    stop = ["--max-packets", str(total)] if total else []
    return [v.binary("vfw")] + v.eal_args(vdevs) + ["--", "--burst", str(burst), "--duration", "20"] + \
        stop + list(args)


def run_scenario(sc, args, name="scenario"):
    """Run vfw over the scenario; check outputs and counters. Returns the stats JSON."""
    with tempfile.TemporaryDirectory(prefix="vfw-pcap-") as tmp:
        rx = sc.layout()
        cmd = vfw_cmd(tmp, rx, args)
        rc, out, err, js = v.run(cmd, timeout=60)
        if rc != 0 or js is None:
            raise AssertionError("%s: vfw exited %d\n%s\n%s" % (name, rc, out[-3000:], err[-3000:]))
        errors = []
        for p in (0, 1):
            got = [f for _, f in v.read_pcap(os.path.join(tmp, "tx%d.pcap" % p))]
            exp = sc.out[p]
            for i, f in enumerate(got):
                if not cksums_ok(f):
                    errors.append("port %d tx #%d: bad checksum: %s" % (p, i, f.hex()))
            if got != exp:
                errors.append("port %d: sent %d frames, expected %d" % (p, len(got), len(exp)))
                for i in range(max(len(got), len(exp))):
                    g = got[i].hex() if i < len(got) else "-"
                    x = exp[i].hex() if i < len(exp) else "-"
                    if g != x:
                        errors.append("  #%d got %s\n      exp %s" % (i, g, x))
                        break
        for p in (0, 1):
            ps = v.port_stats(js, p)
            for c in CHECKED:
                if ps.get(c) != sc.ctr[p].get(c, 0):
                    errors.append("port %d counter %s = %s, expected %d" %
                                  (p, c, ps.get(c), sc.ctr[p].get(c, 0)))
        if errors:
            lines = ["%s: %d problem(s)" % (name, len(errors))] + errors[:40]
            lines.append("sequence:")
            lines += ["  %3d port %d %s" % (i, p, verdict) for i, (p, _, verdict) in enumerate(sc.seq)]
            raise AssertionError("\n".join(lines))
        return js


def rule_packets(js, text):
    for r in js["rules"]:
        if r["rule"] == text:
            return r["packets"]
    raise KeyError(text)
