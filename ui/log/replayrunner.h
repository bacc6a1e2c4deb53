// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace qpalm {

class Cluster;
struct Message;

// Where a replay goes: a server clients can send to (its name and db_address).
struct ReplayTarget
{
    QString serverName;
    QString dbAddress;
};

// The server that takes a replay of a message that failed on `failedServer`: that server when
// clients can send to it, its master for a worker, else the cluster's entry point. Empty with
// the reason in why when none is running.
ReplayTarget replayTargetFor(const Cluster *cluster, const QString &failedServer, QString *why);

// Sends one kept message again through the running cluster on a worker thread (engine Client,
// never a socket of its own) and reports the replies.
class ReplayRunner : public QObject
{
    Q_OBJECT
public:
    explicit ReplayRunner(QObject *parent = nullptr);
    ~ReplayRunner() override;

    static constexpr int TimeoutMs = 5000;

    bool isRunning() const { return m_thread != nullptr; }
    // Starts the replay; false (and finished is not emitted) while another one runs.
    bool start(const ReplayTarget &target, const Message &message);

Q_SIGNALS:
    // GUI (owner's) thread: the replay ended; replies in arrival order, or errorText.
    void finished(bool ok, const QByteArrayList &replies, const QString &errorText);

private:
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace qpalm
