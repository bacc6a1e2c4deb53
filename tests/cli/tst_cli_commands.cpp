// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Command lines of qpalm-server and qpalm-client: options, errors, signals, timeouts.
// Uses servers without scripts (a worker without a handler answers b'0'), so no script runtime is
// needed.

#include "clitest.h"

#include <QTemporaryDir>

using namespace clitest;

class TestCliCommands : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;      // the master's cache (ipc, so workers can find it)
    QString m_cluster; // master "server" + worker "w" x2 + server "solo"

    QStringList clientArgs(const ServerProcess &server,
                           const QString &name = QStringLiteral("server")) const
    {
        return {QStringLiteral("--db"), server.address(name, QStringLiteral("db")),
                QStringLiteral("--server"), name};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(serverPath()), qPrintable(serverPath()));
        QVERIFY2(QFile::exists(clientPath()), qPrintable(clientPath()));
        QVERIFY(m_dir.isValid());
        m_db = QStringLiteral("ipc://%1/db").arg(m_dir.path());
        const QByteArray any = "tcp://127.0.0.1:*";
        m_cluster = writeFile(m_dir.path(), QStringLiteral("cluster.json"),
                              j(R"({'servers': [
  {'kind': 'master', 'name': 'server', 'db_address': ')") +
                                  m_db.toUtf8() + j(R"(', 'pull_address': ')") + any +
                                  j(R"(', 'pub_address': ')") + any + j(R"(',
   'worker_pull_address': ')") + any +
                                  j(R"(', 'worker_push_address': ')") + any + j(R"('},
  {'kind': 'worker', 'name': 'w', 'db_address': ')") +
                                  m_db.toUtf8() + j(R"(', 'replicas': 2},
  {'kind': 'server', 'name': 'solo', 'db_address': ')") +
                                  any + j(R"(', 'pull_address': ')") + any +
                                  j(R"(', 'pub_address': ')") + any + j(R"('}
]})"));
    }

    void serverHelpAndVersion()
    {
        ClientResult result = run(serverPath(), {QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(text(result.out).contains(QLatin1String("Usage:")));
        QVERIFY(text(result.out).contains(QLatin1String("--only")));
        QVERIFY(text(result.out).contains(QLatin1String("SIGHUP")));
        result = run(serverPath(), {QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(text(result.out), QStringLiteral("qpalm-server " QPALM_VERSION "\n"));
    }

    void serverBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no file") << QStringList()
                                 << QStringLiteral(
                                        "qpalm-server: missing the cluster file (see --help)");
        QTest::newRow("two files")
            << QStringList{QStringLiteral("a.json"), QStringLiteral("b.json")}
            << QStringLiteral(
                   "qpalm-server: expected one cluster file, got 2 arguments (see --help)");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--bogus"), QStringLiteral("a.json")}
            << QStringLiteral("qpalm-server: Unknown option 'bogus'. (see --help)");
        QTest::newRow("option without value")
            << QStringList{QStringLiteral("a.json"), QStringLiteral("--log-level")}
            << QStringLiteral("qpalm-server: Missing value after '--log-level'. (see --help)");
        QTest::newRow("bad level")
            << QStringList{QStringLiteral("--log-level"), QStringLiteral("LOUD"),
                           QStringLiteral("a.json")}
            << QStringLiteral("qpalm-server: --log-level: unknown level 'LOUD' (expected DEBUG, "
                              "INFO, WARNING, ERROR or CRITICAL)");
    }

    void serverBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const ClientResult result = run(serverPath(), args);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(text(result.out), QString());
        QCOMPARE(text(result.err), expected + u'\n');
    }

    void serverUnknownOnly()
    {
        const ClientResult result =
            run(serverPath(), {m_cluster, QStringLiteral("--only"), QStringLiteral("nope")});
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(text(result.err), QStringLiteral("qpalm-server: --only: no server named 'nope' "
                                                  "(the cluster has: server, w-1, w-2, solo)\n"));
    }

    // Serving lines carry resolved addresses; SIGTERM stops everything within 1 s with exit code 0.
    void sigtermStopsCleanly()
    {
        ServerProcess server;
        QVERIFY2(server.start({m_cluster}), qPrintable(server.describe()));
        QCOMPARE(server.serverNames(),
                 (QStringList{QStringLiteral("server"), QStringLiteral("solo"),
                              QStringLiteral("w-1"), QStringLiteral("w-2")}));
        const QString out = server.output();
        static const QRegularExpression master(
            QStringLiteral(
                "qpalm-server: server \\(master\\) serving pull=tcp://127\\.0\\.0\\.1:\\d+ "
                "pub=tcp://127\\.0\\.0\\.1:\\d+ db=ipc://\\S+ "
                "worker_pull=tcp://127\\.0\\.0\\.1:\\d+ worker_push=tcp://127\\.0\\.0\\.1:\\d+ "
                "worker_reliable=tcp://127\\.0\\.0\\.1:\\d+$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(master.match(out).hasMatch(), qPrintable(out));
        QVERIFY(out.contains(QLatin1String("qpalm-server: w-1 (worker) serving db=") + m_db));
        QVERIFY(out.contains(QLatin1String("qpalm-server: ready, 4 server(s) running")));
        QCOMPARE(server.address(QStringLiteral("server"), QStringLiteral("db")), m_db);
        // pylm log lines, local time with milliseconds after a comma ("started" follows the ready
        // handshake).
        QVERIFY(server.waitFor(QStringLiteral(" - w-2 - INFO - worker 'w-2' started")));
        static const QRegularExpression logLine(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} - w-2 - INFO - "
                           "worker 'w-2' started$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(logLine.match(server.output()).hasMatch(), qPrintable(server.output()));

        // It answers before the signal.
        const ClientResult reply =
            runClient(clientArgs(server) << QStringLiteral("eval") << QStringLiteral("server.foo")
                                         << QStringLiteral("x"));
        QVERIFY2(reply.exitCode == 0, qPrintable(reply.describe()));
        QCOMPARE(text(reply.out), QStringLiteral("0\n"));

        QElapsedTimer timer;
        timer.start();
        server.signal(SIGTERM);
        const int code = server.waitForExit(3000);
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(code, 0);
        QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
        QVERIFY(server.output().contains(QLatin1String("qpalm-server: stopped\n")));
        QVERIFY(
            server.output().contains(QLatin1String(" - server - INFO - master 'server' stopped")));
        QCOMPARE(server.errors(), QString());
    }

    void sigintStopsCleanly()
    {
        ServerProcess server;
        QVERIFY2(server.start({m_cluster, QStringLiteral("--only"), QStringLiteral("solo")}),
                 qPrintable(server.describe()));
        QElapsedTimer timer;
        timer.start();
        server.signal(SIGINT);
        QCOMPARE(server.waitForExit(3000), 0);
        QVERIFY(timer.elapsed() < 1000);
    }

    // --only: a worker's base name selects all its replicas; a replica name selects one; other
    // processes share the work.
    void onlySelectsServers()
    {
        ServerProcess master;
        QVERIFY2(master.start({m_cluster, QStringLiteral("--only"), QStringLiteral("server")}),
                 qPrintable(master.describe()));
        QCOMPARE(master.serverNames(), QStringList{QStringLiteral("server")});

        ServerProcess workers;
        QVERIFY2(workers.start({m_cluster, QStringLiteral("--only"), QStringLiteral("w")}),
                 qPrintable(workers.describe()));
        QCOMPARE(workers.serverNames(),
                 (QStringList{QStringLiteral("w-1"), QStringLiteral("w-2")}));

        ServerProcess one;
        QVERIFY2(one.start({m_cluster, QStringLiteral("--only"), QStringLiteral("w-2"),
                            QStringLiteral("--only"), QStringLiteral("solo")}),
                 qPrintable(one.describe()));
        QCOMPARE(one.serverNames(), (QStringList{QStringLiteral("solo"), QStringLiteral("w-2")}));

        // The master in one process, its workers in two others.
        const ClientResult reply =
            runClient(clientArgs(master)
                      << QStringLiteral("job") << QStringLiteral("server.foo")
                      << QStringLiteral("--repeat") << QStringLiteral("20") << QStringLiteral("x"));
        QVERIFY2(reply.exitCode == 0, qPrintable(reply.describe()));
        QCOMPARE(lines(reply.out), QStringList(20, QStringLiteral("0")));
    }

    void logLevelOverride()
    {
        {
            ServerProcess server;
            QVERIFY2(server.start({m_cluster, QStringLiteral("--only"), QStringLiteral("solo"),
                                   QStringLiteral("--log-level"), QStringLiteral("WARNING")}),
                     qPrintable(server.describe()));
            // The "started" line is INFO: filtered.
            QVERIFY(!server.output().contains(QLatin1String(" - solo - INFO - ")));
            server.signal(SIGTERM);
            QCOMPARE(server.waitForExit(3000), 0);
            QVERIFY(!server.output().contains(QLatin1String(" - solo - INFO - ")));
        }
        {
            ServerProcess server;
            QVERIFY2(server.start({m_cluster, QStringLiteral("--only"), QStringLiteral("solo"),
                                   QStringLiteral("--log-level"), QStringLiteral("debug")}),
                     qPrintable(server.describe()));
            const ClientResult keys =
                runClient(clientArgs(server, QStringLiteral("solo")) << QStringLiteral("keys"));
            QCOMPARE(keys.exitCode, 0);
            QVERIFY2(server.waitFor(QStringLiteral(" - solo - DEBUG - Cache get 'name'")),
                     qPrintable(server.describe()));
        }
    }

    // A server that cannot bind: message, exit code 1, and the others are stopped again.
    void startFailure()
    {
        ServerProcess first;
        QVERIFY2(first.start({m_cluster, QStringLiteral("--only"), QStringLiteral("solo")}),
                 qPrintable(first.describe()));
        const QString taken = first.address(QStringLiteral("solo"), QStringLiteral("pull"));
        const QString path =
            writeFile(m_dir.path(), QStringLiteral("taken.json"),
                      j(R"({'servers': [
  {'kind': 'server', 'name': 'ok', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*', 'pub_address': 'tcp://127.0.0.1:*'},
  {'kind': 'server', 'name': 'clash', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': ')") +
                          taken.toUtf8() + j(R"(', 'pub_address': 'tcp://127.0.0.1:*'}]})"));
        const ClientResult result = run(serverPath(), {path}, {}, 15000);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(text(result.err)
                     .startsWith(QStringLiteral("qpalm-server: clash (server) did not start: "
                                                "server 'clash' cannot bind pull_address ") +
                                 taken + QStringLiteral(": Address already in use")),
                 qPrintable(result.describe()));
        QVERIFY(!text(result.out).contains(QLatin1String(" serving ")));
        QVERIFY(text(result.out).contains(QLatin1String(" - ok - INFO - server 'ok' stopped")));
    }

    void clientHelpAndVersion()
    {
        ClientResult result = runClient({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        for (const char *word :
             {"eval FUNCTION PAYLOAD", "job FUNCTION", "set VALUE [KEY]", "get KEY", "delete KEY",
              "keys", "--timeout", "--replies", "--repeat", "--push", "--sub"})
            QVERIFY2(text(result.out).contains(QLatin1String(word)), word);
        result = runClient({QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(text(result.out), QStringLiteral("qpalm-client " QPALM_VERSION "\n"));
    }

    void clientBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QStringList base = {QStringLiteral("--db"), QStringLiteral("tcp://127.0.0.1:1"),
                                  QStringLiteral("--server"), QStringLiteral("s")};
        QTest::newRow("no command")
            << base
            << QStringLiteral(
                   "missing a command: eval, job, set, get, delete or keys (see --help)");
        QTest::newRow("unknown command")
            << (base + QStringList{QStringLiteral("call")})
            << QStringLiteral(
                   "unknown command 'call' (expected eval, job, set, get, delete or keys)");
        QTest::newRow("no db") << QStringList{QStringLiteral("--server"), QStringLiteral("s"),
                                              QStringLiteral("keys")}
                               << QStringLiteral("--db ADDR is required (the server's db_address)");
        QTest::newRow("no server")
            << QStringList{QStringLiteral("--db"), QStringLiteral("tcp://127.0.0.1:1"),
                           QStringLiteral("keys")}
            << QStringLiteral("--server NAME is required");
        QTest::newRow("unknown option")
            << (base + QStringList{QStringLiteral("--fast"), QStringLiteral("keys")})
            << QStringLiteral("Unknown option 'fast'. (see --help)");
        QTest::newRow("eval without payload")
            << (base + QStringList{QStringLiteral("eval"), QStringLiteral("s.f")})
            << QStringLiteral("eval: expected FUNCTION PAYLOAD (see --help)");
        QTest::newRow("eval without function")
            << (base + QStringList{QStringLiteral("eval")})
            << QStringLiteral("eval: missing FUNCTION (see --help)");
        QTest::newRow("bad function")
            << (base +
                QStringList{QStringLiteral("eval"), QStringLiteral("foo"), QStringLiteral("x")})
            << QStringLiteral("eval: function 'foo' is not of the form server.method (see --help)");
        QTest::newRow("bad pipeline")
            << (base +
                QStringList{QStringLiteral("job"), QStringLiteral("s.f g."), QStringLiteral("x")})
            << QStringLiteral("job: function 'g.' is not of the form server.method (see --help)");
        QTest::newRow("bad timeout")
            << (base + QStringList{QStringLiteral("--timeout"), QStringLiteral("soon"),
                                   QStringLiteral("keys")})
            << QStringLiteral("--timeout: expected a whole number of at least 1, got 'soon'");
        QTest::newRow("zero replies")
            << (base + QStringList{QStringLiteral("--replies"), QStringLiteral("0"),
                                   QStringLiteral("eval"), QStringLiteral("s.f"),
                                   QStringLiteral("x")})
            << QStringLiteral("--replies: expected a whole number of at least 1, got '0'");
        QTest::newRow("repeat two payloads")
            << (base + QStringList{QStringLiteral("job"), QStringLiteral("s.f"),
                                   QStringLiteral("--repeat"), QStringLiteral("3"),
                                   QStringLiteral("a"), QStringLiteral("b")})
            << QStringLiteral("job: --repeat N needs exactly one PAYLOAD (see --help)");
        QTest::newRow("repeat on eval")
            << (base + QStringList{QStringLiteral("eval"), QStringLiteral("s.f"),
                                   QStringLiteral("--repeat"), QStringLiteral("3"),
                                   QStringLiteral("a")})
            << QStringLiteral("eval: --total and --repeat apply to job only (see --help)");
        QTest::newRow("replies on get")
            << (base + QStringList{QStringLiteral("--replies"), QStringLiteral("2"),
                                   QStringLiteral("get"), QStringLiteral("k")})
            << QStringLiteral("get: --replies applies to eval and job only (see --help)");
        QTest::newRow("set without value")
            << (base + QStringList{QStringLiteral("set")})
            << QStringLiteral("set: expected VALUE [KEY] (see --help)");
        QTest::newRow("get two keys")
            << (base + QStringList{QStringLiteral("get"), QStringLiteral("a"), QStringLiteral("b")})
            << QStringLiteral("get: expected KEY (see --help)");
        QTest::newRow("keys with argument")
            << (base + QStringList{QStringLiteral("keys"), QStringLiteral("a")})
            << QStringLiteral("keys: takes no arguments (see --help)");
    }

    void clientBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const ClientResult result = runClient(args);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(text(result.out), QString());
        QCOMPARE(text(result.err), QStringLiteral("qpalm-client: ") + expected + u'\n');
    }

    void clientAgainstServers()
    {
        ServerProcess server;
        QVERIFY2(server.start({m_cluster}), qPrintable(server.describe()));
        const QStringList args = clientArgs(server);

        // Wrong server name, for streams and for cache verbs.
        for (const QString &command : {QStringLiteral("eval"), QStringLiteral("keys")}) {
            QStringList wrong = {QStringLiteral("--db"), m_db, QStringLiteral("--server"),
                                 QStringLiteral("nope"), command};
            if (command == QLatin1String("eval"))
                wrong << QStringLiteral("nope.foo") << QStringLiteral("x");
            const ClientResult result = runClient(wrong);
            QCOMPARE(result.exitCode, 1);
            QCOMPARE(
                text(result.err),
                QStringLiteral("qpalm-client: the server at %1 is named 'server', not 'nope'\n")
                    .arg(m_db));
        }

        // Timeouts name the reply that did not come.
        ClientResult result =
            runClient(args + QStringList{QStringLiteral("--timeout"), QStringLiteral("300"),
                                         QStringLiteral("--replies"), QStringLiteral("3"),
                                         QStringLiteral("eval"), QStringLiteral("server.foo"),
                                         QStringLiteral("x")});
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(text(result.out), QStringLiteral("0\n"));
        QCOMPARE(text(result.err),
                 QStringLiteral("qpalm-client: timed out after 300 ms waiting for reply 2 of 3\n"));
        result = runClient(args + QStringList{QStringLiteral("--timeout"), QStringLiteral("300"),
                                              QStringLiteral("--replies"), QStringLiteral("2"),
                                              QStringLiteral("job"), QStringLiteral("server.foo"),
                                              QStringLiteral("a"), QStringLiteral("b"),
                                              QStringLiteral("c")});
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(lines(result.out), QStringList(3, QStringLiteral("0")));
        QCOMPARE(text(result.err),
                 QStringLiteral("qpalm-client: timed out after 300 ms waiting for reply 4 of 6\n"));

        // Nobody at the address.
        result =
            runClient({QStringLiteral("--db"), QStringLiteral("ipc://%1/nobody").arg(m_dir.path()),
                       QStringLiteral("--server"), QStringLiteral("x"), QStringLiteral("--timeout"),
                       QStringLiteral("200"), QStringLiteral("keys")});
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(
            text(result.err),
            QStringLiteral(
                "qpalm-client: timed out after 200 ms waiting for the cache at ipc://%1/nobody\n")
                .arg(m_dir.path()));

        // Cache verbs.
        result = runClient(args + QStringList{QStringLiteral("set"), QStringLiteral(" a value "),
                                              QStringLiteral("k")});
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(text(result.out), QStringLiteral("k\n"));
        result = runClient(args + QStringList{QStringLiteral("get"), QStringLiteral("k")});
        QCOMPARE(text(result.out), QStringLiteral(" a value \n"));
        result = runClient(args + QStringList{QStringLiteral("set"), QStringLiteral("v")});
        QCOMPARE(result.exitCode, 0);
        static const QRegularExpression uuid(QStringLiteral(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$"));
        QVERIFY2(uuid.match(text(result.out)).hasMatch(), qPrintable(result.describe()));
        const QString generated = text(result.out).trimmed();
        result = runClient(args + QStringList{QStringLiteral("keys")});
        QStringList keys = lines(result.out);
        keys.sort();
        QStringList expectedKeys = {QStringLiteral("db_address"),
                                    QStringLiteral("k"),
                                    QStringLiteral("name"),
                                    QStringLiteral("pub_address"),
                                    QStringLiteral("pull_address"),
                                    QStringLiteral("worker_pull_address"),
                                    QStringLiteral("worker_push_address"),
                                    QStringLiteral("worker_reliable_address"),
                                    generated};
        expectedKeys.sort();
        QCOMPARE(keys, expectedKeys);
        result = runClient(args + QStringList{QStringLiteral("delete"), QStringLiteral("k")});
        QCOMPARE(text(result.out), QStringLiteral("k\n"));
        result = runClient(args + QStringList{QStringLiteral("get"), QStringLiteral("k")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(text(result.out), QStringLiteral("\n"));

        // Payloads from stdin, one per line; replies in order of arrival.
        result = runClient(args + QStringList{QStringLiteral("job"), QStringLiteral("server.foo")},
                           "a\nb\nc\n");
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(lines(result.out), QStringList(3, QStringLiteral("0")));

        // --push / --sub overrides: the solo server's pull and pub, named explicitly.
        result = runClient(
            {QStringLiteral("--db"), server.address(QStringLiteral("solo"), QStringLiteral("db")),
             QStringLiteral("--server"), QStringLiteral("solo"), QStringLiteral("--push"),
             server.address(QStringLiteral("solo"), QStringLiteral("pull")),
             QStringLiteral("--sub"), server.address(QStringLiteral("solo"), QStringLiteral("pub")),
             QStringLiteral("eval"), QStringLiteral("solo.foo   "), QStringLiteral("x")});
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(text(result.out), QStringLiteral("0\n"));
        QVERIFY(server.waitFor(QStringLiteral(" - solo - ERROR - Function 'foo' was not found")));
    }
};

QTEST_GUILESS_MAIN(TestCliCommands)
#include "tst_cli_commands.moc"
