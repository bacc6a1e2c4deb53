// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Cluster-file check time against the number of entries (the check must stay linear).
// Usage: bench_clusterfile [entries=8000] [rounds=3]; also runs 2x and 4x the entries.
#include "cluster.h"
#include "clusterfile.h"
#if __has_include("clustergraph.h")
#include "clustergraph.h"
#define QPALM_HAS_GRAPH 1
#endif

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>

using namespace qpalm;

namespace {

// Three masters (fixed ports, a wildcard pub, an ipc worker push) per worker with 2 replicas.
QByteArray clusterOf(int entries)
{
    QByteArray json = "{\"servers\": [\n";
    int port = 1024;
    QByteArray lastDb; // the worker entries use the master before them
    int wraps = 0;     // ports run out past ~21,000 masters: the next ones go on another host
    for (int i = 0; i < entries; ++i) {
        if (i % 4 == 3) {
            json += "{\"kind\": \"worker\", \"name\": \"w" + QByteArray::number(i) +
                    "\", \"db_address\": " + lastDb + ", \"replicas\": 2}";
        } else {
            const QByteArray db = QByteArray::number(port++);
            const QByteArray pull = QByteArray::number(port++);
            const QByteArray workerPull = QByteArray::number(port++);
            const QByteArray host = "\"tcp://10.0." + QByteArray::number(wraps) + ".1:";
            lastDb = host + db + '"';
            json += "{\"kind\": \"master\", \"name\": \"m" + QByteArray::number(i) +
                    "\", \"db_address\": " + host + db + "\", \"pull_address\": " + host + pull +
                    "\", \"pub_address\": \"tcp://*:*\", \"worker_pull_address\": " + host +
                    workerPull + "\", \"worker_push_address\": \"ipc:///tmp/qpalm-" +
                    QByteArray::number(i) + "\"}";
        }
        if (port > 65000) {
            port = 1024;
            ++wraps;
        }
        json += i + 1 < entries ? ",\n" : "\n";
    }
    return json + "]}\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int base = argc > 1 ? std::atoi(argv[1]) : 8000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    std::printf("%10s %14s %14s\n", "entries", "check ms", "graph ms");
    for (int entries : {base, base * 2, base * 4}) {
        const QByteArray json = clusterOf(entries);
        qint64 best = -1;
        qint64 bestGraph = -1;
        for (int r = 0; r < rounds; ++r) {
            ClusterError error;
            QElapsedTimer timer;
            timer.start();
            const auto configs = parseClusterJson(json, QDir::tempPath(), &error);
            const qint64 ms = timer.elapsed();
            if (!configs) {
                std::fprintf(stderr, "%s\n", qPrintable(error.toString()));
                return 1;
            }
            best = best < 0 ? ms : std::min(best, ms);
#ifdef QPALM_HAS_GRAPH
            timer.restart();
            const ClusterGraph graph(Cluster::expandReplicas(*configs));
            const qint64 graphMs = timer.elapsed();
            bestGraph = bestGraph < 0 ? graphMs : std::min(bestGraph, graphMs);
#endif
        }
        std::printf("%10d %14lld %14lld\n", entries, best, bestGraph);
        std::fflush(stdout);
    }
    return 0;
}
