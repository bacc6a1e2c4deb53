// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Time from the main window showing to a master with 8 workers running, through the app's own
// openClusterFile(start = true), with real threads and sockets. Run under xvfb-run or offscreen.
// Usage: bench_app_start [runs=7]
#include "appsettings.h"
#include "mainwindow.h"

#include "cluster.h"
#include "serverhandle.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

QString writeCluster(const QTemporaryDir &dir)
{
    auto tcp = [](int port) { return QStringLiteral("tcp://127.0.0.1:%1").arg(port); };
    const QString db = tcp(freePort());
    const QString json =
        QStringLiteral(R"({"servers": [
  {"kind": "master", "name": "master", "db_address": "%1", "pull_address": "%2", "pub_address": "%3",
   "worker_pull_address": "%4", "worker_push_address": "%5"},
  {"kind": "worker", "name": "worker", "db_address": "%1", "script": "echo.lua", "replicas": 8}
]})")
            .arg(db, tcp(freePort()), tcp(freePort()), tcp(freePort()), tcp(freePort()));
    QFile cluster(dir.filePath(QStringLiteral("cluster.json")));
    cluster.open(QIODevice::WriteOnly);
    cluster.write(json.toUtf8());
    QFile script(dir.filePath(QStringLiteral("echo.lua")));
    script.open(QIODevice::WriteOnly);
    script.write("function echo(payload) return payload end\n");
    return cluster.fileName();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int runs = argc > 1 ? std::atoi(argv[1]) : 7;
    std::vector<double> showMs, startMs;
    for (int run = 0; run < runs; ++run) {
        QTemporaryDir dir;
        const QString path = writeCluster(dir);
        QTemporaryDir settingsDir;
        qpalm::AppSettings settings(settingsDir.filePath(QStringLiteral("settings.ini")));

        QElapsedTimer timer;
        timer.start();
        qpalm::MainWindow window(&settings);
        window.setInteractive(false);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            qFatal("window not exposed");
        showMs.push_back(double(timer.nsecsElapsed()) / 1e6);

        timer.restart();
        if (!window.openClusterFile(path, true))
            qFatal("open failed: %s", qPrintable(window.lastError()));
        auto allRunning = [&] {
            const auto servers = window.cluster()->servers();
            return servers.size() == 9 &&
                   std::all_of(servers.begin(), servers.end(), [](qpalm::ServerHandle *s) {
                       return s->state() == qpalm::ServerHandle::State::Running;
                   });
        };
        while (!allRunning() && timer.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!allRunning())
            qFatal("cluster did not start");
        startMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        std::printf("run %d: window shown after %.1f ms; master + 8 workers running %.1f ms after "
                    "it showed\n",
                    run + 1, showMs.back(), startMs.back());
        std::fflush(stdout);
        window.cluster()->stopAll();
    }
    std::printf("median over %d runs: window shown %.1f ms, cluster running %.1f ms after the "
                "window showed\n",
                runs, median(showMs), median(startMs));
    return 0;
}
