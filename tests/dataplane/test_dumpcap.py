#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-dumpcap captures a running vsnk port (rte_pdump_init): vsnk on
hugepages with --file-prefix replays a pcap in a loop; dumpcap captures N
packets and every captured frame is one of the input frames. dumpcap cannot
attach to a --no-huge primary, so the test reserves 2 MB hugepages on a
hugetlbfs mount of its own and gives them back (skipped when it cannot)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import obslib as o  # noqa: E402

v = o.v
NR = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
PAGES = 200
N = 10


def pcapng_frames(path):
    """The frames of a pcapng file's enhanced packet blocks (little-endian)."""
    with open(path, "rb") as f:
        d = f.read()
    pos, frames = 0, []
    while pos + 8 <= len(d):
        typ, length = struct.unpack_from("<II", d, pos)
        if length < 12:
            break
        if typ == 6:
            cap = struct.unpack_from("<I", d, pos + 20)[0]
            frames.append(d[pos + 28:pos + 28 + cap])
        pos += length
    return frames


def capture(tmp, mnt):
    src = os.path.join(tmp, "in.pcap")
    frames = [v.probe_frame(1, i) for i in range(50)]
    v.write_pcap(src, frames)
    prefix = "vfwcl-dumpcap-%d" % os.getpid()
    cmd = [v.binary("vsnk"), "-l", "0-1", "-m", "128", "--huge-dir", mnt, "--no-pci", "--log-level=4",
           "--file-prefix", prefix, "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % src,
           "--", "--duration", "120"]
    out = os.path.join(tmp, "cap.pcapng")
    p = v.Proc(cmd)
    try:
        o.Telemetry(prefix, p)
        r = subprocess.run(["dpdk-dumpcap", "--file-prefix", prefix, "-i", "0", "-c", str(N), "-w", out],
                           capture_output=True, text=True, timeout=120)
        rc = p.stop()
    finally:
        p.kill()
    if r.returncode != 0 or rc != 0:
        raise AssertionError("dumpcap rc %d, vsnk rc %d\n%s\n%s" % (r.returncode, rc, r.stderr[-2000:],
                                                                   p.output()[-2000:]))
    return set(frames), pcapng_frames(out)


def main():
    if shutil.which("dpdk-dumpcap") is None:
        print("SKIP: dpdk-dumpcap is not installed (Debian: apt-get install dpdk)")
        return 77
    try:
        with open(NR) as f:
            old = int(f.read())
        with open(NR, "w") as f:
            f.write(str(old + PAGES))
    except OSError as e:
        print("SKIP: cannot reserve hugepages: %s" % e)
        return 77
    mnt = tempfile.mkdtemp(prefix="vfwcl-huge-")
    try:
        subprocess.run(["mount", "-t", "hugetlbfs", "nodev", mnt], check=True)
        with tempfile.TemporaryDirectory(prefix="vfwcl-dumpcap-") as tmp:
            sent, got = capture(tmp, mnt)
    finally:
        subprocess.run(["umount", mnt], check=False)
        os.rmdir(mnt)
        with open(NR, "w") as f:
            f.write(str(old))
    errors = []
    if len(got) < N:
        errors.append("captured %d frames, asked for %d" % (len(got), N))
    errors += ["captured frame %d is not an input frame: %s" % (i, f.hex())
               for i, f in enumerate(got) if f not in sent][:5]
    for e in errors:
        print("FAIL:", e)
    print("dumpcap: %s (%d frames)" % ("FAIL" if errors else "ok", len(got)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
