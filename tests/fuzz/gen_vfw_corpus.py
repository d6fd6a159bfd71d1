#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seeds of the vfw fuzz target (tests/fuzz/corpus/vfw).

An input (fuzz_vfw.c): one byte (ticks between bursts / 50), then records of
a 2-byte big-endian word (bit 15: the burst ends here, bit 14: from the
protected port, bits 0-13: record length) and the record: 5 control bytes
(fuzz_mbuf.h: ctl[0] % 3 + 1 segments, the cuts in ctl[1..4]; checksum flags
unknown) and the frame. The addresses are the ones fuzz_vfw.c gives the
ports: 10.0.0.1 / 2001:db8::1 outside (port 0), 10.1.0.1 / 2001:db8:1::1
inside (port 1), MACs 02:00:00:00:00:01 and :02.

    tests/fuzz/gen_vfw_corpus.py [DIR]    (default: the corpus folder)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vfwcl  # noqa: E402

OUTSIDE, INSIDE = 0, 1
PORT_MAC = {OUTSIDE: bytes.fromhex("020000000001"), INSIDE: bytes.fromhex("020000000002")}
PEER_MAC = bytes.fromhex("0200000000aa")
CLIENT4, SERVER4 = "192.0.2.10", "10.1.0.10"
CLIENT6, SERVER6, HOP6 = "2001:db8:2::10", "2001:db8:1::10", "2001:db8:1::20"
FW4 = "10.0.0.1"


def eth(port, ethertype, payload):
    return PORT_MAC[port] + PEER_MAC + struct.pack("!H", ethertype) + payload


def ip4(src, dst, proto, l4):
    return vfwcl.ipv4(src, dst, proto, l4, ident=1)


def tcp4(port, src, dst, sport, dport, seq, ack, flags, data=b""):
    seg = vfwcl.tcp(sport, dport, data, flags=flags, seq=seq, ack=ack, src=src, dst=dst)
    return eth(port, 0x0800, ip4(src, dst, 6, seg))


def udp4(port, src, dst, sport, dport, data):
    return eth(port, 0x0800, ip4(src, dst, 17, vfwcl.udp(sport, dport, data, src, dst)))


def icmp4(port, src, dst, typ, ident, seq):
    """An echo request (typ 8) or reply (typ 0)."""
    msg = vfwcl.icmp_echo(ident, seq, b"ping" * 8, reply=typ == 0)
    return eth(port, 0x0800, ip4(src, dst, 1, msg))


def udp6_routed(port, src, dst, rh_addr, rh_type, segs_left):
    """IPv6 UDP with a routing header: the L4 sum uses the final destination (RFC 8200 8.1)."""
    final = rh_addr if segs_left else dst
    dg = vfwcl.udp(5000, 53, b"query", src, final, v6=True)
    rh = struct.pack("!BBBB4x", 17, 2, rh_type, segs_left) + vfwcl.ip6(rh_addr)
    return eth(port, 0x86DD, vfwcl.ipv6(src, dst, 43, rh + dg))


def headers_len(frame):
    """Ethernet, IP (with a routing header) and L4 header bytes: the first segment holds them."""
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0800:
        proto, l3 = frame[14 + 9], (frame[14] & 15) * 4
    else:
        proto, l3 = frame[14 + 6], 40
        if proto == 43:
            proto, l3 = frame[54], 40 + (frame[55] + 1) * 8
    return 14 + l3 + (20 if proto == 6 else 8)


def record(frame, port, segs=1, end=True):
    """A record: its word, the control bytes, the frame; segments cut after the headers."""
    n, hdr = len(frame), headers_len(frame)
    segs = min(segs, 1 + n - hdr)
    cut1 = hdr + (n - hdr) // 3
    cut2 = hdr + 2 * (n - hdr) // 3
    # fuzz_mbuf.c: cut1 = 1 + v1 % (n - segs + 1), cut2 = cut1 + 1 + v2 % (n - cut1 - 1)
    ctl = struct.pack("!BHH", segs - 1, cut1 - 1, max(cut2 - cut1 - 1, 0))
    word = len(ctl) + n
    assert word < 0x4000
    word |= (0x8000 if end else 0) | (0x4000 if port == INSIDE else 0)
    return struct.pack("!H", word) + ctl + frame


def tcp_session():
    """Handshake, data both ways, FIN from each side (window tracking sees it all)."""
    c, s, cp, sp = CLIENT4, SERVER4, 40000, 80
    ci, si = 1000, 5000
    data = b"GET / HTTP/1.0\r\n\r\n"
    reply = b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 300
    frames = [
        (OUTSIDE, tcp4(OUTSIDE, c, s, cp, sp, ci, 0, 0x02)),
        (INSIDE, tcp4(INSIDE, s, c, sp, cp, si, ci + 1, 0x12)),
        (OUTSIDE, tcp4(OUTSIDE, c, s, cp, sp, ci + 1, si + 1, 0x10)),
        (OUTSIDE, tcp4(OUTSIDE, c, s, cp, sp, ci + 1, si + 1, 0x18, data)),
        (INSIDE, tcp4(INSIDE, s, c, sp, cp, si + 1, ci + 1 + len(data), 0x18, reply)),
        (OUTSIDE, tcp4(OUTSIDE, c, s, cp, sp, ci + 1 + len(data), si + 1 + len(reply), 0x11)),
        (INSIDE, tcp4(INSIDE, s, c, sp, cp, si + 1 + len(reply), ci + 2 + len(data), 0x11)),
        (OUTSIDE, tcp4(OUTSIDE, c, s, cp, sp, ci + 2 + len(data), si + 2 + len(reply), 0x10)),
    ]
    return b"\0" + b"".join(record(f, p, 1 + i % 3) for i, (p, f) in enumerate(frames))


def udp_flow():
    """A UDP flow both ways, two packets per burst."""
    recs = []
    for i in range(4):
        recs.append(record(udp4(OUTSIDE, CLIENT4, SERVER4, 3000, 53, b"q%d" % i), OUTSIDE,
                           1 + i % 3, end=False))
        recs.append(record(udp4(OUTSIDE, CLIENT4, SERVER4, 3000, 53, b"again"), OUTSIDE))
        recs.append(record(udp4(INSIDE, SERVER4, CLIENT4, 53, 3000, b"a%d" % i), INSIDE))
    return b"\x01" + b"".join(recs)


def icmp_echo():
    """Echo through the firewall and its reply, then a ping to the firewall itself."""
    return b"\0" + b"".join([
        record(icmp4(OUTSIDE, CLIENT4, SERVER4, 8, 7, 1), OUTSIDE),
        record(icmp4(INSIDE, SERVER4, CLIENT4, 0, 7, 1), INSIDE, 2),
        record(icmp4(OUTSIDE, CLIENT4, FW4, 8, 9, 1), OUTSIDE, 3),
    ])


def ipv6_routing():
    """Routing headers: type 2 and 4 (forwarded), type 0 (dropped, RFC 5095)."""
    return b"\0" + b"".join([
        record(udp6_routed(OUTSIDE, CLIENT6, HOP6, SERVER6, 2, 1), OUTSIDE),
        record(udp6_routed(OUTSIDE, CLIENT6, HOP6, SERVER6, 0, 1), OUTSIDE, 2),
        record(udp6_routed(OUTSIDE, CLIENT6, SERVER6, HOP6, 4, 0), OUTSIDE, 3),
    ])


def jumbo_chain():
    """A 9000-byte UDP frame in three segments, in each direction."""
    payload = bytes(range(256)) * 35
    return b"\0" + b"".join([
        record(udp4(OUTSIDE, CLIENT4, SERVER4, 4000, 9, payload), OUTSIDE, 3),
        record(udp4(INSIDE, SERVER4, CLIENT4, 9, 4000, payload), INSIDE, 3),
    ])


def tcp_no_session():
    """Data and a reset for connections vfw never saw open: no session, dropped."""
    return b"\x02" + b"".join([
        record(tcp4(OUTSIDE, CLIENT4, SERVER4, 40001, 80, 7, 9, 0x18, b"data"), OUTSIDE, 2),
        record(tcp4(INSIDE, SERVER4, CLIENT4, 80, 40002, 7, 9, 0x14), INSIDE),
    ])


def tcp4_short():
    """Regression: IPv4 says TCP with 8 bytes of L4 in a 42-byte frame (dp_pkt_v4_simple
    read the TCP data offset past the frame)."""
    frame = eth(OUTSIDE, 0x0800, ip4(CLIENT4, SERVER4, 6, b"\x9c\x40\x00\x50\0\0\0\1"))
    ctl = b"\0" * 5
    return b"\0" + struct.pack("!H", 0x8000 | (len(ctl) + len(frame))) + ctl + frame


SEEDS = {
    "tcp_handshake_data_fin": tcp_session,
    "udp_flow": udp_flow,
    "tcp_no_session": tcp_no_session,
    "icmp_echo": icmp_echo,
    "ipv6_routing_header": ipv6_routing,
    "jumbo_udp4_3seg": jumbo_chain,
    "crash_tcp4_l4_shorter_than_tcp_header": tcp4_short,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "vfw")
    os.makedirs(out, exist_ok=True)
    for name, make in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
