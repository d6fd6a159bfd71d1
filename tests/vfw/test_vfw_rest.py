#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vfw's REST rule routes (vfw/vfw_mgmt.c): GET /api/v1/rules lists the set
in effect with per-rule counters; PUT replaces it atomically; a bad set, a
wrong type or an unknown key gets a 400 naming the problem and the old set
stays (same generation, same rules). A body needs Content-Type
application/json (415 otherwise, also when missing); a rule set is as large
as --mgmt-max-body allows (no cap of its own)."""
import json
import socket
import subprocess
import sys
import time

import vfwcl
from mgmtlib import call, check, done, free_port, raw_request


MAX_BODY = 8 << 20
NB_BIG = 40000          # about 1.2 MB of rules: above the old 1 MiB cap


def test_content_type_and_size(base, port):
    body = b'{"rules": "allow any stateless\\n"}'
    out = raw_request(port, b"PUT /api/v1/rules HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
    check(out.startswith(b"HTTP/1.1 415") and b"Content-Type" in out,
          "PUT /api/v1/rules without Content-Type: 415 naming it", out[:300])
    text = "".join("allow in udp to any port %d\n" % (1 + i) for i in range(NB_BIG))
    big = json.dumps({"rules": text})
    st, js = call(base, "PUT", "/api/v1/rules", big, timeout=120)
    check(st == 200 and js["nb_rules"] == NB_BIG,
          "PUT %d rules (%d bytes, --mgmt-max-body %d): 200" % (NB_BIG, len(big), MAX_BODY),
          (st, js if st != 200 else js["nb_rules"]))


def main():
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    p = subprocess.Popen([vfwcl.binary("vfw")] + vfwcl.eal_args(["net_null0", "net_null1"], mem=512) +
                         ["--", "--max-sessions", "1024", "--idle-sleep", "1000",
                          "--mgmt", "127.0.0.1:%d" % port, "--duration", "120",
                          "--mgmt-max-body", str(MAX_BODY)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if p.poll() is not None:
                    print(p.communicate()[1][-2000:])
                    sys.exit(1)
                time.sleep(0.1)
        st, before = call(base, "GET", "/api/v1/rules")
        check(st == 200 and before["source"] == "<built-in>" and before["nb_rules"] >= 1 and
              all({"line", "action", "text", "packets", "bytes"} <= set(r) for r in before["rules"]) and
              before["rules"][-1]["default"], "GET /api/v1/rules: the built-in set with counters", before)

        bad_cases = [
            ('{"rules": "allow in udp to any port 8080\\nbogus line\\n"}', ("<api>:2", "bogus")),
            ('{"rules": 5}', ("rules",)),
            ('{"rules": "allow any", "extra": 1}', ("extra",)),
            ('[1]', ()),
            ('{"rules": ', ()),
        ]
        for body, needles in bad_cases:
            st, js = call(base, "PUT", "/api/v1/rules", body)
            msg = (js or {}).get("error", {}).get("message", "")
            check(st == 400 and all(n in msg for n in needles),
                  "PUT %s: 400 naming the problem" % body[:40], (st, msg))
        st, js = call(base, "PUT", "/api/v1/rules", "allow any", ctype="text/plain")
        check(st == 415, "PUT with a non-JSON body: 415", st)
        st, same = call(base, "GET", "/api/v1/rules")
        check(same["generation"] == before["generation"] and same["rules"] == before["rules"],
              "after the refused requests the old set stays")

        st, js = call(base, "PUT", "/api/v1/rules", json.dumps({"rules": "allow any stateless\n"}))
        check(st == 200 and js["source"] == "<api>" and js["generation"] == before["generation"] + 1 and
              [r["text"] for r in js["rules"]] == ["allow any stateless", "default deny"],
              "PUT a good set: 200, swapped, generation + 1", js)
        st, js = call(base, "DELETE", "/api/v1/rules")
        check(st == 405, "DELETE /api/v1/rules: 405", st)
        test_content_type_and_size(base, port)
    finally:
        p.send_signal(2)
        try:
            p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
    check(p.returncode == 0, "vfw stops cleanly (exit 0)", p.returncode)
    done()


if __name__ == "__main__":
    main()
