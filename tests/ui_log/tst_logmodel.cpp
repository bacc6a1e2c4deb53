// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogModel: batched ingest, incremental filtered index, eviction, pause, filters; always
// checked by QAbstractItemModelTester.
#include "logmodel.h"
#include "logtestutil.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace qpalm;
using namespace qpalm::test;

namespace {

QStringList texts(const LogModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, LogModel::TextColumn).data(LogModel::FullTextRole).toString();
    return out;
}

QStringList messages(int from, int to) // "message from" .. "message to-1"
{
    QStringList out;
    for (int i = from; i < to; ++i)
        out << QStringLiteral("message %1").arg(i);
    return out;
}

} // namespace

class TestLogModel : public QObject
{
    Q_OBJECT
private:
    LogModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;

private Q_SLOTS:
    void init()
    {
        m_model = new LogModel(this);
        m_tester = new QAbstractItemModelTester(
            m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, m_model);
    }
    void cleanup()
    {
        delete m_model;
        m_model = nullptr;
    }

    void defaults()
    {
        QCOMPARE(m_model->capacity(), LogStore::DefaultCapacity);
        QCOMPARE(m_model->columnCount(), int(LogModel::ColumnCount));
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->headerData(LogModel::TextColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Message"));
    }

    void appendsAreBatchedIntoOneInsert()
    {
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy flushed(m_model, &LogModel::flushed);
        for (int i = 0; i < 10; ++i)
            m_model->appendRecords(makeBatch(i * 5, 5));
        QCOMPARE(m_model->rowCount(), 0); // nothing until the flush
        QCOMPARE(m_model->pendingCount(), 50);
        QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 50, 2000); // the batch timer flushed
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 49);
        QCOMPARE(flushed.count(), 1);
        QCOMPARE(flushed.first().at(0).toInt(), 50);
        QCOMPARE(texts(*m_model), messages(0, 50));
    }

    void dataRolesAndColours()
    {
        LogBatch batch{
            makeRecord(BaseMsecs, QStringLiteral("alpha"), LogLevel::Debug, QStringLiteral("dbg")),
            makeRecord(BaseMsecs, QStringLiteral("alpha"), LogLevel::Info,
                       QStringLiteral("two\nlines")),
            makeRecord(BaseMsecs, QStringLiteral("beta"), LogLevel::Warning,
                       QStringLiteral("warn")),
            makeRecord(BaseMsecs, QStringLiteral("beta"), LogLevel::Error, QStringLiteral("err"),
                       luaTraceback(QStringLiteral("e.lua"), 3, QStringLiteral("x")), 9),
            makeRecord(BaseMsecs, QStringLiteral("beta"), LogLevel::Critical,
                       QStringLiteral("crit")),
        };
        m_model->appendRecords(batch);
        m_model->flush();
        QCOMPARE(m_model->rowCount(), 5);
        const auto cell = [this](int row, int column, int role = Qt::DisplayRole) {
            return m_model->index(row, column).data(role);
        };
        QCOMPARE(cell(0, LogModel::TimeColumn).toString(), formatTimestamp(BaseMsecs));
        QCOMPARE(cell(2, LogModel::ServerColumn).toString(), QStringLiteral("beta"));
        QCOMPARE(cell(2, LogModel::LevelColumn).toString(), QStringLiteral("WARNING"));
        QCOMPARE(cell(1, LogModel::TextColumn).toString(), QStringLiteral("two \u2026"));
        QCOMPARE(cell(1, LogModel::TextColumn, LogModel::FullTextRole).toString(),
                 QStringLiteral("two\nlines"));
        QVERIFY(cell(3, LogModel::TextColumn).toString().endsWith(QStringLiteral("err")));
        QVERIFY(cell(3, LogModel::TextColumn, LogModel::HasTracebackRole).toBool());
        QVERIFY(!cell(2, LogModel::TextColumn, LogModel::HasTracebackRole).toBool());
        QVERIFY(cell(3, LogModel::TextColumn, LogModel::TracebackRole)
                    .toString()
                    .startsWith(QStringLiteral("e.lua:3: x")));
        QCOMPARE(cell(3, 0, LogModel::SequenceRole).toULongLong(), 9u);
        QCOMPARE(cell(3, 0, LogModel::LevelRole).toInt(), 40);
        QCOMPARE(cell(3, 0, LogModel::SerialRole).toULongLong(), 3u);

        QCOMPARE(cell(0, 0, Qt::ForegroundRole).value<QColor>(), QColor(0x80, 0x80, 0x80));
        QVERIFY(!cell(1, 0, Qt::ForegroundRole).isValid()); // INFO: the view's default
        QCOMPARE(cell(2, 0, Qt::ForegroundRole).value<QColor>(),
                 LogModel::levelForeground(LogLevel::Warning));
        QCOMPARE(cell(3, 0, Qt::ForegroundRole).value<QColor>(),
                 LogModel::levelForeground(LogLevel::Error));
        QCOMPARE(cell(4, 0, Qt::ForegroundRole).value<QColor>(), QColor(Qt::white));
        QCOMPARE(cell(4, 0, Qt::BackgroundRole).value<QColor>(),
                 LogModel::levelBackground(LogLevel::Critical));
        QVERIFY(cell(4, 0, Qt::FontRole).value<QFont>().bold());
        QVERIFY(!cell(3, 0, Qt::BackgroundRole).isValid());
        const QColor amber = LogModel::levelForeground(LogLevel::Warning);
        QVERIFY(amber.red() > amber.green() && amber.green() > amber.blue()); // amber, not red
        const QColor red = LogModel::levelForeground(LogLevel::Error);
        QVERIFY(red.red() > 150 && red.green() < 80);
        QCOMPARE(m_model->recordAt(3).text, QStringLiteral("err"));
    }

    void ringEvictionRemovesFrontRows()
    {
        m_model->setCapacity(100);
        m_model->appendRecords(makeBatch(0, 80));
        m_model->flush();
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        m_model->appendRecords(makeBatch(80, 50));
        m_model->flush();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 0);
        QCOMPARE(removed.first().at(2).toInt(), 29);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->rowCount(), 100);
        QCOMPARE(texts(*m_model), messages(30, 130));

        // Filtered rows: only the shown ones that were evicted are removed.
        LogFilter f;
        f.setText(QStringLiteral("5"));
        QVERIFY(m_model->setFilter(f));
        removed.clear();
        m_model->appendRecords(makeBatch(130, 20)); // evicts 30..49
        m_model->flush();
        QCOMPARE(removed.count(), 1);
        QStringList expected;
        for (const QString &t : messages(50, 150)) {
            if (t.contains(QLatin1Char('5')))
                expected << t;
        }
        QCOMPARE(texts(*m_model), expected);

        // Many wraps through the ring with small batches stay consistent.
        for (int i = 150; i < 2000; i += 37) {
            m_model->appendRecords(makeBatch(i, 37));
            if (i % 3 == 0)
                m_model->flush();
        }
        m_model->flush();
        expected.clear();
        for (const QString &t : messages(1900, 2000)) {
            if (t.contains(QLatin1Char('5')))
                expected << t;
        }
        QCOMPARE(texts(*m_model), expected);
        QCOMPARE(m_model->store().size(), 100);
    }

    void hugeBacklogIsBounded()
    {
        m_model->setCapacity(1000);
        for (int i = 0; i < 50; ++i)
            m_model->appendRecords(makeBatch(i * 100, 100));
        QVERIFY(m_model->pendingCount() <= 1000 + 100); // whole batches beyond capacity dropped
        m_model->flush();
        QCOMPARE(m_model->rowCount(), 1000);
        QCOMPARE(texts(*m_model), messages(4000, 5000));
    }

    void setCapacityShrinksFromTheFront()
    {
        m_model->appendRecords(makeBatch(0, 50));
        m_model->flush();
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        m_model->setCapacity(20);
        QCOMPARE(m_model->capacity(), 20);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(texts(*m_model), messages(30, 50));
        m_model->setCapacity(40);
        m_model->appendRecords(makeBatch(50, 30));
        m_model->flush();
        QCOMPARE(texts(*m_model), messages(40, 80));
    }

    void filtersApplyToExistingAndNewRecords()
    {
        m_model->appendRecords(makeBatch(0, 10, QStringLiteral("alpha")));
        m_model->appendRecords(makeBatch(10, 10, QStringLiteral("beta"), LogLevel::Warning));
        m_model->flush();
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        LogFilter f;
        f.setServers({QStringLiteral("beta"), QStringLiteral("gamma")});
        QVERIFY(m_model->setFilter(f));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(texts(*m_model), messages(10, 20));
        QVERIFY(m_model->setFilter(f)); // same filter: nothing to do
        QCOMPARE(reset.count(), 1);

        // New records are filtered incrementally, including a server first seen now.
        QSignalSpy servers(m_model, &LogModel::serversChanged);
        m_model->appendRecords(makeBatch(20, 5, QStringLiteral("gamma")));
        m_model->appendRecords(makeBatch(25, 5, QStringLiteral("alpha")));
        m_model->flush();
        QCOMPARE(servers.count(), 1);
        QCOMPARE(servers.first().at(0).toStringList(),
                 (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"),
                              QStringLiteral("gamma")}));
        QCOMPARE(texts(*m_model), messages(10, 25));

        f.setServers({});
        f.setMinimumLevel(LogLevel::Warning);
        QVERIFY(m_model->setFilter(f));
        QCOMPARE(texts(*m_model), messages(10, 20));

        f.setMinimumLevel(LogLevel::Debug);
        f.setText(QStringLiteral("message 2\\d$"), true);
        QVERIFY(m_model->setFilter(f));
        QCOMPARE(texts(*m_model), messages(20, 30));

        QCOMPARE(m_model->rowForSerial(22), 2);
        QCOMPARE(m_model->rowForSerial(5), -1);
        QCOMPARE(m_model->lowerBoundRow(5), 0);
        QCOMPARE(m_model->lowerBoundRow(1000), m_model->rowCount());

        // Pending records are included by a filter change.
        m_model->appendRecords(makeBatch(30, 5));
        QVERIFY(m_model->setFilter(LogFilter()));
        QCOMPARE(texts(*m_model), messages(0, 35));
        QCOMPARE(m_model->pendingCount(), 0);
    }

    void invalidRegexIsRefusedAndKeepsThePreviousFilter()
    {
        m_model->appendRecords(makeBatch(0, 20));
        m_model->flush();
        LogFilter f;
        f.setText(QStringLiteral("message 1"));
        QVERIFY(m_model->setFilter(f));
        const QStringList shown = texts(*m_model);
        QSignalSpy error(m_model, &LogModel::filterErrorChanged);
        LogFilter bad;
        bad.setText(QStringLiteral("message [1"), true);
        QVERIFY(!m_model->setFilter(bad));
        QCOMPARE(error.count(), 1);
        QVERIFY(
            error.first().at(0).toString().contains(QStringLiteral("Invalid regular expression")));
        QVERIFY(!m_model->filterError().isEmpty());
        QCOMPARE(m_model->filter(), f);
        QCOMPARE(texts(*m_model), shown);
        // Records still arrive under the previous filter.
        m_model->appendRecords(makeBatch(100, 1));
        m_model->flush();
        QCOMPARE(texts(*m_model).last(), QStringLiteral("message 100"));
        // A valid filter clears the error.
        QVERIFY(m_model->setFilter(LogFilter()));
        QCOMPARE(error.count(), 2);
        QVERIFY(error.last().at(0).toString().isEmpty());
        QVERIFY(m_model->filterError().isEmpty());
    }

    void pauseFreezesRowsButKeepsStoring()
    {
        m_model->appendRecords(makeBatch(0, 10));
        m_model->flush();
        QSignalSpy paused(m_model, &LogModel::pausedChanged);
        m_model->setPaused(true);
        QVERIFY(m_model->isPaused());
        QCOMPARE(paused.count(), 1);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        m_model->appendRecords(makeBatch(10, 10));
        m_model->flush();
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(m_model->rowCount(), 10);
        QCOMPARE(m_model->store().size(), 20);
        // A filter change while paused does not reveal what arrived during the pause.
        LogFilter f;
        f.setText(QStringLiteral("1"));
        QVERIFY(m_model->setFilter(f));
        QCOMPARE(texts(*m_model), QStringList{QStringLiteral("message 1")});
        QVERIFY(m_model->setFilter(LogFilter()));
        QCOMPARE(m_model->rowCount(), 10);
        m_model->appendRecords(makeBatch(20, 5)); // still pending at resume
        m_model->setPaused(false);
        QCOMPARE(paused.count(), 2);
        QCOMPARE(texts(*m_model), messages(0, 25));
    }

    void evictionWhilePaused()
    {
        m_model->setCapacity(10);
        m_model->appendRecords(makeBatch(0, 10));
        m_model->flush();
        m_model->setPaused(true);
        m_model->appendRecords(makeBatch(10, 6));
        m_model->flush();
        QCOMPARE(texts(*m_model), messages(6, 10)); // evicted rows leave even when paused
        m_model->appendRecords(makeBatch(16, 30));
        m_model->flush();
        QCOMPARE(m_model->rowCount(), 0);
        m_model->setPaused(false);
        QCOMPARE(texts(*m_model), messages(36, 46));
    }

    void clearDropsEverything()
    {
        m_model->appendRecords(makeBatch(0, 10));
        m_model->flush();
        m_model->appendRecords(makeBatch(10, 10)); // pending
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        m_model->clear();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->pendingCount(), 0);
        QVERIFY(m_model->store().isEmpty());
        m_model->appendRecords(makeBatch(20, 3, QStringLiteral("zeta")));
        m_model->flush();
        QCOMPARE(texts(*m_model), messages(20, 23));
        QCOMPARE(m_model->store().serverNames(), QStringList{QStringLiteral("zeta")});
    }

    void randomisedAgainstReference()
    {
        // Appends, flushes, filter, capacity and pause changes in random order, checked after
        // every step against a plain simulation (lists, linear scans, its own matching).
        QRandomGenerator rng(1234);
        const QStringList servers{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        int capacity = 300;
        m_model->setCapacity(capacity);
        // A small kept list, so its trimming is checked too and the reference stays small.
        int keptCapacity = 40;
        m_model->setKeptCapacity(keptCapacity);
        LogFilter filter;
        bool paused = false;
        qint64 pausedOrdinal = 0;
        QList<LogBatch> pending;
        qsizetype pendingCount = 0;
        QList<LogRecord> stored;
        qint64 storedTotal = 0;
        // Warnings and worse pushed out of the ring stay (with their ordinal).
        QList<std::pair<qint64, LogRecord>> kept;
        int made = 0;
        const auto dropOldest = [&] {
            const qint64 ordinal = storedTotal - stored.size();
            const LogRecord r = stored.takeFirst();
            if (static_cast<int>(r.level) >= static_cast<int>(LogLevel::Warning))
                kept.append({ordinal, r});
            while (kept.size() > keptCapacity)
                kept.removeFirst();
        };

        const auto flushRef = [&] {
            for (const LogBatch &b : std::as_const(pending)) {
                for (const LogRecord &r : b) {
                    stored.append(r);
                    ++storedTotal;
                    if (stored.size() > capacity)
                        dropOldest();
                }
            }
            pending.clear();
            pendingCount = 0;
        };
        // The reference's own regex, compiled once per filter: compiling it per record and step
        // (over a kept list that grows to thousands) was 70 % of this test's time.
        QRegularExpression regex;
        const auto passes = [&](const LogRecord &r) {
            if (!filter.servers().isEmpty() && !filter.servers().contains(r.server))
                return false;
            if (static_cast<int>(r.level) < static_cast<int>(filter.minimumLevel()))
                return false;
            if (filter.text().isEmpty())
                return true;
            if (filter.isRegex())
                return regex.match(r.text).hasMatch();
            return r.text.contains(filter.text(), Qt::CaseInsensitive);
        };

        for (int step = 0; step < 600; ++step) {
            const int action = int(rng.bounded(100));
            if (action < 55) {
                LogBatch batch;
                const int n = 1 + int(rng.bounded(60));
                for (int i = 0; i < n; ++i, ++made)
                    batch.append(
                        makeRecord(made, servers.at(int(rng.bounded(3))),
                                   static_cast<LogLevel>(10 * (1 + rng.bounded(5))),
                                   QStringLiteral("r%1 %2").arg(made).arg(rng.bounded(10))));
                m_model->appendRecords(batch);
                pending.append(batch);
                pendingCount += batch.size();
                while (pending.size() > 1 && pendingCount - pending.first().size() >= capacity) {
                    pendingCount -= pending.first().size();
                    pending.removeFirst();
                }
            } else if (action < 75) {
                m_model->flush();
                flushRef();
            } else if (action < 87) {
                LogFilter f;
                if (rng.bounded(2))
                    f.setServers({servers.at(int(rng.bounded(3)))});
                f.setMinimumLevel(static_cast<LogLevel>(10 * (1 + rng.bounded(3))));
                if (rng.bounded(2))
                    f.setText(QString::number(rng.bounded(10)) +
                                  (rng.bounded(2) ? QStringLiteral("$") : QString()),
                              rng.bounded(2) == 1);
                QVERIFY(m_model->setFilter(f));
                if (!(f == filter))
                    flushRef();
                filter = f;
                regex =
                    QRegularExpression(filter.text(), QRegularExpression::CaseInsensitiveOption);
            } else if (action < 90) {
                const int c = 50 + int(rng.bounded(400));
                m_model->setCapacity(c);
                if (c != capacity) {
                    flushRef();
                    capacity = c;
                    while (stored.size() > capacity)
                        dropOldest();
                }
            } else if (action < 93) {
                const int c = 20 + int(rng.bounded(200));
                m_model->setKeptCapacity(c);
                if (c != keptCapacity) {
                    flushRef();
                    keptCapacity = c;
                    while (kept.size() > keptCapacity)
                        kept.removeFirst();
                }
            } else {
                paused = !paused;
                m_model->setPaused(paused);
                if (paused)
                    pausedOrdinal = storedTotal;
                else
                    flushRef();
            }

            QCOMPARE(m_model->pendingCount(), pendingCount);
            QCOMPARE(m_model->store().size(), stored.size());
            QCOMPARE(m_model->store().keptCount(), kept.size());
            QStringList want;
            for (const auto &[ordinal, r] : std::as_const(kept)) {
                if (!(paused && ordinal >= pausedOrdinal) && passes(r))
                    want << r.text;
            }
            const qint64 firstOrdinal = storedTotal - stored.size();
            for (qsizetype i = 0; i < stored.size(); ++i) {
                if (paused && firstOrdinal + i >= pausedOrdinal)
                    break;
                if (passes(stored.at(i)))
                    want << stored.at(i).text;
            }
            QCOMPARE(texts(*m_model), want);
        }
    }
};

QTEST_MAIN(TestLogModel)
#include "tst_logmodel.moc"
