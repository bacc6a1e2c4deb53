// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "controlsecurity.h"
#include "logrecord.h"

#include <QByteArray>
#include <QSet>
#include <QString>

#include <atomic>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace qpalm::remote {

struct ControlSocketOptions
{
    QString address;                 // where the ROUTER binds
    std::optional<KeyPair> curveKey; // set: CURVE server with this key pair, ZAP checks clients
    QSet<QByteArray> authorized;     // Z85 public keys let in when curveKey is set
    int watcherQueue = 10000;        // events kept per watcher before they are dropped and counted
    int recentRecords = 1000;        // records kept for `logs` without --follow
};

// One event for the watchers, posted by the channel; numbered per watcher on the socket thread.
struct WatchEvent
{
    enum class Kind { Record, StateChanged, Stats };
    Kind kind = Kind::Record;
    LogRecord record;        // Kind::Record
    QString server;          // the server it is about
    std::string statusBytes; // other kinds: an encoded qpalm.control.ServerStatus
};

// The control channel's own thread: alone owns the ROUTER (commands, replies, event streams) and
// the ZAP handler, both in a private ZeroMQ context. Watchers get bounded queues; what does not
// fit is dropped, counted and reported as records_lost, so no poster ever waits.
class ControlSockets
{
public:
    // Socket thread: a request other than Watch, as the peer's routing id and its bytes.
    using RequestHandler = std::function<void(const QByteArray &peer, const QByteArray &request)>;
    // Socket thread: a peer was refused (once per address and key).
    using RefusalHandler = std::function<void(const QString &description)>;

    ControlSockets(RequestHandler onRequest, RefusalHandler onRefusal);
    ~ControlSockets();
    ControlSockets(const ControlSockets &) = delete;
    ControlSockets &operator=(const ControlSockets &) = delete;

    // Binds on the socket thread and waits for it; the bound address (wildcards resolved).
    bool start(const ControlSocketOptions &options, QString *boundAddress, QString *error);
    // Any thread, never blocks on the network.
    void post(WatchEvent &&event);
    void reply(const QByteArray &peer, std::string bytes);

private:
    struct Watcher;
    struct Shared;
    void run(const ControlSocketOptions &options, std::shared_ptr<std::promise<QString>> bound);

    RequestHandler m_onRequest;
    RefusalHandler m_onRefusal;
    std::shared_ptr<Shared> m_shared;
    std::thread m_thread;
};

} // namespace qpalm::remote
