#pragma once

#include "cache.h"
#include "dispatcher.h"
#include "localendpoints.h"
#include "logger.h"
#include "message.h"
#include "serverconfig.h"
#include "serverstats.h"

#include <QMap>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

class QThread;

namespace qpalm {

class LocalServer;

// The thread body of one server: alone owns its sockets, commanded over an inproc pipe (zactor
// style).
class ServerActor final : public ServerContext
{
public:
    // preferred: addresses of an earlier run, tried first for wildcard ports so peers find it
    // again.
    ServerActor(LocalServer *handle, ServerConfig config, QMap<QString, QString> preferred = {});
    ~ServerActor() override;

    // Caller's thread: spawns the thread and waits for the ready handshake.
    bool start(int timeoutMs, QString *error, QMap<QString, QString> *addresses);
    // Caller's thread: asks the loop to end, interrupts user code and joins.
    void stop();
    // Caller's thread: sends a command without waiting for a reply.
    void post(const std::vector<std::string> &frames);
    // Caller's thread: the level takes effect at once (atomic); the server logs the change.
    void setLogLevelNow(LogLevel level);
    // Caller's thread: sends a command and waits for its reply.
    std::optional<std::vector<std::string>> command(const std::vector<std::string> &frames,
                                                    int timeoutMs);

    // ServerContext, used by user code on the actor thread.
    const QString &serverName() const override { return m_config.name; }
    Logger &logger() override { return m_logger; }
    std::optional<std::string> cacheGet(const std::string &key) override;
    std::string cacheSet(const std::string &value, const std::string &key = {}) override;
    void cacheDelete(const std::string &key) override;

private:
    // One outgoing message of one or two frames, held without a heap allocation.
    struct Frames
    {
        zmq::message_t parts[2];
        std::size_t count = 0;
        void push_back(zmq::message_t &&frame) { parts[count++] = std::move(frame); }
        void reserve(std::size_t) {}
        std::size_t size() const { return count; }
        zmq::message_t &operator[](std::size_t i) { return parts[i]; }
        zmq::message_t &front() { return parts[0]; }
    };
    // Heterogeneous lookup so routing by a string_view topic allocates nothing.
    struct TopicHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const
        {
            return std::hash<std::string_view>{}(text);
        }
    };
    template <typename T>
    using TopicMap = std::unordered_map<std::string, T, TopicHash, std::equal_to<>>;

    // An output socket and what waits for room on it (backpressure, never silent drops).
    struct Output
    {
        std::optional<zmq::socket_t> socket;
        std::deque<Frames> pending;
        bool blocked() const { return !pending.empty(); }
    };
    // Messages held until their topic's first subscriber appears, or the grace time ends.
    struct Held
    {
        qint64 deadline = 0;
        std::deque<Frames> messages;
    };

    void run();
    bool setUp(QString *error);
    bool configureWorker(QString *error);
    void loop();
    void tearDown();

    bool handleCommand();
    void readInput(int index);
    void readPublisher();
    void serveCache();
    void flushLogs(bool force);
    void postStats();
    void refreshLinks();

    // The message paths of the kinds.
    void onRequest(zmq::message_t &&frame, const char *socketName);
    void onWorkerResult(zmq::message_t &&frame);
    void onWorkerTask(std::string_view bytes);
    bool decodeOrLog(std::string_view bytes, const char *socketName);
    // Resolves the method for this server; logs and returns false when the message is not ours.
    bool resolveMethod(const Message &message, std::string_view &method, bool ignoreServer);
    enum class FanOut { Scatter, Gather };
    // Runs scatter or gather (or passes m_message through) into m_fanOut; false after a user error.
    bool fanOut(FanOut which);
    void callAndRoute(Message &&message);
    void route(Message &&message);
    void publish(std::string_view topic, const Message &message);
    void publishFrames(std::string_view topic, Frames &&frames);
    void reportUserError(const UserError &error);

    // Queues behind earlier pending frames, or sends now; false when the frames had to wait.
    bool send(Output &output, Frames &&frames);
    bool trySend(Output &output, Frames &frames);
    void updatePendingStat();
    bool inputsBlocked() const;
    void flushPending(Output &output);
    bool subscribed(std::string_view topic) const;
    void flushHeld(qint64 now, bool onlySubscribed);

    std::optional<std::string>
    workerCacheRequest(const std::string &verb, const std::string &payload, const std::string &key);

    // Set on the caller's thread.
    LocalServer *m_handle;
    ServerConfig m_config;
    std::string m_name;
    std::string m_pipeEndpoint;
    std::optional<zmq::socket_t> m_callerPipe;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_stopRequested{false};
    std::atomic<Dispatcher *> m_running{nullptr};

    // Owned by the actor thread.
    Logger m_logger;
    std::optional<zmq::socket_t> m_pipe;
    std::vector<zmq::socket_t> m_inputs; // client pull or subs, in order
    std::vector<std::string> m_inputNames;
    std::vector<LocalLink> m_inputLinks; // parallel to m_inputs; empty links for bound inputs
    LocalLink m_reqLink;
    LocalLink m_toMasterLink;
    std::optional<zmq::socket_t> m_workerResults; // master/hub: results from workers
    std::optional<zmq::socket_t> m_rep;           // cache service
    std::optional<zmq::socket_t> m_req;           // worker: the master's cache
    Output m_pub;
    Output m_toWorkers;
    Output m_toMaster;
    TopicMap<int> m_subscriptions;
    TopicMap<Held> m_held;
    std::size_t m_heldCount = 0;
    Cache m_cache;
    std::unique_ptr<CompositeDispatcher> m_dispatcher;
    ServerStats m_stats;
    LogBatch m_batch;
    qint64 m_lastLogFlush = 0;
    qint64 m_lastStats = 0;
    bool m_pipelinedOut = false;
    QMap<QString, QString> m_addresses;
    QMap<QString, QString> m_preferred;
    std::vector<std::string> m_boundEndpoints;
    std::vector<std::pair<void *, std::string>>
        m_bindings;                  // socket handle, endpoint (tcp and twin)
    std::string m_workerPushAddress; // worker: where tasks come from
    std::string m_workerPullAddress; // worker: where results go
    Message m_message;
    std::vector<std::string> m_results;
    std::vector<Message> m_fanOut;
    std::string m_encoded;
};

} // namespace qpalm
