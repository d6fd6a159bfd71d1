# SPDX-License-Identifier: BSD-3-Clause
"""vpkg -> net_pcap: what it sends, checked field by field.

Addresses, ports, sizes, IMIX mix, flow ranges, probe (stream id, continuous
sequence per stream, time), checksums, ARP. Every run ends by itself
(--count) and must exit 0 with the counters matching the capture.
"""
import collections
import ipaddress

import vfwcl
import vpkgtest as vt

ONAP_SRC, ONAP_DST = "192.168.10.200", "192.168.20.250"


def check_counters(js, frames_by_id):
    """Stats JSON agrees with the capture, per stream and per port."""
    total = 0
    for sid, fl in frames_by_id.items():
        if sid in (None, "arp"):
            continue
        st = vt.stream_stats(js, sid)
        assert st["tx_packets"] == len(fl), "stream %s: stats %d, capture %d" % (
            sid, st["tx_packets"], len(fl))
        assert st["tx_bytes"] == sum(d["len"] for d in fl)
        assert st["refused"] == 0
        total += len(fl)
    port = vfwcl.port_stats(js, 0)
    assert port["tx_refused"] == 0 and port["dropped"] == 0
    return total


def test_onap_defaults():
    """No stream option: 10 streams fw_udp1..10, 64-byte UDP 192.168.10.200:15320 -> 192.168.20.250:8080."""
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(["--eth-peer", "0," + vt.PEER, "--count", "5"], w)
    assert rc == 0, err
    assert len(frames) == 50, "%d frames" % len(frames)
    ids = vt.by_stream(frames)
    assert sorted(k for k in ids if k is not None) == list(range(10)), ids.keys()
    names = {s["id"]: s["name"] for s in js["streams"]}
    for sid in range(10):
        assert names[sid] == "fw_udp%d" % (sid + 1)
        fl = ids[sid]
        assert len(fl) == 5
        vt.check_seq(fl, sid)
        for d in fl:
            assert d["len"] == 60, "64-byte frames are 60 bytes without FCS"
            assert d["dst"] == vt.PEER
            assert d["src"] == fl[0]["src"] and d["src"] != "00:00:00:00:00:00"
            assert d["vlan"] is None and d["l3"] == 4 and d["proto"] == 17 and d["ttl"] == 64
            assert (d["src_ip"], d["dst_ip"]) == (ONAP_SRC, ONAP_DST)
            assert (d["sport"], d["dport"]) == (15320, 8080)
        # 10 pps: ~100 ms between packets of a stream (generous bounds; timing is the bench's job)
        ts = [d["probe"][2] for d in fl]
        gaps = sorted(b - a for a, b in zip(ts, ts[1:]))
        assert 60e6 < gaps[len(gaps) // 2] < 140e6, "stream %d gaps %s" % (sid, gaps)
        st = vt.stream_stats(js, sid)
        assert st["enabled"] and st["rate"] == 10 and st["done"]
    assert check_counters(js, ids) == 50
    # the ten streams are spread over the 100 ms, not sent in one burst
    first = sorted(ids[s][0]["probe"][2] for s in range(10))
    assert first[-1] - first[0] > 50e6, "streams start together: %s" % first


def test_active_streams():
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(
        ["--eth-peer", "0," + vt.PEER, "--count", "3", "--active-streams", "3"], w)
    assert rc == 0, err
    ids = vt.by_stream(frames)
    assert sorted(ids) == [0, 1, 2], sorted(ids, key=str)
    for s in js["streams"]:
        assert s["enabled"] == (s["id"] < 3)
        assert s["tx_packets"] == (3 if s["id"] < 3 else 0)


def test_default_next_hop():
    """Without --eth-peer or --gateway: testpmd's 02:00:00:00:00:<port>."""
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(["--count", "1", "--active-streams", "1"], w)
    assert rc == 0, err
    assert len(frames) == 1 and vt.decode(frames[0])["dst"] == "02:00:00:00:00:00"


def test_stream_file():
    """Streams from --config: IMIX, ranges (inc and random), protocols, IPv6, VLAN."""
    w = vt.tmpdir()
    cfg = {"streams": [
        {"name": "imix", "id": 20, "rate": "2kpps", "size": "imix", "count": 48,
         "src_ip": "10.0.0.1-10.0.0.4", "dst_port": "100-102"},
        {"name": "rnd", "id": 21, "rate": 2000, "count": 200, "size": {"from": 64, "to": 128, "walk": "random"},
         "src_port": {"from": 1000, "to": 1999, "walk": "random"},
         "dst_ip": {"from": "172.16.0.0", "to": "172.16.255.0", "step": 256}},
        {"name": "tcp", "id": 22, "rate": 2000, "proto": "tcp", "size": "74-80", "count": 14},
        {"name": "syn", "id": 23, "rate": 2000, "proto": "tcp-syn", "size": 78, "vlan": 7, "count": 5,
         "src_mac": "02:11:22:33:44:55", "dst_mac": "02:66:77:88:99:00"},
        {"name": "ping", "id": 24, "rate": 2000, "proto": "icmp", "count": 6, "src_port": "5-6"},
        {"name": "v6", "id": 25, "rate": 2000, "size": "82-84", "count": 9,
         "src_ip": "2001:db8::1-2001:db8::3", "dst_ip": "2001:db8:1::ff"},
        {"name": "v6ping", "id": 26, "rate": 2000, "proto": "icmp", "size": 84, "count": 4,
         "src_ip": "2001:db8::1", "dst_ip": "2001:db8::2"},
        {"name": "off", "id": 27, "enabled": False, "count": 5},
    ]}
    path = vt.write_config(w, cfg)
    rc, out, err, js, frames = vt.run_pcap(["--eth-peer", "0," + vt.PEER, "--config", path], w)
    assert rc == 0, err
    ids = vt.by_stream(frames)
    assert sorted(k for k in ids if k is not None) == [20, 21, 22, 23, 24, 25, 26], sorted(ids, key=str)
    for sid in ids:
        if sid is not None:
            vt.check_seq(ids[sid], sid)
    check_counters(js, ids)

    # IMIX: 7:4:1 exactly over whole cycles; walks of 4 and 3 values
    fl = ids[20]
    assert len(fl) == 48
    mix = collections.Counter(d["len"] + 4 for d in fl)
    assert mix == {64: 28, 594: 16, 1518: 4}, mix
    for i, d in enumerate(fl):
        assert d["src_ip"] == "10.0.0.%d" % (1 + i % 4)
        assert d["dport"] == 100 + i % 3
        assert d["dst_ip"] == ONAP_DST and d["sport"] == 15320

    # random walks stay in range and vary; the step walks by 256
    fl = ids[21]
    assert len(fl) == 200
    sizes = [d["len"] + 4 for d in fl]
    assert min(sizes) >= 64 and max(sizes) <= 128 and len(set(sizes)) > 30, sizes[:20]
    sports = [d["sport"] for d in fl]
    assert min(sports) >= 1000 and max(sports) <= 1999 and len(set(sports)) > 150
    for i, d in enumerate(fl):
        assert d["dst_ip"] == "172.16.%d.0" % (i % 256), d["dst_ip"]

    # TCP data with a probe (74 bytes and up), size walk 74..80
    fl = ids[22]
    assert [d["len"] + 4 for d in fl] == [74 + i % 7 for i in range(14)]
    assert all(d["proto"] == 6 and d["tcp_flags"] == 0x18 for d in fl)

    # TCP SYN in VLAN 7 with given MACs
    for d in ids[23]:
        assert d["tcp_flags"] == 0x02 and d["vlan"] == 7 and d["len"] == 74
        assert d["src"] == "02:11:22:33:44:55" and d["dst"] == "02:66:77:88:99:00"

    # ICMP echo: the id walks 5, 6; the echo sequence follows the probe's
    for i, d in enumerate(ids[24]):
        assert d["proto"] == 1 and d["sport"] == 5 + i % 2 and d["icmp_seq"] == i

    # IPv6 UDP: the low bits of the source walk; sizes 82..84 (82: headers + probe + FCS)
    for i, d in enumerate(ids[25]):
        assert d["l3"] == 6 and d["proto"] == 17
        assert ipaddress.ip_address(d["src_ip"]) == ipaddress.ip_address("2001:db8::1") + i % 3
        assert d["dst_ip"] == "2001:db8:1::ff" and d["len"] + 4 == 82 + i % 3

    for i, d in enumerate(ids[26]):
        assert d["l3"] == 6 and d["proto"] == 58 and d["icmp_seq"] == i and d["len"] == 80

    st = vt.stream_stats(js, 27)
    assert not st["enabled"] and st["tx_packets"] == 0


def test_no_probe_stream():
    """A frame too small for the probe is sent without it (and said so)."""
    w = vt.tmpdir()
    cfg = {"streams": [{"name": "small", "proto": "tcp", "size": 64, "count": 3, "rate": 1000}]}
    rc, out, err, js, frames = vt.run_pcap(
        ["--eth-peer", "0," + vt.PEER, "--config", vt.write_config(w, cfg)], w)
    assert rc == 0, err
    assert "sent without probe" in out, out
    assert len(frames) == 3
    for f in frames:
        d = vt.decode(f)
        assert d["probe"] is None and d["len"] == 60
    assert js["streams"][0]["probe"] is False


def test_testpmd_flags():
    """testpmd's txonly flags: one stream, mbuf length, addresses, ports, multi-flow."""
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(
        ["--eth-peer", "0," + vt.PEER, "--txpkts", "64", "--tx-ip", "10.0.0.1,10.0.0.2",
         "--tx-udp", "1000,2000", "--txonly-multi-flow", "--rate", "5kpps", "--count", "600",
         "--burst", "16"], w)
    assert rc == 0, err
    assert len(frames) == 600
    ids = vt.by_stream(frames)
    assert list(ids) == [0]
    fl = ids[0]
    vt.check_seq(fl)
    for i, d in enumerate(fl):
        assert d["len"] == 64, "--txpkts is the mbuf length"
        assert d["src_ip"] == "10.0.%d.1" % (i % 256), d["src_ip"]
        assert d["dst_ip"] == "10.0.0.2"
        assert (d["sport"], d["dport"]) == (1000, 2000)
    assert js["streams"][0]["name"] == "stream0"


def test_testpmd_defaults():
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(["--txpkts", "100", "--count", "50"], w)
    assert rc == 0, err
    assert len(frames) == 50
    d = vt.decode(frames[0])
    assert (d["src_ip"], d["dst_ip"], d["sport"], d["dport"], d["len"]) == (
        "198.18.0.1", "198.18.0.2", 9, 9, 100)
    assert js["streams"][0]["rate_spec"] == "max"


def arp_frame(op, sha, spa, tha, tpa, dst="ff:ff:ff:ff:ff:ff"):
    return vfwcl.pad60(vfwcl.eth(dst=dst, src=sha, ethertype=0x0806) +
                       vfwcl.arp(op, sha, spa, tha, tpa))


def test_arp():
    """--gateway: resolved from the gateway's ARP; vpkg answers for its address."""
    w = vt.tmpdir()
    gw_mac = "02:00:00:00:00:99"
    rx = [arp_frame(1, gw_mac, "192.168.10.100", "00:00:00:00:00:00", ONAP_SRC),
          arp_frame(1, "02:00:00:00:00:98", "192.168.10.50", "00:00:00:00:00:00", "192.168.10.7")]
    rc, out, err, js, frames = vt.run_pcap(
        ["--gateway", "192.168.10.100", "--count", "2", "--active-streams", "2"], w, rx_frames=rx)
    assert rc == 0, err
    ids = vt.by_stream(frames)
    replies = [d for d in ids.get("arp", []) if d["arp"][4] == 2]
    assert len(replies) == 1, ids.get("arp")
    hw, pro, hl, pl, op, sha, spa, tha, tpa = replies[0]["arp"]
    assert vt.fmt_mac(tha) == gw_mac and bytes(tpa) == vfwcl.ip4("192.168.10.100")
    assert bytes(spa) == vfwcl.ip4(ONAP_SRC) and replies[0]["dst"] == gw_mac
    for sid in (0, 1):
        assert len(ids[sid]) == 2
        assert all(d["dst"] == gw_mac for d in ids[sid])
    port = vfwcl.port_stats(js, 0)
    assert port["rx_packets"] == 2 and port["arp_rx"] == 2 and port["arp_replies_tx"] == 1
    assert "gateway 192.168.10.100 is at 02:00:00:00:00:99" in out, out


def test_arp_unresolved():
    """No answer from the gateway: requests go out, no stream packet does."""
    w = vt.tmpdir()
    rc, out, err, js, frames = vt.run_pcap(
        ["--gateway", "192.168.10.100", "--count", "2", "--duration", "1.5"], w)
    assert rc == 0, err
    ids = vt.by_stream(frames)
    reqs = ids.get("arp", [])
    assert [k for k in ids if k != "arp"] == [], "sent without a next hop"
    assert len(reqs) >= 1 and all(d["arp"][4] == 1 and d["dst"] == "ff:ff:ff:ff:ff:ff" for d in reqs)
    assert bytes(reqs[0]["arp"][8]) == vfwcl.ip4("192.168.10.100")
    assert all(not s["ready"] for s in js["streams"])


def test_two_ports():
    """Streams on two ports, one worker: each port gets its own streams, in order."""
    import os
    w = vt.tmpdir()
    rx1, tx1 = os.path.join(w, "rx1.pcap"), os.path.join(w, "tx1.pcap")
    vfwcl.write_pcap(rx1, [])
    cfg = {"streams": [
        {"name": "p0", "id": 0, "port": 0, "rate": "3kpps", "count": 300},
        {"name": "p1", "id": 1, "port": 1, "rate": "3kpps", "count": 300, "dst_port": 9},
        {"name": "p1b", "id": 2, "port": 1, "rate": "1kpps", "count": 100, "size": 128},
    ]}
    rc, out, err, js, frames = vt.run_pcap(
        ["--eth-peer", "0," + vt.PEER, "--eth-peer", "1,02:00:00:00:00:bb",
         "--config", vt.write_config(w, cfg)], w,
        extra_vdevs=["net_pcap1,rx_pcap=%s,tx_pcap=%s" % (rx1, tx1)])
    assert rc == 0, err
    ids0 = vt.by_stream(frames)
    ids1 = vt.by_stream([f for _, f in vfwcl.read_pcap(tx1)])
    assert list(ids0) == [0] and sorted(ids1) == [1, 2], (list(ids0), list(ids1))
    vt.check_seq(ids0[0], 0)
    vt.check_seq(ids1[1], 1)
    vt.check_seq(ids1[2], 2)
    assert len(ids0[0]) == 300 and len(ids1[1]) == 300 and len(ids1[2]) == 100
    assert all(d["dst"] == "02:00:00:00:00:bb" and d["dport"] == 9 for d in ids1[1])
    assert all(d["len"] == 124 for d in ids1[2])
    assert vfwcl.port_stats(js, 0)["tx_packets"] == 300
    assert vfwcl.port_stats(js, 1)["tx_packets"] == 400


def test_tx_timestamps():
    """--tx-timestamps records exactly what the probes carry (the benchmark reads it)."""
    import os
    import struct
    w = vt.tmpdir()
    log = os.path.join(w, "ts.bin")
    rc, out, err, js, frames = vt.run_pcap(
        ["--eth-peer", "0," + vt.PEER, "--count", "7", "--size", "64-100", "--tx-timestamps", log], w)
    assert rc == 0, err
    with open(log, "rb") as f:
        recs = [(sid, seq, ns, ln) for ns, seq, sid, ln in struct.iter_unpack("<QIHH", f.read())]
    probes = []
    for fr in frames:
        d = vt.decode(fr)
        probes.append((d["probe"][0], d["probe"][1], d["probe"][2], d["len"]))
    assert recs == probes, (recs[:3], probes[:3])


if __name__ == "__main__":
    vt.run_main([test_onap_defaults, test_active_streams, test_default_next_hop, test_stream_file,
                 test_no_probe_stream, test_testpmd_flags, test_testpmd_defaults, test_arp,
                 test_arp_unresolved, test_two_ports, test_tx_timestamps])
