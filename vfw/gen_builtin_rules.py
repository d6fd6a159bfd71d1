#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn a rule file into the C string vfw_rules_builtin (the built-in policy)."""
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    text = f.read()
lines = ['/* Generated from %s by gen_builtin_rules.py: do not edit. */' % src.split('/')[-1],
         '#include "acl.h"', '', 'const char vfw_rules_builtin[] =']
for line in text.splitlines(keepends=True):
    esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    lines.append('\t"%s"' % esc)
lines[-1] += ';'
with open(dst, "w", encoding="utf-8") as f:
    f.write('\n'.join(lines) + '\n')
