# SPDX-License-Identifier: BSD-3-Clause
"""Bad options and configurations: vpkg exits 2 with one line naming the bad value."""
import os
import subprocess

import vpkgtest as vt


def expect_usage(args, *needles, workdir=None, vdevs=("net_null0",)):
    rc, out, err, _ = vt.run_args(args, vdevs=vdevs)
    lines = [line for line in err.splitlines() if line.startswith("vpkg: ")]
    assert rc == 2, "%s: exit %d, expected 2\nstdout: %s\nstderr: %s" % (args, rc, out, err)
    assert len(lines) == 1, "%s: expected one 'vpkg: ' line on stderr, got %r" % (args, err)
    for n in needles:
        assert n in lines[0], "%s: %r not in %r" % (args, n, lines[0])
    return lines[0]


def config(obj):
    return vt.write_config(vt.tmpdir(), obj)


def test_overlapping_ids():
    p = config({"streams": [{"id": 3}, {"id": 4}, {"id": 3}]})
    expect_usage(["--config", p], p, "streams[2].id", "duplicate id 3")
    p = config({"streams": [{"name": "a"}, {"name": "a"}]})
    expect_usage(["--config", p], "streams[1].name", "duplicate name 'a'")


def test_rate_above_line_rate():
    # net_null reports 10 Gbit/s
    expect_usage(["--rate", "20Gbps"], "stream 'fw_udp1'", '"rate": 20Gbps', "line rate")
    expect_usage(["--rate", "15Mpps"], '"rate": 15Mpps', "line rate")
    p = config({"streams": [{"rate": "101%"}]})
    expect_usage(["--config", p], "streams[0].rate", "101%")
    # each stream fits, together they do not
    expect_usage(["--rate", "2Gbps-l1"], "add up to", "line rate")


def test_size_below_headers():
    expect_usage(["--size", "40"], "stream 'fw_udp1'.size", "'40'", "below")
    p = config({"streams": [{"proto": "tcp", "src_ip": "2001:db8::1", "dst_ip": "2001:db8::2",
                             "size": 70}]})
    expect_usage(["--config", p], "streams[0].size", "'70'", "IPv6/tcp")
    expect_usage(["--txpkts", "20"], "--txpkts", "'20'")
    expect_usage(["--size", "64:1,2000:1"], "size", "above")


def test_unknown_protocol():
    expect_usage(["--proto", "gre"], "--proto", "'gre'", "unknown protocol")
    p = config({"streams": [{"proto": "sctp"}]})
    expect_usage(["--config", p], "streams[0].proto", "'\"sctp\"'", "unknown protocol")


def test_bad_json():
    p = config({"streams": [{"colour": "red"}]})
    expect_usage(["--config", p], p, "streams[0]: unknown key 'colour'")
    p = config({"streams": [{"rate": [1]}]})
    expect_usage(["--config", p], "streams[0].rate", "must be")
    p = config({"streams": [{"src_port": "9-1"}]})
    expect_usage(["--config", p], "streams[0].src_port", "LAST below FIRST")
    p = config({"streams": [{"dst_ip": "10.0.0.1-10.0.0.300"}]})
    expect_usage(["--config", p], "streams[0].dst_ip")
    p = config({"streams": []})
    expect_usage(["--config", p], "streams", "empty")
    p = config({"streams": [{"port": 3}]})
    expect_usage(["--config", p], "--config: %s: streams[0] (id 0, stream0)" % p, '"port": 3',
                 "1 port(s)")
    p = config({"streams": [{"id": 5000}]})
    expect_usage(["--config", p], "streams[0].id")
    d = vt.tmpdir()
    bad = os.path.join(d, "broken.json")
    with open(bad, "w") as f:
        f.write('{"streams": [')
    expect_usage(["--config", bad], bad, "line")


def test_bad_options():
    expect_usage(["--rate", "fast"], "--rate", "'fast'")
    expect_usage(["--txpkts", "64,64"], "--txpkts", "multi-segment")
    expect_usage(["--tx-ip", "10.0.0.1"], "--tx-ip", "SRC,DST")
    expect_usage(["--tx-udp", "70000"], "--tx-udp")
    expect_usage(["--eth-peer", "0,zz"], "--eth-peer")
    expect_usage(["--active-streams", "11"], "--active-streams", "'11'", "10 streams")
    expect_usage(["--vlan", "0"], "--vlan")
    expect_usage(["--gateway", "1.2.3"], "--gateway")
    expect_usage(["--count", "-1"], "--count", "'-1'")
    expect_usage(["--count", "9223372036854775808"], "--count")
    expect_usage(["--flow-walk", "sideways"], "--flow-walk")
    expect_usage(["--frobnicate"], "unknown option")
    p = config({"streams": [{"id": 1}]})
    expect_usage(["--config", p, "--rate", "5pps"], "--rate", "cannot be combined")
    expect_usage(["--gateway", "10.0.0.1", "--no-rx"], "--gateway", "--no-rx")


def test_help():
    p = subprocess.run([vt.VPKG, "--help"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0
    for n in ("--txpkts", "--rate", "--count", "--active-streams", "fw_udp1", "streams",
              "--tx-retry", "imix"):
        assert n in p.stdout, n


def test_stream_file_errors_name_file_stream_key():
    """Errors found once the ports are up name the file, the stream and the key."""
    p = config({"streams": [{"id": 0}, {"id": 4}, {"id": 2, "name": "fw_udp2",
                                                   "rate": "15Mpps"}]})
    expect_usage(["--config", p], "--config: %s: streams[2] (id 2, fw_udp2)" % p,
                 '"rate": 15Mpps', "line rate of port 0", "Mpps)")
    p = config({"streams": [{"id": 7, "rate": "50%"}, {"id": 8, "port": 1}]})
    expect_usage(["--config", p], "--config: %s: streams[1] (id 8, stream8)" % p, '"port": 1')


def test_same_ranges_in_file_and_command_line():
    """One range check for --vlan and "vlan", --count and "count"."""
    expect_usage(["--vlan", "0"], "--vlan", "'0'", "1 to 4095")
    p = config({"streams": [{"vlan": 0}]})
    expect_usage(["--config", p], p, "streams[0].vlan", "'0'", "1 to 4095")
    p = config({"streams": [{"vlan": 4095, "count": 0}]})
    rc, out, err, _ = vt.run_args(["--config", p, "--duration", "0.5"])
    assert rc == 0, (rc, err)
    rc, out, err, _ = vt.run_args(["--count", "0", "--duration", "0.5"])
    assert rc == 0, (rc, err)


def secret_file(text, mode, name="pw"):
    p = os.path.join(vt.tmpdir(), name)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def test_secret_files_one_rule():
    """Every file holding a secret is refused unless mode 600, naming option and file."""
    for mode in (0o644, 0o640):
        p = secret_file("hunter2\n", mode)
        for opt in ("--mgmt-password-file", "--ves-password-file"):
            line = expect_usage([opt, p], opt, p, "chmod 600")
            assert "hunter2" not in line, line
        p = config({"mgmt": "127.0.0.1:0", "mgmt-user": "u", "mgmt-password": "hunter2"})
        os.chmod(p, mode)
        line = expect_usage(["--config", p], "--config", p, "mgmt-password", "chmod 600")
        assert "hunter2" not in line, line
        p = config({"ves-url": "http://127.0.0.1:1/", "ves-user": "u",
                    "ves-password": "hunter2"})
        os.chmod(p, mode)
        expect_usage(["--config", p], "--config", p, "ves-password", "chmod 600")
    expect_usage(["--ves-password-file", vt.tmpdir()], "--ves-password-file", "regular file")
    # at 600 the secret is taken: the next error is about what is missing
    p = secret_file("hunter2\n", 0o600)
    expect_usage(["--ves-password-file", p], "--ves-password-file", "needs --ves-url")


def test_mgmt_options_need_mgmt():
    """--mgmt-* without --mgmt: the error names the option given."""
    for opt, val in (("--mgmt-password", "x"), ("--mgmt-user", "u"),
                     ("--mgmt-timeout", "5")):
        expect_usage([opt, val], opt, "need --mgmt")
    # the same for the VES password without --ves-user
    for opt, val in (("--ves-password", "x"),
                     ("--ves-password-file", secret_file("pw\n", 0o600, "vespw"))):
        expect_usage(["--ves-url", "http://127.0.0.1:1/", opt, val], opt + ": needs --ves-user")
    p = config({"mgmt-max-body": 4096})
    expect_usage(["--config", p], "--mgmt-max-body", "need --mgmt")


if __name__ == "__main__":
    vt.run_main([test_overlapping_ids, test_rate_above_line_rate, test_size_below_headers,
                 test_unknown_protocol, test_bad_json, test_bad_options, test_help,
                 test_secret_files_one_rule, test_mgmt_options_need_mgmt,
                 test_stream_file_errors_name_file_stream_key,
                 test_same_ranges_in_file_and_command_line])
