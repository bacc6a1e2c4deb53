// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// A qpalm-server stand-in for tests: `CLUSTER --only NAME --control ADDR` runs that entry with a
// native handler `work` that can get stuck where no time limit reaches ("hang:MS" sleeps that
// long), behind the same control channel qpalm-server serves (no Lua call can get stuck this
// way). QPALM_TEST_IGNORE_SIGTERM set: it ignores SIGTERM.

#include "cluster.h"
#include "clusterfile.h"
#include "controlchannel.h"
#include "dispatcher.h"
#include "serverhandle.h"

#include <QCoreApplication>
#include <QStringList>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

using namespace qpalm;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("QPALM_TEST_IGNORE_SIGTERM"))
        std::signal(SIGTERM, SIG_IGN); // only SIGKILL ends it
    const QStringList args = app.arguments();
    const qsizetype only = args.indexOf(QStringLiteral("--only"));
    const qsizetype control = args.indexOf(QStringLiteral("--control"));
    if (args.size() < 6 || only < 0 || control < 0) {
        std::fprintf(stderr, "usage: qpalm-stuckserver CLUSTER --only NAME --control ADDR\n");
        return 2;
    }
    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("work", [](ServerContext &, const std::string &payload) {
        if (payload.rfind("hang:", 0) == 0) {
            const auto until = std::chrono::steady_clock::now() +
                               std::chrono::milliseconds(std::stoi(payload.substr(5)));
            while (std::chrono::steady_clock::now() < until) // native: no time limit reaches it
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return std::optional<std::string>("done:" + payload);
    });
    NativeHandlers::registerSet(QStringLiteral("stuck"), handlers);

    ClusterError error;
    const auto configs = loadClusterFile(args.at(1), &error);
    if (!configs) {
        std::fprintf(stderr, "qpalm-stuckserver: cannot load %s\n", qPrintable(args.at(1)));
        return 1;
    }
    Cluster cluster;
    for (ServerConfig config : *configs) {
        if (config.name != args.value(only + 1))
            continue;
        config.nativeHandlers = QStringLiteral("stuck");
        config.limits.timeLimitMs = 200;
        config.run = RunMode::Threads;
        cluster.addServer(config);
    }
    remote::ControlChannel channel(&cluster);
    remote::ControlSocketOptions options;
    options.address = args.value(control + 1);
    QString problem;
    if (!channel.start(options, &problem)) {
        std::fprintf(stderr, "qpalm-stuckserver: %s\n", qPrintable(problem));
        return 1;
    }
    cluster.startAll();
    return app.exec();
}
