#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""HTTP Basic auth, credentials and HTTPS:
- with --mgmt-user every route needs auth (401 + WWW-Authenticate + JSON),
  ONAP's "Authorization: Basic YWRtaW46YWRtaW4=" (admin/admin) works, wrong
  or malformed credentials fail, a refused request changes nothing;
- the password (option or file) never shows in the output or the API;
- option errors exit 2 with one line: user without password and the
  reverse, --mgmt-* without --mgmt, a password file readable by others,
  TLS files missing or half given, the key readable by others, a busy port;
- HTTPS with --mgmt-tls-cert/--mgmt-tls-key (openssl makes a test
  certificate; skipped without openssl); IPv6 loopback."""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgmtlib                      # noqa: E402
from mgmtlib import check          # noqa: E402

ONAP_AUTH = "Basic YWRtaW46YWRtaW4="      # admin:admin, as the ONAP policy sends it
SECRET = "s3cr3t-Pa55word"


def no_secret(v, secret, what):
    check(secret not in v.out and secret not in v.err, "%s: the password is not in the output" % what)


def test_onap_admin():
    v = mgmtlib.Vsnk(["net_null0"], ["--mgmt-user", "admin", "--mgmt-password", "admin"])
    with v:
        c = v.client(auth=ONAP_AUTH)
        for path in ("/api/v1/health", "/api/v1/stats", "/api/v1/config", "/metrics", "/",
                     "/api/v1/intervals", "/api/v1"):
            r = c.get(path)
            check(r.status == 200, "ONAP's admin/admin header: GET %s 200" % path, r)
        cfg = c.json("/api/v1/config")
        check(cfg["mgmt"]["auth"] is True and cfg["options"]["mgmt-user"] == "admin" and
              "admin:admin" not in c.get("/api/v1/config").text and
              "mgmt-password" not in cfg["options"], "config: auth on, user shown, no password")

        before = c.json("/api/v1/dashboard")
        for what, auth in (("no Authorization", None),
                           ("wrong password", mgmtlib.basic("admin", "admin1")),
                           ("wrong user", mgmtlib.basic("root", "admin")),
                           ("password prefix", mgmtlib.basic("admin", "admi")),
                           ("empty password", mgmtlib.basic("admin", "")),
                           ("no colon", "Basic YWRtaW5hZG1pbg=="),
                           ("not base64", "Basic !!!"),
                           ("other scheme", "Bearer YWRtaW46YWRtaW4="),
                           ("scheme only", "Basic")):
            r = c.get("/api/v1/stats", auth=auth)
            check(r.is_error(401) and r.headers.get("www-authenticate", "").startswith(
                'Basic realm="vsnk"'), "%s: 401 + WWW-Authenticate + JSON" % what, r)
        r = c.get("/api/v1/nope", auth=None)
        check(r.is_error(401), "unknown path without auth: 401 (auth before routing)", r)
        r = c.req("PUT", "/api/v1/dashboard", body={"history": 5}, auth=None)
        check(r.is_error(401), "PUT without auth: 401", r)
        r = c.req("PUT", "/api/v1/dashboard", raw=b"x" * 100000, auth=None,
                  headers={"Content-Type": "application/json"})
        check(r.is_error(401), "large body without auth: 401 before reading it", r)
        r = c.req("POST", "/api/v1/stats/reset", auth=mgmtlib.basic("admin", "x"))
        check(r.is_error(401), "POST reset with a wrong password: 401", r)
        check(c.json("/api/v1/dashboard") == before, "refused requests changed nothing")
        r = c.get("/api/v1/health", auth="basic   YWRtaW46YWRtaW4=")
        check(r.status == 200, "the scheme is case-insensitive", r)
        m = mgmtlib.parse_metrics(c.get("/metrics").text)[0]
        check((mgmtlib.metric(m, "vfwcl_vsnk_mgmt_http_replies_total", code=401) or 0) >= 9,
              "/metrics counts the 401 replies")
    check(v.rc == 0, "vsnk with auth stops cleanly")
    no_secret(v, "admin:admin", "--mgmt-password")


def test_password_file(tmp):
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write(SECRET + "\nsecond line ignored\n")
    os.chmod(pw, 0o600)
    v = mgmtlib.Vsnk(["net_null0"], ["--mgmt-user", "ops", "--mgmt-password-file", pw])
    with v:
        c = v.client(auth=mgmtlib.basic("ops", SECRET))
        check(c.get("/api/v1/health").status == 200, "password from the file's first line works")
        check(c.get("/api/v1/health", auth=mgmtlib.basic("ops", SECRET + "\n")).status == 401,
              "the newline is not part of the password")
        check(SECRET not in c.get("/api/v1/config").text, "config does not show the password")
    no_secret(v, SECRET, "--mgmt-password-file")

    # a config file can give them too (the command line wins)
    conf = os.path.join(tmp, "conf.json")
    with open(conf, "w") as f:
        f.write('{"mgmt-user": "cfg", "mgmt-password-file": "%s", "mgmt-threads": 1}' % pw)
    v = mgmtlib.Vsnk(["net_null0"], ["--config", conf])
    with v:
        c = v.client(auth=mgmtlib.basic("cfg", SECRET))
        check(c.get("/api/v1/health").status == 200 and
              c.json("/api/v1/config")["options"]["mgmt-threads"] == 1,
              "--config sets the mgmt options")

    os.chmod(pw, 0o644)
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-user", "ops",
                          "--mgmt-password-file", pw])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-password-file", pw, "others") and
          SECRET not in p.stderr + p.stdout, "a password file readable by others: exit 2")
    empty = os.path.join(tmp, "empty")
    open(empty, "w").close()
    os.chmod(empty, 0o600)
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-user", "ops",
                          "--mgmt-password-file", empty])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-password-file"), "an empty password file: exit 2")
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-user", "ops",
                          "--mgmt-password-file", os.path.join(tmp, "missing")])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-password-file", "missing"),
          "a missing password file: exit 2")


def test_option_errors(tmp):
    port = mgmtlib.free_port()
    cases = [
        (["--mgmt", ":%d" % port, "--mgmt-user", "admin"], ["--mgmt-user", "password"],
         "user without password"),
        (["--mgmt", ":%d" % port, "--mgmt-password", SECRET], ["--mgmt-password", "--mgmt-user"],
         "password without user"),
        (["--mgmt-user", "admin", "--mgmt-password", SECRET], ["--mgmt "],
         "--mgmt-* without --mgmt"),
        (["--mgmt", ":%d" % port, "--mgmt-user", "ad:min", "--mgmt-password", SECRET],
         ["--mgmt-user", "':'"], "user with a colon"),
        (["--mgmt", ":%d" % port, "--mgmt-max-connections", "0"], ["--mgmt-max-connections", "'0'"],
         "max connections 0"),
        (["--mgmt", ":%d" % port, "--mgmt-max-body", "1k"], ["--mgmt-max-body", "'1k'"],
         "max body not a number"),
        (["--mgmt", ":%d" % port, "--mgmt-timeout", "0"], ["--mgmt-timeout"], "timeout 0"),
        (["--mgmt", ":%d" % port, "--mgmt-threads", "99"], ["--mgmt-threads"], "99 threads"),
        (["--mgmt", ":%d" % port, "--mgmt-request-timeout", "0"],
         ["--mgmt-request-timeout", "'0'"], "request timeout 0"),
        (["--mgmt", ":%d" % port, "--mgmt-max-connections-per-ip", "x"],
         ["--mgmt-max-connections-per-ip", "'x'"], "per-address limit not a number"),
        (["--mgmt", ":%d" % port, "--mgmt-tls-cert", "/etc/hostname"], ["--mgmt-tls"],
         "certificate without key"),
        (["--mgmt", ":%d" % port, "--mgmt-tls-cert", os.path.join(tmp, "nope.pem"),
          "--mgmt-tls-key", os.path.join(tmp, "nope.key")], ["--mgmt-tls-cert", "nope.pem"],
         "missing certificate file"),
        (["--mgmt", ":%d" % port, "--dashboard-interval", "0.1"], ["--dashboard-interval", "'0.1'"],
         "dashboard interval too short"),
        (["--mgmt", ":%d" % port, "--dashboard-history", "1"], ["--dashboard-history", "'1'"],
         "dashboard history too short"),
    ]
    for args, needles, what in cases:
        p = mgmtlib.run_vsnk(args)
        check(mgmtlib.one_line_error(p, 2, *needles) and SECRET not in p.stderr + p.stdout,
              "%s: exit 2, one line" % what)
    p = mgmtlib.run_vsnk(["--mgmt-password", "\x01bad" + SECRET, "--mgmt-user", "u",
                          "--mgmt", ":%d" % port])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-password") and SECRET not in p.stderr,
          "a bad password is refused without being shown")
    with mgmtlib.busy_port() as bport:
        p = mgmtlib.run_vsnk(["--mgmt", "127.0.0.1:%d" % bport])
        check(mgmtlib.one_line_error(p, 2, "--mgmt", str(bport), "in use"),
              "a port in use: exit 2 naming it")
    p = mgmtlib.run_vsnk(["--mgmt", "192.0.2.1:%d" % port])
    check(mgmtlib.one_line_error(p, 2, "--mgmt", "192.0.2.1"), "an address not on this host: exit 2")
    r = subprocess.run([mgmtlib.VSNK, "--help"], capture_output=True, text=True)
    check(r.returncode == 0 and "--mgmt-password-file" in r.stdout and
          "--dashboard-interval" in r.stdout, "--help lists the mgmt and dashboard options")


def make_cert(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", key, "-out", cert], capture_output=True, text=True)
    if p.returncode != 0:
        return None, None
    os.chmod(key, 0o600)
    return cert, key


def test_tls(tmp):
    if shutil.which("openssl") is None:
        print("SKIP HTTPS checks: openssl is not installed")
        return
    cert, key = make_cert(tmp)
    if cert is None:
        print("SKIP HTTPS checks: openssl cannot make a certificate")
        return
    v = mgmtlib.Vsnk(["net_null0"], ["--mgmt-tls-cert", cert, "--mgmt-tls-key", key,
                                     "--mgmt-user", "admin", "--mgmt-password", "admin"])
    with v:
        ctx = ssl.create_default_context(cafile=cert)
        c = v.client(auth=ONAP_AUTH, tls=ctx)
        r = c.get("/api/v1/health")
        check(r.status == 200 and r.json["status"] == "ok", "HTTPS: GET /api/v1/health", r)
        check(c.json("/api/v1/config")["mgmt"]["scheme"] == "https", "config: scheme https")
        check(c.get("/api/v1/health", auth=None).is_error(401), "HTTPS without auth: 401")
        r = c.req("PUT", "/api/v1/dashboard", body={"history": 9})
        check(r.status == 200 and r.json["history"] == 9, "HTTPS: PUT with a JSON body")
        plain = v.client(auth=ONAP_AUTH)
        try:
            r = plain.get("/api/v1/health")
            ok = r.status != 200
        except Exception:       # noqa: BLE001 - any failure is what we want
            ok = True
        check(ok, "plain HTTP to the HTTPS port fails")
    check(v.rc == 0, "vsnk with TLS stops cleanly")
    check("REST API on https://" in v.out, "start-up line says https")
    os.chmod(key, 0o644)
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-tls-cert", cert,
                          "--mgmt-tls-key", key])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-tls-key", "others"),
          "a TLS key readable by others: exit 2")
    os.chmod(key, 0o640)
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-tls-cert", cert,
                          "--mgmt-tls-key", key])
    check(mgmtlib.one_line_error(p, 2, "--mgmt-tls-key", "group or others"),
          "a TLS key readable by its group: exit 2, like every secret file")
    os.chmod(key, 0o600)
    os.chmod(cert, 0o600)
    p = mgmtlib.run_vsnk(["--mgmt", ":%d" % mgmtlib.free_port(), "--mgmt-tls-cert", key,
                          "--mgmt-tls-key", cert])
    check(p.returncode == 2 and "TLS" in p.stderr, "certificate and key swapped: exit 2", p.stderr)


def test_ipv6():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        print("SKIP IPv6 check: no ::1")
        return
    v = mgmtlib.Vsnk(["net_null0"], host="::1")
    with v:
        check(v.client().get("/api/v1/health").status == 200, "--mgmt [::1]:PORT serves")


def main():
    tmp = tempfile.mkdtemp(prefix="vfwcl-mgmt-auth-")
    try:
        test_onap_admin()
        test_password_file(tmp)
        test_option_errors(tmp)
        test_tls(tmp)
        test_ipv6()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mgmtlib.done()


if __name__ == "__main__":
    main()
