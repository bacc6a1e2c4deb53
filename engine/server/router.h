// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "frames.h"
#include "message.h"

#include <limits>
#include <string>
#include <vector>

namespace qpalm {
class Dispatcher;
class Logger;
struct ServerStats;
struct UserError;
} // namespace qpalm

namespace qpalm::server {

class CallWatch;
class ServerSockets;

// The message paths of every kind: decode, call user code, fan out, pick a topic, send.
// Lives on the server thread; data moves through parameters (buffers are reused for capacity
// only and hold nothing between messages).
class Router
{
public:
    Router(std::string serverName, bool pipelinedOut, ServerSockets &sockets, Logger &logger,
           ServerStats &stats);

    void setDispatcher(Dispatcher *dispatcher) { m_dispatcher = dispatcher; }
    void setCallWatch(CallWatch *watch) { m_callWatch = watch; }

    // A message from a client or the previous stage (server, master, hub, pipeline, sink).
    void onRequest(zmq::message_t &&frame, const char *socketName);
    // Master and hub: a message back from a worker.
    void onWorkerResult(zmq::message_t &&frame);
    // Worker: a task from the master.
    void onWorkerTask(std::string_view bytes);
    // Worker on the reliable path: a task with its id; the results end with the ack.
    void onReliableTask(std::uint64_t id, std::string_view bytes);
    // Worker on the reliable path: results go out several to an 'A' frame (the master said it
    // reads them); flushResults sends what is batched (call it when no task waits any more).
    void setBatchResults(bool on) { m_batchResults = on; }
    void flushResults();
    // Writes the records aggregated since the last one when due (call it every few 100 ms).
    void flushRecords(qint64 now);

private:
    enum class FanOut { Scatter, Gather };
    // False (counted; one aggregated record per second) for a function field over the limits.
    bool acceptFunction(const Message &message);
    bool decodeOrLog(std::string_view bytes, const char *socketName, Message &into);
    // Resolves the method of the message's current function entry; logs when it is not ours.
    bool resolveMethod(const Message &message, bool anyServer, std::string_view &method);
    // The one call / not-found / error block: calls the method, appending to results; false
    // (logged, counted) when the message's payload must become b'0'.
    bool callUser(const Message &message, bool anyServer, std::vector<std::string> &results);
    // Runs scatter or gather (or passes the message through) into out; false after a user error,
    // which it answers (payload 0, routed as a handler error's reply).
    bool fanOut(FanOut which, Message &&message, std::vector<Message> &out);
    void callAndRoute(Message &&message);
    // Picks the topic (handle_stream, pipelined or client) and publishes.
    void route(Message &&message);
    void publish(std::string_view topic, const Message &message);
    void sendToWorkers(const Message &message);
    void sendToMaster(const Message &message);
    void sendResult(char type, std::uint64_t id, std::string_view body);
    void reportUserError(const UserError &error);

    const std::string m_name;
    const bool m_pipelinedOut;
    ServerSockets &m_sockets;
    Logger &m_logger;
    ServerStats &m_stats;
    Dispatcher *m_dispatcher = nullptr;
    CallWatch *m_callWatch = nullptr;
    std::string m_encodeBuffer;
    std::vector<std::string> m_resultBuffer;
    std::vector<Message> m_fanOutBuffer;
    bool m_batchResults = false;
    std::string m_resultBatch; // an 'A' frame being built
    int m_batched = 0;
    qint64 m_batchSinceMs = 0;
    quint64 m_rejectedNames = 0; // since the last record
    std::size_t m_longestRejected = 0;
    qint64 m_lastRejectRecord = std::numeric_limits<qint64>::min() / 2;
};

} // namespace qpalm::server
