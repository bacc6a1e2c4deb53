// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handlebase.h"
#include "processsupervisor.h"

#include <QProcess>

#include <memory>

class QTimer;

namespace qpalm {

class PylmLogParser;

// A cluster-file entry of kind process: any command (a pylm worker in Python, say) run as a child
// process under the same supervision as child servers. Its stdout and stderr are read as pylm
// log lines, tracebacks kept with their record.
class ExternalProcess final : public HandleBase
{
    Q_OBJECT
public:
    explicit ExternalProcess(ServerConfig config, QObject *parent = nullptr);
    // Returns at once; the process gets SIGTERM (SIGKILL after 3 s) and is reaped later.
    ~ExternalProcess() override;

    QMap<QString, QString> addresses() const override { return {}; }
    QString hostLabel() const override;
    qint64 processId() const { return m_pid; }

    void start() override;
    void stop() override;
    // Records below level are not shown (the process itself decides what it logs).
    void setLogLevel(qpalm::LogLevel level) override;
    // A process has no script to swap: answers scriptReloadFailed.
    void reloadScript(const qpalm::ScriptSource &script) override;

private:
    void launch();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void readChannel(QProcess::ProcessChannel channel);
    // Records at or above the level, counting errors.
    void publishOwn(const LogBatch &records) override;

    QProcess *m_process = nullptr;
    std::unique_ptr<PylmLogParser> m_parsers[2]; // stdout, stderr
    QByteArray m_partial[2];
    QTimer *m_flushTimer = nullptr;
    ProcessSupervisor *m_supervisor;
    bool m_stopping = false;
    qint64 m_pid = 0;
};

} // namespace qpalm
