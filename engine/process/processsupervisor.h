// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "restartpolicy.h"

#include <QObject>
#include <QProcess>

#include <functional>

class QTimer;

namespace qpalm {

class HandleBase;

// What ChildServer and ExternalProcess share: their processes die with us, stop with SIGTERM
// then SIGKILL, are reaped in the background when their handle goes, and what an exit means
// (failed or stopped, restarted with backoff, flapping) is decided here once.
class ProcessSupervisor : public QObject
{
    Q_OBJECT
public:
    static constexpr int kKillAfterMs = 3000;

    // relaunch runs when the restart policy starts the process again.
    ProcessSupervisor(RestartMode mode, std::function<void()> relaunch, QObject *parent);

    // A new process, parented to owner, that gets SIGTERM when this process dies (Linux).
    static QProcess *newProcess(QObject *owner);
    // SIGTERM now, SIGKILL after kKillAfterMs if it still runs. Returns at once.
    static void stop(QProcess *process);
    // For a handle that goes away: the process is detached from it, stopped as above and deleted
    // once reaped. Returns at once (never blocks the caller's thread).
    static void terminateLater(QProcess *process);

    // A start by the user: the restart history (and flapping) is forgotten; no restart pending.
    void reset();
    // No restart pending (a stop by the user).
    void cancelRestart();

    // The handle's process ended: stopped by the handle (stopping) it shows Stopped; else as
    // ended() decides (Failed or Stopped with the error, the restart note logged). Emits stopped
    // or failed.
    void exited(HandleBase &handle, bool stopping, int exitCode, QProcess::ExitStatus status,
                qint64 pid, const QString &complaint);

private:
    struct Outcome
    {
        bool failed = false; // else it counts as stopped
        QString error;       // how it ended, or that it flaps
        QString note;        // the restart decision for the log, or empty
        LogLevel noteLevel = LogLevel::Warning;
    };
    // The process ended on its own: logs how (with complaint, its last words, if any) through
    // log, schedules a restart per the policy, and says how the handle ends.
    Outcome ended(int exitCode, QProcess::ExitStatus status, qint64 pid, const QString &complaint,
                  const std::function<void(LogLevel, const QString &)> &log);
    RestartPolicy m_policy;
    QTimer *m_restartTimer;
};

// "killed by signal 9 (SIGKILL)" or "exited with code 3".
QString describeExit(int exitCode, QProcess::ExitStatus status);

} // namespace qpalm
