// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The log viewer's klogg/lnav tools on a real LogViewer: match highlighting (painted), next /
// previous error (F8), bookmarks (marker painted, kept across filters), time range (a recent one
// rolls forward), saved filters (persisted), line wrap, and a DEBUG flood that no longer evicts
// the errors.
#include "logmodel.h"
#include "logtestutil.h"
#include "logview.h"
#include "logviewer.h"

#include <QAction>
#include <QHeaderView>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// Pixels of the viewport close to colour c.
int countPixels(QWidget *viewport, const QColor &c)
{
    const QImage image = viewport->grab().toImage();
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor p = image.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) +
                             std::abs(p.blue() - c.blue()) <
                         12
                     ? 1
                     : 0;
        }
    return n;
}

// 40 records: every 10th (3, 13, 23, 33) an ERROR, the rest INFO; times BaseMsecs + i * 1000.
LogBatch mixed()
{
    LogBatch b;
    for (int i = 0; i < 40; ++i)
        b.append(makeRecord(BaseMsecs + i * 1000, QStringLiteral("w"),
                            i % 10 == 3 ? LogLevel::Error : LogLevel::Info,
                            QStringLiteral("record %1 says %2")
                                .arg(i)
                                .arg(i % 2 ? QStringLiteral("odd") : QStringLiteral("even")),
                            {}, quint64(i + 1)));
    return b;
}

// Saves a grab of w as name in $QPALM_SCREENSHOT_DIR when set (docs/screenshots/).
void screenshot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(100); // pending layout requests (the count's new width) first
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

class TestLogTools : public QObject
{
    Q_OBJECT
private:
    LogViewer *m_viewer = nullptr;

    int currentRow() const { return m_viewer->view()->currentIndex().row(); }
    QString currentText() const
    {
        return m_viewer->view()->currentIndex().data(LogModel::FullTextRole).toString();
    }

private Q_SLOTS:
    void init()
    {
        m_viewer = new LogViewer;
        m_viewer->resize(1000, 600);
        m_viewer->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_viewer));
        m_viewer->appendRecords(mixed());
        m_viewer->model()->flush();
        m_viewer->setFollow(false);
        m_viewer->view()->scrollToTop();
    }
    void cleanup()
    {
        delete m_viewer;
        m_viewer = nullptr;
    }

    void matchesAreHighlighted()
    {
        LogView *view = m_viewer->view();
        const QColor yellow(0xff, 0xd5, 0x4f);
        QCOMPARE(countPixels(view->viewport(), yellow), 0);
        m_viewer->setTextFilter(QStringLiteral("SAYS"));
        QCOMPARE(m_viewer->model()->rowCount(), 40);
        const auto ranges = view->highlightRanges(QStringLiteral("says a says b"));
        QCOMPARE(ranges.size(), 2);
        QCOMPARE(ranges.at(1), (std::pair<int, int>(7, 4)));
        QTRY_VERIFY(countPixels(view->viewport(), yellow) > 100);
        m_viewer->setTextFilter(QStringLiteral("d{2}"), true);
        QCOMPARE(m_viewer->model()->rowCount(), 20);
        QCOMPARE(view->highlightRanges(QStringLiteral("odd add")).size(), 2);
        m_viewer->setTextFilter(QString());
        QTRY_COMPARE(countPixels(view->viewport(), yellow), 0);
    }

    void nextAndPreviousError()
    {
        QAction *next = m_viewer->nextErrorAction();
        QCOMPARE(next->shortcut(), QKeySequence(Qt::Key_F8));
        QCOMPARE(m_viewer->previousErrorAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F8));
        next->trigger();
        QCOMPARE(currentRow(), 3);
        next->trigger();
        QCOMPARE(currentRow(), 13);
        m_viewer->previousErrorAction()->trigger();
        QCOMPARE(currentRow(), 3);
        m_viewer->previousErrorAction()->trigger(); // none before: stays
        QCOMPARE(currentRow(), 3);
        // The key itself, with the view focused.
        m_viewer->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_viewer->window())); // shortcuts need it (xcb, WM)
        m_viewer->view()->setFocus();
        QTest::keyClick(m_viewer->view(), Qt::Key_F8);
        QCOMPARE(currentRow(), 13);
        QTest::keyClick(m_viewer->view(), Qt::Key_F8, Qt::ShiftModifier);
        QCOMPARE(currentRow(), 3);
        // With a filter the rows differ; the search follows what is shown.
        m_viewer->setTextFilter(QStringLiteral("odd"));
        m_viewer->view()->setCurrentIndex(m_viewer->model()->index(0, 0));
        next->trigger();
        QCOMPARE(currentText(), QStringLiteral("record 3 says odd"));
        next->trigger();
        QCOMPARE(currentText(), QStringLiteral("record 13 says odd"));
    }

    void bookmarksSurviveFiltersAndArePainted()
    {
        LogView *view = m_viewer->view();
        const QColor blue(0x2f, 0x80, 0xed);
        QCOMPARE(countPixels(view->viewport(), blue), 0);
        view->setCurrentIndex(m_viewer->model()->index(5, 0));
        m_viewer->toggleBookmarkAction()->trigger();
        view->setCurrentIndex(m_viewer->model()->index(21, 0));
        m_viewer->toggleBookmarkAction()->trigger();
        QCOMPARE(view->bookmarks().size(), size_t(2));
        QVERIFY(view->isBookmarked(5) && view->isBookmarked(21) && !view->isBookmarked(6));
        QTRY_VERIFY(countPixels(view->viewport(), blue) > 20); // row 5's marker

        view->setCurrentIndex(m_viewer->model()->index(0, 0));
        m_viewer->nextBookmarkAction()->trigger();
        QCOMPARE(currentRow(), 5);
        m_viewer->nextBookmarkAction()->trigger();
        QCOMPARE(currentRow(), 21);
        m_viewer->previousBookmarkAction()->trigger();
        QCOMPARE(currentRow(), 5);

        // Filter to odd records: 21 stays marked (now row 10), 5 too (row 2).
        m_viewer->setTextFilter(QStringLiteral("odd"));
        QVERIFY(view->isBookmarked(2) && view->isBookmarked(10));
        m_viewer->setTextFilter(QString());
        QVERIFY(view->isBookmarked(5));
        view->setCurrentIndex(m_viewer->model()->index(5, 0));
        m_viewer->toggleBookmarkAction()->trigger(); // toggles off
        QVERIFY(!view->isBookmarked(5));
        QCOMPARE(view->bookmarks().size(), size_t(1));

        // For the docs: bookmarks and highlighted matches together.
        view->setCurrentIndex(m_viewer->model()->index(9, 0));
        m_viewer->toggleBookmarkAction()->trigger();
        m_viewer->setTextFilter(QStringLiteral("says"));
        view->setCurrentIndex(m_viewer->model()->index(13, 0));
        screenshot(m_viewer, QStringLiteral("log-bookmarks.png"));
    }

    void expandedTracebackWraps()
    {
        LogView *view = m_viewer->view();
        m_viewer->appendRecords({makeRecord(
            BaseMsecs + 41'000, QStringLiteral("worker-2"), LogLevel::Error,
            QStringLiteral("User function gave an error"),
            luaTraceback(QStringLiteral("worker.lua"), 12,
                         QStringLiteral("attempt to concatenate a nil value (global 'missing')"),
                         QStringLiteral("handle")))});
        m_viewer->model()->flush();
        const int row = m_viewer->model()->rowCount() - 1;
        view->setCurrentIndex(m_viewer->model()->index(row, 0));
        view->setExpanded(row, true);
        QVERIFY(view->isExpanded(row));
        QVERIFY(view->rowHeight(row) >= 5 * view->verticalHeader()->defaultSectionSize());
        QTest::qWait(50); // the layout first, then the whole taller row in view
        view->scrollToBottom();
        screenshot(m_viewer, QStringLiteral("traceback.png"));
    }

    void timeRange()
    {
        m_viewer->setTimeRange(BaseMsecs + 10'000, BaseMsecs + 20'000);
        QCOMPARE(m_viewer->model()->rowCount(), 10);
        QCOMPARE(m_viewer->model()->recordAt(0).text, QStringLiteral("record 10 says even"));
        m_viewer->setMinimumLevel(LogLevel::Error);
        QCOMPARE(m_viewer->model()->rowCount(), 1); // record 13
        m_viewer->setMinimumLevel(LogLevel::Debug);
        m_viewer->setTimeRange(BaseMsecs + 35'000);
        QCOMPARE(m_viewer->model()->rowCount(), 5);
        m_viewer->setTimeRange();
        QCOMPARE(m_viewer->model()->rowCount(), 40);
    }

    void savedFiltersArePersisted()
    {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("settings.ini"));
        m_viewer->setSettingsPath(ini);
        QCOMPARE(m_viewer->savedFilterNames(), QStringList());
        m_viewer->setTextFilter(QStringLiteral("says (odd|even)"), true);
        m_viewer->setMinimumLevel(LogLevel::Error);
        m_viewer->saveFilter(QStringLiteral("errors that speak"));
        m_viewer->setTextFilter(QStringLiteral("zzz"));
        m_viewer->saveFilter(QStringLiteral("nothing"));
        // With a fixed time range (records 10..29: errors 13 and 23), and a recent one.
        m_viewer->setTextFilter(QStringLiteral("says"));
        m_viewer->setTimeRange(BaseMsecs + 10'000, BaseMsecs + 30'000);
        QCOMPARE(m_viewer->model()->rowCount(), 2);
        m_viewer->saveFilter(QStringLiteral("errors 10 to 30 s"));
        m_viewer->setRecentTimeRange(5 * 60'000);
        QCOMPARE(m_viewer->model()->rowCount(), 0); // the records are from 2016
        m_viewer->saveFilter(QStringLiteral("recent errors"));
        m_viewer->setTimeRange();

        LogViewer other;
        other.setSettingsPath(ini);
        other.appendRecords(mixed());
        other.model()->flush();
        QCOMPARE(
            other.savedFilterNames(),
            (QStringList{QStringLiteral("errors that speak"), QStringLiteral("nothing"),
                         QStringLiteral("errors 10 to 30 s"), QStringLiteral("recent errors")}));
        QVERIFY(other.applySavedFilter(QStringLiteral("errors 10 to 30 s")));
        QCOMPARE(other.timeFrom(), BaseMsecs + 10'000);
        QCOMPARE(other.timeTo(), BaseMsecs + 30'000);
        QCOMPARE(other.timeSpan(), 0);
        QCOMPARE(other.textFilter(), QStringLiteral("says"));
        QCOMPARE(other.minimumLevel(), LogLevel::Error);
        QCOMPARE(other.model()->rowCount(), 2);
        QCOMPARE(other.model()->recordAt(1).text, QStringLiteral("record 23 says odd"));
        auto *timeButton = other.findChild<QToolButton *>(QStringLiteral("timeRangeButton"));
        QVERIFY(timeButton);
        const auto hms = [](qint64 msecs) {
            return QDateTime::fromMSecsSinceEpoch(msecs).toString(QStringLiteral("HH:mm:ss"));
        };
        QCOMPARE(timeButton->text(),
                 hms(BaseMsecs + 10'000) + QChar(0x2013) + hms(BaseMsecs + 30'000));

        // A recent range is restored as "the last 5 minutes" from now, not as old times.
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(other.applySavedFilter(QStringLiteral("recent errors")));
        QCOMPARE(other.timeSpan(), 5 * 60'000);
        QVERIFY(other.timeFrom() >= before - 5 * 60'000);
        QVERIFY(other.timeFrom() <= QDateTime::currentMSecsSinceEpoch() - 5 * 60'000);
        QCOMPARE(other.timeTo(), std::numeric_limits<qint64>::max());
        QCOMPARE(other.model()->rowCount(), 0);
        QCOMPARE(timeButton->text(), QStringLiteral("Last 5 min"));
        other.appendRecords({makeRecord(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("w"),
                                        LogLevel::Error, QStringLiteral("now it says so"))});
        other.model()->flush();
        QCOMPARE(other.model()->rowCount(), 1);

        // One saved without a range applies any time.
        QVERIFY(other.applySavedFilter(QStringLiteral("errors that speak")));
        QCOMPARE(other.textFilter(), QStringLiteral("says (odd|even)"));
        QVERIFY(other.isRegexFilter());
        QCOMPARE(other.minimumLevel(), LogLevel::Error);
        QCOMPARE(other.timeFrom(), std::numeric_limits<qint64>::min());
        QCOMPARE(other.timeTo(), std::numeric_limits<qint64>::max());
        QCOMPARE(timeButton->text(), QStringLiteral("Any time"));
        QCOMPARE(other.model()->rowCount(), 4);
        QVERIFY(!other.applySavedFilter(QStringLiteral("missing")));
        other.removeSavedFilter(QStringLiteral("nothing"));
        QCOMPARE(m_viewer->savedFilterNames(), (QStringList{QStringLiteral("errors that speak"),
                                                            QStringLiteral("errors 10 to 30 s"),
                                                            QStringLiteral("recent errors")}));
    }

    void recentRangeRollsForward()
    {
        // "Last N min" is re-evaluated as time passes: a record that ages out leaves with no user
        // action (on a worker thread over a large store, like any filter); a tick where nothing
        // ages refilters nothing; a saved recent filter rolls too, a fixed range does not.
        QCOMPARE(LogViewer::rollInterval(60'000), 1'000);
        QCOMPARE(LogViewer::rollInterval(60 * 60'000), 10'000);
        QTemporaryDir dir;
        LogViewer viewer;
        viewer.setSettingsPath(dir.filePath(QStringLiteral("filters.ini")));
        auto *timer = viewer.findChild<QTimer *>(QStringLiteral("timeRangeRollTimer"));
        QVERIFY(timer);
        QVERIFY(!timer->isActive());
        constexpr qint64 Span = 1'000;
        viewer.setRecentTimeRange(Span);
        QVERIFY(timer->isActive());
        QCOMPARE(timer->interval(), 1'000);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        viewer.appendRecords({makeRecord(now + 600'000, QStringLiteral("w"), LogLevel::Info,
                                         QStringLiteral("ten minutes ahead: stays"))});
        viewer.model()->flush();
        viewer.model()->setBackgroundThreshold(1);
        QSignalSpy resets(viewer.model(), &QAbstractItemModel::modelReset);
        QSignalSpy background(viewer.model(), &LogModel::filterStarted);
        QTest::qWait(1'300);
        QCOMPARE(resets.count(), 0); // a tick passed; nothing aged, nothing refiltered
        QCOMPARE(background.count(), 0);
        QVERIFY(viewer.timeFrom() > now - Span); // but the range moved on

        viewer.appendRecords({makeRecord(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("w"),
                                         LogLevel::Info, QStringLiteral("now: ages out"))});
        viewer.model()->flush();
        QCOMPARE(viewer.model()->rowCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(viewer.model()->rowCount(), 1, 4'000);
        QVERIFY(background.count() >= 1); // the roll's refilter ran on a worker thread
        QCOMPARE(viewer.model()->recordAt(0).text, QStringLiteral("ten minutes ahead: stays"));

        // Saved, then a fixed range (no timer), then the saved one again: it rolls.
        viewer.saveFilter(QStringLiteral("last second"));
        viewer.setTimeRange();
        QVERIFY(!timer->isActive());
        QTRY_COMPARE_WITH_TIMEOUT(viewer.model()->rowCount(), 2, 4'000); // in the background
        viewer.appendRecords({makeRecord(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("w"),
                                         LogLevel::Info, QStringLiteral("again: ages out"))});
        viewer.model()->flush();
        QVERIFY(viewer.applySavedFilter(QStringLiteral("last second")));
        QVERIFY(timer->isActive());
        QTRY_COMPARE_WITH_TIMEOUT(viewer.model()->rowCount(), 1, 4'000);
        QCOMPARE(viewer.model()->recordAt(0).text, QStringLiteral("ten minutes ahead: stays"));
    }

    void wrapOnDemand()
    {
        LogView *view = m_viewer->view();
        const QString longText = QStringLiteral("a long message ").repeated(40);
        m_viewer->appendRecords(
            {makeRecord(BaseMsecs + 50'000, QStringLiteral("w"), LogLevel::Info, longText)});
        m_viewer->model()->flush();
        const int row = m_viewer->model()->rowCount() - 1;
        view->scrollToBottom();
        const int line = view->verticalHeader()->defaultSectionSize();
        QCOMPARE(view->rowHeight(row), line);
        m_viewer->setWrapLines(true);
        QVERIFY(m_viewer->wrapLines());
        QTRY_VERIFY(view->rowHeight(row) >= 3 * line);
        QCOMPARE(view->rowHeight(row - 1), line); // short rows stay one line
        m_viewer->setWrapLines(false);
        QCOMPARE(view->rowHeight(row), line);
    }

    void backgroundFilterWithProgressAndCancel()
    {
        LogModel *model = m_viewer->model();
        model->setBackgroundThreshold(1000);
        for (int i = 0; i < 6; ++i)
            m_viewer->appendRecords(makeBatch(100 + i * 100'000, 100'000));
        model->flush();
        QCOMPARE(model->rowCount(), 600'040);
        QSignalSpy started(model, &LogModel::filterStarted);
        QSignalSpy progress(model, &LogModel::filterProgress);
        QSignalSpy finished(model, &LogModel::filterFinished);
        auto *bar = m_viewer->findChild<QProgressBar *>(QStringLiteral("filterProgress"));
        QVERIFY(bar && !bar->isVisible());

        m_viewer->setTextFilter(QStringLiteral("message 12"));
        QVERIFY(model->isFiltering());
        QCOMPARE(started.count(), 1);
        QVERIFY(bar->isVisible());
        QCOMPARE(model->filter().text(), QString()); // the old rows stay until it is done
        QCOMPARE(model->rowCount(), 600'040);
        // Records arriving meanwhile wait in the queue and are filtered afterwards.
        m_viewer->appendRecords(makeBatch(700'000, 3, QStringLiteral("late"), LogLevel::Info,
                                          QStringLiteral("message 12 late")));
        model->flush();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0), progress.last().at(1)); // a last one at 100 %
        QVERIFY(!bar->isVisible());
        int expected = 3;
        for (int i = 100; i < 600'100; ++i)
            expected += QString::number(i).startsWith(QStringLiteral("12")) ? 1 : 0;
        QCOMPARE(model->filter().text(), QStringLiteral("message 12"));
        QCOMPARE(model->rowCount(), expected);
        QCOMPARE(model->recordAt(expected - 1).server, QStringLiteral("late"));

        // Cancelled: the previous filter and its rows stay.
        finished.clear();
        m_viewer->setTextFilter(QStringLiteral("message 3"));
        QVERIFY(model->isFiltering());
        model->cancelFilter();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(model->filter().text(), QStringLiteral("message 12"));
        QCOMPARE(model->rowCount(), expected);
        // A new filter while one runs replaces it.
        finished.clear();
        m_viewer->setTextFilter(QStringLiteral("message 4"));
        m_viewer->setTextFilter(QStringLiteral("message 59999"));
        QTRY_VERIFY_WITH_TIMEOUT(!model->isFiltering(), 20000);
        QCOMPARE(model->filter().text(), QStringLiteral("message 59999"));
        QCOMPARE(model->rowCount(), 11); // 59999 and 599990..599999
    }

    void debugFloodKeepsTheErrors()
    {
        m_viewer->clear();
        m_viewer->setCapacity(1000);
        m_viewer->appendRecords({makeRecord(BaseMsecs, QStringLiteral("w"), LogLevel::Error,
                                            QStringLiteral("the one error"))});
        for (int i = 0; i < 50; ++i) {
            m_viewer->appendRecords(makeBatch(i * 200, 200, QStringLiteral("w"), LogLevel::Debug));
            m_viewer->model()->flush();
        }
        LogModel *model = m_viewer->model();
        QCOMPARE(model->store().size(), 1000);
        QCOMPARE(model->rowCount(), 1001);
        QCOMPARE(model->recordAt(0).text, QStringLiteral("the one error"));
        m_viewer->setMinimumLevel(LogLevel::Error);
        QCOMPARE(model->rowCount(), 1);
        m_viewer->setMinimumLevel(LogLevel::Debug);
        m_viewer->view()->setCurrentIndex(model->index(500, 0));
        m_viewer->previousErrorAction()->trigger();
        QCOMPARE(currentRow(), 0);
    }
};

QTEST_MAIN(TestLogTools)
#include "tst_logtools.moc"
