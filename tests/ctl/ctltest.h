// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers for the qpalm-ctl suites: a qpalm-server whose output goes to files (so a flood of log
// lines never waits for the test to read them) and qpalm-ctl runs with an environment.

#include "clitest.h"

#include <QProcessEnvironment>
#include <QThread>

namespace ctltest {

using namespace clitest;

inline QString ctlPath()
{
    return binaryDir() + QStringLiteral("/app/ctl/qpalm-ctl");
}

// Runs qpalm-ctl to completion; QPALM_CONTROL is set to control unless it is empty.
inline ClientResult runCtl(const QStringList &args, const QString &control = {},
                           int timeoutMs = 20000)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QPALM_CONTROL"));
    if (!control.isEmpty())
        env.insert(QStringLiteral("QPALM_CONTROL"), control);
    process.setProcessEnvironment(env);
    process.start(ctlPath(), args);
    ClientResult result;
    if (!process.waitForStarted(5000))
        return result;
    process.closeWriteChannel();
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(2000);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// A qpalm-server writing stdout and stderr to files in dir.
class FileServer
{
public:
    explicit FileServer(QString dir) : m_dir(std::move(dir)) {}
    FileServer(const FileServer &) = delete;
    ~FileServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

    // Starts and waits for "ready" (true) or the end of the process (false).
    bool start(const QStringList &args, int timeoutMs = 15000)
    {
        m_process.setStandardOutputFile(m_dir + QStringLiteral("/server.out"));
        m_process.setStandardErrorFile(m_dir + QStringLiteral("/server.err"));
        m_process.start(serverPath(), args);
        if (!m_process.waitForStarted(5000))
            return false;
        return waitFor(QStringLiteral("qpalm-server: ready, "), 1, timeoutMs);
    }
    bool waitFor(const QString &needle, int count = 1, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (output().count(needle) + errors().count(needle) < count) {
            if (timer.hasExpired(timeoutMs) || m_process.state() == QProcess::NotRunning)
                return false;
            QThread::msleep(30);
        }
        return true;
    }
    QString output() const { return read(QStringLiteral("/server.out")); }
    QString errors() const { return read(QStringLiteral("/server.err")); }
    QString describe() const
    {
        QString out = output();
        if (out.size() > 4000)
            out = QStringLiteral("...") + out.right(4000);
        return QStringLiteral("qpalm-server stdout:\n%1\nstderr:\n%2").arg(out, errors());
    }
    // The address of "qpalm-server: control channel at ADDR (...)".
    QString control() const
    {
        static const QRegularExpression line(QStringLiteral("control channel at (\\S+) "));
        return line.match(output()).captured(1);
    }
    // Resolved address of one server's parameter ("db", "pull", "pub", ...).
    QString address(const QString &server, const QString &parameter) const
    {
        const QRegularExpression line(
            QStringLiteral("qpalm-server: %1 \\(\\w+\\) serving.* %2=(\\S+)")
                .arg(QRegularExpression::escape(server), parameter));
        return line.match(output()).captured(1);
    }
    int waitForExit(int timeoutMs)
    {
        if (!m_process.waitForFinished(timeoutMs))
            return -2;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    QProcess &process() { return m_process; }

private:
    QString read(const QString &name) const
    {
        QFile file(m_dir + name);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    QString m_dir;
    QProcess m_process;
};

// A one-server cluster ("solo", kind server) on ephemeral loopback ports running script.
inline QString writeSoloCluster(const QString &dir, const QString &script)
{
    return writeFile(dir, QStringLiteral("cluster.json"),
                     j("{'servers': [{'kind': 'server', 'name': 'solo', "
                       "'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*', "
                       "'pub_address': 'tcp://127.0.0.1:*', 'script': '") +
                         script.toUtf8() + j("'}]}"));
}

} // namespace ctltest
