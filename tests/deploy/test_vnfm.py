#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vFW service deployed by a generic VNF manager (tests/deploy/vnfm.py)
from the OpenBaton descriptors and lifecycle scripts of deploy/openbaton,
with the binaries of the build tree:

  vpkg VM --unprotected (veth)-- vfw VM --protected (veth)-- vsnk VM
     \\__________________ mgmt (bridge, the manager) _____________/

vpkg, vfw and vsnk run on net_af_packet over the VMs' interfaces. Checks:
- the scripts run in OpenBaton's order, CONFIGURE with the dependency's
  variables, and the configurations they write carry those addresses;
- after START the demo streams reach vsnk through vfw with no loss: at a
  quiet point (vpkg paused) every stream's last packet is in and nothing is
  lost; what vfw dropped while it resolved vsnk's address is counted
  (`unresolved`) and equals the packets vsnk never saw at the start;
- REST pause/resume/restart of every binary under traffic: the state
  follows (a second pause is a 409), counters stand still while paused and
  continue after, a restart resets none and vfw's re-reads its rules; the
  streams lose nothing but what the ports counted as missed (by default
  nothing: the sockets' rings hold the demo's traffic through each pause;
  VNFM_OVERFLOW=1 makes them overflow, see OVERFLOW);
- the closed loop acts: vfwcl-controller (as in scripts/demo.sh) receives
  vfw's VES events (the descriptor's ves_collector_ip, the manager's mgmt
  address) and sets vpkg's active streams to the policy's target, from
  high traffic (the 10 streams) and from low (1 stream, set through REST);
- STOP and TERMINATE leave no process, pid file, DPDK run-time directory,
  hugepage file, configuration, interface or namespace behind.
Needs root; exits 77 where `ip netns` or veth pairs are not usable.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import mgmtlib  # noqa: E402
import vfwcl  # noqa: E402
from mgmtlib import call, check, done, skip, wait_for  # noqa: E402
from vnfm import Descriptors, Vim, Vnfm  # noqa: E402

OB = os.path.join(ROOT, "deploy", "openbaton")
TAG = "%d" % (os.getpid() % 10000)
STREAMS = 10
# VNFM_OVERFLOW=1: the demo's streams at 1000 pps each, so that the socket
# rings of a paused vfw or vsnk (af_packet_frames) overflow: what they drop
# must then be counted (rx_missed: DPDK 22.11's net_af_packet counts no
# socket drops, dataplane/dp_afpacket.c reads them from the kernel) and be
# all that is lost. By default the descriptors' rate (ONAP's 10 pps per
# stream), which the rings hold through every pause here.
OVERFLOW = os.environ.get("VNFM_OVERFLOW") == "1"
# Launch-time overrides of the descriptors' configuration parameters, as
# OpenBaton's launch body allows: VNFM_RATE (vpkg's rate per stream; 1000pps
# with VNFM_OVERFLOW), VNFM_FRAMES (every port's af_packet_frames). What
# looked like an rx stall after an overflow (VNFM_OVERFLOW=1 VNFM_RATE=100pps
# VNFM_FRAMES=512) was a stream whose last packets were dropped during the
# pause: with vpkg paused right after the resume, nothing later showed the
# gap; after_resume() now waits for a packet of every stream sent after it.


# The closed loop: vfw's VES measurement interval (s) and the policy's
# target. The thresholds are set from vpkg's rate so that the 10 streams
# are high, the target's 5 normal and 1 low, whatever VNFM_RATE says.
VES_INTERVAL = 2
CL_TARGET = 5


def overrides(vim, ves_port):
    o = {"vfwcl-vfw": {"ves_collector_ip": vim.manager_address(), "ves_collector_port": str(ves_port),
                       "ves_interval": str(VES_INTERVAL)}}
    rate = os.environ.get("VNFM_RATE") or ("1000pps" if OVERFLOW else None)
    if rate:
        o["vfwcl-vpkg"] = {"rate": rate}
    if os.environ.get("VNFM_FRAMES"):
        for n in ("vfwcl-vpkg", "vfwcl-vfw", "vfwcl-vsnk"):
            o.setdefault(n, {})["af_packet_frames"] = os.environ["VNFM_FRAMES"]
    return o


def per_stream_pps(rate):
    """vpkg's --rate of one stream ("10pps", "1kpps", "1Mpps") in packets per second."""
    for suffix, mult in (("Mpps", 1e6), ("kpps", 1e3), ("pps", 1.0)):
        if rate.endswith(suffix):
            return float(rate[:-len(suffix)]) * mult
    raise ValueError("rate %r: not in pps" % rate)


def can_run():
    if os.geteuid() != 0:
        return "not root"
    ns = "vnfm%s-probe" % TAG
    p = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True)
    if p.returncode != 0:
        return "ip netns not usable: " + p.stderr.strip()
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    for b in ("vpkg", "vfw", "vsnk"):
        if not os.access(vfwcl.binary(b), os.X_OK):
            return "%s not built" % vfwcl.binary(b)
    return None


class Service:
    """REST views of the three running VNFs."""

    def __init__(self, vim, desc):
        self.base = {}
        for name, d in desc.vnfds.items():
            c = desc.config(d)
            self.base[d["type"]] = "http://%s:%s" % (vim.vms[d["type"]]["addr"]["mgmt"], c["mgmt_port"])

    def get(self, vnf, path):
        st, body = call(self.base[vnf], "GET", path)
        if st != 200:
            raise RuntimeError("GET %s %s: %d %s" % (vnf, path, st, body))
        return body

    def act(self, vnf, action):
        return call(self.base[vnf], "POST", "/api/v1/lifecycle", json.dumps({"action": action}))

    def status(self, vnf):
        return self.get(vnf, "/api/v1/status")

    def port(self, vnf, port):
        for p in self.status(vnf)["ports"]:
            if p["port"] == port:
                return p
        raise KeyError("%s: no port %d" % (vnf, port))

    def sent(self):
        """vpkg: stream id -> packets sent."""
        return {s["id"]: s["tx_packets"] for s in self.get("vpkg", "/api/v1/streams")}

    def received(self):
        """vsnk: stream id -> its counters."""
        return {s["stream"]: s for s in self.get("vsnk", "/api/v1/stats").get("streams", [])}

    def vfw_port(self, port):
        return vfwcl.port_stats(self.get("vfw", "/api/v1/stats"), port)

    STREAM_COUNT = "/restconf/config/stream-count:stream-count/streams"

    def active_streams(self):
        """vpkg's enabled streams, through ONAP's stream-count API (what the controller sets)."""
        return self.get("vpkg", self.STREAM_COUNT)["streams"]["active-streams"]

    def set_active_streams(self, n):
        st, body = call(self.base["vpkg"], "PUT", self.STREAM_COUNT,
                        json.dumps({"streams": {"active-streams": n}}))
        check(st == 200, "vpkg: %d active streams set through REST" % n, (st, body))


class Controller:
    """vfwcl-controller as scripts/demo.sh runs it: the VES collector on the
    manager's mgmt address, acting on vpkg's ONAP API."""

    def __init__(self, tmp, listen, vpkg_url, pps):
        per_interval = pps * VES_INTERVAL           # one stream's packets per interval
        self.policy = {"low": 2.5 * per_interval, "high": 7.5 * per_interval,
                       "streams": CL_TARGET, "min-interval": VES_INTERVAL * 0.9}
        pol = os.path.join(tmp, "policy.json")
        with open(pol, "w") as f:
            json.dump(self.policy, f)
        self.log = os.path.join(tmp, "decisions.log")
        self.out = open(os.path.join(tmp, "controller.out"), "w")
        self.p = subprocess.Popen([os.path.join(vfwcl.build_dir(), "controller", "vfwcl-controller"),
                                   "--listen", listen, "--vpkg", vpkg_url, "--policy", pol,
                                   "--log", self.log],
                                  stdout=self.out, stderr=subprocess.STDOUT)

    def decisions(self):
        try:
            with open(self.log) as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(2)
        try:
            rc = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.out.close()
        return rc


def quiet(svc, what):
    """Pause vpkg and wait until every stream's last packet reached vsnk
    (bounded; a packet lost at the end never arrives and the check fails).
    Returns (sent, received)."""
    st, body = svc.act("vpkg", "pause")
    check(st == 200 and body.get("state") == "paused", "%s: vpkg paused (%s)" % (what, st), body)

    def arrived():
        s, r = svc.sent(), svc.received()
        ok = all(sid in r and r[sid]["highest_seq"] + 1 == n for sid, n in s.items() if n)
        return (s, r) if ok else None
    got = wait_for(arrived, timeout=60, interval=0.2)
    if not check(bool(got), "%s: every stream's last packet reached vsnk" % what,
                 (svc.sent(), {k: (v["highest_seq"], v["lost"]) for k, v in svc.received().items()})):
        fw0, fw1, snk = svc.vfw_port(0), svc.vfw_port(1), svc.port("vsnk", 0)
        print("     vfw port 0 rx %d forwarded %d dropped %d, port 1 tx %d; vsnk rx %d; vsnk streams %s" % (
            fw0["rx_packets"], fw0["forwarded"], fw0["dropped"], fw1["tx_packets"], snk["rx_packets"],
            json.dumps(list(svc.received().values())[0])[:400]))
    return got or (svc.sent(), svc.received())


def resume(svc, vnf, what):
    st, body = svc.act(vnf, "resume")
    check(st == 200 and body.get("state") == "running", "%s: %s resumed" % (what, vnf), (st, body))


def lost(r):
    return sum(s["lost"] for s in r.values())


def frozen(read, what, seconds=2.0):
    """read() does not change for a while (a paused binary: any while is right)."""
    before = read()
    moved = wait_for(lambda: read() != before, timeout=seconds, interval=0.2)
    check(not moved, what, (before, read()))


def check_deploy(vnfm, etc):
    seq = [(e, v.split("-")[-1], s) for e, v, s, _ in vnfm.log]
    events = [e for e, _, _ in seq]
    check(events == sorted(events, key=("INSTANTIATE", "CONFIGURE", "START").index),
          "the scripts ran event by event: INSTANTIATE, CONFIGURE, START", seq)
    conf = [(v, s) for e, v, s in seq if e == "CONFIGURE"]
    check(conf == [("vfw", "vsnk_configure.sh"), ("vpkg", "vfw_configure.sh")],
          "CONFIGURE in dependency order, each script named after its source", conf)
    envs = {(v.split("-")[-1], s): keys for e, v, s, keys in vnfm.log if e == "CONFIGURE"}
    check("vsnk_protected" in envs.get(("vfw", "vsnk_configure.sh"), []) and
          "vfw_unprotected" in envs.get(("vpkg", "vfw_configure.sh"), []),
          "the CONFIGURE scripts got $vsnk_protected and $vfw_unprotected", envs)
    fw = json.load(open(os.path.join(etc, "fw.json")))
    pg = json.load(open(os.path.join(etc, "pg.json")))
    check(fw.get("routes") == ["192.168.20.250/32,192.168.20.250"] and
          fw.get("port-ips") == ["0,192.168.10.100/24", "1,192.168.20.100/24"],
          "vfw's configuration: its addresses and the route via vsnk's", fw)
    check(pg.get("gateway") == "192.168.10.100" and pg.get("local-ip") == "192.168.10.200",
          "vpkg's configuration: vfw's address as its gateway", pg)


def check_traffic(svc):
    ok = wait_for(lambda: len([s for s in svc.received().values() if s["unique"] > 0]) == STREAMS,
                  timeout=90, interval=0.5)
    check(bool(ok), "after START every demo stream reaches vsnk through vfw",
          {k: v["unique"] for k, v in svc.received().items()})
    _, recv = quiet(svc, "after START")
    check(lost(recv) == 0, "after START: no stream lost a packet (%d)" % lost(recv))
    never = sum(r["first_seq"] for r in recv.values())
    unres = svc.vfw_port(0)["unresolved"]
    check(never == unres, "after START: the packets vsnk never saw (%d, before the first of each stream) "
          "are those vfw dropped while it resolved vsnk's address (unresolved %d)" % (never, unres))


def missed(svc):
    """What the data ports counted as dropped by the NIC (rx_missed), vfw's and vsnk's."""
    return sum(p["rx_missed"] for v in ("vfw", "vsnk") for p in svc.status(v)["ports"])


def pause_under_traffic(svc, vnf, read):
    """Pause vnf, see read() stand still and a 409 for a second pause, resume,
    see read() move on."""
    before = read()
    st, body = svc.act(vnf, "pause")
    check(st == 200 and body.get("state") == "paused" and svc.status(vnf)["state"] == "paused",
          "%s: pause -> paused" % vnf, (st, body))
    st2, body2 = svc.act(vnf, "pause")
    check(st2 == 409, "%s: pause while paused is a 409" % vnf, (st2, body2))
    frozen(read, "%s: its counters stand still while paused" % vnf)
    resume(svc, vnf, "pause/resume")
    check(bool(wait_for(lambda: read() != before, timeout=30, interval=0.2)),
          "%s: its counters continue after resume" % vnf)


def after_resume(svc, vnf):
    """Wait until every stream has a packet sent after vnf's resume at vsnk:
    a stream whose last packets the paused ring dropped shows its loss only
    then (vsnk counts a gap when a later packet arrives)."""
    sent = svc.sent()
    ok = wait_for(lambda: all(sid in svc.received() and svc.received()[sid]["highest_seq"] >= n
                              for sid, n in sent.items() if n), timeout=60, interval=0.2)
    check(bool(ok), "%s resumed: a packet of every stream sent after the resume reached vsnk" % vnf,
          (sent, {k: v["highest_seq"] for k, v in svc.received().items()}))


def check_pause_resume(svc, lost0):
    """vpkg paused and resumed: nothing lost. vfw and vsnk paused under
    traffic: what the streams lost is what their ports counted."""
    resume(svc, "vpkg", "start traffic")
    pause_under_traffic(svc, "vpkg", lambda: sorted(svc.sent().items()))
    _, recv = quiet(svc, "after vpkg's pause")
    check(lost(recv) == lost0, "vpkg paused and resumed: nothing lost (%d)" % (lost(recv) - lost0))
    lost1, missed1 = lost(recv), missed(svc)

    resume(svc, "vpkg", "traffic for vfw's and vsnk's pauses")
    pause_under_traffic(svc, "vfw", lambda: svc.vfw_port(0)["forwarded"])
    after_resume(svc, "vfw")
    pause_under_traffic(svc, "vsnk", lambda: svc.port("vsnk", 0)["rx_packets"])
    after_resume(svc, "vsnk")
    _, recv = quiet(svc, "after vfw's and vsnk's pauses")
    gone, counted = lost(recv) - lost1, missed(svc) - missed1
    check(gone == counted, "vfw and vsnk paused: the streams lost only what their ports counted "
          "as missed (%d lost, %d missed)" % (gone, counted))
    if OVERFLOW:
        check(counted > 0, "vfw and vsnk paused under VNFM_OVERFLOW's rate: their rings overflowed "
              "and the drops were counted (%d)" % counted)
    p = svc.port("vsnk", 0)
    check(p["pkt_drops"] >= p["rx_missed"], "vsnk: pkt_drops includes rx_missed", p)
    return lost(recv)


def check_restart(svc, lost0):
    """Restarts with vpkg paused (nothing in flight), then vpkg's own under
    traffic: each back in running, counters not reset, nothing lost."""
    for vnf in ("vfw", "vsnk", "vpkg"):
        if vnf == "vpkg":
            resume(svc, "vpkg", "restart")
        before = svc.status(vnf)
        st, body = svc.act(vnf, "restart")
        check(st == 200 and body.get("state") == "running" and "restart" in body.get("why", ""),
              "%s: restart -> running (%s)" % (vnf, body.get("why") if isinstance(body, dict) else body),
              (st, body))
        after = svc.status(vnf)
        check(all(a["rx_packets"] >= b["rx_packets"] and a["tx_packets"] >= b["tx_packets"]
                  for a, b in zip(after["ports"], before["ports"])),
              "%s: counters continue across the restart (not reset)" % vnf)
    fw = svc.status("vfw")
    check("re-read --rules" in fw.get("why", ""), "vfw's restart re-read its rules (%s)" % fw.get("why"))
    rx = svc.port("vsnk", 0)["rx_packets"]
    check(bool(wait_for(lambda: svc.port("vsnk", 0)["rx_packets"] > rx + 200, timeout=60, interval=0.2)),
          "traffic flows through the restarted binaries")
    _, recv = quiet(svc, "after the restarts")
    check(lost(recv) == lost0, "nothing lost across the restarts (%d)" % (lost(recv) - lost0))


def check_closed_loop(svc, ctl):
    """The loop sets vpkg back to the target from high (the 10 streams of the
    configuration) and from low (1 stream set by hand). vfw's VES agent
    queued its events until the controller listened; an action on such a
    stale event (e.g. low, from an interval vpkg was paused) may come first:
    the disturbance is then made again. Each step waits for its evidence,
    with a generous bound: an action on the expected verdict in the decision
    log, and the stream count read back from vpkg."""
    resume(svc, "vpkg", "closed loop")  # quiet() left it paused

    def acted(after, verdict):
        return [d for d in ctl.decisions()[after:] if d.get("action") != "none" and
                (verdict is None or d.get("verdict") == verdict)]

    def drive(streams, verdict):
        n = len(ctl.decisions())
        svc.set_active_streams(streams)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if acted(n, verdict) and svc.active_streams() == CL_TARGET:
                return True
            if acted(n, None) and not acted(n, verdict):
                n = len(ctl.decisions())        # a stale event's action: disturb again
                svc.set_active_streams(streams)
            time.sleep(0.5)
        return False
    check(drive(STREAMS, "high"), "closed loop: high traffic (%d streams) -> the controller set vpkg "
          "to %d streams" % (STREAMS, CL_TARGET), (svc.active_streams(), ctl.decisions()[-5:]))
    check(drive(1, "low"), "closed loop: low traffic (1 stream) -> the controller set vpkg to %d "
          "streams" % CL_TARGET, (svc.active_streams(), ctl.decisions()[-5:]))


def hugepage_files(prefix):
    mounts = [l.split()[1] for l in open("/proc/mounts") if l.split()[2] == "hugetlbfs"]
    return [f for m in mounts for f in glob.glob(os.path.join(m, prefix + "*"))]


def check_stop_terminate(vnfm, tmp, pids):
    vnfm.stop()
    for name, pid in pids.items():
        check(not os.path.exists("/proc/%d" % pid), "STOP: %s (pid %d) is gone" % (name, pid))
    left = os.listdir(os.path.join(tmp, "run"))
    check(not left, "STOP: no pid file left", left)
    for prefix in ("vpkg-pg", "vfw-fw", "vsnk-snk"):
        check(not os.path.exists("/var/run/dpdk/" + prefix) and not hugepage_files(prefix),
              "STOP: no DPDK run-time directory or hugepage file of %s" % prefix)
    vnfm.terminate()
    conf = os.listdir(os.path.join(tmp, "etc"))
    check(not conf, "TERMINATE: the instances' configurations are removed", conf)
    left = vnfm.vim.leftovers()
    check(not left, "TERMINATE: no interface or namespace left", left)


def main():
    why = can_run()
    if why:
        skip(why)
    desc = Descriptors(os.path.join(OB, "nsd.json"), os.path.join(OB, "vnfd"), os.path.join(OB, "scripts"))
    problems = desc.problems()
    check(not problems, "the descriptors hold together", problems)
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="vnfm-")
    env = {"VFWCL_BUILD": vfwcl.build_dir(), "VFWCL_ETC": os.path.join(tmp, "etc"),
           "VFWCL_RUN": os.path.join(tmp, "run"), "VFWCL_LOG": os.path.join(tmp, "log"),
           "VFWCL_RULES_DIR": os.path.join(ROOT, "vfw", "rules")}
    vim = Vim(TAG, {"mgmt": "198.18.%d.0/24" % (int(TAG) % 200 + 1),
                    "unprotected": "192.168.10.0/24", "protected": "192.168.20.0/24"}, "mgmt")
    ves_port = mgmtlib.free_port()
    vnfm = Vnfm(desc, vim, env, overrides=overrides(vim, ves_port))
    ctl = None
    try:
        try:
            vnfm.deploy()
        except RuntimeError as e:
            if "veth" in str(e) or "bridge" in str(e):
                skip("cannot build the VMs' networks: %s" % e)
            raise
        check_deploy(vnfm, env["VFWCL_ETC"])
        svc = Service(vim, desc)
        pids = {f: int(open(os.path.join(env["VFWCL_RUN"], f)).read())
                for f in os.listdir(env["VFWCL_RUN"])}
        check_traffic(svc)
        lost0 = check_pause_resume(svc, 0)
        check_restart(svc, lost0)
        vpkg_conf = vnfm.config("vfwcl-vpkg")
        ctl = Controller(tmp, "%s:%d" % (vim.manager_address(), ves_port),
                         svc.base["vpkg"], per_stream_pps(vpkg_conf["rate"]))
        check_closed_loop(svc, ctl)
        rc = ctl.stop()
        ctl = None
        check(rc == 0, "the controller stops cleanly (rc %s)" % rc)
        check_stop_terminate(vnfm, tmp, pids)
        print("run time %.0f s" % (time.monotonic() - t0))
    finally:
        if ctl is not None:
            ctl.stop()
        for f in glob.glob(os.path.join(env["VFWCL_RUN"], "*.pid")):
            try:
                os.kill(int(open(f).read()), 9)
            except (OSError, ValueError):
                pass
        vim.delete()
        if mgmtlib.failures:
            for f in sorted(glob.glob(os.path.join(env["VFWCL_LOG"], "*.log"))):
                print("--- %s (last lines)" % f)
                print("".join(open(f).readlines()[-15:]))
            for f in ("controller.out", "decisions.log"):
                if os.path.exists(os.path.join(tmp, f)):
                    print("--- %s (last lines)" % f)
                    print("".join(open(os.path.join(tmp, f)).readlines()[-10:]))
        shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
