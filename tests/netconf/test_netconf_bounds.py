#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The bounds of vpkg's NETCONF server against hostile clients:
- handshakes: clients that connect and stay silent (before the SSH key
  exchange, or after it without logging in) do not hold up a real client,
  which logs in and edits while they are all still connected and not logged
  in; with every --netconf-max-handshakes slot held, a new connection waits
  for one to free;
- message size (--netconf-max-message): a message longer than the limit,
  streamed (never built in this process's memory) in 1.1 chunks or in 1.0
  framing, closes its session before vpkg's memory grows past a bound far
  below the message (malloc made to fill what it gives, so an allocated but
  unread chunk counts); a chunk header libnetconf2 finds after a stray
  newline; a 1.1 chunk announcing 2^64-1 bytes (libnetconf2 2.0.24 alone:
  heap overflow); a message just under the limit is served; the server
  keeps serving;
- option errors: exit 2 with one line.
No assertion on elapsed time: the order of events is what is checked."""
import os
import socket
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nclib  # noqa: E402
nclib.need_ncclient()
import paramiko  # noqa: E402
import vpkgrest as vr  # noqa: E402
from mgmtlib import check, done, free_port  # noqa: E402

MIB = 1024 * 1024


def status_kb(pid, field):
    """A field of /proc/PID/status in KiB; None once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def edit_ok(m, n):
    r = m.edit_config(target="running", config=nclib.config(nclib.active_streams_xml(n)))
    return r.ok


# ------------------------------------------------------------ handshakes

def silent_tcp(port):
    """A client that connects and never speaks SSH; returns once the server
    has taken it into a handshake (its SSH banner arrived)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        banner = s.recv(256)
    except socket.timeout:
        banner = b"(none in 60 s)"
    check(banner.startswith(b"SSH-"), "a silent TCP client is in a handshake (banner)", banner)
    return s


def silent_after_kex(port):
    """A client that completes the SSH key exchange and never logs in."""
    t = paramiko.Transport(("127.0.0.1", port))
    t.banner_timeout = 60
    try:
        t.start_client(timeout=60)
        err = None
    except paramiko.SSHException as e:
        err = e	# not taken into a handshake
    check(err is None and t.is_active() and not t.is_authenticated(),
          "a client past the key exchange, not logged in", err)
    return t


def test_silent_clients(state_dir, pw):
    """Three silent clients hold three of four handshake slots for as long as
    the test wants (--netconf-auth-timeout 600); a real client still logs in
    and edits, and the clients past the key exchange are still connected
    and not logged in when it has finished: it never waited for their
    timeout. (The ones before the key exchange have libnetconf2's fixed
    10 s for it: their state afterwards is not asserted.) Fails with one
    handshake at a time: the real client waits behind them."""
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-handshakes", "4",
                                    "--netconf-auth-timeout", "600"]) as v:
        c = v.rest()
        raw = [silent_tcp(v.nc_port)]
        kex = [silent_after_kex(v.nc_port), silent_after_kex(v.nc_port)]
        try:
            m = nclib.connect(v.nc_port)
            served = edit_ok(m, 3) and vr.enabled(c) == nclib.NAMES[:3]
            m.close_session()
        except Exception as e:  # noqa: BLE001 - timed out behind the silent ones
            served = e
        check(served is True, "a real client logs in and edits while three silent clients "
              "are connected", served)
        check(all(t.is_active() and not t.is_authenticated() for t in kex),
              "the silent clients past the key exchange were still connected, not logged in, "
              "after the real client had finished")
        for t in kex:
            t.close()
        for s in raw:
            s.close()


def test_handshake_slots(state_dir, pw):
    """--netconf-max-handshakes 2 held by two silent clients: a third
    connection gets no SSH banner while they hold them (checked once after a
    pause: a slow host only makes that more certain), and gets one when a
    slot frees."""
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-handshakes", "2",
                                    "--netconf-auth-timeout", "600"]) as v:
        kex = [silent_after_kex(v.nc_port), silent_after_kex(v.nc_port)]
        third = socket.create_connection(("127.0.0.1", v.nc_port), timeout=120)
        third.setblocking(False)
        time.sleep(2)
        try:
            early = third.recv(256)
        except BlockingIOError:
            early = b""
        check(early == b"", "every handshake slot held: a new connection waits", early)
        kex[0].close()
        third.setblocking(True)
        third.settimeout(120)
        banner = third.recv(256)
        check(banner.startswith(b"SSH-"), "a slot freed: the waiting connection is taken",
              banner)
        third.close()
        kex[1].close()
        m = nclib.connect(v.nc_port)
        check(edit_ok(m, 4), "the server still serves")
        m.close_session()


# ------------------------------------------------------------ message size

def stream(ch, head, piece, total):
    """Send head, then piece again and again up to total bytes, as long as
    the server takes them; the number of bytes it took."""
    sent = 0
    try:
        ch.sendall(head)
        sent = len(head)
        while sent < total:
            part = piece[:total - sent]
            ch.sendall(part)	# whole pieces: a chunk is never cut in two
            sent += len(part)
    except (OSError, EOFError, paramiko.SSHException):
        pass	# closed by the server (socket.timeout: it stopped reading)
    return sent


def closed_by_server(ch, timeout=120):
    """Wait for the server to close the channel; True if it did."""
    end = time.monotonic() + timeout
    ch.settimeout(5)
    while time.monotonic() < end:
        try:
            if ch.recv(65536) == b"":
                return True
        except socket.timeout:
            if ch.closed or ch.eof_received:
                return True
        except (OSError, EOFError):
            return True
    return False


FILLER = b"a" * (256 * 1024)


def oversize(state_dir, pw, limit, what, versions, head, total, piece=FILLER):
    """One message longer than the limit, on a vpkg of its own (its peak
    memory is this message's alone)."""
    # the message is at least 4 times the bound: without a limit vpkg holds
    # all of it (and more) at once
    bound_kb = 16 * limit // 1024
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-message", str(limit)]) as v:
        m = nclib.connect(v.nc_port)
        m.get_config("running")	# warm-up: libssh and libyang settle
        m.close_session()
        oversize_on(v, what, versions, head, total, bound_kb, piece)


def oversize_on(v, what, versions, head, total, bound_kb, piece):
    pid = v.pid()
    hwm0 = status_kb(pid, "VmHWM")
    t, ch = nclib.raw_session(v.nc_port, versions=versions)
    sent = stream(ch, head, piece, total)
    closed = closed_by_server(ch)
    t.close()
    hwm1 = status_kb(pid, "VmHWM")
    check(v.p.poll() is None and hwm1 is not None, "%s: vpkg still runs" % what)
    if hwm1 is None:
        return
    check(closed and sent < total, "%s: the session was closed before the whole message "
          "(%d of %d bytes taken)" % (what, sent, total))
    check(hwm1 - hwm0 < bound_kb, "%s: vpkg's peak memory grew less than %d KiB "
          "(VmHWM %d -> %d KiB)" % (what, bound_kb, hwm0, hwm1))
    m = nclib.connect(v.nc_port)
    check(m.get_config("running").ok, "%s: the server still serves" % what)
    m.close_session()


def near_limit(v, limit):
    """A <get-config> padded with blanks to just under the limit, in 1.1
    chunks: answered with the data."""
    rpc_head = ('<rpc message-id="7" xmlns="%s"><get-config><source><running/></source>'
                % nclib.NC_BASE).encode()
    rpc_tail = b"</get-config></rpc>"
    # the message is the framing too: one chunk header per 64 KiB and the end
    pad = limit - 4096 - len(rpc_head) - len(rpc_tail)
    body = rpc_head + b" " * pad + rpc_tail
    t, ch = nclib.raw_session(v.nc_port)
    for i in range(0, len(body), 64 * 1024):
        piece = body[i:i + 64 * 1024]
        ch.sendall(b"\n#%d\n" % len(piece) + piece)
    ch.sendall(b"\n##\n")
    reply = nclib.read_message(ch, end=b"\n##\n")
    t.close()
    check(b"<data" in reply and b"rpc-error" not in reply,
          "a message of %d bytes under a %d-byte limit is served" % (len(body), limit),
          reply[:300])


def test_message_size(state_dir, pw):
    limit = 1 * MIB
    total = 64 * limit
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-message", str(limit)]) as v:
        near_limit(v, limit)
    oversize(state_dir, pw, limit, "1.1 framing, one chunk of %d MiB" % (total // MIB),
             ("1.0", "1.1"), b"\n#%d\n" % total, total)
    oversize(state_dir, pw, limit, "1.1 framing, chunks of 64 KiB", ("1.0", "1.1"), b"", total,
             piece=b"\n#65536\n" + FILLER[:65536])
    oversize(state_dir, pw, limit, "1.0 framing, no end mark", ("1.0",),
             ('<rpc message-id="1" xmlns="%s"><get-config><source><running/></source>'
              '<filter type="subtree"><x>' % nclib.NC_BASE).encode(), total)
    # libnetconf2 looks for "\n#" in pairs of bytes: here it skips the first
    # "\n#" (after "a\n", then "\n") and takes "67108864" as the header
    oversize(state_dir, pw, limit, "1.1 chunk header after a stray newline", ("1.0", "1.1"),
             b"a\n\n#8\n\n#%d\n" % total, total)
    # libnetconf2 2.0.24 allocates size + 1 for a chunk: 0 bytes for 2^64-1,
    # then reads into it
    with nclib.Vpkg(state_dir, pw, ["--netconf-max-message", str(limit)]) as v:
        oversize_on(v, "1.1 chunk header of 2^64-1 bytes", ("1.0", "1.1"),
                    b"\n#18446744073709551615\n", 4 * limit, 16 * limit // 1024, FILLER)
        if v.p.poll() is None:
            near_limit(v, limit)
            m = nclib.connect(v.nc_port)
            check(edit_ok(m, 5), "an edit after the refusals: <ok/>")
            m.close_session()


def test_options():
    port = "127.0.0.1:%d" % free_port()
    pw = vr.password_file("admin")
    base = ["--mgmt", "127.0.0.1:%d" % free_port(), "--mgmt-user", "admin",
            "--mgmt-password-file", pw, "--netconf", port]
    try:
        for opt, bad in (("--netconf-max-message", "4095"), ("--netconf-max-message", "2G"),
                         ("--netconf-max-handshakes", "0"), ("--netconf-max-handshakes", "33"),
                         ("--netconf-auth-timeout", "0"), ("--netconf-auth-timeout", "x")):
            p = vr.run_vpkg(base + [opt, bad])
            check(vr.one_line_error(p, 2, opt[2:], "'%s'" % bad),
                  "%s %s: exit 2, one line naming it" % (opt, bad))
    finally:
        os.unlink(pw)


def main():
    # malloc fills what it gives (as meson test does): an allocated chunk counts
    os.environ["MALLOC_PERTURB_"] = "165"
    # in CI's sanitizer build, freed blocks are not held back (ASan's
    # quarantine would keep every buffer libnetconf2 outgrew resident)
    asan = [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o]
    os.environ["ASAN_OPTIONS"] = ":".join(asan + ["quarantine_size_mb=0"])
    with tempfile.TemporaryDirectory(prefix="vpkg-ncb-") as d:
        state_dir = os.path.join(d, "state")
        pw = vr.password_file("admin")
        try:
            test_options()
            test_message_size(state_dir, pw)
            test_silent_clients(state_dir, pw)
            test_handshake_slots(state_dir, pw)
        finally:
            os.unlink(pw)
    done()


if __name__ == "__main__":
    main()
