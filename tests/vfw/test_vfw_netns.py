#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw system test: the Linux kernel as both peers.

  ns A (unprotected host)              ns B (protected host)
  192.168.10.1 2001:db8:10::1          192.168.20.1 2001:db8:20::1
        |  veth                              |  veth
        +-- vfw port 0 (net_af_packet) ... vfw port 1 (net_af_packet) --+
            192.168.10.100                   192.168.20.100

Checks, with the example policy: ping through (both ways, IPv4 and IPv6)
and to the firewall; a TCP transfer from the protected side outward; an
unsolicited inbound SYN is dropped; a reply to a known UDP flow passes;
UDP to the sink port passes. Then vfw again with --neigh-timeout 2: the
two hosts, in use by a ping through every 0.2 s, are re-probed once a
second past confirmation and the kernels answer: more probes than four
unanswered neighbours (two hosts, IPv4 and IPv6) could take (3 each), none
failed, the pings through (IPv4 and IPv6 at once), and the protected host
saw them as ARP requests to its own MAC. Needs root; exits 77 (skip) when
network namespaces or veth pairs cannot be created."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import vfwcl as v  # noqa: E402

SKIP = 77
TAG = "%d" % (os.getpid() % 100000)
NS = {"A": "vfwA" + TAG, "B": "vfwB" + TAG}
DEV = {"A": ("vfa" + TAG, "vfA" + TAG), "B": ("vfb" + TAG, "vfB" + TAG)}  # (in ns, vfw side)
ADDR = {"A": ("192.168.10.1", "2001:db8:10::1", "192.168.10.100", "2001:db8:10::100"),
        "B": ("192.168.20.1", "2001:db8:20::1", "192.168.20.100", "2001:db8:20::100")}
HELPER = os.path.join(HERE, "nshelper.py")


def sh(*cmd, check=True, timeout=30):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p


def nsrun(side, *cmd, timeout=60, check=False):
    return sh("ip", "netns", "exec", NS[side], *cmd, check=check, timeout=timeout)


def nspopen(side, *cmd):
    return subprocess.Popen(["ip", "netns", "exec", NS[side]] + list(cmd),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def helper(side, *args, timeout=60):
    return nsrun(side, sys.executable, HELPER, *args, timeout=timeout).stdout.strip()


def no_offloads(dev, ns=None):
    pre = ["ip", "netns", "exec", ns] if ns else []
    subprocess.run(pre + ["ethtool", "-K", dev, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
                          "gro", "off"], capture_output=True)


def setup():
    for side in "AB":
        inner, outer = DEV[side]
        sh("ip", "netns", "add", NS[side])
        sh("ip", "link", "add", inner, "type", "veth", "peer", "name", outer)
        sh("ip", "link", "set", inner, "netns", NS[side])
        # the vfw side: no kernel IPv6 chatter, no offloads
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % outer, check=False)
        no_offloads(outer)
        sh("ip", "link", "set", outer, "up")
        ip4, ip6, gw4, gw6 = ADDR[side]
        nsrun(side, "ip", "link", "set", "lo", "up", check=True)
        nsrun(side, "ip", "addr", "add", ip4 + "/24", "dev", inner, check=True)
        nsrun(side, "ip", "-6", "addr", "add", ip6 + "/64", "dev", inner, "nodad", check=True)
        nsrun(side, "ip", "link", "set", inner, "up", check=True)
        nsrun(side, "ip", "route", "add", "default", "via", gw4, check=True)
        nsrun(side, "ip", "-6", "route", "add", "default", "via", gw6, check=True)
        pre = ["ip", "netns", "exec", NS[side]]
        subprocess.run(pre + ["ethtool", "-K", inner, "tx", "off", "rx", "off", "tso", "off", "gso",
                              "off", "gro", "off"], capture_output=True)


def teardown():
    for side in "AB":
        subprocess.run(["ip", "link", "del", DEV[side][1]], capture_output=True)
        subprocess.run(["ip", "netns", "del", NS[side]], capture_output=True)


def can_run():
    if os.geteuid() != 0:
        return "not root"
    if subprocess.run(["which", "ethtool"], capture_output=True).returncode != 0:
        return "ethtool missing (apt-get install ethtool)"
    try:
        sh("ip", "netns", "add", NS["A"] + "x")
        sh("ip", "netns", "del", NS["A"] + "x")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        return "ip netns not usable: %s" % e
    return None


def ping(side, dst, count=4):
    """Echo replies received (nshelper's raw-socket ping: no iputils needed)."""
    out = helper(side, "ping", dst, str(count), "0.5", timeout=30)
    return int(out) if out.isdigit() else 0


def vfw_cmd(sfile, extra=()):
    return [v.binary("vfw")] + v.eal_args(["net_af_packet0,iface=%s" % DEV["A"][1],
                                           "net_af_packet1,iface=%s" % DEV["B"][1]]) + \
        ["--", "--rules", os.path.join(HERE, "..", "..", "vfw", "rules", "example.rules"),
         "--max-sessions", "4096", "--stats-file", sfile, "--idle-sleep", "100"] + list(extra)


def reprobe_phase(check, tmp):
    """Neighbours in use are re-probed and stay (the kernels answer)."""
    sfile = os.path.join(tmp, "stats-probe.json")
    vfw = subprocess.Popen(vfw_cmd(sfile, ["--neigh-timeout", "2"]), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        b4, b6 = ADDR["B"][0], ADDR["B"][1]
        v.wait_for(lambda: ping("A", b4, 1) == 1 or vfw.poll() is not None, 30)
        v.wait_for(lambda: ping("A", b6, 1) == 1 or vfw.poll() is not None, 30)
        arp = nspopen("B", sys.executable, HELPER, "arp-requests", DEV["B"][0], "13")
        p6 = nspopen("A", sys.executable, HELPER, "ping", b6, "60", "0.2")
        out = helper("A", "ping", b4, "60", "0.2", timeout=60)
        n = int(out) if out.isdigit() else 0
        check("ping through while vfw re-probes its neighbours", n >= 57, "%d/60" % n)
        out = p6.communicate(timeout=60)[0].strip()
        n = int(out) if out.isdigit() else 0
        check("ping6 through while vfw re-probes its neighbours", n >= 57, "%d/60" % n)
        seen = arp.communicate(timeout=30)[0].split()
        uni = int(seen[3]) if len(seen) == 4 else 0
        check("the protected host got vfw's probes to its own MAC", uni >= 2, " ".join(seen))
        vfw.send_signal(signal.SIGINT)
        vfw.communicate(timeout=30)
    finally:
        if vfw.poll() is None:
            vfw.kill()
            vfw.communicate()
    with open(sfile) as f:
        nt = json.load(f)["neighbour_table"]
    check("in-use neighbours probed, answered, none failed",
          nt["probes"] > 4 * 3 and nt["failed"] == 0, json.dumps(nt))


def main():
    why = can_run()
    if why:
        print("SKIP:", why)
        return SKIP
    results = []
    stats = None
    vfw = None
    tmp = tempfile.mkdtemp(prefix="vfw-netns-")
    sfile = os.path.join(tmp, "stats.json")
    try:
        try:
            setup()
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print("SKIP: cannot build the namespaces:", e)
            return SKIP
        vfw = subprocess.Popen(vfw_cmd(sfile), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        if vfw.poll() is not None:
            out, err = vfw.communicate()
            if "af_packet" in err and ("not found" in err or "Unknown" in err):
                print("SKIP: net_af_packet unavailable:", err[-500:])
                return SKIP
            raise RuntimeError("vfw exited %d:\n%s\n%s" % (vfw.returncode, out, err))

        def check(name, ok, detail=""):
            results.append((name, ok, detail))
            print("%-55s %s %s" % (name, "ok" if ok else "FAIL", detail), flush=True)

        a4, a6, fwa4, fwa6 = ADDR["A"]
        b4, b6, fwb4, fwb6 = ADDR["B"]
        n = ping("A", fwa4)
        check("ping the firewall (unprotected side)", n >= 3, "%d/4" % n)
        n = ping("B", fwb4)
        check("ping the firewall (protected side)", n >= 3, "%d/4" % n)
        n = ping("A", fwa6)
        check("ping6 the firewall", n >= 3, "%d/4" % n)
        n = ping("B", a4)
        check("ping through, protected -> unprotected", n >= 2, "%d/4" % n)
        n = ping("A", b4)
        check("ping through, unprotected -> protected (rule)", n >= 2, "%d/4" % n)
        n = ping("B", a6)
        check("ping6 through, protected -> unprotected", n >= 2, "%d/4" % n)

        # TCP transfer from the protected side outward
        sink = nspopen("A", sys.executable, HELPER, "tcp-sink", a4, "5001", "20")
        time.sleep(0.5)
        size = 4 * 1024 * 1024
        sent = helper("B", "tcp-send", a4, "5001", str(size), timeout=60)
        got = sink.communicate(timeout=40)[0].strip()
        check("TCP transfer protected -> unprotected", got == str(size), "sent %r received %r" % (sent, got))

        # unsolicited inbound SYN: no answer at all (not even a RST)
        lst = nspopen("B", sys.executable, HELPER, "tcp-sink", b4, "5002", "5")
        time.sleep(0.3)
        r = helper("A", "tcp-connect", b4, "5002", "2")
        check("unsolicited inbound SYN dropped", r == "timeout", r)
        lst.kill()
        lst.communicate()

        # reply to a known UDP flow passes
        echo = nspopen("A", sys.executable, HELPER, "udp-echo", a4, "7000", "6")
        time.sleep(0.3)
        r = helper("B", "udp-ask", a4, "7000", "4")
        check("UDP reply to a known flow passes", r == "answer", r)
        echo.kill()
        echo.communicate()
        # the same from the other side is unsolicited
        echo = nspopen("B", sys.executable, HELPER, "udp-echo", b4, "7001", "4")
        time.sleep(0.3)
        r = helper("A", "udp-ask", b4, "7001", "2")
        check("unsolicited inbound UDP dropped", r == "timeout", r)
        echo.kill()
        echo.communicate()

        # UDP to the sink port passes (the demo stream)
        recv = nspopen("B", sys.executable, HELPER, "udp-recv", b4, "8080", "3")
        time.sleep(0.3)
        helper("A", "udp-send", b4, "8080", "50")
        got = int(recv.communicate(timeout=20)[0].strip() or 0)
        check("UDP to the sink port 8080 passes", got >= 45, "%d/50" % got)

        vfw.send_signal(signal.SIGINT)
        out, err = vfw.communicate(timeout=30)
        check("vfw exits cleanly", vfw.returncode == 0, "rc %d %s" % (vfw.returncode, err[-300:]))
        vfw = None
        if os.path.exists(sfile):
            with open(sfile) as f:
                stats = json.load(f)
            p0 = v.port_stats(stats, 0)
            check("inbound drops counted by rule", p0["dropped_rule"] >= 2,
                  "dropped_rule %d" % p0["dropped_rule"])
            check("no malformed or checksum drops", p0["malformed"] == 0 and
                  v.port_stats(stats, 1)["malformed"] == 0,
                  "%d/%d" % (p0["malformed"], v.port_stats(stats, 1)["malformed"]))
            print("sessions:", json.dumps({k: stats["sessions"][k] for k in ("active", "created", "expired")}))
        reprobe_phase(check, tmp)
    finally:
        if vfw is not None:
            vfw.kill()
            vfw.communicate()
        teardown()
    bad = [r for r in results if not r[1]]
    if bad and stats is not None:
        print("neighbours:", json.dumps(stats["neighbours"]))
        print(json.dumps(stats["ports"], indent=1)[:6000])
    print("%d/%d checks passed" % (len(results) - len(bad), len(results)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
