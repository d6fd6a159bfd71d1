#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Request limits of the REST server: --mgmt-max-connections (further
connections get no answer while the limit is held, and are served once it
is not), --mgmt-timeout (an idle connection and a stalled body are closed,
and the stalled request changes nothing), keep-alive, garbage and oversized
requests answered with 4xx while the server stays up, clients that vanish
mid-request, and many concurrent clients."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgmtlib                      # noqa: E402
from mgmtlib import check          # noqa: E402

MAX_CONN = 3
TIMEOUT = 2


def closed_within(sock, seconds):
    """True when the peer closes sock (EOF or reset) within seconds."""
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_connection_limit(v, c):
    held = []
    for _ in range(MAX_CONN):
        s = socket.create_connection(("127.0.0.1", v.port))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")   # headers not finished
        held.append(s)
    time.sleep(0.3)
    extra = socket.create_connection(("127.0.0.1", v.port))
    extra.settimeout(1.0)
    extra.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    try:
        got = extra.recv(65536)
    except (socket.timeout, ConnectionResetError):
        got = b""
    check(not got.startswith(b"HTTP/1.1 200"),
          "connection %d beyond --mgmt-max-connections %d gets no answer" % (MAX_CONN + 1, MAX_CONN),
          got[:200])
    for s in held:
        s.close()
    extra.close()
    r = mgmtlib.wait_for(lambda: c.get("/api/v1/health").status == 200, timeout=5)
    check(r, "served again once the connections are released")


def test_timeouts(v, c):
    s = socket.create_connection(("127.0.0.1", v.port))
    t0 = time.time()
    closed = closed_within(s, TIMEOUT + 3)
    check(closed and time.time() - t0 >= TIMEOUT - 0.5,
          "an idle connection is closed after --mgmt-timeout %d s" % TIMEOUT,
          time.time() - t0)
    s.close()

    before = c.json("/api/v1/dashboard")
    s = socket.create_connection(("127.0.0.1", v.port))
    s.sendall(b"PUT /api/v1/dashboard HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100\r\n\r\n{\"history\": 7")
    closed = closed_within(s, TIMEOUT + 3)
    s.close()
    check(closed, "a stalled body is dropped after --mgmt-timeout")
    check(c.json("/api/v1/dashboard") == before, "the stalled request changed nothing")

    # a client that goes away in the middle of its body
    s = socket.create_connection(("127.0.0.1", v.port))
    s.sendall(b"PUT /api/v1/dashboard HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 50\r\n\r\n{\"hist")
    s.close()
    time.sleep(0.2)
    check(c.json("/api/v1/dashboard") == before and c.get("/api/v1/health").status == 200,
          "a client vanishing mid-body changes nothing")


def test_keepalive(v):
    with socket.create_connection(("127.0.0.1", v.port), timeout=5) as s:
        req = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
        s.sendall(req + req)
        data = b""
        end = time.time() + 5
        while data.count(b"HTTP/1.1 200") < 2 and time.time() < end:
            b = s.recv(65536)
            if not b:
                break
            data += b
        check(data.count(b"HTTP/1.1 200") == 2, "two requests on one connection (keep-alive)")
    with socket.create_connection(("127.0.0.1", v.port), timeout=5) as s:
        s.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"DELETE /api/v1/stats HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        end = time.time() + 5
        while b"HTTP/1.1 200" not in data and time.time() < end:
            b = s.recv(65536)
            if not b:
                break
            data += b
        check(b"HTTP/1.1 404" in data and b"HTTP/1.1 405" in data and b"HTTP/1.1 200" in data,
              "404 and 405 keep the connection open for the next request", data[:300])


def test_garbage(v, c):
    out = mgmtlib.raw_request(v.port, b"THIS IS NOT HTTP\r\n\r\n")
    check(out == b"" or out.split(b" ")[1][:1] == b"4", "a garbage request line: 4xx or closed",
          out[:100])
    big = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n"
    out = mgmtlib.raw_request(v.port, big)
    check(out == b"" or out.split(b" ")[1][:1] == b"4", "200 KB of headers: 4xx or closed",
          out[:100])
    out = mgmtlib.raw_request(v.port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
    check(b" 404 " in out.split(b"\r\n")[0] or b" 414 " in out.split(b"\r\n")[0],
          "a 5000-byte path: 404/414", out[:100])
    out = mgmtlib.raw_request(v.port, b"GET /api/v1/streams/%ff%fe HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
    check(b" 400 " in out.split(b"\r\n")[0] and b'"error"' in out,
          "a non-UTF-8 path parameter: 400 with a JSON body", out[:300])
    out = mgmtlib.raw_request(v.port, b"PUT /api/v1/dashboard HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nContent-Length: abc\r\n"
                      b"Connection: close\r\n\r\n{}")
    check(out.split(b" ")[1][:1] == b"4" if out else True, "a bad Content-Length: 4xx", out[:100])
    check(c.get("/api/v1/health").status == 200, "the server is still up")


def test_concurrency(v, c):
    results = []
    lock = threading.Lock()

    def worker():
        cl = v.client()
        for path in ("/api/v1/health", "/api/v1/stats", "/metrics", "/api/v1/intervals") * 5:
            try:
                st = cl.get(path).status
            except Exception as e:      # noqa: BLE001
                st = repr(e)
            with lock:
                results.append(st)

    ts = [threading.Thread(target=worker) for _ in range(MAX_CONN)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(len(results) == MAX_CONN * 20 and all(r == 200 for r in results),
          "%d clients x 20 requests at once: all 200" % MAX_CONN,
          [r for r in results if r != 200][:5])


def main():
    v = mgmtlib.Vsnk(["net_null0"], ["--mgmt-max-connections", str(MAX_CONN),
                                     "--mgmt-timeout", str(TIMEOUT), "--mgmt-threads", "2",
                                     "--mgmt-max-body", "1024"])
    with v:
        c = v.client()
        test_keepalive(v)
        test_concurrency(v, c)
        test_garbage(v, c)
        test_connection_limit(v, c)
        test_timeouts(v, c)
    check(v.rc == 0, "vsnk stops cleanly", v.err[-500:])
    mgmtlib.done()


if __name__ == "__main__":
    main()
