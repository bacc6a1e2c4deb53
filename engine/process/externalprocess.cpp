// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "externalprocess.h"

#include "pylmlogparser.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTimer>

namespace qpalm {

ExternalProcess::ExternalProcess(ServerConfig config, QObject *parent)
    : HandleBase(std::move(config), parent), m_flushTimer(new QTimer(this)),
      m_supervisor(new ProcessSupervisor(
          m_config.restart, [this] { launch(); }, this))
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(150);
    connect(m_flushTimer, &QTimer::timeout, this, [this] {
        LogBatch records;
        for (auto &parser : m_parsers) {
            if (parser)
                records << parser->flush();
        }
        publishOwn(records);
    });
}

ExternalProcess::~ExternalProcess()
{
    ProcessSupervisor::terminateLater(std::exchange(m_process, nullptr));
}

QString ExternalProcess::hostLabel() const
{
    return m_pid > 0 ? QStringLiteral("pid %1").arg(m_pid) : QStringLiteral("process");
}

void ExternalProcess::publishOwn(const LogBatch &records)
{
    LogBatch shown;
    for (const LogRecord &record : records) {
        if (record.level < m_config.logLevel)
            continue;
        if (record.level >= LogLevel::Error)
            ++m_stats.errors;
        shown << record;
    }
    if (shown.isEmpty())
        return;
    Q_EMIT recordsLogged(shown);
    m_stats.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT statsUpdated(m_stats);
}

void ExternalProcess::start()
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        return;
    m_supervisor->reset();
    launch();
}

void ExternalProcess::launch()
{
    m_stopping = false;
    m_error.clear();
    setState(State::Starting);
    QString program = m_config.command.value(0);
    const QString cwd = m_config.cwd.isEmpty() ? QDir::currentPath() : m_config.cwd;
    if (program.contains(u'/') && QFileInfo(program).isRelative())
        program = QDir(cwd).absoluteFilePath(program);
    QStringList arguments = m_config.command.mid(1);
    const QString replica = QString::number(std::max(1, m_config.replica));
    for (QString &argument : arguments) {
        argument.replace(QLatin1String("{name}"), m_config.name);
        argument.replace(QLatin1String("{replica}"), replica);
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    env.insert(QStringLiteral("QPALM_NAME"), m_config.name);
    env.insert(QStringLiteral("QPALM_REPLICA"), replica);
    for (const QString &pair : std::as_const(m_config.env))
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));

    delete m_process;
    m_process = ProcessSupervisor::newProcess(this);
    m_process->setProcessEnvironment(env);
    m_process->setWorkingDirectory(cwd);
    for (int i = 0; i < 2; ++i) {
        m_parsers[i] = std::make_unique<PylmLogParser>(m_config.name);
        m_partial[i].clear();
    }
    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this] { readChannel(QProcess::StandardOutput); });
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { readChannel(QProcess::StandardError); });
    connect(m_process, &QProcess::finished, this, &ExternalProcess::onFinished);
    m_process->start(program, arguments);
    if (!m_process->waitForStarted(5000)) {
        m_error = QStringLiteral("cannot run %1: %2").arg(program, m_process->errorString());
        logRecord(LogLevel::Error, m_error);
        setState(State::Failed);
        Q_EMIT failed(m_error);
        return;
    }
    m_pid = m_process->processId();
    ++m_generation;
    m_stats = ServerStats();
    m_stats.generation = m_generation;
    m_stats.countersUnknown = true; // only its ERROR records are seen
    logRecord(LogLevel::Info, QStringLiteral("started pid %1: %2")
                                  .arg(m_pid)
                                  .arg(QStringList(m_config.command).join(u' ')));
    setState(State::Running);
    Q_EMIT started();
}

void ExternalProcess::readChannel(QProcess::ProcessChannel channel)
{
    if (!m_process)
        return;
    const int i = channel == QProcess::StandardOutput ? 0 : 1;
    m_process->setReadChannel(channel);
    m_partial[i] += m_process->readAll();
    LogBatch records;
    qsizetype start = 0;
    for (qsizetype end = m_partial[i].indexOf('\n'); end >= 0;
         end = m_partial[i].indexOf('\n', start)) {
        records << m_parsers[i]->feed(
            QString::fromUtf8(m_partial[i].constData() + start, end - start));
        start = end + 1;
    }
    m_partial[i].remove(0, start);
    publishOwn(records);
    if (m_parsers[i]->hasPending())
        m_flushTimer->start();
}

void ExternalProcess::stop()
{
    m_supervisor->cancelRestart();
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        if (m_state != State::Stopped) {
            setState(State::Stopped);
            Q_EMIT stopped();
        }
        return;
    }
    m_stopping = true;
    setState(State::Stopping);
    ProcessSupervisor::stop(m_process);
}

void ExternalProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readChannel(QProcess::StandardOutput);
    readChannel(QProcess::StandardError);
    LogBatch rest;
    for (int i = 0; i < 2; ++i) {
        if (!m_partial[i].isEmpty())
            rest << m_parsers[i]->feed(QString::fromUtf8(m_partial[i]));
        m_partial[i].clear();
        rest << m_parsers[i]->flush();
    }
    publishOwn(rest);
    m_supervisor->exited(*this, std::exchange(m_stopping, false), exitCode, status,
                         std::exchange(m_pid, 0), {});
}

void ExternalProcess::setLogLevel(LogLevel level)
{
    if (m_config.logLevel == level)
        return;
    m_config.logLevel = level;
    Q_EMIT logLevelChanged(level);
}

void ExternalProcess::reloadScript(const ScriptSource &)
{
    Q_EMIT scriptReloadFailed(
        QStringLiteral("%1 is a process (%2): it has no script to reload; restart it instead")
            .arg(m_config.name, m_config.command.value(0)));
}

} // namespace qpalm
