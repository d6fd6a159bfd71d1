# SPDX-License-Identifier: BSD-3-Clause
"""A VES collector for the tests (standard library only) and the checks of
the events' required fields, written from ONAP's CommonEventFormat schemas
(28.4.1 for v5, 30.2.1 for v7) so the tests do not need them.

    c = Collector()            # 127.0.0.1, a free port, answers 202
    c.start(); url = c.url     # http://127.0.0.1:PORT
    c.mode = "500"             # "ok", "500", "400", "429", "slow", "garbage", "close"
    c.stop(); c.start()        # down, then back on the same port
    c.events                   # event objects accepted, in arrival order
"""
import base64
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import vfwcl  # noqa: E402


def fake_binary():
    return os.path.join(vfwcl.build_dir(), "tests", "ves", "ves-fake")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        with self.server.collector.lock:
            self.server.collector.conns.add(self.connection)

    def finish(self):
        with self.server.collector.lock:
            self.server.collector.conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_POST(self):
        col = self.server.collector
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        mode = col.mode
        with col.lock:
            col.requests += 1
            col.request_log.append((self.path, mode))
        if mode == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "garbage":
            self.close_connection = True
            self.wfile.write(b"\x00\x17garbage, not HTTP\r\n\r\n{{{")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "slow":
            time.sleep(col.slow_seconds)
            self._answer(202, b"")
            return
        if mode.isdigit():
            self._answer(int(mode), b'{"requestError":{"policyException":{"text":"test"}}}')
            return
        if col.auth is not None:
            want = "Basic " + base64.b64encode(col.auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                with col.lock:
                    col.unauthorized += 1
                self._answer(401, b'{"requestError":"unauthorized"}')
                return
        try:
            doc = json.loads(body)
        except ValueError:
            self._answer(400, b'{"requestError":"bad json"}')
            return
        evs = doc["eventList"] if "eventList" in doc else [doc.get("event")]
        if any(e["commonEventHeader"]["sequence"] in col.poison for e in evs):
            with col.lock:
                col.poisoned.append([e["commonEventHeader"]["sequence"] for e in evs])
            self._answer(400, b'{"requestError":{"serviceException":{"text":"poison"}}}')
            return
        with col.lock:
            col.bodies.append((self.path, self.headers.get("Content-Type"), doc))
            if "eventList" in doc:
                col.batches.append(len(doc["eventList"]))
                col.events.extend(doc["eventList"])
            else:
                col.events.append(doc.get("event"))
        self._answer(202, b"")

    def _answer(self, code, payload):
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass


class Collector:
    def __init__(self, mode="ok", tls=None, auth=None):
        self.mode = mode
        self.slow_seconds = 3.0
        self.tls = tls          # (certfile, keyfile) for https
        self.auth = auth        # "user:password" required when set
        self.lock = threading.Lock()
        self.events = []
        self.bodies = []
        self.batches = []
        self.request_log = []
        self.requests = 0
        self.unauthorized = 0
        self.conns = set()      # open connections, closed by stop()
        self.poison = set()     # sequences answered 400 (alone or in a batch)
        self.poisoned = []      # the sequences of each request answered 400 for them
        self.port = 0
        self.server = None
        self.thread = None

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self.server.daemon_threads = True
        self.server.collector = self
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        """Down: no listening socket, every open (keep-alive) connection closed."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        with self.lock:
            conns, self.conns = list(self.conns), set()
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def snapshot(self):
        with self.lock:
            return list(self.events)


def make_cert(tmpdir):
    """Self-signed certificate for 127.0.0.1 (needs the openssl command)."""
    cert = os.path.join(tmpdir, "cert.pem")
    key = os.path.join(tmpdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key

# ---------------------------------------------------------------- field checks

NUM = (int, float)


def _typed(obj, key, types, errors, where, required=True, enum=None):
    if key not in obj:
        if required:
            errors.append("%s: missing %s" % (where, key))
        return
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, types):
        errors.append("%s: %s has type %s" % (where, key, type(v).__name__))
    elif enum is not None and v not in enum:
        errors.append("%s: %s=%r not in %s" % (where, key, v, enum))


def check_event(ev, version):
    """Required fields and types of ONAP's schemas; returns a list of errors."""
    errors = []
    if not isinstance(ev, dict):
        return ["event is not an object"]
    h = ev.get("commonEventHeader")
    if not isinstance(h, dict):
        return ["missing commonEventHeader"]
    w = "commonEventHeader"
    v5_domains = ["fault", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other",
                  "sipSignaling", "stateChange", "syslog", "thresholdCrossingAlert",
                  "voiceQuality"]
    v7_domains = ["fault", "heartbeat", "measurement", "mobileFlow", "notification", "other",
                  "perf3gpp", "pnfRegistration", "sipSignaling", "stateChange", "stndDefined",
                  "syslog", "thresholdCrossingAlert", "voiceQuality"]
    _typed(h, "domain", str, errors, w, enum=v5_domains if version == 5 else v7_domains)
    for k in ("eventId", "eventName", "reportingEntityName", "sourceName"):
        _typed(h, k, str, errors, w)
    _typed(h, "priority", str, errors, w, enum=["High", "Medium", "Normal", "Low"])
    _typed(h, "sequence", int, errors, w)
    _typed(h, "startEpochMicrosec", NUM, errors, w)
    _typed(h, "lastEpochMicrosec", NUM, errors, w)
    if version == 5:
        _typed(h, "version", NUM, errors, w)
    else:
        _typed(h, "version", str, errors, w, enum=["4.0", "4.0.1", "4.1"])
        _typed(h, "vesEventListenerVersion", str, errors, w,
               enum=["7.0", "7.0.1", "7.1", "7.1.1", "7.2", "7.2.1"])
    dom = h.get("domain")
    if dom in ("measurementsForVfScaling", "measurement"):
        key = "measurementsForVfScalingFields" if version == 5 else "measurementFields"
        f = ev.get(key)
        if not isinstance(f, dict):
            return errors + ["missing " + key]
        _typed(f, "measurementInterval", NUM, errors, key)
        if version == 5:
            _typed(f, "measurementsForVfScalingVersion", NUM, errors, key)
            arrays = [("vNicPerformanceArray", "vNicIdentifier"), ("vNicUsageArray", "vNicIdentifier")]
        else:
            _typed(f, "measurementFieldsVersion", str, errors, key, enum=["4.0"])
            arrays = [("nicPerformanceArray", "nicIdentifier")]
        for arr, ident in arrays:
            for i, nic in enumerate(f.get(arr, [])):
                wn = "%s[%d]" % (arr, i)
                _typed(nic, ident, str, errors, wn)
                _typed(nic, "valuesAreSuspect", str, errors, wn, enum=["true", "false"])
                for k in ("receivedTotalPacketsDelta", "receivedOctetsDelta",
                          "transmittedTotalPacketsDelta", "transmittedOctetsDelta"):
                    _typed(nic, k, NUM, errors, wn)
                    if isinstance(nic.get(k), NUM) and nic[k] < 0:
                        errors.append("%s: %s negative" % (wn, k))
    elif dom == "heartbeat":
        f = ev.get("heartbeatFields")
        if not isinstance(f, dict):
            return errors + ["missing heartbeatFields"]
        _typed(f, "heartbeatFieldsVersion", NUM if version == 5 else str, errors, "heartbeatFields")
        _typed(f, "heartbeatInterval", int, errors, "heartbeatFields")
    elif dom == "fault":
        f = ev.get("faultFields")
        if not isinstance(f, dict):
            return errors + ["missing faultFields"]
        for k in ("alarmCondition", "eventSourceType", "specificProblem"):
            _typed(f, k, str, errors, "faultFields")
        _typed(f, "eventSeverity", str, errors, "faultFields",
               enum=["CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"])
        _typed(f, "faultFieldsVersion", NUM if version == 5 else str, errors, "faultFields")
        _typed(f, "vfStatus", str, errors, "faultFields",
               enum=["Active", "Idle", "Preparing to terminate", "Ready to terminate",
                     "Requesting termination"])
    return errors

# ---------------------------------------------------------------- helpers


def header(ev):
    return ev["commonEventHeader"]


def domain(ev):
    return header(ev)["domain"]


def measurements(events):
    return [e for e in events if domain(e) in ("measurementsForVfScaling", "measurement")]


def nics(ev):
    f = ev.get("measurementsForVfScalingFields") or ev.get("measurementFields")
    return f.get("vNicPerformanceArray") or f.get("nicPerformanceArray") or f.get("vNicUsageArray")


def dedup(events):
    """Drop resent copies (same eventId and sequence), keeping the first."""
    seen = set()
    out = []
    for e in events:
        k = (header(e)["eventId"], header(e)["sequence"])
        if k in seen:
            continue
        seen.add(k)
        out.append(e)
    return out


class Checker:
    """ok/FAIL lines; exit status from the failures."""

    def __init__(self):
        self.failures = []

    def __call__(self, cond, what, detail=None):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            if detail is not None:
                print("  " + str(detail)[:2000], flush=True)
            self.failures.append(what)
        return cond

    def exit(self):
        if self.failures:
            print("%d failure(s):" % len(self.failures))
            for f in self.failures:
                print("  " + f)
            sys.exit(1)
        print("all ok")
        sys.exit(0)

# ---------------------------------------------------------------- ves-fake runs


def fake_pattern(k, port):
    """Packets and octets ves-fake counts in interval k (see ves_fake.c)."""
    rx = 100 + 37 * ((k + 3 * port) % 7) + port
    return {"receivedTotalPacketsDelta": rx, "receivedOctetsDelta": 64 * rx + k % 5,
            "transmittedTotalPacketsDelta": 2 * rx, "transmittedOctetsDelta": 120 * rx}


class FakeRun:
    """ves-fake in the background: FakeRun(args).wait() -> (rc, out, err, stats)."""

    def __init__(self, args, duration):
        fd, self.stats_file = tempfile.mkstemp(prefix="ves-fake-", suffix=".json")
        os.close(fd)
        os.unlink(self.stats_file)
        self.t0 = time.time()
        self.duration = duration
        self.proc = subprocess.Popen([fake_binary()] + list(args) +
                                     ["--duration", str(duration), "--stats-file", self.stats_file],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait(self, timeout=60):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            return -9, out, err, None
        self.elapsed = time.time() - self.t0
        stats = None
        if os.path.exists(self.stats_file):
            with open(self.stats_file) as f:
                stats = json.load(f)
            os.unlink(self.stats_file)
        return self.proc.returncode, out, err, stats


def run_fake(args, duration, timeout=60):
    return FakeRun(args, duration).wait(timeout)


TOTAL_KEYS = [("receivedTotalPacketsDelta", "receivedTotalPacketsAccumulated", "rx_packets"),
              ("receivedOctetsDelta", "receivedOctetsAccumulated", "rx_bytes"),
              ("transmittedTotalPacketsDelta", "transmittedTotalPacketsAccumulated", "tx_packets"),
              ("transmittedOctetsDelta", "transmittedOctetsAccumulated", "tx_bytes")]


def check_series(chk, events, interval, totals=None, pattern=None, what=""):
    """The measurement events of one run, in arrival order, resent copies
    removed: sequences increase, intervals follow each other without gap,
    deltas chain the accumulated totals, the last totals are `totals`
    ({port name: {rx_packets, ...}}); with pattern(k, port_index), every full
    interval's deltas are the pattern's. Returns the number of full intervals."""
    evs = dedup(events)
    seqs = [header(e)["sequence"] for e in evs]
    chk(seqs == sorted(seqs) and len(set(seqs)) == len(seqs),
        "%sevents arrive in sequence order" % what, seqs)
    meas = measurements(evs)
    chk(len(meas) >= 2, "%sat least 2 measurement events (%d)" % (what, len(meas)))
    if not meas:
        return 0
    gaps = []
    for a, b in zip(meas, meas[1:]):
        if header(b)["startEpochMicrosec"] != header(a)["lastEpochMicrosec"]:
            gaps.append((header(a)["sequence"], header(a)["lastEpochMicrosec"],
                         header(b)["startEpochMicrosec"]))
    chk(not gaps, "%severy interval arrives: each event starts where the previous ended" % what,
        gaps)
    chain_bad = []
    for a, b in zip(meas, meas[1:]):
        for na, nb in zip(nics(a), nics(b)):
            for dk, ak, _ in TOTAL_KEYS:
                if ak in na and nb.get("valuesAreSuspect") == "false" and \
                        na[ak] + nb[dk] != nb[ak]:
                    chain_bad.append((header(b)["sequence"], dk, na[ak], nb[dk], nb[ak]))
    chk(not chain_bad, "%sdeltas add up: previous total + delta = total, every event" % what,
        chain_bad[:5])
    if totals is not None:
        last = {n.get("vNicIdentifier") or n.get("nicIdentifier"): n for n in nics(meas[-1])}
        bad = []
        for name, t in totals.items():
            for _, ak, sk in TOTAL_KEYS:
                if last.get(name, {}).get(ak) != t[sk]:
                    bad.append((name, ak, last.get(name, {}).get(ak), t[sk]))
        chk(not bad, "%sthe last event's totals are the final counters" % what, bad)
    full = 0
    if pattern is not None:
        bad = []
        step = interval * 1000000
        for e in meas:
            h = header(e)
            s, l = h["startEpochMicrosec"], h["lastEpochMicrosec"]
            if s % step or l - s != step:
                continue
            full += 1
            k = s // step
            for i, n in enumerate(nics(e)):
                want = pattern(k, i)
                got = {kk: n[kk] for kk in want}
                if got != want:
                    bad.append((h["sequence"], i, got, want))
        chk(not bad, "%seach full interval's deltas are the packets of that interval (%d)"
            % (what, full), bad[:5])
    return full


def fake_totals(stats):
    return {p["name"]: p for p in stats["ports"]}


def one_line_error(p_rc, err, prog, code, *needles):
    """vfwcl.one_line_error for an exit code and stderr text."""
    p = subprocess.CompletedProcess((), p_rc, stderr=err)
    return vfwcl.one_line_error(p, code, *needles, prog=prog)
