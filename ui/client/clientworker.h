// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "bytetext.h"
#include "serverchooser.h"

#include <atomic>
#include <memory>

namespace qpalm {

class Client;
class Cluster;
class ServerHandle;

// Where a client connects: the server's name and cache address, optionally another server's PUB for
// replies.
struct ClientEndpoint
{
    QString serverName;
    QString dbAddress;
    QString subAddress;   // empty: the server's own pub_address (read from its cache)
    int timeoutMs = 5000; // per reply and per cache request
    // CURVE (Z85) for a data_security cluster: the cluster's key pair; empty: plaintext.
    QByteArray curvePublicKey;
    QByteArray curveSecretKey;

    bool operator==(const ClientEndpoint &) const = default;
};

// Set from any thread to stop a running job soon; shared by the requester and the worker.
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

// One eval or job for ClientWorker::run.
struct JobRequest
{
    ClientEndpoint endpoint;
    QString function; // "server.method", or several separated by spaces (a pipeline)
    QByteArray payload;
    bool eval =
        false; // true: one message (count and rate ignored); false: a stream of count messages
    qint64 count = 1;
    double rate = 0.0;         // messages per second; 0 = as fast as possible
    int repliesPerMessage = 1; // 0: do not wait for replies
    int keepReplies = 100;     // at most this many of the newest replies travel with each report
    CancelFlag cancel;         // may be null; set: send no more messages, collect those due
    CancelFlag abort;          // may be null; set: stop waiting too (the job ends within ~20 ms)
};

// Progress or outcome of a job, reported by ClientWorker.
struct JobReport
{
    qint64 sent = 0;
    qint64 received = 0;
    double p50Ms = 0.0;
    double p99Ms = 0.0;
    qint64 elapsedMs = 0;
    double elapsedExactMs = 0.0; // the same, to the microsecond
    QList<QByteArray> replies; // newest replies since the previous report (bounded by keepReplies)
    bool finished = false;
    bool cancelled = false;
    QString error; // empty on success
};

// Runs qpalm::Client calls on the thread it lives on (never the GUI thread); results come back as
// signals.
class ClientWorker : public QObject
{
    Q_OBJECT
public:
    explicit ClientWorker(QObject *parent = nullptr);
    ~ClientWorker() override;

    // Minimum time between two jobProgressed signals.
    static constexpr int ReportIntervalMs = 100;

public Q_SLOTS:
    // Sends an eval or a job; emits jobProgressed at most every ReportIntervalMs, then jobFinished.
    void run(const qpalm::JobRequest &request);
    // Cache verbs on the endpoint's server; each emits its result signal or cacheFailed.
    void listKeys(const qpalm::ClientEndpoint &endpoint);
    void fetchValue(const qpalm::ClientEndpoint &endpoint, const QByteArray &key);
    void storeValue(const qpalm::ClientEndpoint &endpoint, const QByteArray &key,
                    const QByteArray &value);
    void removeKey(const qpalm::ClientEndpoint &endpoint, const QByteArray &key);
    // Saves every key/value of the endpoint's cache to path (engine/cachesnapshot.h format);
    // emits snapshotSaved or cacheFailed ("snapshot").
    void saveSnapshot(const qpalm::ClientEndpoint &endpoint, const QString &path);
    // Reads path and writes it into the endpoint's cache (replace: other keys are deleted);
    // a bad file changes nothing. Emits snapshotRestored or cacheFailed ("restore").
    void restoreSnapshot(const qpalm::ClientEndpoint &endpoint, const QString &path, bool replace);
    // Closes the connection (it reopens on the next call); call before the thread ends.
    void disconnectClient();

public:
    // A flag that, once set (from any thread), ends every call at once, even one waiting for a
    // reply; set before the worker's thread starts.
    void setInterrupt(CancelFlag flag) { m_interrupt = std::move(flag); }

Q_SIGNALS:
    // Worker thread: a job is under way (sent/received so far, newest replies).
    void jobProgressed(const qpalm::JobReport &report);
    // Worker thread: the job ended (finished is true; error set when it failed).
    void jobFinished(const qpalm::JobReport &report);
    // Worker thread: the server's keys (order as the server gave them).
    void keysListed(const QList<QByteArray> &keys);
    // Worker thread: the value stored under key (empty when there is none, as in pylm).
    void valueFetched(const QByteArray &key, const QByteArray &value);
    // Worker thread: set succeeded; key is the one used (a fresh uuid when none was given).
    void valueStored(const QByteArray &key);
    // Worker thread: key deleted.
    void keyRemoved(const QByteArray &key);
    // Worker thread: a cache call failed; operation is "keys", "get", "set" or "delete".
    void cacheFailed(const QString &operation, const QString &error);
    // Worker thread: count keys were saved to path.
    void snapshotSaved(const QString &path, int count);
    // Worker thread: path was restored: set keys written, removed deleted, kept published keys
    // of the target left as they were.
    void snapshotRestored(const QString &path, int set, int removed, int kept);

private:
    Client *clientFor(const ClientEndpoint &endpoint, bool streams, QString *error);
    void runEval(Client &client, const JobRequest &request);
    void runJob(Client &client, const JobRequest &request);

    std::unique_ptr<Client> m_client;
    CancelFlag m_abort;     // of the running job
    CancelFlag m_interrupt; // for every call
    ClientEndpoint m_endpoint;
    bool m_connected = false; // connect() done: the pull and pub addresses are known
};

// The endpoint for a running server ("" dbAddress when it is not running); error names the reason.
ClientEndpoint endpointFor(const ServerHandle *server, QString *error = nullptr);

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::ClientEndpoint)
Q_DECLARE_METATYPE(qpalm::JobRequest)
Q_DECLARE_METATYPE(qpalm::JobReport)
