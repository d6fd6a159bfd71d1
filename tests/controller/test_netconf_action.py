#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfwcl-controller --api netconf: the policy's action as APPC's ModifyConfig
reaches vpkg through OpenDaylight, an <edit-config> of the stream-count model
over NETCONF/SSH. A real vpkg (--onap --netconf on a free port) must end at the
policy's 5 active streams after a low event, the decision log saying
"NETCONF ok"; the host key is recorded on first use and a changed one refused;
a wrong password fails the action (logged) and the controller keeps running."""
import os
import shutil
import socket
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "vpkg"))
import vfwcl  # noqa: E402
import vpkgrest as vr  # noqa: E402
from mgmtlib import call, check, done, free_port, wait_for  # noqa: E402
from test_collector import log_lines, post, v5_event  # noqa: E402

CTL = os.path.join(vfwcl.build_dir(), "controller", "vfwcl-controller")


class Controller:
    """The controller with --api netconf on vpkg's NETCONF port."""

    def __init__(self, tmp, nc_port, pw, known_hosts, name):
        self.base = "http://127.0.0.1:%d" % free_port()
        self.log = os.path.join(tmp, name + ".log")
        self.cmd = [CTL, "--listen", self.base[7:], "--api", "netconf",
                    "--vpkg-netconf", "127.0.0.1:%d" % nc_port, "--vpkg-user", "admin",
                    "--vpkg-password-file", pw, "--vpkg-netconf-known-hosts", known_hosts,
                    "--log", self.log]
        self.p = None

    def __enter__(self):
        self.p = vfwcl.subprocess.Popen(self.cmd, stdout=vfwcl.subprocess.PIPE,
                                        stderr=vfwcl.subprocess.PIPE, text=True)
        wait_for(lambda: self.p.poll() is not None or answers(self.base), timeout=30)
        check(self.p.poll() is None, "the controller runs")
        return self

    def __exit__(self, *exc):
        if self.p.poll() is None:
            self.p.terminate()
        self.out, self.err = self.p.communicate(timeout=60)

    def decisions(self):
        """The decision log's lines of actions (those with a result of an action)."""
        if not os.path.exists(self.log):
            return []
        return [d for d in log_lines(self.log) if d.get("action", "none") != "none"]


def answers(base):
    try:
        return call(base, "GET", "/api/v1/health")[0] == 200
    except OSError:
        return False


def active_streams(v):
    """vpkg's active-streams, read over REST as ONAP's GET would."""
    return v.client(auth=vr.ONAP_AUTH).json(vr.STREAM_COUNT)["streams"]["active-streams"]


def low_event(ctl, seq):
    status = post(ctl.base, "/eventListener/v5", {"event": v5_event(seq, delta=10)})[0]
    check(status == 202, "the low event is accepted", status)


def one_decision(ctl):
    wait_for(lambda: len(ctl.decisions()) >= 1, timeout=120)
    d = ctl.decisions()
    check(len(d) == 1, "one action logged", d)
    return d[0]


def test_action(v, tmp, pw, known_hosts):
    with Controller(tmp, v.nc_port, pw, known_hosts, "ok") as ctl:
        low_event(ctl, 1)
        d = one_decision(ctl)
        check(d["result"] == "NETCONF ok", "the decision log says NETCONF ok", d)
        check("NETCONF edit-config" in d["action"], "the action names NETCONF", d)
        check(active_streams(v) == 5, "vpkg runs the policy's 5 streams")
    check("trusted on first use" not in ctl.err, "the recorded host key is known now", ctl.err)


def test_wrong_password(v, tmp, known_hosts):
    bad = vr.password_file("not-the-password")
    try:
        with Controller(tmp, v.nc_port, bad, known_hosts, "badpw") as ctl:
            low_event(ctl, 1)
            d = one_decision(ctl)
            check(d["result"].startswith("failed: "), "a wrong password fails the action", d)
            print("     " + d["result"])
            check(answers(ctl.base), "the controller keeps serving after the failure")
            check(ctl.p.poll() is None, "the controller keeps running")
    finally:
        os.unlink(bad)
    # the host key is checked before the password is sent
    check(os.path.exists(known_hosts) and os.path.getsize(known_hosts) > 0,
          "the host key is recorded on first use")
    check("trusted on first use" in ctl.err, "the first use is said on stderr", ctl.err)


def test_changed_host_key(v, tmp, pw):
    """A known_hosts entry for this host:port with another key: refused, no change."""
    other = os.path.join(tmp, "other_known_hosts")
    with open(other, "w") as f:
        f.write("[127.0.0.1]:%d ssh-ed25519 "
                "AAAAC3NzaC1lZDI1NTE5AAAAIMu0DeTzsw8kCQyn5lqUePrmzPAPhX4mMxiGmwuaSKv9\n" % v.nc_port)
    with Controller(tmp, v.nc_port, pw, other, "hostkey") as ctl:
        low_event(ctl, 1)
        d = one_decision(ctl)
        check(d["result"].startswith("failed: ") and "host key" in d["result"],
              "a changed host key refuses the action", d)
    print("     " + d["result"])
    check(active_streams(v) == 5, "vpkg's streams unchanged")


def test_rpc_error(tmp, pw):
    """A vpkg of one stream refuses active-streams 5: the rpc-error is logged."""
    nc_port = free_port()
    known_hosts = os.path.join(tmp, "one_stream_known_hosts")
    v = vr.Vpkg(["--onap", "--txpkts", "64", "--mgmt-user", "admin", "--mgmt-password-file", pw,
                 "--netconf", "127.0.0.1:%d" % nc_port, "--netconf-state-dir", tmp])
    with v:
        wait_for(lambda: port_open(nc_port), timeout=60)
        check(active_streams(v) == 1, "vpkg of one stream")
        with Controller(tmp, nc_port, pw, known_hosts, "rpcerror") as ctl:
            low_event(ctl, 1)
            d = one_decision(ctl)
            print("     " + d["result"])
            check(d["result"].startswith("failed: rpc-error invalid-value") and
                  "active-streams" in d["result"],
                  "the rpc-error's tag and path are logged", d)
            check(ctl.p.poll() is None, "the controller keeps running after an rpc-error")
        check(active_streams(v) == 1, "vpkg's streams unchanged by the refused edit")


def test_options(tmp, pw):
    base = [CTL, "--api", "netconf", "--listen", "127.0.0.1:%d" % free_port()]
    cases = [
        ([], "--vpkg-user"),
        (["--vpkg-user", "admin", "--vpkg-password-file", pw], "--vpkg-netconf-known-hosts"),
        (["--vpkg-netconf", "127.0.0.1:x"], "vpkg-netconf"),
    ]
    for extra, needle in cases:
        p = vfwcl.subprocess.run(base + extra, capture_output=True, text=True, timeout=30)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 2 and len(lines) == 1 and needle in lines[0],
              "bad --api netconf options: exit 2, one line naming %s" % needle,
              (p.returncode, p.stderr))


def main():
    tmp = tempfile.mkdtemp(prefix="ctl-netconf-")
    pw = vr.password_file("admin")
    known_hosts = os.path.join(tmp, "known_hosts")
    nc_port = free_port()
    v = vr.Vpkg(["--onap", "--mgmt-user", "admin", "--mgmt-password-file", pw,
                 "--netconf", "127.0.0.1:%d" % nc_port, "--netconf-state-dir", tmp])
    v.nc_port = nc_port
    try:
        test_options(tmp, pw)
        with v:
            wait_for(lambda: port_open(nc_port), timeout=60)
            # away from the policy's 5, so that the action's effect shows
            r = v.client(auth=vr.ONAP_AUTH).req("PUT", vr.STREAM_COUNT, body={"streams": {"active-streams": 2}})
            check(r.status in (200, 204), "vpkg set to 2 streams over REST", r)
            start = active_streams(v)
            check(start == 2, "vpkg starts at 2 streams", start)
            test_wrong_password(v, tmp, known_hosts)
            check(active_streams(v) == start, "a refused action changes nothing")
            test_action(v, tmp, pw, known_hosts)
            test_changed_host_key(v, tmp, pw)
        test_rpc_error(tmp, pw)
    finally:
        os.unlink(pw)
        shutil.rmtree(tmp, True)
    done()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    main()
