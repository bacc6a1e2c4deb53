// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ErrorInboxModel grouping (message + first frame), counts, first/last seen; the widget's links.
#include "errorinbox.h"
#include "logmodel.h"
#include "logtestutil.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace qpalm;
using namespace qpalm::test;

namespace {

const QString Generic = QStringLiteral("User function gave an error");

LogRecord luaError(qint64 msecs, const QString &server, const QString &file, int line,
                   const QString &message)
{
    return makeRecord(msecs, server, LogLevel::Error, Generic, luaTraceback(file, line, message));
}

int rowOf(const ErrorInboxModel &model, const QString &message, int line)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.group(row).message == message && model.group(row).frame.line == line)
            return row;
    }
    return -1;
}

} // namespace

class TestErrorInbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void errorMessage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("traceback");
        QTest::addColumn<QString>("message");
        QTest::newRow("lua") << Generic
                             << luaTraceback(QStringLiteral("a.lua"), 3, QStringLiteral("boom"))
                             << QStringLiteral("a.lua:3: boom");
        QTest::newRow("lua without message")
            << QStringLiteral("Failed: x\ndetails")
            << QStringLiteral("stack traceback:\n\ta.lua:3: in main chunk")
            << QStringLiteral("Failed: x");
        QTest::newRow("python")
            << Generic
            << QStringLiteral("Traceback (most recent call last):\n  File \"w.py\", line 3, in f\n"
                              "    g()\nValueError: bad\n")
            << QStringLiteral("ValueError: bad");
        QTest::newRow("no traceback") << QStringLiteral("  Connection refused  \nmore") << QString()
                                      << QStringLiteral("Connection refused");
    }
    void errorMessage()
    {
        QFETCH(QString, text);
        QFETCH(QString, traceback);
        QFETCH(QString, message);
        QCOMPARE(ErrorInboxModel::errorMessage(
                     makeRecord(0, QStringLiteral("s"), LogLevel::Error, text, traceback)),
                 message);
    }

    void groupsCountsAndTimes()
    {
        ErrorInboxModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counts(&model, &ErrorInboxModel::countsChanged);
        const QString boom = QStringLiteral("error.lua:7: boom");

        model.appendRecords({
            luaError(BaseMsecs + 500, QStringLiteral("worker-1"), QStringLiteral("error.lua"), 7,
                     QStringLiteral("boom")),
            makeRecord(BaseMsecs, QStringLiteral("worker-1"), LogLevel::Warning,
                       QStringLiteral("just a warning")),
            makeRecord(BaseMsecs, QStringLiteral("worker-1"), LogLevel::Info, Generic,
                       luaTraceback(QStringLiteral("error.lua"), 7,
                                    QStringLiteral("boom"))), // INFO: ignored
            luaError(BaseMsecs + 100, QStringLiteral("worker-2"), QStringLiteral("error.lua"), 7,
                     QStringLiteral("boom")),
            makeRecord(BaseMsecs + 50, QStringLiteral("master"), LogLevel::Error,
                       QStringLiteral("Connection refused")),
        });
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.errorCount(), 3);
        QCOMPARE(counts.count(), 1);
        QCOMPARE(counts.last().at(0).toInt(), 2);
        QCOMPARE(counts.last().at(1).toLongLong(), 3);

        int row = rowOf(model, boom, 7);
        QVERIFY(row >= 0);
        QCOMPARE(model.group(row).count, 2);
        QCOMPARE(model.group(row).frame.file, QStringLiteral("error.lua"));
        QCOMPARE(model.group(row).firstSeen, BaseMsecs + 100);
        QCOMPARE(model.group(row).lastSeen, BaseMsecs + 500);
        QCOMPARE(model.group(row).latest.server, QStringLiteral("worker-1"));
        QCOMPARE(model.group(row).servers,
                 (QStringList{QStringLiteral("worker-1"), QStringLiteral("worker-2")}));
        QCOMPARE(model.index(row, ErrorInboxModel::CountColumn).data().toLongLong(), 2);
        QCOMPARE(model.index(row, ErrorInboxModel::LocationColumn).data().toString(),
                 QStringLiteral("error.lua:7"));
        QCOMPARE(model.index(row, ErrorInboxModel::ServersColumn).data().toString(),
                 QStringLiteral("worker-1, worker-2"));
        QCOMPARE(model.index(row, ErrorInboxModel::FirstSeenColumn).data().toString(),
                 formatTimestamp(BaseMsecs + 100));
        QCOMPARE(model.index(row, ErrorInboxModel::LastSeenColumn).data().toString(),
                 formatTimestamp(BaseMsecs + 500));
        QCOMPARE(model.index(row, 0).data(ErrorInboxModel::LineRole).toInt(), 7);

        const int plain = rowOf(model, QStringLiteral("Connection refused"), 0);
        QVERIFY(plain >= 0);
        QVERIFY(!model.group(plain).frame.isValid());
        QCOMPARE(model.group(plain).count, 1);

        // Same message, other first frame: a new group. Same group again: counts and last seen.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendRecords({
            makeRecord(BaseMsecs + 900, QStringLiteral("worker-3"), LogLevel::Critical, Generic,
                       QStringLiteral("error.lua:7: boom\nstack traceback:\n\t[C]: in "
                                      "?\n\terror.lua:12: in function 'bar'")),
            luaError(BaseMsecs + 700, QStringLiteral("worker-3"), QStringLiteral("error.lua"), 7,
                     QStringLiteral("boom")),
            luaError(BaseMsecs + 10, QStringLiteral("worker-1"), QStringLiteral("error.lua"), 7,
                     QStringLiteral("boom")),
        });
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.errorCount(), 6);
        row = rowOf(model, boom, 7);
        QCOMPARE(model.group(row).count, 4);
        QCOMPARE(model.group(row).firstSeen, BaseMsecs + 10);
        QCOMPARE(model.group(row).lastSeen, BaseMsecs + 700);
        QCOMPARE(model.group(row).latest.server, QStringLiteral("worker-3"));
        QCOMPARE(model.group(row).servers.size(), 3);
        const int other = rowOf(model, boom, 12);
        QVERIFY(other >= 0);
        QCOMPARE(model.group(other).count, 1);
        QCOMPARE(model.group(other).level, LogLevel::Critical);
        QVERIFY(model.index(other, ErrorInboxModel::MessageColumn)
                    .data(Qt::FontRole)
                    .value<QFont>()
                    .bold());
        QVERIFY(!model.index(row, ErrorInboxModel::MessageColumn).data(Qt::FontRole).isValid());
        QCOMPARE(model.index(row, ErrorInboxModel::MessageColumn)
                     .data(Qt::ForegroundRole)
                     .value<QColor>(),
                 LogModel::levelForeground(LogLevel::Error));

        model.removeGroup(other);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.errorCount(), 5);
        // The hash still finds the groups after rows moved.
        model.appendRecords({makeRecord(BaseMsecs + 2000, QStringLiteral("master"), LogLevel::Error,
                                        QStringLiteral("Connection refused"))});
        QCOMPARE(model.group(rowOf(model, QStringLiteral("Connection refused"), 0)).count, 2);
        QCOMPARE(model.rowCount(), 2);

        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.errorCount(), 0);
        QCOMPARE(counts.last().at(0).toInt(), 0);
    }

    void manyServersAreSummarised()
    {
        ErrorInboxModel model;
        LogBatch batch;
        for (int i = 0; i < 12; ++i)
            batch.append(luaError(BaseMsecs + i, QStringLiteral("w-%1").arg(i),
                                  QStringLiteral("a.lua"), 1, QStringLiteral("x")));
        model.appendRecords(batch);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.group(0).servers.size(), 12);
        QVERIFY(model.index(0, ErrorInboxModel::ServersColumn)
                    .data()
                    .toString()
                    .endsWith(QStringLiteral("+4 more")));
    }

    void groupCountIsBounded()
    {
        ErrorInboxModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxGroups(20);
        for (int i = 0; i < 100; ++i)
            model.appendRecords({makeRecord(BaseMsecs + i, QStringLiteral("s"), LogLevel::Error,
                                            QStringLiteral("unique %1").arg(i))});
        QVERIFY(model.rowCount() <= 20);
        QVERIFY(model.rowCount() >= 18);
        // The most recently seen survive.
        QVERIFY(rowOf(model, QStringLiteral("unique 99"), 0) >= 0);
        QCOMPARE(rowOf(model, QStringLiteral("unique 0"), 0), -1);
        QCOMPARE(model.errorCount(), model.rowCount());
    }

    void widgetLinksEmitLocations()
    {
        ErrorInbox inbox;
        inbox.resize(900, 500);
        inbox.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inbox));
        QSignalSpy activated(&inbox, &ErrorInbox::tracebackLineActivated);
        QSignalSpy counts(&inbox, &ErrorInbox::countsChanged);
        inbox.appendRecords(
            {luaError(BaseMsecs, QStringLiteral("w"), QStringLiteral("/srv/scripts/error.lua"), 7,
                      QStringLiteral("boom"))});
        QCOMPARE(counts.count(), 1);
        QTableView *view = inbox.view();
        QCOMPARE(view->model()->rowCount(), 1);
        const QModelIndex first = view->model()->index(0, ErrorInboxModel::MessageColumn);
        view->setCurrentIndex(first);
        QVERIFY(inbox.tracebackView()->count() > 3);
        // Activating the group opens its first frame.
        Q_EMIT view->activated(first);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.last().at(0).toString(), QStringLiteral("/srv/scripts/error.lua"));
        QCOMPARE(activated.last().at(1).toInt(), 7);
        // Clicking a frame line of the latest traceback opens it.
        TracebackView *tb = inbox.tracebackView();
        QListWidgetItem *item = tb->firstLinkItem();
        QVERIFY(item);
        tb->scrollToItem(item);
        QTest::mouseClick(tb->viewport(), Qt::LeftButton, {}, tb->visualItemRect(item).center());
        QCOMPARE(activated.count(), 2);
        QCOMPARE(activated.last().at(0).toString(), QStringLiteral("/srv/scripts/error.lua"));
        inbox.clear();
        QCOMPARE(tb->count(), 0);
    }

    // Issue 10 item 9: nothing clipped beyond recovery in a narrow dock.
    void narrowInboxElidesWithToolTipsAndWrapsTraceback()
    {
        ErrorInbox inbox;
        inbox.resize(420, 400);
        inbox.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inbox));
        const QString longMessage =
            QStringLiteral("attempt to concatenate a nil value (global 'missing_variable_name')");
        inbox.appendRecords({luaError(BaseMsecs, QStringLiteral("worker-with-a-long-name-1"),
                                      QStringLiteral("pipeline_stage_two.lua"), 123, longMessage)});
        QTableView *view = inbox.view();
        QCOMPARE(view->textElideMode(), Qt::ElideMiddle); // both ends stay readable
        QVERIFY(view->isColumnHidden(ErrorInboxModel::FirstSeenColumn));
        const QAbstractItemModel *m = view->model();
        const auto tip = [&](int column) {
            return m->index(0, column).data(Qt::ToolTipRole).toString();
        };
        QVERIFY(tip(ErrorInboxModel::MessageColumn).contains(longMessage));
        QCOMPARE(tip(ErrorInboxModel::LocationColumn),
                 QStringLiteral("pipeline_stage_two.lua, line 123"));
        QCOMPARE(tip(ErrorInboxModel::ServersColumn), QStringLiteral("worker-with-a-long-name-1"));
        QVERIFY(tip(ErrorInboxModel::LastSeenColumn).startsWith(QStringLiteral("20")));
        QVERIFY(tip(ErrorInboxModel::CountColumn).contains(QStringLiteral("1 occurrence")));
        // The message column keeps the room the others leave.
        QVERIFY(view->columnWidth(ErrorInboxModel::MessageColumn) >= 100);

        // The traceback wraps: a line wider than the pane takes several lines, no horizontal bar.
        view->setCurrentIndex(m->index(0, 0));
        TracebackView *tb = inbox.tracebackView();
        QVERIFY(tb->wordWrap());
        QCOMPARE(tb->horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOff);
        QListWidgetItem *first = tb->item(1); // "file:line: message" (after the record's text)
        QVERIFY(first->text().contains(longMessage));
        QTRY_VERIFY(tb->visualItemRect(first).height() >= 2 * tb->fontMetrics().height());
        QVERIFY(tb->visualItemRect(first).right() <= tb->viewport()->width());
    }
};

QTEST_MAIN(TestErrorInbox)
#include "tst_errorinbox.moc"
