// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The reliable master-worker path against plain PUSH/PULL, side by side in one run
// (docs/benchmarks.md, docs/delivery.md): throughput of a client -> master -> 2 workers ->
// client job and eval latency, in-process and all-tcp, with native and Lua echo handlers.
// Usage: bench_reliable [messages=300000] [rounds=5] [evals=3000]
#include "client.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "localendpoints.h"
#include "localserver.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

using namespace qpalm;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

struct Cluster
{
    std::unique_ptr<LocalServer> master;
    std::vector<std::unique_ptr<LocalServer>> workers;
};

Cluster start(bool reliable, const QString &handlers, const QString &script)
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
        w.nativeHandlers = handlers;
        w.scriptPath = script;
        w.logLevel = LogLevel::Warning;
        cluster.workers.push_back(std::make_unique<LocalServer>(w));
        if (!startAndWait(cluster.workers.back().get(), 15000, &error))
            qFatal("worker: %s", qPrintable(error));
    }
    return cluster;
}

double ring(Cluster &cluster, const std::string &function, int messages)
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    int sent = 0;
    int received = 0;
    const auto t0 = Clock::now();
    const bool ok = client.job(
        function,
        [&](std::string &next) {
            if (sent == messages)
                return false;
            next = payload;
            ++sent;
            return true;
        },
        [&](std::string &&reply) { received += reply.size() == 100 ? 1 : 0; });
    const double elapsed = seconds(t0);
    if (!ok || received != messages)
        qFatal("lost messages: %d of %d (%s)", received, messages, client.lastError().c_str());
    return messages / elapsed;
}

double evalP50(Cluster &cluster, int evals)
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    (void)client.eval("master.echo", payload);
    std::vector<double> us;
    for (int i = 0; i < evals; ++i) {
        const auto t0 = Clock::now();
        if (!client.eval("master.echo", payload))
            qFatal("eval lost a reply: %s", client.lastError().c_str());
        us.push_back(seconds(t0) * 1e6);
    }
    return median(us);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 300000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const int evals = argc > 3 ? std::atoi(argv[3]) : 3000;

    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("echo", [](ServerContext &, const std::string &payload) {
        return std::optional<std::string>(payload);
    });
    NativeHandlers::registerSet(QStringLiteral("bench"), handlers);
    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("echo.lua"));
    {
        QFile file(script);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(script));
        file.write("function luaecho(payload) return payload end\n");
    }
    std::printf("method: %d messages of 100 bytes per round, %d rounds; in each round every\n"
                "        variant runs back to back, plain and reliable alternating; %d evals\n"
                "        per round. Medians of per-round values and of per-round ratios.\n",
                messages, rounds, evals);

    struct Variant
    {
        const char *name;
        bool local;
        const char *function;
        Cluster plain;
        Cluster reliable;
        std::vector<double> plainRate, reliableRate, ratio;
    };
    std::vector<Variant> variants;
    for (bool local : {true, false}) {
        setLocalShortcutsEnabled(local);
        variants.push_back({local ? "native, in-process" : "native, all-tcp",
                            local,
                            "master.echo",
                            start(false, QStringLiteral("bench"), {}),
                            start(true, QStringLiteral("bench"), {}),
                            {},
                            {},
                            {}});
        variants.push_back({local ? "lua echo, in-process" : "lua echo, all-tcp",
                            local,
                            "master.luaecho",
                            start(false, {}, script),
                            start(true, {}, script),
                            {},
                            {},
                            {}});
    }
    std::vector<double> p50[2][2], p50Ratio[2]; // [local][reliable]
    for (int round = 0; round < rounds; ++round) {
        for (Variant &v : variants) {
            setLocalShortcutsEnabled(v.local);
            const bool reliableFirst = round % 2 == 1;
            double plain = 0;
            double reliable = 0;
            if (reliableFirst)
                reliable = ring(v.reliable, v.function, messages);
            plain = ring(v.plain, v.function, messages);
            if (!reliableFirst)
                reliable = ring(v.reliable, v.function, messages);
            v.plainRate.push_back(plain);
            v.reliableRate.push_back(reliable);
            v.ratio.push_back(reliable / plain);
        }
        for (int local = 0; local < 2; ++local) {
            Variant &v = variants[local == 1 ? 0 : 2]; // the native variants
            setLocalShortcutsEnabled(local == 1);
            const double plain = evalP50(v.plain, evals);
            const double reliable = evalP50(v.reliable, evals);
            p50[local][0].push_back(plain);
            p50[local][1].push_back(reliable);
            p50Ratio[local].push_back(reliable / plain);
        }
        std::printf("round %d:", round + 1);
        for (const Variant &v : variants)
            std::printf(" %s %.2fx |", v.name, v.ratio.back());
        std::printf(" eval p50 local %.0f/%.0f us, tcp %.0f/%.0f us\n", p50[1][0].back(),
                    p50[1][1].back(), p50[0][0].back(), p50[0][1].back());
        std::fflush(stdout);
    }
    std::printf("\nmedians over %d rounds (0 messages lost in every round)\n", rounds);
    std::printf("  %-22s %12s %12s %8s\n", "variant", "plain msg/s", "reliable", "ratio");
    for (const Variant &v : variants)
        std::printf("  %-22s %12.0f %12.0f %8.2f\n", v.name, median(v.plainRate),
                    median(v.reliableRate), median(v.ratio));
    std::printf("  eval p50, in-process   %9.0f us %9.0f us %8.2f\n", median(p50[1][0]),
                median(p50[1][1]), median(p50Ratio[1]));
    std::printf("  eval p50, all-tcp      %9.0f us %9.0f us %8.2f\n", median(p50[0][0]),
                median(p50[0][1]), median(p50Ratio[0]));
    return 0;
}
