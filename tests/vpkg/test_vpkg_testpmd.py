# SPDX-License-Identifier: BSD-3-Clause
"""vpkg -> net_memif -> dpdk-testpmd --forward-mode=rxonly: testpmd counts
exactly what vpkg reports sent."""
import os

import peer
import vpkgtest as vt


def run(workdir, vpkg_args):
    sock = os.path.join(workdir, "memif.sock")
    srv = peer.testpmd_server(workdir, sock)
    try:
        # linger: testpmd prints its counters every second, and memif resets
        # them when vpkg disconnects
        rc, out, err, js = peer.vpkg_client(sock, ["--linger", "2.5"] + list(vpkg_args))
    finally:
        _, log = srv.stop(sig=True, timeout=30)
    assert rc == 0, "vpkg: %s\n%s" % (err, out)
    return js, peer.testpmd_rx_max(log), log


def test_onap_to_testpmd():
    w = vt.tmpdir()
    js, rx, log = run(w, ["--count", "20"])
    sent = js["ports"][0]["tx_packets"]
    assert sent == 200, js["ports"][0]
    assert rx == sent, "testpmd counted %d, vpkg sent %d\n%s" % (rx, sent, log[-2000:])


def test_rate_to_testpmd():
    w = vt.tmpdir()
    js, rx, log = run(w, ["--txpkts", "64", "--rate", "50kpps", "--count", "50000",
                          "--tx-retry", "1000"])
    sent = js["ports"][0]["tx_packets"]
    refused = js["ports"][0]["tx_refused"]
    assert sent + refused == 50000
    assert rx == sent, "testpmd counted %d, vpkg sent %d (refused %d)" % (rx, sent, refused)


if __name__ == "__main__":
    vt.run_main([test_onap_to_testpmd, test_rate_to_testpmd])
