// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Bad cluster files: qpalm-server prints one error naming the entry and the field, starts nothing.

#include "clitest.h"

#include "clusterfile.h"

#include <QTemporaryDir>

#include <unistd.h>

using namespace clitest;

namespace {

const QByteArray kAny = "tcp://127.0.0.1:*";

QByteArray server(const QByteArray &name, const QByteArray &extra = {})
{
    return j(R"({'kind': 'server', 'name': ')") + name + j(R"(', 'db_address': ')") + kAny +
           j(R"(', 'pull_address': ')") + kAny + j(R"(', 'pub_address': ')") + kAny + '"' +
           (extra.isEmpty() ? QByteArray() : ", " + extra) + '}';
}

QByteArray cluster(const QList<QByteArray> &entries)
{
    QByteArray json = j(R"({'servers': [)");
    for (qsizetype i = 0; i < entries.size(); ++i)
        json += (i ? ",\n" : "\n") + entries.at(i);
    return json + "\n]}\n";
}

} // namespace

class TestCliClusterFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(serverPath()), qPrintable(serverPath())); }

    void badFile_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>(
            "expected"); // after "qpalm-server: cluster.json: "; "$DIR" is the file's folder

        const QString takesServer =
            QStringLiteral("(a server takes: kind, name, db_address, pull_address, pub_address, "
                           "pipelined, log_level, script, limits, run, restart, attach)");
        const QString takesWorker =
            QStringLiteral("(a worker takes: kind, name, db_address, worker_pull_address, "
                           "worker_push_address, replicas, delivery, log_level, "
                           "script, limits, run, restart, attach)");

        QTest::newRow("not json") << QByteArray(j(R"({'servers': [)"))
                                  << QStringLiteral("not valid JSON: *");
        QTest::newRow("not an object")
            << QByteArray("[]") << QStringLiteral("expected a JSON object {\"servers\": [...]}");
        QTest::newRow("top-level key")
            << QByteArray(j(R"({'servers': [], 'extra': 1})"))
            << QStringLiteral("field 'extra': unknown key (a cluster file has \"servers\", "
                              "\"control\" and \"data_security\")");
        QTest::newRow("no servers")
            << QByteArray("{}") << QStringLiteral("field 'servers': missing");
        QTest::newRow("servers not a list")
            << QByteArray(j(R"({'servers': {}})"))
            << QStringLiteral("field 'servers': expected a list, got an object");
        QTest::newRow("empty") << QByteArray(j(R"({'servers': []})"))
                               << QStringLiteral("field 'servers': the list is empty");
        QTest::newRow("entry not an object")
            << QByteArray(j(R"({'servers': [3]})"))
            << QStringLiteral("server #1: expected an object, got a number");
        QTest::newRow("missing kind")
            << cluster({j(R"({'name': 'a'})")})
            << QStringLiteral("server 'a': field 'kind': missing (server, master, hub, worker, "
                              "pipeline, sink or process)");
        QTest::newRow("unknown kind")
            << cluster({j(R"({'kind': 'mastr', 'name': 'a'})")})
            << QStringLiteral("server 'a': field 'kind': unknown kind 'mastr' (expected server, "
                              "master, hub, worker, pipeline, sink or process)");
        QTest::newRow("missing name") << cluster({server("ok"), j(R"({'kind': 'server'})")})
                                      << QStringLiteral("server #2: field 'name': missing");
        QTest::newRow("name with space")
            << cluster({j(R"({'kind': 'server', 'name': 'a b'})")})
            << QStringLiteral(
                   "server 'a b': field 'name': 'a b' must not contain spaces, dots or quotes");
        QTest::newRow("name not a string")
            << cluster({j(R"({'kind': 'server', 'name': 7})")})
            << QStringLiteral("server #1: field 'name': expected a string, got a number");
        QTest::newRow("unknown key")
            << cluster({server("s", j(R"('colour': 'red')"))})
            << QStringLiteral("server 's': field 'colour': unknown key ") + takesServer;
        QTest::newRow("key of another kind")
            << cluster({j(
                   R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'w': field 'pub_address': not used by a worker ") +
                   takesWorker;
        QTest::newRow("replicas of a server")
            << cluster({server("s", j(R"('replicas': 2)"))})
            << QStringLiteral("server 's': field 'replicas': not used by a server ") + takesServer;
        QTest::newRow("bool of wrong type")
            << cluster({server("s", j(R"('pipelined': 'yes')"))})
            << QStringLiteral(
                   "server 's': field 'pipelined': expected true or false, got a string");
        QTest::newRow("address of wrong type")
            << cluster({j(R"({'kind': 'server', 'name': 's', 'db_address': 5})")})
            << QStringLiteral(
                   "server 's': field 'db_address': expected an address string, got a number");
        QTest::newRow("bad address")
            << cluster({j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp:/x'})")})
            << QStringLiteral("server 'w': field 'db_address': not a valid address 'tcp:/x'");
        QTest::newRow("bad port")
            << cluster(
                   {j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:70000'})")})
            << QStringLiteral(
                   "server 'w': field 'db_address': not a valid address 'tcp://127.0.0.1:70000'");
        QTest::newRow("no port")
            << cluster({j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1'})")})
            << QStringLiteral(
                   "server 'w': field 'db_address': not a valid address 'tcp://127.0.0.1'");
        QTest::newRow("unknown transport")
            << cluster({j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'udp://h:1'})")})
            << QStringLiteral("server 'w': field 'db_address': not a valid address 'udp://h:1'");

        // Required addresses per kind.
        QTest::newRow("server without pub")
            << cluster({j(
                   R"({'kind': 'server', 'name': 's', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 's': field 'pub_address': missing (required for a server)");
        QTest::newRow("master without worker_push")
            << cluster({j(
                   R"({'kind': 'master', 'name': 'm', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*',
                          'pub_address': 'tcp://127.0.0.1:*', 'worker_pull_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral(
                   "server 'm': field 'worker_push_address': missing (required for a master)");
        QTest::newRow("hub without previous")
            << cluster({j(
                   R"({'kind': 'hub', 'name': 'h', 'db_address': 'tcp://127.0.0.1:*', 'sub_address': 'tcp://127.0.0.1:6000',
                          'pub_address': 'tcp://127.0.0.1:*', 'worker_pull_address': 'tcp://127.0.0.1:*',
                          'worker_push_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'h': field 'previous': missing (required for a hub)");
        QTest::newRow("worker without db")
            << cluster({j(R"({'kind': 'worker', 'name': 'w'})")})
            << QStringLiteral("server 'w': field 'db_address': missing (required for a worker)");
        QTest::newRow("pipeline without sub")
            << cluster({j(
                   R"({'kind': 'pipeline', 'name': 'p', 'db_address': 'tcp://127.0.0.1:*', 'previous': 's',
                          'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'p': field 'sub_address': missing (required for a pipeline)");
        QTest::newRow("sink without sub_addresses")
            << cluster({j(
                   R"({'kind': 'sink', 'name': 'k', 'db_address': 'tcp://127.0.0.1:*', 'previous': ['s'],
                          'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'k': field 'sub_addresses': missing (required for a sink)");
        QTest::newRow("sink previous not a list")
            << cluster({j(
                   R"({'kind': 'sink', 'name': 'k', 'db_address': 'tcp://127.0.0.1:*', 'sub_addresses': ['tcp://127.0.0.1:6000'],
                          'previous': 's', 'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'k': field 'previous': expected a list of topics (one per "
                              "sub address), got a string");
        QTest::newRow("sink topics and addresses differ")
            << cluster({j(R"({'kind': 'sink', 'name': 'k', 'db_address': 'tcp://127.0.0.1:*',
                          'sub_addresses': ['tcp://127.0.0.1:6000', 'tcp://127.0.0.1:6001'], 'previous': ['s'],
                          'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'k': field 'previous': has 1 topic(s) but sub_addresses has "
                              "2 address(es); they pair up in order");
        QTest::newRow("pipeline previous a list")
            << cluster({j(
                   R"({'kind': 'pipeline', 'name': 'p', 'db_address': 'tcp://127.0.0.1:*', 'sub_address': 'tcp://127.0.0.1:6000',
                          'previous': ['s'], 'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'p': field 'previous': expected a topic string, got a list");

        QTest::newRow("log level")
            << cluster({server("s", j(R"('log_level': 'LOUD')"))})
            << QStringLiteral("server 's': field 'log_level': unknown level 'LOUD' (expected "
                              "DEBUG, INFO, WARNING, ERROR or CRITICAL)");
        QTest::newRow("replicas zero")
            << cluster({j(
                   R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 0})")})
            << QStringLiteral(
                   "server 'w': field 'replicas': expected a whole number from 1 to 1000, got 0");
        QTest::newRow("replicas fraction")
            << cluster({j(
                   R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 1.5})")})
            << QStringLiteral(
                   "server 'w': field 'replicas': expected a whole number from 1 to 1000, got 1.5");
        QTest::newRow("limits not an object")
            << cluster({server("s", j(R"('limits': 5)"))})
            << QStringLiteral("server 's': field 'limits': expected an object with time_ms, "
                              "memory_mb, stack_depth, got a number");
        QTest::newRow("limit zero")
            << cluster({server("s", j(R"('limits': {'time_ms': 0})"))})
            << QStringLiteral("server 's': field 'limits.time_ms': expected a whole number from 1 "
                              "to 86400000, got 0");
        QTest::newRow("limit unknown")
            << cluster({server("s", j(R"('limits': {'cpu': 1})"))})
            << QStringLiteral("server 's': field 'limits.cpu': unknown key (limits take: time_ms, "
                              "memory_mb, stack_depth)");

        QTest::newRow("duplicate name")
            << cluster({server("a"), server("a")})
            << QStringLiteral(
                   "server 'a': field 'name': name 'a' is already used by an earlier server");
        QTest::newRow("duplicate after expansion")
            << cluster(
                   {j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 2})"),
                    server("w-2")})
            << QStringLiteral("server 'w-2': field 'name': name 'w-2' is already used by a replica "
                              "of worker 'w'");
        QTest::newRow("replica named like a server")
            << cluster(
                   {server("w-1"),
                    j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 2})")})
            << QStringLiteral(
                   "server 'w': field 'name': its replica 'w-1' has the name of an earlier server");
        QTest::newRow("two workers, same replicas")
            << cluster(
                   {j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 2})"),
                    j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 3})")})
            << QStringLiteral("server 'w': field 'name': its replica 'w-1' has the name of a "
                              "replica of worker 'w'");
        QTest::newRow("name of a replica-to-be")
            << cluster(
                   {j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 2})"),
                    j(R"({'kind': 'worker', 'name': 'w-3', 'db_address': 'tcp://127.0.0.1:6000'})")})
            << QStringLiteral("server 'w-3': field 'name': name 'w-3' is reserved for replicas of "
                              "worker 'w' (entry #1); rename one of them");
        QTest::newRow("duplicate key")
            << cluster({server("a"), server("b", j(R"('pipelined': true, 'pipelined': false)"))})
            << QStringLiteral("server 'b': field 'pipelined': appears twice (again at line 3); "
                              "JSON keeps only one, so each key may appear once");
        QTest::newRow("duplicate key, unnamed entry")
            << cluster({server("a"), j(R"({'kind': 'worker', 'kind': 'worker'})")})
            << QStringLiteral("server #2: field 'kind': appears twice (again at line 3); JSON "
                              "keeps only one, so each key may appear once");
        QTest::newRow("duplicate key at the top")
            << (cluster({server("a")}).chopped(2) + j(R"(, 'servers': []})"))
            << QStringLiteral("field 'servers': appears twice (again at line 3); JSON keeps only "
                              "one, so each key may appear once");
        QTest::newRow("one address bound twice")
            << cluster(
                   {j(R"({'kind': 'server', 'name': 'a', 'db_address': 'tcp://127.0.0.1:6001', 'pull_address': 'tcp://127.0.0.1:*',
                          'pub_address': 'tcp://127.0.0.1:*'})"),
                    j(R"({'kind': 'server', 'name': 'b', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:6001',
                          'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'b': field 'pull_address': address 'tcp://127.0.0.1:6001' is "
                              "already bound by server 'a' (db_address)");
        QTest::newRow("wildcard host overlaps")
            << cluster(
                   {j(R"({'kind': 'server', 'name': 'a', 'db_address': 'tcp://*:6002', 'pull_address': 'tcp://127.0.0.1:*',
                          'pub_address': 'tcp://127.0.0.1:*'})"),
                    j(R"({'kind': 'pipeline', 'name': 'p', 'db_address': 'tcp://localhost:6002', 'sub_address': 'tcp://127.0.0.1:6003',
                          'previous': 'a', 'pub_address': 'tcp://127.0.0.1:*'})")})
            << QStringLiteral("server 'p': field 'db_address': address 'tcp://localhost:6002' is "
                              "already bound by server 'a' (db_address)");
        QTest::newRow("one server, one address twice")
            << cluster({j(
                   R"({'kind': 'server', 'name': 's', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'ipc:///tmp/qpalm-x',
                          'pub_address': 'ipc:///tmp/qpalm-x'})")})
            << QStringLiteral("server 's': field 'pub_address': address 'ipc:///tmp/qpalm-x' is "
                              "also this server's pull_address");
        QTest::newRow("missing script")
            << cluster({server("s", j(R"('script': 'nope.lua')"))})
            << QStringLiteral("server 's': field 'script': script '$DIR/nope.lua' does not exist");
        QTest::newRow("script is a folder")
            << cluster({server("s", j(R"('script': 'folder')"))})
            << QStringLiteral("server 's': field 'script': script '$DIR/folder' is not a file");
        if (::geteuid() != 0)
            QTest::newRow("unreadable script")
                << cluster({server("s", j(R"('script': 'secret.lua')"))})
                << QStringLiteral("server 's': field 'script': cannot read script "
                                  "'$DIR/secret.lua': Permission denied");
    }

    void badFile()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.path(), QStringLiteral("cluster.json"), json);
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("folder")));
        const QString secret =
            writeFile(dir.path(), QStringLiteral("secret.lua"), "function foo(m) return m end\n");
        QFile::setPermissions(secret, QFileDevice::WriteOwner);

        const ClientResult result =
            run(serverPath(), {QStringLiteral("cluster.json")}, {}, 10000, dir.path());
        QVERIFY2(result.finished, qPrintable(result.describe()));
        QCOMPARE(result.exitCode, 1);
        // Nothing started: no log line, no "serving" line.
        QCOMPARE(text(result.out), QString());
        const QStringList errors = lines(result.err);
        QCOMPARE(errors.size(), 1);
        expected = QStringLiteral("qpalm-server: cluster.json: ") + expected;
        expected.replace(QStringLiteral("$DIR"), dir.path());
        if (expected.endsWith(u'*')) {
            expected.chop(1);
            QVERIFY2(errors.first().startsWith(expected), qPrintable(errors.first()));
        } else {
            QCOMPARE(errors.first(), expected);
        }
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const ClientResult result =
            run(serverPath(), {QStringLiteral("nope.json")}, {}, 10000, dir.path());
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(
            text(result.err),
            QStringLiteral("qpalm-server: nope.json: cannot open: No such file or directory\n"));
    }

    // A valid first entry does not start when a later one is wrong.
    void nothingStarts()
    {
        QTemporaryDir dir;
        const QString db = QStringLiteral("ipc://%1/db").arg(dir.path());
        writeFile(dir.path(), QStringLiteral("cluster.json"),
                  cluster({server("good").replace("\"db_address\": \"tcp://127.0.0.1:*\"",
                                                  "\"db_address\": \"" + db.toUtf8() + '"'),
                           j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp:/x'})")}));
        const ClientResult result =
            run(serverPath(), {QStringLiteral("cluster.json")}, {}, 10000, dir.path());
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(text(result.out), QString());
        QCOMPARE(text(result.err), QStringLiteral("qpalm-server: cluster.json: server 'w': field "
                                                  "'db_address': not a valid address 'tcp:/x'\n"));
        QVERIFY(!QFile::exists(
            dir.path() + QStringLiteral("/db"))); // the good server never bound its ipc socket
    }

    // Valid files: wildcard ports never conflict, "limits" and "replicas" accepted.
    void validFiles()
    {
        QTemporaryDir dir;
        writeFile(dir.path(), QStringLiteral("w.lua"), "function foo(m) return m end\n");
        writeFile(
            dir.path(), QStringLiteral("cluster.json"),
            cluster(
                {server(
                     "a",
                     j(R"('limits': {'time_ms': 100, 'memory_mb': 16, 'stack_depth': 50}, 'log_level': 'warning')")),
                 server("b", j(R"('pipelined': true, 'script': 'w.lua')")),
                 j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 3, 'script': './w.lua'})"),
                 j(R"({'kind': 'sink', 'name': 'k', 'db_address': 'tcp://127.0.0.1:*',
                               'sub_addresses': ['tcp://127.0.0.1:6000', 'ipc:///tmp/x'], 'previous': ['a', 'b'],
                               'pub_address': 'tcp://127.0.0.1:*', 'to_client': false})")}));
        const ClientResult result =
            run(serverPath(), {QStringLiteral("--check"), QStringLiteral("cluster.json")}, {},
                10000, dir.path());
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(text(result.out),
                 QStringLiteral("qpalm-server: cluster.json: 6 server(s), valid\n"));
    }

    // The engine API behind the command: syntax of addresses and what conflicts.
    void addresses()
    {
        using qpalm::isValidAddress;
        for (const char *good :
             {"tcp://127.0.0.1:5555", "tcp://*:1", "tcp://localhost:65535", "tcp://127.0.0.1:*",
              "tcp://[::1]:5555", "tcp://eth0:5555", "tcp://my-host.example.com:80", "ipc:///tmp/x",
              "ipc://*", "inproc://a"})
            QVERIFY2(isValidAddress(QString::fromLatin1(good)), good);
        for (const char *bad :
             {"", "tcp:/x", "tcp://127.0.0.1", "tcp://:5555", "tcp://h:0", "tcp://h:65536",
              "tcp://h:05", "tcp://h:5x", "tcp://256.0.0.1:5", "tcp://1.2.3:5", "tcp://h h:5",
              "tcp://h:5 ", "ipc://", "inproc://", "udp://h:5", "5555", "tcp://-h:5"})
            QVERIFY2(!isValidAddress(QString::fromLatin1(bad)), bad);
        using qpalm::addressesConflict;
        QVERIFY(addressesConflict(QStringLiteral("tcp://127.0.0.1:5"),
                                  QStringLiteral("tcp://localhost:5")));
        QVERIFY(addressesConflict(QStringLiteral("tcp://*:5"), QStringLiteral("tcp://10.0.0.1:5")));
        QVERIFY(addressesConflict(QStringLiteral("tcp://0.0.0.0:5"),
                                  QStringLiteral("tcp://127.0.0.1:5")));
        QVERIFY(!addressesConflict(QStringLiteral("tcp://127.0.0.1:5"),
                                   QStringLiteral("tcp://127.0.0.2:5")));
        QVERIFY(!addressesConflict(QStringLiteral("tcp://127.0.0.1:*"),
                                   QStringLiteral("tcp://127.0.0.1:*")));
        QVERIFY(!addressesConflict(QStringLiteral("tcp://127.0.0.1:5"),
                                   QStringLiteral("tcp://127.0.0.1:6")));
        QVERIFY(addressesConflict(QStringLiteral("ipc:///tmp/a"), QStringLiteral("ipc:///tmp/a")));
        QVERIFY(!addressesConflict(QStringLiteral("ipc://*"), QStringLiteral("ipc://*")));
        QVERIFY(
            !addressesConflict(QStringLiteral("ipc:///tmp/a"), QStringLiteral("inproc:///tmp/a")));
    }

    // clusterJson writes what parseClusterJson reads, scripts relative to the file.
    void roundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("scripts")));
        writeFile(dir.path(), QStringLiteral("scripts/w.lua"), "function foo(m) return m end\n");
        const QByteArray json = cluster(
            {server("a",
                    j(R"('pipelined': true, 'log_level': 'DEBUG', 'limits': {'time_ms': 100})")),
             j(R"({'kind': 'worker', 'name': 'w', 'db_address': 'tcp://127.0.0.1:6000', 'replicas': 3,
                                               'script': 'scripts/w.lua', 'limits': {'memory_mb': 16, 'stack_depth': 50}})"),
             j(R"({'kind': 'sink', 'name': 'k', 'db_address': 'tcp://127.0.0.1:*',
                                               'sub_addresses': ['tcp://127.0.0.1:6000', 'ipc:///tmp/x'], 'previous': ['a', 'b'],
                                               'pub_address': 'tcp://127.0.0.1:*', 'to_client': false})"),
             j(R"({'kind': 'hub', 'name': 'h', 'db_address': 'tcp://127.0.0.1:*', 'sub_address': 'ipc:///tmp/y',
                                               'previous': 'a', 'pub_address': 'tcp://127.0.0.1:*', 'worker_pull_address': 'tcp://127.0.0.1:*',
                                               'worker_push_address': 'tcp://127.0.0.1:*'})")});
        qpalm::ClusterError error;
        const auto first = qpalm::parseClusterJson(json, dir.path(), &error);
        QVERIFY2(first, qPrintable(error.toString()));
        QCOMPARE(first->size(), 4); // replicas are expanded by the cluster, not by the file
        QCOMPARE(first->at(1).scriptPath, dir.path() + QStringLiteral("/scripts/w.lua"));
        QCOMPARE(first->at(1).replicas, 3);
        QCOMPARE(first->at(1).limits.memoryLimitBytes, 16LL * 1024 * 1024);
        QCOMPARE(first->at(1).limits.stackDepth, 50);
        QCOMPARE(first->at(1).limits.timeLimitMs, qpalm::ScriptLimits().timeLimitMs);
        QCOMPARE(first->at(0).limits.timeLimitMs, 100);
        QCOMPARE(first->at(0).logLevel, qpalm::LogLevel::Debug);
        QVERIFY(first->at(0).pipelined);
        QVERIFY(!first->at(2).toClient);
        QCOMPARE(first->at(2).previous, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(first->at(3).previous, QStringList{QStringLiteral("a")});

        const QString path = dir.path() + QStringLiteral("/saved.json");
        QString saveError;
        QVERIFY2(qpalm::saveClusterFile(path, *first, &saveError), qPrintable(saveError));
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray text = saved.readAll();
        QVERIFY2(text.contains("\"script\": \"scripts/w.lua\""), text.constData());
        QVERIFY2(text.indexOf("\"kind\"") < text.indexOf("\"name\""), text.constData());
        const auto second = qpalm::loadClusterFile(path, &error);
        QVERIFY2(second, qPrintable(error.toString(path)));
        QCOMPARE(qpalm::clusterJson(*second, dir.path()), qpalm::clusterJson(*first, dir.path()));
        QCOMPARE(second->at(1).scriptPath, first->at(1).scriptPath);

        // validateServer on configs built in code.
        qpalm::ServerConfig config = first->at(0);
        config.pubAddress.clear();
        auto problem = qpalm::validateServer(config);
        QVERIFY(problem);
        QCOMPARE(problem->toString(QStringLiteral("x.json")),
                 QStringLiteral(
                     "x.json: server 'a': field 'pub_address': missing (required for a server)"));
        QVERIFY(!qpalm::validateCluster(*first));
    }

    // Every shipped example is a valid cluster file.
    void examplesAreValid()
    {
        const QDir examples(examplesDir());
        const QStringList names = examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QVERIFY(names.size() >= 15);
        for (const QString &name : names) {
            const QStringList files =
                QDir(examples.filePath(name)).entryList({QStringLiteral("*.json")});
            QVERIFY2(files.contains(QStringLiteral("cluster.json")), qPrintable(name));
            QVERIFY2(QFile::exists(examples.filePath(name + QStringLiteral("/README.md"))),
                     qPrintable(name));
            for (const QString &file : files) {
                const ClientResult result =
                    run(serverPath(),
                        {QStringLiteral("--check"), examples.filePath(name + u'/' + file)});
                QVERIFY2(result.exitCode == 0,
                         qPrintable(name + u'/' + file + u' ' + result.describe()));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCliClusterFile)
#include "tst_cli_clusterfile.moc"
