# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers for the project's tests (standard library only).

- pcap files: write_pcap / read_pcap (classic libpcap format, Ethernet)
- packets: eth(), vlan(), ipv4(), ipv6(), udp(), tcp(), icmp_echo(), arp()
  building real frames with correct lengths and checksums
- the probe header of dataplane/dp_probe.h: probe() / parse_probe()
- run(): start one of our binaries (or dpdk-testpmd) with EAL options for
  virtual ports, with a timeout, and return (rc, stdout, stderr, stats)
"""
import json
import os
import socket
import struct
import subprocess
import tempfile

PROBE_MAGIC = 0xD97E
PROBE_LEN = 16

# ---------------------------------------------------------------- pcap

def write_pcap(path, frames, snaplen=65535):
    """frames: iterable of bytes (or (bytes, ts_ns)). Microsecond pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))
        for i, fr in enumerate(frames):
            ts = i * 1000
            if isinstance(fr, tuple):
                fr, ts = fr[0], fr[1] // 1000
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                min(len(fr), snaplen), len(fr)))
            f.write(fr[:snaplen])


def read_pcap(path):
    """Return a list of (ts_ns, bytes). Handles us and ns pcap, both endians."""
    out = []
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return out
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            e = "<"
        else:
            e = ">"
            magic = struct.unpack(">I", hdr[:4])[0]
        nano = magic == 0xA1B23C4D
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            sec, frac, incl, _orig = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            ts = sec * 10**9 + (frac if nano else frac * 1000)
            out.append((ts, data))
    return out

# ---------------------------------------------------------------- checksums

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return socket.inet_pton(socket.AF_INET, s)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)

# ---------------------------------------------------------------- builders

def eth(dst="02:00:00:00:00:02", src="02:00:00:00:00:01", ethertype=0x0800):
    return mac(dst) + mac(src) + struct.pack("!H", ethertype)


def vlan(tci, ethertype):
    return struct.pack("!HH", tci, ethertype)


def ipv4(src, dst, proto, payload, ttl=64, ident=0, flags_frag=0, options=b"",
         tos=0, total_len=None, ihl=None, bad_csum=False):
    ihl_v = ihl if ihl is not None else (20 + len(options)) // 4
    tl = total_len if total_len is not None else 20 + len(options) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl_v, tos, tl, ident, flags_frag,
                    ttl, proto, 0, ip4(src), ip4(dst)) + options
    c = csum(h)
    if bad_csum:
        c ^= 0x5555
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim,
                       ip6(src), ip6(dst)) + payload


def _pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def _pseudo6(src, dst, nh, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, nh)


def udp(sport, dport, payload, src=None, dst=None, v6=False, bad_csum=False):
    """UDP header+payload; with src/dst the checksum is computed."""
    ln = 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, ln, 0) + payload
    if src is not None:
        ps = _pseudo6(src, dst, 17, ln) if v6 else _pseudo4(src, dst, 17, ln)
        c = csum(ps + h) or 0xFFFF
        if bad_csum:
            c ^= 0x5555
        h = h[:6] + struct.pack("!H", c) + h[8:]
    return h


def tcp(sport, dport, payload, flags=0x18, seq=1, ack=0, src=None, dst=None,
        v6=False, window=65535, bad_csum=False):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                    window, 0, 0) + payload
    if src is not None:
        ps = _pseudo6(src, dst, 6, len(h)) if v6 else _pseudo4(src, dst, 6, len(h))
        c = csum(ps + h)
        if bad_csum:
            c ^= 0x5555
        h = h[:16] + struct.pack("!H", c) + h[18:]
    return h


def icmp_echo(ident, seq, payload, reply=False):
    h = struct.pack("!BBHHH", 0 if reply else 8, 0, 0, ident, seq) + payload
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac(sha), ip4(spa),
                       mac(tha), ip4(tpa))


def pad60(frame):
    """Ethernet minimum size without FCS."""
    return frame + b"\0" * max(0, 60 - len(frame))


def probe(stream_id, seq, tx_ns):
    return struct.pack("!HHIQ", PROBE_MAGIC, stream_id, seq & 0xFFFFFFFF, tx_ns)


def parse_probe(payload):
    if len(payload) < PROBE_LEN:
        return None
    magic, sid, seq, ts = struct.unpack("!HHIQ", payload[:PROBE_LEN])
    if magic != PROBE_MAGIC:
        return None
    return sid, seq, ts


def udp4_frame(src="192.168.10.200", dst="192.168.20.250", sport=15320,
               dport=8080, payload=b"", size=None, **kw):
    """A whole Ethernet/IPv4/UDP frame; size pads the UDP payload to a frame length."""
    hdr = 14 + 20 + 8
    if size is not None and len(payload) < size - hdr:
        payload = payload + b"\0" * (size - hdr - len(payload))
    return eth(**kw) + ipv4(src, dst, 17, udp(sport, dport, payload, src, dst))


def probe_frame(stream_id, seq, tx_ns=None, size=64, **kw):
    """A probe packet as vpkg sends it: 64-byte IPv4/UDP by default (60 without FCS)."""
    if tx_ns is None:
        tx_ns = 1_000_000_000 + seq
    return udp4_frame(payload=probe(stream_id, seq, tx_ns), size=size - 4, **kw)

# ---------------------------------------------------------------- processes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_dir():
    return os.environ.get("VFWCL_BUILD", os.path.join(ROOT, "build"))


def binary(name):
    """Path of one of our binaries in the build tree."""
    return os.path.join(build_dir(), name, name)


def eal_args(vdevs, lcores="0-1", prefix=None, mem=256):
    """EAL options for a test process on virtual ports, without hugepages."""
    a = ["-l", lcores, "--no-huge", "-m", str(mem), "--no-pci", "--log-level=4"]
    a += ["--in-memory"] if prefix is None else ["--file-prefix", prefix]
    for v in vdevs:
        a += ["--vdev", v]
    return a


def run(cmd, timeout=60, stats=True, check=None):
    """Run cmd (list). If stats, adds --stats-file and returns its JSON.
    Returns (rc, out, err, stats_json_or_None)."""
    sfile = None
    if stats:
        fd, sfile = tempfile.mkstemp(suffix=".json", prefix="vfwcl-stats-")
        os.close(fd)
        os.unlink(sfile)
        cmd = list(cmd) + ["--stats-file", sfile]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    js = None
    if sfile and os.path.exists(sfile):
        with open(sfile) as f:
            js = json.load(f)
        os.unlink(sfile)
    if check is not None and p.returncode != check:
        raise AssertionError("%s exited %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(cmd), p.returncode, check, p.stdout[-3000:], p.stderr[-3000:]))
    return p.returncode, p.stdout, p.stderr, js


def port_stats(js, port=0):
    for p in js["ports"]:
        if p["port"] == port:
            return p
    raise KeyError("no port %d in stats" % port)


def stream_stats(js, sid):
    for s in js.get("streams", []):
        if s.get("stream") == sid or s.get("id") == sid:
            return s
    return None
