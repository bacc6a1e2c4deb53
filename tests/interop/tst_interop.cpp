// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm against an independent Python peer (peer.py: python3-zmq + python3-protobuf only)
// playing pylm's Client, Worker and pipelined Server.

#include "../engine/enginetest.h"
#include "requiretool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>

using namespace qpalm;
using namespace qpalm::test;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

QString peerScript()
{
    return QStringLiteral(QPALM_PEER_SCRIPT);
}

// One running peer.py; killed when it goes out of scope.
class Peer
{
public:
    explicit Peer(const QStringList &arguments, const QString &script = peerScript())
    {
        m_process.setProgram(kPython);
        m_process.setArguments(QStringList{script} + arguments);
        m_process.start();
    }
    ~Peer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(3000)) {
                m_process.kill();
                m_process.waitForFinished(1000);
            }
        }
    }
    Peer(const Peer &) = delete;
    Peer &operator=(const Peer &) = delete;

    // Waits for a stdout line starting with prefix and returns it (empty on timeout or exit).
    QString waitForLine(const QString &prefix, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            readLines();
            for (const QString &line : std::as_const(m_lines)) {
                if (line.startsWith(prefix))
                    return line;
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(50);
        }
        readLines();
        for (const QString &line : std::as_const(m_lines)) {
            if (line.startsWith(prefix))
                return line;
        }
        return {};
    }

    bool waitForFinished(int timeoutMs) { return m_process.waitForFinished(timeoutMs); }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    QStringList lines()
    {
        readLines();
        return m_lines;
    }
    QString errors() { return m_stderr += QString::fromUtf8(m_process.readAllStandardError()); }
    QString describe()
    {
        return QStringLiteral("peer %1\nstdout:\n%2\nstderr:\n%3")
            .arg(m_process.arguments().join(u' '), lines().join(u'\n'), errors());
    }
    void terminate() { m_process.terminate(); }

private:
    void readLines()
    {
        m_buffer += m_process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = m_buffer.indexOf('\n')) >= 0) {
            m_lines << QString::fromUtf8(m_buffer.left(newline));
            m_buffer.remove(0, newline + 1);
        }
    }

    QProcess m_process;
    QByteArray m_buffer;
    QStringList m_lines;
    QString m_stderr;
};

// "READY db=... pull=... pub=..." -> {"db": ..., "pull": ..., "pub": ...}
QMap<QString, QString> parseReady(const QString &line)
{
    QMap<QString, QString> out;
    const QStringList parts = line.split(u' ', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const qsizetype eq = part.indexOf(u'=');
        if (eq > 0)
            out.insert(part.left(eq), part.mid(eq + 1));
    }
    return out;
}

QStringList jsonStrings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        out << item.toString();
    return out;
}

} // namespace

class TestInterop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QPALM_REQUIRE_TOOL(QFile::exists(kPython), "/usr/bin/python3 (package python3)");
        QProcess probe;
        probe.start(kPython, {QStringLiteral("-c"), QStringLiteral("import zmq, google.protobuf")});
        QVERIFY(probe.waitForFinished(20000));
        QPALM_REQUIRE_TOOL(probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0,
                           "python3-zmq or python3-protobuf (" +
                               probe.readAllStandardError().trimmed().split('\n').last() + ")");
        QVERIFY2(QFile::exists(peerScript()), qPrintable(peerScript()));
    }

    void codecAgreesWithPython()
    {
        // Python's protobuf serializes PalmMessage byte for byte like our encoder...
        Message message;
        message.pipeline = "pipe-uuid";
        message.client = "client-uuid";
        message.stage = 300;
        message.function = "my_server.foo my_pipeline.bar";
        message.cache = "key";
        message.payload = std::string("\x00\x01binary\xff", 9);
        const QByteArray payloadHex = QByteArray::fromStdString(message.payload).toHex();
        Peer encode({QStringLiteral("encode"), QStringLiteral("--pipeline"), qstr(message.pipeline),
                     QStringLiteral("--client"), qstr(message.client), QStringLiteral("--stage"),
                     QString::number(message.stage), QStringLiteral("--function"),
                     qstr(message.function), QStringLiteral("--cache"), qstr(message.cache),
                     QStringLiteral("--payload-hex"), QString::fromLatin1(payloadHex)});
        QVERIFY(encode.waitForFinished(20000));
        QCOMPARE(encode.exitCode(), 0);
        const QStringList lines = encode.lines();
        QVERIFY2(lines.size() == 1, qPrintable(encode.describe()));
        const std::string ours = encodeMessage(message);
        QCOMPARE(lines.first(), QString::fromLatin1(QByteArray::fromStdString(ours).toHex()));

        // ...and reads what we write.
        message.stage = -2;
        Peer decode(
            {QStringLiteral("decode"),
             QString::fromLatin1(QByteArray::fromStdString(encodeMessage(message)).toHex())});
        QVERIFY(decode.waitForFinished(20000));
        QCOMPARE(decode.exitCode(), 0);
        const QJsonObject fields =
            QJsonDocument::fromJson(decode.lines().value(0).toUtf8()).object();
        QCOMPARE(fields.value(QStringLiteral("pipeline")).toString(), qstr(message.pipeline));
        QCOMPARE(fields.value(QStringLiteral("client")).toString(), qstr(message.client));
        QCOMPARE(fields.value(QStringLiteral("stage")).toInteger(), qint64(-2));
        QCOMPARE(fields.value(QStringLiteral("function")).toString(), qstr(message.function));
        QCOMPARE(fields.value(QStringLiteral("cache")).toString(), qstr(message.cache));
        QCOMPARE(fields.value(QStringLiteral("payload_hex")).toString(),
                 QString::fromLatin1(payloadHex));
    }

    void pythonClientToServer()
    {
        auto handlers = newHandlers();
        handlers->add(
            "foo", [](ServerContext &, const std::string &payload) -> std::optional<std::string> {
                return "you sent me " + payload;
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("my_server"), handlers));
        Peer client({QStringLiteral("client"), QStringLiteral("--db"),
                     server->address(QStringLiteral("db_address")), QStringLiteral("--server"),
                     QStringLiteral("my_server"), QStringLiteral("--function"),
                     QStringLiteral("my_server.foo"), QStringLiteral("--count"),
                     QStringLiteral("10")});
        QVERIFY2(client.waitForFinished(20000), qPrintable(client.describe()));
        QVERIFY2(client.exitCode() == 0, qPrintable(client.describe()));
        const QJsonObject report =
            QJsonDocument::fromJson(client.lines().value(0).toUtf8()).object();
        QStringList expected;
        for (int i = 0; i < 10; ++i)
            expected << QStringLiteral("you sent me m%1").arg(i);
        QCOMPARE(jsonStrings(report.value(QStringLiteral("replies"))), expected);
        QVERIFY(report.value(QStringLiteral("topics_ok")).toBool());
        checkCacheReport(report, server);
    }

    void pylmCallPattern()
    {
        // pylm's Client opens a new PUSH and SUB per call and never closes the old SUBs, which
        // are subscribed to the same topic: the master must wait for the new SUB to subscribe.
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", tagHandler());
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("calls_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("pw1"), db, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("pw2"), db, workerHandlers));
        Q_UNUSED(w1);
        Q_UNUSED(w2);
        Peer calls({QStringLiteral("--db"), db, QStringLiteral("--server"),
                    QStringLiteral("calls_master"), QStringLiteral("--function"),
                    QStringLiteral("calls_master.foo"), QStringLiteral("--calls"),
                    QStringLiteral("200"), QStringLiteral("--timeout-ms"), QStringLiteral("3000")},
                   QStringLiteral(QPALM_PYLMCALLS_SCRIPT));
        QVERIFY2(calls.waitForFinished(90000), qPrintable(calls.describe()));
        const QJsonObject report =
            QJsonDocument::fromJson(calls.lines().value(0).toUtf8()).object();
        QVERIFY2(report.value(QStringLiteral("calls")).toInt() == 200,
                 qPrintable(calls.describe()));
        QCOMPARE(report.value(QStringLiteral("sent")).toInt(), 400); // 100 evals + 100 jobs of 3
        QVERIFY2(report.value(QStringLiteral("lost")).toInt() == 0, qPrintable(calls.describe()));
        QCOMPARE(calls.exitCode(), 0);
        QCOMPARE(master->stats().dropped, quint64(0));
    }

    void pythonClientToMaster()
    {
        // pylm's Client <-> qpalm Master with two C++ workers.
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", tagHandler());
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("py_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("cw1"), db, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("cw2"), db, workerHandlers));
        Peer client({QStringLiteral("client"), QStringLiteral("--db"), db,
                     QStringLiteral("--server"), QStringLiteral("py_master"),
                     QStringLiteral("--function"), QStringLiteral("py_master.foo"),
                     QStringLiteral("--count"), QStringLiteral("40")});
        QVERIFY2(client.waitForFinished(20000), qPrintable(client.describe()));
        QVERIFY2(client.exitCode() == 0, qPrintable(client.describe()));
        const QJsonObject report =
            QJsonDocument::fromJson(client.lines().value(0).toUtf8()).object();
        const QStringList replies = jsonStrings(report.value(QStringLiteral("replies")));
        QCOMPARE(replies.size(), 40);
        QSet<QString> payloads;
        QMap<QString, int> perWorker;
        for (const QString &reply : replies) {
            const qsizetype colon = reply.indexOf(u':');
            perWorker[reply.left(colon)] += 1;
            payloads.insert(reply.mid(colon + 1));
        }
        QCOMPARE(payloads.size(), 40);
        for (int i = 0; i < 40; ++i)
            QVERIFY(payloads.contains(QStringLiteral("m%1").arg(i)));
        QCOMPARE(QStringList(perWorker.keys()),
                 (QStringList{QStringLiteral("cw1"), QStringLiteral("cw2")}));
        QTRY_COMPARE_WITH_TIMEOUT(w1->stats().messagesOut + w2->stats().messagesOut, quint64(40),
                                  5000);
        checkCacheReport(report, master);
    }

    void pythonWorkersForMaster()
    {
        // pylm Workers attached to a qpalm Master; a C++ client sends.
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("mixed_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        Peer pyw1({QStringLiteral("worker"), QStringLiteral("--db"), db, QStringLiteral("--name"),
                   QStringLiteral("pyw1")});
        Peer pyw2({QStringLiteral("worker"), QStringLiteral("--db"), db, QStringLiteral("--name"),
                   QStringLiteral("pyw2")});
        QVERIFY2(!pyw1.waitForLine(QStringLiteral("READY")).isEmpty(), qPrintable(pyw1.describe()));
        QVERIFY2(!pyw2.waitForLine(QStringLiteral("READY")).isEmpty(), qPrintable(pyw2.describe()));
        QPALM_CLIENT(client, rig, master, QString());

        QMap<QString, int> perWorker;
        const QString problem = spreadOverWorkers(
            *client, "mixed_master.tag", {QStringLiteral("pyw1"), QStringLiteral("pyw2")},
            [](const std::string &p) { return p; }, &perWorker);
        QVERIFY2(problem.isEmpty(),
                 qPrintable(problem + u'\n' + pyw1.describe() + u'\n' + pyw2.describe()));
        const int total =
            perWorker.value(QStringLiteral("pyw1")) + perWorker.value(QStringLiteral("pyw2"));

        // A method the Python worker lacks: pylm's worker answers "0".
        QPALM_EVAL(client, "mixed_master.missing", "x", 1, QStringList{QStringLiteral("0")});
        QPALM_EVAL(client, "mixed_master.upper", "abc", 1, QStringList{QStringLiteral("ABC")});
        QTRY_COMPARE_WITH_TIMEOUT(master->stats().fromWorkers, quint64(total + 2), 5000);
    }

    void pythonServerFeedsHub()
    {
        // A pylm pipelined Server feeds a qpalm Hub; its C++ workers' results reach a C++ client.
        Peer pyServer(
            {QStringLiteral("server"), QStringLiteral("--name"), QStringLiteral("pyserver")});
        const QString ready = pyServer.waitForLine(QStringLiteral("READY"));
        QVERIFY2(!ready.isEmpty(), qPrintable(pyServer.describe()));
        const QMap<QString, QString> py = parseReady(ready);

        auto workerHandlers = newHandlers();
        workerHandlers->add("bar", tagHandler());
        Rig rig;
        QPALM_START(hub, rig,
                    hubConfig(QStringLiteral("hub"), py.value(QStringLiteral("pub")),
                              QStringLiteral("pyserver")));
        const QString hubDb = hub->address(QStringLiteral("db_address"));
        QPALM_START(w1, rig, workerConfig(QStringLiteral("hw1"), hubDb, workerHandlers));
        QPALM_START(w2, rig, workerConfig(QStringLiteral("hw2"), hubDb, workerHandlers));
        Q_UNUSED(w1);
        Q_UNUSED(w2);
        QVERIFY2(!pyServer.waitForLine(QStringLiteral("SUBSCRIBED pyserver")).isEmpty(),
                 qPrintable(pyServer.describe()));

        // The C++ client configures itself from the Python server's cache, and listens to the hub.
        Client::Options options;
        options.serverName = "pyserver";
        options.dbAddress = str(py.value(QStringLiteral("db")));
        options.subAddress = str(hub->address(QStringLiteral("pub_address")));
        options.timeoutMs = 5000;
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        QCOMPARE(qstr(client.pushAddress()), py.value(QStringLiteral("pull")));

        std::vector<std::string> payloads;
        for (int i = 0; i < 30; ++i)
            payloads.push_back(std::to_string(i));
        const auto replies = client.job("pyserver.foo hub.bar", payloads, 1);
        QVERIFY2(replies.has_value(),
                 (client.lastError() + "\n" + pyServer.describe().toStdString()).c_str());
        QSet<QString> seen;
        QSet<QString> workers;
        for (const std::string &reply : *replies) {
            const QString text = qstr(reply);
            const qsizetype colon = text.indexOf(u':');
            workers.insert(text.left(colon));
            seen.insert(text.mid(colon + 1));
        }
        QCOMPARE(seen.size(), 30);
        for (int i = 0; i < 30; ++i)
            QVERIFY2(seen.contains(QStringLiteral("py:%1").arg(i)),
                     qPrintable(QStringList(seen.values()).join(u',')));
        QVERIFY(workers.contains(QStringLiteral("hw1")) || workers.contains(QStringLiteral("hw2")));
        QTRY_COMPARE_WITH_TIMEOUT(hub->stats().messagesIn, quint64(30), 5000);
    }

    void mixedWorkersShareAJob()
    {
        // A pylm Worker beside a qpalm worker (on the reliable path) under one qpalm master: as
        // under pylm's own master, both get a share of a job, not the pylm one only the overflow.
        auto workerHandlers = newHandlers();
        workerHandlers->add("tag", tagHandler());
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("share_master")));
        const QString db = master->address(QStringLiteral("db_address"));
        QPALM_START(cw, rig, workerConfig(QStringLiteral("cw"), db, workerHandlers));
        Q_UNUSED(cw);
        Peer pyw({QStringLiteral("worker"), QStringLiteral("--db"), db, QStringLiteral("--name"),
                  QStringLiteral("pyw")});
        QVERIFY2(!pyw.waitForLine(QStringLiteral("READY")).isEmpty(), qPrintable(pyw.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(logged(rig, QStringLiteral("Worker 'cw' joined")), 5000);
        // pylm's Worker words its configuration so; a qpalm worker says the same.
        QVERIFY(logged(rig, QStringLiteral("Got worker push address: tcp://")));
        QVERIFY(logged(rig, QStringLiteral("Got worker pull address: tcp://")));

        QPALM_CLIENT(client, rig, master, QString());
        std::vector<std::string> payloads;
        for (int i = 0; i < 60; ++i)
            payloads.push_back(std::to_string(i));
        const auto replies = client->job("share_master.tag", payloads, 1);
        QVERIFY2(replies.has_value(),
                 (client->lastError() + "\n" + pyw.describe().toStdString()).c_str());
        QMap<QString, int> perWorker;
        QSet<QString> seen;
        for (const std::string &reply : *replies) {
            const QString text = qstr(reply);
            perWorker[text.section(u':', 0, 0)] += 1;
            seen.insert(text.section(u':', 1));
        }
        QCOMPARE(seen.size(), 60);
        QVERIFY2(perWorker.value(QStringLiteral("pyw")) >= 10 &&
                     perWorker.value(QStringLiteral("cw")) >= 10,
                 qPrintable(QStringLiteral("pyw %1, cw %2")
                                .arg(perWorker.value(QStringLiteral("pyw")))
                                .arg(perWorker.value(QStringLiteral("cw")))));
    }

    void subscribersPresetWhereTheyListen()
    {
        // pylm's Pipeline and Hub preset sub_address in their cache, its Sink sub_address_0,
        // sub_address_1, ...: a pylm client reading them finds them on qpalm's servers too.
        auto handlers = newHandlers();
        handlers->add("foo", tagHandler());
        Rig rig;
        ServerConfig sourceConfig = serverConfig(QStringLiteral("source"), handlers);
        sourceConfig.pipelined = true;
        QPALM_START(source, rig, sourceConfig);
        const QString pub = source->address(QStringLiteral("pub_address"));
        QPALM_START(
            pipe, rig,
            pipelineConfig(QStringLiteral("pipe"), pub, QStringLiteral("source"), handlers));
        QPALM_START(hub, rig, hubConfig(QStringLiteral("hub"), pub, QStringLiteral("source")));
        QPALM_START(sink, rig,
                    sinkConfig(QStringLiteral("sink"),
                               {pub, pipe->address(QStringLiteral("pub_address"))},
                               {QStringLiteral("source"), QStringLiteral("pipe")}, handlers));
        const auto cacheOf = [](const ServerHandle *server, const QStringList &keys) {
            Peer peer(QStringList{QStringLiteral("cache"), QStringLiteral("--db"),
                                  server->address(QStringLiteral("db_address")),
                                  QStringLiteral("--server"), server->name()} +
                      keys);
            peer.waitForFinished(20000);
            return QJsonDocument::fromJson(peer.lines().value(0).toUtf8()).object();
        };
        const QJsonObject ofPipe =
            cacheOf(pipe, {QStringLiteral("sub_address"), QStringLiteral("pub_address")});
        QCOMPARE(ofPipe.value(QStringLiteral("sub_address")).toString(), pub);
        QCOMPARE(ofPipe.value(QStringLiteral("pub_address")).toString(),
                 pipe->address(QStringLiteral("pub_address")));
        QCOMPARE(cacheOf(hub, {QStringLiteral("sub_address")})
                     .value(QStringLiteral("sub_address"))
                     .toString(),
                 pub);
        const QJsonObject ofSink =
            cacheOf(sink, {QStringLiteral("sub_address_0"), QStringLiteral("sub_address_1")});
        QCOMPARE(ofSink.value(QStringLiteral("sub_address_0")).toString(), pub);
        QCOMPARE(ofSink.value(QStringLiteral("sub_address_1")).toString(),
                 pipe->address(QStringLiteral("pub_address")));
    }

    void masterGivesEachMessageACacheId()
    {
        // pylm's master stamps each inbound message that has no cache field with a fresh uuid
        // before it goes to the workers (one per message: its scattered parts share it), and the
        // reply carries it back; a gather may group by it.
        auto masterHandlers = newHandlers();
        masterHandlers->setScatter(
            [](ServerContext &, Message &&message, std::vector<Message> &out) {
                for (int i = 0; i < 3; ++i)
                    out.push_back(message);
            });
        auto workerHandlers = newHandlers();
        workerHandlers->add("foo", tagHandler());
        for (const bool scatter : {false, true}) {
            Rig rig;
            const QString name =
                scatter ? QStringLiteral("ids_scatter") : QStringLiteral("ids_plain");
            QPALM_START(master, rig, masterConfig(name, scatter ? masterHandlers : nullptr));
            const QString db = master->address(QStringLiteral("db_address"));
            QPALM_START(w1, rig, workerConfig(QStringLiteral("iw1"), db, workerHandlers));
            Q_UNUSED(w1);
            Peer client({QStringLiteral("client"), QStringLiteral("--db"), db,
                         QStringLiteral("--server"), name, QStringLiteral("--function"),
                         name + QStringLiteral(".foo"), QStringLiteral("--count"),
                         QStringLiteral("5"), QStringLiteral("--replies"),
                         scatter ? QStringLiteral("3") : QStringLiteral("1")});
            QVERIFY2(client.waitForFinished(20000), qPrintable(client.describe()));
            QVERIFY2(client.exitCode() == 0, qPrintable(client.describe()));
            const QJsonObject report =
                QJsonDocument::fromJson(client.lines().value(0).toUtf8()).object();
            QMap<QString, QSet<QString>> payloadsById;
            const QStringList caches = jsonStrings(report.value(QStringLiteral("caches")));
            const QStringList replies = jsonStrings(report.value(QStringLiteral("replies")));
            QCOMPARE(caches.size(), scatter ? 15 : 5);
            for (qsizetype i = 0; i < caches.size(); ++i) {
                QCOMPARE(caches.at(i).size(), 36);
                payloadsById[caches.at(i)].insert(replies.at(i));
            }
            QCOMPARE(payloadsById.size(), 5); // one id per message the client sent
            for (const QSet<QString> &payloads : std::as_const(payloadsById))
                QCOMPARE(payloads.size(), 1);
        }
    }

    void keysOfAPylmCacheFailClearly()
    {
        // pylm's cache answers a verb it does not know ('keys' is qpalm's) with nothing: the
        // client says so instead of listing an empty cache.
        Peer pyServer(
            {QStringLiteral("server"), QStringLiteral("--name"), QStringLiteral("pykeys")});
        const QString ready = pyServer.waitForLine(QStringLiteral("READY"));
        QVERIFY2(!ready.isEmpty(), qPrintable(pyServer.describe()));
        Client::Options options;
        options.serverName = "pykeys";
        options.dbAddress = str(parseReady(ready).value(QStringLiteral("db")));
        options.timeoutMs = 5000;
        Client client(options);
        QVERIFY2(client.connect(), client.lastError().c_str());
        QCOMPARE(client.keys(), std::nullopt);
        QVERIFY2(client.lastError().find("does not list its keys") != std::string::npos,
                 client.lastError().c_str());
        QCOMPARE(client.get("name"), std::optional<std::string>("pykeys"));
    }

private:
    static bool logged(const Rig &rig, const QString &text)
    {
        for (const LogRecord &record : rig.records()) {
            if (record.text.contains(text))
                return true;
        }
        return false;
    }

    // What peer.py's client did with the cache, exactly as pylm's Client does it.
    void checkCacheReport(const QJsonObject &report, const ServerHandle *server)
    {
        QCOMPARE(report.value(QStringLiteral("name")).toString(), server->name());
        QCOMPARE(report.value(QStringLiteral("push_address")).toString(),
                 server->address(QStringLiteral("pull_address")));
        QCOMPARE(report.value(QStringLiteral("sub_address")).toString(),
                 server->address(QStringLiteral("pub_address")));
        QCOMPARE(report.value(QStringLiteral("set_key")).toString(), QStringLiteral("py-key"));
        QCOMPARE(report.value(QStringLiteral("get_key")).toString(), QStringLiteral("py-value"));
        QCOMPARE(report.value(QStringLiteral("set_nokey")).toString().size(), 36);
        QCOMPARE(report.value(QStringLiteral("get_nokey")).toString(), QStringLiteral("anonymous"));
        QCOMPARE(report.value(QStringLiteral("delete")).toString(), QStringLiteral("py-key"));
        QCOMPARE(report.value(QStringLiteral("get_deleted")).toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
