// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Log viewer benchmarks (run by hand, see docs/bench-log.md):
//   bench_log stall  [--rate N] [--seconds S] [--capacity N] [--filter TEXT] [--runs R]
//     feeds N records/s from a producer thread (batches every 10 ms, as queued signals)
//     into a shown LogViewer + ErrorInbox and measures how late a 5 ms GUI-thread timer fires.
//   bench_log filter [--records N] [--runs R]
//     fills a LogViewer with N records and times each kind of filter change (model reset and
//     view relayout included).
//   bench_log flood [--records N] [--capacity N] [--runs R]
//     ingests N records (a DEBUG flood with one ERROR in 1000) into a LogViewer with a ring of
//     `capacity`, reports time, RSS and how many errors are still held, then times filters
//     over what is held (background filtering included, up to the view's repaint).
#include "errorinbox.h"
#include "logmodel.h"
#include "logview.h"
#include "logviewer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

using namespace qpalm;

namespace {

const QStringList Servers{QStringLiteral("master"),   QStringLiteral("worker-1"),
                          QStringLiteral("worker-2"), QStringLiteral("worker-3"),
                          QStringLiteral("worker-4"), QStringLiteral("hub"),
                          QStringLiteral("pipeline"), QStringLiteral("sink")};

// Deterministic mix: 60% INFO, 25% DEBUG, 10% WARNING, 4% ERROR (1 in 4 with a traceback),
// 1% CRITICAL; texts 40-80 characters.
LogRecord syntheticRecord(quint64 i, qint64 msecs)
{
    LogRecord r;
    r.msecsSinceEpoch = msecs;
    r.server = Servers.at(int(i % quint64(Servers.size())));
    r.sequence = i + 1;
    const quint64 h = (i * 2654435761u) % 100;
    if (h < 60) {
        r.level = LogLevel::Info;
        r.text = QStringLiteral("Got a message from client %1, payload %2 bytes")
                     .arg(i % 97)
                     .arg((i * 31) % 4096);
    } else if (h < 85) {
        r.level = LogLevel::Debug;
        r.text = QStringLiteral("Dispatching job %1 to stage %2").arg(i).arg(i % 5);
    } else if (h < 95) {
        r.level = LogLevel::Warning;
        r.text = QStringLiteral("worker-%1 took %2 ms to answer, above the timeout hint")
                     .arg(i % 4 + 1)
                     .arg(100 + (i * 7) % 900);
    } else if (h < 99) {
        r.level = LogLevel::Error;
        r.text = QStringLiteral("User function gave an error");
        if (h == 95)
            r.traceback = QStringLiteral(
                              "error.lua:%1: attempt to index a nil value (field 'x')\n"
                              "stack traceback:\n\t[C]: in ?\n\terror.lua:%1: in function 'handle'")
                              .arg(7 + i % 3);
        else
            r.text = QStringLiteral("Connection to tcp://127.0.0.1:%1 refused").arg(5550 + i % 8);
    } else {
        r.level = LogLevel::Critical;
        r.text = QStringLiteral("Cache is full, dropping key %1").arg(i);
    }
    return r;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

long rssMiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? long(fields.at(1).toLongLong() * 4096 / (1024 * 1024)) : -1;
}

struct StallResult
{
    double maxLateMs = 0;
    double p99LateMs = 0;
    double p50LateMs = 0;
    qint64 sent = 0;
    int rows = 0;
    long rss = 0;
};

StallResult runStall(int rate, int seconds, int capacity, const QString &filter)
{
    LogViewer viewer;
    ErrorInbox inbox;
    viewer.setCapacity(capacity);
    if (!filter.isEmpty())
        viewer.setTextFilter(filter);
    viewer.resize(1400, 900);
    inbox.resize(1000, 400);
    viewer.show();
    inbox.show();
    QApplication::processEvents();

    std::atomic<bool> stop{false};
    std::atomic<qint64> sent{0};
    const int perBatch = std::max(1, rate / 100);
    std::thread producer([&] {
        using clock = std::chrono::steady_clock;
        auto next = clock::now();
        quint64 i = 0;
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        while (!stop.load()) {
            LogBatch batch;
            batch.reserve(perBatch);
            for (int k = 0; k < perBatch; ++k, ++i)
                batch.append(syntheticRecord(i, t0 + qint64(i / 100)));
            sent += perBatch;
            QMetaObject::invokeMethod(
                &viewer,
                [&viewer, &inbox, batch] {
                    viewer.appendRecords(batch);
                    inbox.appendRecords(batch);
                },
                Qt::QueuedConnection);
            next += std::chrono::milliseconds(10);
            std::this_thread::sleep_until(next);
        }
    });

    std::vector<double> late;
    late.reserve(size_t(seconds) * 250);
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    qint64 last = 0;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        late.push_back(std::max(0.0, double(now - last) / 1e6 - 5.0));
        last = now;
    });
    QTimer end;
    end.setSingleShot(true);
    QObject::connect(&end, &QTimer::timeout, [&] { QApplication::quit(); });
    clock.start();
    tick.start();
    end.start(seconds * 1000);
    QApplication::exec();
    tick.stop();
    stop = true;
    producer.join();
    QApplication::processEvents(); // deliver the last queued batches
    viewer.model()->flush();

    StallResult r;
    if (!late.empty())
        late.erase(late.begin()); // the first tick measures from start()
    r.maxLateMs = late.empty() ? 0 : *std::max_element(late.begin(), late.end());
    r.p99LateMs = percentile(late, 0.99);
    r.p50LateMs = percentile(late, 0.50);
    r.sent = sent.load();
    r.rows = viewer.model()->rowCount();
    r.rss = rssMiB();
    return r;
}

void benchStall(int rate, int seconds, int capacity, const QString &filter, int runs)
{
    std::printf("stall: %d records/s for %d s, capacity %d, filter \"%s\", %d run(s)\n", rate,
                seconds, capacity, qPrintable(filter), runs);
    std::vector<double> maxima;
    for (int run = 0; run < runs; ++run) {
        const StallResult r = runStall(rate, seconds, capacity, filter);
        maxima.push_back(r.maxLateMs);
        std::printf("  run %d: longest stall %.1f ms, p99 %.2f ms, median %.2f ms; "
                    "%lld sent, %d rows shown, RSS %ld MiB\n",
                    run + 1, r.maxLateMs, r.p99LateMs, r.p50LateMs, static_cast<long long>(r.sent),
                    r.rows, r.rss);
        std::fflush(stdout);
    }
    std::printf("  median of longest stalls: %.1f ms (bar: 50 ms)\n", median(maxima));
}

// Returns once a background filter (if one started) has been applied and painted.
void settle(LogViewer &viewer)
{
    while (viewer.model()->isFiltering())
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    QApplication::processEvents();
}

void benchFlood(qint64 records, int capacity, int runs)
{
    LogViewer viewer;
    viewer.resize(1400, 900);
    viewer.show();
    viewer.setCapacity(capacity);
    QApplication::processEvents();
    const long rssBefore = rssMiB();
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer fill;
    fill.start();
    qint64 errors = 0;
    for (qint64 i = 0; i < records; i += 10000) {
        LogBatch batch;
        batch.reserve(10000);
        for (qint64 k = i; k < std::min(records, i + 10000); ++k) {
            LogRecord r = syntheticRecord(quint64(k), t0 + k / 1000);
            if (k % 1000 == 0) {
                r.level = LogLevel::Error;
                r.text = QStringLiteral("User function gave an error");
                r.traceback = QStringLiteral("worker.lua:%1: flood error %2\nstack traceback:\n"
                                             "\tworker.lua:%1: in function 'handle'")
                                  .arg(7 + k % 5)
                                  .arg(k);
                ++errors;
            } else {
                r.level = LogLevel::Debug;
            }
            batch.append(std::move(r));
        }
        viewer.appendRecords(batch);
        if ((i / 10000) % 10 == 9) { // a flush per 100 k records, as the 100 ms timer would
            viewer.model()->flush();
            QApplication::processEvents();
        }
    }
    viewer.model()->flush();
    QApplication::processEvents();
    const double ingestMs = double(fill.nsecsElapsed()) / 1e6;
    const LogStore &store = viewer.model()->store();
    std::printf(
        "flood: %lld records (%lld ERROR) ingested in %.0f ms (%.0f k records/s); ring %lld "
        "of %d, kept %lld; rows %d; RSS %ld MiB (%ld MiB before)\n",
        records, errors, ingestMs, double(records) / ingestMs, qint64(store.size()), capacity,
        qint64(store.keptCount()), viewer.model()->rowCount(), rssMiB(), rssBefore);

    viewer.setMinimumLevel(LogLevel::Error);
    settle(viewer);
    std::printf("  errors still held: %d of %lld\n", viewer.model()->rowCount(), errors);
    viewer.setMinimumLevel(LogLevel::Debug);
    settle(viewer);

    struct Case
    {
        const char *name;
        std::function<void()> apply;
    };
    const std::vector<Case> cases{
        {"level >= ERROR", [&] { viewer.setMinimumLevel(LogLevel::Error); }},
        {"text \"flood error 9\" (any case)",
         [&] { viewer.setTextFilter(QStringLiteral("flood error 9")); }},
        {"text \"client 42,\" (any case)",
         [&] { viewer.setTextFilter(QStringLiteral("client 42,")); }},
        {"regex \"^Dispatching job \\d+7 \"",
         [&] { viewer.setTextFilter(QStringLiteral("^Dispatching job \\d+7 "), true); }},
        {"server worker-1", [&] { viewer.setServerFilter({QStringLiteral("worker-1")}); }},
    };
    for (const Case &c : cases) {
        std::vector<double> times;
        int shown = 0;
        for (int run = 0; run < runs; ++run) {
            viewer.setServerFilter({});
            viewer.setMinimumLevel(LogLevel::Debug);
            viewer.setTextFilter(QString());
            settle(viewer);
            QElapsedTimer t;
            t.start();
            c.apply();
            settle(viewer);
            times.push_back(double(t.nsecsElapsed()) / 1e6);
            shown = viewer.model()->rowCount();
        }
        std::sort(times.begin(), times.end());
        std::printf("  %-36s median %7.1f ms  (min %7.1f, max %7.1f)  %9d rows\n", c.name,
                    median(times), times.front(), times.back(), shown);
        std::fflush(stdout);
    }
}

void benchFilter(int records, int runs)
{
    LogViewer viewer;
    viewer.resize(1400, 900);
    viewer.show();
    viewer.setCapacity(records);
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer fill;
    fill.start();
    for (int i = 0; i < records; i += 10000) {
        LogBatch batch;
        for (int k = i; k < std::min(records, i + 10000); ++k)
            batch.append(syntheticRecord(quint64(k), t0 + k / 100));
        viewer.appendRecords(batch);
    }
    viewer.model()->flush();
    QApplication::processEvents();
    std::printf("filter: %d records stored in %.0f ms, RSS %ld MiB, %d run(s) each\n",
                viewer.model()->rowCount(), double(fill.nsecsElapsed()) / 1e6, rssMiB(), runs);

    struct Case
    {
        const char *name;
        std::function<void()> apply;
        std::function<void()> prepare = {}; // after the reset to "everything", untimed
    };
    const auto reset = [&] {
        viewer.setServerFilter({});
        viewer.setMinimumLevel(LogLevel::Debug);
        viewer.setTextFilter(QString());
        viewer.setCaseSensitive(false);
    };
    const std::vector<Case> cases{
        {"level >= WARNING", [&] { viewer.setMinimumLevel(LogLevel::Warning); }},
        {"servers {worker-1, hub}",
         [&] {
             viewer.setServerFilter({QStringLiteral("worker-1"), QStringLiteral("hub")});
         }},
        {"text \"timeout\" (any case)", [&] { viewer.setTextFilter(QStringLiteral("timeout")); }},
        {"text \"client 42,\" (any case)",
         [&] { viewer.setTextFilter(QStringLiteral("client 42,")); }},
        {"text \"Timeout\" (match case)",
         [&] {
             viewer.setCaseSensitive(true);
             viewer.setTextFilter(QStringLiteral("Timeout"));
         }},
        {"regex \"took [5-9]\\d\\d ms\"",
         [&] { viewer.setTextFilter(QStringLiteral("took [5-9]\\d\\d ms"), true); }},
        {"regex \"^Dispatching job \\d+7 \"",
         [&] { viewer.setTextFilter(QStringLiteral("^Dispatching job \\d+7 "), true); }},
        {"servers + level + text",
         [&] {
             viewer.setServerFilter({QStringLiteral("worker-2"), QStringLiteral("worker-3")});
             viewer.setMinimumLevel(LogLevel::Warning);
             viewer.setTextFilter(QStringLiteral("ms"));
         }},
        {"everything again (from CRITICAL only)", [&] { viewer.setMinimumLevel(LogLevel::Debug); },
         [&] { viewer.setMinimumLevel(LogLevel::Critical); }},
    };
    for (const Case &c : cases) {
        std::vector<double> times;
        int shown = 0;
        for (int run = 0; run < runs; ++run) {
            reset();
            if (c.prepare)
                c.prepare();
            settle(viewer);
            QElapsedTimer t;
            t.start();
            c.apply();
            settle(viewer); // the background filter (if any), the view's relayout and paint
            times.push_back(double(t.nsecsElapsed()) / 1e6);
            shown = viewer.model()->rowCount();
        }
        std::sort(times.begin(), times.end());
        std::printf("  %-38s median %6.1f ms  (min %6.1f, max %6.1f)  %8d rows\n", c.name,
                    median(times), times.front(), times.back(), shown);
        std::fflush(stdout);
    }

    // Export of everything shown, once per format.
    QTemporaryDir dir;
    for (const char *suffix : {"log", "csv", "jsonl"}) {
        const QString path = dir.filePath(QStringLiteral("export.") + QLatin1String(suffix));
        QElapsedTimer t;
        t.start();
        QString error;
        const bool ok = viewer.exportTo(path, &error);
        std::printf("  export %-6s %d rows: %s in %.0f ms, %.1f MiB\n", suffix,
                    viewer.model()->rowCount(), ok ? "written" : qPrintable(error),
                    double(t.nsecsElapsed()) / 1e6, double(QFileInfo(path).size()) / (1 << 20));
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("qpalm log viewer benchmarks"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("stall or filter"));
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Records per second."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Feed duration."),
                      QStringLiteral("s"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("capacity"), QStringLiteral("Ring capacity."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("filter"), QStringLiteral("Text filter during the feed."),
                      QStringLiteral("text")});
    parser.addOption({QStringLiteral("records"), QStringLiteral("Records to filter."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Repetitions."), QStringLiteral("n"),
                      QStringLiteral("5")});
    parser.process(app);
    const QString mode = parser.positionalArguments().value(0);
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());
    if (mode == u"stall") {
        benchStall(parser.value(QStringLiteral("rate")).toInt(),
                   parser.value(QStringLiteral("seconds")).toInt(),
                   parser.value(QStringLiteral("capacity")).toInt(),
                   parser.value(QStringLiteral("filter")), runs);
    } else if (mode == u"filter") {
        benchFilter(parser.value(QStringLiteral("records")).toInt(), runs);
    } else if (mode == u"flood") {
        benchFlood(parser.value(QStringLiteral("records")).toLongLong(),
                   parser.value(QStringLiteral("capacity")).toInt(), runs);
    } else {
        std::fprintf(stderr, "bench_log: unknown mode \"%s\" (use stall, filter or flood)\n",
                     qPrintable(mode));
        return 2;
    }
    return 0;
}
