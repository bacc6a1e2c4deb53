// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The reliable master-worker path against plain PUSH/PULL, side by side in one run
// (docs/benchmarks.md, docs/delivery.md): throughput of a client -> master -> 2 workers ->
// client job and eval latency, in-process and all-tcp, with native and Lua echo handlers.
// Usage: bench_reliable [messages=300000] [rounds=5] [evals=3000] [only=reliable|plain]
// [in-process|all-tcp] (`only` runs one path's jobs alone, for a profiler; no ratios then).
#include "benchcluster.h"
#include "dispatcher.h"
#include "localendpoints.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

using namespace qpalm;
using namespace qpalm::bench;

namespace {

double evalP50(Cluster &cluster, int evals)
{
    return median(evalLatencies(cluster, evals));
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
    const char *only = argc > 4 ? argv[4] : "";
    if (*only) {
        // One path alone, e.g. under perf: its jobs, rounds times, nothing else.
        const bool reliable = std::strcmp(only, "reliable") == 0;
        const char *variant = argc > 5 ? argv[5] : "";
        for (bool local : {true, false}) {
            if (*variant && (std::strcmp(variant, "in-process") == 0) != local)
                continue;
            setLocalShortcutsEnabled(local);
            Cluster cluster = startCluster(reliable, QStringLiteral("bench"), {});
            for (int round = 0; round < rounds; ++round)
                std::printf("%s, %s: %.0f msg/s\n", reliable ? "reliable" : "plain",
                            local ? "in-process" : "all-tcp",
                            jobRate(cluster, "master.echo", messages));
        }
        return 0;
    }
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
                            startCluster(false, QStringLiteral("bench"), {}),
                            startCluster(true, QStringLiteral("bench"), {}),
                            {},
                            {},
                            {}});
        variants.push_back({local ? "lua echo, in-process" : "lua echo, all-tcp",
                            local,
                            "master.luaecho",
                            startCluster(false, {}, script),
                            startCluster(true, {}, script),
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
                reliable = jobRate(v.reliable, v.function, messages);
            plain = jobRate(v.plain, v.function, messages);
            if (!reliableFirst)
                reliable = jobRate(v.reliable, v.function, messages);
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
