// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Watchers of the control channel: a DEBUG flood to a watcher that does not read yields a
// records_lost event (sequence numbers account for every event) while the servers keep serving
// and the channel keeps answering; a second watcher at the same time gets its own stream.

#include "ctltest.h"
#include "remote/controlclient.h"

#include <QTemporaryDir>

#include <atomic>
#include <thread>

using namespace ctltest;
using namespace qpalm::remote;

namespace {

// What one watcher saw.
struct Watched
{
    int events = 0;
    int floodRecords = 0;
    quint64 lost = 0;
    int lostEvents = 0;
    QString problem; // a sequence that does not add up
};

// Watches on its own thread; the slow one does not read until released.
Watched watch(const QString &address, std::atomic<bool> *release, std::atomic<bool> *done)
{
    Watched seen;
    ControlClient client;
    QString error;
    if (!client.open({address, std::nullopt, {}, 5000}, &error)) {
        seen.problem = error;
        return seen;
    }
    quint64 previous = 0;
    QElapsedTimer timer;
    timer.start();
    QElapsedTimer quiet; // since the last flood record
    quiet.start();
    const ControlResult result = client.watch(0, QStringLiteral("solo"), [&](const RemoteEvent &e) {
        while (release && !release->load() && !timer.hasExpired(90000))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (e.sequence == 0) // recent records sent with the reply
            return true;
        ++seen.events;
        const quint64 expected =
            previous + 1 + (e.kind == RemoteEvent::Kind::RecordsLost ? e.lost : 0);
        if (e.sequence != expected && seen.problem.isEmpty())
            seen.problem = QStringLiteral("sequence %1 after %2 (lost %3)")
                               .arg(e.sequence)
                               .arg(previous)
                               .arg(e.lost);
        previous = e.sequence;
        if (e.kind == RemoteEvent::Kind::RecordsLost) {
            seen.lost += e.lost;
            ++seen.lostEvents;
        }
        if (e.kind == RemoteEvent::Kind::Record &&
            e.record.text.startsWith(QLatin1String("flood"))) {
            ++seen.floodRecords;
            quiet.restart();
        }
        // Until the flood has drained (no flood record for 3 s after it ended).
        return !(done->load() && quiet.hasExpired(3000)) && !timer.hasExpired(120000);
    });
    if (result.outcome != ControlResult::Outcome::Done)
        seen.problem = QStringLiteral("watch: ") + result.reason;
    return seen;
}

} // namespace

class TestCtlWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slowWatcherLosesRecordsServersKeepServing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString script = writeFile(dir.path(), QStringLiteral("solo.lua"),
                                         "function foo(message)\n"
                                         "  self.logger.debug('flood ' .. message)\n"
                                         "  return message\n"
                                         "end\n");
        FileServer server(dir.path());
        const QString control = QStringLiteral("ipc://%1/ctl").arg(dir.path());
        QVERIFY2(server.start({writeSoloCluster(dir.path(), script), QStringLiteral("--control"),
                               control, QStringLiteral("--log-level"), QStringLiteral("DEBUG")}),
                 qPrintable(server.describe()));

        std::atomic<bool> release{false};
        std::atomic<bool> done{false};
        Watched slow;
        Watched fast;
        std::thread slowThread([&] { slow = watch(control, &release, &done); });
        std::thread fastThread([&] { fast = watch(control, nullptr, &done); });
        QTest::qWait(1000); // both registered

        constexpr int kMessages = 30000;
        QElapsedTimer timer;
        timer.start();
        const ClientResult flood = runClient(
            {QStringLiteral("--db"), server.address(QStringLiteral("solo"), QStringLiteral("db")),
             QStringLiteral("--server"), QStringLiteral("solo"), QStringLiteral("job"),
             QStringLiteral("--repeat"), QString::number(kMessages), QStringLiteral("solo.foo"),
             QStringLiteral("m")},
            {}, 120000);
        const qint64 floodMs = timer.elapsed();
        // The servers never waited for the stalled watcher.
        const bool served = flood.exitCode == 0 && lines(flood.out).size() == kMessages;
        // The channel still answers while a watcher is stalled.
        const ClientResult status = runCtl({QStringLiteral("status")}, control);
        release = true;
        done = true;
        slowThread.join();
        fastThread.join();
        qInfo("flood of %d messages with a stalled watcher: %lld ms; slow watcher: %d events, "
              "%llu lost in %d records_lost events; fast watcher: %d flood records, %llu lost",
              kMessages, floodMs, slow.events, static_cast<unsigned long long>(slow.lost),
              slow.lostEvents, fast.floodRecords, static_cast<unsigned long long>(fast.lost));
        QVERIFY2(served, qPrintable(flood.describe().left(2000) + server.describe()));
        QVERIFY2(floodMs < 90000, qPrintable(QString::number(floodMs)));
        QVERIFY2(status.exitCode == 0, qPrintable(status.describe()));
        QVERIFY2(slow.problem.isEmpty(), qPrintable(slow.problem));
        QVERIFY2(fast.problem.isEmpty(), qPrintable(fast.problem));
        QVERIFY(slow.lostEvents >= 1);
        QVERIFY(slow.lost > 0);
        QVERIFY(slow.floodRecords > 0); // it resumes after the gap
        QVERIFY(fast.floodRecords > 0); // several watchers at once, each with its own stream
    }
};

QTEST_GUILESS_MAIN(TestCtlWatch)
#include "tst_ctl_watch.moc"
