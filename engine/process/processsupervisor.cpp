// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "processsupervisor.h"

#include "handlebase.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QTimer>

#include <csignal>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace qpalm {

QString describeExit(int exitCode, QProcess::ExitStatus status)
{
    if (status == QProcess::NormalExit)
        return QStringLiteral("exited with code %1").arg(exitCode);
    static const QHash<int, QString> names = {
        {SIGKILL, QStringLiteral("SIGKILL")}, {SIGSEGV, QStringLiteral("SIGSEGV")},
        {SIGABRT, QStringLiteral("SIGABRT")}, {SIGTERM, QStringLiteral("SIGTERM")},
        {SIGINT, QStringLiteral("SIGINT")},   {SIGBUS, QStringLiteral("SIGBUS")},
        {SIGFPE, QStringLiteral("SIGFPE")},   {SIGILL, QStringLiteral("SIGILL")},
        {SIGHUP, QStringLiteral("SIGHUP")},   {SIGPIPE, QStringLiteral("SIGPIPE")}};
    const QString name = names.value(exitCode);
    return name.isEmpty() ? QStringLiteral("killed by signal %1").arg(exitCode)
                          : QStringLiteral("killed by signal %1 (%2)").arg(exitCode).arg(name);
}

ProcessSupervisor::ProcessSupervisor(RestartMode mode, std::function<void()> relaunch,
                                     QObject *parent)
    : QObject(parent), m_policy(mode), m_restartTimer(new QTimer(this))
{
    m_restartTimer->setSingleShot(true);
    connect(m_restartTimer, &QTimer::timeout, this, std::move(relaunch));
}

QProcess *ProcessSupervisor::newProcess(QObject *owner)
{
    auto *process = new QProcess(owner);
#ifdef Q_OS_LINUX
    // The child ends with us, however we end.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    return process;
}

void ProcessSupervisor::stop(QProcess *process)
{
    process->terminate();
    QTimer::singleShot(kKillAfterMs, process, [process] {
        if (process->state() != QProcess::NotRunning)
            process->kill();
    });
}

void ProcessSupervisor::terminateLater(QProcess *process)
{
    if (!process)
        return;
    process->disconnect();
    if (process->state() == QProcess::NotRunning) {
        delete process;
        return;
    }
    // Owned by the application until reaped: if that comes first, QProcess's destructor kills
    // the child at exit (and nothing leaks).
    QObject *app = QCoreApplication::instance();
    process->setParent(app && app->thread() == process->thread() ? app : nullptr);
    QObject::connect(process, &QProcess::finished, process, &QObject::deleteLater);
    stop(process);
}

void ProcessSupervisor::reset()
{
    m_policy.reset();
    m_restartTimer->stop();
}

void ProcessSupervisor::cancelRestart()
{
    m_restartTimer->stop();
}

ProcessSupervisor::Outcome
ProcessSupervisor::ended(int exitCode, QProcess::ExitStatus status, qint64 pid,
                         const QString &complaint,
                         const std::function<void(LogLevel, const QString &)> &log)
{
    const QString how = QStringLiteral("pid %1 %2").arg(pid).arg(describeExit(exitCode, status));
    const bool failure = status != QProcess::NormalExit || exitCode != 0;
    const QString error = complaint.isEmpty() ? how : how + QStringLiteral(": ") + complaint;
    log(failure ? LogLevel::Error : LogLevel::Warning, error);
    const RestartPolicy::Decision decision =
        m_policy.ended(failure, QDateTime::currentMSecsSinceEpoch());
    const RestartPolicy::Report report = m_policy.report(decision, error);
    if (decision.restart)
        m_restartTimer->start(decision.delayMs);
    Outcome outcome;
    outcome.failed = failure || decision.flapping;
    outcome.error = report.error;
    outcome.note = report.note;
    outcome.noteLevel = decision.flapping ? LogLevel::Error : LogLevel::Warning;
    return outcome;
}

void ProcessSupervisor::exited(HandleBase &handle, bool stopping, int exitCode,
                               QProcess::ExitStatus status, qint64 pid, const QString &complaint)
{
    using State = ServerHandle::State;
    if (stopping) {
        handle.setState(State::Stopped);
        Q_EMIT handle.stopped();
        return;
    }
    const Outcome outcome =
        ended(exitCode, status, pid, complaint,
              [&handle](LogLevel level, const QString &text) { handle.logRecord(level, text); });
    handle.m_error = outcome.error;
    handle.setState(outcome.failed ? State::Failed : State::Stopped);
    if (outcome.failed)
        Q_EMIT handle.failed(handle.m_error);
    else
        Q_EMIT handle.stopped();
    if (!outcome.note.isEmpty())
        handle.logRecord(outcome.noteLevel, outcome.note);
}

} // namespace qpalm
