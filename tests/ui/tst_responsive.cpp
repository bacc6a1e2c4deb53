// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The window never waits on its GUI thread: a worker whose master does not exist starts, fails
// and stops through the window's actions while a 5 ms timer measures the longest gap between
// two of its ticks (QElapsedTimer::nsecsElapsed, as bench_log does). The application times every
// event it delivers, so a stall names the receiver and event that took the time.
#include "appsettings.h"
#include "clustermodel.h"
#include "mainwindow.h"
#include "uitestutil.h"

#include "cluster.h"
#include "serverhandle.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {

// Times each event delivered from the event loop (nested deliveries count in their outer one):
// keeps the slowest few, with what received them, and the time spent per receiver and event type.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth > 0 || !m_timing) {
            ++m_depth;
            const bool done = QApplication::notify(receiver, event);
            --m_depth;
            return done;
        }
        // Described before delivery: the receiver may be gone after it.
        const QString what = QString::fromLatin1(receiver->metaObject()->className()) + u' ' +
                             receiver->objectName() + u" event "_s + QString::number(event->type());
        QElapsedTimer clock;
        clock.start();
        ++m_depth;
        const bool done = QApplication::notify(receiver, event);
        --m_depth;
        const qint64 ns = clock.nsecsElapsed();
        auto &total = m_totals[what];
        ++total.first;
        total.second += ns;
        if (ns > 2'000'000) {
            m_slowest.append({ns, what});
            std::sort(m_slowest.begin(), m_slowest.end(),
                      [](const auto &a, const auto &b) { return a.first > b.first; });
            if (m_slowest.size() > 5)
                m_slowest.removeLast();
        }
        return done;
    }
    void setTiming(bool on) { m_timing = on; }
    // The slowest deliveries seen, "12.3 ms: QWidgetWindow  event 77" each.
    QStringList slowest() const
    {
        QStringList lines;
        for (const auto &[ns, what] : m_slowest)
            lines.append(QStringLiteral("%1 ms: %2").arg(double(ns) / 1e6, 0, 'f', 1).arg(what));
        return lines;
    }

    // Where the time went: "41.0 ms in 12: QWidgetWindow  event 77", the largest totals first.
    QStringList busiest() const
    {
        QList<QPair<qint64, QString>> sums;
        for (auto it = m_totals.cbegin(); it != m_totals.cend(); ++it)
            sums.append({it.value().second, QStringLiteral("%1 ms in %2: %3")
                                                .arg(double(it.value().second) / 1e6, 0, 'f', 1)
                                                .arg(it.value().first)
                                                .arg(it.key())});
        std::sort(sums.begin(), sums.end(),
                  [](const auto &a, const auto &b) { return a.first > b.first; });
        QStringList lines;
        for (qsizetype i = 0; i < std::min<qsizetype>(5, sums.size()); ++i)
            lines.append(sums.at(i).second);
        return lines;
    }

private:
    int m_depth = 0;
    bool m_timing = false;
    QHash<QString, QPair<qint64, qint64>> m_totals; // what -> deliveries, ns
    QList<QPair<qint64, QString>> m_slowest;
};

TimedApplication *timedApp()
{
    return static_cast<TimedApplication *>(QCoreApplication::instance());
}

// Ticks every 5 ms on the GUI thread and keeps the longest time between two ticks.
class StallMeter
{
public:
    StallMeter()
    {
        m_tick.setInterval(5);
        m_tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longestNs = std::max(m_longestNs, now - m_last);
            m_last = now;
            ++m_ticks;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_tick.start();
    }
    double longestMs() const { return double(m_longestNs) / 1e6; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longestNs = 0;
    int m_ticks = 0;
};
} // namespace

class TestResponsive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void workerWithoutMasterNeverStallsTheWindow();
};

void TestResponsive::workerWithoutMasterNeverStallsTheWindow()
{
    QTemporaryDir dir;
    AppSettings settings(dir.filePath(u"settings.ini"_s));
    MainWindow window(&settings);
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Nothing listens on port 1: the worker's cache requests to its master go unanswered.
    window.setClusterConfigs({uitest::worker(u"lost"_s, u"tcp://127.0.0.1:1"_s, 1)});
    ServerHandle *worker = window.cluster()->server(u"lost"_s);
    QVERIFY(worker);
    QSignalSpy failed(worker, &ServerHandle::failed);

    StallMeter meter;
    meter.start();
    timedApp()->setTiming(true);
    QTest::qWait(50);
    window.action(u"actionStartAll"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || worker->state() == ServerHandle::State::Running,
                             20000);
    QVERIFY2(!failed.isEmpty(), "a worker whose master does not exist started");
    const QString outcome = failed.first().first().toString();
    // The reason reaches the cluster panel and the window's status.
    QVERIFY2(ClusterModel::stateText(worker).contains(outcome),
             qPrintable(ClusterModel::stateText(worker)));
    QTRY_VERIFY(window.lastError().contains(u"lost"_s));
    window.action(u"actionStopAll"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(worker->state() == ServerHandle::State::Stopped ||
                                 worker->state() == ServerHandle::State::Failed,
                             20000);
    QTest::qWait(50);
    timedApp()->setTiming(false);
    const QStringList slowest = timedApp()->slowest();
    for (const QString &line : slowest)
        qInfo("slow delivery %s", qPrintable(line));
    const QStringList busiest = timedApp()->busiest();
    for (const QString &line : busiest)
        qInfo("busiest %s", qPrintable(line));
    qInfo("worker without master: %s; longest GUI-thread gap %.1f ms over %d ticks",
          qPrintable(outcome), meter.longestMs(), meter.ticks());
    QVERIFY(meter.ticks() > 10);
    QVERIFY2(meter.longestMs() < 100,
             qPrintable(u"the event loop stalled %1 ms; slowest deliveries: %2"_s
                            .arg(meter.longestMs(), 0, 'f', 1)
                            .arg(slowest.join(u"; "_s))));
}

int main(int argc, char **argv)
{
    TimedApplication app(argc, argv);
    TestResponsive test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_responsive.moc"
