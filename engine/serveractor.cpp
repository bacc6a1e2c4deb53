#include "serveractor.h"

#include "localendpoints.h"
#include "localserver.h"
#include "script/luadispatcher.h"
#include "zmqsupport.h"

#include <QDateTime>
#include <QThread>

#include <chrono>
#include <map>

namespace qpalm {

namespace {

constexpr int kBurst = 256;         // messages read from one socket per loop turn
constexpr qint64 kLogFlushMs = 100; // batching of log records towards the handle
constexpr qint64 kStatsMs = 500;
constexpr int kMaxBatch = 20000; // records kept between two flushes
constexpr std::size_t kStackSize = 8u * 1024 * 1024;

qint64 steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string_view view(const zmq::message_t &frame)
{
    return {static_cast<const char *>(frame.data()), frame.size()};
}

zmq::message_t frameOf(std::string_view bytes)
{
    return zmq::message_t(bytes.data(), bytes.size());
}

QString quote(std::string_view text)
{
    QString out = fromStd(text.substr(0, 200));
    if (text.size() > 200)
        out += QStringLiteral("...");
    return u'\'' + out + u'\'';
}

bool bindsClientPull(ServerKind kind)
{
    return kind == ServerKind::Server || kind == ServerKind::Master;
}

bool hasWorkers(ServerKind kind)
{
    return kind == ServerKind::Master || kind == ServerKind::Hub;
}

} // namespace

ServerActor::ServerActor(LocalServer *handle, ServerConfig config, QMap<QString, QString> preferred)
    : m_handle(handle), m_config(std::move(config)), m_name(m_config.name.toStdString()),
      m_logger(m_config.name, m_config.logLevel), m_preferred(std::move(preferred))
{
    const bool toClientOff =
        (m_config.kind == ServerKind::Pipeline || m_config.kind == ServerKind::Sink) &&
        !m_config.toClient;
    m_pipelinedOut = m_config.pipelined || toClientOff;
}

ServerActor::~ServerActor()
{
    stop();
}

bool ServerActor::start(int timeoutMs, QString *error, QMap<QString, QString> *addresses)
{
    m_stopRequested = false;
    m_pipeEndpoint = "inproc://qpalm-pipe-" + newUuid();
    m_callerPipe.emplace(makeSocket(zmq::socket_type::pair));
    m_callerPipe->bind(m_pipeEndpoint);

    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(m_config.name);
    m_thread->setStackSize(kStackSize);
    m_thread->start();

    zmq::pollitem_t item{m_callerPipe->handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs));
    std::vector<zmq::message_t> frames;
    if (!(item.revents & ZMQ_POLLIN) || !receiveFrames(*m_callerPipe, frames)) {
        if (error)
            *error = QStringLiteral("server '%1' did not become ready within %2 ms")
                         .arg(m_config.name)
                         .arg(timeoutMs);
        stop();
        return false;
    }
    if (view(frames.front()) != "READY") {
        if (error)
            *error =
                frames.size() > 1 ? fromStd(view(frames[1])) : QStringLiteral("unknown failure");
        stop(); // the thread is already on its way out
        return false;
    }
    if (addresses) {
        addresses->clear();
        for (std::size_t i = 1; i + 1 < frames.size(); i += 2)
            addresses->insert(fromStd(view(frames[i])), fromStd(view(frames[i + 1])));
    }
    return true;
}

void ServerActor::stop()
{
    if (!m_thread)
        return;
    m_stopRequested = true;
    if (Dispatcher *running = m_running.load())
        running->interrupt();
    if (m_callerPipe) {
        try {
            (void)m_callerPipe->send(zmq::str_buffer("$TERM"), zmq::send_flags::dontwait);
        } catch (const zmq::error_t &) {
        }
    }
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_callerPipe.reset();
}

std::optional<std::vector<std::string>> ServerActor::command(const std::vector<std::string> &frames,
                                                             int timeoutMs)
{
    if (!m_thread || !m_callerPipe)
        return std::nullopt;
    // A reply that came after its caller gave up must not pass for this command's.
    std::vector<zmq::message_t> stale;
    while (receiveFrames(*m_callerPipe, stale)) {
    }
    post(frames);
    zmq::pollitem_t item{m_callerPipe->handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs));
    std::vector<zmq::message_t> reply;
    if (!(item.revents & ZMQ_POLLIN) || !receiveFrames(*m_callerPipe, reply))
        return std::nullopt;
    std::vector<std::string> out;
    for (const auto &frame : reply)
        out.emplace_back(view(frame));
    return out;
}

void ServerActor::post(const std::vector<std::string> &frames)
{
    if (m_callerPipe)
        sendFrames(*m_callerPipe, frames);
}

void ServerActor::setLogLevelNow(LogLevel level)
{
    m_logger.setLevel(level);
    post({"LEVEL", std::to_string(static_cast<int>(level))});
}

// ---------------------------------------------------------------- actor thread

void ServerActor::run()
{
    m_logger.setSink([this](LogRecord &&record) {
        if (m_config.printLog)
            printPylmLine(record);
        if (m_batch.size() >= kMaxBatch)
            m_batch.removeFirst();
        m_batch.append(std::move(record));
    });
    m_pipe.emplace(makeSocket(zmq::socket_type::pair));
    m_pipe->connect(m_pipeEndpoint);

    QString error;
    bool ready = false;
    try {
        ready = setUp(&error);
    } catch (const std::exception &e) {
        error = QStringLiteral("server '%1' could not start: %2")
                    .arg(m_config.name, QString::fromUtf8(e.what()));
    }
    if (!ready) {
        m_logger.error(error);
        flushLogs(true);
        sendFrames(*m_pipe, {"FAILED", error.toStdString()});
        tearDown();
        return;
    }

    std::vector<std::string> handshake{"READY"};
    for (auto it = m_addresses.cbegin(); it != m_addresses.cend(); ++it) {
        handshake.push_back(it.key().toStdString());
        handshake.push_back(it.value().toStdString());
    }
    sendFrames(*m_pipe, handshake);

    m_logger.info(QStringLiteral("%1 '%2' started").arg(kindName(m_config.kind), m_config.name));
    try {
        loop();
    } catch (const std::exception &e) {
        m_logger.critical(QStringLiteral("Server loop ended by an internal error: %1")
                              .arg(QString::fromUtf8(e.what())));
    }
    const std::size_t unsent =
        m_heldCount + m_pub.pending.size() + m_toWorkers.pending.size() + m_toMaster.pending.size();
    if (unsent > 0) {
        m_stats.dropped += unsent;
        m_logger.warning(
            QStringLiteral("Stopping with %1 message(s) not yet sent: dropped").arg(unsent));
    }
    m_logger.info(QStringLiteral("%1 '%2' stopped").arg(kindName(m_config.kind), m_config.name));
    flushLogs(true);
    postStats();
    tearDown();
}

bool ServerActor::setUp(QString *error)
{
    const ServerKind kind = m_config.kind;
    auto bindSocket = [&](zmq::socket_t &socket, const char *parameter, const QString &address) {
        // A restart keeps the ports a wildcard got last time, so workers and clients find it again.
        const QString earlier = m_preferred.value(QString::fromLatin1(parameter));
        bool bound = false;
        if (address.endsWith(QStringLiteral(":*")) && !earlier.isEmpty()) {
            try {
                socket.bind(earlier.toStdString());
                bound = true;
            } catch (const zmq::error_t &e) {
                m_logger.warning(
                    QStringLiteral("%1 %2 of the last run is not free (%3); taking a new port")
                        .arg(QString::fromLatin1(parameter), earlier, QString::fromUtf8(e.what())));
            }
        }
        try {
            if (!bound)
                socket.bind(address.toStdString());
        } catch (const zmq::error_t &e) {
            *error = QStringLiteral("server '%1' cannot bind %2 %3: %4")
                         .arg(m_config.name, QString::fromLatin1(parameter), address,
                              QString::fromUtf8(e.what()));
            return false;
        }
        const std::string endpoint = lastEndpoint(socket);
        m_bindings.emplace_back(socket.handle(), endpoint);
        try {
            bindLocalTwin(socket, endpoint);
            m_bindings.emplace_back(socket.handle(), lastEndpoint(socket));
        } catch (const zmq::error_t &) {
            // No shortcut for this endpoint; peers use tcp.
        }
        m_boundEndpoints.push_back(endpoint);
        const QString resolved = fromStd(endpoint);
        m_addresses.insert(QString::fromLatin1(parameter), resolved);
        m_cache.set(parameter, resolved.toStdString());
        return true;
    };
    auto connectSocket = [&](zmq::socket_t &socket, const char *parameter, const QString &address) {
        try {
            m_inputLinks.resize(m_inputs.size());
            connectPreferLocal(socket, address.toStdString(), &m_inputLinks.back());
        } catch (const zmq::error_t &e) {
            *error = QStringLiteral("server '%1' cannot connect %2 %3: %4")
                         .arg(m_config.name, QString::fromLatin1(parameter), address,
                              QString::fromUtf8(e.what()));
            return false;
        }
        m_addresses.insert(QString::fromLatin1(parameter), address);
        return true;
    };

    m_cache.set("name", m_name);

    if (kind == ServerKind::Worker) {
        if (!configureWorker(error))
            return false;
    } else {
        m_rep.emplace(makeSocket(zmq::socket_type::rep));
        if (!bindSocket(*m_rep, "db_address", m_config.dbAddress))
            return false;

        if (bindsClientPull(kind)) {
            m_inputs.push_back(makeSocket(zmq::socket_type::pull));
            m_inputNames.emplace_back("pull_address");
            if (!bindSocket(m_inputs.back(), "pull_address", m_config.pullAddress))
                return false;
        } else if (kind == ServerKind::Pipeline || kind == ServerKind::Hub) {
            m_inputs.push_back(makeSocket(zmq::socket_type::sub));
            m_inputNames.emplace_back("sub_address");
            const std::string topic = m_config.previous.value(0).toStdString();
            m_inputs.back().set(zmq::sockopt::subscribe, topic);
            if (!connectSocket(m_inputs.back(), "sub_address", m_config.subAddress))
                return false;
        } else if (kind == ServerKind::Sink) {
            for (int i = 0; i < m_config.subAddresses.size(); ++i) {
                m_inputs.push_back(makeSocket(zmq::socket_type::sub));
                m_inputNames.push_back("sub_addresses[" + std::to_string(i) + "]");
                m_inputs.back().set(zmq::sockopt::subscribe,
                                    m_config.previous.value(i).toStdString());
                const QString name = QStringLiteral("sub_addresses[%1]").arg(i);
                try {
                    m_inputLinks.resize(m_inputs.size());
                    connectPreferLocal(m_inputs.back(), m_config.subAddresses.at(i).toStdString(),
                                       &m_inputLinks.back());
                } catch (const zmq::error_t &e) {
                    *error = QStringLiteral("server '%1' cannot connect %2 %3: %4")
                                 .arg(m_config.name, name, m_config.subAddresses.at(i),
                                      QString::fromUtf8(e.what()));
                    return false;
                }
                m_addresses.insert(name, m_config.subAddresses.at(i));
            }
        }

        m_pub.socket.emplace(makeSocket(zmq::socket_type::xpub));
        m_pub.socket->set(zmq::sockopt::xpub_nodrop, 1);
        m_pub.socket->set(zmq::sockopt::xpub_verboser, 1);
        if (!bindSocket(*m_pub.socket, "pub_address", m_config.pubAddress))
            return false;

        if (hasWorkers(kind)) {
            m_toWorkers.socket.emplace(makeSocket(zmq::socket_type::push));
            if (!bindSocket(*m_toWorkers.socket, "worker_push_address", m_config.workerPushAddress))
                return false;
            m_workerResults.emplace(makeSocket(zmq::socket_type::pull));
            if (!bindSocket(*m_workerResults, "worker_pull_address", m_config.workerPullAddress))
                return false;
        }
    }

    m_dispatcher = std::make_unique<CompositeDispatcher>();
    if (!m_config.scriptPath.isEmpty()) {
        QString scriptError;
        auto script = createLuaDispatcher(*this, m_config, &scriptError);
        if (!script) {
            *error = QStringLiteral("server '%1' cannot load its script: %2")
                         .arg(m_config.name, scriptError);
            return false;
        }
        m_dispatcher->append(std::move(script));
    }
    if (m_config.handlers)
        m_dispatcher->append(std::make_unique<NativeDispatcher>(*this, m_config.handlers));
    return true;
}

bool ServerActor::configureWorker(QString *error)
{
    m_req.emplace(makeSocket(zmq::socket_type::req));
    connectPreferLocal(*m_req, m_config.dbAddress.toStdString(), &m_reqLink);
    m_addresses.insert(QStringLiteral("db_address"), m_config.dbAddress);

    m_workerPushAddress = m_config.workerPushAddress.toStdString();
    m_workerPullAddress = m_config.workerPullAddress.toStdString();
    auto fetch = [&](const char *key, std::string &into) {
        if (!into.empty())
            return true;
        auto value = workerCacheRequest("get", key, {});
        if (!value || value->empty()) {
            *error =
                QStringLiteral(
                    "worker '%1' could not read '%2' from the master's cache at %3 within %4 ms")
                    .arg(m_config.name, QString::fromLatin1(key), m_config.dbAddress)
                    .arg(m_config.configTimeoutMs);
            return false;
        }
        into = reachableFrom(*value, m_config.dbAddress.toStdString());
        m_logger.info(QStringLiteral("Got %1: %2").arg(QString::fromLatin1(key), fromStd(into)));
        return true;
    };
    if (!fetch("worker_push_address", m_workerPushAddress) ||
        !fetch("worker_pull_address", m_workerPullAddress))
        return false;

    try {
        m_inputs.push_back(makeSocket(zmq::socket_type::pull));
        m_inputNames.emplace_back("worker_push_address");
        m_inputLinks.resize(m_inputs.size());
        connectPreferLocal(m_inputs.back(), m_workerPushAddress, &m_inputLinks.back());
        m_toMaster.socket.emplace(makeSocket(zmq::socket_type::push));
        connectPreferLocal(*m_toMaster.socket, m_workerPullAddress, &m_toMasterLink);
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("worker '%1' cannot connect to its master: %2")
                     .arg(m_config.name, QString::fromUtf8(e.what()));
        return false;
    }
    m_addresses.insert(QStringLiteral("worker_push_address"), fromStd(m_workerPushAddress));
    m_addresses.insert(QStringLiteral("worker_pull_address"), fromStd(m_workerPullAddress));
    return true;
}

std::optional<std::string> ServerActor::workerCacheRequest(const std::string &verb,
                                                           const std::string &payload,
                                                           const std::string &key)
{
    Message request;
    request.pipeline = newUuid();
    request.client = m_name;
    request.function = "_." + verb;
    request.payload = payload;
    request.cache = key;
    const std::string bytes = encodeMessage(request);

    const qint64 deadline = steadyMs() + m_config.configTimeoutMs;
    (void)m_req->send(zmq::buffer(bytes), zmq::send_flags::none);
    while (!m_stopRequested) {
        const qint64 left = deadline - steadyMs();
        if (left <= 0)
            break;
        zmq::pollitem_t item{m_req->handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, std::chrono::milliseconds(std::min<qint64>(left, 50)));
        if (item.revents & ZMQ_POLLIN) {
            zmq::message_t reply;
            (void)m_req->recv(reply, zmq::recv_flags::none);
            return std::string(view(reply));
        }
    }
    // Lazy pirate: a REQ that lost its reply is unusable, so start over with a fresh one.
    m_req.emplace(makeSocket(zmq::socket_type::req));
    connectPreferLocal(*m_req, m_config.dbAddress.toStdString(), &m_reqLink);
    return std::nullopt;
}

std::optional<std::string> ServerActor::cacheGet(const std::string &key)
{
    if (m_config.kind == ServerKind::Worker) {
        auto value = workerCacheRequest("get", key, {});
        if (!value || value->empty())
            return std::nullopt;
        return value;
    }
    return m_cache.get(key);
}

std::string ServerActor::cacheSet(const std::string &value, const std::string &key)
{
    if (m_config.kind == ServerKind::Worker)
        return workerCacheRequest("set", value, key).value_or(std::string());
    return m_cache.store(value, key);
}

void ServerActor::cacheDelete(const std::string &key)
{
    if (m_config.kind == ServerKind::Worker) {
        (void)workerCacheRequest("delete", key, {});
        return;
    }
    m_cache.remove(key);
}

void ServerActor::loop()
{
    std::vector<zmq::pollitem_t> items;
    enum Role { Pipe, Input, Results, Workers, Publisher, Rep };
    std::vector<std::pair<Role, int>> roles;

    while (!m_stopRequested) {
        items.clear();
        roles.clear();
        items.push_back({m_pipe->handle(), 0, ZMQ_POLLIN, 0});
        roles.emplace_back(Pipe, 0);

        if (!inputsBlocked()) {
            for (std::size_t i = 0; i < m_inputs.size(); ++i) {
                items.push_back({m_inputs[i].handle(), 0, ZMQ_POLLIN, 0});
                roles.emplace_back(Input, int(i));
            }
        }
        if (m_workerResults && !m_pub.blocked()) {
            items.push_back({m_workerResults->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Results, 0);
        }
        if (m_toWorkers.socket) {
            // Polled for nothing but its commands: a worker that left is dropped from the
            // rotation as soon as it says so, not at the next send.
            items.push_back({m_toWorkers.socket->handle(), 0, 0, 0});
            roles.emplace_back(Workers, 0);
        }
        if (m_pub.socket) {
            items.push_back({m_pub.socket->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Publisher, 0);
        }
        if (m_rep) {
            items.push_back({m_rep->handle(), 0, ZMQ_POLLIN, 0});
            roles.emplace_back(Rep, 0);
        }

        const qint64 now = steadyMs();
        qint64 timeout = kStatsMs - (now - m_lastStats);
        if (!m_batch.isEmpty())
            timeout = std::min(timeout, kLogFlushMs - (now - m_lastLogFlush));
        if (m_pub.blocked() || m_toWorkers.blocked() || m_toMaster.blocked())
            timeout = std::min<qint64>(timeout, 1);
        for (const auto &[topic, held] : m_held)
            timeout = std::min(timeout, held.deadline - now);
        timeout = std::max<qint64>(timeout, 0);

        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout));

        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            switch (roles[i].first) {
            case Pipe:
                if (!handleCommand())
                    return;
                break;
            case Input:
                readInput(roles[i].second);
                break;
            case Results:
                for (int n = 0; n < kBurst && !m_pub.blocked(); ++n) {
                    zmq::message_t frame;
                    if (!m_workerResults->recv(frame, zmq::recv_flags::dontwait))
                        break;
                    if (frame.more()) {
                        std::vector<zmq::message_t> rest;
                        receiveFrames(*m_workerResults, rest, true);
                        ++m_stats.errors;
                        ++m_stats.malformed;
                        m_logger.error(
                            QStringLiteral("Expected 1 frame on worker_pull_address, got %1")
                                .arg(rest.size() + 1));
                        continue;
                    }
                    onWorkerResult(std::move(frame));
                }
                break;
            case Publisher:
                readPublisher();
                break;
            case Rep:
                serveCache();
                break;
            case Workers:
                break;
            }
        }

        flushPending(m_pub);
        flushPending(m_toWorkers);
        flushPending(m_toMaster);
        const qint64 after = steadyMs();
        if (!m_held.empty())
            flushHeld(after, false);
        if (after - m_lastLogFlush >= kLogFlushMs)
            flushLogs(false);
        if (after - m_lastStats >= kStatsMs) {
            refreshLinks();
            postStats();
        }
    }
}

bool ServerActor::handleCommand()
{
    std::vector<zmq::message_t> frames;
    if (!receiveFrames(*m_pipe, frames) || frames.empty())
        return true;
    const std::string_view verb = view(frames.front());
    auto reply = [this](const std::vector<std::string> &parts) { sendFrames(*m_pipe, parts); };
    if (verb == "$TERM")
        return false;
    if (verb == "LEVEL" && frames.size() == 2) {
        const int level = std::stoi(std::string(view(frames[1])));
        m_logger.setLevel(static_cast<LogLevel>(level));
        m_logger.info(
            QStringLiteral("Log level set to %1").arg(levelName(static_cast<LogLevel>(level))));
        return true; // posted, not awaited: no reply
    }
    if (verb == "RELOAD" && (frames.size() == 2 || frames.size() == 3)) {
        // With a third frame the caller did not wait: the outcome goes back as a queued call.
        const bool queued = frames.size() == 3;
        const QString path = fromStd(view(frames[1]));
        QString error;
        bool ok = false;
        if (m_dispatcher && !m_config.scriptPath.isEmpty()) {
            ok = m_dispatcher->reload(path, &error);
        } else {
            ServerConfig config = m_config;
            config.scriptPath = path;
            auto script = createLuaDispatcher(*this, config, &error);
            if (script) {
                auto composite = std::make_unique<CompositeDispatcher>();
                composite->append(std::move(script));
                if (m_config.handlers)
                    composite->append(std::make_unique<NativeDispatcher>(*this, m_config.handlers));
                m_dispatcher = std::move(composite);
                ok = true;
            }
        }
        if (ok) {
            m_config.scriptPath = path;
            m_logger.info(QStringLiteral("Script reloaded from %1").arg(path));
        } else {
            m_logger.error(QStringLiteral("Script reload failed, the old script keeps running: %1")
                               .arg(error));
        }
        if (queued) {
            LocalServer *handle = m_handle;
            QMetaObject::invokeMethod(
                handle, [handle, ok, path, error] { handle->deliverReload(ok, path, error); },
                Qt::QueuedConnection);
        } else if (ok) {
            reply({"OK"});
        } else {
            reply({"ERR", error.toStdString()});
        }
        return true;
    }
    reply({"ERR", "unknown command"});
    return true;
}

bool ServerActor::inputsBlocked() const
{
    // Backpressure: an input is read only while the output it feeds has room.
    if (hasWorkers(m_config.kind))
        return m_toWorkers.blocked();
    return m_config.kind == ServerKind::Worker ? m_toMaster.blocked() : m_pub.blocked();
}

void ServerActor::readInput(int index)
{
    zmq::socket_t &socket = m_inputs[std::size_t(index)];
    const char *name = m_inputNames[std::size_t(index)].c_str();
    const bool isSub = m_config.kind == ServerKind::Pipeline || m_config.kind == ServerKind::Sink ||
                       m_config.kind == ServerKind::Hub;
    std::vector<zmq::message_t> frames;
    for (int n = 0; n < kBurst; ++n) {
        if (inputsBlocked() || m_stopRequested)
            break;
        if (!receiveFrames(socket, frames))
            break;
        ++m_stats.messagesIn;
        const std::size_t expected = isSub ? 2 : 1;
        if (frames.size() != expected) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(QStringLiteral("Expected %1 frame(s) on %2, got %3")
                               .arg(expected)
                               .arg(QString::fromLatin1(name))
                               .arg(frames.size()));
            continue;
        }
        if (m_config.kind == ServerKind::Worker)
            onWorkerTask(view(frames.back()));
        else
            onRequest(std::move(frames.back()), name);
    }
}

void ServerActor::readPublisher()
{
    // Subscriptions seen by our XPUB: 1 = subscribe, 0 = unsubscribe, then the topic.
    for (int n = 0; n < kBurst; ++n) {
        zmq::message_t frame;
        if (!m_pub.socket->recv(frame, zmq::recv_flags::dontwait))
            break;
        const std::string_view data = view(frame);
        if (data.empty())
            continue;
        std::string topic(data.substr(1));
        if (data[0] == 1) {
            ++m_subscriptions[topic];
            m_logger.logLazy(LogLevel::Debug, [&] {
                return QStringLiteral("Subscriber joined topic %1").arg(quote(topic));
            });
        } else if (data[0] == 0) {
            auto it = m_subscriptions.find(topic);
            if (it != m_subscriptions.end() && --it->second <= 0)
                m_subscriptions.erase(it);
        }
    }
    if (!m_held.empty())
        flushHeld(steadyMs(), true);
}

void ServerActor::serveCache()
{
    for (int n = 0; n < kBurst; ++n) {
        std::vector<zmq::message_t> frames;
        if (!receiveFrames(*m_rep, frames))
            break;
        ++m_stats.cacheRequests;
        std::string reply;
        Message request;
        if (frames.size() != 1) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(
                QStringLiteral("Expected 1 frame on db_address, got %1").arg(frames.size()));
        } else if (!decodeMessage(view(frames.front()), request)) {
            ++m_stats.errors;
            ++m_stats.malformed;
            m_logger.error(
                QStringLiteral("Cache request could not be decoded (%1 bytes on db_address)")
                    .arg(frames.front().size()));
        } else {
            std::string verb;
            reply = m_cache.handleRequest(request, &verb);
            if (verb != "set" && verb != "get" && verb != "delete" && verb != "keys") {
                ++m_stats.errors;
                m_logger.error(
                    QStringLiteral("Unknown cache verb in %1").arg(quote(request.function)));
            } else {
                m_logger.logLazy(LogLevel::Debug, [&] {
                    return QStringLiteral("Cache %1 %2")
                        .arg(fromStd(verb), quote(verb == "set" ? reply : request.payload));
                });
            }
        }
        (void)m_rep->send(zmq::buffer(reply), zmq::send_flags::none);
    }
}

bool ServerActor::decodeOrLog(std::string_view bytes, const char *socketName)
{
    if (decodeMessage(bytes, m_message))
        return true;
    ++m_stats.errors;
    ++m_stats.malformed;
    m_logger.error(QStringLiteral("Message could not be decoded (%1 bytes on %2)")
                       .arg(bytes.size())
                       .arg(QString::fromLatin1(socketName)));
    return false;
}

bool ServerActor::resolveMethod(const Message &message, std::string_view &method, bool ignoreServer)
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
    if (!ignoreServer && server != m_name) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("Function %1 is for server %2, not for '%3'")
                           .arg(quote(entry), quote(server), m_config.name));
        return false;
    }
    return true;
}

void ServerActor::onRequest(zmq::message_t &&frame, const char *socketName)
{
    if (hasWorkers(m_config.kind) && !m_dispatcher->hasScatter()) {
        // Nothing to scatter: validate in place and hand the very same frame to a worker.
        MessageView peek;
        if (peekMessage(view(frame), peek)) {
            ++m_stats.toWorkers;
            Frames frames;
            frames.push_back(std::move(frame));
            send(m_toWorkers, std::move(frames));
            return;
        }
        // Unusual encodings fall through to the full decoder, which has the last word.
    }
    if (!decodeOrLog(view(frame), socketName))
        return;
    if (hasWorkers(m_config.kind)) {
        // Master and hub: scatter towards the workers.
        if (!fanOut(FanOut::Scatter))
            return;
        for (const Message &message : m_fanOut) {
            encodeMessage(message, m_encoded);
            ++m_stats.toWorkers;
            Frames frames;
            frames.push_back(frameOf(m_encoded));
            send(m_toWorkers, std::move(frames));
        }
        return;
    }
    callAndRoute(std::move(m_message));
}

bool ServerActor::fanOut(FanOut which)
{
    m_fanOut.clear();
    const bool user =
        which == FanOut::Scatter ? m_dispatcher->hasScatter() : m_dispatcher->hasGather();
    if (!user) {
        m_fanOut.push_back(std::move(m_message));
        return true;
    }
    UserError error;
    m_running = m_dispatcher.get();
    const CallResult result = which == FanOut::Scatter
                                  ? m_dispatcher->scatter(std::move(m_message), m_fanOut, error)
                                  : m_dispatcher->gather(std::move(m_message), m_fanOut, error);
    m_running = nullptr;
    if (result == CallResult::Failed) {
        reportUserError(error);
        return false;
    }
    return true;
}

void ServerActor::callAndRoute(Message &&message)
{
    std::string_view method;
    if (!resolveMethod(message, method, false)) {
        message.payload = "0";
        route(std::move(message));
        return;
    }
    m_results.clear();
    UserError error;
    m_running = m_dispatcher.get();
    const CallResult result = m_dispatcher->call(method, message.payload, m_results, error);
    m_running = nullptr;
    if (result == CallResult::NotFound) {
        ++m_stats.errors;
        m_logger.error(QStringLiteral("Function %1 was not found").arg(quote(method)));
        message.payload = "0";
        route(std::move(message));
        return;
    }
    if (result == CallResult::Failed) {
        reportUserError(error);
        message.payload = "0";
        route(std::move(message));
        return;
    }
    if (m_results.empty()) {
        m_logger.logLazy(LogLevel::Debug, [&] {
            return QStringLiteral("%1 returned nothing: message dropped").arg(quote(method));
        });
        return;
    }
    for (std::size_t i = 0; i + 1 < m_results.size(); ++i) {
        Message copy = message;
        copy.payload = std::move(m_results[i]);
        route(std::move(copy));
    }
    message.payload = std::move(m_results.back());
    route(std::move(message));
}

void ServerActor::onWorkerTask(std::string_view bytes)
{
    if (!decodeOrLog(bytes, "worker_push_address"))
        return;
    Message message = std::move(m_message);
    auto sendBack = [this](const Message &m) {
        encodeMessage(m, m_encoded);
        ++m_stats.messagesOut;
        Frames frames;
        frames.push_back(frameOf(m_encoded));
        send(m_toMaster, std::move(frames));
    };
    std::string_view method;
    if (!resolveMethod(message, method, true)) {
        message.payload = "0";
        sendBack(message);
        return;
    }
    m_results.clear();
    UserError error;
    m_running = m_dispatcher.get();
    const CallResult result = m_dispatcher->call(method, message.payload, m_results, error);
    m_running = nullptr;
    if (result != CallResult::Ok) {
        if (result == CallResult::NotFound) {
            ++m_stats.errors;
            m_logger.error(QStringLiteral("Function %1 was not found").arg(quote(method)));
        } else {
            reportUserError(error);
        }
        message.payload = "0";
        sendBack(message);
        return;
    }
    for (std::string &payload : m_results) {
        message.payload = std::move(payload);
        sendBack(message);
    }
}

void ServerActor::onWorkerResult(zmq::message_t &&frame)
{
    ++m_stats.fromWorkers;
    if (!m_pipelinedOut && !m_dispatcher->hasGather() && !m_dispatcher->hasHandleStream()) {
        // Plain reply to a client: route by the client field without decoding the rest.
        MessageView peek;
        if (peekMessage(view(frame), peek)) {
            ++m_stats.messagesOut;
            Frames frames;
            frames.reserve(2);
            frames.push_back(frameOf(peek.client));
            frames.push_back(std::move(frame));
            const std::string_view topic = view(frames.front());
            publishFrames(topic, std::move(frames));
            return;
        }
    }
    if (!decodeOrLog(view(frame), "worker_pull_address"))
        return;
    if (!fanOut(FanOut::Gather))
        return;
    for (Message &message : m_fanOut)
        route(std::move(message));
}

void ServerActor::route(Message &&message)
{
    std::string topic;
    if (m_dispatcher->hasHandleStream()) {
        UserError error;
        m_running = m_dispatcher.get();
        const CallResult result = m_dispatcher->handleStream(message, topic, error);
        m_running = nullptr;
        if (result == CallResult::Failed) {
            reportUserError(error);
            return;
        }
    } else if (m_pipelinedOut) {
        topic = m_name;
        ++message.stage;
    } else {
        topic = message.client;
    }
    publish(topic, message);
}

void ServerActor::publish(std::string_view topic, const Message &message)
{
    encodeMessage(message, m_encoded);
    Frames frames;
    frames.reserve(2);
    frames.push_back(frameOf(topic));
    frames.push_back(frameOf(m_encoded));
    ++m_stats.messagesOut;
    publishFrames(topic, std::move(frames));
}

void ServerActor::publishFrames(std::string_view topic, Frames &&frames)
{
    auto held = m_held.empty() ? m_held.end() : m_held.find(topic);
    if (held != m_held.end()) {
        held->second.messages.push_back(std::move(frames));
        ++m_heldCount;
    } else if (subscribed(topic)) {
        send(m_pub, std::move(frames));
    } else {
        Held &entry = m_held[std::string(topic)];
        entry.deadline = steadyMs() + m_config.publishGraceMs;
        entry.messages.push_back(std::move(frames));
        ++m_heldCount;
    }
    m_stats.heldForSubscriber = int(m_heldCount);
}

bool ServerActor::subscribed(std::string_view topic) const
{
    if (m_subscriptions.find(topic) != m_subscriptions.end())
        return true;
    for (const auto &[prefix, count] : m_subscriptions) {
        if (topic.substr(0, prefix.size()) == prefix)
            return true;
    }
    return false;
}

void ServerActor::flushHeld(qint64 now, bool onlySubscribed)
{
    for (auto it = m_held.begin(); it != m_held.end();) {
        const bool ready = subscribed(it->first);
        if (!ready && (onlySubscribed || now < it->second.deadline)) {
            ++it;
            continue;
        }
        const std::size_t count = it->second.messages.size();
        m_heldCount -= count;
        if (ready) {
            for (Frames &frames : it->second.messages)
                send(m_pub, std::move(frames));
        } else {
            m_stats.dropped += count;
            m_logger.warning(
                QStringLiteral("Dropped %1 message(s) for topic %2: no subscriber within %3 ms")
                    .arg(count)
                    .arg(quote(it->first))
                    .arg(m_config.publishGraceMs));
        }
        it = m_held.erase(it);
    }
    m_stats.heldForSubscriber = int(m_heldCount);
}

bool ServerActor::trySend(Output &output, Frames &frames)
{
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto flags = i + 1 == frames.size()
                               ? zmq::send_flags::dontwait
                               : (zmq::send_flags::dontwait | zmq::send_flags::sndmore);
        // Only the first frame can hit the high-water mark; later frames always follow it.
        if (!output.socket->send(frames[i], flags))
            return false;
    }
    return true;
}

void ServerActor::updatePendingStat()
{
    m_stats.pendingOut =
        int(m_pub.pending.size() + m_toWorkers.pending.size() + m_toMaster.pending.size());
}

bool ServerActor::send(Output &output, Frames &&frames)
{
    if (output.pending.empty() && trySend(output, frames))
        return true;
    output.pending.push_back(std::move(frames));
    updatePendingStat();
    return false;
}

void ServerActor::flushPending(Output &output)
{
    if (output.pending.empty())
        return;
    while (!output.pending.empty() && trySend(output, output.pending.front()))
        output.pending.pop_front();
    updatePendingStat();
}

void ServerActor::reportUserError(const UserError &error)
{
    ++m_stats.errors;
    QString traceback = error.traceback;
    if (traceback.isEmpty())
        traceback = error.text;
    m_logger.error(QStringLiteral("User function gave an error"), traceback);
}

void ServerActor::flushLogs(bool force)
{
    m_lastLogFlush = steadyMs();
    if (m_batch.isEmpty() && !force)
        return;
    if (m_batch.isEmpty())
        return;
    LogBatch batch;
    batch.swap(m_batch);
    LocalServer *handle = m_handle;
    QMetaObject::invokeMethod(
        handle,
        [handle, batch = std::move(batch)]() mutable { handle->deliverRecords(std::move(batch)); },
        Qt::QueuedConnection);
}

void ServerActor::refreshLinks()
{
    // In-process peers that were restarted bound their inproc twins again: follow them, as tcp
    // would.
    auto refresh = [this](zmq::socket_t &socket, LocalLink &link, const char *what) {
        if (refreshLocalLink(socket, link))
            m_logger.info(QStringLiteral("Reconnected %1 to %2 (its server restarted)")
                              .arg(QString::fromLatin1(what), fromStd(link.endpoint)));
    };
    for (std::size_t i = 0; i < m_inputs.size() && i < m_inputLinks.size(); ++i)
        refresh(m_inputs[i], m_inputLinks[i], m_inputNames[i].c_str());
    if (m_req)
        refresh(*m_req, m_reqLink, "db_address");
    if (m_toMaster.socket)
        refresh(*m_toMaster.socket, m_toMasterLink, "worker_pull_address");
}

void ServerActor::postStats()
{
    m_lastStats = steadyMs();
    m_stats.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    m_stats.inFlight = qint64(m_stats.toWorkers) - qint64(m_stats.fromWorkers);
    LocalServer *handle = m_handle;
    QMetaObject::invokeMethod(
        handle, [handle, stats = m_stats]() { handle->deliverStats(stats); }, Qt::QueuedConnection);
}

void ServerActor::tearDown()
{
    // A worker leaves its master's rotation before it closes: disconnecting an inproc pipe tells
    // the master at once, where a close would tell it later from ZeroMQ's reaper thread.
    auto leave = [](zmq::socket_t &socket, const LocalLink &link) {
        const std::string &endpoint = link.twin.empty() ? link.endpoint : link.twin;
        if (!endpoint.empty())
            zmq_disconnect(socket.handle(), endpoint.c_str());
    };
    for (std::size_t i = 0; i < m_inputs.size() && i < m_inputLinks.size(); ++i)
        leave(m_inputs[i], m_inputLinks[i]);
    if (m_toMaster.socket)
        leave(*m_toMaster.socket, m_toMasterLink);

    for (const std::string &endpoint : m_boundEndpoints)
        forgetLocalTwin(endpoint);
    m_boundEndpoints.clear();
    std::map<void *, std::vector<std::string>> bySocket;
    for (const auto &[handle, endpoint] : m_bindings)
        bySocket[handle].push_back(endpoint);
    for (const auto &[handle, endpoints] : bySocket)
        unbindAndWait(handle, endpoints, 250);
    m_bindings.clear();
    m_dispatcher.reset();
    m_inputs.clear();
    m_workerResults.reset();
    m_rep.reset();
    m_req.reset();
    m_pub.socket.reset();
    m_pub.pending.clear();
    m_toWorkers.socket.reset();
    m_toWorkers.pending.clear();
    m_toMaster.socket.reset();
    m_toMaster.pending.clear();
    m_held.clear();
    m_heldCount = 0;
    m_subscriptions.clear();
    m_pipe.reset();
}

} // namespace qpalm
