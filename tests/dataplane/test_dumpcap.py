#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-dumpcap captures a running vsnk port (rte_pdump_init): vsnk on
hugepages with --file-prefix replays a pcap in a loop; dumpcap captures N
packets and every captured frame is one of the input frames. dumpcap cannot
attach to a --no-huge primary, so the test reserves 2 MB hugepages on a
hugetlbfs mount of its own and gives them back (skipped when it cannot).

vsnk maps its memory from --base-virtaddr BASE: a secondary must map it at
the same addresses, and where the primary chose them itself (always under
AddressSanitizer, whose shadow holds DPDK's default base) they were at
times taken in dumpcap (a shared library there), which then failed.

Then a secondary that dies holding the shared memory lock (what a dumpcap
crashing in its EAL cleanup did once): vsnk still exits, 0, after its
bounded EAL cleanup, its stats file written."""
import json
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
BASE = "0x200000000000"   # free in a plain process and in ASan's high memory (its heap is at 0x6000...)


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


def vsnk_cmd(mnt, prefix, src, extra=()):
    return [v.binary("vsnk"), "-l", "0-1", "-m", "128", "--huge-dir", mnt, "--no-pci",
            "--log-level=4", "--base-virtaddr", BASE, "--file-prefix", prefix,
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % src, "--", "--duration", "120"] + \
        list(extra)


def stuck_lock(tmp, mnt):
    """vsnk stopped while a dead secondary holds the shared memory lock:
    errors (empty when it exits 0, says why and wrote its stats)."""
    src = os.path.join(tmp, "in.pcap")
    prefix = "vfwcl-dumpcap-lock-%d" % os.getpid()
    stats = os.path.join(tmp, "lock-stats.json")
    p = v.Proc(vsnk_cmd(mnt, prefix, src, ["--stats-file", stats]))
    holder = None
    try:
        o.Telemetry(prefix, p)
        holder = v.Proc([os.path.join(v.build_dir(), "tests", "dataplane", "mem_lock_holder"),
                         "--proc-type=secondary", "--file-prefix", prefix, "-l", "0", "--no-pci",
                         "--log-level=4"])
        holder.wait_for(lambda: "locked" in holder.output() or not holder.running(), 60,
                        "the secondary to take the lock")
        if "locked" not in holder.output():
            return ["the secondary did not take the lock: %s" % holder.output()[-1500:]]
        holder.kill()
        rc = p.stop(timeout=60)
    finally:
        if holder is not None:
            holder.kill()
        p.kill()
    errors = []
    if rc != 0:
        errors.append("vsnk exited %d, not 0" % rc)
    if "EAL cleanup stuck" not in p.output():
        errors.append("vsnk did not say why it exited without the EAL cleanup: %s" % p.output()[-800:])
    try:
        with open(stats) as f:
            if json.load(f)["totals"]["rx_packets"] <= 0:
                errors.append("the stats file counts no packets")
    except (OSError, ValueError, KeyError) as e:
        errors.append("no stats file: %s" % e)
    print("stuck lock: %s" % ("FAIL" if errors else "ok, vsnk exited 0 and said why"))
    return errors


def capture(tmp, mnt):
    src = os.path.join(tmp, "in.pcap")
    frames = [v.probe_frame(1, i) for i in range(50)]
    v.write_pcap(src, frames)
    prefix = "vfwcl-dumpcap-%d" % os.getpid()
    cmd = vsnk_cmd(mnt, prefix, src)
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
            lock_errors = stuck_lock(tmp, mnt)
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
    errors += lock_errors
    for e in errors:
        print("FAIL:", e)
    print("dumpcap: %s (%d frames)" % ("FAIL" if errors else "ok", len(got)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
