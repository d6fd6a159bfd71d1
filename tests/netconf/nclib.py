# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the NETCONF tests: the model files, ONAP's bodies in the form
OpenDaylight sends them over NETCONF (an ODL PUT on a mounted node becomes an
edit-config of that node with operation="replace"), and a vpkg with --netconf
on a free loopback port."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
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
