# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the vpkg tests: run vpkg on net_pcap, decode what it sent."""
import json
import os
import struct
import subprocess
import tempfile

import vfwcl

VPKG = vfwcl.binary("vpkg")
PEER = "02:00:00:00:00:aa"


_TMPDIRS = []


def _cleanup():
    import shutil
    if os.environ.get("VPKG_KEEP_TMP"):
        return
    for d in _TMPDIRS:
        shutil.rmtree(d, ignore_errors=True)


def tmpdir():
    """A scratch directory, removed at exit (unless VPKG_KEEP_TMP is set)."""
    if not _TMPDIRS:
        import atexit
        atexit.register(_cleanup)
    d = tempfile.mkdtemp(prefix="vpkg-test-")
    _TMPDIRS.append(d)
    return d


def run_pcap(app_args, workdir, rx_frames=(), lcores="0-1", timeout=60, extra_vdevs=()):
    """Run vpkg with one net_pcap port (rx from rx_frames, tx to a file).
    Returns (rc, stdout, stderr, stats, frames)."""
    rx = os.path.join(workdir, "rx.pcap")
    tx = os.path.join(workdir, "tx.pcap")
    vfwcl.write_pcap(rx, list(rx_frames))
    if os.path.exists(tx):
        os.unlink(tx)
    vdevs = ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, tx)] + list(extra_vdevs)
    cmd = [VPKG] + vfwcl.eal_args(vdevs, lcores=lcores) + ["--"] + list(app_args)
    rc, out, err, js = vfwcl.run(cmd, timeout=timeout)
    frames = [f for _, f in vfwcl.read_pcap(tx)] if os.path.exists(tx) else []
    return rc, out, err, js, frames


def run_args(app_args, vdevs=("net_null0",), timeout=60, stats=False):
    cmd = [VPKG] + vfwcl.eal_args(list(vdevs)) + ["--"] + list(app_args)
    return vfwcl.run(cmd, timeout=timeout, stats=stats)


def write_config(workdir, obj, name="cfg.json"):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def fmt_mac(b):
    return ":".join("%02x" % x for x in b)


def decode(frame):
    """Decode an Ethernet/[VLAN]/IPv4|IPv6/UDP|TCP|ICMP frame; check its
    lengths and checksums. Returns a dict (raises AssertionError on a bad frame)."""
    d = {"len": len(frame), "dst": fmt_mac(frame[0:6]), "src": fmt_mac(frame[6:12]),
         "vlan": None}
    off = 12
    et = struct.unpack("!H", frame[off:off + 2])[0]
    if et == 0x8100:
        d["vlan"] = struct.unpack("!H", frame[14:16])[0] & 0xFFF
        off = 16
        et = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    d["ethertype"] = et
    if et == 0x0806:
        d["arp"] = struct.unpack("!HHBBH6s4s6s4s", frame[off:off + 28])
        return d
    if et == 0x0800:
        ip = frame[off:off + 20]
        assert ip[0] == 0x45, "IPv4 header %s" % ip.hex()
        assert vfwcl.csum(ip) == 0, "bad IPv4 header checksum in %s" % frame.hex()
        tl = struct.unpack("!H", ip[2:4])[0]
        assert off + tl == len(frame), "IPv4 total length %d in a %d-byte frame" % (tl, len(frame))
        d["ttl"], d["proto"] = ip[8], ip[9]
        d["src_ip"] = ".".join(str(x) for x in ip[12:16])
        d["dst_ip"] = ".".join(str(x) for x in ip[16:20])
        l4 = frame[off + 20:off + tl]
        pseudo = ip[12:20] + struct.pack("!BBH", 0, d["proto"], len(l4))
        d["l3"] = 4
    elif et == 0x86DD:
        ip = frame[off:off + 40]
        pl = struct.unpack("!H", ip[4:6])[0]
        assert off + 40 + pl == len(frame), "IPv6 payload length %d in a %d-byte frame" % (
            pl, len(frame))
        d["proto"], d["ttl"] = ip[6], ip[7]
        import socket
        d["src_ip"] = socket.inet_ntop(socket.AF_INET6, ip[8:24])
        d["dst_ip"] = socket.inet_ntop(socket.AF_INET6, ip[24:40])
        l4 = frame[off + 40:off + 40 + pl]
        pseudo = ip[8:40] + struct.pack("!IxxxB", len(l4), d["proto"])
        d["l3"] = 6
    else:
        raise AssertionError("unexpected EtherType 0x%04x" % et)
    p = d["proto"]
    if p == 17:
        sp, dp, ln, ck = struct.unpack("!HHHH", l4[:8])
        assert ln == len(l4), "UDP length %d, %d bytes" % (ln, len(l4))
        assert ck != 0 and vfwcl.csum(pseudo + l4) == 0, "bad UDP checksum in %s" % frame.hex()
        d["sport"], d["dport"], payload = sp, dp, l4[8:]
    elif p == 6:
        sp, dp, seq, ack, hl, flags = struct.unpack("!HHIIBB", l4[:14])
        assert vfwcl.csum(pseudo + l4) == 0, "bad TCP checksum in %s" % frame.hex()
        d["sport"], d["dport"], d["tcp_flags"] = sp, dp, flags
        payload = l4[(hl >> 4) * 4:]
    elif p in (1, 58):
        typ, code, ck, ident, seq = struct.unpack("!BBHHH", l4[:8])
        assert typ == (8 if p == 1 else 128), "ICMP type %d" % typ
        if p == 1:
            assert vfwcl.csum(l4) == 0, "bad ICMP checksum in %s" % frame.hex()
        else:
            assert vfwcl.csum(pseudo + l4) == 0, "bad ICMPv6 checksum in %s" % frame.hex()
        d["sport"], d["icmp_seq"], payload = ident, seq, l4[8:]
    else:
        raise AssertionError("unexpected protocol %d" % p)
    d["probe"] = vfwcl.parse_probe(payload)
    return d


def by_stream(frames):
    """{stream id: [decoded frames in order]} of the probe frames; others under None."""
    out = {}
    for f in frames:
        d = decode(f)
        if d.get("ethertype") == 0x0806:
            out.setdefault("arp", []).append(d)
            continue
        sid = d["probe"][0] if d["probe"] else None
        out.setdefault(sid, []).append(d)
    return out


def check_seq(frames, name=""):
    """Probe sequence numbers 0, 1, 2, ... without a gap; probe times not decreasing."""
    seqs = [d["probe"][1] for d in frames]
    assert seqs == list(range(len(seqs))), "stream %s: sequences %s" % (name, seqs[:20])
    ts = [d["probe"][2] for d in frames]
    assert ts == sorted(ts), "stream %s: probe times go back" % name


def stream_stats(js, sid):
    """vfwcl.stream_stats, but a stream that is not there is an error."""
    s = vfwcl.stream_stats(js, sid)
    if s is None:
        raise KeyError(sid)
    return s


def run_main(tests):
    """Run test functions by name order; print a line each; exit 1 on a failure."""
    import sys
    import traceback
    failed = 0
    for t in tests:
        try:
            t()
            print("ok   %s" % t.__name__)
        except Exception:  # noqa: BLE001 - report every failure
            failed += 1
            print("FAIL %s" % t.__name__)
            traceback.print_exc()
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


def cpu_seconds(cmd, timeout=60):
    """Run cmd; return (rc, stdout, stderr, user+sys CPU seconds of that process)."""
    import time
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe)
        end = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > end:
                p.kill()
                os.wait4(p.pid, 0)
                raise AssertionError("%s: timeout" % " ".join(cmd))
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        return (p.returncode, fo.read().decode(errors="replace"),
                fe.read().decode(errors="replace"), ru.ru_utime + ru.ru_stime)
