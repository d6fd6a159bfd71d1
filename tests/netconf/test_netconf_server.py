#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vpkg's NETCONF server (vpkg/netconf*.c) driven with ncclient
(python3-ncclient), a client none of us wrote, the way OpenDaylight drives
it for ONAP's APPC:
- hello: base 1.0 and 1.1, :writable-running, ietf-netconf-monitoring and the
  two models with ONAP's revisions; the host key made at the first start in
  --netconf-state-dir (mode 600) and kept across restarts;
- get-schema of every schema netconf-state lists; ours are our files and
  parse with libyang (yanglint);
- ODL's sequence (get netconf-state/schemas, lock, edit-config replace,
  unlock, get-config) with ONAP's bodies for both models; the traffic
  follows (disabled streams frozen, enabled ones moving) and REST sees it;
  a REST change is seen over NETCONF;
- refused, state unchanged, server still serving: out-of-range, wrong type,
  unknown stream, repeated id, unknown namespace and element, malformed
  XML, a 10 MB RPC, a locked datastore, create/delete of what is/is not
  there, wrong password, unknown user;
- 1000 sessions opened and closed: vpkg's descriptors do not grow, its
  memory stays within a bound far below what a leak per session would add;
- --netconf-max-sessions: one more session is closed at once;
- option errors: exit 2 with one line."""
import os
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "vpkg"))
import nclib  # noqa: E402
nclib.need_ncclient()
from ncclient.operations.rpc import RPCError  # noqa: E402
from ncclient.transport.errors import AuthenticationError  # noqa: E402
import vpkgrest as vr  # noqa: E402
from mgmtlib import check, done, free_port  # noqa: E402

NAMES = nclib.NAMES
CAPS = [
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
    "urn:ietf:params:netconf:capability:writable-running:1.0",
    "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring"
    "&revision=2010-10-04",
    nclib.SP_NS + "?module=sample-plugin&revision=2016-09-18",
    nclib.SC_NS + "?module=stream-count&revision=2019-01-18",
]
SCHEMAS_FILTER = ('<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring">'
                  '<schemas/></netconf-state>')
IETF_YANG = "/usr/share/yuma/modules/ietf"


def rpc_error(fn):
    """The RPCError fn raises (None if it succeeded)."""
    try:
        fn()
    except RPCError as e:
        return e
    return None


def edit(m, inner, **kw):
    return m.edit_config(target="running", config=nclib.config(inner), **kw)


def host_key_of(port):
    m = nclib.connect(port)
    key = m._session._transport.get_remote_server_key().get_base64()
    m.close_session()
    return key


# ------------------------------------------------------------ hello, schemas

def test_hello(v, state_dir):
    m = nclib.connect(v.nc_port)
    caps = set(m.server_capabilities)
    for c in CAPS:
        check(c in caps, "capability " + c.split("?")[-1][:60], sorted(caps))
    check(not any(":candidate" in c for c in caps), "no :candidate advertised (not served)")
    m.close_session()
    key = os.path.join(state_dir, "netconf-hostkey.pem")
    st = os.stat(key)
    check(stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600,
          "host key generated in --netconf-state-dir, mode 600", oct(st.st_mode))


def test_get_schema(v):
    m = nclib.connect(v.nc_port)
    listed = m.get(filter=("subtree", SCHEMAS_FILTER)).data
    ns = {"m": "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"}
    schemas = [(s.findtext("m:identifier", namespaces=ns), s.findtext("m:version", namespaces=ns))
               for s in listed.iterfind(".//m:schema", ns)]
    ids = {i for i, _ in schemas}
    check({"sample-plugin", "stream-count", "ietf-netconf", "ietf-netconf-monitoring"} <= ids,
          "netconf-state/schemas lists the models", sorted(ids))
    # ODL downloads every listed schema it does not know
    bad = []
    for ident, ver in schemas:
        try:
            text = m.get_schema(ident, version=ver).data
            if "module " + ident not in text and "submodule " + ident not in text:
                bad.append(ident)
        except RPCError as e:
            bad.append("%s: %s" % (ident, e))
    check(not bad, "get-schema answers every listed schema (%d)" % len(schemas), bad)
    with tempfile.TemporaryDirectory() as d:
        for mod, rev in (("sample-plugin", "2016-09-18"), ("stream-count", "2019-01-18")):
            text = m.get_schema(mod, version=rev).data
            with open(nclib.yang_file(mod, rev)) as f:
                check(text == f.read(), "get-schema %s: our file, byte for byte" % mod)
            path = os.path.join(d, "%s@%s.yang" % (mod, rev))
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run(["yanglint", path], capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "get-schema %s parses with libyang" % mod, r.stderr)
        text = m.get_schema("ietf-netconf-monitoring").data
        path = os.path.join(d, "ietf-netconf-monitoring.yang")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run(["yanglint", "-p", IETF_YANG, path], capture_output=True, text=True,
                           timeout=60)
        check(r.returncode == 0, "get-schema ietf-netconf-monitoring parses with libyang",
              r.stderr)
    e = rpc_error(lambda: m.get_schema("no-such-module"))
    check(e is not None and e.tag == "invalid-value", "get-schema of an unknown module: "
          "invalid-value", e)
    m.close_session()


# ------------------------------------------------------------ ODL's sequence

def enabled_over_netconf(m):
    data = m.get_config("running").data
    ns = {"sp": nclib.SP_NS, "sc": nclib.SC_NS}
    ids = [e.findtext("sp:id", namespaces=ns) for e in data.iterfind(".//sp:pg-stream", ns)]
    n = data.findtext(".//sc:active-streams", namespaces=ns)
    return sorted(ids, key=lambda s: (len(s), s)), n


def odl_put(m, inner):
    """What ODL sends for a RESTCONF PUT on a mounted node: lock, edit, unlock."""
    m.lock("running")
    try:
        r = edit(m, inner)
    finally:
        m.unlock("running")
    return r


def test_odl_sequence(v):
    c = v.rest()
    m = nclib.connect(v.nc_port)
    m.get(filter=("subtree", SCHEMAS_FILTER))
    # Dublin and later: APPC/CDS {"streams":{"active-streams":3}}
    r = odl_put(m, nclib.active_streams_xml(3))
    check(r.ok, "stream-count: edit-config replace active-streams 3: <ok/>", r)
    check(vr.enabled(c) == NAMES[:3], "REST sees the first 3 streams enabled", vr.enabled(c))
    ok, d = vr.frozen_after(c, NAMES[3:])
    check(ok, "the disabled streams send nothing after the <ok/>", d)
    ok, d = vr.moving(c, NAMES[:3], wait=0.6)
    check(ok, "the enabled ones send", d)
    cfg = m.get_config("running", filter=("subtree", '<stream-count xmlns="%s"/>' % nclib.SC_NS))
    check("<active-streams>3</active-streams>" in cfg.data_xml,
          "get-config stream-count: active-streams 3", cfg.data_xml)
    # Amsterdam to Casablanca: the robot's pg-streams body, 5 streams
    r = odl_put(m, nclib.pg_streams_xml(NAMES[:5]))
    check(r.ok, "sample-plugin: edit-config replace pg-streams (5): <ok/>", r)
    check(vr.enabled(c) == NAMES[:5], "REST sees the 5 listed streams enabled", vr.enabled(c))
    ok, d = vr.moving(c, NAMES[:5], wait=0.6)
    check(ok, "the 5 listed streams send", d)
    check(enabled_over_netconf(m) == (NAMES[:5], "5"), "get-config: 5 pg-streams, active 5",
          enabled_over_netconf(m))
    # default-operation none with the operation on the node (ODL's other form)
    r = edit(m, nclib.pg_streams_xml(NAMES[:2]), default_operation="none")
    check(r.ok and vr.enabled(c) == NAMES[:2], "replace under default-operation none", r)
    # merge of one entry; is-enabled false disables; delete and create of one entry
    r = edit(m, nclib.pg_streams_xml([NAMES[6]], op="merge"))
    check(r.ok and vr.enabled(c) == NAMES[:2] + [NAMES[6]], "merge of one pg-stream enables it",
          vr.enabled(c))
    r = edit(m, nclib.pg_streams_xml([NAMES[0]], enabled="false", op="merge"))
    check(r.ok and vr.enabled(c) == [NAMES[1], NAMES[6]], "is-enabled false disables it",
          vr.enabled(c))
    entry = ('<sample-plugin xmlns="%s"><pg-streams><pg-stream xmlns:a="%s" a:operation="%%s">'
             '<id>%%s</id></pg-stream></pg-streams></sample-plugin>' % (nclib.SP_NS, nclib.NC_BASE))
    r = edit(m, entry % ("delete", NAMES[1]))
    check(r.ok and vr.enabled(c) == [NAMES[6]], "delete of a pg-stream disables it", vr.enabled(c))
    r = edit(m, entry % ("create", NAMES[9]))
    check(r.ok and vr.enabled(c) == [NAMES[6], NAMES[9]], "create of a pg-stream enables it",
          vr.enabled(c))
    r = edit(m, entry % ("remove", NAMES[3]))
    check(r.ok and vr.enabled(c) == [NAMES[6], NAMES[9]], "remove of an absent entry: <ok/>",
          vr.enabled(c))
    # REST and NETCONF see each other's changes
    r = c.req("PUT", vr.STREAM_COUNT, body={"streams": {"active-streams": 7}})
    check(r.status == 200 and enabled_over_netconf(m) == (NAMES[:7], "7"),
          "a REST change is seen by get-config", enabled_over_netconf(m))
    st = m.get(filter=("subtree", '<stream-count-state xmlns="%s"/>' % nclib.SC_NS)).data_xml
    check("<active-streams>7</active-streams>" in st, "get: stream-count-state", st)
    m.close_session()


# ------------------------------------------------------------ refusals

def refused(v, m, what, fn, tag, path=None):
    """fn fails with tag (and error-path containing path); nothing changed; still serving."""
    c = v.rest()
    before = vr.shape(c)
    e = rpc_error(fn)
    tags = tag if isinstance(tag, tuple) else (tag,)
    ok = e is not None and e.tag in tags and (path is None or path in (e.path or ""))
    check(ok, "%s: rpc-error %s%s" % (what, "/".join(tags), " at " + path if path else ""),
          None if e is None else (e.tag, e.path, e.message))
    check(vr.shape(c) == before, "%s: nothing changed" % what)
    check(m.get_config("running").ok, "%s: the session still serves" % what)


def test_refusals(v):
    m = nclib.connect(v.nc_port)
    sc_path = "/stream-count:stream-count/streams/active-streams"
    refused(v, m, "active-streams 11", lambda: edit(m, nclib.active_streams_xml(11)),
            "invalid-value", sc_path)
    refused(v, m, "active-streams 0", lambda: edit(m, nclib.active_streams_xml(0)),
            "invalid-value", sc_path)
    refused(v, m, "active-streams 'five'", lambda: edit(m, nclib.active_streams_xml("five")),
            "invalid-value", sc_path)
    refused(v, m, "unknown stream id",
            lambda: edit(m, nclib.pg_streams_xml(["fw_udp1", "no_such"])),
            "invalid-value", "pg-stream[id='no_such']")
    refused(v, m, "a pg-stream listed twice",
            lambda: edit(m, nclib.pg_streams_xml(["fw_udp1", "fw_udp2", "fw_udp1"])),
            "invalid-value", "pg-stream[id='fw_udp1']")
    refused(v, m, "is-enabled 'yes'",
            lambda: edit(m, nclib.pg_streams_xml(["fw_udp1"], enabled="yes")), "invalid-value")
    refused(v, m, "an unknown namespace",
            lambda: edit(m, '<streams xmlns="urn:example:nothing"><n>1</n></streams>'),
            "unknown-namespace")
    refused(v, m, "an unknown element",
            lambda: edit(m, '<stream-count xmlns="%s"><stream>1</stream></stream-count>'
                         % nclib.SC_NS), "unknown-element")
    entry = ('<sample-plugin xmlns="%s"><pg-streams><pg-stream xmlns:a="%s" a:operation="%%s">'
             '<id>%%s</id></pg-stream></pg-streams></sample-plugin>' % (nclib.SP_NS, nclib.NC_BASE))
    vr_c = v.rest()
    vr_c.req("PUT", vr.STREAM_COUNT, body={"streams": {"active-streams": 4}})
    refused(v, m, "create of an enabled pg-stream", lambda: edit(m, entry % ("create", NAMES[0])),
            "data-exists", "pg-stream[id='fw_udp1']")
    refused(v, m, "delete of a disabled pg-stream", lambda: edit(m, entry % ("delete", NAMES[8])),
            "data-missing", "pg-stream[id='fw_udp9']")
    refused(v, m, "delete of active-streams",
            lambda: edit(m, '<stream-count xmlns="%s"><streams xmlns:a="%s" a:operation="delete"/>'
                         '</stream-count>' % (nclib.SC_NS, nclib.NC_BASE)),
            "operation-not-supported")
    # libnetconf2 refuses it itself (no :candidate feature): operation-failed
    refused(v, m, "edit-config of candidate",
            lambda: m.edit_config(target="candidate", config=nclib.config(
                nclib.active_streams_xml(2))), ("operation-not-supported", "operation-failed"))
    # a 10 MB RPC: one pg-stream id of 10 MB
    big = "x" * (10 * 1024 * 1024)
    # parsing 10 MB takes a while on a loaded host or under ASan: a generous wait
    old_timeout, m.timeout = m.timeout, 600
    refused(v, m, "a 10 MB RPC", lambda: edit(m, nclib.pg_streams_xml([big])), "invalid-value")
    m.timeout = old_timeout
    # a lock held by another session: in-use for the others; freed when its session ends
    other = nclib.connect(v.nc_port)
    other.lock("running")
    refused(v, m, "edit-config while another session holds the lock",
            lambda: edit(m, nclib.active_streams_xml(2)), "in-use")
    e = rpc_error(lambda: m.lock("running"))
    check(e is not None and e.tag == "lock-denied", "lock while another session holds it: "
          "lock-denied", e)
    other.close_session()
    r = edit(m, nclib.active_streams_xml(2))
    check(r.ok, "the lock is gone with its session", r)
    m.close_session()


def test_malformed_xml(v):
    """Broken XML on a raw SSH channel: refused, and the server still serves."""
    c = v.rest()
    before = vr.shape(c)
    t, ch = nclib.raw_session(v.nc_port, versions=("1.0",), timeout=30)
    ch.sendall(b'<rpc message-id="1" xmlns="%s"><edit-config><target><running/></target>'
               b'<config><stream-count xmlns="%s"><streams><active-streams>2</streams>'
               b'</config></edit-config></rpc>]]>]]>' % (nclib.NC_BASE.encode(),
                                                         nclib.SC_NS.encode()))
    reply = nclib.read_message(ch, timeout=30)
    t.close()
    check(b"rpc-error" in reply or reply.strip() == b"",
          "malformed XML: an rpc-error or the session closed", reply[-600:])
    check(b"<ok/>" not in reply, "malformed XML: never <ok/>", reply[:300])
    check(vr.shape(c) == before, "malformed XML: nothing changed")
    m = nclib.connect(v.nc_port)
    check(m.get_config("running").ok, "malformed XML: the server still serves")
    m.close_session()


def test_auth(v):
    for user, pw, what in (("admin", "wrong", "wrong password"), ("root", "admin", "unknown user"),
                           ("admin", "", "empty password")):
        try:
            nclib.connect(v.nc_port, user=user, password=pw, timeout=30).close_session()
            refusedok = False
        except AuthenticationError:
            refusedok = True
        except Exception as e:  # noqa: BLE001 - any refusal is a refusal
            refusedok = "auth" in str(e).lower()
        check(refusedok, "%s: refused" % what)
    m = nclib.connect(v.nc_port)
    check(m.get_config("running").ok, "after refused logins the server still serves")
    m.close_session()


# ------------------------------------------------------------ sessions

def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cycle(port, n):
    for _ in range(n):
        m = nclib.connect(port)
        m.get_config("running")
        m.close_session()


def test_sessions_do_not_leak(v):
    pid = v.pid()
    cycle(v.nc_port, 50)	# warm-up: libssh, libyang and malloc settle
    time.sleep(1)
    fd0, rss0 = fd_count(pid), rss_kb(pid)
    # VFWCL_NETCONF_SESSIONS: fewer in CI's sanitizer pass, where each SSH
    # session costs several times more (the plain pass runs the full 1000)
    n = int(os.environ.get("VFWCL_NETCONF_SESSIONS", "1000"))
    cycle(v.nc_port, n)
    time.sleep(1)
    fd1, rss1 = fd_count(pid), rss_kb(pid)
    check(fd1 <= fd0, "%d sessions: descriptors did not grow (%d -> %d)" % (n, fd0, fd1))
    # a leak of one 4 KiB page per session would add 4000 KiB over 1000
    check(rss1 - rss0 < 2048, "%d sessions: memory grew less than 2 MiB (%d -> %d KiB)"
          % (n, rss0, rss1))


def test_max_sessions(state_dir, pw):
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-sessions", "2"]) as v:
        a, b = nclib.connect(v.nc_port), nclib.connect(v.nc_port)
        try:
            extra = nclib.connect(v.nc_port, timeout=20)
            try:
                extra.get_config("running")
                third = False
            except Exception:  # noqa: BLE001 - closed by the server
                third = True
        except Exception:  # noqa: BLE001
            third = True
        check(third, "--netconf-max-sessions 2: a third session is closed")
        check(a.get_config("running").ok and b.get_config("running").ok,
              "the two sessions still serve")
        a.close_session()
        time.sleep(1)
        c = nclib.connect(v.nc_port)
        check(c.get_config("running").ok, "a session ended makes room for another")
        c.close_session()
        b.close_session()


def test_idle_timeout(state_dir, pw):
    """--netconf-idle-timeout: a session that sends nothing is closed by the
    server; one that keeps sending RPCs is not. Waits on the idle session's
    state (a generous bound), not on a fixed delay."""
    with nclib.Vpkg(state_dir, pw, ["--netconf-idle-timeout", "3"]) as v:
        idle, busy = nclib.connect(v.nc_port), nclib.connect(v.nc_port)
        deadline = time.monotonic() + 120
        while idle.connected and time.monotonic() < deadline:
            check(busy.get_config("running").ok, "the busy session is served while the other idles")
            time.sleep(0.5)
        check(not idle.connected, "--netconf-idle-timeout 3: the idle session was closed")
        check(busy.get_config("running").ok, "the busy session is still open")
        busy.close_session()


def test_hostkey_kept(state_dir, pw, key_before):
    with nclib.Vpkg(state_dir, pw) as v:
        check(host_key_of(v.nc_port) == key_before, "the host key is kept across restarts")


def test_options(state_dir, pw):
    port = "127.0.0.1:%d" % free_port()
    cases = [
        (["--mgmt", "127.0.0.1:%d" % free_port(), "--netconf", port,
          "--netconf-state-dir", state_dir], "--netconf", "mgmt-user"),
        (["--netconf", "127.0.0.1:x"], "netconf", "127.0.0.1:x"),
        (["--netconf-max-sessions", "0"], "netconf-max-sessions", "'0'"),
        (["--netconf-idle-timeout", "-1"], "netconf-idle-timeout", "'-1'"),
    ]
    loose = os.path.join(state_dir, "loose.pem")
    with open(loose, "w") as f:
        f.write("not a key\n")
    os.chmod(loose, 0o644)
    cases.append((["--mgmt", "127.0.0.1:%d" % free_port(), "--mgmt-user", "admin",
                   "--mgmt-password-file", pw, "--netconf", port, "--netconf-hostkey", loose],
                  "netconf-hostkey", loose))
    for args, *needles in cases:
        p = vr.run_vpkg(args)
        check(vr.one_line_error(p, 2, *needles), "%s: exit 2, one line naming it" % " ".join(
            args[-2:]))


def main():
    with tempfile.TemporaryDirectory(prefix="vpkg-nc-") as d:
        state_dir = os.path.join(d, "state")
        pw = vr.password_file("admin")
        try:
            test_options(d, pw)
            with nclib.Vpkg(state_dir, pw) as v:
                test_hello(v, state_dir)
                key = host_key_of(v.nc_port)
                test_get_schema(v)
                test_odl_sequence(v)
                test_refusals(v)
                test_malformed_xml(v)
                test_auth(v)
                test_sessions_do_not_leak(v)
            test_hostkey_kept(state_dir, pw, key)
            test_max_sessions(state_dir, pw)
            test_idle_timeout(state_dir, pw)
        finally:
            os.unlink(pw)
    done()


if __name__ == "__main__":
    main()
