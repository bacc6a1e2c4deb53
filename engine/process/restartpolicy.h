// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QList>

namespace qpalm {

// Circus-style supervision of one process: whether and when to start it again after it ends.
// Backoff doubles from 100 ms up to 10 s; more than 5 restarts within 60 s is flapping.
class RestartPolicy
{
public:
    static constexpr int kMaxRestarts = 5;
    static constexpr qint64 kWindowMs = 60000;

    struct Decision
    {
        bool restart = false;
        int delayMs = 0;
        bool flapping = false;
        int recentRestarts = 0; // restarts within the window, this one included
    };

    explicit RestartPolicy(RestartMode mode = RestartMode::OnFailure) : m_mode(mode) {}
    void setMode(RestartMode mode) { m_mode = mode; }
    // The process ended on its own (failure: non-zero exit or a signal), at nowMs.
    Decision ended(bool failure, qint64 nowMs);
    // What a handle reports after ended(): its error (how it ended, or flapping) and the log
    // line for the decision (empty when it neither restarts nor flaps).
    struct Report
    {
        QString error;
        QString note;
    };
    Report report(const Decision &decision, const QString &how) const;
    // A start by the user: the history is forgotten.
    void reset() { m_restarts.clear(); }

private:
    RestartMode m_mode;
    QList<qint64> m_restarts; // when each automatic restart was decided
};

} // namespace qpalm
