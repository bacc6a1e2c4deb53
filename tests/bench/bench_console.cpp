// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The console sink, old against new: N server threads print pylm lines to one file.
//   old: one global mutex, fwrite + fflush per record (printPylmLine before issue 7)
//   new: ConsoleWriter (lock-free append, one writer thread, one fwrite + fflush per batch)
// Runs alternate old/new; prints per-run figures and the median ratios.
// Usage: bench_console [threads=4] [records per thread=100000] [runs=5] [pylm|raw|qdatetime]
// (raw: lines built without formatting a LogRecord, to see the sink's own cost; qdatetime: the
// timestamp converted to local time per record, as formatTimestamp did before issue 7)
#include "consolewriter.h"
#include "logrecord.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

using namespace qpalm;
using Clock = std::chrono::steady_clock;

namespace {

struct Result
{
    double producersMs = 0; // until the last logging call returned
    double totalMs = 0;     // until every line was in the file
};

bool g_raw = false;       // lines built without the pylm formatting (the sink's cost alone)
bool g_qdatetime = false; // the timestamp formatted per record as before issue 7

QByteArray line(int server, int i)
{
    if (g_raw)
        return QByteArray("2026-12-01 21:00:00,000 - server-") + QByteArray::number(server) +
               " - INFO - message number " + QByteArray::number(i) + " of a busy server\n";
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = QStringLiteral("server-%1").arg(server);
    record.level = LogLevel::Info;
    record.text = QStringLiteral("message number %1 of a busy server").arg(i);
    if (g_qdatetime) {
        return (QDateTime::fromMSecsSinceEpoch(record.msecsSinceEpoch, Qt::LocalTime)
                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss,zzz")) +
                QStringLiteral(" - ") + record.server + QStringLiteral(" - INFO - ") + record.text)
                   .toUtf8() +
               '\n';
    }
    return formatPylmLine(record).toUtf8() + '\n';
}

template <typename Sink> double runThreads(int threads, int records, Sink &&sink)
{
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < records; ++i)
                sink(line(t, i));
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Result runOld(int threads, int records)
{
    std::FILE *stream = std::tmpfile();
    std::mutex mutex;
    const auto start = Clock::now();
    Result result;
    result.producersMs = runThreads(threads, records, [&](const QByteArray &bytes) {
        std::lock_guard lock(mutex);
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
        std::fflush(stream);
    });
    result.totalMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::fclose(stream);
    return result;
}

Result runNew(int threads, int records)
{
    std::FILE *stream = std::tmpfile();
    ConsoleWriter writer(stream);
    const auto start = Clock::now();
    Result result;
    result.producersMs =
        runThreads(threads, records, [&](QByteArray bytes) { writer.write(std::move(bytes)); });
    writer.shutdown();
    result.totalMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::fclose(stream);
    return result;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
    const int records = argc > 2 ? std::atoi(argv[2]) : 100000;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
    g_raw = argc > 4 && std::strcmp(argv[4], "raw") == 0;
    g_qdatetime = argc > 4 && std::strcmp(argv[4], "qdatetime") == 0;
    std::vector<double> producerRatios, totalRatios;
    for (int run = 0; run < runs; ++run) {
        const Result old = runOld(threads, records);
        const Result now = runNew(threads, records);
        const double n = double(threads) * records;
        std::printf("run %d: old %.0f rec/s (producers %.0f ms)  new %.0f rec/s end to end, "
                    "producers %.0f ms\n",
                    run + 1, n / old.totalMs * 1000, old.producersMs, n / now.totalMs * 1000,
                    now.producersMs);
        producerRatios.push_back(old.producersMs / now.producersMs);
        totalRatios.push_back(old.totalMs / now.totalMs);
    }
    std::printf("%d threads x %d records, median of %d runs: new/old throughput %.2fx end to end, "
                "%.2fx for the logging threads\n",
                threads, records, runs, median(totalRatios), median(producerRatios));
    return 0;
}
