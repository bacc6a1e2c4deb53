// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "childserver.h"

#include "clusterfile.h"
#include "controllink.h"
#include "serverbinary.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace qpalm {

ChildServer::ChildServer(ServerConfig config, QObject *parent)
    : LinkedServer(std::move(config), parent), m_supervisor(new ProcessSupervisor(
                                                   m_config.restart, [this] { launch(); }, this))
{
}

ChildServer::~ChildServer()
{
    m_link->close();
    ProcessSupervisor::terminateLater(std::exchange(m_process, nullptr));
}

QString ChildServer::hostLabel() const
{
    return m_pid > 0 ? QStringLiteral("pid %1").arg(m_pid) : QStringLiteral("process");
}

void ChildServer::start()
{
    if (m_state == State::Running || m_state == State::Starting || m_state == State::Stopping ||
        (m_process && m_process->state() != QProcess::NotRunning))
        return;
    m_supervisor->reset();
    launch();
}

void ChildServer::stop()
{
    m_supervisor->cancelRestart();
    m_stopping = true;
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        if (m_state != State::Stopped && m_state != State::Failed) {
            setState(State::Stopped);
            Q_EMIT stopped();
        } else if (m_state == State::Failed) {
            setState(State::Stopped); // a pending restart was cancelled
        }
        return;
    }
    setState(State::Stopping);
    ProcessSupervisor::stop(m_process);
}

bool ChildServer::writeClusterFile(QString *file, QString *problem)
{
    if (!m_dir || !m_dir->isValid()) {
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                QStringLiteral("/qpalm-child-XXXXXX"));
        if (!m_dir->isValid()) {
            *problem =
                QStringLiteral("cannot make a folder for the child: %1").arg(m_dir->errorString());
            return false;
        }
    }
    ServerConfig child = m_config;
    child.run = RunMode::Threads; // the child runs it on its threads
    child.restart = RestartMode::OnFailure;
    child.entry = child.name;
    child.replica = 0;
    child.replicas = 1;
    if (!child.script.content.isEmpty()) {
        // What the editing side holds (perhaps unsaved) is what runs.
        const QString name = child.script.name.isEmpty() ? QFileInfo(child.scriptPath).fileName()
                                                         : QFileInfo(child.script.name).fileName();
        QFile script(m_dir->filePath(name.isEmpty() ? child.name + QStringLiteral(".lua") : name));
        if (!script.open(QIODevice::WriteOnly) || script.write(child.script.content) < 0) {
            *problem =
                QStringLiteral("cannot write %1: %2").arg(script.fileName(), script.errorString());
            return false;
        }
        child.scriptPath = script.fileName();
    }
    *file = m_dir->filePath(QStringLiteral("cluster.json"));
    return saveClusterFile(*file, {child}, problem);
}

void ChildServer::launch()
{
    m_stopping = false;
    m_lastComplaint.clear();
    m_addresses.clear();
    QString problem;
    QString file;
    const QString binary = findServerBinary(&problem);
    if (binary.isEmpty() || !writeClusterFile(&file, &problem)) {
        m_error = problem;
        setState(State::Failed);
        logRecord(LogLevel::Error, problem);
        Q_EMIT failed(problem);
        return;
    }
    setState(State::Starting);
    const QString control = QStringLiteral("ipc://") + m_dir->filePath(QStringLiteral("control"));
    delete m_process;
    m_process = ProcessSupervisor::newProcess(this);
    // Addresses, state and records come over the control link (addresses with the status that
    // says Running); the child's stdout only repeats them.
    m_process->setStandardOutputFile(QProcess::nullDevice());
    connect(m_process, &QProcess::readyReadStandardError, this, &ChildServer::readErrors);
    connect(m_process, &QProcess::finished, this, &ChildServer::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_error = QStringLiteral("cannot start qpalm-server: %1").arg(m_process->errorString());
        logRecord(LogLevel::Error, m_error);
        setState(State::Failed);
        Q_EMIT failed(m_error);
    });
    m_process->start(binary, {file, QStringLiteral("--only"), m_config.name,
                              QStringLiteral("--control"), control});
    if (!m_process->waitForStarted(5000))
        return; // errorOccurred reported it
    m_pid = m_process->processId();
    logRecord(LogLevel::Info, QStringLiteral("started in child process pid %1").arg(m_pid));
    ControlLink::Options options;
    options.address = control;
    options.server = m_config.name;
    m_link->open(options);
}

void ChildServer::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_link->close();
    readErrors();
    m_supervisor->exited(*this, std::exchange(m_stopping, false), exitCode, status,
                         std::exchange(m_pid, 0), m_lastComplaint);
}

void ChildServer::readErrors()
{
    if (!m_process)
        return;
    const QByteArray bytes = m_process->readAllStandardError();
    for (const QByteArray &raw : bytes.split('\n')) {
        QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1String("qpalm-server: ")))
            line = line.mid(14);
        m_lastComplaint = line;
        logRecord(LogLevel::Warning, line);
    }
}

void ChildServer::remoteStateChanged(State state, const QString &error)
{
    if (m_stopping)
        return; // shows Stopping until the process is gone
    // The child's control channel is up before its server starts; a failed start ends the
    // process, which reports it (with the child's reason).
    if (state == State::Failed || (m_state == State::Starting && state == State::Stopped))
        return;
    LinkedServer::remoteStateChanged(state, error);
}

void ChildServer::linkLost()
{
    // The process runs but does not answer (stopped by SIGSTOP, or stuck).
    if (m_process && m_process->state() == QProcess::Running && !m_stopping) {
        m_error = QStringLiteral("child pid %1 does not answer on its control channel").arg(m_pid);
        setState(State::Unreachable);
        logRecord(LogLevel::Warning, m_error);
    }
}

} // namespace qpalm
