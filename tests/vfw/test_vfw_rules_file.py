#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw's rule file as hostile input (vfw/rules_parse.c, vfw_main.c, vfw_ctl.c):
--rules takes only a regular file of at most 16 MiB (exit 2 and one line
otherwise, never a read without end); a SIGHUP that finds a bad file keeps
the current set and the next SIGHUP still works; a SIGHUP during start-up
does not end vfw; what the parser quotes from a file is escaped."""
import os
import signal
import subprocess
import sys
import tempfile
import time

import vfwcl
from mgmtlib import check, done

RULES_FILE_MAX = 16 << 20          # VFW_RULES_FILE_MAX in vfw/rules.h
RSS_BOUND_KB = 500 * 1024          # an endless file must not grow vfw
GOOD_A = "allow in udp to 192.168.20.0/24 port 8080\n"
GOOD_B = "deny in tcp to any port 1\n" + GOOD_A


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def start_error(rules, *needles):
    """vfw --rules RULES exits 2 with one 'vfw: ' line naming every needle."""
    try:
        p = vfwcl.run_to_exit("vfw", ["--rules", rules, "--max-sessions", "1024", "--duration", "5"],
                              vdevs=("net_null0", "net_null1"))
    except subprocess.TimeoutExpired:
        print("     vfw --rules %s did not exit within 60 s" % rules)
        return False
    return vfwcl.one_line_error(p, 2, *needles, prog="vfw")


def test_start_refuses(tmp):
    fifo = os.path.join(tmp, "fifo.rules")
    os.mkfifo(fifo)
    big = os.path.join(tmp, "big.rules")
    with open(big, "wb") as f:          # sparse: costs no disk
        f.truncate(RULES_FILE_MAX + 1)
    check(start_error("/dev/zero", "--rules: /dev/zero", "not a regular file", "character device"),
          "--rules /dev/zero: exit 2, one line naming the file and why")
    check(start_error(fifo, fifo, "not a regular file (a FIFO)"),
          "--rules FIFO: exit 2 at once (no wait for a writer)")
    check(start_error(tmp, tmp, "not a regular file (a directory)"), "--rules DIRECTORY: exit 2")
    check(start_error(big, big, "too large", str(RULES_FILE_MAX + 1)),
          "--rules with a file over 16 MiB: exit 2")


def vm_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sighup_and_wait(p, text, what, max_rss):
    """SIGHUP, then wait for text in the output while the RSS stays under RSS_BOUND_KB."""
    before = p.output().count(text)
    p.p.send_signal(signal.SIGHUP)
    end = time.monotonic() + 60
    while time.monotonic() < end and p.running() and p.output().count(text) == before:
        max_rss[0] = max(max_rss[0], vm_rss_kb(p.pid))
        if max_rss[0] > RSS_BOUND_KB:
            p.kill()
            break
        time.sleep(0.02)
    if p.running():
        max_rss[0] = max(max_rss[0], vm_rss_kb(p.pid))
    return check(p.output().count(text) == before + 1 and max_rss[0] <= RSS_BOUND_KB,
                 "%s (VmRSS at most %d MB)" % (what, max_rss[0] // 1024), p.output()[-1500:])


def test_reload_refuses(tmp):
    live = os.path.join(tmp, "live.rules")
    big = os.path.join(tmp, "big.rules")
    with open(big, "wb") as f:
        f.truncate(1 << 30)
    write(live, GOOD_A)
    cmd = [vfwcl.binary("vfw")] + vfwcl.eal_args(["net_null0", "net_null1"]) + \
        ["--", "--rules", live, "--max-sessions", "1024", "--idle-sleep", "1000", "--duration", "300"]
    p = vfwcl.Proc(cmd)
    max_rss = [0]
    try:
        p.wait_for(lambda: "vfw: rules from" in p.output(), 120, "vfw started")
        os.unlink(live)
        os.symlink("/dev/zero", live)
        sighup_and_wait(p, "SIGHUP: rules not reloaded", "SIGHUP with live.rules -> /dev/zero: "
                        "refused, the current set stays", max_rss)
        out = p.output().splitlines()
        check(any("not a regular file (a character device)" in line and live in line for line in out),
              "the refusal names the file and the reason", out[-3:])
        os.unlink(live)
        os.symlink(big, live)
        sighup_and_wait(p, "SIGHUP: rules not reloaded", "SIGHUP with a 1 GiB file: refused", max_rss)
        os.unlink(live)
        write(live, GOOD_B)
        sighup_and_wait(p, "SIGHUP: rules reloaded", "a later SIGHUP with a good file reloads", max_rss)
        rc = p.stop()
    finally:
        p.kill()
    check(rc == 0, "vfw stops cleanly (exit 0)", rc)


def handler_installed(pid):
    """SIGHUP (signal 1) is caught: bit 0 of SigCgt in /proc/PID/status."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16) & 1 != 0
    except OSError:
        pass
    return False


def release_fifo(p, fifo):
    """Open the FIFO vfw waits on (EAL probing its pcap port) and give it an empty capture."""
    end = time.monotonic() + 60
    while time.monotonic() < end and p.running():
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:      # ENXIO: no reader yet
            time.sleep(0.01)
            continue
        os.write(fd, bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
        os.close(fd)
        return True
    return False


def test_early_sighup(tmp, delay, count):
    """SIGHUP while vfw is still in EAL initialisation: its pcap port's rx file is
    a FIFO nobody writes yet, so the signal surely comes before the first rule set."""
    fifo = os.path.join(tmp, "rx%d.fifo" % int(delay * 1000))
    os.mkfifo(fifo)
    live = os.path.join(tmp, "live.rules")
    write(live, GOOD_A)
    cmd = [vfwcl.binary("vfw")] + vfwcl.eal_args(["net_pcap0,rx_pcap=%s" % fifo, "net_null1"]) + \
        ["--", "--rules", live, "--max-sessions", "1024", "--idle-sleep", "1000", "--duration", "300"]
    p = vfwcl.Proc(cmd)
    what = "%d SIGHUP(s) %g s after the handler is in place, during start-up" % (count, delay)
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and p.running() and not handler_installed(p.pid):
            time.sleep(0.0005)
        if not check(handler_installed(p.pid), what + ": the handler is installed before EAL "
                     "initialisation ends", p.output()[-1000:]):
            return
        time.sleep(delay)
        for _ in range(count):
            p.p.send_signal(signal.SIGHUP)
        time.sleep(0.1)
        ok = check(p.running() and release_fifo(p, fifo), what + ": vfw survives", p.output()[-1000:])
        if ok:
            p.wait_for(lambda: "SIGHUP: rules reloaded" in p.output() or not p.running(), 120,
                       "the deferred reload")
            check("vfw: rules from" in p.output() and p.output().count("SIGHUP: rules reloaded") == 1,
                  what + ": it starts, then carries out one reload and logs it", p.output()[-1000:])
        rc = p.stop()
        check(rc == 0, what + ": vfw stops cleanly (exit 0)", rc)
    finally:
        p.kill()


def stderr_is_safe(data):
    """No control byte but newline, and valid UTF-8."""
    if any(b < 0x20 and b != 0x0A for b in data) or 0x7F in data:
        return False
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def run_bytes(args):
    cmd = [vfwcl.binary("vfw")] + vfwcl.eal_args(["net_null0", "net_null1"]) + \
        ["--", "--max-sessions", "1024", "--idle-sleep", "1000"] + list(args)
    return subprocess.run(cmd, capture_output=True, timeout=60)


def test_garbage(tmp):
    garbage = bytes(b for b in range(1, 256) if b not in (0x09, 0x0A, 0x0D, 0x20, 0x23))
    cases = {
        "garbage as the action": garbage + b"\n",
        "garbage as an address": b"allow in tcp from " + garbage + b"\n",
        "garbage as a port": b"allow in tcp to any port \x1b[2J" + garbage[::-1] + b"\n",
        "garbage after good lines": b"default deny\nallow out any\n\xc2\x9b31m\xe2\x80\xaeevil\xff\n",
        "terminal title escape": b"\x1b]0;owned\x07 allow any\n",
    }
    for what, data in cases.items():
        path = os.path.join(tmp, "garbage.rules")
        write(path, data)
        p = run_bytes(["--rules", path, "--duration", "5"])
        lines = [line for line in p.stderr.split(b"\n") if line.startswith(b"vfw: ")]
        check(p.returncode == 2 and len(lines) == 1 and stderr_is_safe(p.stderr),
              "%s: exit 2, one line, no control byte or invalid UTF-8 on stderr" % what,
              (p.returncode, p.stderr[-600:]))
    # the file name is quoted safely too
    name = os.path.join(tmp, "a\x1b[31m\x07b.rules")
    p = run_bytes(["--rules", name, "--duration", "5"])
    check(p.returncode == 2 and stderr_is_safe(p.stderr) and b"a\\x1B[31m\\x07b.rules" in p.stderr,
          "a file name with control bytes is escaped in the message", p.stderr[-600:])


def test_bom(tmp):
    path = os.path.join(tmp, "bom.rules")
    write(path, b"\xef\xbb\xbf" + GOOD_A.encode())
    p = run_bytes(["--rules", path, "--duration", "1"])
    check(p.returncode == 0 and b"rules from " + path.encode() + b": 1 rule(s)" in p.stdout,
          "a UTF-8 byte order mark at the start is skipped", (p.returncode, p.stderr[-600:]))
    write(path, GOOD_A.encode() + b"\xef\xbb\xbfallow out any\n")
    p = run_bytes(["--rules", path, "--duration", "5"])
    check(p.returncode == 2 and b"bom.rules:2: unknown action '\\xEF\\xBB\\xBFallow'" in p.stderr,
          "a byte order mark inside the file is shown visibly", (p.returncode, p.stderr[-600:]))


def main():
    with tempfile.TemporaryDirectory(prefix="vfw-rules-file-") as tmp:
        test_start_refuses(tmp)
        test_garbage(tmp)
        test_bom(tmp)
        test_reload_refuses(tmp)
        for delay, count in ((0, 1), (0.001, 1), (0.01, 3), (0.1, 1), (0.3, 5)):
            test_early_sighup(tmp, delay, count)
    done()


if __name__ == "__main__":
    sys.exit(main())
