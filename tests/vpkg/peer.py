# SPDX-License-Identifier: BSD-3-Clause
"""Peer processes for the vpkg peer tests: a net_memif server (vsnk or
dpdk-testpmd) and vpkg as its client.

net_memif facts (DPDK 22.11): the socket is abstract unless socket-abstract=no
(then the file shows when the server listens); both processes need their own --file-prefix
(with --in-memory the PMD cannot register its multi-process action and the
rings stay empty); the queue counts of the two sides must match (vsnk has no
tx queue, so vpkg runs with --no-rx against it); and the ethdev counters of a
memif port are reset when the peer disconnects, so testpmd's count is read
from its periodic stats while vpkg lingers.
"""
import os
import re
import shutil
import subprocess

import vfwcl
import vpkgtest as vt


def wait_file(path, timeout=15):
    if not vfwcl.wait_for(lambda: os.path.exists(path), timeout, 0.05):
        raise AssertionError("%s did not appear" % path)


def testpmd_path():
    p = shutil.which("dpdk-testpmd")
    if p is None:
        raise AssertionError("dpdk-testpmd not found")
    return p


class Server:
    """A background memif server process writing to a log file."""

    def __init__(self, cmd, sock, log, ready, prefix):
        self.log = log
        self.prefix = prefix
        self.f = open(log, "w")
        self.p = subprocess.Popen(cmd, stdout=self.f, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        try:
            wait_file(sock)
            self.wait_log(ready)
        except AssertionError:
            rc, text = self.stop(timeout=5)
            raise AssertionError("%s: no socket %s (exit %s)\n%s" % (cmd[0], sock, rc, text))

    def wait_log(self, text, timeout=20):
        """Wait until the process printed text (it is running, ports started)."""
        def printed():
            with open(self.log) as f:
                return text in f.read()
        vfwcl.wait_for(lambda: printed() or self.p.poll() is not None, timeout, 0.05)
        if not printed():
            raise AssertionError("%r not printed" % text)

    def stop(self, sig=True, timeout=30):
        """Wait for the process (after SIGINT if sig); kill it after timeout."""
        if sig and self.p.poll() is None:
            self.p.send_signal(2)
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.f.close()
        vfwcl.drop_prefix(self.prefix)
        with open(self.log) as f:
            return self.p.returncode, f.read()


def vsnk_server(workdir, sock, app_args):
    stats = os.path.join(workdir, "vsnk.json")
    prefix = "vsnk-%d" % os.getpid()
    cmd = [vfwcl.binary("vsnk")] + vfwcl.eal_args(
        ["net_memif0,role=server,socket-abstract=no,socket=" + sock], prefix=prefix)
    # the rx worker on lcore 0 (CPU 0), vpkg's tx worker on CPU 1
    cmd[cmd.index("-l") + 1] = "0-1"
    cmd += ["--main-lcore", "1", "--", "--stats-file", stats] + list(app_args)
    return Server(cmd, sock, os.path.join(workdir, "vsnk.log"), "Ctrl-C to stop", prefix), stats


def testpmd_server(workdir, sock):
    prefix = "testpmd-%d" % os.getpid()
    cmd = [testpmd_path(), "-l", "0-1", "--no-huge", "-m", "512", "--no-pci", "--log-level=4",
           "--file-prefix", prefix,
           "--vdev", "net_memif0,role=server,socket-abstract=no,socket=" + sock,
           "--", "--forward-mode=rxonly", "--stats-period", "1", "--total-num-mbufs", "8192"]
    return Server(cmd, sock, os.path.join(workdir, "testpmd.log"), "Port statistics", prefix)


def testpmd_rx_max(log):
    """The largest RX-packets testpmd printed (memif counters reset on disconnect)."""
    vals = [int(v) for v in re.findall(r"RX-packets:\s+(\d+)", log)]
    vals = [v for v in vals if v < 1 << 62]  # a wrapped difference after the reset
    return max(vals) if vals else 0


def vpkg_client(sock, app_args, timeout=120, rsize=12):
    """vpkg as memif client: the tx worker on lcore 1 (CPU 1)."""
    prefix = "vpkg-%d" % os.getpid()
    cmd = [vt.VPKG] + vfwcl.eal_args(
        ["net_memif0,role=client,socket-abstract=no,rsize=%d,socket=%s" % (rsize, sock)], prefix=prefix)
    cmd += ["--", "--link-wait", "10"] + list(app_args)
    try:
        return vfwcl.run(cmd, timeout=timeout)
    finally:
        vfwcl.drop_prefix(prefix)
