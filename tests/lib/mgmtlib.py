# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the management-plane tests (standard library only):

- Vsnk: a vsnk process with --mgmt on a free port, started and stopped
  cleanly (SIGINT), its output and --stats-file kept
- Client: HTTP(S) requests with or without Basic auth, JSON in and out
- check() / done(): "ok"/"FAIL" lines and the exit status (77 = skipped)
- parse_metrics(): a strict reader of the Prometheus text format 0.0.4
- free_port() / busy_port(): a TCP port nothing uses / one something listens on
"""
import base64
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import vfwcl
from vfwcl import wait_for  # noqa: F401 (the tests call mgmtlib.wait_for)

VSNK = vfwcl.binary("vsnk")
SKIP = 77
failures = []


def check(cond, what, detail=None):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        if detail is not None:
            print("     " + str(detail)[:2000], flush=True)
        failures.append(what)
    return cond


def done():
    if failures:
        print("%d check(s) failed:" % len(failures))
        for f in failures:
            print("  - " + f)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def skip(why):
    print("SKIP: " + why, flush=True)
    sys.exit(SKIP)


def without_clock(stats):
    """A stats JSON without its "clock" section, the one part that moves by
    itself (the clock's reading and its discipline), for comparing two
    snapshots of counters."""
    return {k: v for k, v in stats.items() if k != "clock"} if isinstance(stats, dict) else stats


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo, hi = (int(x) for x in f.read().split())
            return lo, hi
    except (OSError, ValueError):
        return 32768, 60999


def free_port(host="127.0.0.1", family=socket.AF_INET):
    """A TCP port nothing is bound to, taken outside the kernel's ephemeral
    range: a port bind(0) gives is one the next connect() may also take as
    its local port, and a client of the server under test connecting before
    the server has bound its second listener took it once (EADDRINUSE)."""
    lo, hi = _ephemeral_range()
    pool = [p for p in range(10000, 65536) if not lo <= p <= hi]
    rnd = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(200):
        port = rnd.choice(pool)
        with socket.socket(family, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port outside the ephemeral range %d-%d" % (lo, hi))


@contextlib.contextmanager
def busy_port(host="127.0.0.1"):
    """A TCP port in use (something listens on it) for the with block: its number."""
    with socket.socket() as s:
        s.bind((host, 0))
        s.listen(1)
        yield s.getsockname()[1]


def call(base, method, path, body=None, ctype="application/json", timeout=20):
    """One request to base ("http://host:port"): (status, decoded JSON body or None).
    body: str or bytes sent as is with Content-Type ctype."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def raw_request(port, data, wait=3.0, src="127.0.0.1", host="127.0.0.1"):
    """Send bytes from source address src, return what comes back until the
    server closes or wait seconds pass."""
    with socket.create_connection((host, port), timeout=wait, source_address=(src, 0)) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except (socket.timeout, ConnectionResetError):
            pass
        return out


def split_responses(data):
    """Strictly split raw HTTP/1.1 bytes into [(status, {header: value}, body)]:
    each response is a status line, headers, an empty line and exactly
    Content-Length bytes of body. Raises ValueError on anything else (a
    second status line inside a response, a missing Content-Length, bytes
    left over)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("no end of headers in %r" % data[:200])
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] ([1-5][0-9][0-9]) ", lines[0] + b" ")
        if m is None:
            raise ValueError("not a status line: %r" % lines[0][:100])
        headers = {}
        for line in lines[1:]:
            if re.match(rb"HTTP/", line) or b":" not in line:
                raise ValueError("not a header line: %r" % line[:100])
            k, _, v = line.partition(b":")
            headers[k.decode().strip().lower()] = v.decode().strip()
        if "content-length" not in headers:
            raise ValueError("no Content-Length in %r" % head[:300])
        n = int(headers["content-length"])
        if len(rest) < n:
            raise ValueError("body shorter than Content-Length %d" % n)
        out.append((int(m.group(1)), headers, rest[:n]))
        data = rest[n:]
    return out


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        ctype = headers.get("content-type", "")
        if body and ctype.startswith("application/json"):
            try:
                self.json = json.loads(body)
            except ValueError:
                self.json = None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def error_message(self):
        try:
            return self.json["error"]["message"]
        except (TypeError, KeyError):
            return None

    def is_error(self, code):
        """A JSON error body {"error":{"code":code,"message":"..."}}."""
        j = self.json
        return (self.status == code and isinstance(j, dict) and set(j) == {"error"}
                and j["error"].get("code") == code
                and isinstance(j["error"].get("message"), str) and j["error"]["message"] != "")

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


class Client:
    def __init__(self, port, host="127.0.0.1", auth=None, tls=None, timeout=10):
        self.port = port
        self.host = host
        self.auth = auth        # an Authorization header value, or None
        self.tls = tls          # an ssl.SSLContext for HTTPS
        self.timeout = timeout

    def conn(self):
        if self.tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                               context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def req(self, method, path, body=None, raw=None, headers=None, auth="default",
            chunked=False):
        """body: a JSON value sent as application/json; raw: bytes sent as is."""
        h = {}
        a = self.auth if auth == "default" else auth
        if a is not None:
            h["Authorization"] = a
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
        h.update(headers or {})
        c = self.conn()
        try:
            if chunked:
                c.request(method, path, body=iter([data[i:i + 512] for i in
                                                   range(0, len(data), 512)]),
                          headers=h, encode_chunked=True)
            else:
                c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            body = r.read()
            return Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, body)
        finally:
            c.close()

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def json(self, path, **kw):
        r = self.get(path, **kw)
        if r.status != 200 or r.json is None:
            raise AssertionError("GET %s: %r" % (path, r))
        return r.json


class Binary:
    """One of our binaries on virtual ports with the REST server on a free
    port, started (returns when the server answers) and stopped cleanly
    (SIGINT), its output and --stats-file kept."""

    def __init__(self, name, vdevs, args=(), lcores="0-1", mgmt=True, port=None,
                 host="127.0.0.1", stats=True):
        self.name = name
        self.port = port or free_port()
        self.host = host
        self.stats_file = None
        if stats:
            fd, self.stats_file = tempfile.mkstemp(prefix="vfwcl-%s-" % name, suffix=".json")
            os.close(fd)
            os.unlink(self.stats_file)
        cmd = [vfwcl.binary(name)] + vfwcl.eal_args(list(vdevs), lcores=lcores) + \
            ["--", "--idle-sleep", "100"]
        if mgmt:
            hp = "[%s]:%d" % (host, self.port) if ":" in host else "%s:%d" % (host, self.port)
            cmd += ["--mgmt", hp]
        if stats:
            cmd += ["--stats-file", self.stats_file]
        self.cmd = cmd + list(args)
        self.p = None
        self.out = self.err = ""
        self.rc = None
        self.stats = None

    def start(self, timeout=30):
        self.p = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        if vfwcl.wait_listening(self.host, self.port, timeout, self.p):
            return self
        if self.p.poll() is not None:
            self.out, self.err = self.p.communicate()
            raise AssertionError("%s exited %d at start\n%s\n%s" % (
                self.name, self.p.returncode, self.out[-2000:], self.err[-2000:]))
        self.stop()
        raise AssertionError("the REST server did not come up")

    def stop(self, sig=signal.SIGINT, timeout=30):
        if self.p is None:
            return self.rc
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            self.out, self.err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.out, self.err = self.p.communicate()
        self.rc = self.p.returncode
        self.p = None
        if self.stats_file and os.path.exists(self.stats_file):
            with open(self.stats_file) as f:
                self.stats = json.load(f)
            os.unlink(self.stats_file)
        return self.rc

    def pid(self):
        return self.p.pid

    def client(self, **kw):
        return Client(self.port, host=self.host, **kw)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Vsnk(Binary):
    def __init__(self, vdevs, args=(), **kw):
        super().__init__("vsnk", vdevs, args, **kw)


def run_vsnk(args, vdevs=("net_null0",), timeout=60):
    """Run vsnk to completion (for option errors); returns CompletedProcess."""
    return vfwcl.run_to_exit("vsnk", args, vdevs, timeout)


def one_line_error(p, code, *needles):
    """Exit code and exactly one 'vsnk: ' line on stderr naming the needles."""
    return vfwcl.one_line_error(p, code, *needles, prog="vsnk")


def write_probe_pcap(path, streams, per_stream, extra_foreign=0):
    """per_stream probe packets for each stream id, interleaved, plus foreign UDP."""
    t = time.time_ns()
    frames = []
    for seq in range(per_stream):
        for s in streams:
            frames.append(vfwcl.probe_frame(s, seq, t + seq * 1000))
    for i in range(extra_foreign):
        frames.append(vfwcl.udp4_frame(payload=b"foreign%04d" % i, size=60))
    vfwcl.write_pcap(path, frames)
    return len(frames)

# ---------------------------------------------------------------- Prometheus

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(r"^(%s)(\{(.*)\})? (\S+)( -?\d+)?$" % _NAME)
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)')


def parse_metrics(text):
    """Parse the text format 0.0.4 strictly. Returns (families, errors):
    families = {name: {"type":..,"help":..,"samples":[(name, {labels}, value)]}}."""
    fams, errors = {}, []
    current = None
    seen_done = set()
    for n, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if len(parts) < 4:
                errors.append("line %d: short comment" % n)
                continue
            kind, name, rest = parts[1], parts[2], parts[3]
            f = fams.setdefault(name, {"type": None, "help": None, "samples": []})
            key = "type" if kind == "TYPE" else "help"
            if f[key] is not None:
                errors.append("line %d: second %s for %s" % (n, kind, name))
            if f["samples"]:
                errors.append("line %d: %s after samples of %s" % (n, kind, name))
            f[key] = rest
            if current is not None and current != name:
                seen_done.add(current)
            if name in seen_done:
                errors.append("line %d: family %s is not contiguous" % (n, name))
            current = name
            continue
        if line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            errors.append("line %d: bad sample %r" % (n, line))
            continue
        sname, lbl, value = m.group(1), m.group(3) or "", m.group(4)
        labels, pos = {}, 0
        while pos < len(lbl):
            lm = _LABEL.match(lbl, pos)
            if not lm:
                errors.append("line %d: bad labels %r" % (n, lbl))
                break
            labels[lm.group(1)] = lm.group(2)
            pos = lm.end()
        try:
            v = float(value.replace("+Inf", "inf").replace("-Inf", "-inf"))
        except ValueError:
            errors.append("line %d: bad value %r" % (n, value))
            continue
        fam = sname
        for suffix in ("_sum", "_count", "_bucket"):
            if sname.endswith(suffix) and sname[:-len(suffix)] in fams and \
                    fams[sname[:-len(suffix)]]["type"] in ("summary", "histogram"):
                fam = sname[:-len(suffix)]
        if fam not in fams or fams[fam]["type"] is None:
            errors.append("line %d: sample %s without # TYPE" % (n, sname))
            continue
        if fam != current:
            errors.append("line %d: sample of %s outside its family" % (n, fam))
        fams[fam]["samples"].append((sname, labels, v))
    return fams, errors


def metric(fams, name, **labels):
    """The value of the sample name{labels}, or None."""
    fam = fams.get(name)
    if fam is None:
        for base in fams:
            if name.startswith(base + "_"):
                fam = fams[base]
    if fam is None:
        return None
    for sname, lbl, v in fam["samples"]:
        if sname == name and lbl == {k: str(x) for k, x in labels.items()}:
            return v
    return None


def thread_affinity(pid):
    """[(thread name, set of allowed CPUs)] of a process (Linux /proc)."""
    out = []
    for tid in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            name = open(base + "comm").read().strip()
            cpus = set()
            for line in open(base + "status"):
                if line.startswith("Cpus_allowed_list:"):
                    for part in line.split(":", 1)[1].strip().split(","):
                        a, _, b = part.partition("-")
                        cpus.update(range(int(a), int(b or a) + 1))
            out.append((name, cpus))
        except OSError:
            pass
    return out


class Veth:
    """A veth pair for a test (root and iproute2, else the test is skipped,
    77), up, IPv6 off so that only the test's frames are on the wire;
    removed on exit. tag: a few letters naming the test in the interface
    names."""

    def __init__(self, tag):
        base = "%s%d" % (tag, os.getpid() % 100000)
        self.a, self.b = base + "a", base + "b"

    def __enter__(self):
        if os.geteuid() != 0 or shutil.which("ip") is None:
            skip("needs root and iproute2 for a veth pair")
        p = subprocess.run(["ip", "link", "add", self.a, "type", "veth", "peer", "name", self.b],
                           capture_output=True, text=True)
        if p.returncode != 0:
            skip("cannot create a veth pair: " + p.stderr.strip())
        for i in (self.a, self.b):
            path = "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % i
            if os.path.exists(path):
                with open(path, "w") as f:
                    f.write("1")       # no router solicitations or MLD on the wire
            subprocess.run(["ip", "link", "set", i, "up"], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "link", "del", self.a], capture_output=True)
