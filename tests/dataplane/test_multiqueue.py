#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vsnk with two rx queues on two workers (net_pcap with two rx files, three
lcores mapped on the two CPUs): every queue is polled, per-port counters sum
over lcores, and a stream split across the two workers merges exactly."""
import os
import sys
import tempfile
import time

import vfwcl


def main():
    t = time.time_ns()
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.pcap"), os.path.join(d, "b.pcap")
        # stream 1 only on queue 0, stream 2 only on queue 1,
        # stream 3 split: even sequences on queue 0, odd ones on queue 1, 5 lost
        qa = [vfwcl.probe_frame(1, s, t + s) for s in range(300)]
        qb = [vfwcl.probe_frame(2, s, t + s) for s in range(200)]
        lost3 = {17, 18, 101, 150, 299}
        for s in range(400):
            if s in lost3:
                continue
            (qa if s % 2 == 0 else qb).append(vfwcl.probe_frame(3, s, t + s))
        vfwcl.write_pcap(a, qa)
        vfwcl.write_pcap(b, qb)
        total = len(qa) + len(qb)
        cmd = [vfwcl.binary("vsnk"), "--lcores", "0@0,1@1,2@1", "--no-huge", "-m", "256",
               "--no-pci", "--in-memory", "--log-level=4",
               "--vdev", "net_pcap0,rx_pcap=%s,rx_pcap=%s" % (a, b),
               "--", "--rxq", "2", "--idle-sleep", "200", "--max-packets", str(total),
               "--duration", "120"]
        rc, out, err, js = vfwcl.run(cmd, timeout=180)
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    check(rc == 0, "exit 0 (stderr: %s)" % err.strip()[-300:])
    check("2 rx worker(s)" in out, "two rx workers")
    p = vfwcl.port_stats(js)
    check(p["rx_packets"] == total and p["probe_packets"] == total,
          "rx_packets %d == probe_packets == %d" % (p["rx_packets"], total))
    s1, s2, s3 = (vfwcl.stream_stats(js, i) for i in (1, 2, 3))
    check(s1["rx_packets"] == 300 and s1["lost"] == 0, "stream 1 (queue 0): 300, no loss")
    check(s2["rx_packets"] == 200 and s2["lost"] == 0, "stream 2 (queue 1): 200, no loss")
    check(s3["rx_packets"] == 395 and s3["lost"] == 5 and s3["duplicates"] == 0,
          "stream 3 split over both workers: 395 received, exactly 5 lost (got %d/%d)" % (
              s3["rx_packets"], s3["lost"]))
    check(s3["first_seq"] == 0 and s3["highest_seq"] == 399, "stream 3 span 0..399")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
