#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile TCP sequences against vfw's window tracking (issue 13), on net_pcap
ports with a verdict for every packet: someone outside who knows a
connection's addresses and ports, but not its sequence numbers, tries to
reset it, to answer its SYN for the server, or to inject data or a FIN. Each
forged segment must be dropped with its reason, and the real connection
must go on as if nothing happened (Linux conntrack with `ct state invalid
drop` behaves the same). Port 0 is the unprotected side (the attacker's),
port 1 the protected one."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vfwtest as t  # noqa: E402

P, R = "192.168.20.10", "8.8.8.8"
P6, R6 = "2001:db8:20::10", "2001:db8:10::77"

RULES = """
default deny
allow out any
"""

PEERS = ["--eth-peer", "0," + t.PEER[0], "--eth-peer", "1," + t.PEER[1]]


def nxt(src, sport, dst, dport):
    """The next sequence number of a sender in vfwtest's model of the streams."""
    return t.TCP_NEXT[(src, sport, dst, dport)]


def handshake(sc, cport, data=b"GET / HTTP/1.0\r\n\r\n"):
    sc.fwd(1, t.tcp4(1, P, R, cport, 80, "SYN"), 0, "SYN out")
    sc.fwd(0, t.tcp4(0, R, P, 80, cport, "SYN|ACK"), 1, "SYN+ACK")
    sc.fwd(1, t.tcp4(1, P, R, cport, 80, "ACK"), 0, "ACK: established")
    sc.fwd(1, t.tcp4(1, P, R, cport, 80, "ACK|PSH", data), 0, "request")


def rst_established(sc):
    """An out-of-window RST on an established connection: dropped, which
    the next three legitimate packets show (they used to be state_invalid)."""
    c = 40010
    handshake(sc, c)
    far = (nxt(R, 80, P, c) + 100000) & 0xFFFFFFFF
    sc.drop(0, t.tcp4(0, R, P, 80, c, "RST", seq=far), "dropped_state", "tcp_rst_out_of_window",
            "RST 100000 beyond the window")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "RST|ACK", seq=(far - 300000) & 0xFFFFFFFF),
            "dropped_state", "tcp_rst_out_of_window", "RST+ACK far behind the window")
    sc.fwd(0, t.tcp4(0, R, P, 80, c, "ACK|PSH", b"HTTP/1.0 200 OK\r\n"), 1, "reply still flows")
    sc.fwd(1, t.tcp4(1, P, R, c, 80, "ACK"), 0, "client acks")
    sc.fwd(1, t.tcp4(1, P, R, c, 80, "ACK|PSH", b"more"), 0, "client sends more")


def rst_syn_sent(sc):
    """An RST+ACK that does not acknowledge the outstanding SYN: dropped,
    and the real SYN+ACK still opens the connection."""
    c = 40011
    sc.fwd(1, t.tcp4(1, P, R, c, 80, "SYN"), 0, "SYN out")
    wrong = (nxt(P, c, R, 80) + 1000) & 0xFFFFFFFF
    sc.drop(0, t.tcp4(0, R, P, 80, c, "RST|ACK", seq=0, ack=wrong), "dropped_state",
            "tcp_rst_out_of_window", "RST+ACK with a wrong ack in SYN_SENT")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "SYN|ACK", ack=wrong), "dropped_state",
            "tcp_ack_out_of_window", "SYN+ACK with a wrong ack")
    sc.fwd(0, t.tcp4(0, R, P, 80, c, "SYN|ACK"), 1, "the real SYN+ACK")
    sc.fwd(1, t.tcp4(1, P, R, c, 80, "ACK"), 0, "established")


def inject(sc):
    """Data and FIN with sequence or ack numbers out of the window."""
    c = 40012
    handshake(sc, c)
    s, a = nxt(R, 80, P, c), nxt(P, c, R, 80)
    sc.drop(0, t.tcp4(0, R, P, 80, c, "ACK|PSH", b"evil", seq=(s + 1000000) & 0xFFFFFFFF),
            "dropped_state", "tcp_seq_out_of_window", "data beyond the window")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "ACK|PSH", b"evil", seq=(s - 1000000) & 0xFFFFFFFF),
            "dropped_state", "tcp_seq_out_of_window", "data far behind the window")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "ACK|PSH", b"evil", ack=(a + 100000) & 0xFFFFFFFF),
            "dropped_state", "tcp_ack_out_of_window", "data acking bytes never sent")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "FIN|ACK", seq=(s + 500000) & 0xFFFFFFFF),
            "dropped_state", "tcp_seq_out_of_window", "forged FIN (would cut the timeout)")
    sc.drop(0, t.tcp4(0, R, P, 80, c, "FIN|ACK", ack=(a + 3000) & 0xFFFFFFFF),
            "dropped_state", "tcp_ack_out_of_window", "forged FIN with a wrong ack")
    sc.fwd(0, t.tcp4(0, R, P, 80, c, "ACK|PSH", b"real"), 1, "the real reply")
    sc.fwd(1, t.tcp4(1, P, R, c, 80, "ACK"), 0, "client acks")


def rst_v6(sc):
    """The same RST over IPv6 (the general path, not the IPv4 fast path)."""
    c = 40013
    sc.fwd(1, t.tcp6(1, P6, R6, c, 80, "SYN"), 0, "SYN out (v6)")
    sc.fwd(0, t.tcp6(0, R6, P6, 80, c, "SYN|ACK"), 1, "SYN+ACK (v6)")
    sc.fwd(1, t.tcp6(1, P6, R6, c, 80, "ACK"), 0, "established (v6)")
    far = (nxt(R6, 80, P6, c) + 200000) & 0xFFFFFFFF
    sc.drop(0, t.tcp6(0, R6, P6, 80, c, "RST", seq=far), "dropped_state", "tcp_rst_out_of_window",
            "RST beyond the window (v6)")
    sc.fwd(0, t.tcp6(0, R6, P6, 80, c, "ACK|PSH", payload=b"still here"), 1, "reply (v6)")


def legit_rst(sc):
    """A reset exactly where the stream is closes the connection."""
    c = 40014
    handshake(sc, c)
    sc.fwd(0, t.tcp4(0, R, P, 80, c, "RST"), 1, "RST at the stream: closes")
    sc.drop(1, t.tcp4(1, P, R, c, 80, "ACK"), "dropped_state", "state_invalid", "after the RST")


def test_hostile_sequences():
    sc = t.Scenario()
    rst_established(sc)
    rst_syn_sent(sc)
    inject(sc)
    rst_v6(sc)
    legit_rst(sc)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "test.rules")
        with open(path, "w") as f:
            f.write(RULES)
        js = t.run_scenario(sc, ["--rules", path, "--route", "0.0.0.0/0,192.168.10.1",
                                  "--route", "::/0,2001:db8:10::1"] + PEERS,
                            "hostile TCP")
    st = js["sessions"]["states"]
    # the four attacked connections are established, none cut short by a forged FIN or RST
    assert st["tcp_established"] == 4, st
    assert st["tcp_fin_wait"] == 0 and st["tcp_closed"] == 1 and st["tcp_syn_sent"] == 0, st
    print("hostile TCP: %d packets, every forged RST, SYN+ACK, data and FIN dropped by reason"
          % len(sc.seq))


if __name__ == "__main__":
    test_hostile_sequences()
    print("ok")
