# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers for the project's tests (standard library only).

- pcap files: write_pcap / read_pcap (classic libpcap format, Ethernet)
- packets: eth(), vlan(), ipv4(), ipv6(), udp(), tcp(), icmp_echo(), arp()
  building real frames with correct lengths and checksums
- the probe header of dataplane/dp_probe.h: probe() / parse_probe()
- run(): start one of our binaries (or dpdk-testpmd) with EAL options for
  virtual ports, with a timeout, and return (rc, stdout, stderr, stats)
- waiting: wait_for() (poll a condition), wait_listening() (a TCP port)
- EAL runtime: drop_prefix() (a --file-prefix directory left behind),
  telemetry_connect() (DPDK's telemetry socket of a process)
"""
import json
import os
import socket
import struct
import subprocess
import tempfile
import time

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


def pcap_records(path, with_data=True):
    """(ts_ns, data) of each record of a pcap file (us or ns, either byte
    order); without with_data, data is the record's captured length and the
    bytes are skipped over."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return
        e = "<" if struct.unpack("<I", hdr[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        nano = struct.unpack(e + "I", hdr[:4])[0] == 0xA1B23C4D
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            sec, frac, incl, _orig = struct.unpack(e + "IIII", rh)
            if with_data:
                data = f.read(incl)
            else:
                f.seek(incl, 1)
                data = incl
            yield sec * 10**9 + (frac if nano else frac * 1000), data


def read_pcap(path):
    """Return a list of (ts_ns, bytes). Handles us and ns pcap, both endians."""
    return list(pcap_records(path))

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


def icmp_msg(typ, code, body):
    """An ICMP message: type, code, its checksum, then body (the rest of the header, the data)."""
    h = struct.pack("!BBH", typ, code, 0) + body
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def icmp_echo(ident, seq, payload, reply=False):
    return icmp_msg(0 if reply else 8, 0, struct.pack("!HH", ident, seq) + payload)


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


def drop_prefix(prefix):
    """Remove the EAL runtime directory a --file-prefix process leaves behind."""
    import shutil
    shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)


def run_to_exit(name, args, vdevs=("net_null0",), timeout=60):
    """Run binary name on vdevs to completion (for option errors); returns CompletedProcess."""
    cmd = [binary(name)] + eal_args(list(vdevs)) + ["--", "--idle-sleep", "100"] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def one_line_error(p, code, *needles, prog="vsnk"):
    """Exit code and exactly one 'PROG: ' line on stderr naming every needle."""
    lines = [line for line in p.stderr.splitlines() if line.startswith(prog + ": ")]
    ok = p.returncode == code and len(lines) == 1 and all(n in lines[0] for n in needles)
    if not ok:
        print("     rc=%d stderr=%r" % (p.returncode, p.stderr[-600:]))
    return ok


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

# ---------------------------------------------------------------- frames with
# VLAN tags, IPv6 extension headers and chosen checksum faults (vsnk tests)

def l2(ethertype, vlans=(), dst="02:00:00:00:00:02", src="02:00:00:00:00:01"):
    """Ethernet header with 0, 1 or 2 VLAN tags (outer first; two tags: 802.1ad outer)."""
    vlans = list(vlans)
    tpids = [0x88A8, 0x8100] if len(vlans) == 2 else [0x8100] * len(vlans)
    h = mac(dst) + mac(src)
    for tpid, tci in zip(tpids, vlans):
        h += struct.pack("!HH", tpid, tci)
    return h + struct.pack("!H", ethertype)


def icmp6_msg(src, dst, typ, code, body, bad_csum=False):
    """An ICMPv6 message from src to dst with the pseudo-header checksum (as icmp_msg)."""
    h = struct.pack("!BBH", typ, code, 0) + body
    c = csum(_pseudo6(src, dst, 58, len(h)) + h)
    if bad_csum:
        c ^= 0x5555
    return h[:2] + struct.pack("!H", c) + h[4:]


def icmp6_echo(src, dst, ident, seq, payload, reply=False, bad_csum=False):
    """ICMPv6 echo request/reply with the pseudo-header checksum."""
    return icmp6_msg(src, dst, 129 if reply else 128, 0, struct.pack("!HH", ident, seq) + payload,
                     bad_csum)


def ipv6_ext(nh, length8=0):
    """An IPv6 hop-by-hop / destination options header of (length8 + 1) * 8 bytes
    (PadN padding), next header nh."""
    n = (length8 + 1) * 8 - 2
    return struct.pack("!BB", nh, length8) + bytes([1, n - 2]) + b"\0" * (n - 2)


def ipv6_frag(nh, offset8, more, ident=0x1234):
    """An IPv6 fragment header (offset in 8-byte units)."""
    return struct.pack("!BBHI", nh, 0, (offset8 << 3) | (1 if more else 0), ident)


V4_SRC, V4_DST = "192.168.10.200", "192.168.20.250"
V6_SRC, V6_DST = "2001:db8:10::200", "2001:db8:20::250"


def udp4_packet(payload, src=V4_SRC, dst=V4_DST, sport=15320, dport=8080, vlans=(),
                bad_ip_csum=False, bad_l4_csum=False, no_l4_csum=False, options=b"",
                pad=True, **ipkw):
    """Ethernet(/VLAN)/IPv4/UDP frame, checksums right unless asked otherwise."""
    u = udp(sport, dport, payload, None if no_l4_csum else src, dst, bad_csum=bad_l4_csum)
    f = l2(0x0800, vlans) + ipv4(src, dst, 17, u, options=options, bad_csum=bad_ip_csum, **ipkw)
    return pad60(f) if pad else f


def tcp4_packet(payload, src=V4_SRC, dst=V4_DST, sport=40000, dport=80, flags=0x18,
                vlans=(), bad_ip_csum=False, bad_l4_csum=False, pad=True):
    t = tcp(sport, dport, payload, flags=flags, src=src, dst=dst, bad_csum=bad_l4_csum)
    f = l2(0x0800, vlans) + ipv4(src, dst, 6, t, bad_csum=bad_ip_csum)
    return pad60(f) if pad else f


def icmp4_packet(payload, src=V4_SRC, dst=V4_DST, ident=1, seq=1, reply=False, vlans=(),
                 bad_l4_csum=False, pad=True):
    i = icmp_echo(ident, seq, payload, reply=reply)
    if bad_l4_csum:
        i = i[:2] + bytes([i[2] ^ 0x55, i[3] ^ 0x55]) + i[4:]
    f = l2(0x0800, vlans) + ipv4(src, dst, 1, i)
    return pad60(f) if pad else f


def udp6_packet(payload, src=V6_SRC, dst=V6_DST, sport=15320, dport=8080, vlans=(), ext=(),
                bad_l4_csum=False, no_l4_csum=False):
    """Ethernet/IPv6[/extension headers]/UDP. ext: list of (type, bytes) with the
    bytes' own next-header byte filled in here."""
    u = udp(sport, dport, payload, None if no_l4_csum else src, dst, v6=True,
            bad_csum=bad_l4_csum)
    chain, nh = b"", 17
    for etype, eb in reversed(list(ext)):
        chain = bytes([nh]) + eb[1:] + chain
        nh = etype
    return l2(0x86DD, vlans) + ipv6(src, dst, nh, chain + u)


def icmp6_packet(payload, src=V6_SRC, dst=V6_DST, ident=1, seq=1, reply=False, vlans=(),
                 bad_l4_csum=False):
    i = icmp6_echo(src, dst, ident, seq, payload, reply=reply, bad_csum=bad_l4_csum)
    return l2(0x86DD, vlans) + ipv6(src, dst, 58, i)


def pcap_count(path):
    """(frames, sum of captured lengths) of a pcap file, without keeping the data."""
    n = total = 0
    for _ts, incl in pcap_records(path, with_data=False):
        n += 1
        total += incl
    return n, total

# ---------------------------------------------------------------- waiting

def wait_for(fn, timeout=10, interval=0.1):
    """Poll fn() every interval seconds until it returns a true value or
    timeout seconds have passed; return its last value (false on timeout)."""
    end = time.monotonic() + timeout
    v = fn()
    while not v and time.monotonic() < end:
        time.sleep(interval)
        v = fn()
    return v


def tcp_accepts(host, port):
    """True when a TCP connection to (host, port) opens now."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_listening(host, port, timeout=30, proc=None):
    """Wait until (host, port) accepts TCP connections: True; False after
    timeout seconds or, with proc (a Popen), as soon as proc has exited."""
    def exited():
        return proc is not None and proc.poll() is not None
    return bool(wait_for(lambda: exited() or tcp_accepts(host, port), timeout)) and not exited()


def telemetry_path(prefix):
    """DPDK's telemetry socket of the process started with --file-prefix prefix."""
    return "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix


def telemetry_connect(prefix, running, timeout):
    """A connection to that socket as soon as it accepts one; None after
    timeout seconds or once running() is false."""
    conn = None

    def ready():
        nonlocal conn
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            conn.connect(telemetry_path(prefix))
            return True
        except OSError:
            conn.close()
            conn = None
            return not running()
    wait_for(ready, timeout)
    return conn

# ---------------------------------------------------------------- background processes

class Proc:
    """A child process whose stdout+stderr lines are collected by a thread.
    Always call stop() or kill() (e.g. in a finally)."""

    def __init__(self, cmd, stdin=False, env=None):
        import threading
        self.cmd = list(cmd)
        self.lines = []
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  bufsize=1, env=env, errors="replace")
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line)

    @property
    def pid(self):
        return self.p.pid

    def output(self):
        return "".join(list(self.lines))

    def running(self):
        return self.p.poll() is None

    def send(self, text):
        self.p.stdin.write(text)
        self.p.stdin.flush()

    def wait_for(self, pred, timeout, what="condition", interval=0.05):
        """Poll pred() until true; AssertionError naming what after timeout seconds."""
        if wait_for(pred, timeout, interval):
            return
        raise AssertionError("timed out after %gs waiting for %s\n--- output of %s:\n%s" % (
            timeout, what, " ".join(self.cmd), self.output()[-4000:]))

    def wait(self, timeout):
        """Wait for exit; kill and raise on timeout. Returns the exit code."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("%s did not exit within %gs\n%s" % (
                " ".join(self.cmd), timeout, self.output()[-4000:]))
        self._t.join(timeout=10)
        return rc

    def stop(self, sig=None, timeout=60):
        """Send sig (SIGINT by default) and wait for the exit code."""
        import signal
        if self.running():
            self.p.send_signal(signal.SIGINT if sig is None else sig)
        return self.wait(timeout)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for f in (self.p.stdin, ):
            try:
                if f:
                    f.close()
            except OSError:
                pass

# ---------------------------------------------------------------- dpdk-testpmd

def testpmd_cmd(vdevs, app_args=(), lcores="0,1", mem=256, mbufs=8192, line_buffered=True):
    """dpdk-testpmd without hugepages (it does not translate --in-memory: --no-shconf)."""
    import shutil
    cmd = []
    if line_buffered and shutil.which("stdbuf"):
        cmd += ["stdbuf", "-oL", "-eL"]
    cmd += [shutil.which("dpdk-testpmd") or "dpdk-testpmd", "-l", lcores, "--no-huge",
            "--no-shconf", "-m", str(mem), "--no-pci", "--log-level=4"]
    for v in vdevs:
        cmd += ["--vdev", v]
    return cmd + ["--", "--total-num-mbufs=%d" % mbufs] + list(app_args)


def testpmd_tx_packets(output):
    """TX-packets of testpmd's last 'Accumulated forward statistics' block (None if absent)."""
    import re
    blocks = output.split("Accumulated forward statistics")
    if len(blocks) < 2:
        return None
    m = re.search(r"TX-packets:\s+(\d+)", blocks[-1])
    return int(m.group(1)) if m else None


def hugepages_problem(mb_needed):
    """None when hugetlbfs is mounted with mb_needed MB of free 2 MB pages,
    else a one-line instruction (for benchmarks run with --hugepages)."""
    try:
        with open("/proc/mounts") as f:
            mounted = any(line.split()[2] == "hugetlbfs" for line in f)
        with open("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") as f:
            free = int(f.read())
    except (OSError, ValueError, IndexError):
        return "no 2 MB hugepage support on this machine"
    need = (mb_needed + 1) // 2
    if not mounted:
        return "hugetlbfs is not mounted: mkdir -p /dev/hugepages && " \
               "mount -t hugetlbfs nodev /dev/hugepages"
    if free < need:
        return "%d free 2 MB hugepages, %d needed: echo %d > " \
               "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" % (free, need, need + 64)
    return None
