// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Held throughput of a qpalm-server with and without a control-channel watcher attached, in the
// same run: a server running a trivial Lua function, qpalm-client jobs of N messages, alternating
// rounds without and with `qpalm-ctl logs --follow` (INFO) attached.
// Usage: bench_ctl_watch [MESSAGES] [ROUNDS]   (defaults 200000, 5)

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

namespace {

QString tool(const QString &relative)
{
    return QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../../app"))
        .absoluteFilePath(relative);
}

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 200000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    QTemporaryDir dir;
    QFile script(dir.filePath(QStringLiteral("solo.lua")));
    script.open(QIODevice::WriteOnly);
    script.write("function foo(message)\n    return message\nend\n");
    script.close();
    QFile cluster(dir.filePath(QStringLiteral("cluster.json")));
    cluster.open(QIODevice::WriteOnly);
    cluster.write(QStringLiteral(R"({"servers": [{"kind": "server", "name": "solo",
 "db_address": "tcp://127.0.0.1:*", "pull_address": "tcp://127.0.0.1:*",
 "pub_address": "tcp://127.0.0.1:*", "script": "%1"}]})")
                      .arg(script.fileName())
                      .toUtf8());
    cluster.close();

    const QString control = QStringLiteral("ipc://%1/ctl").arg(dir.path());
    QProcess server;
    server.setStandardOutputFile(dir.filePath(QStringLiteral("server.out")));
    server.setStandardErrorFile(dir.filePath(QStringLiteral("server.err")));
    server.start(tool(QStringLiteral("server/qpalm-server")),
                 {cluster.fileName(), QStringLiteral("--control"), control});
    QElapsedTimer wait;
    wait.start();
    while (
        !readAll(dir.filePath(QStringLiteral("server.out"))).contains(QLatin1String("ready, "))) {
        if (wait.hasExpired(15000)) {
            std::fprintf(stderr, "qpalm-server did not start\n");
            return 1;
        }
        QThread::msleep(20);
    }
    const QString db = QRegularExpression(QStringLiteral(" db=(\\S+)"))
                           .match(readAll(dir.filePath(QStringLiteral("server.out"))))
                           .captured(1);

    auto job = [&]() -> double {
        QProcess client;
        client.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer timer;
        timer.start();
        client.start(tool(QStringLiteral("client/qpalm-client")),
                     {QStringLiteral("--db"), db, QStringLiteral("--server"),
                      QStringLiteral("solo"), QStringLiteral("job"), QStringLiteral("--repeat"),
                      QString::number(messages), QStringLiteral("solo.foo"), QStringLiteral("x")});
        client.waitForFinished(600000);
        const double seconds = timer.nsecsElapsed() / 1e9;
        return client.exitCode() == 0 ? messages / seconds : 0.0;
    };

    QList<double> without;
    QList<double> with;
    for (int round = 0; round < rounds; ++round) {
        without << job();
        QProcess watcher;
        watcher.setStandardOutputFile(QProcess::nullDevice());
        watcher.start(tool(QStringLiteral("ctl/qpalm-ctl")),
                      {QStringLiteral("--connect"), control, QStringLiteral("logs"),
                       QStringLiteral("--follow")});
        watcher.waitForStarted();
        QThread::msleep(300);
        with << job();
        watcher.kill();
        watcher.waitForFinished();
    }
    server.terminate();
    server.waitForFinished(10000);
    std::printf("messages per job: %d, rounds: %d\n", messages, rounds);
    std::printf("without a watcher: median %.0f msg/s (best %.0f)\n", median(without),
                *std::max_element(without.begin(), without.end()));
    std::printf("with one watcher (INFO): median %.0f msg/s (best %.0f)\n", median(with),
                *std::max_element(with.begin(), with.end()));
    std::printf("difference of the medians: %+.1f %%\n",
                100.0 * (median(with) - median(without)) / median(without));
    return 0;
}
