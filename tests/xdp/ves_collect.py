#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A VES collector inside a test namespace (tests/ves/vescollector.py on its
loopback, as the binary under test reaches it there):

  ves_collect.py PORT STOP OUT

listens on 127.0.0.1:PORT, prints "listening" once it does, and when the
file STOP exists writes every event it accepted to OUT (a JSON list)."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ves"))
import vescollector  # noqa: E402


def main(port, stop, out):
    c = vescollector.Collector()
    c.port = port
    c.start()
    print("listening", flush=True)
    while not os.path.exists(stop):
        time.sleep(0.1)
    c.stop()
    with open(out, "w") as f:
        json.dump(c.snapshot(), f)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
