// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogViewer widget: filters through the public API, follow/pause, traceback links, traceback
// line parsing, export through the viewer.
#include "logmodel.h"
#include "logtestutil.h"
#include "logview.h"
#include "logviewer.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QMenu>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qpalm;
using namespace qpalm::test;

Q_DECLARE_METATYPE(qpalm::SourceLocation)

namespace {

QStringList shownTexts(const LogModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.recordAt(row).text;
    return out;
}

int topRow(const LogView *view)
{
    return view->rowAt(0);
}

} // namespace

class TestLogViewer : public QObject
{
    Q_OBJECT
private:
    LogViewer *m_viewer = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;

private Q_SLOTS:
    void init()
    {
        m_viewer = new LogViewer;
        m_tester = new QAbstractItemModelTester(
            m_viewer->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_viewer);
        m_viewer->resize(1000, 600);
        m_viewer->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_viewer));
    }
    void cleanup()
    {
        delete m_viewer;
        m_viewer = nullptr;
    }

    void parseSourceLocation_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("lineNumber");
        QTest::newRow("lua frame") << QStringLiteral("  error.lua:7: in function 'foo'")
                                   << QStringLiteral("error.lua") << 7;
        QTest::newRow("lua frame tab") << QStringLiteral("\terror.lua:7: in function <error.lua:3>")
                                       << QStringLiteral("error.lua") << 7;
        QTest::newRow("lua message") << QStringLiteral("error.lua:7: attempt to index a nil value")
                                     << QStringLiteral("error.lua") << 7;
        QTest::newRow("string chunk")
            << QStringLiteral("[string \"x\"]:3:") << QStringLiteral("x") << 3;
        QTest::newRow("string chunk frame")
            << QStringLiteral("\t[string \"job.lua\"]:12: in main chunk")
            << QStringLiteral("job.lua") << 12;
        QTest::newRow("absolute") << QStringLiteral("/path/to/file.lua:12:")
                                  << QStringLiteral("/path/to/file.lua") << 12;
        QTest::newRow("absolute at end")
            << QStringLiteral("/path/to/file.lua:12") << QStringLiteral("/path/to/file.lua") << 12;
        QTest::newRow("windows") << QStringLiteral("C:\\scripts\\a.lua:5: boom")
                                 << QStringLiteral("C:\\scripts\\a.lua") << 5;
        QTest::newRow("space in path") << QStringLiteral("/home/me/my scripts/a.lua:4: oops")
                                       << QStringLiteral("/home/me/my scripts/a.lua") << 4;
        QTest::newRow("abbreviated") << QStringLiteral("\t...e/long/path/a.lua:12: in function 'f'")
                                     << QStringLiteral("...e/long/path/a.lua") << 12;
        QTest::newRow("chunk name")
            << QStringLiteral("worker:7: boom") << QStringLiteral("worker") << 7;
        QTest::newRow("python") << QStringLiteral("  File \"/x/a.py\", line 3, in foo")
                                << QStringLiteral("/x/a.py") << 3;
        QTest::newRow("C function")
            << QStringLiteral("\t[C]: in function 'error'") << QString() << 0;
        QTest::newRow("header") << QStringLiteral("stack traceback:") << QString() << 0;
        QTest::newRow("tail calls") << QStringLiteral("\t(...tail calls...)") << QString() << 0;
        QTest::newRow("pylm line")
            << QStringLiteral("2016-08-26 09:41:59,053 - s - INFO - x") << QString() << 0;
        QTest::newRow("address") << QStringLiteral("tcp://127.0.0.1:5555") << QString() << 0;
        QTest::newRow("address in text")
            << QStringLiteral("Address in use: tcp://127.0.0.1:5555") << QString() << 0;
        QTest::newRow("empty") << QString() << QString() << 0;
        QTest::newRow("zero line") << QStringLiteral("a.lua:0:") << QString() << 0;
    }
    void parseSourceLocation()
    {
        QFETCH(QString, line);
        QFETCH(QString, file);
        QFETCH(int, lineNumber);
        const SourceLocation loc = qpalm::parseSourceLocation(line);
        QCOMPARE(loc.file, file);
        QCOMPARE(loc.line, lineNumber);
        QCOMPARE(loc.isValid(), lineNumber > 0);
    }

    void firstFrameSkipsCFunctions()
    {
        const SourceLocation lua = firstFrame(
            luaTraceback(QStringLiteral("e.lua"), 9, QStringLiteral("x"), QStringLiteral("f")));
        QCOMPARE(lua.file, QStringLiteral("e.lua"));
        QCOMPARE(lua.line, 9);
        const SourceLocation lua2 =
            firstFrame(QStringLiteral("e.lua:1: x\nstack traceback:\n\t[C]: in ?\n\tinner.lua:4: "
                                      "in upvalue 'g'\n\touter.lua:8: in function <outer.lua:2>"));
        QCOMPARE(lua2.file, QStringLiteral("inner.lua"));
        QCOMPARE(lua2.line, 4);
        const SourceLocation py = firstFrame(QStringLiteral(
            "Traceback (most recent call last):\n  File \"outer.py\", line 10, in main\n    f()\n  "
            "File \"inner.py\", line 2, in f\n    raise ValueError\nValueError"));
        QCOMPARE(py.file, QStringLiteral("inner.py"));
        QCOMPARE(py.line, 2);
        QVERIFY(!firstFrame(QStringLiteral("nothing here")).isValid());
    }

    void filtersThroughThePublicApi()
    {
        m_viewer->appendRecords(makeBatch(0, 5, QStringLiteral("alpha")));
        m_viewer->appendRecords(makeBatch(5, 5, QStringLiteral("beta"), LogLevel::Warning));
        m_viewer->appendRecords(
            makeBatch(10, 5, QStringLiteral("gamma"), LogLevel::Error, QStringLiteral("failure")));
        LogModel *model = m_viewer->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 15, 2000);

        m_viewer->setServerFilter({QStringLiteral("beta"), QStringLiteral("gamma")});
        QCOMPARE(m_viewer->serverFilter(),
                 (QStringList{QStringLiteral("beta"), QStringLiteral("gamma")}));
        QCOMPARE(model->rowCount(), 10);
        m_viewer->setMinimumLevel(LogLevel::Error);
        QCOMPARE(m_viewer->minimumLevel(), LogLevel::Error);
        QCOMPARE(model->rowCount(), 5);
        m_viewer->setServerFilter({});
        m_viewer->setMinimumLevel(LogLevel::Debug);
        QCOMPARE(model->rowCount(), 15);

        m_viewer->setTextFilter(QStringLiteral("FAILURE 1"));
        QCOMPARE(shownTexts(*model),
                 (QStringList{QStringLiteral("failure 10"), QStringLiteral("failure 11"),
                              QStringLiteral("failure 12"), QStringLiteral("failure 13"),
                              QStringLiteral("failure 14")}));
        m_viewer->setCaseSensitive(true);
        QCOMPARE(model->rowCount(), 0);
        m_viewer->setCaseSensitive(false);
        m_viewer->setTextFilter(QStringLiteral("^message [37]$"), true);
        QVERIFY(m_viewer->isRegexFilter());
        QCOMPARE(shownTexts(*model),
                 (QStringList{QStringLiteral("message 3"), QStringLiteral("message 7")}));

        // An invalid regex is reported, not applied, and does not crash.
        QSignalSpy error(m_viewer, &LogViewer::filterErrorChanged);
        m_viewer->setTextFilter(QStringLiteral("message (3"), true);
        QCOMPARE(error.count(), 1);
        QVERIFY(!m_viewer->filterError().isEmpty());
        QCOMPARE(model->rowCount(), 2);
        m_viewer->setTextFilter(QString());
        QCOMPARE(error.count(), 2);
        QVERIFY(m_viewer->filterError().isEmpty());
        QCOMPARE(model->rowCount(), 15);
    }

    void serverMenu()
    {
        m_viewer->setKnownServers({QStringLiteral("omega"), QStringLiteral("alpha")});
        m_viewer->appendRecords(makeBatch(0, 3, QStringLiteral("alpha")));
        m_viewer->appendRecords(makeBatch(3, 2, QStringLiteral("beta")));
        m_viewer->model()->flush();
        QMenu *menu = m_viewer->findChild<QMenu *>();
        QVERIFY(menu);
        QStringList names;
        QAction *beta = nullptr;
        QAction *all = nullptr;
        for (QAction *a : menu->actions()) {
            if (a->isSeparator())
                continue;
            names << a->text();
            if (a->text() == QStringLiteral("beta"))
                beta = a;
            if (a->data().toString().isEmpty())
                all = a;
        }
        QCOMPARE(names, (QStringList{QStringLiteral("All servers"), QStringLiteral("alpha"),
                                     QStringLiteral("beta"), QStringLiteral("omega")}));
        QVERIFY(beta && all);
        QVERIFY(all->isChecked());
        beta->trigger();
        QTRY_COMPARE(m_viewer->serverFilter(), QStringList{QStringLiteral("beta")});
        QCOMPARE(m_viewer->model()->rowCount(), 2);
        for (QAction *a : menu->actions()) {
            if (a->isCheckable())
                QCOMPARE(a->isChecked(), a->text() == QStringLiteral("beta"));
        }
        all = menu->actions().first();
        all->trigger();
        QTRY_VERIFY(m_viewer->serverFilter().isEmpty());
        QCOMPARE(m_viewer->model()->rowCount(), 5);
    }

    void filterChangeKeepsTheCurrentRecord()
    {
        m_viewer->setFollow(false);
        m_viewer->appendRecords(makeBatch(0, 100));
        m_viewer->model()->flush();
        LogView *view = m_viewer->view();
        view->setCurrentIndex(m_viewer->model()->index(42, 0));
        m_viewer->setTextFilter(QStringLiteral("4"));
        QCOMPARE(m_viewer->model()->recordAt(view->currentIndex().row()).text,
                 QStringLiteral("message 42"));
        m_viewer->setTextFilter(QString());
        QCOMPARE(view->currentIndex().row(), 42);
    }

    void followKeepsTheEndInView()
    {
        LogView *view = m_viewer->view();
        QScrollBar *bar = view->verticalScrollBar();
        QVERIFY(m_viewer->follow());
        m_viewer->appendRecords(makeBatch(0, 1000));
        QTRY_COMPARE_WITH_TIMEOUT(m_viewer->model()->rowCount(), 1000, 2000);
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(view->rowAt(view->viewport()->height() - 2), 999);

        // The user scrolls up: follow turns off, new rows do not move the view.
        QSignalSpy follow(m_viewer, &LogViewer::followChanged);
        bar->triggerAction(QAbstractSlider::SliderPageStepSub);
        QCOMPARE(follow.count(), 1);
        QCOMPARE(follow.last().at(0).toBool(), false);
        QVERIFY(!m_viewer->follow());
        const int value = bar->value();
        m_viewer->appendRecords(makeBatch(1000, 500));
        m_viewer->model()->flush();
        QCOMPARE(bar->value(), value);
        QVERIFY(bar->maximum() > value);

        // Back to the end by hand turns it on again; so does setFollow.
        bar->triggerAction(QAbstractSlider::SliderToMaximum);
        QVERIFY(m_viewer->follow());
        m_viewer->setFollow(false);
        QVERIFY(!m_viewer->follow());
        m_viewer->setFollow(true);
        QCOMPARE(bar->value(), bar->maximum());
        m_viewer->appendRecords(makeBatch(1500, 10));
        m_viewer->model()->flush();
        QCoreApplication::processEvents();
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(view->rowAt(view->viewport()->height() - 2), 1509);
    }

    void evictionKeepsTheViewOnItsRecords()
    {
        m_viewer->setCapacity(500);
        QCOMPARE(m_viewer->capacity(), 500);
        m_viewer->setFollow(false);
        m_viewer->appendRecords(makeBatch(0, 500));
        m_viewer->model()->flush();
        LogView *view = m_viewer->view();
        view->scrollTo(m_viewer->model()->index(300, 0), QAbstractItemView::PositionAtTop);
        const int top = topRow(view);
        QCOMPARE(top, 300);
        const QString topText = m_viewer->model()->recordAt(top).text;
        m_viewer->appendRecords(makeBatch(500, 100)); // evicts 100 rows above
        m_viewer->model()->flush();
        QCoreApplication::processEvents();
        QCOMPARE(m_viewer->model()->rowCount(), 500);
        QCOMPARE(m_viewer->model()->recordAt(topRow(view)).text, topText);
    }

    void pauseFreezesTheList()
    {
        QSignalSpy paused(m_viewer, &LogViewer::pausedChanged);
        m_viewer->appendRecords(makeBatch(0, 10));
        m_viewer->model()->flush();
        m_viewer->setPaused(true);
        QVERIFY(m_viewer->isPaused());
        QCOMPARE(paused.count(), 1);
        m_viewer->appendRecords(makeBatch(10, 10));
        QTest::qWait(250); // longer than the batch interval: a flush happens, adds nothing
        QCOMPARE(m_viewer->model()->rowCount(), 10);
        QCOMPARE(m_viewer->model()->store().size(), 20);
        m_viewer->setPaused(false);
        QCOMPARE(m_viewer->model()->rowCount(), 20);
        QCOMPARE(paused.count(), 2);
    }

    void clickingATracebackLineEmitsItsLocation()
    {
        QSignalSpy activated(m_viewer, &LogViewer::tracebackLineActivated);
        const QString tb = QStringLiteral(
            "error.lua:7: boom\nstack traceback:\n\t[C]: in function 'error'\n"
            "  error.lua:7: in function 'foo'\n\t[string \"x\"]:3: in function 'bar'\n"
            "\t/path/to/file.lua:12: in main chunk\n\t[C]: in ?");
        m_viewer->appendRecords(
            {makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Info, QStringLiteral("before")),
             makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Error,
                        QStringLiteral("User function gave an error"), tb),
             makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Info, QStringLiteral("after"))});
        m_viewer->model()->flush();
        LogView *view = m_viewer->view();
        view->setCurrentIndex(m_viewer->model()->index(1, LogModel::TextColumn));
        TracebackView *pane = m_viewer->tracebackView();
        QCOMPARE(pane->count(), 8); // the text line, then the traceback's 7 lines

        struct Expect
        {
            QString line;
            QString file;
            int number;
        };
        const QList<Expect> expectations{
            {QStringLiteral("  error.lua:7: in function 'foo'"), QStringLiteral("error.lua"), 7},
            {QStringLiteral("    [string \"x\"]:3: in function 'bar'"), QStringLiteral("x"), 3},
            {QStringLiteral("    /path/to/file.lua:12: in main chunk"),
             QStringLiteral("/path/to/file.lua"), 12},
        };
        for (const Expect &e : expectations) {
            const QList<QListWidgetItem *> items = pane->findItems(e.line, Qt::MatchExactly);
            QCOMPARE(items.size(), 1);
            pane->scrollToItem(items.first());
            const QRect rect = pane->visualItemRect(items.first());
            QVERIFY(pane->viewport()->rect().contains(rect.center()));
            QTest::mouseClick(pane->viewport(), Qt::LeftButton, {}, rect.center());
            QCOMPARE(activated.count(), 1);
            QCOMPARE(activated.first().at(0).toString(), e.file);
            QCOMPARE(activated.first().at(1).toInt(), e.number);
            activated.clear();
        }
        // Lines that are not positions do nothing.
        const QListWidgetItem *cLine =
            pane->findItems(QStringLiteral("    [C]: in function 'error'"), Qt::MatchExactly)
                .value(0);
        QVERIFY(cLine);
        pane->scrollToItem(cLine);
        QTest::mouseClick(pane->viewport(), Qt::LeftButton, {},
                          pane->visualItemRect(cLine).center());
        QCOMPARE(activated.count(), 0);
        // Enter on a link line activates it.
        pane->setCurrentItem(
            pane->findItems(QStringLiteral("  error.lua:7: in function 'foo'"), Qt::MatchExactly)
                .value(0));
        QTest::keyClick(pane, Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
        activated.clear();

        // Activating the record row opens its first frame.
        Q_EMIT view->activated(m_viewer->model()->index(1, LogModel::TextColumn));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toString(), QStringLiteral("error.lua"));
        QCOMPARE(activated.first().at(1).toInt(), 7);

        // Selecting a record without traceback shows just its text.
        view->setCurrentIndex(m_viewer->model()->index(2, LogModel::TextColumn));
        QCOMPARE(pane->count(), 1);
        QVERIFY(!pane->firstLinkItem());
    }

    void recordsWithATracebackExpandInPlace()
    {
        QSignalSpy activated(m_viewer, &LogViewer::tracebackLineActivated);
        const QString tb = luaTraceback(QStringLiteral("handler.lua"), 4,
                                        QStringLiteral("attempt to concatenate a nil value"));
        m_viewer->appendRecords(
            {makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Info, QStringLiteral("before")),
             makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Error,
                        QStringLiteral("User function gave an error"), tb),
             makeRecord(BaseMsecs, QStringLiteral("s"), LogLevel::Info, QStringLiteral("after"))});
        m_viewer->model()->flush();
        LogView *view = m_viewer->view();
        const int oneLine = view->rowHeight(0);
        QCOMPARE(view->rowHeight(1), oneLine);

        // Right on the record expands it: one extra line per traceback line.
        view->setCurrentIndex(m_viewer->model()->index(1, LogModel::TextColumn));
        QTest::keyClick(view, Qt::Key_Right);
        QVERIFY(view->isExpanded(1));
        const QStringList lines = view->expandedLines(1);
        QCOMPARE(lines.size(), tb.count(QLatin1Char('\n')) + 1);
        QCOMPARE(view->rowHeight(1), oneLine * int(1 + lines.size()));
        // A row without a traceback does not expand.
        view->setExpanded(0, true);
        QVERIFY(!view->isExpanded(0));

        // Clicking the frame line inside the row emits its location.
        const int frame =
            int(lines.indexOf(QStringLiteral("    handler.lua:4: in function 'foo'")));
        QVERIFY2(frame >= 0, qPrintable(lines.join(u'|')));
        const QPoint at(view->columnViewportPosition(LogModel::TextColumn) + 60,
                        view->rowViewportPosition(1) + oneLine * (frame + 1) + oneLine / 2);
        QCOMPARE(view->expandedLineAt(at), frame);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toString(), QStringLiteral("handler.lua"));
        QCOMPARE(activated.first().at(1).toInt(), 4);

        // The expansion follows its record through a filter change, and Left collapses it.
        m_viewer->setMinimumLevel(LogLevel::Error);
        QCOMPARE(m_viewer->model()->rowCount(), 1);
        QVERIFY(view->isExpanded(0));
        QCOMPARE(view->rowHeight(0), oneLine * int(1 + lines.size()));
        m_viewer->setMinimumLevel(LogLevel::Debug);
        QVERIFY(view->isExpanded(1));
        view->setCurrentIndex(m_viewer->model()->index(1, LogModel::TextColumn));
        QTest::keyClick(view, Qt::Key_Left);
        QVERIFY(!view->isExpanded(1));
        QCOMPARE(view->rowHeight(1), oneLine);

        // Clicking the marker toggles it too.
        const QPoint marker(view->columnViewportPosition(LogModel::TextColumn) + 6,
                            view->rowViewportPosition(1) + oneLine / 2);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, marker);
        QVERIFY(view->isExpanded(1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, marker);
        QVERIFY(!view->isExpanded(1));
    }

    void copyAndExport()
    {
        m_viewer->appendRecords(makeBatch(0, 3));
        m_viewer->model()->flush();
        LogView *view = m_viewer->view();
        view->selectAll();
        const QString copied = view->selectedText();
        QCOMPARE(copied.count(QLatin1Char('\n')), 3);
        QVERIFY(copied.contains(QStringLiteral(" - alpha - INFO - message 2\n")));

        QTemporaryDir dir;
        QString error;
        m_viewer->setTextFilter(QStringLiteral("message 1"));
        QVERIFY2(m_viewer->exportTo(dir.filePath(QStringLiteral("x.log")), &error),
                 qPrintable(error));
        QFile f(dir.filePath(QStringLiteral("x.log")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QCOMPARE(bytes.count('\n'), 1);
        QVERIFY(bytes.endsWith(" - alpha - INFO - message 1\n"));
        QVERIFY(!m_viewer->exportTo(dir.filePath(QStringLiteral("x.doc")), &error));
        QVERIFY(error.contains(QStringLiteral("x.doc")));
    }

    void exportInTheBackground()
    {
        m_viewer->appendRecords(makeBatch(0, 20'000));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bg.csv"));
        QSignalSpy finished(m_viewer, &LogViewer::exportFinished);
        m_viewer->exportInBackground(path);
        QVERIFY(m_viewer->isExporting());
        // Records keep arriving and the ring keeps turning while the worker writes.
        m_viewer->setCapacity(1000);
        m_viewer->appendRecords(makeBatch(20'000, 5000));
        m_viewer->model()->flush();
        // A second export at the same time is refused with a reason.
        m_viewer->exportInBackground(dir.filePath(QStringLiteral("second.csv")));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(1).toBool(), false);
        QVERIFY(finished.first().at(2).toString().contains(QStringLiteral("another export")));
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.count(), 2);
        QCOMPARE(finished.last().at(0).toString(), path);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QVERIFY(!m_viewer->isExporting());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 1 + 20'000 + 1); // header, rows, empty after the last CRLF
        QVERIFY(lines.at(1).endsWith(",alpha,INFO,1,message 0,\r"));
        QVERIFY(lines.at(20'000).endsWith(",message 19999,\r"));
    }

    void destroyedWhileExporting()
    {
        m_viewer->appendRecords(makeBatch(0, 200'000));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("gone.jsonl"));
        m_viewer->exportInBackground(path);
        delete m_viewer; // cancels and waits; the half-written file is discarded
        m_viewer = nullptr;
        QVERIFY(!QFile::exists(path) || QFileInfo(path).size() > 0);
        QCoreApplication::processEvents();
    }

    void clearEmptiesTheViewer()
    {
        m_viewer->appendRecords(makeBatch(0, 3));
        m_viewer->model()->flush();
        m_viewer->view()->setCurrentIndex(m_viewer->model()->index(0, 0));
        QCOMPARE(m_viewer->tracebackView()->count(), 1);
        m_viewer->clear();
        QCOMPARE(m_viewer->model()->rowCount(), 0);
        QCOMPARE(m_viewer->tracebackView()->count(), 0);
    }
};

QTEST_MAIN(TestLogViewer)
#include "tst_logviewer.moc"
