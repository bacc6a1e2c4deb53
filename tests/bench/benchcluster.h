// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// What the engine benchmarks share: timing helpers, a master with 2 workers, a job ring and
// eval latency through a real Client (bench_engine, bench_reliable; docs/benchmarks.md).
#pragma once

#include "client.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "localserver.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace qpalm::bench {

using Clock = std::chrono::steady_clock;

inline double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

inline double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size())))];
}

inline double median(std::vector<double> values)
{
    return percentile(std::move(values), 0.5);
}

struct Cluster
{
    std::unique_ptr<LocalServer> master;
    std::vector<std::unique_ptr<LocalServer>> workers;
};

// A master and 2 workers on tcp://127.0.0.1:* (local shortcuts as currently enabled), with the
// reliable path on or off (plain PUSH/PULL), native handlers registered as handlerSet (or none)
// and/or a script.
inline Cluster startCluster(bool reliable, const QString &handlerSet, const QString &script)
{
    Cluster cluster;
    ServerConfig m;
    m.kind = ServerKind::Master;
    m.name = QStringLiteral("master");
    m.dbAddress = m.pullAddress = m.pubAddress = m.workerPullAddress = m.workerPushAddress =
        QStringLiteral("tcp://127.0.0.1:*");
    m.logLevel = LogLevel::Warning;
    m.delivery.reliable = reliable;
    cluster.master = std::make_unique<LocalServer>(m);
    QString error;
    if (!startAndWait(cluster.master.get(), 15000, &error))
        qFatal("master: %s", qPrintable(error));
    for (int i = 0; i < 2; ++i) {
        ServerConfig w;
        w.kind = ServerKind::Worker;
        w.name = QStringLiteral("worker-%1").arg(i + 1);
        w.dbAddress = cluster.master->address(QStringLiteral("db_address"));
        w.nativeHandlers = handlerSet;
        w.scriptPath = script;
        w.logLevel = LogLevel::Warning;
        w.delivery.reliable = reliable;
        if (const char *credit = std::getenv("QPALM_BENCH_CREDIT"))
            w.delivery.credit = std::atoi(credit); // to try other windows than the default
        cluster.workers.push_back(std::make_unique<LocalServer>(w));
        if (!startAndWait(cluster.workers.back().get(), 15000, &error))
            qFatal("worker: %s", qPrintable(error));
    }
    return cluster;
}

// client -> master -> 2 workers -> master -> client: messages/s of one job of `messages`
// 100-byte payloads; dies when a reply is lost or has the wrong size.
inline double jobRate(Cluster &cluster, const std::string &function, int messages,
                      std::size_t replySize = 100)
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    int sent = 0;
    int received = 0;
    bool sizesOk = true;
    const auto start = Clock::now();
    const bool ok = client.job(
        function,
        [&](std::string &next) {
            if (sent == messages)
                return false;
            next = payload;
            ++sent;
            return true;
        },
        [&](std::string &&reply) {
            ++received;
            sizesOk = sizesOk && reply.size() == replySize;
        });
    const double elapsed = seconds(start);
    if (!ok || received != messages || !sizesOk)
        qFatal("job lost messages: %d of %d (%s)", received, messages, client.lastError().c_str());
    return messages / elapsed;
}

// Round trips of single evals of `function` (100-byte payload), in µs.
inline std::vector<double> evalLatencies(Cluster &cluster, int evals,
                                         const std::string &function = "master.echo")
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    (void)client.eval(function, payload); // connects the streams
    std::vector<double> latencies;
    latencies.reserve(std::size_t(evals));
    for (int i = 0; i < evals; ++i) {
        const auto start = Clock::now();
        auto reply = client.eval(function, payload);
        if (!reply || reply->size() != 1)
            qFatal("eval lost a reply: %s", client.lastError().c_str());
        latencies.push_back(seconds(start) * 1e6);
    }
    return latencies;
}

} // namespace qpalm::bench
