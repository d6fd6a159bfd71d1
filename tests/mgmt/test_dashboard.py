#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vsnk dashboard.

Traffic with a known shape goes, interval by interval, from a raw socket on
one end of a veth pair to vsnk on the other (net_af_packet), with
--dashboard-interval 2: so many packets of each stream per interval, a gap
of 3 sequence numbers (loss) in one, foreign packets in another. Then:
- GET /api/v1/intervals has exactly those packets per interval, in all and
  per stream, the loss in its interval, a latency where there were packets;
  ?until=MS gives a fixed view, ?last=N the last N, bad values a 400;
- headless Chromium loads /dashboard?until=MS: the bars in the DOM carry the
  values of the API, with heights in proportion; in a screenshot the bars
  have those heights in pixels (bar colour counted per column).

Needs root and `ip` for the veth pair (else exit 77). Without Chromium the
API part runs, then the test exits 77 (CI: apt-get install chromium)."""
import html.parser
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgmtlib                      # noqa: E402
import vfwcl                        # noqa: E402
from mgmtlib import check          # noqa: E402

INTERVAL_MS = 2000
# packets per interval k (0..3) and stream; stream 2 skips 3 sequence numbers in interval 2
PLAN = {1: [12, 25, 0, 40], 2: [6, 0, 18, 9], 9: [0, 7, 7, 0]}
GAP = {2: {2: 3}}
FOREIGN = [0, 5, 0, 0]
TOTAL_RGB = (0x2b, 0x6c, 0xb0)
STREAM_RGB = (0x2f, 0x85, 0x5a)
WINDOW = (1200, 800)


# ---------------------------------------------------------------- veth



# ---------------------------------------------------------------- traffic

def send_plan(v, c, sock):
    """Send PLAN interval by interval; returns the start (Unix ms) of interval 0."""
    iv = c.json("/api/v1/intervals")
    check(iv["interval_s"] == INTERVAL_MS / 1000 and "current" in iv,
          "GET /api/v1/intervals: --dashboard-interval applied, a current interval")
    b0 = iv["current"]["start_ms"] + INTERVAL_MS
    seq = {s: 0 for s in PLAN}
    for k in range(4):
        at = (b0 + k * INTERVAL_MS + 0.4 * INTERVAL_MS) / 1000.0
        time.sleep(max(0.0, at - time.time()))
        for s, counts in PLAN.items():
            seq[s] += GAP.get(s, {}).get(k, 0)
            for _ in range(counts[k]):
                sock.send(vfwcl.probe_frame(s, seq[s], time.time_ns()))
                seq[s] += 1
        for i in range(FOREIGN[k]):
            sock.send(vfwcl.udp4_frame(payload=b"not a probe %d" % i, size=60))
    # interval 4 (empty) must be closed too: it ends the fixed view
    time.sleep(max(0.0, (b0 + 5 * INTERVAL_MS + 400) / 1000.0 - time.time()))
    return b0


def check_intervals(c, b0):
    until = b0 + 5 * INTERVAL_MS
    d = c.json("/api/v1/intervals")
    starts = [iv["start_ms"] for iv in d["intervals"]]
    idx = [starts.index(b0 + k * INTERVAL_MS) if b0 + k * INTERVAL_MS in starts else None
           for k in range(5)]
    check(None not in idx, "the intervals of the plan are recorded", (b0, starts))
    if None in idx:
        return until
    check(all(iv["end_ms"] - iv["start_ms"] == INTERVAL_MS for iv in d["intervals"]),
          "every interval is %d ms long" % INTERVAL_MS)
    streams = {s["stream"]: s for s in d["streams"]}
    check(sorted(streams) == sorted(PLAN), "one series per stream", sorted(streams))
    for k in range(4):
        i = idx[k]
        probe = sum(PLAN[s][k] for s in PLAN)
        iv = d["intervals"][i]
        check(iv["probe_packets"] == probe and iv["packets"] >= probe + FOREIGN[k],
              "interval %d: %d probe packets, %d in all" % (k, probe, probe + FOREIGN[k]), iv)
        for s in PLAN:
            st = streams.get(s)
            if st is None:
                continue
            lost = GAP.get(s, {}).get(k, 0)
            lat = st["latency_avg_ns"][i]
            check(st["packets"][i] == PLAN[s][k] and st["lost"][i] == lost and
                  ((lat > 0) == (PLAN[s][k] > 0)),
                  "interval %d stream %d: %d packets, %d lost, latency %s" %
                  (k, s, PLAN[s][k], lost, "> 0" if PLAN[s][k] else "none"),
                  (st["packets"][i], st["lost"][i], lat))
    before = [iv["probe_packets"] for iv in d["intervals"][:idx[0]]]
    after = [iv["probe_packets"] for iv in d["intervals"][idx[3] + 1:]]
    check(not any(before) and not any(after), "no probe packet outside the plan")
    t2 = streams[2]["total"]
    check(t2["rx_packets"] == 33 and t2["lost"] == 3 and abs(t2["loss_ratio"] - 3 / 36) < 1e-9
          and t2["latency_ns"]["samples"] == 33 and 0 < t2["latency_ns"]["avg"] < 10 ** 9,
          "stream 2 totals: 33 received, 3 lost (8.33 %), latency", t2)

    fixed = c.json("/api/v1/intervals?until=%d" % until)
    again = c.json("/api/v1/intervals?until=%d" % until)
    check("current" not in fixed and fixed["until_ms"] == until and
          fixed["intervals"][-1]["end_ms"] == until and
          fixed["intervals"] == again["intervals"] and
          [s["packets"] for s in fixed["streams"]] == [s["packets"] for s in again["streams"]],
          "?until=MS: a fixed view ending at MS")
    last = c.json("/api/v1/intervals?until=%d&last=3" % until)
    check(last["intervals"] == fixed["intervals"][-3:] and
          all(len(s["packets"]) == 3 for s in last["streams"]), "?last=3: the last 3 intervals")
    for q, needle in (("until=abc", "until"), ("until=-5", "until"), ("last=0", "last"),
                      ("last=99999", "last"), ("unitl=5", "unitl")):
        r = c.get("/api/v1/intervals?" + q)
        check(r.is_error(400) and needle in r.error_message(), "?%s: 400 naming it" % q, r)
    return until


# ---------------------------------------------------------------- browser

def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def chromium(binary, url, tmp, *mode):
    prof = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--user-data-dir=" + prof,
           "--window-size=%d,%d" % WINDOW, "--virtual-time-budget=4000"] + list(mode) + [url]
    return subprocess.run(cmd, capture_output=True, timeout=120)


class Dom(html.parser.HTMLParser):
    """The SVG charts (attributes and rects) and the stream table cells."""

    def __init__(self):
        super().__init__()
        self.svgs = []          # [(attrs, [rect attrs])]
        self.cells = {}         # (stream, class) -> text
        self.body = {}
        self.status = ""
        self._svg = None
        self._tr = None
        self._td = None
        self._in_status = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "svg":
            self._svg = (a, [])
            self.svgs.append(self._svg)
        elif tag == "rect" and self._svg is not None:
            self._svg[1].append(a)
        elif tag == "tr" and "data-stream" in a:
            self._tr = a["data-stream"]
        elif tag == "td" and self._tr is not None:
            self._td = (self._tr, a.get("class", ""))
            self.cells[self._td] = ""
        elif tag == "span" and a.get("id") == "status":
            self._in_status = True

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        elif tag == "td":
            self._td = None
        elif tag == "tr":
            self._tr = None
        elif tag == "span":
            self._in_status = False

    def handle_data(self, data):
        if self._td is not None:
            self.cells[self._td] += data
        if self._in_status:
            self.status += data

    def chart(self, **want):
        for a, rects in self.svgs:
            if all(a.get(k) == v for k, v in want.items()):
                return a, rects
        return None, []


def bars_of(rects, cls="bar"):
    return {int(r["data-start"]): r for r in rects if r.get("class") == cls}


def check_bars(what, svg, rects, starts, values):
    bars = bars_of(rects)
    ymax, ph = float(svg["data-ymax"]), int(svg["data-plot-h"])
    got = {s: int(bars[s]["data-value"]) for s in starts if s in bars}
    check(len(bars) == len(starts) and got == dict(zip(starts, values)),
          "%s: the page's bars carry the API's values" % what, (got, dict(zip(starts, values))))
    heights = all(int(bars[s]["height"]) == round(v / ymax * ph) for s, v in zip(starts, values)
                  if s in bars)
    check(heights and ymax >= max(values + [1]),
          "%s: bar heights = value / %g x %d px" % (what, ymax, ph))
    return bars


def read_png(path):
    """(width, height, rows of RGB(A) bytes, bytes per pixel) of an 8-bit PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + ln]
        pos += 12 + ln
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", chunk)
        elif typ == b"IDAT":
            idat += chunk
        elif typ == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace != 0 or ctype not in (2, 6):
        raise ValueError("unsupported PNG %r" % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw, stride, i = zlib.decompress(idat), w * bpp, 0
    rows, prev = [], bytearray(stride)
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def painted(rows, bpp, x, y0, y1, rgb, tol=12):
    """Pixels of colour rgb in column x, rows y0..y1-1."""
    n = 0
    for y in range(max(0, y0), min(len(rows), y1)):
        px = rows[y][x * bpp:x * bpp + 3]
        if all(abs(px[i] - rgb[i]) <= tol for i in range(3)):
            n += 1
    return n


def check_screenshot(png, svg, bars, rgb, what):
    w, h, rows, bpp = read_png(png)
    left, top = int(svg["data-left"]), int(svg["data-top"])
    pt, ph = int(svg["data-plot-top"]), int(svg["data-plot-h"])
    if top + pt + ph > h:
        print("     (%s below the window: not in the screenshot)" % what)
        return
    bad = []
    for start, r in bars.items():
        x = left + int(float(r["x"])) + int(float(r["width"])) // 2
        px = painted(rows, bpp, x, top + pt, top + pt + ph + 1, rgb)
        if abs(px - int(r["height"])) > 1:
            bad.append((start, r["data-value"], r["height"], px))
    check(not bad and len(bars) > 0,
          "%s: in the screenshot each bar is as high as its value says" % what, bad[:5])


def check_browser(c, v, until, tmp):
    binary = find_chromium()
    if binary is None:
        print("SKIP browser checks: Chromium is not installed (apt-get install chromium)")
        return False
    url = "http://127.0.0.1:%d/dashboard?until=%d" % (v.port, until)
    api = c.json("/api/v1/intervals?until=%d" % until)
    starts = [iv["start_ms"] for iv in api["intervals"]]
    p = chromium(binary, url, tmp, "--dump-dom")
    dom = Dom()
    dom.feed(p.stdout.decode("utf-8", "replace"))
    check(p.returncode == 0 and "data-rendered" in dom.body,
          "headless Chromium renders the page (--dump-dom)", p.stderr[-800:])
    check("fixed view" in dom.status, "the page says it shows a fixed view", dom.status)
    svg, rects = dom.chart(id="chart-total")
    if svg is None:
        check(False, "the page has the total chart")
        return True
    total = check_bars("all ports", svg, rects, starts, [iv["packets"] for iv in api["intervals"]])
    check(not [r for r in rects if "current" in r.get("class", "")],
          "no partial bar in the fixed view")
    stream_svgs = {}
    for s in api["streams"]:
        ssvg, srects = dom.chart(**{"data-stream": str(s["stream"])})
        if ssvg is None:
            check(False, "a chart for stream %d" % s["stream"])
            continue
        stream_svgs[s["stream"]] = (ssvg, check_bars("stream %d" % s["stream"], ssvg, srects,
                                                     starts, s["packets"]))
        lost = {int(r["data-start"]): int(r["data-value"]) for r in srects
                if r.get("class") == "lost"}
        want = {st: n for st, n in zip(starts, s["lost"]) if n > 0}
        check(lost == want, "stream %d: lost packets drawn (%s)" % (s["stream"], want), lost)
        check(dom.cells.get((str(s["stream"]), "lost"), "").strip() == str(s["total"]["lost"]) and
              dom.cells.get((str(s["stream"]), "rx"), "").replace(",", "") ==
              str(s["total"]["rx_packets"]),
              "stream %d: the table shows received and lost" % s["stream"])
    check(dom.cells.get(("2", "loss"), "") == "8.33 %" and
          dom.cells.get(("2", "lavg"), "-") != "-", "stream 2: loss 8.33 % and a latency",
          {k: t for k, t in dom.cells.items() if k[0] == "2"})

    live = Dom()
    p = chromium(binary, "http://127.0.0.1:%d/" % v.port, tmp, "--dump-dom")
    live.feed(p.stdout.decode("utf-8", "replace"))
    lsvg, lrects = live.chart(id="chart-total")
    check(lsvg is not None and "live" in live.status and
          len([r for r in lrects if r.get("class") == "bar current"]) == 1,
          "the live page (/) has a partial bar for the current interval", live.status)

    png = os.path.join(vfwcl.build_dir(), "tests", "mgmt", "dashboard.png")
    os.makedirs(os.path.dirname(png), exist_ok=True)
    p = chromium(binary, url, tmp, "--screenshot=" + png)
    check(p.returncode == 0 and os.path.exists(png), "a screenshot (%s)" % png, p.stderr[-800:])
    if os.path.exists(png):
        w, h, _, _ = read_png(png)
        check((w, h) == WINDOW, "the screenshot is %dx%d" % WINDOW, (w, h))
        check_screenshot(png, svg, total, TOTAL_RGB, "all ports")
        for sid, (ssvg, sbars) in sorted(stream_svgs.items())[:2]:
            check_screenshot(png, ssvg, sbars, STREAM_RGB, "stream %d" % sid)
    return True


def main():
    tmp = tempfile.mkdtemp(prefix="vfwcl-mgmt-dash-")
    browser = False
    with mgmtlib.Veth("vfwd") as veth:
        # history: enough intervals (2 min) that none of the plan's is dropped
        # from the ring while Chromium renders on a slow, loaded machine
        v = mgmtlib.Vsnk(["net_af_packet0,iface=" + veth.b],
                         ["--dashboard-interval", str(INTERVAL_MS / 1000), "--dashboard-history", "60"])
        with v:
            c = v.client()
            with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
                sock.bind((veth.a, 0))
                b0 = send_plan(v, c, sock)
            until = check_intervals(c, b0)
            browser = check_browser(c, v, until, tmp)
        check(v.rc == 0, "vsnk stops cleanly", v.err[-300:])
    shutil.rmtree(tmp, ignore_errors=True)
    if not browser and not mgmtlib.failures:
        mgmtlib.skip("the API checks passed; Chromium is needed for the rest")
    mgmtlib.done()


if __name__ == "__main__":
    main()
