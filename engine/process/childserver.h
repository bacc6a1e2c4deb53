// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linkedserver.h"
#include "processsupervisor.h"

#include <QProcess>

#include <memory>

class QTemporaryDir;

namespace qpalm {

// A server run in a child qpalm-server (`--only NAME --control ipc://...`), attached over the
// control channel and supervised: a crash shows as Failed with the exit code or signal, and the
// entry's restart policy starts it again with backoff until it flaps.
class ChildServer final : public LinkedServer
{
    Q_OBJECT
public:
    explicit ChildServer(ServerConfig config, QObject *parent = nullptr);
    // Returns at once; the child gets SIGTERM (SIGKILL after 3 s) and is reaped later.
    ~ChildServer() override;

    // "pid 1234" while the child runs.
    QString hostLabel() const override;
    // The child's process id, 0 when none runs.
    qint64 processId() const { return m_pid; }

    // A start by the user also forgets the restart history (and flapping).
    void start() override;
    void stop() override;

private:
    void launch();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void readErrors();
    void remoteStateChanged(State state, const QString &error) override;
    void linkLost() override;
    bool writeClusterFile(QString *file, QString *problem);

    QProcess *m_process = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;
    ProcessSupervisor *m_supervisor;
    bool m_stopping = false;
    qint64 m_pid = 0;
    QString m_lastComplaint;
};

} // namespace qpalm
