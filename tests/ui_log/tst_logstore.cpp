// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogStore (the ring) and LogFilter/LogMatcher (what passes), without widgets.
#include "logfilter.h"
#include "logstore.h"
#include "logtestutil.h"

#include <QTest>

using namespace qpalm;
using namespace qpalm::test;

namespace {

std::vector<quint64> collect(const LogStore &store, const LogFilter &filter)
{
    std::vector<quint64> out;
    LogMatcher(filter, store).collect(store, store.firstSerial(), store.endSerial(), out);
    return out;
}

} // namespace

class TestLogStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendKeepsOrderAndFields()
    {
        LogStore store(10);
        QCOMPARE(store.capacity(), 10);
        QVERIFY(store.isEmpty());
        LogBatch batch = makeBatch(0, 3);
        batch[1].traceback = QStringLiteral("tb");
        batch[2].server = QStringLiteral("beta");
        batch[2].level = LogLevel::Warning;
        QCOMPARE(store.append(batch), 0);
        QCOMPARE(store.size(), 3);
        QCOMPARE(store.firstSerial(), 0u);
        QCOMPARE(store.endSerial(), 3u);
        const LogRecord r1 = store.record(1);
        QCOMPARE(r1.text, QStringLiteral("message 1"));
        QCOMPARE(r1.traceback, QStringLiteral("tb"));
        QCOMPARE(r1.msecsSinceEpoch, BaseMsecs + 1);
        QCOMPARE(r1.sequence, 2u);
        QCOMPARE(store.record(2).server, QStringLiteral("beta"));
        QCOMPARE(store.record(2).level, LogLevel::Warning);
        QVERIFY(store.record(0).traceback.isEmpty());
        QCOMPARE(store.serverNames(),
                 (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        QCOMPARE(store.serverId(QStringLiteral("beta")), 1);
        QCOMPARE(store.serverId(QStringLiteral("nobody")), -1);
        // The text is shared, not copied.
        QCOMPARE(store.at(0).text.constData(), batch.at(0).text.constData());
    }

    void ringEvictsOldest()
    {
        LogStore store(5);
        store.append(makeBatch(0, 4));
        QCOMPARE(store.evictionCount(3), 2);
        LogBatch more = makeBatch(4, 3);
        more[2].traceback = QStringLiteral("late traceback");
        QCOMPARE(store.append(more), 2);
        QCOMPARE(store.size(), 5);
        QCOMPARE(store.firstSerial(), 2u);
        QCOMPARE(store.endSerial(), 7u);
        for (quint64 s = 2; s < 7; ++s)
            QCOMPARE(store.record(s).text, QStringLiteral("message %1").arg(s));
        QCOMPARE(store.traceback(6), QStringLiteral("late traceback"));
        // Many wraps.
        for (int i = 7; i < 1000; i += 3)
            store.append(makeBatch(i, 3));
        QCOMPARE(store.size(), 5);
        QCOMPARE(store.endSerial(), 1000u);
        QCOMPARE(store.record(store.endSerial() - 1).text, QStringLiteral("message 999"));
        QCOMPARE(store.record(store.firstSerial()).text, QStringLiteral("message 995"));
    }

    void largeRingAcrossBlocks()
    {
        // Capacity not a multiple of the storage block, many wraps, then resized both ways.
        LogStore store(40'001);
        for (int i = 0; i < 100'000; i += 777) {
            LogBatch b = makeBatch(i, 777);
            b[5].traceback = QStringLiteral("tb %1").arg(i + 5);
            store.append(b);
        }
        const quint64 end = 100'000 / 777 * 777 + 777;
        QCOMPARE(store.endSerial(), end);
        QCOMPARE(store.size(), 40'001);
        const auto check = [&store] {
            quint64 expected = store.firstSerial();
            store.forEachRun(
                0, store.endSerial(), [&](const LogStore::Entry *e, qsizetype n, quint64 first) {
                    QCOMPARE(first, expected);
                    for (qsizetype i = 0; i < n; ++i)
                        QCOMPARE(e[i].text, QStringLiteral("message %1").arg(first + quint64(i)));
                    expected += quint64(n);
                });
            QCOMPARE(expected, store.endSerial());
            for (quint64 s = store.firstSerial(); s < store.endSerial(); s += 997)
                QCOMPARE(store.record(s).text, QStringLiteral("message %1").arg(s));
        };
        check();
        QCOMPARE(store.traceback(end - 777 + 5), QStringLiteral("tb %1").arg(end - 777 + 5));
        store.setCapacity(30'000);
        check();
        QCOMPARE(store.size(), 30'000);
        store.setCapacity(70'000);
        store.append(makeBatch(int(end), 50'000));
        QCOMPARE(store.size(), 70'000);
        check();
        QCOMPARE(store.traceback(end - 777 + 5), QStringLiteral("tb %1").arg(end - 777 + 5));
    }

    void tracebacksEvictedWithTheirRecords()
    {
        LogStore store(3);
        LogBatch batch = makeBatch(0, 3);
        batch[0].traceback = QStringLiteral("first");
        batch[2].traceback = QStringLiteral("third");
        store.append(batch);
        store.append(makeBatch(3, 1));
        QVERIFY(!store.contains(0));
        QCOMPARE(store.traceback(0), QString());
        QCOMPARE(store.traceback(2), QStringLiteral("third"));
    }

    void batchLargerThanCapacity()
    {
        LogStore store(4);
        store.append(makeBatch(0, 2));
        QCOMPARE(store.append(makeBatch(2, 10)), 2);
        QCOMPARE(store.size(), 4);
        QCOMPARE(store.firstSerial(), 8u);
        QCOMPARE(store.endSerial(), 12u);
        QCOMPARE(store.record(8).text, QStringLiteral("message 8"));
        QCOMPARE(store.record(11).text, QStringLiteral("message 11"));
    }

    void setCapacityKeepsNewest()
    {
        LogStore store(6);
        store.append(makeBatch(0, 9)); // wrapped: serials 3..8
        store.setCapacity(4);
        QCOMPARE(store.capacity(), 4);
        QCOMPARE(store.firstSerial(), 5u);
        QCOMPARE(store.record(5).text, QStringLiteral("message 5"));
        QCOMPARE(store.record(8).text, QStringLiteral("message 8"));
        store.setCapacity(100);
        QCOMPARE(store.size(), 4);
        store.append(makeBatch(9, 2));
        QCOMPARE(store.size(), 6);
        QCOMPARE(store.record(10).text, QStringLiteral("message 10"));
        QCOMPARE(store.record(5).text, QStringLiteral("message 5"));
        store.setCapacity(0);
        QCOMPARE(store.capacity(), 1);
        QCOMPARE(store.size(), 1);
    }

    void clearKeepsSerialsIncreasing()
    {
        LogStore store(10);
        store.append(makeBatch(0, 5));
        store.clear();
        QVERIFY(store.isEmpty());
        QCOMPARE(store.firstSerial(), 5u);
        QCOMPARE(store.serverCount(), 0);
        store.append(makeBatch(0, 1, QStringLiteral("gamma")));
        QCOMPARE(store.firstSerial(), 5u);
        QCOMPARE(store.record(5).server, QStringLiteral("gamma"));
    }

    void forEachRunCoversWrappedRange()
    {
        LogStore store(7);
        for (int i = 0; i < 12; i += 3)
            store.append(makeBatch(i, 3)); // serials 5..11, wrapped
        std::vector<quint64> seen;
        int runs = 0;
        store.forEachRun(0, 100, [&](const LogStore::Entry *e, qsizetype n, quint64 first) {
            ++runs;
            for (qsizetype i = 0; i < n; ++i) {
                QCOMPARE(e[i].text, QStringLiteral("message %1").arg(first + quint64(i)));
                seen.push_back(first + quint64(i));
            }
        });
        QCOMPARE(runs, 2);
        QCOMPARE(seen.size(), size_t(7));
        QCOMPARE(seen.front(), 5u);
        QCOMPARE(seen.back(), 11u);
    }

    void filterByServerLevelText()
    {
        LogStore store(100);
        store.append(
            {makeRecord(1, QStringLiteral("alpha"), LogLevel::Debug, QStringLiteral("Starting up")),
             makeRecord(2, QStringLiteral("beta"), LogLevel::Info,
                        QStringLiteral("got MESSAGE 42")),
             makeRecord(3, QStringLiteral("alpha"), LogLevel::Warning,
                        QStringLiteral("slow reply")),
             makeRecord(4, QStringLiteral("gamma"), LogLevel::Error,
                        QStringLiteral("User function gave an error"),
                        luaTraceback(QStringLiteral("error.lua"), 7, QStringLiteral("boom"))),
             makeRecord(5, QStringLiteral("beta"), LogLevel::Critical,
                        QStringLiteral("disk full"))});
        LogFilter f;
        QVERIFY(f.isTrivial());
        QCOMPARE(collect(store, f), (std::vector<quint64>{0, 1, 2, 3, 4}));

        f.setServers({QStringLiteral("beta"), QStringLiteral("gamma")});
        QCOMPARE(collect(store, f), (std::vector<quint64>{1, 3, 4}));
        f.setServers({QStringLiteral("not-yet-seen")});
        QCOMPARE(collect(store, f), std::vector<quint64>{});
        f.setServers({});

        f.setMinimumLevel(LogLevel::Warning);
        QCOMPARE(collect(store, f), (std::vector<quint64>{2, 3, 4}));
        f.setMinimumLevel(LogLevel::Debug);

        f.setText(QStringLiteral("message"));
        QCOMPARE(collect(store, f), std::vector<quint64>{1});
        f.setText(QStringLiteral("message"), false, Qt::CaseSensitive);
        QCOMPARE(collect(store, f), std::vector<quint64>{});
        // The traceback is searched too.
        f.setText(QStringLiteral("boom"));
        QCOMPARE(collect(store, f), std::vector<quint64>{3});

        f.setText(QStringLiteral("^(slow|disk)\\s"), true);
        QVERIFY(f.isValid());
        QCOMPARE(collect(store, f), (std::vector<quint64>{2, 4}));
        f.setText(QStringLiteral("MESSAGE \\d+$"), true, Qt::CaseSensitive);
        QCOMPARE(collect(store, f), std::vector<quint64>{1});
        f.setText(QStringLiteral("error\\.lua:\\d+"), true);
        QCOMPARE(collect(store, f), std::vector<quint64>{3});

        // Everything at once.
        f.setServers({QStringLiteral("alpha"), QStringLiteral("beta")});
        f.setMinimumLevel(LogLevel::Info);
        f.setText(QStringLiteral("s"));
        QCOMPARE(collect(store, f), (std::vector<quint64>{1, 2, 4}));
    }

    void serversInternedAfterTheMatcherAreFound()
    {
        LogStore store(100);
        store.append(makeBatch(0, 2, QStringLiteral("alpha")));
        LogFilter f;
        f.setServers({QStringLiteral("late")});
        LogMatcher matcher(f, store);
        store.append(makeBatch(2, 2, QStringLiteral("late")));
        std::vector<quint64> out;
        matcher.collect(store, 0, store.endSerial(), out); // without refresh: slow path
        QCOMPARE(out, (std::vector<quint64>{2, 3}));
        out.clear();
        matcher.refreshServers(store);
        matcher.collect(store, 0, store.endSerial(), out);
        QCOMPARE(out, (std::vector<quint64>{2, 3}));
    }

    void invalidRegexIsReported()
    {
        LogFilter f;
        f.setText(QStringLiteral("(unclosed"), true);
        QVERIFY(!f.isValid());
        QVERIFY2(f.errorString().contains(QStringLiteral("(unclosed")),
                 qPrintable(f.errorString()));
        QVERIFY(f.errorString().contains(QStringLiteral("offset")));
        // As plain text the same pattern is fine.
        f.setText(QStringLiteral("(unclosed"), false);
        QVERIFY(f.isValid());
        QVERIFY(f.errorString().isEmpty());
        LogStore store(10);
        store.append(
            {makeRecord(1, QStringLiteral("a"), LogLevel::Info, QStringLiteral("x (unclosed y"))});
        QCOMPARE(collect(store, f), std::vector<quint64>{0});
    }

    void parallelCollectMatchesSequential()
    {
        // Large enough to be split across threads, wrapped so runs cross the ring's end.
        const int n = int(LogMatcher::ParallelThreshold) * 2 + 777;
        LogStore store(n);
        const QStringList servers{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        LogBatch batch;
        for (int i = 0; i < n + 5000; ++i) {
            batch.append(makeRecord(
                i, servers.at(i % 3), static_cast<LogLevel>(10 * (1 + i % 5)),
                QStringLiteral("item %1 %2")
                    .arg(i)
                    .arg(i % 7 == 0 ? QStringLiteral("seven") : QStringLiteral("other"))));
            if (batch.size() == 10000) {
                store.append(batch);
                batch.clear();
            }
        }
        store.append(batch);
        QCOMPARE(store.size(), n);
        LogFilter f;
        f.setServers({QStringLiteral("a"), QStringLiteral("c")});
        f.setMinimumLevel(LogLevel::Info);
        f.setText(QStringLiteral("SEVEN"));
        LogMatcher matcher(f, store);
        std::vector<quint64> parallel;
        matcher.collect(store, store.firstSerial(), store.endSerial(), parallel);
        std::vector<quint64> sequential;
        for (quint64 s = store.firstSerial(); s < store.endSerial(); ++s) {
            if (matcher.matches(store, s))
                sequential.push_back(s);
        }
        QVERIFY(!sequential.empty());
        QCOMPARE(parallel, sequential);

        f.setText(QStringLiteral("^item \\d*3 seven$"), true);
        LogMatcher re(f, store);
        parallel.clear();
        re.collect(store, store.firstSerial(), store.endSerial(), parallel);
        sequential.clear();
        for (quint64 s = store.firstSerial(); s < store.endSerial(); ++s) {
            if (re.matches(store, s))
                sequential.push_back(s);
        }
        QVERIFY(!sequential.empty());
        QCOMPARE(parallel, sequential);
    }

    // Issue 10: a DEBUG flood cannot evict the errors; memory stays bounded by the two caps.
    void debugFloodKeepsWarningsAndErrors()
    {
        LogStore store(1000);
        store.setKeptCapacity(50);
        LogBatch first;
        first.append(makeRecord(BaseMsecs, QStringLiteral("w"), LogLevel::Error,
                                QStringLiteral("the error"),
                                luaTraceback(QStringLiteral("w.lua"), 3, QStringLiteral("boom"))));
        first.append(makeRecord(BaseMsecs + 1, QStringLiteral("w"), LogLevel::Warning,
                                QStringLiteral("the warning")));
        store.append(first);
        for (int i = 0; i < 20; ++i)
            store.append(makeBatch(i * 500, 500, QStringLiteral("w"), LogLevel::Debug));
        QCOMPARE(store.size(), 1000);
        QCOMPARE(store.keptCount(), 2);
        QCOMPARE(store.heldCount(), 1002);
        QCOMPARE(store.oldestSerial(), quint64(0));
        QVERIFY(store.contains(0) && store.contains(1) && !store.contains(2));
        QCOMPARE(store.record(0).text, QStringLiteral("the error"));
        QVERIFY(store.record(0).traceback.contains(QStringLiteral("w.lua:3: boom")));
        QCOMPARE(store.record(1).level, LogLevel::Warning);

        // A filter over everything held finds them (kept records first, in serial order).
        LogFilter f;
        f.setMinimumLevel(LogLevel::Warning);
        LogMatcher matcher(f, store);
        std::vector<quint64> out;
        matcher.collect(store, 0, store.endSerial(), out);
        QCOMPARE(out, (std::vector<quint64>{0, 1}));
        f.setText(QStringLiteral("boom"));
        LogMatcher tracebackMatcher(f, store);
        out.clear();
        tracebackMatcher.collect(store, 0, store.endSerial(), out);
        QCOMPARE(out, std::vector<quint64>{0});

        // Past the kept cap the oldest kept go first; a batch larger than the ring keeps its
        // errors too.
        LogBatch errors;
        for (int i = 0; i < 2000; ++i)
            errors.append(makeRecord(BaseMsecs + i, QStringLiteral("w"),
                                     i % 40 == 0 ? LogLevel::Critical : LogLevel::Info,
                                     QStringLiteral("e%1").arg(i)));
        store.append(errors);
        QCOMPARE(store.keptCount(), 27); // 2 + 25 criticals among the 1000 that left the ring
        QVERIFY(store.contains(0));
        store.setKeptCapacity(10);
        QCOMPARE(store.keptCount(), 10);
        QVERIFY(!store.contains(0));
        QCOMPARE(store.record(store.oldestSerial()).level, LogLevel::Critical);
        store.clear();
        QCOMPARE(store.keptCount(), 0);
        QVERIFY(store.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLogStore)
#include "tst_logstore.moc"
