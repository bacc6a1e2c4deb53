// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverstats.h"

#include <optional>

namespace qpalm {

// What a master → worker edge shows of the master's ledger (ServerStats::ledger).
namespace topologyledger {

// One worker's entry, merged over the connections it made this run (a worker that joins again
// under its name gets a new entry): counters summed, in flight and credit of the live ones,
// gone when every entry is, the latest sign of life. None when the master has not seen it.
std::optional<WorkerLedger> entryOf(const QList<WorkerLedger> &ledger, const QString &worker);
// The edge label: "12/s · 3 in flight" (or "gone"), then "2 requeued · 1 dup dropped" when any,
// then latency (a "p50 … · p99 …" line) when measured.
QString label(const WorkerLedger &entry, const QString &rate, const QString &latency);
// "850 µs", "2.5 ms", "12 ms".
QString durationText(qint64 micros);
// "p50 850 µs · p99 2.5 ms" from the entry's dispatch -> ack latency; empty when not measured.
QString latencyText(const WorkerLedger &entry);
// The edge's tooltip: every counter of the entry, and how long ago the worker was last heard.
QString toolTip(const QString &master, const WorkerLedger &entry, qint64 nowMsecs);

} // namespace topologyledger
} // namespace qpalm
