// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers for the CLI suites: run the real qpalm-server / qpalm-client executables.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <csignal>

namespace clitest {

// JSON written with single quotes (moc cannot read raw strings holding double quotes).
inline QByteArray j(QByteArray json)
{
    json.replace('\'', '"');
    return json;
}

inline QString binaryDir()
{
    return qEnvironmentVariable("QPALM_BINARY_DIR");
}

inline QString serverPath()
{
    return binaryDir() + QStringLiteral("/app/server/qpalm-server");
}

inline QString clientPath()
{
    return binaryDir() + QStringLiteral("/app/client/qpalm-client");
}

inline QString examplesDir()
{
    return qEnvironmentVariable("QPALM_SOURCE_DIR") + QStringLiteral("/resources/examples");
}

inline QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

// Output lines without the trailing empty one.
inline QStringList lines(const QByteArray &bytes)
{
    QStringList out = text(bytes).split(u'\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

struct ClientResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString describe() const
    {
        return QStringLiteral("exit %1, stdout:\n%2\nstderr:\n%3")
            .arg(exitCode)
            .arg(text(out), text(err));
    }
};

// Runs a command to completion (stdin closed after input).
inline ClientResult run(const QString &program, const QStringList &args,
                        const QByteArray &input = {}, int timeoutMs = 30000,
                        const QString &workingDir = {})
{
    QProcess process;
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.start(program, args);
    ClientResult result;
    if (!process.waitForStarted(5000))
        return result;
    if (!input.isEmpty())
        process.write(input);
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

inline ClientResult runClient(const QStringList &args, const QByteArray &input = {},
                              int timeoutMs = 30000)
{
    return run(clientPath(), args, input, timeoutMs);
}

// One qpalm-server process; remembers everything it printed.
class ServerProcess
{
public:
    ServerProcess() = default;
    ServerProcess(const ServerProcess &) = delete;
    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

    // Another build of qpalm-server's main (a test stand-in) instead of qpalm-server.
    void setProgram(const QString &path) { m_program = path; }

    // Starts the server and waits for its "ready" line; false if it ended first.
    bool start(const QStringList &args, int timeoutMs = 15000, const QString &workingDir = {})
    {
        if (!workingDir.isEmpty())
            m_process.setWorkingDirectory(workingDir);
        m_process.start(m_program.isEmpty() ? serverPath() : m_program, args);
        if (!m_process.waitForStarted(5000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (!text(m_out).contains(QLatin1String("qpalm-server: ready, "))) {
            if (m_process.state() == QProcess::NotRunning || timer.hasExpired(timeoutMs)) {
                pump();
                return false;
            }
            m_process.waitForReadyRead(50);
            pump();
        }
        return true;
    }

    // Waits until stdout and stderr together contain needle count times.
    bool waitFor(const QString &needle, int count = 1, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            pump();
            if (output().count(needle) + text(m_err).count(needle) >= count)
                return true;
            if (timer.hasExpired(timeoutMs) || m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(50);
        }
    }

    // Everything printed on stdout so far.
    QString output()
    {
        pump();
        return text(m_out);
    }
    QString errors()
    {
        pump();
        return text(m_err);
    }
    QString describe()
    {
        return QStringLiteral("qpalm-server stdout:\n%1\nstderr:\n%2").arg(output(), errors());
    }

    // Resolved address of one server's parameter ("db", "pull", "pub", ...).
    QString address(const QString &server, const QString &parameter) const
    {
        return m_serving.value(server).value(parameter);
    }
    QStringList serverNames() const { return m_serving.keys(); }

    void signal(int signo) { ::kill(pid_t(m_process.processId()), signo); }
    // Waits for the process to end; exit code, or -1 when it crashed or did not end.
    int waitForExit(int timeoutMs)
    {
        if (!m_process.waitForFinished(timeoutMs))
            return -2;
        pump();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    QProcess &process() { return m_process; }

private:
    void pump()
    {
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        // Not anchored at the line start: the engine's printPylmLine writes a log line and its '\n'
        // in two calls, so a line of ours can land between them.
        static const QRegularExpression serving(
            QStringLiteral("qpalm-server: (\\S+) \\((\\w+)\\) serving(.*)$"),
            QRegularExpression::MultilineOption);
        auto it = serving.globalMatch(text(m_out));
        while (it.hasNext()) {
            const auto match = it.next();
            QMap<QString, QString> addresses;
            const QStringList parts = match.captured(3).split(u' ', Qt::SkipEmptyParts);
            for (const QString &part : parts) {
                const qsizetype eq = part.indexOf(u'=');
                if (eq > 0)
                    addresses.insert(part.left(eq), part.mid(eq + 1));
            }
            m_serving.insert(match.captured(1), addresses);
        }
    }

    QString m_program;
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    QMap<QString, QMap<QString, QString>> m_serving;
};

// Rewrites cluster files for a parallel-safe run: addresses other servers connect to become ipc
// endpoints in dir, addresses only clients use become tcp://127.0.0.1:* (resolved from the
// "serving" lines); scripts become absolute paths into sourceDir. Returns the new paths.
inline QStringList rewriteClusterFiles(const QStringList &files, const QString &sourceDir,
                                       const QString &dir)
{
    static const QRegularExpression port(QStringLiteral(":(\\d+)$"));
    QList<QJsonObject> roots;
    QSet<QString> connected;
    for (const QString &file : files) {
        QFile in(sourceDir + u'/' + file);
        if (!in.open(QIODevice::ReadOnly))
            return {};
        const QJsonObject root = QJsonDocument::fromJson(in.readAll()).object();
        roots << root;
        for (const QJsonValue &entry : root.value(QLatin1String("servers")).toArray()) {
            const QJsonObject server = entry.toObject();
            const bool worker =
                server.value(QLatin1String("kind")).toString() == QLatin1String("worker");
            for (auto it = server.begin(); it != server.end(); ++it) {
                const bool connects = it.key() == QLatin1String("sub_address") ||
                                      it.key() == QLatin1String("sub_addresses") ||
                                      (worker && it.key().endsWith(QLatin1String("_address")));
                if (!connects)
                    continue;
                const QJsonArray values =
                    it.value().isArray() ? it.value().toArray() : QJsonArray{it.value()};
                for (const QJsonValue &value : values)
                    connected.insert(port.match(value.toString()).captured(1));
            }
        }
    }
    auto rewrite = [&](const QString &address) {
        const QString p = port.match(address).captured(1);
        if (p.isEmpty())
            return address;
        if (connected.contains(p))
            return QStringLiteral("ipc://%1/p%2").arg(dir, p);
        return QStringLiteral("tcp://127.0.0.1:*");
    };
    QStringList out;
    for (qsizetype i = 0; i < files.size(); ++i) {
        QJsonObject root = roots.at(i);
        QJsonArray servers;
        for (const QJsonValue &entry : root.value(QLatin1String("servers")).toArray()) {
            QJsonObject server = entry.toObject();
            for (auto it = server.begin(); it != server.end(); ++it) {
                if (it.key() == QLatin1String("script")) {
                    it.value() = QDir(sourceDir).absoluteFilePath(it.value().toString());
                } else if (it.key().endsWith(QLatin1String("_address"))) {
                    it.value() = rewrite(it.value().toString());
                } else if (it.key() == QLatin1String("sub_addresses")) {
                    QJsonArray list;
                    for (const QJsonValue &value : it.value().toArray())
                        list.append(rewrite(value.toString()));
                    it.value() = list;
                }
            }
            servers.append(server);
        }
        root.insert(QStringLiteral("servers"), servers);
        const QString path = dir + u'/' + files.at(i);
        QFile outFile(path);
        if (!outFile.open(QIODevice::WriteOnly))
            return {};
        outFile.write(QJsonDocument(root).toJson());
        out << path;
    }
    return out;
}

// Writes text to dir/name and returns the path.
inline QString writeFile(const QString &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir + u'/' + name;
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(content);
    return path;
}

} // namespace clitest
