# SPDX-License-Identifier: BSD-3-Clause
"""Open vSwitch with DPDK as the peer of scripts/bench-vfw (--peer ovs).

A private switch: ovsdb-server and ovs-vswitchd-dpdk run from a temporary
directory (OVS_RUNDIR, OVS_DBDIR, OVS_LOGDIR, OVS_SYSCONFDIR all point there,
a fresh conf.db made by ovsdb-tool, every control socket passed explicitly),
so the system's Open vSwitch, if any, is never touched.

One bridge (netdev datapath, fail-mode secure: no flow, no forwarding) with
port 1 = the unprotected side (vfw's port 0) and port 2 = the protected side,
one PMD thread on the lcore vfw's worker uses, and userspace conntrack doing
what vfw's built-in policy does: UDP to port 8080 from the unprotected side
opens a session, established sessions pass both ways, MACs are rewritten and
the TTL decremented on the way through.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
INSTALL_HINT = ("--peer ovs needs Open vSwitch with DPDK (%s and the ovs tools): "
                "apt-get install openvswitch-switch-dpdk" % VSWITCHD)
TOOLS = ("ovsdb-tool", "ovsdb-server", "ovs-vsctl", "ovs-ofctl", "ovs-appctl")
NIC_MAX_DESC = 4096   # OVS's limit on options:n_rxq_desc
OVS_MIN_MBUFS = 16384  # what OVS adds to a per-port mempool for corner cases


def missing():
    """None when the peer can run, else the one-line reason."""
    absent = [t for t in TOOLS if shutil.which(t) is None]
    if not os.access(VSWITCHD, os.X_OK) or not os.path.exists(SCHEMA) or absent:
        return INSTALL_HINT
    return None


def flow_table(mac0, mac1, peer0, peer1):
    """The OpenFlow rules, vfw's built-in policy in OVS terms (ofport 1 is
    the unprotected side, 2 the protected one)."""
    out1 = "mod_dl_src:%s,mod_dl_dst:%s,dec_ttl,output:2" % (mac1, peer1)
    out0 = "mod_dl_src:%s,mod_dl_dst:%s,dec_ttl,output:1" % (mac0, peer0)
    return "\n".join([
        "table=0,priority=10,in_port=1,dl_dst=%s,ip,actions=ct(table=1)" % mac0,
        "table=0,priority=10,in_port=2,dl_dst=%s,ip,actions=ct(table=1)" % mac1,
        "table=0,priority=0,actions=drop",
        "table=1,priority=20,in_port=1,ct_state=+new+trk,udp,tp_dst=8080,"
        "actions=ct(commit)," + out1,
        "table=1,priority=10,in_port=1,ct_state=+est+trk,ip,actions=" + out1,
        "table=1,priority=10,in_port=2,ct_state=+est+trk,ip,actions=" + out0,
        "table=1,priority=0,actions=drop",
    ]) + "\n"


def rx_queues_for(packets):
    """OVS sizes a port's private mempool from the rx queues asked for
    (n_rxq x n_rxq_desc + ...), even when the device has only one; net_pcap
    infinite_rx keeps the whole file in mbufs of that pool, so ask for as
    many queues as the file needs."""
    return max(1, -(-(packets + OVS_MIN_MBUFS) // NIC_MAX_DESC))


class Switch:
    """The private ovsdb-server (one per bench invocation) and one
    ovs-vswitchd-dpdk per run (fresh conntrack each time, like vfw)."""

    def __init__(self, prefix="bench-ovs"):
        self.dir = tempfile.mkdtemp(prefix=prefix + "-")
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_DBDIR=self.dir,
                        OVS_LOGDIR=self.dir, OVS_SYSCONFDIR=self.dir,
                        OVS_PKGDATADIR=os.path.dirname(SCHEMA))
        self.db = os.path.join(self.dir, "db.sock")
        self.ctl = os.path.join(self.dir, "ovs-vswitchd.ctl")
        self.log = os.path.join(self.dir, "ovs-vswitchd.log")
        self.dbp = None
        self.p = None
        self.rx_devargs = None
        self.rx_queues = 1
        self.dpdk_extra = ""

    # -- the database --------------------------------------------------
    def __enter__(self):
        self._run(["ovsdb-tool", "create", os.path.join(self.dir, "conf.db"), SCHEMA])
        self.dbp = subprocess.Popen(
            ["ovsdb-server", os.path.join(self.dir, "conf.db"), "--remote=punix:" + self.db,
             "--unixctl=" + os.path.join(self.dir, "ovsdb-server.ctl"), "--no-chdir",
             "--log-file=" + os.path.join(self.dir, "ovsdb-server.log")],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 20
        while not os.path.exists(self.db) and time.time() < end:
            time.sleep(0.05)
        self.vsctl("--no-wait", "init")
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.dbp is not None:
            self.dbp.terminate()
            try:
                self.dbp.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.dbp.kill()
                self.dbp.wait()
            self.dbp = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, cmd, timeout=60):
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd[:3]), (r.stderr or r.stdout).strip()))
        return r.stdout

    def vsctl(self, *args, timeout=60):
        return self._run(["ovs-vsctl", "--db=unix:" + self.db, "--timeout=%d" % timeout] +
                         list(args), timeout=timeout + 5)

    def appctl(self, *args, timeout=120):
        return self._run(["ovs-appctl", "-t", self.ctl, "--timeout=%d" % timeout] +
                         list(args), timeout=timeout + 5)

    def configure(self, rx_devargs, tx_devargs, packets, mem, huge, pmd_lcore=1,
                  other_config=()):
        """DPDK in ovs-vswitchd (main lcore 0, one PMD on pmd_lcore) and the
        bridge with its protected port; the unprotected port is added by
        each run once the flows are in (no packet meets an empty table)."""
        extra = ["-m", str(mem), "--no-pci", "--file-prefix", "bench-ovs", "--log-level=4"]
        if not huge:
            # --no-huge implies legacy memory, which OVS's default --in-memory
            # refuses: naming it keeps OVS from adding --in-memory
            extra = ["--no-huge", "--legacy-mem"] + extra
        cfg = ["dpdk-init=true", "dpdk-lcore-mask=0x1", "pmd-cpu-mask=0x%x" % (1 << pmd_lcore),
               "per-port-memory=true", "dpdk-extra=" + " ".join(extra)] + list(other_config)
        self.dpdk_extra = "dpdk-extra: " + " ".join(extra)
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   *["other_config:" + c for c in cfg])
        self.vsctl("--no-wait", "--may-exist", "add-br", "br0", "--", "set", "Bridge", "br0",
                   "datapath_type=netdev", "fail-mode=secure")
        self.vsctl("--no-wait", "--if-exists", "del-port", "br0", "p1", "--",
                   "add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdk",
                   "ofport_request=2", "options:dpdk-devargs=" + tx_devargs)
        self.rx_devargs = rx_devargs
        self.rx_queues = rx_queues_for(packets)

    # -- one run ------------------------------------------------------
    def start(self, flows):
        """Start ovs-vswitchd, install flows, then attach the traffic port
        (returns once it is forwarding); the pid of ovs-vswitchd."""
        self.stop()
        self.p = subprocess.Popen(
            [VSWITCHD, "unix:" + self.db, "--unixctl=" + self.ctl, "--no-chdir",
             "--log-file=" + self.log],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        path = os.path.join(self.dir, "flows.txt")
        with open(path, "w") as f:
            f.write(flows)
        self._until_ok(["ovs-ofctl", "add-flows", "unix:" + os.path.join(self.dir, "br0.mgmt"),
                        path], 120)
        self.vsctl("--may-exist", "add-port", "br0", "p0", "--", "set", "Interface", "p0",
                   "type=dpdk", "ofport_request=1", "options:n_rxq_desc=%d" % NIC_MAX_DESC,
                   "options:n_rxq=%d" % self.rx_queues,
                   "options:dpdk-devargs=" + self.rx_devargs, timeout=300)
        self.vsctl("wait-until", "Interface", "p0", "ofport=1", "link_state=up", timeout=300)
        return self.p.pid

    def _until_ok(self, cmd, timeout):
        """cmd run until it succeeds (the bridge exists once DPDK is up)."""
        end = time.time() + timeout
        while True:
            try:
                return self._run(cmd)
            except RuntimeError:
                if time.time() > end or self.p.poll() is not None:
                    raise
                time.sleep(0.2)

    def tx_packets(self, port="p1"):
        """Packets sent by port so far (the datapath's own counters, read now,
        not the database's statistics column updated every 5 s)."""
        out = self.appctl("dpctl/show", "-s", timeout=10)
        m = re.search(r"port \d+: %s \(.*?TX packets:(\d+)" % re.escape(port), out, re.S)
        return int(m.group(1)) if m else None

    def conntrack_count(self):
        out = self.appctl("dpctl/ct-stats-show")
        m = re.search(r"Total:\s*(\d+)", out)
        return int(m.group(1)) if m else 0

    def log_tail(self, n=8):
        try:
            with open(self.log) as f:
                return f.readlines()[-n:]
        except OSError:
            return []

    def tsc_khz(self):
        """The TSC rate DPDK gave OVS (its log says so), 0 if not found."""
        for line in reversed(self.log_tail(10000)):
            m = re.search(r"TSC frequency: (\d+) KHz", line)
            if m:
                return int(m.group(1))
        return 0

    def stop(self):
        if self.p is None:
            return
        try:
            self.appctl("exit", timeout=30)
        except (RuntimeError, subprocess.TimeoutExpired):
            self.p.terminate()
        try:
            self.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.p = None
        # the next run attaches the traffic port again, after its flows
        self.vsctl("--no-wait", "--if-exists", "del-port", "br0", "p0")
