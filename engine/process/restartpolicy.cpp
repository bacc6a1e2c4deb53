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

} // namespace qpalm
