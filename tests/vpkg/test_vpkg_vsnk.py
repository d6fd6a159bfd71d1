# SPDX-License-Identifier: BSD-3-Clause
"""vpkg -> net_memif -> vsnk: zero loss, sequences continuous, stream ids right."""
import json
import os

import peer
import vpkgtest as vt


def run(workdir, vpkg_args, expect_total, vsnk_args=()):
    sock = os.path.join(workdir, "memif.sock")
    srv, stats_path = peer.vsnk_server(workdir, sock, ["--max-packets", str(expect_total),
                                                      "--duration", "60"] + list(vsnk_args))
    try:
        rc, out, err, js = peer.vpkg_client(sock, ["--no-rx"] + list(vpkg_args))
    finally:
        src, log = srv.stop(sig=False, timeout=60)
    assert rc == 0, "vpkg: %s\n%s" % (err, out)
    assert src == 0, "vsnk exit %d\n%s" % (src, log)
    with open(stats_path) as f:
        vs = json.load(f)
    return js, vs


def test_onap_to_vsnk():
    w = vt.tmpdir()
    js, vs = run(w, ["--count", "10"], 100)
    assert vs["ports"][0]["rx_packets"] == 100 == js["ports"][0]["tx_packets"]
    streams = {s["stream"]: s for s in vs["streams"]}
    assert sorted(streams) == list(range(10)), sorted(streams)
    for sid, s in streams.items():
        assert s["rx_packets"] == 10 and s["lost"] == 0 and s["duplicates"] == 0, s
        assert s["reordered"] == 0 and s["first_seq"] == 0 and s["highest_seq"] == 9, s
    assert vs["totals"]["bad_checksum"] == 0 and vs["totals"]["malformed"] == 0


def test_many_streams_to_vsnk():
    """Three streams with their own ids, IMIX and flow ranges, 15 kpps together."""
    w = vt.tmpdir()
    cfg = {"streams": [
        {"name": "a", "id": 100, "rate": "5kpps", "size": "imix", "count": 6000,
         "src_ip": "10.0.0.1-10.0.0.200"},
        {"name": "b", "id": 513, "rate": "5kpps", "size": "64-1500", "count": 6000,
         "src_port": {"from": 1, "to": 65535, "walk": "random"}},
        {"name": "c", "id": 1023, "rate": "5kpps", "proto": "icmp", "count": 6000},
    ]}
    js, vs = run(w, ["--config", vt.write_config(w, cfg), "--tx-retry", "1000"], 18000)
    for s in js["streams"]:
        assert s["tx_packets"] == 6000 and s["refused"] == 0, s
    streams = {s["stream"]: s for s in vs["streams"]}
    assert sorted(streams) == [100, 513, 1023], sorted(streams)
    for s in streams.values():
        assert s["rx_packets"] == 6000 and s["lost"] == 0 and s["duplicates"] == 0, s
        assert s["first_seq"] == 0 and s["highest_seq"] == 5999, s
    assert vs["ports"][0]["rx_bytes"] == js["ports"][0]["tx_bytes"]
    assert vs["totals"]["bad_checksum"] == 0 and vs["totals"]["foreign_packets"] == 0


if __name__ == "__main__":
    vt.run_main([test_onap_to_vsnk, test_many_streams_to_vsnk])
