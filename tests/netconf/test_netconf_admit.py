#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vpkg's NETCONF accept threads hand sessions to the RPC thread instead of
adding them to libnetconf2's poll set themselves: that set's lock gives up
after 200 ms, and on a loaded host an accept thread's nc_ps_add_session()
failed, closing a session the client had just opened (ncclient:
"Unexpected session close" on its first RPC). ps_lock_timeout.so makes every
poll-set call from an accept thread fail, as that timeout does; sessions must
still open, serve and close, and --netconf-max-sessions still holds."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "vpkg"))
import nclib  # noqa: E402
nclib.need_ncclient()
import tempfile  # noqa: E402
import vfwcl  # noqa: E402
import vpkgrest as vr  # noqa: E402
from mgmtlib import check, done  # noqa: E402

SHIM = os.path.join(vfwcl.build_dir(), "tests", "netconf", "ps_lock_timeout.so")


def preload():
    """LD_PRELOAD for vpkg: the shim, after ASan's runtime when vpkg has one
    (a sanitizer build: ASan refuses to start unless its runtime comes first)."""
    ldd = subprocess.run(["ldd", vfwcl.binary("vpkg")], capture_output=True, text=True).stdout
    asan = [line.split("=>")[1].split()[0] for line in ldd.splitlines()
            if "libasan" in line and "=>" in line]
    return ":".join(asan + [SHIM])


def main():
    check(os.path.exists(SHIM), "the fault injection library is built (%s)" % SHIM)
    os.environ["LD_PRELOAD"] = preload()	# inherited by vpkg only: set after our imports
    pw = vr.password_file("admin")
    try:
        with tempfile.TemporaryDirectory(prefix="vpkg-nc-") as d:
            with nclib.Vpkg(os.path.join(d, "state"), pw,
                            ["--netconf-max-sessions", "2"]) as v:
                with open("/proc/%d/maps" % v.pid()) as f:
                    check(os.path.realpath(SHIM) in f.read(), "vpkg runs with the fault injection")
                for i in range(3):
                    m = nclib.connect(v.nc_port)
                    check(m.get_config("running").ok,
                          "session %d: opened and served though the poll-set lock "
                          "times out in the accept threads" % i)
                    m.close_session()
                a, b = nclib.connect(v.nc_port), nclib.connect(v.nc_port)
                try:
                    extra = nclib.connect(v.nc_port, timeout=20)
                    extra.get_config("running")
                    third = False
                except Exception:  # noqa: BLE001 - closed by the server
                    third = True
                check(third, "--netconf-max-sessions 2: a third session is closed")
                check(a.get_config("running").ok and b.get_config("running").ok,
                      "the two sessions still serve")
                a.close_session()
                b.close_session()
    finally:
        del os.environ["LD_PRELOAD"]
        os.unlink(pw)
    done()


if __name__ == "__main__":
    main()
