// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The log viewer's bar in the real window at its default size (1400 x 900), by geometry: the
// count shows its whole text and the filter box keeps its width, before and after a million
// records, paused and while a background filter runs; the window and the dock do not move.
#include "appsettings.h"
#include "logmodel.h"
#include "logtestutil.h"
#include "logviewer.h"
#include "mainwindow.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace qpalm;
using namespace qpalm::test;
using namespace Qt::StringLiterals;

// checkBar's QVERIFYs return from it only.
#define CHECK_BAR(when)                                                                            \
    do {                                                                                           \
        checkBar(when);                                                                            \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

class TestLogBar : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    LogViewer *viewer() const { return m_window->logViewer(); }
    QLabel *status() const { return viewer()->findChild<QLabel *>(u"logStatus"_s); }
    QLineEdit *filterBox() const { return viewer()->findChild<QLineEdit *>(u"logFilterText"_s); }

    // Every visible control of the bar lies inside the viewer, gets at least its minimum size
    // hint and overlaps no other; the count gets its whole text; the filter box its minimum.
    void checkBar(const char *when)
    {
        QLabel *label = status();
        QLineEdit *box = filterBox();
        QVERIFY(label && box);
        QVERIFY2(label->isVisible(), when);
        const QString what = u"%1: \"%2\" %3 px of %4 needed, viewer %5 px"_s.arg(
            QLatin1String(when), label->text(), QString::number(label->width()),
            QString::number(label->sizeHint().width()), QString::number(viewer()->width()));
        QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable(what));
        QVERIFY2(label->contentsRect().width() >=
                     label->fontMetrics().horizontalAdvance(label->text()),
                 qPrintable(what));
        const int minimumBox =
            box->fontMetrics().horizontalAdvance(QLatin1Char('x')) * LogViewer::MinimumFilterChars;
        QVERIFY2(box->minimumWidth() >= minimumBox, when);
        QVERIFY2(box->width() >= minimumBox,
                 qPrintable(u"%1: filter box %2 px"_s.arg(QLatin1String(when)).arg(box->width())));

        QList<QWidget *> controls;
        const QList<QWidget *> children =
            viewer()->findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly);
        for (QWidget *w : children) {
            if (w->isVisible() && (qobject_cast<QToolButton *>(w) || qobject_cast<QComboBox *>(w) ||
                                   qobject_cast<QLineEdit *>(w) || qobject_cast<QLabel *>(w) ||
                                   qobject_cast<QProgressBar *>(w)))
                controls.append(w);
        }
        QVERIFY(controls.size() >= 12);
        for (QWidget *w : std::as_const(controls)) {
            const QString name = u"%1: %2 \"%3\" at %4,%5 %6x%7"_s.arg(
                QLatin1String(when), QLatin1String(w->metaObject()->className()),
                w->property("text").toString(), QString::number(w->x()), QString::number(w->y()),
                QString::number(w->width()), QString::number(w->height()));
            QVERIFY2(viewer()->rect().contains(w->geometry()), qPrintable(name));
            QVERIFY2(w->width() >= std::min(w->minimumSizeHint().width(), w->maximumWidth()),
                     qPrintable(name));
            for (QWidget *other : std::as_const(controls))
                QVERIFY2(other == w || !other->geometry().intersects(w->geometry()),
                         qPrintable(name));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Group separators, as the "1,000,000 shown of 1,000,000".
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"settings.ini"_s));
        m_settings->setStartOnOpen(false);
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        // The default size (the constructor fits it to the screen; offscreen's is 800 x 600).
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        m_window.reset();
        m_settings.reset();
        m_dir.reset();
    }

    void countAndFilterBoxFitBeforeAndAfterAMillionRecords()
    {
        QCOMPARE(m_window->size(), QSize(1400, 900));
        auto *dock = m_window->findChild<QDockWidget *>(u"logDock"_s);
        QVERIFY(dock && dock->isVisible());
        QTRY_VERIFY(viewer()->width() > 600); // about 56 % of the window
        const int viewerWidth = viewer()->width();
        CHECK_BAR("empty");

        LogBatch batch = makeBatch(0, 1'000'000);
        viewer()->appendRecords(batch);
        batch.clear();
        viewer()->model()->flush();
        QCOMPARE(viewer()->model()->rowCount(), 1'000'000);
        QCOMPARE(status()->text(), u"1,000,000 shown of 1,000,000"_s);
        QTest::qWait(50); // let the layout settle
        CHECK_BAR("after a million records");
        QCOMPARE(m_window->size(), QSize(1400, 900));
        QCOMPARE(viewer()->width(), viewerWidth);

        viewer()->setPaused(true);
        QVERIFY(status()->text().endsWith(u"(paused)"_s));
        QTest::qWait(50);
        CHECK_BAR("paused");
        viewer()->setPaused(false);

        // A filter over a million runs in the background: progress, Cancel and the count.
        QSignalSpy finished(viewer()->model(), &LogModel::filterFinished);
        viewer()->setTextFilter(u"message 9"_s);
        QVERIFY(viewer()->model()->isFiltering());
        QVERIFY(status()->text().contains(u"filtering"_s));
        QTest::qWait(20);
        CHECK_BAR("filtering");
        // It may have finished during the waits above (a loaded machine runs the filter thread
        // while this one sleeps): wait only for an emission not yet seen.
        QVERIFY(!finished.isEmpty() || finished.wait(30000));
        QCOMPARE(status()->text(), u"111,111 shown of 1,000,000"_s);
        CHECK_BAR("filtered");
        QCOMPARE(m_window->size(), QSize(1400, 900));
        QCOMPARE(viewer()->width(), viewerWidth);
    }
};

QTEST_MAIN(TestLogBar)
#include "tst_logbar.moc"
