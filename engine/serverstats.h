// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace qpalm {

// What a master/hub knows of one worker on the reliable path (docs/delivery.md).
struct WorkerLedger
{
    QString worker;                // the worker's name as it introduced itself (its identity)
    qint64 inFlight = 0;           // sent, not yet answered
    quint64 done = 0;              // results accepted from it
    quint64 requeued = 0;          // messages taken back from it (died, hung, left) and resent
    quint64 duplicatesDropped = 0; // late or repeated results from it that were dropped
    int credit = 0;                // messages it may still be sent now (0 while it is stuck)
    qint64 lastSeenMsecs = 0;      // msecs since epoch of its last heartbeat or result
    bool gone = false;             // given up on (missed heartbeats or said goodbye)
    qint64 latencyP50Us = 0; // dispatch -> ack, median over its last 256 results (0: none yet)
    qint64 latencyP99Us = 0; // the same, 99th percentile
    bool operator==(const WorkerLedger &) const = default;
};

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
    // master/hub: of fromWorkers, those read on worker_pull_address (PUSH/PULL workers: pylm's,
    // or qpalm's off the reliable path)
    quint64 fromPlainWorkers = 0;
    quint64 cacheRequests = 0;
    int pendingOut = 0;           // messages waiting for a full socket (backpressure)
    int heldForSubscriber = 0;    // replies waiting for their topic's first subscriber
    qint64 inFlight = 0;          // master/hub: toWorkers - fromWorkers
    QList<WorkerLedger> ledger;   // master/hub: one entry per reliable-path worker seen this run
    bool countersUnknown = false; // messagesIn/Out are not counted (an external process)
};

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::ServerStats)
