// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile peers on a qpalm-server master's reliable path (worker_reliable_address, a ROUTER):
// raw DEALER peers that join and go silent, heartbeat without ever acknowledging, acknowledge ids
// they were never given or twice, send malformed, truncated and oversized frames, claim a huge
// credit, only heartbeat, come back under the same identity, or join 200 times and vanish; peers
// that take their tasks in 'M' batches and lie or send malformed 'A' batches back. After
// each, a real qpalm worker process serves a 200-message job with every reply exactly once; every
// bad input is logged once, naming what was wrong; the ledger of vanished peers stays bounded
// and the master's memory does not grow.

#include "clitest.h"
#include "cluster.h"
#include "hostilepeer.h"
#include "process/remoteserver.h"
#include "serverstats.h"

#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace qpalm;
using namespace hostile;
using namespace Qt::StringLiterals;

namespace {
constexpr int kHeartbeatMs = 200;
constexpr int kMissed = 5; // a silent worker is given up on after 1 s
} // namespace

class TestHostileReliable : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    clitest::ServerProcess m_master;
    clitest::ServerProcess m_worker;
    std::string m_reliable;
    QString m_db;
    std::unique_ptr<Cluster> m_cluster;
    ServerHandle *m_remote = nullptr;
    qint64 m_rssBefore = 0;
    int m_jobs = 0;

    // A 200-message job through a qpalm-client process: every reply exactly once.
    bool jobServedOnce(QString *problem)
    {
        const QString prefix = u"j%1-"_s.arg(++m_jobs);
        QStringList payloads;
        for (int i = 0; i < 200; ++i)
            payloads << prefix + QString::number(i);
        const auto result = clitest::runClient(
            QStringList{u"--db"_s, m_db, u"--server"_s, u"m"_s, u"job"_s, u"m.work"_s} << payloads);
        const QStringList replies = clitest::lines(result.out);
        const QSet<QString> unique(replies.begin(), replies.end());
        if (result.exitCode == 0 && replies.size() == 200 &&
            unique == QSet<QString>(payloads.begin(), payloads.end()))
            return true;
        *problem = u"job %1: %2 replies, %3 distinct\n%4\n%5"_s.arg(prefix)
                       .arg(replies.size())
                       .arg(unique.size())
                       .arg(result.describe(), m_master.describe().right(4000));
        return false;
    }

    QList<WorkerLedger> ledger() const { return m_remote->stats().ledger; }

    std::optional<WorkerLedger> ledgerOf(const QString &name) const
    {
        std::optional<WorkerLedger> found;
        for (const WorkerLedger &entry : ledger()) {
            if (entry.worker == name && (!found || found->gone))
                found = entry;
        }
        return found;
    }

    // Lines of the master's output holding text.
    int count(const QString &text) { return int(m_master.output().count(text)); }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<qpalm::ServerStats>();
        QVERIFY(m_dir.isValid());
        const QByteArray delivery =
            "'delivery': {'heartbeat_ms': " + QByteArray::number(kHeartbeatMs) +
            ", 'heartbeat_missed': " + QByteArray::number(kMissed) + "}";
        const QString masterFile = clitest::writeFile(
            m_dir.path(), u"master.json"_s,
            clitest::j("{'servers': [{'kind': 'master', 'name': 'm', "
                       "'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*', "
                       "'pub_address': 'tcp://127.0.0.1:*', "
                       "'worker_push_address': 'tcp://127.0.0.1:*', "
                       "'worker_pull_address': 'tcp://127.0.0.1:*', " +
                       delivery + "}]}"));
        const QString control = u"ipc://"_s + m_dir.filePath(u"control"_s);
        QVERIFY2(m_master.start({masterFile, u"--control"_s, control}),
                 qPrintable(m_master.describe()));
        m_db = m_master.address(u"m"_s, u"db"_s);
        m_reliable = m_master.address(u"m"_s, u"worker_reliable"_s).toStdString();
        QVERIFY2(!m_db.isEmpty() && !m_reliable.empty(), qPrintable(m_master.describe()));

        clitest::writeFile(m_dir.path(), u"work.lua"_s,
                           "function work(payload) return payload end\n");
        const QString workerFile = clitest::writeFile(
            m_dir.path(), u"worker.json"_s,
            clitest::j("{'servers': [{'kind': 'worker', 'name': 'w', 'db_address': '" +
                       m_db.toUtf8() + "', 'script': 'work.lua', " + delivery + "}]}"));
        QVERIFY2(m_worker.start({workerFile}, 15000, m_dir.path()),
                 qPrintable(m_worker.describe()));
        QVERIFY2(m_master.waitFor(u"Worker 'w' joined on the reliable path"_s),
                 qPrintable(m_master.describe()));

        ServerConfig config;
        config.kind = ServerKind::Master;
        config.name = u"m"_s;
        config.attach.control = control;
        m_cluster = std::make_unique<Cluster>();
        m_remote = m_cluster->addServer(config);
        QVERIFY(m_remote);
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(u"w"_s).has_value(), 10000);

        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem)); // warm: buffers, Lua state
        m_rssBefore = rssKb(m_master.process().processId());
        QVERIFY(m_rssBefore > 0);
    }

    // Joins with a window of 100 and goes silent (no heartbeat, no ack, still connected): what
    // it took goes to the real worker after kMissed intervals.
    void joinsAndGoesSilent()
    {
        FakeWorker fake(m_reliable, "silent-id", hello(100, "fake-silent"),
                        [](zmq::socket_t &, const std::string &) {});
        QVERIFY(m_master.waitFor(u"Worker 'fake-silent' joined"_s));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QVERIFY2(m_master.waitFor(u"Worker 'fake-silent' missed %1 heartbeats"_s.arg(kMissed)),
                 qPrintable(m_master.describe()));
        QVERIFY(fake.received() > 0); // it did take tasks
    }

    // Sends heartbeats forever and never acknowledges what it holds: given up on after as long
    // as a silent one, and logged once, naming it.
    void heartbeatsButNeverAcks()
    {
        QElapsedTimer beat;
        beat.start();
        FakeWorker fake(m_reliable, "busy-id", hello(100, "fake-busy"),
                        [&beat](zmq::socket_t &socket, const std::string &) {
                            if (beat.elapsed() >= kHeartbeatMs / 2) {
                                socket.send(zmq::buffer("B", 1), zmq::send_flags::none);
                                beat.restart();
                            }
                        });
        QVERIFY(m_master.waitFor(u"Worker 'fake-busy' joined"_s));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QVERIFY2(m_master.waitFor(u"Worker 'fake-busy' acknowledged none of"_s),
                 qPrintable(m_master.describe()));
        QVERIFY(fake.received() > 0);
        fake.stop();
        QCOMPARE(count(u"Worker 'fake-busy' acknowledged none of"_s), 1);
    }

    // Serves, but acknowledges an id it was never given before each real ack and repeats each
    // ack: the client sees every reply once; the unknown ids are logged once; duplicates counted.
    void acksUnknownIdsAndTwice()
    {
        FakeWorker fake(m_reliable, "liar-id", hello(20, "fake-liar"),
                        [](zmq::socket_t &socket, const std::string &in) {
                            if (in.empty() || in[0] != 'T')
                                return;
                            const std::string body = in.substr(9);
                            const std::uint64_t id = idOf(in);
                            socket.send(zmq::buffer(frame('R', id + 1000000000, body)),
                                        zmq::send_flags::none);
                            socket.send(zmq::buffer(frame('r', 0, body)), zmq::send_flags::none);
                            socket.send(zmq::buffer(frame('R', id, body)), zmq::send_flags::none);
                            socket.send(zmq::buffer(frame('R', id, body)), zmq::send_flags::none);
                        });
        QVERIFY(m_master.waitFor(u"Worker 'fake-liar' joined"_s));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QVERIFY(fake.received() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(u"fake-liar"_s) &&
                                     ledgerOf(u"fake-liar"_s)->duplicatesDropped > 0 &&
                                     ledgerOf(u"fake-liar"_s)->done > 0,
                                 5000);
        fake.stop();
        QVERIFY2(m_master.waitFor(u"Worker 'fake-liar' acknowledged id"_s),
                 qPrintable(m_master.describe()));
        QTest::qWait(300);
        QCOMPARE(count(u"Worker 'fake-liar' acknowledged id"_s), 1);
    }

    // Empty frames, extra frames, unknown types, a short hello, truncated acks, an 8 MiB frame
    // and a task sent the wrong way: each dropped and logged once, naming what was wrong.
    void malformedFrames()
    {
        zmq::socket_t socket(context(), zmq::socket_type::dealer);
        socket.set(zmq::sockopt::linger, 0);
        socket.set(zmq::sockopt::routing_id, std::string("junk-id"));
        socket.connect(m_reliable);
        auto send = [&](const std::vector<std::string> &frames) {
            for (std::size_t i = 0; i < frames.size(); ++i)
                socket.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore
                                                                          : zmq::send_flags::none);
        };
        send({hello(10, "fake-junk")});
        QVERIFY(m_master.waitFor(u"Worker 'fake-junk' joined"_s));
        for (int i = 0; i < 3; ++i) { // each kind three times: one record each
            send({std::string()});
            send({"B", "extra", "frames"});
            send({"Zjunk"});
            send({"H\x01"});
            send({"R\x01\x02"});
            send({"T" + le(5, 8) + "a task from a worker"});
            send({"M" + entry('T', 5, "tasks from a worker")}); // the same kind as 'Z'
            send({std::string("C\xff\x00junk", 7)}); // features it does not know: ignored
        }
        send({"Q" + std::string(8 << 20, 'x')});
        QTest::qWait(500);
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        const QStringList expected = {
            u"Malformed message on worker_reliable_address (2 frames, the second empty)"_s,
            u"Malformed message on worker_reliable_address (4 frames)"_s,
            u"unknown frame type 'Z'"_s, // 'T' (a task sent the wrong way) and 'Q' are the same
            u"unknown frame type"_s,     // kind: counted, not logged again
            u"A hello of 2 bytes"_s,
            u"sent a truncated 'R' frame (3 bytes)"_s};
        for (const QString &text : expected) {
            QVERIFY2(m_master.waitFor(text, 1, 3000),
                     qPrintable(u"no record for: "_s + text + u"\n"_s + m_master.output()));
            QVERIFY2(count(text) == 1, qPrintable(text + u" logged %1 times"_s.arg(count(text))));
        }
    }

    // Credit 2^32-1 and 0: clamped, said once, and the peer serves within its clamped window.
    void hugeAndZeroCredit()
    {
        FakeWorker huge(m_reliable, "huge-id", hello(0xffffffffu, "fake-huge"), echo);
        FakeWorker zero(m_reliable, "zero-id", hello(0, "fake-zero"), echo);
        QVERIFY(
            m_master.waitFor(u"Worker 'fake-huge' joined on the reliable path (credit 100000)"_s));
        QVERIFY(m_master.waitFor(u"Worker 'fake-zero' joined on the reliable path (credit 1)"_s));
        QVERIFY(m_master.waitFor(u"Worker 'fake-huge' asked for a credit of 4294967295"_s));
        QVERIFY(m_master.waitFor(u"Worker 'fake-zero' asked for a credit of 0"_s));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QVERIFY(huge.received() > 0);
    }

    // Heartbeats only, never a hello: told to say hello, nothing else; logged once.
    void onlyHeartbeats()
    {
        std::atomic<int> whos{0};
        {
            FakeWorker fake(m_reliable, "beat-id", "B",
                            [&whos](zmq::socket_t &socket, const std::string &in) {
                                if (in == "W")
                                    ++whos;
                                socket.send(zmq::buffer("B", 1), zmq::send_flags::none);
                            });
            QString problem;
            QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
            QTRY_VERIFY_WITH_TIMEOUT(whos > 2, 3000);
        }
        QVERIFY(m_master.waitFor(u"without a hello"_s));
        QCOMPARE(count(u"without a hello"_s), 1);
    }

    // Takes tasks, disconnects without a word, and comes back under the same identity and name:
    // what the first connection held is served once; the second connection serves.
    void reconnectsUnderTheSameIdentity()
    {
        {
            FakeWorker first(m_reliable, "same-id", hello(50, "fake-again"),
                             [](zmq::socket_t &, const std::string &) {});
            QVERIFY(m_master.waitFor(u"Worker 'fake-again' joined"_s));
            std::thread job([&] {
                QString problem;
                jobServedOnce(&problem);
            });
            QTRY_VERIFY_WITH_TIMEOUT(first.received() > 0, 5000);
            first.stop(); // closed with what it holds
            job.join();   // served by the real worker once the first connection is given up on
        }
        QElapsedTimer sinceHello;
        sinceHello.start();
        FakeWorker second(m_reliable, "same-id", hello(50, "fake-again"),
                          [&sinceHello](zmq::socket_t &socket, const std::string &in) {
                              echo(socket, in);
                              // Until answered: a ROUTER refuses an identity still connected.
                              if (in.empty() && sinceHello.elapsed() > 300) {
                                  socket.send(zmq::buffer(hello(50, "fake-again")),
                                              zmq::send_flags::none);
                                  sinceHello.restart();
                              }
                          });
        QVERIFY(m_master.waitFor(u"Worker 'fake-again' joined"_s, 2, 5000));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(u"fake-again"_s) && ledgerOf(u"fake-again"_s)->done > 0,
                                 5000);
    }

    // 200 joins under distinct identities, then all vanish, five times over: the ledger keeps a
    // bounded number of departed workers and the master's memory stays flat.
    void twoHundredJoinsThenVanish()
    {
        qint64 rssFirst = 0;
        for (int round = 0; round < 5; ++round) {
            std::vector<zmq::socket_t> peers;
            for (int i = 0; i < 200; ++i) {
                peers.emplace_back(context(), zmq::socket_type::dealer);
                zmq::socket_t &socket = peers.back();
                socket.set(zmq::sockopt::linger, 0);
                socket.set(zmq::sockopt::routing_id,
                           u"storm-%1-%2"_s.arg(round).arg(i).toStdString());
                socket.connect(m_reliable);
                const std::string bytes =
                    hello(100, "storm-" + std::to_string(round) + "-" + std::to_string(i));
                socket.send(zmq::buffer(bytes), zmq::send_flags::none);
            }
            QVERIFY(m_master.waitFor(u"Worker 'storm-%1-199' joined"_s.arg(round), 1, 5000));
            peers.clear(); // vanish
            QString problem;
            QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
            if (round == 0)
                rssFirst = rssKb(m_master.process().processId());
        }
        // Departed peers are pruned: at most 64 kept, however many came and went.
        // Stats sampled after every storm peer was given up on (kMissed intervals at most).
        const qint64 settled = QDateTime::currentMSecsSinceEpoch() + kHeartbeatMs * kMissed + 300;
        QTRY_VERIFY_WITH_TIMEOUT(m_remote->stats().msecsSinceEpoch > settled, 5000);
        QVERIFY2(ledger().size() <= 64, qPrintable(QString::number(ledger().size())));
        QVERIFY2(ledgerOf(u"w"_s) && !ledgerOf(u"w"_s)->gone, "the real worker is still there");
        const qint64 rss = rssKb(m_master.process().processId());
        qInfo("master RSS %lld kB before the hostile peers, %lld kB after the first 200 joins, "
              "%lld kB after 1,000; ledger %lld entries",
              static_cast<long long>(m_rssBefore), static_cast<long long>(rssFirst),
              static_cast<long long>(rss), static_cast<long long>(ledger().size()));
#ifdef __SANITIZE_ADDRESS__
        // The master runs under AddressSanitizer too: freed blocks stay in its quarantine, so RSS
        // says nothing; the ledger bound above still holds.
        qInfo("RSS not compared under AddressSanitizer (freed memory stays quarantined)");
#else
        QVERIFY2(rss < m_rssBefore + 40 * 1024,
                 qPrintable(u"%1 kB -> %2 kB"_s.arg(m_rssBefore).arg(rss)));
#endif
    }

    // Reads 'M' frames (says so in its 'C'), and answers each with one 'A' holding an id never
    // given out, every result, and every result again; its first answer is followed by a 650 kB
    // 'A' of 50,000 ids never given out. The client sees every reply once, the peer stays.
    void batchPeerLiesInItsBatches()
    {
        std::atomic<int> batches{0};
        std::atomic<bool> flooded{false};
        FakeWorker fake(m_reliable, "batch-id", hello(100, "fake-batch"),
                        [&](zmq::socket_t &socket, const std::string &in) {
                            const auto tasks = batchTasks(socket, in);
                            if (tasks.empty())
                                return;
                            ++batches;
                            std::string out = "A" + entry('R', 1000000000, "a lie");
                            for (int twice = 0; twice < 2; ++twice)
                                for (const auto &[id, body] : tasks)
                                    out += entry('R', id, body);
                            socket.send(zmq::buffer(out), zmq::send_flags::none);
                            if (flooded.exchange(true))
                                return;
                            std::string flood = "A";
                            for (int i = 0; i < 50000; ++i)
                                flood += entry('R', 2000000000 + std::uint64_t(i), {});
                            socket.send(zmq::buffer(flood), zmq::send_flags::none);
                        });
        QVERIFY(m_master.waitFor(u"Worker 'fake-batch' joined"_s));
        QString problem;
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        qInfo("a 200-message job beside a peer answering in lying batches: %lld ms",
              static_cast<long long>(timer.elapsed()));
        QVERIFY2(batches > 0, "the master never sent it an 'M' frame");
        auto served = [this] {
            const auto entry = ledgerOf(u"fake-batch"_s);
            return entry && !entry->gone && entry->done > 0 && entry->duplicatesDropped > 50000;
        };
        QTRY_VERIFY_WITH_TIMEOUT(served(), 5000);
        fake.stop();
        QCOMPARE(count(u"Worker 'fake-batch' sent a malformed result batch"_s), 0);
    }

    // Answers each 'M' batch in reverse order (last task first): every out-of-order ack is
    // found among what it holds (a bisection over rising ids), none counted as a duplicate.
    void acksEachBatchInReverse()
    {
        std::atomic<int> answered{0};
        std::atomic<int> reversed{0}; // batches of two tasks or more
        FakeWorker fake(m_reliable, "reverse-id", hello(100, "fake-reverse"),
                        [&](zmq::socket_t &socket, const std::string &in) {
                            const auto tasks = batchTasks(socket, in);
                            if (tasks.empty()) {
                                answered += in.size() > 1 && in[0] == 'T'; // echoed
                                return;
                            }
                            std::string out = "A";
                            for (auto it = tasks.rbegin(); it != tasks.rend(); ++it)
                                out += entry('R', it->first, it->second);
                            socket.send(zmq::buffer(out), zmq::send_flags::none);
                            answered += int(tasks.size());
                            reversed += tasks.size() > 1;
                        });
        QVERIFY(m_master.waitFor(u"Worker 'fake-reverse' joined"_s));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(u"fake-reverse"_s) &&
                                     ledgerOf(u"fake-reverse"_s)->done == quint64(answered.load()),
                                 5000);
        QVERIFY2(reversed > 0, "no batch of two or more tasks reached it");
        const WorkerLedger entry = *ledgerOf(u"fake-reverse"_s);
        QCOMPARE(entry.duplicatesDropped, quint64(0));
        QCOMPARE(entry.inFlight, qint64(0));
        fake.stop();
    }

    // A batch peer whose first answer is a malformed 'A' frame: given up on at once, what it
    // held served by the real worker, none of it taken from the bad frame; said once.
    void malformedBatchIsGivenUpOn_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char *kind : {"empty", "cut-short", "task-inside", "head-only"})
            QTest::newRow(kind) << QString::fromLatin1(kind);
    }

    void malformedBatchIsGivenUpOn()
    {
        QFETCH(QString, kind);
        const std::string name = "fake-bad-" + kind.toStdString();
        std::atomic<bool> sent{false};
        FakeWorker fake(m_reliable, name + "-id", hello(100, name),
                        [&](zmq::socket_t &socket, const std::string &in) {
                            if (offersBatches(in)) {
                                socket.send(zmq::buffer("Cm", 2), zmq::send_flags::none);
                                return;
                            }
                            auto tasks = tasksOf(in);
                            if (tasks.empty() && !in.empty() && in[0] == 'T' && in.size() >= 9)
                                tasks.emplace_back(idOf(in), in.substr(9));
                            if (tasks.empty() || sent.exchange(true))
                                return;
                            const auto &[id, body] = tasks.front();
                            std::string bad = "A";
                            if (kind == u"cut-short"_s) // claims 1000 bytes more than follow
                                bad += std::string(1, 'R') + le(id, 8) + le(body.size() + 1000, 4) +
                                       body;
                            else if (kind == u"task-inside"_s)
                                bad += entry('T', id, body);
                            else if (kind == u"head-only"_s)
                                bad += std::string(1, 'R') + le(id, 8) + le(0, 3);
                            socket.send(zmq::buffer(bad), zmq::send_flags::none);
                        });
        const QString qname = QString::fromStdString(name);
        QVERIFY(m_master.waitFor(u"Worker '%1' joined"_s.arg(qname)));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        QVERIFY(sent);
        const QString record = u"Worker '%1' sent a malformed result batch"_s.arg(qname);
        QVERIFY2(m_master.waitFor(record), qPrintable(m_master.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(ledgerOf(qname) && ledgerOf(qname)->gone, 5000);
        const WorkerLedger entry = *ledgerOf(qname);
        QVERIFY(entry.requeued > 0);
        QCOMPARE(entry.done, quint64(0));
        fake.stop();
        QCOMPARE(count(record), 1);
    }

    // Raw TCP garbage (1-4096 random bytes, 40 connections) on every port the master binds,
    // half of them left open: then set, get and a 200-message job.
    void rawTcpGarbageOnEveryPort()
    {
        std::mt19937 random(4242);
        std::vector<int> open;
        for (const QString &port : {u"db"_s, u"pull"_s, u"pub"_s, u"worker_push"_s,
                                    u"worker_pull"_s, u"worker_reliable"_s}) {
            const QString address = m_master.address(u"m"_s, port);
            QVERIFY2(address.startsWith(u"tcp://"_s), qPrintable(port + u"="_s + address));
            for (int i = 0; i < 40; ++i) {
                const int fd = rawTcp(address);
                QVERIFY2(fd >= 0, qPrintable(address));
                std::string junk(1 + random() % 4096, '\0');
                for (char &c : junk)
                    c = char(random() & 0xff);
                (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
                if (i % 2 == 0)
                    ::close(fd);
                else
                    open.push_back(fd);
            }
        }
        QTest::qWait(300);
        const QStringList db = {u"--db"_s, m_db, u"--server"_s, u"m"_s};
        auto set = clitest::runClient(QStringList(db) << u"set"_s << u"v"_s << u"k"_s);
        QVERIFY2(set.exitCode == 0, qPrintable(set.describe()));
        auto get = clitest::runClient(QStringList(db) << u"get"_s << u"k"_s);
        QVERIFY2(get.exitCode == 0 && clitest::lines(get.out) == QStringList{u"v"_s},
                 qPrintable(get.describe()));
        QString problem;
        QVERIFY2(jobServedOnce(&problem), qPrintable(problem));
        for (int fd : open)
            ::close(fd);
    }

    void cleanupTestCase()
    {
        m_cluster.reset();
        m_worker.signal(SIGTERM);
        m_master.signal(SIGTERM);
        QCOMPARE(m_worker.waitForExit(5000), 0);
        QCOMPARE(m_master.waitForExit(5000), 0);
    }
};

QTEST_GUILESS_MAIN(TestHostileReliable)
#include "tst_hostile_reliable.moc"
