#!/usr/bin/env python3
"""The control side builds without DPDK (issue 14, section 3).

  test_layers.py ldd BINARY        BINARY links no librte_* and no libdpdk
  test_layers.py grep DIR...       no source file under DIR mentions "rte_"
                                   (no DPDK call, no rte_ header, no RTE_ macro)

One line per finding on stdout; exit 1 when there is any.
"""
import os
import re
import subprocess
import sys

DPDK_LIB = re.compile(r"\b(librte_\S+|libdpdk\S*)")
SOURCE_EXT = (".c", ".h", ".py", ".build")


def dpdk_libraries(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return sorted({m.group(1) for m in DPDK_LIB.finditer(out)})


def rte_mentions(dirs):
    found = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for name in sorted(files):
                if not name.endswith(SOURCE_EXT):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for no, line in enumerate(f, 1):
                        if re.search(r"rte_", line, re.IGNORECASE):
                            found.append("%s:%d: %s" % (path, no, line.strip()))
    return found


def main(argv):
    if len(argv) >= 3 and argv[1] == "ldd":
        bad = dpdk_libraries(argv[2])
        what = "%s links DPDK" % argv[2]
    elif len(argv) >= 3 and argv[1] == "grep":
        bad = rte_mentions(argv[2:])
        what = "rte_ in %s" % " ".join(argv[2:])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for b in bad:
        print("FAIL %s: %s" % (what, b))
    if not bad:
        print("ok: no %s" % ("DPDK library" if argv[1] == "ldd" else "rte_"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
