// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>

namespace qpalm {

// Counters of one server since it started, sampled on its thread.
struct ServerStats
{
    quint64 generation = 0; // the run these counters belong to (ServerHandle::generation)
    qint64 msecsSinceEpoch = 0;
    quint64 messagesIn = 0;  // from clients or the previous stage
    quint64 messagesOut = 0; // published (or, for a worker, sent back)
    quint64 errors = 0;      // user errors, unknown functions, malformed input
    quint64 malformed = 0;   // frames that were not a PalmMessage
    quint64 dropped = 0;     // published with no subscriber after the grace time
    quint64 toWorkers = 0;   // master/hub: sent to workers
    quint64 fromWorkers = 0; // master/hub: received from workers
    quint64 cacheRequests = 0;
    int pendingOut = 0;        // messages waiting for a full socket (backpressure)
    int heldForSubscriber = 0; // replies waiting for their topic's first subscriber
    qint64 inFlight = 0;       // master/hub: toWorkers - fromWorkers
};

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::ServerStats)
