// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerpool.h"

#include "logger.h"
#include "reliableprotocol.h"
#include "serverstats.h"

#include <QDateTime>

#include <algorithm>

namespace qpalm::server {

namespace r = reliable;

namespace {
constexpr std::size_t kKeptGone = 64;     // ledger entries of departed workers kept for the stats
constexpr quint64 kBadRecordEvery = 1000; // bad inputs of one kind: the first, then every 1000th
} // namespace

WorkerPool::WorkerPool(Logger &logger, ServerStats &stats) : m_logger(logger), m_stats(stats) {}

WorkerPool::Peer *WorkerPool::peerOf(std::string_view identity)
{
    for (Peer &peer : m_peers) {
        if (peer.identity == identity)
            return &peer;
    }
    return nullptr;
}

bool WorkerPool::hasCredit(const Peer &peer, qint64 now) const
{
    // Silent for two intervals: suspect (hung, stopped or cut off); no new work until it answers.
    // A worker that filled its window gets more once half of it came back: the master then
    // reads and sends in batches instead of waking up for every single result.
    return !peer.gone && !peer.full && !peer.refill &&
           qsizetype(peer.inFlight.size()) < peer.window &&
           now - peer.lastSeen <= 2 * qint64(m_settings.heartbeatMs);
}

void WorkerPool::send(zmq::message_t &&task)
{
    Waiting waiting{std::move(task)};
    if (m_pending.empty() && dispatch(waiting, m_turnUs / 1000))
        return;
    m_pending.push_back(std::move(waiting));
}

bool WorkerPool::dispatch(Waiting &task, qint64 now)
{
    // The PUSH socket (pylm workers, plain qpalm workers) takes its turn in the round robin as
    // one more worker, as in pylm's own master where every worker gets a share: a PUSH without
    // connected peers refuses at once, so a cluster of reliable workers alone loses nothing.
    const std::size_t n = m_peers.size();
    const std::size_t slots = n + (push ? 1 : 0);
    for (std::size_t k = 0; k < slots; ++k) {
        const std::size_t i = (m_next + k) % slots;
        if (i == n) {
            if (sendPush(task.bytes)) {
                m_next = i + 1;
                return true;
            }
            continue;
        }
        if (!hasCredit(m_peers[i], now))
            continue;
        // A new id for every attempt, so each worker's in-flight ids rise (searched by bisection).
        if (sendTo(m_peers[i], m_nextId++, task.bytes)) {
            m_next = i + 1;
            return true;
        }
    }
    return false;
}

bool WorkerPool::sendPush(zmq::message_t &bytes)
{
    try {
        return bool(push->send(bytes, zmq::send_flags::dontwait));
    } catch (const zmq::error_t &e) {
        m_logger.error(QStringLiteral("Sending to worker_push_address failed: %1")
                           .arg(QString::fromUtf8(e.what())));
    }
    return false;
}

bool WorkerPool::sendTo(Peer &peer, std::uint64_t id, zmq::message_t &bytes)
{
    if (peer.batchTasks && bytes.size() < r::kBatchBytes) {
        // Into its 'M' frame, sent at the end of this loop turn (or when full): one frame and
        // one wake-up of the worker for many tasks.
        r::appendEntry(peer.batch, r::kTasks, r::kTask, id, view(bytes));
        const qint64 sentUs = m_turnUs;
        peer.lastSent = sentUs / 1000;
        if (peer.inFlight.empty())
            peer.lastAck = peer.lastSent; // holding starts now
        peer.inFlight.push_back(InFlight{id, Task{std::move(bytes), {}, sentUs}});
        peer.refill = qsizetype(peer.inFlight.size()) >= peer.window;
        if (peer.batch.size() >= r::kBatchBytes || ++peer.batched >= r::kBatchEntries)
            flushBatch(peer);
        return true;
    }
    if (!peer.batch.empty() && !flushBatch(peer))
        return false; // a large task waits behind the batch
    try {
        if (!router->send(frameOf(peer.identity),
                          zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
            peer.full = true;
            return false;
        }
        // One frame: head and PalmMessage; bytes stay here for a requeue.
        router->send(r::messageFrame(r::kTask, id, view(bytes)), zmq::send_flags::none);
    } catch (const zmq::error_t &e) {
        if (e.num() == EHOSTUNREACH)
            giveUp(peer, QStringLiteral("is disconnected"), true);
        return false;
    }
    const qint64 sentUs = m_turnUs;
    peer.lastSent = sentUs / 1000;
    if (peer.inFlight.empty())
        peer.lastAck = peer.lastSent; // holding starts now
    peer.inFlight.push_back(InFlight{id, Task{std::move(bytes), {}, sentUs}});
    peer.refill = qsizetype(peer.inFlight.size()) >= peer.window;
    return true;
}

bool WorkerPool::flushBatch(Peer &peer)
{
    try {
        if (!router->send(frameOf(peer.identity),
                          zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
            peer.full = true; // no room: no new work; the batch goes at a later turn
            return false;
        }
        router->send(frameOf(peer.batch), zmq::send_flags::none);
    } catch (const zmq::error_t &e) {
        if (e.num() == EHOSTUNREACH)
            giveUp(peer, QStringLiteral("is disconnected"), true); // takes the batch's tasks back
        return false;
    }
    peer.batch.clear();
    peer.batched = 0;
    return true;
}

void WorkerPool::flushBatches()
{
    for (Peer &peer : m_peers)
        if (!peer.batch.empty() && !peer.gone)
            flushBatch(peer);
}

void WorkerPool::sendControl(Peer &peer, std::string_view frame)
{
    try {
        if (router->send(frameOf(peer.identity),
                         zmq::send_flags::sndmore | zmq::send_flags::dontwait))
            router->send(frameOf(frame), zmq::send_flags::none);
    } catch (const zmq::error_t &e) {
        if (e.num() == EHOSTUNREACH)
            giveUp(peer, QStringLiteral("is disconnected"), true);
        return;
    }
    peer.lastSent = steadyMs();
}

void WorkerPool::sendWho(const zmq::message_t &identity)
{
    try {
        zmq::message_t to(identity.data(), identity.size());
        if (router->send(to, zmq::send_flags::sndmore | zmq::send_flags::dontwait))
            router->send(zmq::message_t(&r::kWho, 1), zmq::send_flags::none);
    } catch (const zmq::error_t &) {
        // Gone already: nothing to tell.
    }
}

void WorkerPool::readRouter(const std::function<void(zmq::message_t &&)> &onResult, int burst)
{
    startTurn(); // after what this turn dispatched: acks read now have their own time
    const qint64 now = m_turnUs / 1000;
    for (int n = 0; n < burst; ++n) {
        if (!receiveFrames(*router, m_frames))
            break;
        if (m_frames.size() != 2 || m_frames[1].size() == 0) {
            badInput(
                m_frames.size() == 2 ? Bad::EmptyFrame : Bad::FrameCount,
                QStringLiteral("Malformed message on worker_reliable_address (%1 frames%2): "
                               "dropped")
                    .arg(m_frames.size())
                    .arg(m_frames.size() == 2 ? QStringLiteral(", the second empty") : QString()));
            continue;
        }
        const std::string_view head = view(m_frames[1]);
        if (head[0] == r::kHello) {
            hello(m_frames[0], head, now);
            continue;
        }
        Peer *peer = peerOf(view(m_frames[0]));
        if (!peer || peer->gone) {
            if (peer && (head[0] == r::kResult || head[0] == r::kDone))
                ++peer->duplicates; // late: what it held went to the others
            else if (peer && head[0] == r::kBatch)
                r::forEachEntry(head, [&](const r::BatchEntry &) { ++peer->duplicates; });
            if (!peer)
                badInput(Bad::NoHello,
                         QStringLiteral("A peer on worker_reliable_address sent a '%1' frame "
                                        "without a hello: told to say hello")
                             .arg(printable(head[0])));
            sendWho(m_frames[0]);
            continue;
        }
        peer->lastSeen = now;
        peer->full = false;
        switch (head[0]) {
        case r::kHeartbeat:
            break;
        case r::kResult:
        case r::kDone:
            if (const auto id = r::idOf(head)) {
                result(*peer, head[0], *id, head.substr(r::kHeadSize), onResult);
            } else {
                ++peer->duplicates;
                badInput(Bad::Truncated,
                         QStringLiteral("Worker '%1' sent a truncated '%2' frame (%3 bytes): "
                                        "dropped")
                             .arg(peer->name, printable(head[0]))
                             .arg(head.size()));
            }
            break;
        case r::kBatch:
            if (!r::forEachEntry(head, [&](const r::BatchEntry &entry) {
                    result(*peer, entry.type, entry.id, entry.body, onResult);
                })) {
                // Nothing of it was taken; what the worker holds goes to the others.
                ++m_stats.errors;
                ++m_stats.malformed;
                giveUp(*peer,
                       QStringLiteral("sent a malformed result batch (%1 bytes)").arg(head.size()),
                       true);
            }
            break;
        case r::kCanDo:
            peer->batchTasks = head.find(r::kFeatureTasks, 1) != std::string_view::npos;
            break;
        case r::kGoodbye:
            giveUp(*peer, QStringLiteral("left"), true);
            break;
        default:
            badInput(Bad::UnknownType,
                     QStringLiteral("Worker '%1' sent an unknown frame type '%2' (%3 bytes) on "
                                    "worker_reliable_address: dropped")
                         .arg(peer->name, printable(head[0]))
                         .arg(head.size()));
            break;
        }
    }
    m_frames.clear();
}

void WorkerPool::hello(const zmq::message_t &identity, std::string_view frame, qint64 now)
{
    if (frame.size() < 5) {
        badInput(Bad::ShortHello,
                 QStringLiteral("A hello of %1 bytes on worker_reliable_address (at least 5: "
                                "'H', credit, name): dropped")
                     .arg(frame.size()));
        return;
    }
    quint32 window = 0;
    for (int i = 0; i < 4; ++i)
        window |= quint32(static_cast<unsigned char>(frame[1 + i])) << (8 * i);
    const QString name = fromStd(frame.substr(5));
    const std::string_view id = view(identity);
    Peer *peer = peerOf(id);
    if (peer && !peer->gone) {
        giveUp(*peer, QStringLiteral("joined again"), false);
    } else {
        // A restarted worker under the same name replaces its silent predecessor at once.
        for (Peer &other : m_peers) {
            if (!other.gone && other.name == name && other.identity != id)
                giveUp(other, QStringLiteral("was replaced by a new connection"), true);
        }
    }
    if (!peer) {
        pruneGone();
        m_peers.emplace_back();
        peer = &m_peers.back();
        peer->identity = std::string(id);
    }
    peer->name = name;
    peer->batchTasks = false; // until its 'C' says so
    peer->window = int(std::clamp<quint32>(window, 1, 100000));
    if (quint32(peer->window) != window)
        m_logger.warning(QStringLiteral("Worker '%1' asked for a credit of %2; it gets %3 "
                                        "(1 to 100000)")
                             .arg(name)
                             .arg(window)
                             .arg(peer->window));
    peer->gone = false;
    peer->full = false;
    peer->lastSeen = now;
    m_logger.info(QStringLiteral("Worker '%1' joined on the reliable path (credit %2)")
                      .arg(name)
                      .arg(peer->window));
    // The answer lists what this master reads besides single results.
    static constexpr char kWelcome[] = {r::kHeartbeat, r::kFeatureBatch};
    sendControl(*peer, std::string_view(kWelcome, sizeof kWelcome));
}

void WorkerPool::result(Peer &peer, char type, std::uint64_t id, std::string_view body,
                        const std::function<void(zmq::message_t &&)> &onResult)
{
    auto it = peer.inFlight.begin();
    if (it != peer.inFlight.end() && it->id != id) { // out of order (rare) or unknown
        // Ids rise in dispatch order: a bisection, so a peer's stream of unknown ids stays cheap.
        it = std::lower_bound(
            peer.inFlight.begin(), peer.inFlight.end(), id,
            [](const InFlight &each, std::uint64_t wanted) { return each.id < wanted; });
        if (it != peer.inFlight.end() && it->id != id)
            it = peer.inFlight.end();
    }
    if (it == peer.inFlight.end()) {
        ++peer.duplicates;             // already answered, or taken back and sent again
        if (id == 0 || id >= m_nextId) // never given to anyone: a broken peer
            badInput(Bad::UnknownId,
                     QStringLiteral("Worker '%1' acknowledged id %2, which was never given "
                                    "out: dropped")
                         .arg(peer.name)
                         .arg(id));
        return;
    }
    if (type == r::kResult) {
        it->task.partial.emplace_back(body.data(), body.size());
        return;
    }
    Task task = std::move(it->task);
    if (it == peer.inFlight.begin())
        peer.inFlight.pop_front();
    else
        peer.inFlight.erase(it);
    if (qsizetype(peer.inFlight.size()) <= peer.window / 2)
        peer.refill = false;
    peer.lastAck = m_turnUs / 1000;
    const qint64 latency = std::clamp<qint64>(m_turnUs - task.sentUs, 0, UINT32_MAX);
    peer.latencyUs[peer.latencies++ % kLatencyWindow] = quint32(latency);
    ++peer.done;
    for (zmq::message_t &each : task.partial)
        onResult(std::move(each));
    if (!body.empty())
        onResult(zmq::message_t(body.data(), body.size()));
}

void WorkerPool::giveUp(Peer &peer, const QString &why, bool gone)
{
    // Back to the front of the line in their order, each to get a new id.
    const std::size_t held = peer.inFlight.size();
    for (auto it = peer.inFlight.rbegin(); it != peer.inFlight.rend(); ++it)
        m_pending.push_front(Waiting{std::move(it->task.bytes)});
    peer.inFlight.clear();
    peer.batch.clear(); // its tasks are among those taken back
    peer.batched = 0;
    peer.refill = false;
    peer.requeued += held;
    m_pruneWanted = m_pruneWanted || (gone && !peer.gone);
    peer.gone = peer.gone || gone;
    if (held > 0 || gone)
        m_logger.warning(QStringLiteral("Worker '%1' %2: %3 message(s) it held go to the others")
                             .arg(peer.name, why)
                             .arg(held));
}

void WorkerPool::tick(qint64 now)
{
    const qint64 timeout = qint64(m_settings.heartbeatMs) * m_settings.heartbeatMissed;
    for (Peer &peer : m_peers) {
        if (peer.gone)
            continue;
        if (now - peer.lastSeen > timeout)
            giveUp(peer,
                   QStringLiteral("missed %1 heartbeats (silent for %2 ms)")
                       .arg(m_settings.heartbeatMissed)
                       .arg(now - peer.lastSeen),
                   true);
        else if (!peer.inFlight.empty() && now - peer.lastAck > timeout)
            // A qpalm worker cannot heartbeat during a call: alive but acknowledging nothing
            // for that long is a broken or hostile peer that would hold its messages forever.
            giveUp(peer,
                   QStringLiteral("acknowledged none of its %1 message(s) for %2 ms while "
                                  "sending heartbeats")
                       .arg(peer.inFlight.size())
                       .arg(now - peer.lastAck),
                   true);
        else if (now - peer.lastSent >= m_settings.heartbeatMs)
            sendControl(peer, std::string_view(&r::kHeartbeat, 1));
    }
    if (m_pruneWanted) {
        m_pruneWanted = false;
        pruneGone();
    }
    flushPending(now);
    flushBatches();
}

void WorkerPool::flushPending(qint64 now)
{
    // Taken out first: a send that finds a worker gone puts what it held in front meanwhile.
    while (!m_pending.empty()) {
        Waiting task = std::move(m_pending.front());
        m_pending.pop_front();
        if (!dispatch(task, now)) {
            m_pending.push_front(std::move(task));
            break;
        }
    }
}

qint64 WorkerPool::nextDeadline(qint64 now, qint64 fallback) const
{
    qint64 next = fallback;
    const qint64 timeout = qint64(m_settings.heartbeatMs) * m_settings.heartbeatMissed;
    for (const Peer &peer : m_peers) {
        if (peer.gone)
            continue;
        if (!peer.batch.empty())
            next = std::min<qint64>(next, 1); // found no room: try again soon
        next = std::min(next, peer.lastSent + m_settings.heartbeatMs - now);
        next = std::min(next, peer.lastSeen + timeout + 1 - now);
        // A suspect worker becomes able to take work again as soon as it answers; a worker
        // coming back from silence is read as it arrives (the ROUTER is polled).
    }
    return std::max<qint64>(next, 0);
}

void WorkerPool::pruneGone()
{
    std::size_t gone =
        std::count_if(m_peers.cbegin(), m_peers.cend(), [](const Peer &peer) { return peer.gone; });
    while (gone >= kKeptGone) {
        auto oldest =
            std::min_element(m_peers.begin(), m_peers.end(), [](const Peer &a, const Peer &b) {
                return a.gone != b.gone ? a.gone : a.lastSeen < b.lastSeen;
            });
        m_peers.erase(oldest);
        --gone;
    }
    m_next = 0;
}

void WorkerPool::badInput(Bad kind, const QString &what)
{
    // A frame without a hello is also what a restarted master gets from its workers at first.
    const bool benign = kind == Bad::NoHello;
    if (!benign) {
        ++m_stats.errors;
        ++m_stats.malformed;
    }
    if (m_bad[std::size_t(kind)]++ % kBadRecordEvery != 0)
        return;
    if (benign)
        m_logger.warning(what);
    else
        m_logger.error(what);
}

QString WorkerPool::printable(char type)
{
    const auto byte = static_cast<unsigned char>(type);
    return byte >= 0x20 && byte < 0x7f ? QString(QChar(char16_t(byte)))
                                       : QStringLiteral("\\x%1").arg(byte, 2, 16, QChar(u'0'));
}

QList<WorkerLedger> WorkerPool::ledger(qint64 now) const
{
    QList<WorkerLedger> out;
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    for (const Peer &peer : m_peers) {
        WorkerLedger entry;
        entry.worker = peer.name;
        entry.inFlight = qint64(peer.inFlight.size());
        entry.done = peer.done;
        entry.requeued = peer.requeued;
        entry.duplicatesDropped = peer.duplicates;
        entry.credit = hasCredit(peer, now) ? peer.window - int(peer.inFlight.size()) : 0;
        entry.lastSeenMsecs = wall - (now - peer.lastSeen);
        entry.gone = peer.gone;
        if (const std::size_t n = std::min(peer.latencies, kLatencyWindow); n > 0) {
            std::array<quint32, kLatencyWindow> window = peer.latencyUs;
            auto at = [&](std::size_t rank) {
                std::nth_element(window.begin(), window.begin() + rank, window.begin() + n);
                return qint64(window[rank]);
            };
            entry.latencyP50Us = at(n / 2);
            entry.latencyP99Us = at(std::min(n - 1, n * 99 / 100));
        }
        out << entry;
    }
    return out;
}

void WorkerPool::close()
{
    router.reset();
    push.reset();
    m_peers.clear();
    m_pending.clear();
}

} // namespace qpalm::server
