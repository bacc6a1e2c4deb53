// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "restartpolicy.h"

#include <algorithm>

namespace qpalm {

RestartPolicy::Decision RestartPolicy::ended(bool failure, qint64 nowMs)
{
    Decision decision;
    if (m_mode == RestartMode::Never || (m_mode == RestartMode::OnFailure && !failure))
        return decision;
    m_restarts.removeIf([nowMs](qint64 at) { return nowMs - at > kWindowMs; });
    if (m_restarts.size() >= kMaxRestarts) {
        decision.flapping = true;
        decision.recentRestarts = int(m_restarts.size()) + 1;
        return decision;
    }
    decision.restart = true;
    decision.delayMs = std::min(10000, 100 << std::min(int(m_restarts.size()), 7));
    m_restarts.append(nowMs);
    decision.recentRestarts = int(m_restarts.size());
    return decision;
}

RestartPolicy::Report RestartPolicy::report(const Decision &decision, const QString &how) const
{
    Report report{how, {}};
    if (decision.flapping) {
        report.error = QStringLiteral("flapping: more than %1 restarts within %2 s, not "
                                      "restarting (last: %3)")
                           .arg(kMaxRestarts)
                           .arg(kWindowMs / 1000)
                           .arg(how);
        report.note = report.error;
    } else if (decision.restart) {
        report.note = QStringLiteral("restarting in %1 ms (restart %2 within %3 s, policy %4)")
                          .arg(decision.delayMs)
                          .arg(decision.recentRestarts)
                          .arg(kWindowMs / 1000)
                          .arg(restartModeName(m_mode));
    }
    return report;
}

} // namespace qpalm
