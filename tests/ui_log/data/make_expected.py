#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the expected export files with Python's own csv/json/time modules (an independent
implementation of the formats LogExport writes). Run from this directory."""
import csv, datetime, io, json

BASE = 1472204519053
LEVELS = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}
TB = "error.lua:7: boom\nstack traceback:\n\t[C]: in function 'error'\n\terror.lua:7: in function 'foo'"
RECORDS = [  # msecs, server, level, text, traceback, sequence
    (BASE, "alpha", 20, "Started", "", 1),
    (BASE + 100, "beta", 30, 'Slow, "quoted" reply', "", 1),
    (BASE + 947, "alpha", 40, "User function gave an error", TB, 2),
    (BASE + 1948, "beta", 10, "multi\nline \u00e9 \u00fcn\u00efcode\ttab \\ back", "", 2),
    (BASE + 3447, "alpha", 50, "Disk full", "", 3),
]

def utc(ms):
    return datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)

def pylm(r):  # logging's "%(asctime)s - %(name)s - %(levelname)s - %(message)s" in UTC
    ms, server, level, text, tb, _ = r
    line = "%s,%03d - %s - %s - %s" % (utc(ms).strftime("%Y-%m-%d %H:%M:%S"), ms % 1000, server, LEVELS[level], text)
    return line + ("\n" + tb if tb else "") + "\n"

def iso(ms):
    return "%s.%03dZ" % (utc(ms).strftime("%Y-%m-%dT%H:%M:%S"), ms % 1000)

def write(name, text):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write(text)

write("all.log", "".join(pylm(r) for r in RECORDS))
write("alpha-errors.log", "".join(pylm(r) for r in RECORDS if r[1] == "alpha" and r[2] >= 40))

out = io.StringIO()
w = csv.writer(out)  # excel dialect: minimal quoting, CRLF
w.writerow(["time", "server", "level", "sequence", "text", "traceback"])
for ms, server, level, text, tb, seq in RECORDS:
    w.writerow([iso(ms), server, LEVELS[level], seq, text, tb])
write("all.csv", out.getvalue())

lines = []
for ms, server, level, text, tb, seq in RECORDS:
    d = {"time": iso(ms), "msecs": ms, "server": server, "level": LEVELS[level], "levelno": level,
         "sequence": seq, "text": text}
    if tb:
        d["traceback"] = tb
    lines.append(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
write("all.jsonl", "".join(lines))
