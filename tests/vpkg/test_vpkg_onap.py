#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The ONAP APIs of vpkg (vpkg/onap_api.c), driven exactly as ONAP does:
- the requests of APPC, the CDS blueprint, the demo scripts (curl) and the
  robot tests (packet_generator_interface.robot): paths, headers (JSON
  Content-Type and Accept, Basic auth admin/admin, Cache-Control,
  Postman-Token, X-TransactionId, X-FromAppId), bodies byte for byte;
- stream-count: PUT {"streams":{"active-streams":N}} (N a number or a
  string) enables the first N streams, 200; GET .../streams and GET
  .../stream-count:stream-count (what the robot's "Get List Of Enabled
  Streams V2" reads) give N;
- sample-plugin: PUT the pg-stream list (listed = enabled, "is-enabled"
  "false" disables, an empty list disables all, as the robot's "Disable All
  Streams"), GET the enabled ones, DELETE .../pg-stream/{id};
- the change is on the workers before the 200 (disabled streams send nothing
  after it);
- every error path: 400 (shape, values, out of 1..10, more than there are
  streams, repeated id), 401 (no or wrong credentials), 404 (unknown
  pg-stream), 405, 415; each changes nothing;
- --onap: refuses to start without --mgmt-user and a password (exit 2, one
  line); serves on --mgmt's address when given, else 127.0.0.1:8183."""
import json
import os
import shutil
import socket
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpkgrest as vr               # noqa: E402
from vpkgrest import check          # noqa: E402

NAMES = ["fw_udp%d" % i for i in range(1, 11)]
SC, SP = vr.STREAM_COUNT, vr.SAMPLE_PLUGIN
SC_ROOT = "/restconf/config/stream-count:stream-count"
SP_ROOT = "/restconf/config/sample-plugin:sample-plugin"
# the demo's scripts (run_traffic_fw_demo.sh) and APPC
DEMO_HEADERS = {"Authorization": vr.ONAP_AUTH, "Content-Type": "application/json",
                "Cache-Control": "no-cache", "Postman-Token": "9005870c-900b-2e2e-0902-ef2009bb0ff7"}
APPC_HEADERS = {"Authorization": vr.ONAP_AUTH, "Content-Type": "application/json",
                "Accept": "application/json"}


def robot_headers():
    """packet_generator_interface.robot's Create Headers (auth from the session)."""
    return {"Accept": "application/json", "Content-Type": "application/json",
            "X-TransactionId": "robot-ete-%s" % uuid.uuid4(), "X-FromAppId": "robot-ete",
            "Authorization": vr.ONAP_AUTH}


def put(c, path, raw, headers):
    return c.req("PUT", path, raw=raw.encode() if isinstance(raw, str) else raw,
                 headers=headers, auth=None)


def pg_body(names, enabled="true"):
    """The demo's pg-streams body, formatted as its scripts write it."""
    items = ",".join('{"id":"%s", "is-enabled":"%s"}' % (n, enabled) for n in names)
    return '{"pg-streams":{"pg-stream": [%s]}}' % items


def test_stream_count(c):
    # APPC / CDS: {"streams": {"active-streams": $active-streams}}
    r = put(c, SC, '{"streams": {"active-streams": 5}}', APPC_HEADERS)
    check(r.status == 200 and r.body == b"", "APPC's PUT active-streams 5: 200, empty body", r)
    check(vr.enabled(c) == NAMES[:5], "the first 5 streams are enabled", vr.enabled(c))
    ok, d = vr.frozen_after(c, NAMES[5:])
    check(ok, "the disabled streams send nothing after the 200", d)
    ok, d = vr.moving(c, NAMES[:5], wait=0.6)
    check(ok, "the enabled ones send", d)
    r = c.req("GET", SC, headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.json == {"streams": {"active-streams": 5}},
          "GET .../streams: {\"streams\":{\"active-streams\":5}}", r)
    # the robot: Enable Streams V2 (vfw_pg_streams_v2.template), then reads the container
    tmpl = '{\n        "streams": {\n            "active-streams": 10\n        }\n}\n'
    r = put(c, SC, tmpl, robot_headers())
    check(r.status == 200, "robot's Enable Streams V2 (10): 200", r)
    r = c.req("GET", SC_ROOT, headers=robot_headers(), auth=None)
    check(r.status == 200 and str(r.json["stream-count"]["streams"]["active-streams"]) == "10",
          "robot's Get List Of Enabled Streams V2: ['stream-count']['streams']['active-streams']",
          r)
    check(vr.enabled(c) == NAMES, "all 10 enabled")
    # the demo script's loop: 10, then 1
    r = put(c, SC, '{"streams": {"active-streams": 1}}', DEMO_HEADERS)
    check(r.status == 200 and vr.enabled(c) == NAMES[:1], "the demo script's PUT 1: 200", r)
    # ONAP may send the number as a string
    r = put(c, SC, '{"streams": {"active-streams": "5"}}', APPC_HEADERS)
    check(r.status == 200 and vr.enabled(c) == NAMES[:5], "active-streams \"5\" (string): 200", r)
    r = c.req("GET", SC + "/", headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.json["streams"]["active-streams"] == 5, "GET with a trailing /", r)
    r = c.req("HEAD", SC, headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.body == b"", "HEAD .../streams: 200", r)
    for n in (1, 10, "10"):
        r = put(c, SC, json.dumps({"streams": {"active-streams": n}}), APPC_HEADERS)
        check(r.status == 200 and len(vr.enabled(c)) == int(n), "active-streams %r: 200" % (n,), r)
    put(c, SC, '{"streams": {"active-streams": 5}}', APPC_HEADERS)


def test_stream_count_errors(c):
    before = vr.shape(c)
    cases = [
        ("0", '{"streams": {"active-streams": 0}}', 400),
        ("11", '{"streams": {"active-streams": 11}}', 400),
        ("\"11\"", '{"streams": {"active-streams": "11"}}', 400),
        ("-1", '{"streams": {"active-streams": -1}}', 400),
        ("5.5", '{"streams": {"active-streams": 5.5}}', 400),
        ("\"five\"", '{"streams": {"active-streams": "five"}}', 400),
        ("\" 5\"", '{"streams": {"active-streams": " 5"}}', 400),
        ("null", '{"streams": {"active-streams": null}}', 400),
        ("no active-streams", '{"streams": {}}', 400),
        ("streams not an object", '{"streams": 5}', 400),
        ("no streams", '{"active-streams": 5}', 400),
        ("an extra field", '{"streams": {"active-streams": 5, "rate": 1}}', 400),
        ("an extra top field", '{"streams": {"active-streams": 5}, "x": 1}', 400),
        ("an array", '[{"streams": {"active-streams": 5}}]', 400),
        ("malformed", '{"streams": {"active-streams": 5}', 400),
        ("no body", "", 400),
    ]
    for what, body, code in cases:
        r = put(c, SC, body, APPC_HEADERS)
        check(r.is_error(code), "PUT stream-count %s: %d" % (what, code), r)
    r = c.req("PUT", SC, raw=b'{"streams": {"active-streams": 5}}', auth=None,
              headers={"Authorization": vr.ONAP_AUTH, "Content-Type": "application/xml"})
    check(r.is_error(415), "PUT as application/xml: 415", r)
    for what, auth in (("no credentials", None), ("wrong password", vr.mgmtlib.basic("admin", "x")),
                       ("wrong user", vr.mgmtlib.basic("root", "admin"))):
        h = dict(APPC_HEADERS)
        if auth is None:
            del h["Authorization"]
        else:
            h["Authorization"] = auth
        r = put(c, SC, '{"streams": {"active-streams": 2}}', h)
        check(r.is_error(401) and "www-authenticate" in r.headers, "PUT %s: 401" % what, r)
        r = c.req("GET", SC, headers=h, auth=None)
        check(r.is_error(401), "GET %s: 401" % what, r)
    for m in ("POST", "DELETE", "PATCH"):
        r = c.req(m, SC, raw=b'{"streams": {"active-streams": 2}}', headers=APPC_HEADERS, auth=None)
        check(r.is_error(405) and "PUT" in r.headers.get("allow", ""), "%s .../streams: 405" % m, r)
    check(vr.shape(c) == before, "the refused requests changed nothing")


def test_sample_plugin(c):
    # the demo's README / APPC (Amsterdam..Casablanca): enable 5
    r = put(c, SP, pg_body(NAMES[:5]), DEMO_HEADERS)
    check(r.status == 200 and r.body == b"", "the demo's PUT of 5 pg-streams: 200, empty", r)
    check(vr.enabled(c) == NAMES[:5], "fw_udp1..5 enabled")
    r = c.req("GET", SP, headers=APPC_HEADERS, auth=None)
    want = {"pg-streams": {"pg-stream": [{"id": n, "is-enabled": "true"} for n in NAMES[:5]]}}
    check(r.status == 200 and r.json == want, "GET pg-streams: the enabled streams", r)
    r = c.req("GET", SP_ROOT, headers=robot_headers(), auth=None)
    check(r.status == 200 and r.json == {"sample-plugin": want},
          "robot's Get List Of Enabled Streams (GET sample-plugin:sample-plugin)", r)
    # the listed streams are the enabled ones: the others go off
    r = put(c, SP, pg_body(["fw_udp2", "fw_udp7", "fw_udp10"]), APPC_HEADERS)
    check(r.status == 200 and vr.enabled(c) == ["fw_udp2", "fw_udp7", "fw_udp10"],
          "PUT 3 others: exactly those enabled", vr.enabled(c))
    ok, d = vr.frozen_after(c, ["fw_udp1", "fw_udp3", "fw_udp4", "fw_udp5"])
    check(ok, "the streams left out send nothing after the 200", d)
    # "is-enabled": "false" in the list disables that one; booleans work too
    body = ('{"pg-streams":{"pg-stream": [{"id":"fw_udp1", "is-enabled":"true"},'
            '{"id":"fw_udp2", "is-enabled":"false"},{"id":"fw_udp3", "is-enabled":true},'
            '{"id":"fw_udp4"}]}}')
    r = put(c, SP, body, APPC_HEADERS)
    check(r.status == 200 and vr.enabled(c) == ["fw_udp1", "fw_udp3", "fw_udp4"],
          "is-enabled \"false\" disables, true/absent enable", vr.enabled(c))
    # robot: Enable Streams (templates vfw_pg_stream_enable + vfw_pg_streams_enable)
    one = json.dumps({"id": "fw_udp6", "is-enabled": "true"})
    r = put(c, SP, '{"pg-streams": {"pg-stream": [%s]}}' % one, robot_headers())
    check(r.status == 200 and vr.enabled(c) == ["fw_udp6"], "robot's Enable Stream fw_udp6", r)
    # robot: Disable Stream (DELETE) and the single entry
    r = c.req("DELETE", SP + "/pg-stream/fw_udp6", headers=robot_headers(), auth=None)
    check(r.status == 200 and r.body == b"" and vr.enabled(c) == [],
          "robot's Disable Stream: DELETE .../pg-stream/fw_udp6: 200", r)
    ok, d = vr.frozen_after(c, ["fw_udp6"])
    check(ok, "fw_udp6 sends nothing after the DELETE's 200", d)
    r = c.req("DELETE", SP + "/pg-stream/fw_udp6", headers=robot_headers(), auth=None)
    check(r.status == 200, "DELETE an already disabled stream: 200", r)
    r = c.req("GET", SP + "/pg-stream/fw_udp6", headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.json == {"pg-stream": [{"id": "fw_udp6", "is-enabled": "false"}]},
          "GET .../pg-stream/fw_udp6", r)
    put(c, SP, pg_body(NAMES), DEMO_HEADERS)
    check(vr.enabled(c) == NAMES, "all 10 listed: all enabled")
    # robot: Disable All Streams, byte for byte; the demo's vLB script does the same
    r = put(c, SP, '{"pg-streams":{"pg-stream": []}}', robot_headers())
    check(r.status == 200 and vr.enabled(c) == [], "robot's Disable All Streams: 200, none enabled", r)
    ok, d = vr.frozen_after(c, NAMES)
    check(ok, "no stream sends after the 200", d)
    r = c.req("GET", SP, headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.json == {"pg-streams": {"pg-stream": []}}, "GET: an empty list", r)
    r = c.req("GET", SC, headers=APPC_HEADERS, auth=None)
    check(r.status == 200 and r.json == {"streams": {"active-streams": 0}},
          "stream-count reads 0 enabled", r)
    put(c, SP, pg_body(NAMES[:3]), DEMO_HEADERS)
    r = put(c, SP, '{"pg-streams":{}}', DEMO_HEADERS)
    check(r.status == 200 and vr.enabled(c) == [], "a pg-streams without pg-stream disables all", r)
    # the two APIs agree
    put(c, SC, '{"streams": {"active-streams": 4}}', APPC_HEADERS)
    r = c.req("GET", SP, headers=APPC_HEADERS, auth=None)
    check([e["id"] for e in r.json["pg-streams"]["pg-stream"]] == NAMES[:4],
          "after stream-count 4, pg-streams lists fw_udp1..4", r)
    put(c, SP, pg_body(NAMES[:5]), DEMO_HEADERS)


def test_sample_plugin_errors(c):
    before = vr.shape(c)
    cases = [
        ("an unknown id", pg_body(["fw_udp1", "fw_udp99"]), 404, "fw_udp99"),
        ("an id longer than any name", pg_body(["x" * 200]), 404, "xxxx"),
        ("an id listed twice", pg_body(["fw_udp1", "fw_udp1"]), 400, "twice"),
        ("is-enabled \"yes\"", '{"pg-streams":{"pg-stream":[{"id":"fw_udp1","is-enabled":"yes"}]}}',
         400, "is-enabled"),
        ("is-enabled 1", '{"pg-streams":{"pg-stream":[{"id":"fw_udp1","is-enabled":1}]}}', 400,
         "is-enabled"),
        ("no id", '{"pg-streams":{"pg-stream":[{"is-enabled":"true"}]}}', 400, "id"),
        ("an empty id", '{"pg-streams":{"pg-stream":[{"id":""}]}}', 400, "id"),
        ("a numeric id", '{"pg-streams":{"pg-stream":[{"id":1}]}}', 400, "id"),
        ("an extra key in an entry", '{"pg-streams":{"pg-stream":[{"id":"fw_udp1","rate":5}]}}',
         400, "rate"),
        ("an entry not an object", '{"pg-streams":{"pg-stream":["fw_udp1"]}}', 400, "object"),
        ("pg-stream not a list", '{"pg-streams":{"pg-stream":{"id":"fw_udp1"}}}', 400, "array"),
        ("pg-streams not an object", '{"pg-streams":[]}', 400, "pg-streams"),
        ("no pg-streams", '{"pg-stream":[]}', 400, "pg-stream"),
        ("an extra key", '{"pg-streams":{"pg-stream":[],"x":1}}', 400, "'x'"),
        ("malformed", '{"pg-streams":{"pg-stream":[', 400, "JSON"),
        ("no body", "", 400, "body"),
    ]
    for what, body, code, needle in cases:
        r = put(c, SP, body, APPC_HEADERS)
        check(r.is_error(code) and needle in r.error_message(),
              "PUT pg-streams with %s: %d" % (what, code), r)
    for what, path in (("unknown", "fw_udp99"), ("by id, not name", "0")):
        r = c.req("DELETE", SP + "/pg-stream/" + path, headers=APPC_HEADERS, auth=None)
        check(r.is_error(404), "DELETE an %s pg-stream: 404" % what, r)
        r = c.req("GET", SP + "/pg-stream/" + path, headers=APPC_HEADERS, auth=None)
        check(r.is_error(404), "GET an %s pg-stream: 404" % what, r)
    r = c.req("DELETE", SP, headers=APPC_HEADERS, auth=None)
    check(r.is_error(405), "DELETE pg-streams: 405", r)
    r = c.req("PUT", SP + "/pg-stream/fw_udp1", raw=b"{}", headers=APPC_HEADERS, auth=None)
    check(r.is_error(405), "PUT .../pg-stream/{id}: 405", r)
    r = c.req("DELETE", SP + "/pg-stream/fw_udp1", headers={}, auth=None)
    check(r.is_error(401), "DELETE without credentials: 401", r)
    r = c.req("GET", "/restconf/config/sample-plugin:other/pg-streams", headers=APPC_HEADERS,
              auth=None)
    check(r.is_error(404), "an unknown restconf path: 404", r)
    check(vr.shape(c) == before, "the refused requests changed nothing")


def test_curl(port):
    """The demo's own curl command lines (ONAP docs and run_traffic_fw_demo.sh)."""
    curl = shutil.which("curl")
    if curl is None:
        print("SKIP curl: not installed")
        return
    base = "http://127.0.0.1:%d" % port
    hdr = ["-H", "Authorization: Basic YWRtaW46YWRtaW4=", "-H", "Content-Type: application/json",
           "-H", "Cache-Control: no-cache"]
    for n in (10, 1, 5):
        p = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"] + hdr +
                           ["-H", "Postman-Token: 9005870c-900b-2e2e-0902-ef2009bb0ff7", "-d",
                            '{"streams": {"active-streams": %d}}' % n,
                            base + SC], capture_output=True, text=True)
        check(p.stdout == "200", "curl PUT stream-count %d: 200" % n, p.stdout + p.stderr)
    p = subprocess.run([curl, "-s", "-X", "PUT"] + hdr + ["-d", pg_body(NAMES[:3]), base + SP],
                       capture_output=True, text=True)
    p2 = subprocess.run([curl, "-s", "-u", "admin:admin", base + SP], capture_output=True, text=True)
    check(p.returncode == 0 and json.loads(p2.stdout)["pg-streams"]["pg-stream"] ==
          [{"id": n, "is-enabled": "true"} for n in NAMES[:3]], "curl PUT/GET pg-streams", p2.stdout)
    p = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:admin",
                        "-X", "DELETE", base + SP + "/pg-stream/fw_udp3"], capture_output=True,
                       text=True)
    check(p.stdout == "200", "curl DELETE .../pg-stream/fw_udp3: 200", p.stdout)
    p = subprocess.run([curl, "-s", "-u", "admin:admin", base + SC], capture_output=True, text=True)
    check(json.loads(p.stdout) == {"streams": {"active-streams": 2}}, "curl GET stream-count: 2",
          p.stdout)


def test_few_streams(pw):
    """active-streams above the number of streams: 400, nothing changes."""
    import tempfile
    d = tempfile.mkdtemp(prefix="vpkg-onap-")
    cfg = os.path.join(d, "cfg.json")
    with open(cfg, "w") as f:
        json.dump({"streams": [{"name": "fw_udp%d" % i, "id": i - 1} for i in (1, 2, 3)]}, f)
    v = vr.Vpkg(["--onap", "--mgmt-user", "admin", "--mgmt-password-file", pw, "--config", cfg])
    with v:
        c = v.client()
        r = put(c, SC, '{"streams": {"active-streams": 5}}', APPC_HEADERS)
        check(r.is_error(400) and "3 streams" in r.error_message(),
              "active-streams 5 with 3 streams: 400", r)
        c.auth = vr.ONAP_AUTH
        check(vr.enabled(c) == ["fw_udp1", "fw_udp2", "fw_udp3"], "nothing changed")
        r = put(c, SC, '{"streams": {"active-streams": 2}}', APPC_HEADERS)
        check(r.status == 200 and vr.enabled(c) == ["fw_udp1", "fw_udp2"], "active-streams 2: 200")
    check(v.rc == 0, "exit 0")
    shutil.rmtree(d, ignore_errors=True)


def test_onap_option(pw):
    p = vr.run_vpkg(["--onap"])
    check(vr.one_line_error(p, 2, "--onap", "--mgmt-user"), "--onap alone: exit 2, one line")
    p = vr.run_vpkg(["--onap", "--mgmt-user", "admin"])
    check(vr.one_line_error(p, 2, "--onap"), "--onap without a password: exit 2, one line")
    p = vr.run_vpkg(["--onap", "--mgmt-password-file", pw])
    check(vr.one_line_error(p, 2, "--onap"), "--onap without a user: exit 2, one line")
    # the demo's port and address when --mgmt is not given
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", 8183))
            free = True
        except OSError:
            free = False
    if not free:
        print("SKIP --onap on 127.0.0.1:8183: the port is in use")
        return
    v = vr.Vpkg(["--onap", "--mgmt-user", "admin", "--mgmt-password-file", pw], port=8183,
                mgmt=False)
    with v:
        c = v.client(auth=vr.ONAP_AUTH)
        r = c.get(SC)
        check(r.status == 200 and r.json["streams"]["active-streams"] == 10,
              "--onap alone: 127.0.0.1:8183, Basic auth", r)
        check(c.json("/api/v1/config")["mgmt"]["listen"] == "127.0.0.1:8183",
              "config: listens on 127.0.0.1:8183")
        r = c.get(SC, auth=None)
        check(r.is_error(401), "without credentials: 401", r)
    check(v.rc == 0 and "REST API on http://127.0.0.1:8183 (auth basic" in v.out,
          "exit 0; the start line names the address", v.out[-500:])


def main():
    pw = vr.password_file("admin")
    try:
        v = vr.Vpkg(["--onap", "--mgmt-user", "admin", "--mgmt-password-file", pw])
        with v:
            c = v.client()
            c.auth = vr.ONAP_AUTH       # vr.streams() and friends
            test_stream_count(c)
            test_stream_count_errors(c)
            test_sample_plugin(c)
            test_sample_plugin_errors(c)
            test_curl(v.port)
        check(v.rc == 0, "SIGINT: exit 0", v.err[-500:])
        check(v.stats is not None and
              [s["name"] for s in v.stats["streams"] if s["enabled"]] == ["fw_udp1", "fw_udp2"],
              "--stats-file at exit: the last state (fw_udp1, fw_udp2 enabled)",
              v.stats and [s["enabled"] for s in v.stats["streams"]])
        test_few_streams(pw)
        test_onap_option(pw)
    finally:
        os.unlink(pw)
    vr.done()


if __name__ == "__main__":
    main()
