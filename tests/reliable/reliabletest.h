// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the reliable-path suites: numbered payloads, ledger lookups, join waits.
#pragma once

#include "enginetest.h"
#include "serverstats.h"

#include <optional>
#include <string>
#include <vector>

namespace qpalm::test {

// prefix0 .. prefix(n-1)
inline std::vector<std::string> numbered(const std::string &prefix, int n)
{
    std::vector<std::string> out;
    out.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        out.push_back(prefix + std::to_string(i));
    return out;
}

// The master's ledger entry of worker (the live one when there are several).
inline std::optional<WorkerLedger> ledgerOf(const ServerHandle *master, const QString &worker)
{
    std::optional<WorkerLedger> found;
    for (const WorkerLedger &entry : master->stats().ledger) {
        if (entry.worker == worker && (!found || found->gone))
            found = entry;
    }
    return found;
}

// Waits until rig logged "Worker 'worker' joined on the reliable path" at least times times.
inline bool joined(Rig &rig, const QString &worker, int times = 1, int timeoutMs = 10000)
{
    const QString text = QStringLiteral("Worker '%1' joined on the reliable path").arg(worker);
    return waitUntil([&] { return rig.find(text).size() >= times; }, timeoutMs);
}

} // namespace qpalm::test
