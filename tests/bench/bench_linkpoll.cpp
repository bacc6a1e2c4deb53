// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// What attached handles cost while nothing happens: N RemoteServer handles on one idle
// qpalm-server (each with its control link: a watch the server pushes to, and a keepalive), CPU of
// this process and of the server over idle windows, as % of one core (median of the windows).
// Usage: bench_linkpoll [WINDOW_MS] [ROUNDS] (run from the build tree).

#include "process/remoteserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

using namespace qpalm;

namespace {

double selfCpuMs()
{
    rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

double processCpuMs(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line (12 and 13 after the comm).
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) * 1000.0 /
           double(::sysconf(_SC_CLK_TCK));
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int windowMs = argc > 1 ? std::atoi(argv[1]) : 5000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("idle.json"));
    QFile json(file);
    json.open(QIODevice::WriteOnly);
    json.write("{\"servers\": [{\"kind\": \"server\", \"name\": \"idle\", "
               "\"db_address\": \"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\", "
               "\"pub_address\": \"tcp://127.0.0.1:*\"}]}");
    json.close();
    const QString control = QStringLiteral("ipc://") + dir.filePath(QStringLiteral("control"));
    QProcess server;
    server.setStandardOutputFile(QProcess::nullDevice());
    server.start(QCoreApplication::applicationDirPath() +
                     QStringLiteral("/../../app/server/qpalm-server"),
                 {file, QStringLiteral("--control"), control});
    if (!server.waitForStarted(5000)) {
        std::fprintf(stderr, "cannot start qpalm-server\n");
        return 1;
    }
    std::printf("handles  app CPU %%core  server CPU %%core  (idle, %d x %d ms windows, median)\n",
                rounds, windowMs);
    for (const int count : {0, 1, 8, 32}) {
        std::vector<std::unique_ptr<RemoteServer>> handles;
        ServerConfig config;
        config.kind = ServerKind::Server;
        config.name = QStringLiteral("idle");
        config.attach.control = control;
        for (int i = 0; i < count; ++i)
            handles.push_back(std::make_unique<RemoteServer>(config));
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 15000 &&
               !std::all_of(handles.begin(), handles.end(), [](const auto &handle) {
                   return handle->state() == ServerHandle::State::Running;
               }))
            spin(50);
        spin(1000); // settle: the first watch replies and script fetches
        std::vector<double> self;
        std::vector<double> remote;
        for (int round = 0; round < rounds; ++round) {
            const double self0 = selfCpuMs();
            const double remote0 = processCpuMs(server.processId());
            QElapsedTimer timer;
            timer.start();
            spin(windowMs);
            const double wall = double(timer.elapsed());
            self.push_back((selfCpuMs() - self0) * 100.0 / wall);
            remote.push_back((processCpuMs(server.processId()) - remote0) * 100.0 / wall);
        }
        std::printf("%7d  %13.2f  %16.2f\n", count, median(self), median(remote));
        std::fflush(stdout);
    }
    server.terminate();
    server.waitForFinished(5000);
    return 0;
}
