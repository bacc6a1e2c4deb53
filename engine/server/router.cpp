// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "router.h"

#include "callwatch.h"
#include "dispatcher.h"
#include "logger.h"
#include "reliableprotocol.h"
#include "serverstats.h"
#include "socketplan.h"

#include <cstring>
#include <limits>

namespace qpalm::server {

namespace {
constexpr qint64 kRejectRecordMs = 1000; // rejected function names: one record per second at most

// The fields that route a message (all but the payload), for an error reply after user code
// consumed the message.
Message envelopeOf(const Message &message)
{
    Message envelope;
    envelope.pipeline = message.pipeline;
    envelope.client = message.client;
    envelope.stage = message.stage;
    envelope.function = message.function;
    envelope.cache = message.cache;
    return envelope;
}
} // namespace

Router::Router(std::string serverName, bool pipelinedOut, ServerSockets &sockets, Logger &logger,
               ServerStats &stats)
    : m_name(std::move(serverName)), m_pipelinedOut(pipelinedOut), m_sockets(sockets),
      m_logger(logger), m_stats(stats)
{
}

bool Router::decodeOrLog(std::string_view bytes, const char *socketName, Message &into)
{
    if (decodeMessage(bytes, into))
        return true;
    ++m_stats.errors;
    ++m_stats.malformed;
    m_logger.error(QStringLiteral("Message could not be decoded (%1 bytes on %2)")
                       .arg(bytes.size())
                       .arg(QString::fromLatin1(socketName)));
    return false;
}

bool Router::acceptFunction(const Message &message)
{
    if (functionWithinLimits(message.function))
        return true;
    ++m_stats.errors;
    ++m_rejectedNames;
    m_longestRejected = std::max(m_longestRejected, message.function.size());
    flushRecords(steadyMs());
    return false;
}

void Router::flushRecords(qint64 now)
{
    if (m_rejectedNames == 0 || now - m_lastRejectRecord < kRejectRecordMs)
        return;
    m_logger.error(QStringLiteral("Rejected %1 message(s) with a function field over the limit "
                                  "(%2 bytes per server.method, %3 bytes in all; longest %4 "
                                  "bytes): answered with payload 0")
                       .arg(m_rejectedNames)
                       .arg(kMaxFunctionEntryBytes)
                       .arg(kMaxFunctionFieldBytes)
                       .arg(m_longestRejected));
    m_lastRejectRecord = now;
    m_rejectedNames = 0;
    m_longestRejected = 0;
}

bool Router::resolveMethod(const Message &message, bool anyServer, std::string_view &method)
{
    if (message.function.empty()) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("Message has an empty function field"));
        return false;
    }
    const std::string_view entry = currentFunction(message);
    if (entry.empty()) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("No function at stage %1 of %2")
                           .arg(message.stage)
                           .arg(quote(message.function)));
        return false;
    }
    std::string_view server;
    if (!splitFunction(entry, server, method) || method.empty()) {
        ++m_stats.errors;
        m_logger.error(
            QStringLiteral("Function %1 is not of the form server.method").arg(quote(entry)));
        return false;
    }
    if (!anyServer && server != m_name) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("Function %1 is for server %2, not for '%3'")
                           .arg(quote(entry), quote(server), fromStd(m_name)));
        return false;
    }
    return true;
}

bool Router::callUser(const Message &message, bool anyServer, std::vector<std::string> &results)
{
    std::string_view method;
    if (!resolveMethod(message, anyServer, method))
        return false;
    UserError error;
    if (m_callWatch)
        m_callWatch->begin(method);
    const CallResult result = m_dispatcher->call(method, message.payload, results, error);
    if (m_callWatch)
        m_callWatch->end();
    if (result == CallResult::NotFound) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("Function %1 was not found").arg(quote(method)));
        return false;
    }
    if (result == CallResult::Failed) {
        attachFailedMessage(error, message, FailedCall::Handler);
        reportUserError(error);
        return false;
    }
    return true;
}

namespace {

// The frame with a fresh uuid appended as its cache field (field 5, length-delimited): a field
// later in the bytes is read as the field, so the rest is handed on untouched.
zmq::message_t withCacheId(const zmq::message_t &frame)
{
    const std::string id = newUuid();
    zmq::message_t out(frame.size() + 2 + id.size());
    auto *bytes = static_cast<char *>(out.data());
    std::memcpy(bytes, frame.data(), frame.size());
    bytes[frame.size()] = char((5 << 3) | 2);
    bytes[frame.size() + 1] = char(id.size());
    std::memcpy(bytes + frame.size() + 2, id.data(), id.size());
    return out;
}

} // namespace

void Router::onRequest(zmq::message_t &&frame, const char *socketName)
{
    const bool hasWorkers = m_sockets.plan.hasWorkers;
    if (hasWorkers && !m_dispatcher->hasScatter()) {
        // Nothing to scatter: validate in place and hand the very same frame to a worker.
        MessageView peek;
        if (peekMessage(view(frame), peek) && functionWithinLimits(peek.function)) {
            ++m_stats.toWorkers;
            m_sockets.workers.send(peek.cache.empty() ? withCacheId(frame) : std::move(frame));
            return;
        }
        // What the peek rejects, the decoder rejects too (one rule, tst_hostile_codec); a function
        // field over the limits is answered below.
    }
    Message message;
    if (!decodeOrLog(view(frame), socketName, message))
        return;
    if (!acceptFunction(message)) {
        message.payload = "0";
        route(std::move(message));
        return;
    }
    if (!hasWorkers) {
        callAndRoute(std::move(message));
        return;
    }
    // Master and hub: scatter towards the workers.
    std::vector<Message> &out = m_fanOutBuffer;
    out.clear();
    if (fanOut(FanOut::Scatter, std::move(message), out)) {
        // As pylm's master: what goes on without a cache field gets a fresh id there, one per
        // inbound message, so gather can tell which scattered parts belong together.
        std::string id;
        for (Message &each : out) {
            if (each.cache.empty()) {
                if (id.empty())
                    id = newUuid();
                each.cache = id;
            }
            sendToWorkers(each);
        }
    }
    out.clear();
}

bool Router::fanOut(FanOut which, Message &&message, std::vector<Message> &out)
{
    const bool user =
        which == FanOut::Scatter ? m_dispatcher->hasScatter() : m_dispatcher->hasGather();
    if (!user) {
        out.push_back(std::move(message));
        return true;
    }
    Message envelope = envelopeOf(message);
    UserError error;
    if (m_callWatch)
        m_callWatch->begin(which == FanOut::Scatter ? "scatter" : "gather");
    const CallResult result = which == FanOut::Scatter
                                  ? m_dispatcher->scatter(std::move(message), out, error)
                                  : m_dispatcher->gather(std::move(message), out, error);
    if (m_callWatch)
        m_callWatch->end();
    if (result == CallResult::Failed) {
        // What it yielded before the error is discarded; the client gets one payload 0, as
        // after a handler error.
        reportUserError(error);
        out.clear();
        envelope.payload = "0";
        route(std::move(envelope));
        return false;
    }
    return true;
}

void Router::callAndRoute(Message &&message)
{
    std::vector<std::string> &results = m_resultBuffer;
    results.clear();
    if (!callUser(message, false, results)) {
        message.payload = "0";
        route(std::move(message));
        return;
    }
    if (results.empty()) {
        m_logger.logLazy(LogLevel::Debug, [&] {
            return QStringLiteral("%1 returned nothing: message dropped")
                .arg(quote(currentFunction(message)));
        });
        return;
    }
    const std::size_t last = results.size() - 1;
    for (std::size_t i = 0; i < last; ++i) {
        Message copy = message;
        copy.payload = std::move(results[i]);
        route(std::move(copy));
    }
    message.payload = std::move(results[last]);
    results.clear();
    route(std::move(message));
}

void Router::onWorkerTask(std::string_view bytes)
{
    Message message;
    if (!decodeOrLog(bytes, "worker_push_address", message))
        return;
    std::vector<std::string> &results = m_resultBuffer;
    results.clear();
    if (!acceptFunction(message) || !callUser(message, true, results)) {
        message.payload = "0";
        sendToMaster(message);
        return;
    }
    for (std::string &payload : results) {
        message.payload = std::move(payload);
        sendToMaster(message);
    }
    results.clear();
}

void Router::onReliableTask(std::uint64_t id, std::string_view bytes)
{
    // Every task is acknowledged by a kDone frame, with or without a last result.
    Message message;
    std::vector<std::string> &results = m_resultBuffer;
    results.clear();
    if (decodeOrLog(bytes, reliable::kCacheKey, message) &&
        (!acceptFunction(message) || !callUser(message, true, results))) {
        results.clear();
        results.push_back("0");
    }
    // One frame per result (head and PalmMessage together), or several to an 'A' frame.
    const std::size_t n = results.size();
    for (std::size_t i = 0; i < n; ++i) {
        message.payload = std::move(results[i]);
        encodeMessage(message, m_encodeBuffer);
        ++m_stats.messagesOut;
        sendResult(i + 1 < n ? reliable::kResult : reliable::kDone, id, m_encodeBuffer);
    }
    if (n == 0)
        sendResult(reliable::kDone, id, {});
    results.clear();
}

void Router::sendResult(char type, std::uint64_t id, std::string_view body)
{
    // A batch goes out at kBatchEntries, kBatchBytes, kBatchMs after its first entry, or when
    // the worker has read every task that waited (flushResults): acks are never held idle.
    constexpr qint64 kBatchMs = 2;
    if (m_batchResults && body.size() < reliable::kBatchBytes) {
        if (m_resultBatch.empty())
            m_batchSinceMs = steadyMs();
        reliable::appendEntry(m_resultBatch, reliable::kBatch, type, id, body);
        if (++m_batched >= reliable::kBatchEntries ||
            m_resultBatch.size() >= reliable::kBatchBytes ||
            steadyMs() - m_batchSinceMs >= kBatchMs)
            flushResults();
        return;
    }
    flushResults(); // what was batched goes first
    Frames frames;
    frames.push_back(reliable::messageFrame(type, id, body));
    m_sockets.toMaster.send(std::move(frames));
}

void Router::flushResults()
{
    if (m_resultBatch.empty())
        return;
    Frames frames;
    frames.push_back(frameOf(m_resultBatch));
    m_sockets.toMaster.send(std::move(frames));
    m_resultBatch.clear();
    m_batched = 0;
}

void Router::onWorkerResult(zmq::message_t &&frame)
{
    ++m_stats.fromWorkers;
    if (!m_pipelinedOut && !m_dispatcher->hasGather() && !m_dispatcher->hasHandleStream()) {
        // Plain reply to a client: route by the client field without decoding the rest.
        MessageView peek;
        if (peekMessage(view(frame), peek)) {
            ++m_stats.messagesOut;
            Frames frames;
            frames.push_back(frameOf(peek.client));
            frames.push_back(std::move(frame));
            const std::string_view topic = view(frames.front());
            m_sockets.publisher.publish(topic, std::move(frames));
            return;
        }
    }
    Message message;
    if (!decodeOrLog(view(frame), "worker_pull_address", message))
        return;
    std::vector<Message> &out = m_fanOutBuffer;
    out.clear();
    if (fanOut(FanOut::Gather, std::move(message), out)) {
        for (Message &each : out)
            route(std::move(each));
    }
    out.clear();
}

void Router::route(Message &&message)
{
    std::string topic;
    if (m_dispatcher->hasHandleStream()) {
        std::string client = message.client;
        UserError error;
        if (m_callWatch)
            m_callWatch->begin("handle_stream");
        const CallResult result = m_dispatcher->handleStream(message, topic, error);
        if (m_callWatch)
            m_callWatch->end();
        if (result == CallResult::Failed) {
            // As after a handler error: payload 0, published to the client's topic.
            reportUserError(error);
            message.client = client;
            message.payload = "0";
            publish(client, message);
            return;
        }
    } else if (m_pipelinedOut) {
        if (message.stage == std::numeric_limits<std::int64_t>::max()) {
            // Not forwarded with a wrapped stage: answered with payload 0 on the client's topic.
            ++m_stats.errors;
            m_logger.error(QStringLiteral("Stage %1 cannot be advanced: message from client %2 "
                                          "answered with payload 0")
                               .arg(message.stage)
                               .arg(quote(message.client)));
            message.payload = "0";
            const std::string client = message.client;
            publish(client, message);
            return;
        }
        topic = m_name;
        ++message.stage;
    } else {
        topic = message.client;
    }
    publish(topic, message);
}

void Router::publish(std::string_view topic, const Message &message)
{
    encodeMessage(message, m_encodeBuffer);
    Frames frames;
    frames.push_back(frameOf(topic));
    frames.push_back(frameOf(m_encodeBuffer));
    ++m_stats.messagesOut;
    m_sockets.publisher.publish(topic, std::move(frames));
}

void Router::sendToWorkers(const Message &message)
{
    encodeMessage(message, m_encodeBuffer);
    ++m_stats.toWorkers;
    m_sockets.workers.send(frameOf(m_encodeBuffer));
}

void Router::sendToMaster(const Message &message)
{
    encodeMessage(message, m_encodeBuffer);
    ++m_stats.messagesOut;
    Frames frames;
    frames.push_back(frameOf(m_encodeBuffer));
    m_sockets.toMaster.send(std::move(frames));
}

void Router::reportUserError(const UserError &error)
{
    ++m_stats.errors;
    const QString &traceback = error.traceback.isEmpty() ? error.text : error.traceback;
    m_logger.log(LogLevel::Error, QStringLiteral("User function gave an error"), traceback,
                 error.message, error.payloadBytes, error.call);
}

} // namespace qpalm::server
