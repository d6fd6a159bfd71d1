# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the NETCONF tests: the model files, ONAP's bodies in the form
OpenDaylight sends them over NETCONF (an ODL PUT on a mounted node becomes an
edit-config of that node with operation="replace"), a vpkg with --netconf
on a free loopback port, and a NETCONF session on a bare SSH channel."""
import os
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vpkg"))
import vpkgrest as vr  # noqa: E402
import vfwcl  # noqa: E402
from mgmtlib import free_port  # noqa: E402

YANG_DIR = os.path.join(HERE, "..", "..", "vpkg", "yang")
NC_BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
SP_NS = "urn:opendaylight:params:xml:ns:yang:sample-plugin"
SC_NS = "urn:opendaylight:params:xml:ns:yang:stream-count"
NAMES = ["fw_udp%d" % i for i in range(1, 11)]


def yang_file(module, revision):
    return os.path.normpath(os.path.join(YANG_DIR, "%s@%s.yang" % (module, revision)))


def _op(op):
    return "" if op is None else ' xmlns:a="%s" a:operation="%s"' % (NC_BASE, op)


def pg_streams_xml(names, enabled="true", op="replace"):
    """sample-plugin/pg-streams with names as ONAP lists them (is-enabled as a string)."""
    items = "".join("<pg-stream><id>%s</id><is-enabled>%s</is-enabled></pg-stream>" % (n, enabled)
                    for n in names)
    return ('<sample-plugin xmlns="%s"><pg-streams%s>%s</pg-streams></sample-plugin>'
            % (SP_NS, _op(op), items))


def active_streams_xml(n, op="replace"):
    """stream-count/streams {"streams":{"active-streams":n}} as ODL sends it."""
    return ('<stream-count xmlns="%s"><streams%s><active-streams>%s</active-streams>'
            '</streams></stream-count>' % (SC_NS, _op(op), n))


def config(inner):
    return '<config xmlns="%s">%s</config>' % (NC_BASE, inner)


def need_ncclient():
    """Import ncclient (python3-ncclient, Debian's): when this interpreter is not
    Debian's own (a pyenv shim, a venv), run the test again with /usr/bin/python3."""
    try:
        import ncclient  # noqa: F401
    except ImportError:
        deb = "/usr/bin/python3"
        if os.path.exists(deb) and os.path.realpath(sys.executable) != os.path.realpath(deb):
            os.execv(deb, [deb] + sys.argv)
        raise


def connect(port, user="admin", password="admin", timeout=60):
    """An ncclient session as ODL opens one (password auth, no agent or key files)."""
    from ncclient import manager
    return manager.connect(host="127.0.0.1", port=port, username=user, password=password,
                           hostkey_verify=False, allow_agent=False, look_for_keys=False,
                           timeout=timeout)


class Vpkg(vr.Vpkg):
    """vpkg with --netconf on a free loopback port, REST alongside (same credentials)."""

    def __init__(self, state_dir, pw, extra=(), **kw):
        self.nc_port = free_port()
        super().__init__(["--mgmt-user", "admin", "--mgmt-password-file", pw,
                          "--netconf", "127.0.0.1:%d" % self.nc_port,
                          "--netconf-state-dir", state_dir] + list(extra), **kw)

    def start(self, timeout=30):
        super().start(timeout)
        if vfwcl.wait_listening("127.0.0.1", self.nc_port, timeout):
            return self
        raise AssertionError("the NETCONF server did not come up")

    def rest(self):
        return self.client(auth=vr.ONAP_AUTH)

    def __exit__(self, exc_type, *rest):
        super().__exit__(exc_type, *rest)
        if exc_type is not None:
            # what vpkg said about the failure (a closed session says why only there)
            print("--- vpkg stderr (the test failed):\n%s" % (self.err or "")[-6000:])


def raw_session(port, versions=("1.0", "1.1"), timeout=60):
    """A NETCONF session on a bare SSH channel (paramiko), past the hello: ours
    offers the base versions given (1.1 framing follows when both offer it).
    Returns (transport, channel); the caller closes the transport."""
    import paramiko
    t = paramiko.Transport(("127.0.0.1", port))
    t.connect(username="admin", password="admin")
    ch = t.open_session()
    ch.invoke_subsystem("netconf")
    ch.settimeout(timeout)
    caps = "".join("<capability>urn:ietf:params:netconf:base:%s</capability>" % v
                   for v in versions)
    ch.sendall(('<?xml version="1.0"?><hello xmlns="%s"><capabilities>%s</capabilities>'
                '</hello>]]>]]>' % (NC_BASE, caps)).encode())
    got = b""
    while b"]]>]]>" not in got:
        data = ch.recv(65536)
        if not data:
            t.close()
            raise EOFError("the server closed the session during the hello")
        got += data
    return t, ch


def read_message(ch, end=b"]]>]]>", timeout=60):
    """What the server sends on ch up to the end of one message (1.0 framing;
    b"\\n##\\n" for 1.1); less if it closes the session or the time runs out."""
    got = b""
    until = time.monotonic() + timeout
    try:
        while end not in got and time.monotonic() < until:
            data = ch.recv(65536)
            if not data:
                break
            got += data
    except socket.timeout:
        pass
    return got
