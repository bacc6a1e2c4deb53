// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The reliable path with real worker processes (qpalm-server --only) of an in-process master:
// kill -9 and SIGSTOP/SIGCONT mid-job lose nothing and duplicate nothing (issue 9); the C calls
// that used to hang a worker are answered, and SIGTERM ends the workers with 0 within 2 s.

#include "clitest.h"
#include "reliabletest.h"

#include <QTemporaryDir>

#include <set>
#include <thread>

using namespace qpalm;
using namespace qpalm::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kScript = "function work(payload)\n"
                           "  local x = 0\n"
                           "  for i = 1, 20000 do x = x + i end\n"
                           "  return payload\n"
                           "end\n"
                           "function rep(payload) return string.rep('', 2^62) end\n"
                           "function move(payload) return table.move({}, 1, 2^50, 2) end\n"
                           "function find(payload)\n"
                           "  return tostring(string.find(string.rep('a', 3000), '.-.-.-.-b'))\n"
                           "end\n";

// An in-process master on ipc db_address and two worker processes of one cluster file.
struct Setup
{
    QTemporaryDir dir;
    Rig rig;
    LocalServer *master = nullptr;
    clitest::ServerProcess workers[2];
    QString error;

    bool start()
    {
        const QString db = u"ipc://%1/db"_s.arg(dir.path());
        ServerConfig config = masterConfig(u"m"_s);
        config.dbAddress = db;
        master = rig.start(config);
        if (!master) {
            error = rig.lastError();
            return false;
        }
        QFile script(dir.filePath(u"work.lua"_s));
        if (!script.open(QIODevice::WriteOnly) || script.write(kScript) != kScript.size())
            return false;
        script.close();
        const QByteArray json = clitest::j(
            "{'servers': [{'kind': 'worker', 'name': 'w', 'replicas': 2, 'db_address': '" +
            db.toUtf8() + "', 'script': 'work.lua', 'limits': {'time_ms': 500}}]}");
        QFile file(dir.filePath(u"cluster.json"_s));
        if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
            return false;
        file.close();
        for (int i = 0; i < 2; ++i) {
            if (!workers[i].start({file.fileName(), u"--only"_s, u"w-%1"_s.arg(i + 1)})) {
                error = workers[i].describe();
                return false;
            }
        }
        for (int i = 0; i < 2; ++i) {
            if (!joined(rig, u"w-%1"_s.arg(i + 1))) {
                error = rig.dump();
                return false;
            }
        }
        return true;
    }
};

} // namespace

class TestReliableProcesses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<qpalm::ServerStats>(); }

    // Issue 9: kill -9 of one of two workers at 25 % lost 1,177 of 3,000 replies.
    void killedWorkerLosesNothing()
    {
        Setup setup;
        QVERIFY2(setup.start(), qPrintable(setup.error));
        auto client = setup.rig.client(setup.master, {}, 10000);
        QVERIFY(client);
        const auto payloads = numbered("k", 3000);
        std::size_t next = 0;
        std::multiset<std::string> replies;
        const bool ok = client->job(
            "m.work",
            [&](std::string &payload) {
                if (next == payloads.size())
                    return false;
                payload = payloads[next++];
                return true;
            },
            [&](std::string &&reply) {
                replies.insert(reply);
                if (replies.size() == 750)
                    setup.workers[0].signal(SIGKILL);
            });
        QVERIFY2(ok, client->lastError().c_str());
        QCOMPARE(replies.size(), std::size_t(3000));
        QCOMPARE(std::set<std::string>(replies.begin(), replies.end()).size(), std::size_t(3000));
        QVERIFY(waitUntil(
            [&] {
                const auto entry = ledgerOf(setup.master, u"w-1"_s);
                return entry && entry->gone;
            },
            5000));
        const WorkerLedger dead = *ledgerOf(setup.master, u"w-1"_s);
        const WorkerLedger alive = *ledgerOf(setup.master, u"w-2"_s);
        qInfo("w-1 (killed): done %llu, requeued %llu; w-2: done %llu",
              static_cast<unsigned long long>(dead.done),
              static_cast<unsigned long long>(dead.requeued),
              static_cast<unsigned long long>(alive.done));
        QVERIFY(dead.requeued > 0);
        QCOMPARE(dead.inFlight, qint64(0));
        QCOMPARE(dead.done + alive.done, quint64(3000));
    }

    // SIGSTOP for 5 s: requeued after the heartbeat timeout; after SIGCONT its late results are
    // dropped, it joins again, and the client never sees a reply twice.
    void stoppedWorkerIsRequeuedAndLateResultsDropped()
    {
        Setup setup;
        QVERIFY2(setup.start(), qPrintable(setup.error));
        auto client = setup.rig.client(setup.master, {}, 10000);
        QVERIFY(client);
        const auto payloads = numbered("s", 3000);
        std::size_t next = 0;
        std::multiset<std::string> replies;
        std::thread pauser;
        QElapsedTimer sinceStop;
        const bool ok = client->job(
            "m.work",
            [&](std::string &payload) {
                if (next == payloads.size())
                    return false;
                payload = payloads[next++];
                return true;
            },
            [&](std::string &&reply) {
                replies.insert(reply);
                if (replies.size() == 750) {
                    setup.workers[0].signal(SIGSTOP);
                    sinceStop.start();
                    const qint64 pid = setup.workers[0].process().processId();
                    pauser = std::thread([pid] {
                        std::this_thread::sleep_for(std::chrono::seconds(5));
                        ::kill(pid_t(pid), SIGCONT);
                    });
                }
            });
        const qint64 finishedAfter = sinceStop.elapsed();
        if (pauser.joinable())
            pauser.join();
        QVERIFY2(ok, client->lastError().c_str());
        QCOMPARE(replies.size(), std::size_t(3000));
        QCOMPARE(std::set<std::string>(replies.begin(), replies.end()).size(), std::size_t(3000));
        // Finished by the requeue, not by the worker coming back.
        QVERIFY2(finishedAfter < 5000, qPrintable(QString::number(finishedAfter)));
        QVERIFY(setup.rig.waitForText(u"Worker 'w-1' missed 3 heartbeats"_s, u"m"_s, 3000));

        // Continued: it answers what it held (dropped) and joins again.
        QVERIFY2(waitUntil(
                     [&] {
                         const auto entry = ledgerOf(setup.master, u"w-1"_s);
                         return entry && !entry->gone && entry->duplicatesDropped > 0;
                     },
                     8000),
                 qPrintable(setup.rig.dump()));
        const WorkerLedger back = *ledgerOf(setup.master, u"w-1"_s);
        qInfo("w-1 (stopped 5 s): requeued %llu, duplicates dropped %llu",
              static_cast<unsigned long long>(back.requeued),
              static_cast<unsigned long long>(back.duplicatesDropped));
        QVERIFY(back.requeued > 0);
        QTest::qWait(500);
        // Nothing of the first job reaches the client again.
        const auto second = numbered("t", 200);
        const auto again = client->job("m.work", second);
        QVERIFY2(again, client->lastError().c_str());
        QCOMPARE(std::set<std::string>(again->begin(), again->end()),
                 std::set<std::string>(second.begin(), second.end()));
        QCOMPARE(again->size(), std::size_t(200));
    }

    // The three C calls of issue 9 end by the time limit (answered; an error gives payload 0); the
    // next messages are served; SIGTERM ends each worker process with 0 within 2 s.
    void hangingCallsAnsweredAndSigtermIsPrompt()
    {
        Setup setup;
        QVERIFY2(setup.start(), qPrintable(setup.error));
        auto client = setup.rig.client(setup.master, {}, 10000);
        QVERIFY(client);
        for (const char *function : {"m.rep", "m.move", "m.find"}) {
            QElapsedTimer timer;
            timer.start();
            const auto reply = client->eval(function, "x");
            QVERIFY2(reply, client->lastError().c_str());
            QCOMPARE(reply->size(), std::size_t(1)); // a result, or payload 0 after the error
            QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        }
        const auto after = client->job("m.work", numbered("n", 300));
        QVERIFY2(after, client->lastError().c_str());
        QCOMPARE(after->size(), std::size_t(300));
        for (auto &worker : setup.workers) {
            QElapsedTimer timer;
            timer.start();
            worker.signal(SIGTERM);
            QCOMPARE(worker.waitForExit(2000), 0);
            QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        }
        // They said goodbye: the master gave up on both at once, not after heartbeats.
        QVERIFY(waitUntil(
            [&] {
                const auto a = ledgerOf(setup.master, u"w-1"_s);
                const auto b = ledgerOf(setup.master, u"w-2"_s);
                return a && b && a->gone && b->gone;
            },
            1500));
    }
};

QTEST_GUILESS_MAIN(TestReliableProcesses)
#include "tst_reliable_processes.moc"
