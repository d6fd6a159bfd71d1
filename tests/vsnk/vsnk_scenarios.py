# SPDX-License-Identifier: BSD-3-Clause
"""Traffic scenarios for vsnk with their exact expected counters, shared by
the pcap test (vsnk reads the frames from net_pcap) and the ring test
(ring_feed pushes the same frames through net_ring into vsnk's rx worker).

Each scenario is a list of frames plus:
  - the per-port counters every frame adds (probe, foreign_*, malformed_*,
    bad_checksum); counters not named must stay 0;
  - per-stream expectations written out by hand (not computed by a model of
    the tracker), next to the traffic that produces them.

check(js, sc) compares a vsnk stats JSON with a scenario and returns the list
of differences (empty = pass). It also checks the identities of vsnk.h:
  rx_packets = probe_packets + foreign_packets + malformed + bad_checksum
  rx_bytes   = sum of the frame lengths
  dropped = errors = malformed + bad_checksum
  foreign_packets = sum of foreign_*, malformed = sum of malformed_*
"""
import time

import vfwcl
from vfwcl import (ipv4, ipv6, ipv6_ext, ipv6_frag, l2, pad60, probe, tcp, udp,
                   udp4_packet, tcp4_packet, icmp4_packet, udp6_packet, icmp6_packet,
                   arp, V4_SRC, V4_DST, V6_SRC, V6_DST)

# The contract of DESIGN.md for the "ports" entries, and vsnk.h's own counters.
DESIGN_PORT_KEYS = ["port", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "dropped"]
VSNK_COUNTERS = [
    "probe_packets", "probe_untracked",
    "foreign_packets", "foreign_udp", "foreign_tcp", "foreign_icmp", "foreign_ip_other",
    "foreign_fragment", "foreign_arp", "foreign_non_ip",
    "malformed", "malformed_trunc_eth", "malformed_trunc_vlan", "malformed_trunc_l3",
    "malformed_bad_ip_ver", "malformed_bad_ihl", "malformed_bad_ip_len", "malformed_trunc_l4",
    "malformed_bad_l4_len", "malformed_trunc_ext",
    "bad_checksum", "errors",
]
FOREIGN_SUB = [c for c in VSNK_COUNTERS if c.startswith("foreign_") and c != "foreign_packets"]
MALFORMED_SUB = [c for c in VSNK_COUNTERS if c.startswith("malformed_")]
STREAM_KEYS = ["stream", "rx_packets", "rx_bytes", "unique", "lost", "duplicates", "reordered",
               "restarts", "first_seq", "highest_seq", "latency_ns"]
LATENCY_KEYS = ["samples", "min", "avg", "max", "p50", "p99", "p999", "negative", "histogram"]

US = 1000  # ns between two packets of a stream in the tx timestamps


class Scenario:
    def __init__(self, name, title, args=()):
        self.name = name
        self.title = title
        self.args = list(args)      # extra vsnk options
        self.frames = []
        self.ctr = {}               # port counter -> expected value
        self.streams = {}           # stream id -> {field: expected}
        self._rx = {}               # stream id -> packets / bytes given to the stream
        self._bytes = {}

    def _count(self, *names):
        for n in names:
            self.ctr[n] = self.ctr.get(n, 0) + 1

    def probe(self, frame, sid, tracked=True):
        """A well-formed probe frame of stream sid."""
        self.frames.append(frame)
        self._count("probe_packets")
        if tracked:
            self._rx[sid] = self._rx.get(sid, 0) + 1
            self._bytes[sid] = self._bytes.get(sid, 0) + len(frame)
        else:
            self._count("probe_untracked")

    def foreign(self, frame, kind):
        self.frames.append(frame)
        self._count("foreign_packets", "foreign_" + kind)

    def malformed(self, frame, kind):
        self.frames.append(frame)
        self._count("malformed", "malformed_" + kind, "errors")

    def bad_cksum(self, frame):
        self.frames.append(frame)
        self._count("bad_checksum", "errors")

    def stream(self, sid, latency=True, **fields):
        """Expected stream sid; rx_packets and rx_bytes come from the frames given."""
        self.streams[sid] = dict(fields, _latency=latency)

    def pcap(self, path):
        vfwcl.write_pcap(path, self.frames)


def pf(sid, seq, ts, **kw):
    """The standard probe frame: 60-byte IPv4/UDP (64 on the wire)."""
    return vfwcl.probe_frame(sid, seq, ts, **kw)


# ---------------------------------------------------------------- scenarios

def build(base_ns=None):
    """All scenarios. Timestamps lie just before now so latencies are sane
    (positive, about the time between building and running)."""
    if base_ns is None:
        base_ns = time.time_ns() - 2_000_000_000
    b = base_ns
    out = []

    # (a) one stream, in order
    sc = Scenario("in_order", "one stream, 100 packets in order")
    for s in range(100):
        sc.probe(pf(0, s, b + s * US), 0)
    sc.stream(0, unique=100, lost=0, duplicates=0, reordered=0, restarts=0,
              first_seq=0, highest_seq=99)
    out.append(sc)

    # (b) gaps: 14 missing in 0..99, then a jump 99 -> 2000 (larger than the
    # 1024 window): 1900 more lost
    sc = Scenario("gaps", "one stream with gaps, lost counted exactly")
    missing = {10, 20, 21, 22} | set(range(50, 60))
    seqs = [s for s in range(100) if s not in missing] + list(range(2000, 2010))
    for s in seqs:
        sc.probe(pf(0, s, b + s * US), 0)
    sc.stream(0, unique=96, lost=14 + 1900, duplicates=0, reordered=0, restarts=0,
              first_seq=0, highest_seq=2009)
    out.append(sc)

    # (c) duplicates: 20 again right after 20, 15 twice after 30 (inside the
    # window), 49 again at the end
    sc = Scenario("duplicates", "one stream with 4 duplicates")
    seqs = list(range(0, 21)) + [20] + list(range(21, 31)) + [15, 15] + list(range(31, 50)) + [49]
    for s in seqs:
        sc.probe(pf(0, s, b + s * US), 0)
    sc.stream(0, unique=50, lost=0, duplicates=4, reordered=0, restarts=0,
              first_seq=0, highest_seq=49)
    out.append(sc)

    # (d) reordering: 11 before 10; 25 before 20..24; 40 never comes.
    # Stream 1: 0..1100 with 100 arriving after 1100 (1000 behind, inside the
    # 1024 window). Late packets carry their original (earlier) timestamps.
    sc = Scenario("reorder", "late packets: lost back to the truth, reordered counted")
    seqs = list(range(0, 10)) + [11, 10] + list(range(12, 20)) + [25, 20, 21, 22, 23, 24] + \
        [s for s in range(26, 50) if s != 40]
    s1 = [s for s in range(0, 1101) if s != 100] + [100]
    for i in range(max(len(seqs), len(s1))):
        if i < len(seqs):
            sc.probe(pf(0, seqs[i], b + seqs[i] * US), 0)
        if i < len(s1):
            sc.probe(pf(1, s1[i], b + s1[i] * US), 1)
    sc.stream(0, unique=49, lost=1, duplicates=0, reordered=6, restarts=0,
              first_seq=0, highest_seq=49)
    sc.stream(1, unique=1101, lost=0, duplicates=0, reordered=1, restarts=0,
              first_seq=0, highest_seq=1100)
    out.append(sc)

    # (e) 32-bit wrap-around. Stream 0: extended 2^32-50 .. 2^32+49 (raw
    # wraps to 0..49), missing 2^32-10..-8, 2^32-1, 2^32+0, 2^32+5 (6 lost),
    # 2^32+3 duplicated at once, 2^32-16 duplicated after 2^32+10, 2^32-2
    # arriving after 2^32+2 (reordered across the wrap).
    # Stream 1: starts at raw 2 (just after a wrap), then raw 2^32-2, 2^32-1,
    # 0, 1 arrive late: the epoch moves below extended 0.
    sc = Scenario("wrap", "32-bit sequence wrap-around with a gap, duplicates, late packets")
    W = 1 << 32
    start = W - 50
    miss = {W - 10, W - 9, W - 8, W - 1, W, W + 5}
    order = []
    for e in range(start, W + 50):
        if e in miss or e == W - 2:
            continue
        order.append(e)
        if e == W + 2:
            order.append(W - 2)
        if e == W + 3:
            order.append(W + 3)
        if e == W + 10:
            order.append(W - 16)
    for e in order:
        sc.probe(pf(0, e & 0xFFFFFFFF, b + (e - start) * US), 0)
    sc.stream(0, unique=94, lost=6, duplicates=2, reordered=1, restarts=0,
              first_seq=W - 50, highest_seq=W + 49)
    # stream 1: ext value e has timestamp b + (e - (W - 2)) * US (its send order)
    order1 = [W + s for s in range(2, 21)] + [W - 2, W - 1, W, W + 1]
    for e in order1:
        sc.probe(pf(1, e & 0xFFFFFFFF, b + (e - (W - 2)) * US), 1)
    sc.stream(1, unique=23, lost=0, duplicates=0, reordered=4, restarts=0,
              first_seq=W - 2, highest_seq=W + 20)
    out.append(sc)

    # (f) generator restart. Stream 0: 0..49 missing 10, 11, 30 (3 lost),
    # then the generator restarts at 0 with later timestamps: 0..19 missing 5
    # (1 lost). Stream 1, a generator without timestamps (tx 0): 0..1999, then
    # 0..9: a jump back beyond the window is a restart too.
    sc = Scenario("restart", "generator restart: restarts 1, old losses kept")
    for s in range(50):
        if s not in (10, 11, 30):
            sc.probe(pf(0, s, b + s * US), 0)
    for s in range(20):
        if s != 5:
            sc.probe(pf(0, s, b + 1_000_000 + s * US), 0)
    sc.stream(0, unique=19, lost=4, duplicates=0, reordered=0, restarts=1,
              first_seq=0, highest_seq=19)
    for s in list(range(2000)) + list(range(10)):
        sc.probe(pf(1, s, 0), 1)
    sc.stream(1, latency=False, unique=10, lost=0, duplicates=0, reordered=0, restarts=1,
              first_seq=0, highest_seq=9)
    out.append(sc)

    # (g) streams interleaved, --max-streams 16: 0, 3, 15 tracked; 16 and
    # 1000 are probes but untracked
    sc = Scenario("multi_stream", "5 streams interleaved, 2 above --max-streams",
                  args=["--max-streams", "16"])
    lists = {
        0: [(s, b + s * US) for s in range(30)],
        3: [(s, b + s * US) for s in range(100, 130) if s != 110],
        15: [(s, b + s * US) for s in range(7, 26)] + [(20, b + 20 * US)] +
            [(s, b + s * US) for s in range(26, 37)],
        16: [(s, b + s * US) for s in range(10)],
        1000: [(s, b + s * US) for s in range(5)],
    }
    for i in range(max(len(v) for v in lists.values())):
        for sid, lst in lists.items():
            if i < len(lst):
                sc.probe(pf(sid, lst[i][0], lst[i][1]), sid, tracked=sid < 16)
    sc.stream(0, unique=30, lost=0, duplicates=0, reordered=0, restarts=0, first_seq=0,
              highest_seq=29)
    sc.stream(3, unique=29, lost=1, duplicates=0, reordered=0, restarts=0, first_seq=100,
              highest_seq=129)
    sc.stream(15, unique=30, lost=0, duplicates=1, reordered=0, restarts=0, first_seq=7,
              highest_seq=36)
    out.append(sc)

    # (h) foreign traffic by protocol, and probes in other wrappings
    sc = Scenario("foreign", "foreign traffic by protocol; probes in VLAN/QinQ/TCP/ICMP/IPv6")
    t = b
    seq = iter(range(1000))

    def nxt():
        s = next(seq)
        return probe(7, s, t + s * US)
    # foreign
    sc.foreign(udp4_packet(b"hello world, no probe here"), "udp")
    sc.foreign(udp4_packet(b"\xd9\x7e" + b"\0" * 10), "udp")          # magic, too short
    sc.foreign(udp4_packet(b"\xd9\x7f" + probe(7, 0, t)[2:]), "udp")   # wrong magic
    sc.foreign(udp4_packet(b""), "udp")                                 # empty payload
    sc.foreign(tcp4_packet(b"GET / HTTP/1.0\r\n\r\n"), "tcp")
    sc.foreign(tcp4_packet(b"", flags=0x02), "tcp")                     # SYN
    sc.foreign(icmp4_packet(b"ping payload 0123456789"), "icmp")
    sc.foreign(icmp4_packet(b"", reply=True), "icmp")
    sc.foreign(udp6_packet(b"ipv6 udp without probe"), "udp")
    sc.foreign(icmp6_packet(b"ipv6 ping payload"), "icmp")
    sc.foreign(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 47, b"\0" * 24)), "ip_other")  # GRE
    sc.foreign(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 59, b""), "ip_other")              # no next hdr
    sc.foreign(pad60(l2(0x0806) + arp(1, "02:00:00:00:00:01", V4_SRC, "00:00:00:00:00:00",
                                      V4_DST)), "arp")
    sc.foreign(pad60(l2(0x0806) + arp(2, "02:00:00:00:00:02", V4_DST, "02:00:00:00:00:01",
                                      V4_SRC)), "arp")
    sc.foreign(pad60(l2(0x0806, vlans=[100]) + arp(1, "02:00:00:00:00:01", V4_SRC,
                                                   "00:00:00:00:00:00", V4_DST)), "arp")
    sc.foreign(pad60(l2(0x88CC) + b"\x02\x07\x04" + b"\0" * 20), "non_ip")   # LLDP
    sc.foreign(pad60(l2(0x8137) + b"\xff\xff" + b"\0" * 28), "non_ip")       # IPX
    sc.foreign(pad60(l2(0x88CC, vlans=[5, 6]) + b"\0" * 20), "non_ip")      # QinQ, non-IP
    # non-first fragments: never parsed for a probe, even when the bytes look like one
    sc.foreign(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, probe(7, 999, t) + b"\0" * 8,
                                       ident=77, flags_frag=185)), "fragment")
    sc.foreign(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, b"\0" * 24, ident=78,
                                       flags_frag=0x2000 | 10)), "fragment")  # MF + offset
    sc.foreign(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 44, ipv6_frag(17, 100, False) +
                                 probe(7, 998, t) + b"\0" * 8), "fragment")
    # first fragment (MF, offset 0) holds the UDP header: classified by its L4
    frag_udp = struct_udp_hdr_first_fragment()
    sc.foreign(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, frag_udp, ident=79,
                                       flags_frag=0x2000)), "udp")
    # probes, stream 7, in sequence
    sc.probe(udp4_packet(nxt(), vlans=[100]), 7)                        # VLAN
    sc.probe(udp4_packet(nxt(), vlans=[100, 200]), 7)                   # QinQ
    sc.probe(udp4_packet(nxt(), vlans=[0]), 7)                          # priority tag
    sc.probe(tcp4_packet(nxt()), 7)
    sc.probe(icmp4_packet(nxt()), 7)
    sc.probe(icmp4_packet(nxt(), reply=True), 7)
    sc.probe(udp6_packet(nxt()), 7)
    sc.probe(udp6_packet(nxt(), ext=[(0, ipv6_ext(0))]), 7)             # hop-by-hop
    sc.probe(udp6_packet(nxt(), ext=[(0, ipv6_ext(0)), (60, ipv6_ext(0, 1))]), 7)
    sc.probe(icmp6_packet(nxt()), 7)
    sc.probe(udp4_packet(nxt(), options=b"\x01\x01\x01\x00"), 7)        # IPv4 options
    sc.probe(udp4_packet(nxt() + b"\0" * 1400), 7)                       # large frame
    sc.probe(udp4_packet(nxt(), no_l4_csum=True), 7)                     # UDP cksum 0: valid
    sc.stream(7, unique=13, lost=0, duplicates=0, reordered=0, restarts=0, first_seq=0,
              highest_seq=12)
    out.append(sc)

    # (i) malformed frames: each one in its counter, none tracked
    sc = Scenario("malformed", "truncated and inconsistent headers")
    pl = probe(9, 0, t)
    good_udp = udp(15320, 8080, pl, V4_SRC, V4_DST)
    sc.malformed(b"\x02\0\0\0\0\x02\x02\0\0\0", "trunc_eth")                    # 10 bytes
    sc.malformed(l2(0x0800)[:13], "trunc_eth")                                   # 13 bytes
    sc.malformed(l2(0x0800)[:12] + b"\x81\x00\x00", "trunc_vlan")               # tag cut
    sc.malformed(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, good_udp)[:10], "trunc_l3")
    sc.malformed(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 17, b"")[:30], "trunc_l3")
    sc.malformed(pad60(l2(0x0800) + ipv6(V6_SRC, V6_DST, 17, udp(1, 2, pl, V6_SRC, V6_DST,
                                                                  v6=True))), "bad_ip_ver")
    sc.malformed(pad60(l2(0x86DD) + ipv4(V4_SRC, V4_DST, 17, good_udp) + b"\0" * 20),
                 "bad_ip_ver")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, good_udp, ihl=4)), "bad_ihl")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, good_udp, total_len=200)),
                 "bad_ip_len")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, good_udp, total_len=12)),
                 "bad_ip_len")
    sc.malformed(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 17, udp(1, 2, pl, V6_SRC, V6_DST,
                                                            v6=True))[:-4], "bad_ip_len")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, b"\0" * 4)), "trunc_l4")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 6, tcp(1, 2, b"")[:10])), "trunc_l4")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 1, b"\x08\0\0\0")), "trunc_l4")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 6, tcp_data_offset(15, 30))),
                 "trunc_l4")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, udp_bad_len(pl, +4))),
                 "bad_l4_len")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 17, udp_bad_len(pl, -4))),
                 "bad_l4_len")
    sc.malformed(pad60(l2(0x0800) + ipv4(V4_SRC, V4_DST, 6, tcp_data_offset(4, 24))),
                 "bad_l4_len")
    sc.malformed(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 0, b"\x11\0\x01\x02"), "trunc_ext")
    sc.malformed(l2(0x86DD) + ipv6(V6_SRC, V6_DST, 0, ipv6_ext(17, 3)[:16]), "trunc_ext")
    # a good probe after all of them: the worker is alive and tracks stream 9
    sc.probe(pf(9, 0, t), 9)
    sc.stream(9, unique=1, lost=0, duplicates=0, reordered=0, restarts=0, first_seq=0,
              highest_seq=0)
    out.append(sc)

    # (j) checksums: stream 0 seq 0..9 where 3 has a bad IPv4 header checksum
    # and 4 a bad UDP checksum: both are bad_checksum and missing from the
    # stream (2 lost). Plus foreign frames with bad checksums.
    for verify in (True, False):
        name = "checksum" if verify else "checksum_noverify"
        sc = Scenario(name, "bad IPv4/L4 checksums %s" % (
            "counted as bad_checksum" if verify else "with --no-verify-cksum"),
            args=[] if verify else ["--no-verify-cksum"])
        for s in range(10):
            f = udp4_packet(probe(0, s, b + s * US), bad_ip_csum=(s == 3), bad_l4_csum=(s == 4))
            if s in (3, 4) and verify:
                sc.bad_cksum(f)
            else:
                sc.probe(f, 0)
        extra = [
            (tcp4_packet(b"data", bad_l4_csum=True), "tcp"),
            (tcp4_packet(b"data", bad_ip_csum=True), "tcp"),
            (icmp4_packet(b"ping", bad_l4_csum=True), "icmp"),
            (udp4_packet(b"no probe", bad_l4_csum=True), "udp"),
            (udp6_packet(b"ipv6 bad", bad_l4_csum=True), "udp"),
            (udp6_packet(b"ipv6 zero", no_l4_csum=True), "udp"),    # 0 is invalid in IPv6
            (icmp6_packet(b"ping6", bad_l4_csum=True), "icmp"),
        ]
        for f, kind in extra:
            if verify:
                sc.bad_cksum(f)
            else:
                sc.foreign(f, kind)
        # right checksums still pass
        sc.foreign(udp4_packet(b"good, no probe"), "udp")
        if verify:
            sc.stream(0, unique=8, lost=2, duplicates=0, reordered=0, restarts=0, first_seq=0,
                      highest_seq=9)
        else:
            sc.stream(0, unique=10, lost=0, duplicates=0, reordered=0, restarts=0, first_seq=0,
                      highest_seq=9)
        out.append(sc)
    return out


def struct_udp_hdr_first_fragment():
    """UDP header + 24 bytes of a 108-byte datagram (length field covers all)."""
    import struct
    return struct.pack("!HHHH", 15320, 8080, 108, 0) + b"\0" * 24


def udp_bad_len(payload, delta):
    """UDP header whose length field is off by delta."""
    import struct
    return struct.pack("!HHHH", 15320, 8080, 8 + len(payload) + delta, 0) + payload


def tcp_data_offset(doff, total):
    """A TCP header of total bytes whose data offset says doff words."""
    import struct
    h = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, doff << 4, 0x18, 65535, 0, 0)
    return (h + b"\0" * total)[:total]


# ---------------------------------------------------------------- checking

def _port0(js):
    for p in js.get("ports", []):
        if p.get("port") == 0:
            return p
    return None


def check(js, sc):
    """Differences between a vsnk stats JSON and the scenario (empty = pass)."""
    errs = []
    if not isinstance(js, dict):
        return ["no stats JSON"]
    for k in ("ports", "streams"):
        if k not in js:
            errs.append("stats JSON lacks %r" % k)
    p = _port0(js)
    if p is None:
        return errs + ["no port 0 in 'ports'"]
    for k in DESIGN_PORT_KEYS + VSNK_COUNTERS:
        if k not in p:
            errs.append("port 0 lacks %r" % k)
    if errs:
        return errs

    n = len(sc.frames)
    nbytes = sum(len(f) for f in sc.frames)
    exp = dict(sc.ctr)
    exp["rx_packets"] = n
    exp["rx_bytes"] = nbytes
    exp["dropped"] = exp.get("malformed", 0) + exp.get("bad_checksum", 0)
    skip = {"port", "name", "driver"}
    for k, v in sorted(p.items()):
        if k in skip or not isinstance(v, int):
            continue
        want = exp.get(k, 0)
        if v != want:
            errs.append("port 0 %s = %d, expected %d" % (k, v, want))
    # identities on what vsnk reported, whatever the scenario says
    g = lambda k: p.get(k, 0)
    if g("rx_packets") != g("probe_packets") + g("foreign_packets") + g("malformed") + \
            g("bad_checksum"):
        errs.append("identity broken: rx_packets %d != probe %d + foreign %d + malformed %d + "
                    "bad_checksum %d" % (g("rx_packets"), g("probe_packets"),
                                         g("foreign_packets"), g("malformed"), g("bad_checksum")))
    if g("foreign_packets") != sum(g(k) for k in FOREIGN_SUB):
        errs.append("foreign_packets %d != sum of foreign_* %d" % (
            g("foreign_packets"), sum(g(k) for k in FOREIGN_SUB)))
    if g("malformed") != sum(g(k) for k in MALFORMED_SUB):
        errs.append("malformed %d != sum of malformed_* %d" % (
            g("malformed"), sum(g(k) for k in MALFORMED_SUB)))
    if g("errors") != g("malformed") + g("bad_checksum"):
        errs.append("errors %d != malformed + bad_checksum" % g("errors"))
    tot = js.get("totals")
    if isinstance(tot, dict):
        for k in VSNK_COUNTERS + ["rx_packets", "rx_bytes", "dropped"]:
            if k in tot and k != "errors" and tot[k] != p[k]:
                errs.append("totals.%s = %d but the only port has %d" % (k, tot[k], p[k]))

    # streams
    got = {}
    for s in js.get("streams", []):
        if "stream" not in s:
            errs.append("stream entry without 'stream': %r" % s)
            continue
        got[s["stream"]] = s
    if sorted(got) != sorted(sc.streams):
        errs.append("streams reported %s, expected %s" % (sorted(got), sorted(sc.streams)))
    for sid, want in sorted(sc.streams.items()):
        s = got.get(sid)
        if s is None:
            continue
        for k in STREAM_KEYS:
            if k not in s:
                errs.append("stream %d lacks %r" % (sid, k))
        w = {k: v for k, v in want.items() if not k.startswith("_")}
        w["rx_packets"] = sc._rx.get(sid, 0)
        w["rx_bytes"] = sc._bytes.get(sid, 0)
        for k, v in sorted(w.items()):
            if s.get(k) != v:
                errs.append("stream %d %s = %r, expected %r" % (sid, k, s.get(k), v))
        errs += check_latency(sid, s.get("latency_ns"), s.get("rx_packets", 0),
                              want["_latency"])
    return errs


def check_latency(sid, lat, rx, has_ts):
    errs = []
    if not isinstance(lat, dict):
        return ["stream %d: latency_ns missing or not an object" % sid]
    for k in LATENCY_KEYS:
        if k not in lat:
            errs.append("stream %d: latency_ns lacks %r" % (sid, k))
    if errs:
        return errs
    hist_total = sum(c for _lo, _hi, c in lat["histogram"])
    if has_ts:
        if lat["samples"] != rx:
            errs.append("stream %d: latency samples %d != rx_packets %d" % (sid, lat["samples"], rx))
        if lat["negative"] != 0:
            errs.append("stream %d: %d negative latencies (tx stamps are in the past)" % (
                sid, lat["negative"]))
        if not 0 < lat["min"] <= lat["avg"] <= lat["max"]:
            errs.append("stream %d: latency not 0 < min %d <= avg %d <= max %d" % (
                sid, lat["min"], lat["avg"], lat["max"]))
        if not lat["p50"] <= lat["p99"] <= lat["p999"]:
            errs.append("stream %d: quantiles not ordered: p50 %d p99 %d p999 %d" % (
                sid, lat["p50"], lat["p99"], lat["p999"]))
        if not lat["min"] <= lat["p50"]:
            errs.append("stream %d: p50 %d below min %d" % (sid, lat["p50"], lat["min"]))
        if hist_total != rx:
            errs.append("stream %d: histogram holds %d samples, expected %d" % (sid, hist_total, rx))
        for lo, hi, c in lat["histogram"]:
            if not (lo <= hi and c > 0):
                errs.append("stream %d: bad histogram bucket %r" % (sid, [lo, hi, c]))
    else:
        for k in ("samples", "min", "avg", "max", "p50", "p99", "p999", "negative"):
            if lat[k] != 0:
                errs.append("stream %d (no timestamps): latency %s = %d, expected 0" % (
                    sid, k, lat[k]))
        if hist_total != 0:
            errs.append("stream %d (no timestamps): histogram not empty" % sid)
    return errs


def describe(sc):
    """One paragraph of what a scenario checks, for the test log."""
    ctr = ", ".join("%s=%d" % kv for kv in sorted(sc.ctr.items()) if kv[0] != "errors")
    st = "; ".join("stream %d: rx %d %s" % (sid, sc._rx.get(sid, 0), ", ".join(
        "%s %s" % (k, v) for k, v in sorted(w.items()) if not k.startswith("_")))
        for sid, w in sorted(sc.streams.items()))
    return "%s (%d frames, %d bytes)%s\n    expect %s\n    %s" % (
        sc.title, len(sc.frames), sum(len(f) for f in sc.frames),
        (" args " + " ".join(sc.args)) if sc.args else "", ctr, st)
