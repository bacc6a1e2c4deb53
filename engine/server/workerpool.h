// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "frames.h"
#include "serverconfig.h"

#include <QList>

#include <array>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

namespace qpalm {
class Logger;
struct ServerStats;
struct WorkerLedger;
} // namespace qpalm

namespace qpalm::server {

// A master's (or hub's) way to its workers: qpalm workers on the reliable path (ROUTER; ids,
// credit, acks, heartbeats, requeue) first, pylm workers on the plain PUSH socket for what they
// take. Lives on the server thread. docs/delivery.md states the semantics.
class WorkerPool
{
public:
    WorkerPool(Logger &logger, ServerStats &stats);

    std::optional<zmq::socket_t> router; // worker_reliable_address (absent: reliable off)
    std::optional<zmq::socket_t> push;   // worker_push_address (pylm and plain workers)

    void configure(const DeliverySettings &settings) { m_settings = settings; }
    // Reads the clock for this loop turn (dispatch and ack times, last seen); readRouter again.
    void startTurn() { m_turnUs = steadyUs(); }
    // Takes one encoded PalmMessage for some worker; it waits here when nobody can take it.
    void send(zmq::message_t &&task);
    // Inputs stop while messages wait for a worker (backpressure).
    bool blocked() const { return !m_pending.empty(); }
    std::size_t pendingCount() const { return m_pending.size(); }
    // Reads the ROUTER (up to burst messages); accepted results go to onResult, each once.
    void readRouter(const std::function<void(zmq::message_t &&)> &onResult, int burst);
    // Heartbeats, giving up on silent workers, and sending what waits. Call every loop turn.
    void tick(qint64 now);
    // Milliseconds until tick has something to do (fallback when nothing).
    qint64 nextDeadline(qint64 now, qint64 fallback) const;
    QList<WorkerLedger> ledger(qint64 now) const;
    void close();

private:
    struct Task
    {
        zmq::message_t bytes;
        std::vector<zmq::message_t> partial; // results before the ack (kept until it comes)
        qint64 sentUs = 0;                   // steady clock at dispatch (for the latency)
    };
    struct InFlight
    {
        std::uint64_t id = 0;
        Task task;
    };
    static constexpr std::size_t kLatencyWindow = 256; // results the ledger's latency covers
    struct Peer
    {
        std::string identity;
        QString name;
        int window = 0;
        std::deque<InFlight> inFlight; // in dispatch order (ids rise); acks come mostly in order
        quint64 done = 0;
        quint64 requeued = 0;
        quint64 duplicates = 0;
        qint64 lastSeen = 0; // steady ms
        qint64 lastSent = 0; // steady ms
        qint64 lastAck = 0;  // steady ms: last ack, or when it started holding messages
        bool gone = false;
        bool full = false;       // its pipe refused a send; cleared when it answers
        bool refill = false;     // its window filled up; cleared when half of it came back
        bool batchTasks = false; // it reads 'M' frames (said so in its 'C')
        std::string batch;       // an 'M' frame being built; sent by flushBatches
        int batched = 0;         // entries in batch
        std::array<quint32, kLatencyWindow> latencyUs{}; // ring of dispatch -> ack times
        std::size_t latencies = 0;                       // results recorded in the ring ever
    };
    struct Waiting
    {
        zmq::message_t bytes; // given a new id at each attempt to send it
    };

    Peer *peerOf(std::string_view identity);
    bool hasCredit(const Peer &peer, qint64 now) const;
    // Sends one waiting task to the next in turn: a reliable worker with credit or the PUSH socket.
    bool dispatch(Waiting &task, qint64 now);
    bool sendPush(zmq::message_t &bytes);
    bool sendTo(Peer &peer, std::uint64_t id, zmq::message_t &bytes);
    void sendControl(Peer &peer, std::string_view frame);
    void sendWho(const zmq::message_t &identity);
    void hello(const zmq::message_t &identity, std::string_view frame, qint64 now);
    // One result ('r') or ack ('R', with or without a last result) of task id.
    void result(Peer &peer, char type, std::uint64_t id, std::string_view body,
                const std::function<void(zmq::message_t &&)> &onResult);
    // Takes back what the peer holds and puts it first in line.
    void giveUp(Peer &peer, const QString &why, bool gone);
    void flushPending(qint64 now);
    // Sends every peer's 'M' frame being built; one that finds no room waits for the next turn.
    void flushBatches();
    bool flushBatch(Peer &peer);
    void pruneGone();
    // What a peer sent wrong: counted; the first of each kind logged, then every 1000th.
    enum class Bad {
        FrameCount,
        EmptyFrame,
        NoHello,
        UnknownType,
        ShortHello,
        Truncated,
        UnknownId,
        Count
    };
    void badInput(Bad kind, const QString &what);
    static QString printable(char type);

    Logger &m_logger;
    ServerStats &m_stats;
    DeliverySettings m_settings;
    std::deque<Peer> m_peers; // a deque: Peer holds a deque, whose move may throw
    std::deque<Waiting> m_pending;
    std::vector<zmq::message_t> m_frames;
    std::uint64_t m_nextId = 1;
    qint64 m_turnUs = steadyUs();
    std::size_t m_next = 0; // round robin over m_peers
    std::array<quint64, std::size_t(Bad::Count)> m_bad{};
    bool m_pruneWanted = false; // a peer was given up on: prune departed ones at the next tick
};

} // namespace qpalm::server
