#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Log records only one side wrote, per scenario (after scenarios.py NAME...)."""
import json, os, re, sys, tempfile
for name in sys.argv[1:]:
    o = json.load(open(os.path.join(tempfile.gettempdir(), 'out-%s.json') % name))
    import re
    f = lambda rs: set((a, b, re.sub(r"\d+", "N", c)) for a, b, c in rs)
    p = f(o["pylm_logs"]); q = f(o["qpalm_logs"])
    print('=====', name)
    print('-- only pylm:'); [print('  ', r) for r in sorted(p - q)]
    print('-- only qpalm:'); [print('  ', r) for r in sorted(q - p)]
    print('-- both:'); [print('  ', r) for r in sorted(p & q)]
