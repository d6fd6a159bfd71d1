#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw dataplane tests on net_pcap ports: every input packet has an expected
verdict (forwarded and how, answered, or dropped with a reason); the frames
vfw sends and every per-port counter are compared with the expectation.
Port 0 is the unprotected side, port 1 the protected side."""
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vfwtest as t  # noqa: E402
from vfwtest import v  # noqa: E402

U, P, S, R = "192.168.10.1", "192.168.20.10", "192.168.20.250", "8.8.8.8"
U6, P6, S6 = "2001:db8:10::1", "2001:db8:20::10", "2001:db8:20::250"

RULES = """
# test policy
default deny
allow out any
allow in udp to 192.168.20.0/24 port 8080
allow in udp to 2001:db8:20::/64 port 8080
allow in icmp type echo-request
allow in icmp6 type echo-request
deny in tcp to any port 23
allow in tcp to 192.168.20.10 port 80
allow in proto 47 stateless
"""

PEERS = ["--eth-peer", "0," + t.PEER[0], "--eth-peer", "1," + t.PEER[1]]


def write_rules(tmp, text):
    path = os.path.join(tmp, "test.rules")
    with open(path, "w") as f:
        f.write(text)
    return path


def ip4hdr_plus8(frame):
    """The IPv4 header and 8 L4 bytes of a frame (what an ICMP error quotes)."""
    ihl = (frame[14] & 0xF) * 4
    return frame[14:14 + ihl + 8]


def main_scenario():
    sc = t.Scenario()
    # the demo stream, its reply, unsolicited UDP
    sc.fwd(0, t.udp4(0, U, S, 15320, 8080), 1, "demo stream: new session")
    sc.fwd(0, t.udp4(0, U, S, 15320, 8080, payload=b"q" * 18), 1, "demo stream: established")
    sc.fwd(1, t.udp4(1, S, U, 8080, 15320), 0, "reply of the sink")
    sc.drop(0, t.udp4(0, U, P, 1000, 9999), "dropped_rule", note="unsolicited UDP")
    # TCP opened from the protected side, to the end
    sc.fwd(1, t.tcp4(1, P, R, 40000, 80, "SYN"), 0, "SYN out")
    sc.fwd(0, t.tcp4(0, R, P, 80, 40000, "SYN|ACK"), 1, "SYN+ACK back")
    sc.fwd(1, t.tcp4(1, P, R, 40000, 80, "ACK"), 0, "ACK: established")
    sc.fwd(0, t.tcp4(0, R, P, 80, 40000, "ACK|PSH", b"data"), 1, "data back")
    sc.drop(1, t.tcp4(1, P, R, 40000, 80, "SYN"), "dropped_state", "state_invalid", "SYN in ESTABLISHED")
    sc.fwd(1, t.tcp4(1, P, R, 40000, 80, "FIN|ACK"), 0, "FIN")
    sc.fwd(0, t.tcp4(0, R, P, 80, 40000, "FIN|ACK"), 1, "FIN back")
    sc.fwd(1, t.tcp4(1, P, R, 40000, 80, "ACK"), 0, "last ACK: TIME_WAIT")
    # inbound TCP
    sc.drop(0, t.tcp4(0, R, P, 1234, 22, "SYN"), "dropped_rule", note="unsolicited SYN")
    sc.drop(0, t.tcp4(0, R, P, 1234, 23, "SYN"), "dropped_rule", note="explicit deny")
    sc.drop(0, t.tcp4(0, R, P, 5555, 80, "ACK"), "dropped_state", "state_no_session",
            "allowed port, not a SYN")
    sc.fwd(0, t.tcp4(0, R, P, 5555, 80, "SYN"), 1, "allowed inbound SYN")
    sc.drop(1, t.tcp4(1, P, R, 40002, 80, "ACK"), "dropped_state", "state_no_session", "ACK out, no session")
    # hostile and malformed
    sc.drop(1, t.tcp4(1, P, R, 40003, 80, "SYN|FIN"), "malformed", "bad_tcp_flags")
    sc.drop(0, t.tcp4(0, R, P, 1, 80, "FIN"), "malformed", "bad_tcp_flags", "FIN scan")
    sc.drop(0, t.tcp4(0, R, P, 1, 80, "FIN|PSH|URG"), "malformed", "bad_tcp_flags", "Xmas")
    sc.drop(0, t.tcp4(0, R, P, 1, 80, 0), "malformed", "bad_tcp_flags", "NULL scan")
    f = bytearray(t.tcp4(0, R, P, 1, 80, "SYN"))
    f[47] = 0x12   # SYN -> SYN+ACK without fixing the checksum
    sc.drop(0, bytes(f), "malformed", "bad_l4_cksum", "TCP checksum")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S), bad_csum=True),
            "malformed", "bad_ip_cksum")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S, bad_csum=True)),
            "malformed", "bad_l4_cksum")
    sc.fwd(1, t.e(1) + v.ipv4(P, R, 17, v.udp(5000, 53, b"x" * 18)), 0, "UDP without checksum")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S), options=b"\x01" * 4),
            "malformed", "ip_options")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S), flags_frag=0x2000),
            "malformed", "fragment", "first fragment")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, b"x" * 26, flags_frag=0x0010), "malformed", "fragment",
            "later fragment")
    sc.drop(0, b"\x02\x70\x63\x61\x70\x00\x02\x00\x00\x00", "malformed", "malformed_trunc_eth")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S), total_len=200),
            "malformed", "malformed_bad_ip_len")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S), ihl=4),
            "malformed", "malformed_bad_ihl")
    sc.drop(0, t.e(0) + v.ipv4(U, S, 6, b"\0" * 10), "malformed", "malformed_trunc_l4")
    f = bytearray(t.udp4(0, U, S, 1, 8080))
    f[38:40] = struct.pack("!H", 9)
    sc.drop(0, bytes(f), "malformed", "malformed_bad_l4_len")
    f = bytearray(t.udp4(0, U, S, 1, 8080))
    f[14] = 0x65
    sc.drop(0, bytes(f), "malformed", "malformed_bad_ip_ver")
    sc.drop(0, t.e(0) + b"\x45\x00", "malformed", "malformed_trunc_l3")
    sc.drop(1, t.udp4(1, P, R, 1, 2, ttl=1), "no_route", "ttl_exceeded")
    sc.drop(0, t.udp4(0, "127.0.0.1", S, 1, 8080), "malformed", "martian")
    sc.drop(1, t.udp4(1, P, "224.0.0.5", 1, 2), "dropped_other", "multicast")
    sc.drop(1, t.udp4(1, P, "192.168.20.255", 1, 2), "dropped_other", "multicast", "subnet broadcast")
    sc.drop(0, v.eth(dst="02:11:11:11:11:11", src=t.PEER[0]) + v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S)),
            "dropped_other", "not_for_us")
    sc.drop(0, v.eth(dst=t.MAC[0], src=t.PEER[0], ethertype=0x8100) + v.vlan(10, 0x0800) +
            v.ipv4(U, S, 17, v.udp(1, 8080, b"x" * 18, U, S)), "dropped_other", "vlan")
    sc.drop(0, v.pad60(t.e(0, 0x88CC)), "dropped_other", "not_ip", "LLDP")
    # the firewall itself
    req = t.arp_req(0, U, t.FW4[0])
    sc.local(0, req, t.arp_reply_expected(0, req), ["arp_in", "arp_reply_tx"], "ARP for us")
    sc.local(0, t.arp_req(0, U, "192.168.10.55"), None, ["arp_in"], "ARP for another host")
    req = t.echo4(0, U, t.FW4[0], 99, 1)
    sc.local(0, req, t.echo4_reply_expected(req, 0), ["echo_reply_tx"], "ping the firewall")
    req = t.echo4(0, U, t.FW4[1], 99, 2)
    sc.local(0, req, t.echo4_reply_expected(req, 0), ["echo_reply_tx"], "ping the protected address")
    sc.drop(0, t.udp4(0, U, t.FW4[0], 1, 161), "dropped_other", "to_self")
    # ping through
    sc.fwd(0, t.echo4(0, U, P, 7, 1), 1, "ping in")
    sc.fwd(1, t.echo4(1, P, U, 7, 1, reply=True), 0, "pong out")
    sc.drop(0, t.echo4(0, R, P, 8, 1, reply=True), "dropped_rule", note="unsolicited echo reply")
    sc.drop(1, t.echo4(1, P, R, 9, 1, reply=True), "dropped_state", "state_no_session", "echo reply out")
    # ICMP errors: related to a session, or not
    q = t.udp4(1, P, R, 5001, 53)
    sc.fwd(1, q, 0, "DNS query out")
    sc.fwd(0, t.icmp4(0, R, P, 3, 3, b"\0\0\0\0" + ip4hdr_plus8(q)), 1, "port unreachable back",
           extra=["related"])
    sc.drop(0, t.icmp4(0, R, P, 3, 3, b"\0\0\0\0" + ip4hdr_plus8(t.udp4(1, P, R, 5002, 53))),
            "dropped_rule", note="error about an unknown flow")
    # routes
    sc.drop(1, t.udp4(1, P, "192.168.20.11", 1, 2), "no_route", "hairpin")
    sc.fwd(0, v.pad60(t.e(0) + v.ipv4(R, P, 47, b"\0" * 24)), 1, "GRE: stateless rule",
           extra=["stateless"])
    # IPv6
    sc.fwd(0, t.udp6(0, U6, S6, 15320, 8080), 1, "v6 demo stream")
    sc.fwd(1, t.udp6(1, S6, U6, 8080, 15320), 0, "v6 reply")
    sc.drop(0, t.tcp6(0, U6, P6, 1234, 22, "SYN"), "dropped_rule", note="v6 unsolicited SYN")
    sc.fwd(1, t.tcp6(1, P6, U6, 40000, 443, "SYN"), 0, "v6 SYN out")
    sc.fwd(0, t.tcp6(0, U6, P6, 443, 40000, "SYN|ACK"), 1, "v6 SYN+ACK back")
    req = t.echo6(0, U6, t.FW6[0], 5, 1)
    sc.local(0, req, t.echo6_reply_expected(req, 0), ["echo_reply_tx"], "ping6 the firewall")
    sc.local(0, t.ns6(0, U6, t.FW6[0], t.PEER[0]), t.na6_expected(0, U6, t.FW6[0], t.PEER[0]),
             ["nd_in", "nd_na_tx"], "neighbour solicitation")
    sc.fwd(0, t.echo6(0, U6, P6, 3, 1), 1, "ping6 in")
    sc.fwd(1, t.echo6(1, P6, U6, 3, 1, reply=True), 0, "pong6 out")
    sc.drop(1, t.udp6(1, P6, U6, 1, 2, hlim=1), "no_route", "ttl_exceeded")
    sc.drop(1, t.udp6(1, P6, "2001:db8:99::1", 1, 2), "no_route", "route_missing")
    frag = struct.pack("!BBHI", 17, 0, 1, 77) + v.udp(1, 2, b"x" * 18, P6, U6, v6=True)
    sc.drop(1, t.e(1, 0x86DD) + v.ipv6(P6, U6, 44, frag), "malformed", "fragment", "v6 fragment")
    sc.drop(1, t.udp6(1, P6, "ff02::1", 1, 2), "dropped_other", "multicast")
    sc.drop(1, t.udp6(1, "fe80::1", U6, 1, 2), "malformed", "martian", "link-local source")
    f = bytearray(t.udp6(1, P6, U6, 1, 2))
    f[-1] ^= 0xFF
    sc.drop(1, bytes(f), "malformed", "bad_l4_cksum", "v6")
    return sc


def test_main():
    with tempfile.TemporaryDirectory() as tmp:
        rules = write_rules(tmp, RULES)
        js = t.run_scenario(main_scenario(), ["--rules", rules, "--route", "0.0.0.0/0,192.168.10.1",
                                              "--max-sessions", "1024"] + PEERS, "main")
    assert js["sessions"]["created"] == 9, js["sessions"]
    assert js["sessions"]["states"]["tcp_time_wait"] == 1, js["sessions"]["states"]
    assert js["sessions"]["states"]["tcp_syn_sent"] == 1
    assert js["sessions"]["states"]["udp_established"] == 2
    assert js["sessions"]["states"]["icmp_reply"] == 2
    assert t.rule_packets(js, "allow in udp to 192.168.20.0/24 port 8080") == 1
    assert t.rule_packets(js, "deny in tcp to any port 23") == 1
    assert t.rule_packets(js, "allow in proto 47 stateless") == 1
    neigh = {(n["port"], n["ip"]): n["mac"] for n in js["neighbours"]}
    assert neigh.get((0, U)) == t.PEER[0], js["neighbours"]
    assert neigh.get((0, U6)) == t.PEER[0], js["neighbours"]
    print("main scenario: %d packets, verdicts and counters as expected" % len(main_scenario().seq))


def test_table_full():
    sc = t.Scenario()
    for i in range(70):
        f = t.udp4(1, P, R, 10000 + i, 53)
        if i < 64:
            sc.fwd(1, f, 0, "flow %d" % i)
        else:
            sc.drop(1, f, "table_full", note="flow %d" % i)
    sc.fwd(1, t.udp4(1, P, R, 10000, 53), 0, "existing flow goes on")
    sc.fwd(0, t.udp4(0, R, P, 53, 10063), 1, "reply of the last admitted flow")
    js = t.run_scenario(sc, ["--max-sessions", "64", "--route", "0.0.0.0/0,192.168.10.1"] + PEERS,
                        "table full")
    assert js["sessions"]["table_full"] == 6
    assert js["sessions"]["active"] == 64
    print("table full: 64 sessions, 6 flows refused, existing flows forwarded")


def test_unresolved_next_hop():
    sc = t.Scenario()
    sc.drop(0, t.udp4(0, U, S, 1, 8080), "no_route", "unresolved", "no MAC for the sink yet")
    sc.drop(0, t.udp4(0, U, S, 2, 8080), "no_route", "unresolved", "still none, no second request")
    sc.out[1].append(t.arp_request_expected(1, S))
    sc.ctr[1]["tx_packets"] = 1
    sc.ctr[1]["tx_bytes"] = 60
    sc.ctr[1]["arp_request_tx"] = 1
    rep = v.pad60(v.eth(dst=t.MAC[1], src="02:00:00:00:02:50", ethertype=0x0806) +
                  v.arp(2, "02:00:00:00:02:50", S, t.MAC[1], t.FW4[1]))
    sc.local(1, rep, None, ["arp_in"], "the sink answers")
    js = t.run_scenario(sc, ["--eth-peer", "0," + t.PEER[0]], "unresolved")
    neigh = {(n["port"], n["ip"]): n["mac"] for n in js["neighbours"]}
    assert neigh.get((1, S)) == "02:00:00:00:02:50", js["neighbours"]
    nt = js["neighbour_table"]
    assert nt["entries"] == len(js["neighbours"]) and nt["evicted"] == 0, nt
    print("next hop: ARP request sent once, reply learned")


def test_gateway_next_hop():
    """A route via a gateway (no --eth-peer on its port): its next hop object is
    resolved by ARP, and every packet of an established flow, whose session
    caches that next hop, goes to the gateway's MAC; the other direction goes
    to port 1's static peer."""
    gw_mac = "02:00:00:00:0a:01"
    sc = t.Scenario()
    sc.drop(1, t.udp4(1, P, R, 5000, 53), "no_route", "unresolved", "gateway not resolved yet")
    sc.out[0].append(t.arp_request_expected(0, U))
    sc.ctr[0]["tx_packets"] = 1
    sc.ctr[0]["tx_bytes"] = 60
    sc.ctr[0]["arp_request_tx"] = 1
    rep = v.pad60(v.eth(dst=t.MAC[0], src=gw_mac, ethertype=0x0806) +
                  v.arp(2, gw_mac, U, t.MAC[0], t.FW4[0]))
    sc.local(0, rep, None, ["arp_in"], "the gateway answers")
    for i in range(40):
        out = t.udp4(1, P, R, 5000, 53, payload=b"q%02d" % i + b"x" * 15)
        sc.fwd(1, out, 0, "out via the gateway #%d" % i)
        exp = bytearray(sc.out[0][-1])
        exp[0:6] = v.mac(gw_mac)
        sc.out[0][-1] = bytes(exp)
        sc.fwd(0, t.udp4(0, R, P, 53, 5000, payload=b"r%02d" % i + b"y" * 15), 1, "reply #%d" % i)
    with tempfile.TemporaryDirectory() as tmp:
        js = t.run_scenario(sc, ["--rules", write_rules(tmp, RULES), "--route", "0.0.0.0/0," + U,
                                 "--eth-peer", "1," + t.PEER[1]], "gateway next hop")
    assert js["sessions"]["created"] == 1, js["sessions"]
    print("gateway next hop: resolved by ARP, 40 packets each way of one session to the right MACs")


def test_allow_all():
    sc = t.Scenario()
    sc.fwd(0, t.tcp4(0, R, P, 80, 40000, "ACK"), 1, "mid-stream inbound ACK")
    sc.fwd(0, t.udp4(0, U, P, 1, 9), 1, "any inbound UDP")
    sc.fwd(1, t.echo4(1, P, R, 1, 1, reply=True), 0, "echo reply out")
    sc.fwd(0, t.udp6(0, U6, P6, 1, 9), 1, "v6")
    for p in (0, 1):
        n = sum(1 for port, _, verdict in sc.seq if port == p)
        sc.ctr[p]["stateless"] = n
    js = t.run_scenario(sc, ["--rules", os.path.join(t.RULES_DIR, "allow-all.rules"),
                             "--route", "0.0.0.0/0,192.168.10.1"] + PEERS, "allow-all")
    assert js["sessions"]["created"] == 0
    print("allow-all: everything forwarded without sessions")


def test_builtin_policy():
    sc = t.Scenario()
    sc.fwd(0, t.udp4(0, "192.168.10.200", S, 15320, 8080), 1, "ONAP demo stream")
    sc.drop(0, t.udp4(0, "192.168.10.200", S, 15320, 8081), "dropped_rule")
    sc.fwd(0, t.echo4(0, U, S, 1, 1), 1, "ping in")
    sc.fwd(1, t.tcp4(1, P, U, 1000, 22, "SYN"), 0, "out")
    js = t.run_scenario(sc, PEERS, "built-in policy")
    assert js["rule_set"]["source"] == "<built-in>"
    print("built-in policy: the example file")


def test_bad_rules_refused():
    with tempfile.TemporaryDirectory() as tmp:
        rules = write_rules(tmp, "allow out any\nallow in udp to 192.168.20.0/24 port 80800\n")
        cmd = t.vfw_cmd(tmp, {0: [], 1: []}, ["--rules", rules])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert p.returncode == 2, (p.returncode, p.stderr)
        assert "%s:2: invalid port '80800'" % rules in p.stderr, p.stderr
        cmd = t.vfw_cmd(tmp, {0: [], 1: []}, ["--rules", os.path.join(tmp, "missing.rules")])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and "cannot open" in p.stderr, p.stderr
    print("bad rule file: refused with file:line: reason, exit 2")


def test_bad_options():
    cases = [
        (["--port-ip", "0,192.168.10.1"], "--port-ip"),
        (["--eth-peer", "1,ff:ff:ff:ff:ff:ff"], "not a unicast MAC"),
        (["--route", "10.0.0.0/8,172.16.0.1"], "gateway is in no connected subnet"),
        (["--timeout", "tcp_bogus=5"], "unknown state 'tcp_bogus'"),
        (["--max-sessions", "10"], "--max-sessions"),
        (["--neigh-timeout", "0"], "--neigh-timeout"),
        (["--neigh-timeout", "86401"], "seconds, 1..86400"),
        (["--protected-port", "0"], "also the unprotected port"),
        (["--port-ip", "1,192.168.10.7/24"], "overlapping IPv4 subnets"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for args, msg in cases:
            p = subprocess.run(t.vfw_cmd(tmp, {0: [], 1: []}, args), capture_output=True, text=True,
                               timeout=60)
            assert p.returncode == 2 and msg in p.stderr, (args, p.returncode, p.stderr)
    print("bad options: exit 2 with the reason")


def test_live_reload():
    """SIGHUP reloads the rule file while a stream goes through; every packet is
    classified (stateless rule) by the old or the new set: none is lost, and the
    unchanged rule keeps counting across the reloads. Each SIGHUP is sent once
    the previous reload is logged (signals sent faster may be merged into one
    reload, which is allowed: no fixed delay is assumed)."""
    import json
    import signal
    import threading
    a = "allow in udp to 192.168.20.0/24 port 8080 stateless\n"
    b = "deny in tcp to any port 1\n" + a + "deny in udp to any port 9\n"
    n_reloads = 12
    with tempfile.TemporaryDirectory() as tmp:
        rules = write_rules(tmp, a)
        src = os.path.join(tmp, "stream.pcap")
        v.write_pcap(src, [t.udp4(0, U, S, 15320 + i, 8080) for i in range(16)])
        stats = os.path.join(tmp, "stats.json")
        cmd = [v.binary("vfw")] + v.eal_args(["net_pcap0,rx_pcap=%s,infinite_rx=1" % src,
                                              "net_null1,no-rx=1"]) + \
            ["--", "--rules", rules, "--duration", "300", "--stats-file", stats,
             "--eth-peer", "1,02:00:00:00:00:02"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        started = v.wait_for(lambda: any("session(s) per worker" in ln for ln in lines)
                             or p.poll() is not None, 60)
        assert started and p.poll() is None, (lines, p.poll())
        n = 0
        while n < n_reloads:
            write_rules(tmp, b if n % 2 == 0 else a)
            p.send_signal(signal.SIGHUP)
            n += 1
            assert v.wait_for(lambda: sum("rules reloaded" in ln for ln in lines) >= n, 60), \
                "reload %d not logged: %s" % (n, lines[-5:])
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        reader.join(10)
        assert p.returncode == 0, (p.returncode, err)
        with open(stats) as f:
            js = json.load(f)
    out = "".join(lines)
    p0 = v.port_stats(js, 0)
    assert js["rule_set"]["generation"] >= 1 + n // 2, js["rule_set"]
    assert out.count("rules reloaded") == n, out
    assert p0["rx_packets"] > 0, p0
    assert p0["dropped"] == 0 and p0["forwarded"] == p0["rx_packets"], p0
    assert t.rule_packets(js, a.strip()) == p0["rx_packets"], js["rules"]
    print("live reload: %d reloads under %d packets, none lost, counters carried" %
          (n, p0["rx_packets"]))

# ------------------------------------------------------------ jumbo frames (several mbuf segments)

JUMBO_SIZES = [2090, 2100, 2500, 3000, 4000, 4097, 5000, 6001, 7000, 8000, 9000, 9002]


def filled(n, seed):
    """n payload bytes that differ from frame to frame."""
    return bytes((i * 7 + seed) & 0xFF for i in range(n))


def jumbo(kind, size, side=0, seed=0):
    """A valid frame of size bytes: kind is udp4, tcp4, icmp4, udp6, tcp6 or icmp6
    (echo requests), from side to a host on the other side."""
    src, dst = (U, P) if kind.endswith("4") else (U6, P6)
    if side == 1:
        src, dst = dst, src
    hdr = 14 + (20 if kind.endswith("4") else 40) + (20 if kind.startswith("tcp") else 8)
    pl = filled(size - hdr, seed)
    if kind == "udp4":
        f = t.udp4(side, src, dst, 30000 + seed, 9, payload=pl)
    elif kind == "tcp4":
        f = t.tcp4(side, src, dst, 30000 + seed, 9, "ACK|PSH", pl)
    elif kind == "icmp4":
        f = t.e(side) + v.ipv4(src, dst, 1, v.icmp_echo(seed, 1, pl))
    elif kind == "udp6":
        f = t.udp6(side, src, dst, 30000 + seed, 9, payload=pl)
    elif kind == "tcp6":
        f = t.e(side, 0x86DD) + v.ipv6(src, dst, 6, v.tcp(30000 + seed, 9, pl, 0x18, src=src,
                                                          dst=dst, v6=True))
    else:
        f = t.e(side, 0x86DD) + v.ipv6(src, dst, 58, t.icmp6_msg(src, dst, 128, 0,
                                                                 struct.pack("!HH", seed, 1) + pl))
    assert len(f) == size, (kind, size, len(f))
    return f


def corrupt_tail(frame):
    """The frame with its last byte changed (far past the first 2048-byte segment):
    the L4 checksum no longer matches."""
    return frame[:-1] + bytes([frame[-1] ^ 0x5A])


KINDS = ["udp4", "tcp4", "icmp4", "udp6", "tcp6", "icmp6"]


def test_jumbo_checksums():
    """Frames over 2048 bytes arrive in several mbuf segments (net_pcap chains them):
    the L4 checksum is summed across the segments, never past them. Every valid one
    is forwarded unchanged but for MACs and TTL; every one with a byte changed in a
    later segment is dropped as bad_l4_cksum."""
    sc = t.Scenario()
    n = 0
    for i, size in enumerate(JUMBO_SIZES):
        for j, kind in enumerate(KINDS):
            side = (i + j) % 2
            good = jumbo(kind, size, side, seed=i * len(KINDS) + j)
            sc.fwd(side, good, 1 - side, "%s %d" % (kind, size), extra=["stateless"])
            sc.drop(side, corrupt_tail(good), "malformed", "bad_l4_cksum", "%s %d, corrupted" % (kind, size))
            n += 1
    # the IP length may not claim more than the chain holds
    f = jumbo("udp4", 3000)
    sc.drop(0, f[:-10], "malformed", "malformed_bad_ip_len", "3000-byte IP packet in 2990 bytes")
    # a jumbo ping to the firewall: answered (v4); in IPv6 not (the reply is built in one buffer)
    req = t.e(0) + v.ipv4(U, t.FW4[0], 1, v.icmp_echo(77, 1, filled(4000, 1)))
    sc.local(0, req, t.echo4_reply_expected(req, 0), ["echo_reply_tx"], "jumbo ping the firewall")
    req = t.e(0, 0x86DD) + v.ipv6(U6, t.FW6[0], 58, t.icmp6_msg(U6, t.FW6[0], 128, 0, filled(4000, 2)))
    sc.drop(0, req, "dropped_other", "to_self", "jumbo ping6 the firewall")
    js = t.run_scenario(sc, ["--rules", os.path.join(t.RULES_DIR, "allow-all.rules")] + PEERS,
                        "jumbo")
    assert js["sessions"]["created"] == 0
    print("jumbo frames: %d valid forwarded, %d corrupted dropped (%d..%d bytes, %s)" %
          (n, n, JUMBO_SIZES[0], JUMBO_SIZES[-1], ", ".join(KINDS)))


# ------------------------------------------------------------ martian and spoofed sources

def eui64_ll(mac):
    b = bytearray(v.mac(mac))
    b[0] ^= 2
    iid = bytes(b[:3]) + b"\xff\xfe" + bytes(b[3:])
    return v.socket.inet_ntop(v.socket.AF_INET6, b"\xfe\x80" + b"\0" * 6 + iid)


def test_martian_sources():
    """A packet claiming to come from one of the firewall's own addresses (any port's,
    IPv4 and IPv6, also its link-local one) is dropped as martian_self, also when it is
    addressed to the firewall; the classic impossible sources as martian, also towards
    the firewall. Each would be allowed by the rules otherwise (the last one shows it)."""
    sc = t.Scenario()
    for side in (0, 1):
        dst, dst6 = (S, S6) if side == 0 else (R, "2001:db8:99::1")
        for fw in t.FW4:
            sc.drop(side, t.udp4(side, fw, dst, 1000, 8080), "malformed", "martian_self",
                    "UDP from %s" % fw)
            sc.drop(side, t.tcp4(side, fw, P if side == 0 else R, 1000, 80, "SYN"), "malformed",
                    "martian_self", "TCP from %s" % fw)
        for fw in t.FW6:
            sc.drop(side, t.udp6(side, fw, dst6, 1000, 8080), "malformed", "martian_self",
                    "UDP from %s" % fw)
    sc.drop(0, t.udp6(0, eui64_ll(t.MAC[0]), S6, 1000, 8080), "malformed", "martian_self",
            "from our link-local address")
    sc.drop(0, t.echo4(0, t.FW4[1], t.FW4[0], 5, 1), "malformed", "martian_self",
            "ping the firewall from itself")
    sc.drop(0, t.echo6(0, t.FW6[0], t.FW6[0], 5, 1), "malformed", "martian_self",
            "ping6 the firewall from itself")
    for src in ["0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.1.2.3", "240.0.0.1",
                "255.255.255.255", "192.168.10.255"]:
        sc.drop(0, t.udp4(0, src, S, 1000, 8080), "malformed", "martian", "from %s" % src)
    sc.drop(0, t.echo4(0, "127.0.0.1", t.FW4[0], 6, 1), "malformed", "martian",
            "ping the firewall from loopback")
    for src in ["::", "::1", "ff02::1", "ff0e::5"]:
        sc.drop(0, t.udp6(0, src, S6, 1000, 8080), "malformed", "martian", "from %s" % src)
    sc.drop(0, t.echo6(0, "::1", t.FW6[0], 6, 1), "malformed", "martian",
            "ping6 the firewall from loopback")
    sc.fwd(0, t.udp4(0, U, S, 1000, 8080), 1, "the same flow from a real host")
    sc.fwd(0, t.udp6(0, U6, S6, 1000, 8080), 1, "the same v6 flow from a real host")
    with tempfile.TemporaryDirectory() as tmp:
        t.run_scenario(sc, ["--rules", write_rules(tmp, RULES), "--route", "0.0.0.0/0,192.168.10.1"] +
                       PEERS, "martians")
    print("martian sources: own addresses and impossible ones dropped, %d packets" % len(sc.seq))


# ------------------------------------------------------------ IPv6 routing headers

FINAL6 = "2001:db8:20::77"


def rh(nh, typ, segleft, addrs, data4=b"\0\0\0\0"):
    """A routing header: type, segments left, 4 type-specific bytes, addresses."""
    body = data4 + b"".join(v.ip6(a) for a in addrs)
    return struct.pack("!BBBB", nh, len(body) // 8, typ, segleft) + body


def srh(nh, segleft, segments):
    """Segment routing header (type 4): Segment List[0] is the last segment."""
    return rh(nh, 4, segleft, segments, struct.pack("!BBH", len(segments) - 1, 0, 0))


def udp6_rh(src, dst, sport, routing, csum_dst, payload=b"r" * 18):
    """UDP over IPv6 behind routing header bytes, its checksum computed for csum_dst."""
    return t.e(0, 0x86DD) + v.ipv6(src, dst, 43, routing +
                                   v.udp(sport, 8080, payload, src, csum_dst, v6=True))


def test_routing_header():
    """RFC 8200 8.1: with a routing header and segments left, the L4 checksum's
    pseudo-header has the final destination (type 2: its address; SRH: Segment
    List[0]); with none left, the IPv6 header's. Type 0 (RFC 5095) is dropped (rh0),
    a type whose final destination vfw cannot find, with segments left, too
    (rh_unknown)."""
    sc = t.Scenario()
    cases = [
        (srh(17, 1, [FINAL6, S6]), "SRH, 1 segment left"),
        (srh(17, 2, [FINAL6, "2001:db8:20::88", S6]), "SRH, 2 segments left"),
        (rh(17, 2, 1, [FINAL6]), "type 2 (mobile IPv6 home address)"),
    ]
    for i, (r, note) in enumerate(cases):
        sc.fwd(0, udp6_rh(U6, S6, 2000 + i, r, FINAL6), 1, note)
        sc.drop(0, udp6_rh(U6, S6, 2100 + i, r, S6), "malformed", "bad_l4_cksum",
                note + ", checksum for the header's destination")
    r = srh(17, 0, [S6, FINAL6])
    sc.fwd(0, udp6_rh(U6, S6, 2200, r, S6), 1, "SRH, no segment left: the header's destination")
    sc.drop(0, udp6_rh(U6, S6, 2201, r, FINAL6), "malformed", "bad_l4_cksum",
            "SRH, no segment left, checksum for the last segment")
    r = rh(17, 253, 0, [FINAL6])
    sc.fwd(0, udp6_rh(U6, S6, 2300, r, S6), 1, "experimental type, no segment left")
    for segleft in (1, 0):
        r = rh(17, 0, segleft, [FINAL6])
        sc.drop(0, udp6_rh(U6, S6, 2400 + segleft, r, FINAL6 if segleft else S6), "malformed", "rh0",
                "type 0, %d segments left" % segleft)
    sc.drop(1, t.e(1, 0x86DD) + v.ipv6(P6, U6, 43, rh(17, 0, 1, [U6]) +
                                       v.udp(5, 53, b"x" * 18, P6, U6, v6=True)),
            "malformed", "rh0", "type 0 outbound")
    r = rh(17, 3, 1, [FINAL6])
    sc.drop(0, udp6_rh(U6, S6, 2500, r, FINAL6), "malformed", "rh_unknown", "RPL (type 3), 1 left")
    r = srh(43, 1, [FINAL6, S6]) + rh(17, 2, 1, [FINAL6])
    sc.drop(0, udp6_rh(U6, S6, 2600, r, FINAL6), "malformed", "rh_unknown", "two routing headers")
    with tempfile.TemporaryDirectory() as tmp:
        t.run_scenario(sc, ["--rules", write_rules(tmp, RULES)] + PEERS, "routing headers")
    print("routing headers: %d packets, checksums against the final destination" % len(sc.seq))



if __name__ == "__main__":
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
    print("ok")
