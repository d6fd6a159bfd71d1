# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the observability tests: a vfw on two net_pcap ports in
multi-process mode (--file-prefix), and a client of DPDK's telemetry socket."""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vfw"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import vfwtest as t  # noqa: E402
import vfwcl as v  # noqa: E402

U, S = "192.168.10.1", "192.168.20.250"
RULES = "default deny\nallow out any\nallow in udp to 192.168.20.0/24 port 8080\n"
PEERS = ["--eth-peer", "0," + t.PEER[0], "--eth-peer", "1," + t.PEER[1]]


def scenario(n):
    """n UDP packets in (forwarded), n replies, n unsolicited (dropped by rule)."""
    sc = t.Scenario()
    for i in range(n):
        sc.fwd(0, t.udp4(0, U, S, 15320, 8080, payload=b"%018d" % i), 1, "in")
        sc.fwd(1, t.udp4(1, S, U, 8080, 15320), 0, "reply")
        sc.drop(0, t.udp4(0, U, S, 1000 + i, 9999), "dropped_rule", note="unsolicited")
    return sc


def vfw_cmd(tmp, sc, prefix, extra=()):
    """vfw reading the scenario once; runs until SIGINT (no --max-packets)."""
    rx = sc.layout()
    rules = os.path.join(tmp, "t.rules")
    with open(rules, "w") as f:
        f.write(RULES)
    vdevs = []
    for p in (0, 1):
        rxf = os.path.join(tmp, "rx%d.pcap" % p)
        v.write_pcap(rxf, rx[p])
        vdevs.append("net_pcap%d,rx_pcap=%s,tx_pcap=%s" % (p, rxf, os.path.join(tmp, "tx%d.pcap" % p)))
    total = len(rx[0]) + len(rx[1])
    cmd = [v.binary("vfw")] + v.eal_args(vdevs, prefix=prefix) + \
        ["--", "--burst", "1", "--duration", "300", "--rules", rules,
         "--stats-file", os.path.join(tmp, "stats.json")] + PEERS + list(extra)
    return cmd, total


class Telemetry:
    """DPDK's telemetry socket of the process started with --file-prefix prefix."""

    def __init__(self, prefix, proc, timeout=60):
        self.s = v.telemetry_connect(prefix, proc.running, timeout)
        if self.s is None:
            raise AssertionError("no telemetry socket %s\n%s" % (v.telemetry_path(prefix),
                                                                proc.output()[-3000:]))
        self.info = json.loads(self.s.recv(16384))

    def cmd(self, c):
        self.s.send(c.encode())
        return json.loads(self.s.recv(65536))[c.split(",")[0]]

    def close(self):
        self.s.close()


def wait_quiet(tel, total, timeout=120):
    """Until vfw received all total packets of its pcaps."""
    def done():
        st = tel.cmd("/vfw/stats")
        return st is not None and st["totals"]["rx_packets"] == total
    if not v.wait_for(done, timeout, 0.2):
        raise AssertionError("vfw did not receive its %d packets: %r" % (total, tel.cmd("/vfw/stats")))
    time.sleep(0.5)   # the last burst's tx is counted after its rx
