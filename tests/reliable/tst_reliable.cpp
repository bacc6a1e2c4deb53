// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The reliable master-worker path in one process (docs/delivery.md): the ledger, a worker that
// leaves mid-job, a handler stuck in native code, pylm-style PUSH/PULL workers mixed in.

#include "rawzmq.h"
#include "reliabletest.h"
#include "server/reliableprotocol.h"

#include <QScopeGuard>
#include <QSignalSpy>

#include <atomic>
#include <set>
#include <thread>

using namespace qpalm;
using namespace qpalm::test;
using namespace Qt::StringLiterals;

class TestReliable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<qpalm::ServerStats>(); }

    // Results are acks: the ledger counts what each worker did; credit comes back.
    void ledgerCountsEachWorker()
    {
        Rig rig;
        LocalServer *master = rig.start(masterConfig(u"lm"_s));
        QVERIFY2(master, qPrintable(rig.lastError()));
        QVERIFY(!master->address(u"worker_reliable_address"_s).isEmpty());
        auto handlers = newHandlers();
        handlers->add("tag", tagHandler());
        const QString db = master->address(u"db_address"_s);
        QVERIFY(rig.start(workerConfig(u"lw-1"_s, db, handlers)));
        QVERIFY(rig.start(workerConfig(u"lw-2"_s, db, handlers)));
        QVERIFY(joined(rig, u"lw-1"_s) && joined(rig, u"lw-2"_s));
        auto client = rig.client(master);
        QVERIFY2(client, qPrintable(rig.lastError()));
        const auto replies = client->job("lm.tag", numbered("p", 500));
        QVERIFY2(replies, client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(500));
        QCOMPARE(std::set<std::string>(replies->begin(), replies->end()).size(), std::size_t(500));
        QVERIFY(waitUntil([&] {
            const auto a = ledgerOf(master, u"lw-1"_s);
            const auto b = ledgerOf(master, u"lw-2"_s);
            return a && b && a->done + b->done == 500 && a->inFlight == 0 && b->inFlight == 0;
        }));
        const WorkerLedger a = *ledgerOf(master, u"lw-1"_s);
        QCOMPARE(a.credit, DeliverySettings().credit);
        QCOMPARE(a.requeued, quint64(0));
        QCOMPARE(a.duplicatesDropped, quint64(0));
        QVERIFY(!a.gone);
        QVERIFY(qAbs(a.lastSeenMsecs - QDateTime::currentMSecsSinceEpoch()) < 5000);
        // Dispatch -> ack latency over the recent window: measured, and ordered.
        QVERIFY2(a.latencyP50Us > 0, qPrintable(QString::number(a.latencyP50Us)));
        QVERIFY2(a.latencyP99Us >= a.latencyP50Us,
                 qPrintable(u"p50 %1 us, p99 %2 us"_s.arg(a.latencyP50Us).arg(a.latencyP99Us)));
        QVERIFY(a.latencyP99Us < 60'000'000);
    }

    // A worker stopped mid-job says goodbye: what it held goes to the other, nothing is lost.
    void stoppedWorkerHandsBack()
    {
        Rig rig;
        LocalServer *master = rig.start(masterConfig(u"sm"_s));
        QVERIFY2(master, qPrintable(rig.lastError()));
        auto slow = newHandlers();
        slow->add("work", [](ServerContext &context, const std::string &payload) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            return std::optional<std::string>(context.serverName().toStdString() + ":" + payload);
        });
        const QString db = master->address(u"db_address"_s);
        LocalServer *leaving = rig.start(workerConfig(u"sw-1"_s, db, slow));
        QVERIFY(leaving);
        QVERIFY(rig.start(workerConfig(u"sw-2"_s, db, slow)));
        QVERIFY(joined(rig, u"sw-1"_s) && joined(rig, u"sw-2"_s));
        auto client = rig.client(master);
        QVERIFY(client);
        const auto payloads = numbered("s", 1000);
        std::size_t i = 0;
        std::set<std::string> seen;
        int replies = 0;
        bool stopped = false;
        const bool ok = client->job(
            "sm.work",
            [&](std::string &payload) {
                if (i == payloads.size())
                    return false;
                payload = payloads[i++];
                return true;
            },
            [&](std::string &&reply) {
                ++replies;
                seen.insert(reply.substr(reply.find(':') + 1));
                if (replies == 250 && !stopped) {
                    stopped = true;
                    leaving->stop(); // the command goes down its pipe at once
                }
            });
        QVERIFY2(ok, client->lastError().c_str());
        QCOMPARE(replies, 1000);
        QCOMPARE(seen.size(), std::size_t(1000));
        QVERIFY(waitUntil([&] {
            const auto gone = ledgerOf(master, u"sw-1"_s);
            return gone && gone->gone;
        }));
        QVERIFY2(!rig.find(u"Worker 'sw-1' left"_s).isEmpty(), qPrintable(rig.dump()));
    }

    // pylm workers keep PUSH/PULL on the same master, beside qpalm workers on the reliable path.
    void mixedWithPlainPushPullWorker()
    {
        Rig rig;
        LocalServer *master = rig.start(masterConfig(u"mm"_s));
        QVERIFY2(master, qPrintable(rig.lastError()));
        auto slow = newHandlers();
        slow->add("work", [](ServerContext &, const std::string &payload) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return std::optional<std::string>("q:" + payload);
        });
        ServerConfig qw = workerConfig(u"mq"_s, master->address(u"db_address"_s), slow);
        qw.delivery.credit = 4; // overflow goes to the PUSH socket
        QVERIFY(rig.start(qw));
        QVERIFY(joined(rig, u"mq"_s));

        // A pylm-style worker: PULL tasks, PUSH results, no ids, no heartbeats.
        std::atomic<bool> done{false};
        std::atomic<int> plain{0};
        const std::string push = str(master->address(u"worker_push_address"_s));
        const std::string pull = str(master->address(u"worker_pull_address"_s));
        std::thread peer([&] {
            zmq::socket_t in = rawSocket(zmq::socket_type::pull);
            zmq::socket_t out = rawSocket(zmq::socket_type::push);
            in.connect(push);
            out.connect(pull);
            in.set(zmq::sockopt::rcvtimeo, 50);
            while (!done) {
                zmq::message_t frame;
                if (!in.recv(frame))
                    continue;
                Message message;
                if (!decodeMessage(
                        std::string_view(static_cast<const char *>(frame.data()), frame.size()),
                        message))
                    continue;
                message.payload = "p:" + message.payload;
                std::string bytes;
                encodeMessage(message, bytes);
                out.send(zmq::buffer(bytes));
                ++plain;
            }
        });
        auto client = rig.client(master);
        QVERIFY(client);
        QTest::qWait(300); // the raw peer's connection completes
        const auto replies = client->job("mm.work", numbered("m", 1000));
        done = true;
        peer.join();
        QVERIFY2(replies, client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(1000));
        std::set<std::string> unique;
        int fromQpalm = 0;
        for (const std::string &reply : *replies) {
            unique.insert(reply.substr(2));
            fromQpalm += reply.rfind("q:", 0) == 0 ? 1 : 0;
        }
        QCOMPARE(unique.size(), std::size_t(1000));
        QVERIFY2(fromQpalm > 0 && plain > 0,
                 qPrintable(u"qpalm %1, plain %2"_s.arg(fromQpalm).arg(plain.load())));
        QCOMPARE(fromQpalm + plain.load(), 1000);
    }

    // A hostile peer on the reliable path takes a full window of tasks in batches, then answers
    // with a malformed result batch: one record, the frame counted as malformed, what it held
    // requeued to the real worker; every reply arrives once. Its later (well-formed) batch of the
    // same results is a late duplicate.
    void malformedBatchIsRejected()
    {
        namespace r = server::reliable;
        Rig rig;
        LocalServer *master = rig.start(masterConfig(u"bm"_s));
        QVERIFY2(master, qPrintable(rig.lastError()));
        auto handlers = newHandlers();
        handlers->add("tag", tagHandler());
        QVERIFY(rig.start(workerConfig(u"bw"_s, master->address(u"db_address"_s), handlers)));
        QVERIFY(joined(rig, u"bw"_s));

        std::atomic<bool> done{false};
        std::atomic<bool> welcomed{false};
        std::atomic<int> received{0}; // tasks it got (all requeued)
        std::atomic<int> answered{0}; // of them, in its malformed and later its late batch
        const std::string address = str(master->address(u"worker_reliable_address"_s));
        std::thread peer([&] {
            zmq::socket_t hostile = rawSocket(zmq::socket_type::dealer);
            hostile.connect(address);
            hostile.set(zmq::sockopt::rcvtimeo, 50);
            constexpr int kWindow = 50; // it holds no more until half comes back (never)
            hostile.send(zmq::buffer(r::helloFrame(kWindow, "hostile")));
            std::vector<std::uint64_t> ids;
            std::string late;
            while (!done) {
                zmq::message_t frame;
                if (!hostile.recv(frame))
                    continue;
                const std::string_view head(static_cast<const char *>(frame.data()), frame.size());
                if (head.size() > 1 && head[0] == r::kHeartbeat) {
                    welcomed = head.find(r::kFeatureBatch, 1) != std::string_view::npos;
                    hostile.send(zmq::buffer(std::string{r::kCanDo, r::kFeatureTasks}));
                    continue;
                }
                if (head[0] == r::kTasks)
                    r::forEachEntry(head,
                                    [&](const r::BatchEntry &task) { ids.push_back(task.id); });
                else if (head[0] == r::kTask)
                    ids.push_back(*r::idOf(head));
                received = int(ids.size());
                // Answered only with its window full: the master sends it nothing more, so what
                // it held is exactly what it received.
                if (int(ids.size()) < kWindow || answered > 0)
                    continue;
                answered = int(ids.size());
                for (std::uint64_t id : ids)
                    r::appendEntry(late, r::kBatch, r::kDone, id, "x");
                // Its last entry claims more bytes than the frame has.
                std::string bad = late;
                bad.append("R12345678\xff\xff\xff\x7f", 13);
                hostile.send(zmq::buffer(bad));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                hostile.send(zmq::buffer(late)); // after being given up on: late, dropped
            }
        });
        auto stopPeer = qScopeGuard([&] {
            done = true;
            if (peer.joinable())
                peer.join();
        });
        QVERIFY(joined(rig, u"hostile"_s));
        auto client = rig.client(master);
        QVERIFY(client);
        const auto replies = client->job("bm.tag", numbered("b", 2000));
        QVERIFY(waitUntil([&] {
            const auto h = ledgerOf(master, u"hostile"_s);
            return h && h->duplicatesDropped > 0;
        }));
        done = true;
        peer.join();
        QVERIFY2(replies, client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(2000));
        QCOMPARE(std::set<std::string>(replies->begin(), replies->end()).size(), std::size_t(2000));
        QVERIFY(welcomed);
        QVERIFY(answered > 0);
        QCOMPARE(rig.find(u"sent a malformed result batch"_s).size(), 1);
        const WorkerLedger h = *ledgerOf(master, u"hostile"_s);
        QVERIFY(h.gone);
        QCOMPARE(h.requeued, quint64(received.load()));
        QCOMPARE(h.done, quint64(0));
        QCOMPARE(h.duplicatesDropped, quint64(answered.load()));
        QVERIFY(master->stats().malformed >= 1);
    }

    // What escapes every guard (a native handler that never returns): a stuck-call record naming
    // the function, the handle Hung, its messages served by the other worker, stop within 2 s,
    // and a restart that serves again.
    void stuckNativeCallIsRoutedAround()
    {
        static std::atomic<bool> hang{true};
        static std::atomic<bool> release{false};
        hang = true;
        release = false;
        Rig rig;
        LocalServer *master = rig.start(masterConfig(u"hm"_s));
        QVERIFY2(master, qPrintable(rig.lastError()));
        auto stuck = newHandlers();
        stuck->add("work", [](ServerContext &context, const std::string &payload) {
            while (hang && !release) // native code: no time limit reaches it
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            return std::optional<std::string>(context.serverName().toStdString() + ":" + payload);
        });
        auto fine = newHandlers();
        fine->add("work", tagHandler());
        const QString db = master->address(u"db_address"_s);
        ServerConfig hungConfig = workerConfig(u"hw-stuck"_s, db, stuck);
        hungConfig.limits.timeLimitMs = 300;
        LocalServer *hung = rig.start(hungConfig);
        QVERIFY(hung);
        QVERIFY(rig.start(workerConfig(u"hw-ok"_s, db, fine)));
        QVERIFY(joined(rig, u"hw-stuck"_s) && joined(rig, u"hw-ok"_s));
        auto client = rig.client(master);
        QVERIFY(client);

        QElapsedTimer timer;
        timer.start();
        const auto replies = client->job("hm.work", numbered("h", 50));
        QVERIFY2(replies, client->lastError().c_str());
        QCOMPARE(replies->size(), std::size_t(50));
        std::set<std::string> unique;
        for (const std::string &reply : *replies) {
            QVERIFY2(reply.rfind("hw-ok:", 0) == 0, reply.c_str());
            unique.insert(reply);
        }
        QCOMPARE(unique.size(), std::size_t(50));
        QVERIFY(rig.waitForText(u"Stuck call: function 'work'"_s, u"hw-stuck"_s, 5000));
        QVERIFY(waitUntil([&] { return hung->state() == ServerHandle::State::Hung; }));
        QVERIFY(waitUntil([&] {
            const auto entry = ledgerOf(master, u"hw-stuck"_s);
            return entry && entry->gone && entry->requeued >= 1;
        }));

        // Stop finishes within 2 s although the thread cannot.
        QSignalSpy stoppedSpy(hung, &ServerHandle::stopped);
        QElapsedTimer stopping;
        stopping.start();
        hung->stop();
        QVERIFY(stoppedSpy.wait(2000) || !stoppedSpy.isEmpty());
        QVERIFY2(stopping.elapsed() < 2000, qPrintable(QString::number(stopping.elapsed())));
        QCOMPARE(hung->state(), ServerHandle::State::Stopped);

        // A restart is a new thread (the stuck one is abandoned); it joins and serves.
        hang = false;
        QVERIFY(startAndWait(hung, 10000));
        QVERIFY(joined(rig, u"hw-stuck"_s, 2));
        QCOMPARE(hung->state(), ServerHandle::State::Running);
        const auto after = client->job("hm.work", numbered("a", 200));
        QVERIFY2(after, client->lastError().c_str());
        QCOMPARE(after->size(), std::size_t(200));
        release = true; // the abandoned thread returns and ends
    }
};

QTEST_GUILESS_MAIN(TestReliable)
#include "tst_reliable.moc"
