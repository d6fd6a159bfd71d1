#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The REST API of vsnk without authentication: every route, every error
path (404, 405 with Allow, 400 malformed / wrong type / out of range /
unknown field / unknown id, 415, 413), errors change nothing, HEAD and
OPTIONS, ?pretty, server threads off the worker lcore, and GET
/api/v1/stats equal to the --stats-file written at exit."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgmtlib                      # noqa: E402
from mgmtlib import check          # noqa: E402

STREAMS = [0, 1, 2, 7]
PER_STREAM = 50
FOREIGN = 10


def error_shape(r, code, *needles, allow=None):
    ok = r.is_error(code) and all(n in r.error_message() for n in needles)
    if allow is not None:
        ok = ok and r.headers.get("allow") == allow
    return ok


def test_routes(c, total):
    idx = c.json("/api/v1")
    paths = {(x["method"], x["path"]) for x in idx["routes"]}
    want = {("GET", "/api/v1/health"), ("GET", "/api/v1/stats"), ("GET", "/api/v1/config"),
            ("POST", "/api/v1/stats/reset"), ("GET", "/metrics"), ("GET", "/api/v1/ports"),
            ("GET", "/api/v1/ports/{id}"), ("GET", "/api/v1/streams"),
            ("GET", "/api/v1/streams/{id}"), ("GET", "/api/v1/intervals"),
            ("GET", "/api/v1/dashboard"), ("PUT", "/api/v1/dashboard"), ("GET", "/")}
    check(want <= paths, "GET /api/v1 lists the routes", paths)

    r = c.get("/api/v1/health")
    h = r.json
    check(r.status == 200 and h["status"] == "ok" and h["program"] == "vsnk" and
          h["workers"] == 1 and h["ports"][0]["port"] == 0 and h["uptime_s"] > 0,
          "GET /api/v1/health: 200 ok", r)
    check(r.headers.get("content-type", "").startswith("application/json") and
          r.headers.get("cache-control") == "no-store", "JSON content type, no-store")
    r = c.req("HEAD", "/api/v1/health")
    check(r.status == 200 and r.body == b"", "HEAD /api/v1/health: 200 without a body", r)

    s = c.json("/api/v1/stats")
    check(s["program"] == "vsnk" and s["ports"][0]["rx_packets"] == total and
          s["totals"]["probe_packets"] == len(STREAMS) * PER_STREAM and
          sorted(x["stream"] for x in s["streams"]) == STREAMS,
          "GET /api/v1/stats: live counters of every port and stream", s.get("totals"))

    ports = c.json("/api/v1/ports")
    check(ports == s["ports"], "GET /api/v1/ports = the stats' ports")
    p0 = c.json("/api/v1/ports/0")
    check(p0 == s["ports"][0], "GET /api/v1/ports/0")
    check(error_shape(c.get("/api/v1/ports/1"), 404, "port 1"), "unknown port id: 404")
    check(error_shape(c.get("/api/v1/ports/abc"), 400, "port id"), "port id not a number: 400")
    check(error_shape(c.get("/api/v1/ports/99999"), 400, "port id"), "port id out of range: 400")

    st = c.json("/api/v1/streams")
    check(st == s["streams"], "GET /api/v1/streams = the stats' streams")
    s7 = c.json("/api/v1/streams/7")
    check(s7["stream"] == 7 and s7["rx_packets"] == PER_STREAM and s7["lost"] == 0,
          "GET /api/v1/streams/7", s7)
    check(error_shape(c.get("/api/v1/streams/3"), 404, "stream 3"), "stream never seen: 404")
    check(error_shape(c.get("/api/v1/streams/x1"), 400, "stream id"), "stream id not a number: 400")
    check(error_shape(c.get("/api/v1/streams/1024"), 400, "stream id", "1023"),
          "stream id >= --max-streams: 400")

    cfg = c.json("/api/v1/config")
    o = cfg["options"]
    check(cfg["program"] == "vsnk" and o["mgmt"] == "127.0.0.1:%d" % c.port and
          o["idle-sleep"] == 100 and o["max-streams"] == 1024 and o["portmask"] == "0x1" and
          o["dashboard-interval"] == 2.0 and o["mgmt-max-body"] == 4096 and
          cfg["mgmt"] == {"listen": "127.0.0.1:%d" % c.port, "scheme": "http", "auth": False} and
          cfg["ports"][0]["driver"] == "net_pcap" and cfg["workers"] == 1,
          "GET /api/v1/config: options by name, ports, workers", cfg)
    check("mgmt-password" not in o, "config shows no password option")

    dash = c.json("/api/v1/dashboard")
    check(dash == {"interval_s": 2.0, "history": 60, "max_streams": 64},
          "GET /api/v1/dashboard", dash)
    iv = c.json("/api/v1/intervals")
    check(iv["interval_s"] == 2.0 and "current" in iv and isinstance(iv["intervals"], list),
          "GET /api/v1/intervals", iv)
    r = c.get("/")
    check(r.status == 200 and r.headers["content-type"].startswith("text/html") and
          b"<svg" in r.body and b"/api/v1/intervals" in r.body and b"http://" not in
          r.body.replace(b"http://www.w3.org/2000/svg", b""),
          "GET /: the dashboard page, self-contained", r.headers)
    check(c.get("/dashboard").body == r.body, "GET /dashboard: the same page")
    r = c.get("/api/v1/health?pretty")
    check(r.status == 200 and b'\n  "status": "ok"' in r.body, "?pretty indents", r)


def test_errors(c, total):
    r = c.get("/api/v1/nope")
    check(error_shape(r, 404, "/api/v1/nope"), "unknown path: 404 with a JSON body", r)
    check(error_shape(c.get("/api/v1/health/x"), 404), "path below a route: 404")
    check(c.get("/api/v1/health/").status == 200, "one trailing slash is ignored")
    r = c.req("DELETE", "/api/v1/stats")
    check(error_shape(r, 405, "DELETE", allow="GET, HEAD"), "DELETE /api/v1/stats: 405 + Allow", r)
    r = c.req("POST", "/api/v1/health", body={})
    check(error_shape(r, 405, allow="GET, HEAD"), "POST /api/v1/health: 405", r)
    r = c.req("GET", "/api/v1/stats/reset")
    check(error_shape(r, 405, allow="POST"), "GET /api/v1/stats/reset: 405, Allow: POST", r)
    r = c.req("PATCH", "/api/v1/dashboard", body={"history": 5})
    check(error_shape(r, 405, allow="GET, HEAD, PUT"), "PATCH /api/v1/dashboard: 405", r)
    r = c.req("BREW", "/api/v1/dashboard")
    check(r.status in (400, 405, 501), "unknown method: refused", r)
    r = c.req("OPTIONS", "/api/v1/dashboard")
    check(r.status == 204 and r.headers.get("allow") == "GET, HEAD, PUT",
          "OPTIONS: 204 with Allow", r)
    check(error_shape(c.req("OPTIONS", "/nope"), 404), "OPTIONS on an unknown path: 404")

    # a query parameter a route does not take is refused on every route, before the handler
    before = c.json("/api/v1/dashboard")
    for method, path, q in (("GET", "/api/v1/stats", "fields=rx"),
                            ("GET", "/api/v1/streams", "until=5"),
                            ("GET", "/api/v1/streams/1", "verbose"),
                            ("GET", "/metrics", "name%5B%5D=x"),
                            ("PUT", "/api/v1/dashboard", "history=5"),
                            ("POST", "/api/v1/stats/reset", "port=0"),
                            ("GET", "/api/v1/intervals", "pretty&unitl=5")):
        name = q.split("&")[-1].split("=")[0].replace("%5B%5D", "[]")
        body = {"history": 7} if method == "PUT" else None
        r = c.req(method, path + "?" + q, body=body)
        check(error_shape(r, 400, "unknown query parameter '%s'" % name),
              "%s %s?%s: 400 naming %s" % (method, path, q, name), r)
    check(c.json("/api/v1/dashboard") == before, "the refused PUT changed nothing")
    check(c.json("/api/v1/stats")["ports"][0]["rx_packets"] == total, "the refused reset reset nothing")
    for path in ("/api/v1/stats?pretty", "/dashboard?until=5", "/?until=5",
                 "/api/v1/intervals?until=5&last=2"):
        r = c.get(path)
        check(r.status == 200, "GET %s: the parameters the route takes are accepted" % path, r)

    put = "/api/v1/dashboard"
    bad = [
        (dict(raw=b'{"history": 5', headers={"Content-Type": "application/json"}), 400,
         ["malformed JSON"], "malformed JSON"),
        (dict(raw=b'{"history": 5, "history": 6}', headers={"Content-Type": "application/json"}),
         400, ["malformed JSON"], "duplicate key"),
        (dict(body={"history": "five"}), 400, ["'history'", "integer"], "wrong type (string)"),
        (dict(body={"history": 5.5}), 400, ["'history'"], "wrong type (real)"),
        (dict(body={"interval_s": "2"}), 400, ["'interval_s'", "number"], "wrong type (number as string)"),
        (dict(body={"history": 1}), 400, ["'history'", "between 2 and 1440"], "out of range (low)"),
        (dict(body={"history": 100000}), 400, ["'history'"], "out of range (high)"),
        (dict(body={"interval_s": 0.1}), 400, ["'interval_s'"], "out of range (real)"),
        (dict(body={"history": 5, "interval_s": -1}), 400, ["'interval_s'"],
         "one bad field of two: nothing applied"),
        (dict(body={"histroy": 5}), 400, ["unknown field 'histroy'"], "unknown field"),
        (dict(body=[5]), 400, ["object"], "not an object"),
        (dict(body={}), 400, ["interval_s"], "empty object"),
        (dict(), 400, ["body is required"], "no body"),
        (dict(raw=b"history=5", headers={"Content-Type": "application/x-www-form-urlencoded"}),
         415, ["application/json"], "form body: 415"),
        (dict(raw=b'{"history": 5}', headers={"Content-Type": "text/plain"}), 415,
         ["text/plain"], "text/plain: 415"),
        (dict(raw=b'{"history": 5}' + b" " * 5000, headers={"Content-Type": "application/json"}),
         413, ["4096"], "body above --mgmt-max-body (Content-Length): 413"),
        (dict(raw=b'{"history": 5}' + b" " * 5000, headers={"Content-Type": "application/json"},
              chunked=True), 413, ["4096"], "body above --mgmt-max-body (chunked): 413"),
    ]
    for kw, code, needles, what in bad:
        r = c.req("PUT", put, **kw)
        check(error_shape(r, code, *needles), "PUT %s: %s -> %d" % (put, what, code), r)
    check(c.json("/api/v1/dashboard") == before, "the failed requests changed nothing")

    # a body of exactly --mgmt-max-body bytes is accepted, chunked too
    body = b'{"history": 30}'
    body += b" " * (4096 - len(body))
    r = c.req("PUT", put, raw=body, headers={"Content-Type": "application/json; charset=utf-8"})
    check(r.status == 200 and r.json["history"] == 30, "a body of exactly the limit: 200", r)
    r = c.req("PUT", put, body={"interval_s": 2, "history": 60}, chunked=True)
    check(r.status == 200 and r.json == before, "chunked JSON body: 200", r)
    r = c.req("PUT", put, raw=b'{"history":60}',
              headers={"Content-Type": "application/yang.data+json"})
    check(r.status == 200, "application/<x>+json is JSON", r)


def test_threads(v):
    threads = mgmtlib.thread_affinity(v.pid())
    http = [cpus for name, cpus in threads if name == "mgmt-http"]
    worker = [cpus for name, cpus in threads if name.startswith("rte-worker") or
              name.startswith("lcore-worker")]
    check(len(http) >= 1 and all(cpus == {0} for cpus in http),
          "REST threads run on the main lcore's CPU", threads)
    check(worker and all(1 in cpus for cpus in worker) and not any(1 in c for c in http),
          "no REST thread on the worker lcore's CPU", threads)


def main():
    tmp = tempfile.mkdtemp(prefix="vfwcl-mgmt-api-")
    pcap = os.path.join(tmp, "in.pcap")
    total = mgmtlib.write_probe_pcap(pcap, STREAMS, PER_STREAM, FOREIGN)
    v = mgmtlib.Vsnk(["net_pcap0,rx_pcap=" + pcap],
                     ["--dashboard-interval", "2", "--mgmt-max-body", "4096"])
    with v:
        c = v.client()
        got = mgmtlib.wait_for(lambda: c.json("/api/v1/stats")["ports"][0]["rx_packets"] == total)
        check(got, "vsnk received the %d packets of the pcap" % total)
        test_routes(c, total)
        test_errors(c, total)
        check(c.get("/api/v1/health", auth=mgmtlib.basic("x", "y")).status == 200,
              "without --mgmt-user, an Authorization header is ignored")
        test_threads(v)
        live = c.json("/api/v1/stats")
    check(v.rc == 0, "vsnk stops cleanly (SIGINT) with the REST server", v.err[-500:])
    check(v.stats is not None and mgmtlib.without_clock(v.stats) == mgmtlib.without_clock(live),
          "GET /api/v1/stats equals the --stats-file written at exit",
          (live, v.stats))
    check("REST API on http://127.0.0.1:%d" % v.port in v.out, "start-up line names the address")
    mgmtlib.done()


if __name__ == "__main__":
    main()
