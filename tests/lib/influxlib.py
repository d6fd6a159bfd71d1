# SPDX-License-Identifier: BSD-3-Clause
"""A throw-away InfluxDB 1.x server for tests (Debian's influxdb package):
its own config, meta/data/wal directories under a temporary directory and
loopback ports, started and killed by the test; and an HTTP /query client.
Also a sink that accepts line-protocol writes (the 2.x fake and the
benchmark's database stand-in)."""
import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from mgmtlib import free_port  # noqa: F401 (tests call influxlib.free_port)


def influxd_path():
    return shutil.which("influxd") or (os.path.exists("/usr/bin/influxd") and "/usr/bin/influxd")


CONF = """reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{d}/meta"
[data]
  dir = "{d}/data"
  wal-dir = "{d}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{http}"
  log-enabled = false
[logging]
  level = "warn"
"""


class Influxd:
    """influxd on 127.0.0.1:port with its data in tmp/influxdb; start() again
    after kill() reuses the same data, port and config."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "influxdb")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.conf = os.path.join(self.dir, "influxdb.conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(d=self.dir, rpc=free_port(), http=self.port))
        self.log = os.path.join(self.dir, "influxd.log")
        self.p = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=60):
        logf = open(self.log, "a")
        self.p = subprocess.Popen([influxd_path(), "-config", self.conf], stdout=logf,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        logf.close()
        end = time.time() + timeout
        while time.time() < end:
            if self.p.poll() is not None:
                raise AssertionError("influxd exited %d:\n%s" % (self.p.returncode, self.tail()))
            try:
                with urllib.request.urlopen(self.url + "/ping", timeout=2) as r:
                    if r.status == 204:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("influxd did not answer /ping within %ds:\n%s" % (timeout, self.tail()))

    def tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def signal(self, sig):
        if self.p is not None and self.p.poll() is None:
            self.p.send_signal(sig)

    def kill(self):
        if self.p is not None and self.p.poll() is None:
            self.p.send_signal(signal.SIGCONT)
            self.p.kill()
            self.p.wait(timeout=30)
        self.p = None

    def query(self, q, db=None, post=False):
        """The series of one statement: [{"name", "tags", "columns", "values"}]."""
        params = {"q": q, "epoch": "ns"}
        if db is not None:
            params["db"] = db
        data = urllib.parse.urlencode(params)
        if post:
            req = urllib.request.Request(self.url + "/query", data=data.encode(), method="POST")
        else:
            req = urllib.request.Request(self.url + "/query?" + data)
        with urllib.request.urlopen(req, timeout=30) as r:
            res = json.load(r)["results"][0]
        if "error" in res:
            raise AssertionError("influx query %r: %s" % (q, res["error"]))
        return res.get("series", [])


class PinnedSink:
    """A WriteSink in a process of its own pinned to one CPU (a benchmark's
    stand-in for a database on another host: its parsing must not run on
    the CPU being measured). Counts writes and body bytes only."""

    def __init__(self, cpu):
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        self.writes = ctx.Value("q", 0)
        self.bytes = ctx.Value("q", 0)
        port = ctx.Value("i", 0)
        self.p = ctx.Process(target=PinnedSink._serve, args=(cpu, port, self.writes, self.bytes),
                             daemon=True)
        self.p.start()
        end = time.time() + 30
        while port.value == 0 and time.time() < end and self.p.is_alive():
            time.sleep(0.05)
        if port.value == 0:
            raise RuntimeError("the write sink did not start")
        self.port = port.value

    @staticmethod
    def _serve(cpu, port, writes, nbytes):
        os.sched_setaffinity(0, {cpu})
        sink = WriteSink(keep=False)

        def count(_path, _headers, n):
            with writes.get_lock():
                writes.value += 1
            with nbytes.get_lock():
                nbytes.value += n
        sink.on_write = count
        port.value = sink.port
        sink.run()

    def close(self):
        self.p.terminate()
        self.p.join(10)


class WriteSink(threading.Thread):
    """An HTTP server that accepts every POST (204) and keeps the requests:
    (path with query, headers dict, body text)."""

    def __init__(self, keep=True):
        super().__init__(daemon=True)
        sink = self
        self.requests = []
        self.keep = keep
        self.lock = threading.Lock()
        self.on_write = None     # called (path, headers, body length) instead of keeping

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode("utf-8", "replace")
                if sink.on_write is not None:
                    sink.on_write(self.path, dict(self.headers), len(body))
                else:
                    with sink.lock:
                        sink.requests.append((self.path, dict(self.headers),
                                              body if sink.keep else len(body)))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]

    def run(self):
        self.srv.serve_forever()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()
