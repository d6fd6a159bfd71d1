# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the vpkg management tests (REST and ONAP): vpkg with its REST
server on a free port, started and stopped cleanly, and the HTTP client and
checks of tests/mgmt/mgmtlib.py."""
import os
import tempfile
import time

import mgmtlib
import vfwcl
from mgmtlib import Client, check, done, free_port  # noqa: F401

VPKG = vfwcl.binary("vpkg")
ONAP_AUTH = "Basic YWRtaW46YWRtaW4="      # admin:admin, as ONAP sends it
STREAM_COUNT = "/restconf/config/stream-count:stream-count/streams"
SAMPLE_PLUGIN = "/restconf/config/sample-plugin:sample-plugin/pg-streams"


def password_file(text="admin"):
    """A mode-600 file holding a password (mgmt refuses files others can read)."""
    fd, path = tempfile.mkstemp(prefix="vpkg-pw-")
    os.write(fd, (text + "\n").encode())
    os.close(fd)
    os.chmod(path, 0o600)
    return path


_STATE = []


def _state_dir():
    """One private NETCONF state directory per test process, removed at exit."""
    if not _STATE:
        import atexit
        import shutil
        _STATE.append(tempfile.mkdtemp(prefix="vpkg-state-"))
        atexit.register(shutil.rmtree, _STATE[0], True)
    return _STATE[0]


class Vpkg(mgmtlib.Binary):
    """vpkg on net_null (ONAP demo streams unless args say otherwise) with --mgmt."""

    def __init__(self, args=(), vdevs=("net_null0",), **kw):
        args = list(args)
        if "--onap" in args and "--netconf-state-dir" not in args:
            # --onap starts NETCONF, whose host key would go to /var/lib/vfwcl
            args += ["--netconf-state-dir", _state_dir()]
        super().__init__("vpkg", vdevs, args, **kw)


def run_vpkg(args, vdevs=("net_null0",), timeout=60):
    """Run vpkg to completion (option errors); returns CompletedProcess."""
    return vfwcl.run_to_exit("vpkg", args, vdevs, timeout)


def one_line_error(p, code, *needles):
    """Exit code and exactly one 'vpkg: ' line on stderr naming the needles."""
    return vfwcl.one_line_error(p, code, *needles, prog="vpkg")


def streams(c):
    """{name: stream object} from GET /api/v1/streams."""
    return {s["name"]: s for s in c.json("/api/v1/streams")}


def enabled(c):
    """Sorted names of the enabled streams."""
    return sorted((n for n, s in streams(c).items() if s["enabled"]),
                  key=lambda n: (len(n), n))


def shape(c):
    """What a failed request must leave as it was: every stream's settings."""
    return {n: (s["enabled"], s["rate_spec"], s["size"]) for n, s in streams(c).items()}


def tx(c):
    """{name: tx_packets}"""
    return {n: s["tx_packets"] for n, s in streams(c).items()}


def frozen_after(c, names, wait=0.4):
    """The tx_packets of names read right after a 200 do not move any more
    (the change reached the workers before the answer)."""
    a = tx(c)
    time.sleep(wait)
    b = tx(c)
    return all(a[n] == b[n] for n in names), (a, b)


def moving(c, names, wait=0.5):
    a = tx(c)
    time.sleep(wait)
    b = tx(c)
    return all(b[n] > a[n] for n in names), (a, b)
