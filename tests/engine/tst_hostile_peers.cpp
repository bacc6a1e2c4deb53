// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile peers on real sockets: raw TCP garbage on every bound port, over-long function names,
// errors in scatter / gather / handle_stream, a stage that cannot be advanced, and a subscriber
// that stops reading (backpressure, nothing dropped).

#include "enginetest.h"
#include "rawzmq.h"

#include <QRegularExpression>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <limits>
#include <thread>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// A plain TCP connection to a tcp://127.0.0.1:port endpoint; -1 on failure.
int rawTcp(const QString &endpoint)
{
    const int port = endpoint.section(u':', -1).toInt();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sums N over records "Rejected N message(s) with a function field over the limit".
int rejectedInRecords(const Rig &rig, const QString &server, int *records)
{
    static const QRegularExpression pattern(QStringLiteral("^Rejected (\\d+) message"));
    int sum = 0;
    *records = 0;
    for (const LogRecord &record : rig.records(server)) {
        const auto match = pattern.match(record.text);
        if (match.hasMatch()) {
            ++*records;
            sum += match.captured(1).toInt();
        }
    }
    return sum;
}

// Receives replies on sub until count arrived or timeoutMs passed; payloads in arrival order.
std::vector<std::string> receivePayloads(zmq::socket_t &sub, int count, int timeoutMs)
{
    std::vector<std::string> payloads;
    QElapsedTimer timer;
    timer.start();
    while (int(payloads.size()) < count && timer.elapsed() < timeoutMs) {
        const auto frames = recvFrames(sub, 100);
        if (!frames || frames->size() != 2)
            continue;
        Message message;
        if (decodeMessage(frames->at(1), message))
            payloads.push_back(message.payload);
    }
    return payloads;
}

} // namespace

class TestHostilePeers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rawTcpGarbageOnEveryPort()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("gvictim")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("gvictim_worker"),
                                 master->address(QStringLiteral("db_address")), handlers));
        // A client that already used the cache, as in issue 9: its later requests must be served.
        QPALM_CLIENT(early, rig, master, QString());
        QCOMPARE(early->set("before", "k0").value_or("?"), std::string("k0"));

        std::mt19937 random(9009);
        std::vector<int> open;
        const QStringList ports{
            QStringLiteral("db_address"),          QStringLiteral("pull_address"),
            QStringLiteral("pub_address"),         QStringLiteral("worker_push_address"),
            QStringLiteral("worker_pull_address"), QStringLiteral("worker_reliable_address")};
        for (const QString &port : ports) {
            for (int i = 0; i < 40; ++i) {
                const int fd = rawTcp(master->address(port));
                QVERIFY2(fd >= 0, qPrintable(port));
                std::string junk(1 + random() % 4096, '\0');
                for (char &c : junk)
                    c = static_cast<char>(random() & 0xff);
                (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
                if (i % 2 == 0)
                    ::close(fd); // vanished peer
                else
                    open.push_back(fd); // a peer that stays, silent
            }
        }
        QTest::qWait(300);

        QCOMPARE(early->get("k0").value_or("?"), std::string("before"));
        QPALM_CLIENT(client, rig, master, QString());
        QCOMPARE(client->set("v", "k").value_or("?"), std::string("k"));
        QCOMPARE(client->get("k").value_or("?"), std::string("v"));
        std::vector<std::string> payloads;
        for (int i = 0; i < 200; ++i)
            payloads.push_back("m" + std::to_string(i));
        const auto replies = client->job("gvictim.echo", payloads, 1);
        QVERIFY2(replies.has_value(), (client->lastError() + "\n" + str(rig.dump(20))).c_str());
        QCOMPARE(replies->size(), std::size_t(200));
        QCOMPARE(client->get("k").value_or("?"), std::string("v"));
        for (int fd : open)
            ::close(fd);
        QCOMPARE(master->state(), ServerHandle::State::Running);
        QCOMPARE(worker->state(), ServerHandle::State::Running);
    }

    void malformedEnvelopesOnDbAddress()
    {
        // Peers that speak ZeroMQ but not REQ: one record per peer, and REQ clients still served.
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("evictim"), newHandlers()));
        const std::string db = str(server->address(QStringLiteral("db_address")));
        std::vector<zmq::socket_t> dealers;
        for (int peer = 0; peer < 3; ++peer) {
            dealers.push_back(rawSocket(zmq::socket_type::dealer));
            dealers.back().connect(db);
            for (int i = 0; i < 50; ++i) // no empty delimiter: not a REQ envelope
                QVERIFY(sendFrames(dealers.back(), {"garbage", "more"}));
        }
        // A DEALER that never reads its replies does not hold anyone up either.
        zmq::socket_t silent = rawSocket(zmq::socket_type::dealer);
        silent.connect(db);
        const std::string request = encodeMessage(makeMessage("_.get", "name", "x"));
        for (int i = 0; i < 2000; ++i)
            (void)sendFrames(silent, {"", request}, true);
        QPALM_CLIENT(client, rig, server, QString());
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(client->set("v" + std::to_string(i), "k").value_or("?"), std::string("k"));
            QCOMPARE(client->get("k").value_or("?"), "v" + std::to_string(i));
        }
        QTRY_VERIFY_WITH_TIMEOUT(server->stats().malformed >= 150, 5000);
        QTest::qWait(300);
        QCOMPARE(
            rig.find(QStringLiteral("Malformed envelope on db_address"), QStringLiteral("evictim"))
                .size(),
            3);
    }

    void overlongFunctionNames()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("nvictim")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("nvictim_worker"),
                                 master->address(QStringLiteral("db_address")), handlers));
        zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
        sub.set(zmq::sockopt::subscribe, std::string("names-client"));
        sub.connect(str(master->address(QStringLiteral("pub_address"))));
        zmq::socket_t push = rawSocket(zmq::socket_type::push);
        push.set(zmq::sockopt::linger, 5000);
        push.connect(str(master->address(QStringLiteral("pull_address"))));
        QTest::qWait(200); // the subscription reaches the master

        constexpr int kNames = 2048;
        std::mt19937 random(5);
        for (int i = 0; i < kNames; ++i) {
            // Distinct names; some one long entry, some a field over 64 KiB of short entries.
            std::string function;
            if (i % 8 == 7) {
                while (function.size() <= kMaxFunctionFieldBytes)
                    function += "nvictim.e" + std::to_string(i) + " ";
            } else {
                function = "nvictim." + std::to_string(i) + "_" +
                           std::string(kMaxFunctionEntryBytes + random() % 2000, 'n');
            }
            QVERIFY(sendFrames(push, {encodeMessage(makeMessage(function, "x", "names-client"))}));
        }
        const auto payloads = receivePayloads(sub, kNames, 20000);
        QCOMPARE(int(payloads.size()), kNames);
        QVERIFY(std::all_of(payloads.begin(), payloads.end(),
                            [](const std::string &payload) { return payload == "0"; }));

        // Aggregated records, counting every rejection; none of it reached the worker.
        int records = 0;
        QVERIFY(waitUntil(
            [&] { return rejectedInRecords(rig, QStringLiteral("nvictim"), &records) == kNames; }));
        QVERIFY2(records <= 10, qPrintable(QString::number(records)));
        QCOMPARE(master->stats().toWorkers, quint64(0));
        QVERIFY(rig.find(QStringLiteral("not found"), QStringLiteral("nvictim_worker")).isEmpty());

        QPALM_CLIENT(client, rig, master, QString());
        QPALM_EVAL(client, "nvictim.echo", "fine", 1, QStringList{QStringLiteral("fine ok")});
        QCOMPARE(worker->state(), ServerHandle::State::Running);
    }

    void overlongNameOnAServer()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("svictim"), handlers));
        QPALM_CLIENT(client, rig, server, QString());
        const std::string name = "svictim." + std::string(kMaxFunctionEntryBytes, 'e');
        QPALM_EVAL(client, name, "x", 1, QStringList{QStringLiteral("0")});
        QVERIFY(rig.waitForText(QStringLiteral("function field over the limit")));
        QPALM_EVAL(client, "svictim.echo", "x", 1, QStringList{QStringLiteral("x ok")});
    }

    void fanOutErrorsAnswerZero_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("scatter") << QStringLiteral("scatter");
        QTest::newRow("gather") << QStringLiteral("gather");
        QTest::newRow("handle_stream on a master") << QStringLiteral("stream");
        QTest::newRow("handle_stream on a server") << QStringLiteral("server-stream");
    }

    void fanOutErrorsAnswerZero()
    {
        QFETCH(QString, which);
        auto failIfBoom = [](const Message &message) {
            if (message.payload.find("boom") != std::string::npos)
                throw std::runtime_error("boom in user code");
        };
        auto masterHandlers = newHandlers();
        if (which == QLatin1String("scatter")) {
            masterHandlers->setScatter(
                [=](ServerContext &, Message &&in, std::vector<Message> &out) {
                    out.push_back(in); // yielded before the error: discarded
                    failIfBoom(in);
                });
        } else if (which == QLatin1String("gather")) {
            masterHandlers->setGather(
                [=](ServerContext &, Message &&in, std::vector<Message> &out) {
                    failIfBoom(in);
                    out.push_back(std::move(in));
                });
        } else {
            masterHandlers->setHandleStream([=](ServerContext &, Message &message) {
                failIfBoom(message);
                return message.client;
            });
        }
        auto workerHandlers = newHandlers();
        workerHandlers->add("echo", suffixHandler(" ok"));
        masterHandlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        const bool onServer = which == QLatin1String("server-stream");
        const QString name = QStringLiteral("fvictim");
        QPALM_START(front, rig,
                    onServer ? serverConfig(name, masterHandlers)
                             : masterConfig(name, masterHandlers));
        if (!onServer) {
            QPALM_START(worker, rig,
                        workerConfig(QStringLiteral("fvictim_worker"),
                                     front->address(QStringLiteral("db_address")), workerHandlers));
            Q_UNUSED(worker);
        }
        QPALM_CLIENT(client, rig, front, QString());
        QPALM_EVAL(client, "fvictim.echo", "boom", 1, QStringList{QStringLiteral("0")});
        QVERIFY(rig.waitForText(QStringLiteral("boom in user code"), name));
        QPALM_EVAL(client, "fvictim.echo", "calm", 1, QStringList{QStringLiteral("calm ok")});
    }

    void stageThatCannotAdvance()
    {
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(" ok"));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("pvictim"), handlers, true));
        zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
        sub.set(zmq::sockopt::subscribe, std::string("stage-client"));
        sub.set(zmq::sockopt::subscribe, std::string("pvictim"));
        sub.connect(str(server->address(QStringLiteral("pub_address"))));
        zmq::socket_t push = rawSocket(zmq::socket_type::push);
        push.set(zmq::sockopt::linger, 2000);
        push.connect(str(server->address(QStringLiteral("pull_address"))));
        QTest::qWait(200);
        const std::int64_t last = std::numeric_limits<std::int64_t>::max();
        QVERIFY(sendFrames(
            push, {encodeMessage(makeMessage("pvictim.echo", "x", "stage-client", last))}));
        const auto frames = recvFrames(sub, 5000);
        QVERIFY2(frames.has_value(), qPrintable(rig.dump(10)));
        QCOMPARE(frames->at(0), std::string("stage-client"));
        Message reply;
        QVERIFY(decodeMessage(frames->at(1), reply));
        QCOMPARE(reply.payload, std::string("0"));
        QCOMPARE(reply.stage, last);
        QVERIFY(rig.waitForText(QStringLiteral("cannot be advanced"), QStringLiteral("pvictim")));
        // A normal pipelined message still advances.
        QVERIFY(sendFrames(push, {encodeMessage(makeMessage("pvictim.echo", "y", "c", 0))}));
        const auto next = recvFrames(sub, 5000);
        QVERIFY(next.has_value());
        QCOMPARE(next->at(0), std::string("pvictim"));
    }

    void backpressureFromAStoppedSubscriber()
    {
        // Small HWMs everywhere: a subscriber that stops reading fills the publisher, which stops
        // reading its input; when the subscriber resumes, every message arrives, once.
        qputenv("QPALM_PUB_HWM", "20");
        auto handlers = newHandlers();
        handlers->add("echo", suffixHandler(""));
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("bvictim"), handlers));
        qunsetenv("QPALM_PUB_HWM");

        zmq::socket_t sub = rawSocket(zmq::socket_type::sub);
        sub.set(zmq::sockopt::rcvhwm, 20);
        sub.set(zmq::sockopt::rcvbuf, 8192);
        sub.set(zmq::sockopt::subscribe, std::string("bp-client"));
        sub.connect(str(server->address(QStringLiteral("pub_address"))));
        QTest::qWait(200);

        constexpr int kMessages = 4000;
        const std::string padding(16 * 1024, 'p');
        std::atomic<int> sent{0};
        const std::string pull = str(server->address(QStringLiteral("pull_address")));
        std::thread sender([&] {
            zmq::socket_t push = rawSocket(zmq::socket_type::push);
            push.set(zmq::sockopt::sndhwm, 20);
            push.set(zmq::sockopt::linger, 30000);
            push.connect(pull);
            for (int i = 0; i < kMessages; ++i) {
                const std::string payload = std::to_string(i) + ":" + padding;
                (void)sendFrames(
                    push, {encodeMessage(makeMessage("bvictim.echo", payload, "bp-client"))});
                sent = i + 1;
            }
        });

        // The subscriber does not read: the server's input stops well short of everything.
        QTest::qWait(1500);
        const quint64 stalledAt = server->stats().messagesIn;
        QTest::qWait(1000);
        const ServerStats stalled = server->stats();
        QVERIFY2(stalled.messagesIn < quint64(kMessages),
                 qPrintable(QStringLiteral("in %1").arg(stalled.messagesIn)));
        QCOMPARE(stalled.messagesIn, stalledAt);
        QVERIFY(sent.load() < kMessages);
        QCOMPARE(stalled.dropped, quint64(0));

        // Resume: every message, each once.
        std::vector<bool> seen(kMessages, false);
        int received = 0;
        QElapsedTimer timer;
        timer.start();
        while (received < kMessages && timer.elapsed() < 60000) {
            const auto frames = recvFrames(sub, 200);
            if (!frames || frames->size() != 2)
                continue;
            Message message;
            QVERIFY(decodeMessage(frames->at(1), message));
            const int index = std::stoi(message.payload.substr(0, message.payload.find(':')));
            QVERIFY(index >= 0 && index < kMessages);
            QVERIFY2(!seen[index], "duplicate");
            seen[index] = true;
            ++received;
        }
        sender.join();
        QCOMPARE(received, kMessages);
        QTRY_COMPARE_WITH_TIMEOUT(server->stats().messagesIn, quint64(kMessages), 5000);
        QCOMPARE(server->stats().dropped, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestHostilePeers)
#include "tst_hostile_peers.moc"
