#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-testpmd --forward-mode=txonly as the peer of vsnk.

(a) testpmd -> net_pcap tx_pcap -> file -> vsnk (net_pcap rx_pcap):
    vsnk rx_packets == testpmd's TX-packets == frames in the file.
    txonly has no rate limit and would write gigabytes per second, so its
    tx_pcap is a FIFO that this script drains into the file: testpmd blocks
    when the FIFO is full, and gets SIGINT once a few MB were written. Its
    final statistics and the flushed file then match exactly.

(b) testpmd (memif server) -> net_memif -> vsnk (memif client), concurrently.
    testpmd runs interactively on a pipe: 'start' before vsnk connects,
    then 'stop' once traffic flows (forwarding stops, its final TX-packets
    is printed, the memif link stays up so nothing is lost in the ring),
    vsnk drains until its rx counter equals TX-packets, then SIGINT to
    testpmd and to vsnk; vsnk's stats file must hold exactly TX-packets.

testpmd's txonly packets carry no probe: vsnk counts them as foreign_udp
(IPv4 checksum right, UDP checksum 0 = none), never as errors.

Roles: vsnk is the memif *client*. As a server it cannot take testpmd: vsnk
opens its ports with no tx queue, and the memif server then refuses the
client's server-to-client ring ("Invalid ring index"). testpmd also runs
with --no-flush-rx: its rx flush at 'start' reads the client-to-server ring
that vsnk (no tx queue) never created, which injects bogus frames into
vsnk's ring (see the report of this test's author)."""
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vfwcl  # noqa: E402
import vsnk_scenarios as S  # noqa: E402

FRAME_LEN = 64                   # --txpkts=64 (no FCS in DPDK)
PCAP_TARGET_BYTES = 2 << 20      # SIGINT to testpmd once this much was written
MEMIF_MIN_PACKETS = 50000        # stop testpmd once vsnk received this many
TIMEOUT = 120
TXONLY = ["--forward-mode=txonly", "--txpkts=%d" % FRAME_LEN, "--nb-cores=1"]


def fail(msg, *procs):
    for p in procs:
        if p is not None:
            msg += "\n--- output of %s:\n%s" % (" ".join(p.cmd), p.output()[-4000:])
    raise AssertionError(msg)


def check_foreign_udp(js, n, what):
    """vsnk stats for n txonly frames of FRAME_LEN bytes."""
    p = S._port0(js) if js else None
    if p is None:
        fail("%s: no port 0 in vsnk's stats JSON: %r" % (what, js))
    exp = {"rx_packets": n, "rx_bytes": n * FRAME_LEN, "foreign_packets": n, "foreign_udp": n}
    errs = []
    for k, v in sorted(p.items()):
        if k in ("port", "name", "driver") or not isinstance(v, int):
            continue
        if v != exp.get(k, 0):
            errs.append("%s = %d, expected %d" % (k, v, exp.get(k, 0)))
    if p["rx_packets"] != p["probe_packets"] + p["foreign_packets"] + p["malformed"] + \
            p["bad_checksum"]:
        errs.append("identity rx = probe + foreign + malformed + bad_checksum broken")
    if js.get("streams"):
        errs.append("streams reported for traffic without probes: %r" % js["streams"][:3])
    if errs:
        fail("%s: vsnk counters:\n  %s" % (what, "\n  ".join(errs)))


# ---------------------------------------------------------------- (a) pcap file

def test_pcap_file(tmp):
    print("(a) testpmd txonly -> tx_pcap (FIFO drained to a file) -> vsnk rx_pcap", flush=True)
    fifo = os.path.join(tmp, "txonly.fifo")
    out_pcap = os.path.join(tmp, "txonly.pcap")
    os.mkfifo(fifo)
    # open before testpmd does (its fopen blocks until there is a reader)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    tp = None
    try:
        tp = vfwcl.Proc(vfwcl.testpmd_cmd(["net_pcap0,tx_pcap=%s" % fifo], TXONLY), stdin=True)
        total = 0
        signalled = False
        eof = False
        deadline = time.monotonic() + TIMEOUT
        with open(out_pcap, "wb") as out:
            while time.monotonic() < deadline:
                try:
                    b = os.read(fd, 1 << 16)
                except BlockingIOError:      # writer there, nothing to read yet
                    b = None
                if b:
                    out.write(b)
                    total += len(b)
                    if total >= PCAP_TARGET_BYTES and not signalled:
                        tp.p.send_signal(signal.SIGINT)
                        signalled = True
                    continue
                if b == b"" and total > 0:   # writer closed after writing: done
                    eof = True
                    break
                if not tp.running() and total == 0:
                    fail("testpmd exited (code %r) before writing the pcap" % tp.p.returncode, tp)
                time.sleep(0.01)
        if not eof:
            fail("the FIFO did not reach end of file within %ds (%d bytes read, SIGINT %s)" % (
                TIMEOUT, total, "sent" if signalled else "not sent"), tp)
        rc = tp.wait(60)
    finally:
        os.close(fd)
        if tp is not None:
            tp.kill()
    if rc not in (0, -signal.SIGINT):
        fail("testpmd exit code %r after SIGINT" % rc, tp)
    tx = vfwcl.testpmd_tx_packets(tp.output())
    if tx is None:
        fail("no 'Accumulated forward statistics' TX-packets in testpmd's output", tp)
    n, nbytes = vfwcl.pcap_count(out_pcap)
    print("  testpmd TX-packets %d, pcap holds %d frames (%d bytes), testpmd exit %d" % (
        tx, n, nbytes, rc), flush=True)
    if n == 0 or tx != n:
        fail("testpmd TX-packets %d != %d frames in %s" % (tx, n, out_pcap), tp)
    if nbytes != n * FRAME_LEN:
        fail("pcap frames are not all %d bytes: %d bytes for %d frames" % (FRAME_LEN, nbytes, n))

    cmd = [vfwcl.binary("vsnk")] + vfwcl.eal_args(["net_pcap0,rx_pcap=%s" % out_pcap]) + [
        "--", "--max-packets", str(n), "--duration", "100"]
    rc, out, err, js = vfwcl.run(cmd, timeout=TIMEOUT + 100)
    if rc != 0:
        fail("vsnk exit code %r\nstdout:\n%s\nstderr:\n%s" % (rc, out[-2000:], err[-2000:]))
    check_foreign_udp(js, n, "(a) pcap")
    print("  ok: vsnk rx_packets = foreign_udp = %d = testpmd TX-packets = frames in the file" % n,
          flush=True)


# ---------------------------------------------------------------- (b) memif

RX_RE = re.compile(r"^port \d+ \S+\s+rx\s+(\d+) pkts", re.M)


def vsnk_rx(vs):
    """Latest rx counter vsnk printed (--stats-period 1), -1 if none yet."""
    m = RX_RE.findall(vs.output())
    return int(m[-1]) if m else -1


def start_vsnk_client(sock, stats):
    """vsnk as memif client; retried while the server is not accepting yet."""
    cmd = [vfwcl.binary("vsnk")] + vfwcl.eal_args(
        ["net_memif0,role=client,socket=%s" % sock]) + [
        "--", "--idle-sleep", "100", "--stats-period", "1", "--stats-file", stats,
        "--duration", "600"]
    for attempt in range(5):
        vs = vfwcl.Proc(cmd)
        # running with its first stats line, or exited (e.g. memif connect refused)
        vs.wait_for(lambda: vsnk_rx(vs) >= 0 or not vs.running(), TIMEOUT, "vsnk to start")
        if vs.running():
            return vs
        rc = vs.wait(30)
        print("  vsnk exited with %r at start (attempt %d), retrying:\n%s" % (
            rc, attempt + 1, vs.output()[-600:]), flush=True)
        time.sleep(1)
    fail("vsnk could not start as memif client", vs)


def test_memif(tmp):
    print("(b) testpmd txonly (memif server) -> net_memif -> vsnk (memif client)", flush=True)
    sock = os.path.join(tmp, "memif.sock")
    stats = os.path.join(tmp, "vsnk.json")
    tp = vs = None
    try:
        tp = vfwcl.Proc(vfwcl.testpmd_cmd(["net_memif0,role=server,socket=%s" % sock],
                                          ["-i", "--no-flush-rx"] + TXONLY), stdin=True)
        tp.wait_for(lambda: "Checking link statuses...\nDone" in tp.output() or not tp.running(),
                    TIMEOUT, "testpmd to start its port")
        if not tp.running():
            fail("testpmd exited at start", tp)
        tp.send("start\n")
        tp.wait_for(lambda: "forwards packets on" in tp.output(), TIMEOUT,
                    "testpmd to start forwarding")
        vs = start_vsnk_client(sock, stats)
        vs.wait_for(lambda: vsnk_rx(vs) >= MEMIF_MIN_PACKETS or not vs.running(), TIMEOUT,
                    "vsnk to receive %d packets" % MEMIF_MIN_PACKETS)
        if not vs.running():
            fail("vsnk exited while receiving", vs, tp)

        tp.send("stop\n")
        tp.wait_for(lambda: vfwcl.testpmd_tx_packets(tp.output()) is not None, TIMEOUT,
                    "testpmd's forward statistics after 'stop'")
        n = vfwcl.testpmd_tx_packets(tp.output())
        print("  testpmd stopped: TX-packets %d; waiting for vsnk to count them" % n, flush=True)

        def drained():
            r = vsnk_rx(vs)
            if r > n:
                fail("vsnk received %d packets, more than testpmd's TX-packets %d" % (r, n),
                     vs, tp)
            return r == n
        vs.wait_for(drained, TIMEOUT, "vsnk rx to reach testpmd's TX-packets %d" % n)

        rc = tp.stop(signal.SIGINT, 60)
        if rc not in (0, -signal.SIGINT):
            fail("testpmd exit code %r after SIGINT" % rc, tp)
        rc = vs.stop(signal.SIGINT, 60)
        if rc != 0:
            fail("vsnk exit code %r after SIGINT" % rc, vs)
    finally:
        for p in (vs, tp):
            if p is not None:
                p.kill()
    with open(stats) as f:
        js = json.load(f)
    check_foreign_udp(js, n, "(b) memif")
    print("  ok: vsnk rx_packets = foreign_udp = %d = testpmd TX-packets" % n, flush=True)


def main():
    if not os.access(vfwcl.binary("vsnk"), os.X_OK):
        print("vsnk not built: %s" % vfwcl.binary("vsnk"))
        return 1
    if shutil.which("dpdk-testpmd") is None:
        print("dpdk-testpmd not installed: skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="vsnk-testpmd-")
    failed = []
    try:
        for t in (test_pcap_file, test_memif):
            try:
                t(tmp)
            except AssertionError as e:
                failed.append(t.__name__)
                print("  FAIL %s: %s" % (t.__name__, e), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        print("FAILED: %s" % ", ".join(failed))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
