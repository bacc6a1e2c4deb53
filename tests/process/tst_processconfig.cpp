// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Cluster-file fields for processes (run, restart, command, cwd, env, attach), the restart policy
// and the pylm log-line reader.

#include "clusterfile.h"
#include "process/pylmlogparser.h"
#include "process/restartpolicy.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace qpalm;

namespace {

QString errorOf(const QByteArray &json, const QString &baseDir = QDir::tempPath())
{
    ClusterError error;
    if (parseClusterJson(json, baseDir, &error))
        return {};
    return error.toString(QStringLiteral("c.json"));
}

const QByteArray kServer =
    "\"kind\": \"server\", \"name\": \"s\", \"db_address\": \"tcp://127.0.0.1:1\",\n    "
    "\"pull_address\": \"tcp://127.0.0.1:2\", \"pub_address\": \"tcp://127.0.0.1:3\"";

QByteArray file(const QByteArray &entry)
{
    return "{\"servers\": [{" + entry + "}]}";
}

} // namespace

class TestProcessConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badValues_data()
    {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("error");
        QTest::newRow("run") << kServer + ", \"run\": \"fork\""
                             << "server 's': field 'run': unknown value 'fork' (expected "
                                "\"threads\", \"process\")";
        QTest::newRow("run type") << kServer + ", \"run\": 1"
                                  << "server 's': field 'run': expected one of \"threads\", "
                                     "\"process\"";
        QTest::newRow("restart") << kServer + ", \"run\": \"process\", \"restart\": \"sometimes\""
                                 << "server 's': field 'restart': unknown value 'sometimes' "
                                    "(expected \"on-failure\", \"always\", \"never\")";
        QTest::newRow("restart threads")
            << kServer + ", \"restart\": \"always\""
            << "server 's': field 'restart': applies only to entries that run in a process";
        QTest::newRow("command missing")
            << QByteArray("\"kind\": \"process\", \"name\": \"p\"")
            << "server 'p': field 'command': missing (required for a process)";
        QTest::newRow("command string")
            << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": \"python3 w.py\"")
            << "server 'p': field 'command': expected a list of strings";
        QTest::newRow("command item")
            << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": [\"python3\", 3]")
            << "server 'p': field 'command': item 2: expected a string, got a number";
        QTest::newRow("command empty")
            << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": []")
            << "server 'p': field 'command': must name at least the program";
        QTest::newRow("cwd") << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": "
                                           "[\"x\"], \"cwd\": \"nope\"")
                             << "server 'p': field 'cwd': '";
        QTest::newRow("env") << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": "
                                           "[\"x\"], \"env\": [\"A=1\"]")
                             << "server 'p': field 'env': expected an object";
        QTest::newRow("env value") << QByteArray("\"kind\": \"process\", \"name\": \"p\", "
                                                 "\"command\": [\"x\"], \"env\": {\"A\": 1}")
                                   << "server 'p': field 'env.A': expected a string";
        QTest::newRow("script on process")
            << QByteArray("\"kind\": \"process\", \"name\": \"p\", \"command\": [\"x\"], "
                          "\"script\": \"a.lua\"")
            << "server 'p': field 'script': not used by a process";
        QTest::newRow("attach control")
            << QByteArray(
                   "\"kind\": \"master\", \"name\": \"m\", \"attach\": {\"control\": \"tcp:/x\"}")
            << "server 'm': field 'attach.control': not a valid control address 'tcp:/x'";
        QTest::newRow("attach key alone")
            << QByteArray("\"kind\": \"master\", \"name\": \"m\", \"attach\": {\"control\": "
                          "\"tcp://h:1\", \"key\": \"k\"}")
            << "server 'm': field 'attach': key and server_key go together";
        QTest::newRow("attach run")
            << QByteArray("\"kind\": \"master\", \"name\": \"m\", \"run\": \"process\", "
                          "\"attach\": {\"control\": \"ipc:///tmp/x\"}")
            << "server 'm': field 'run': does not apply to an attached server";
    }

    void badValues()
    {
        QFETCH(QByteArray, entry);
        QFETCH(QString, error);
        const QString got = errorOf(file(entry));
        QVERIFY2(got.startsWith(QStringLiteral("c.json: ") + error), qPrintable(got));
    }

    // The fields of issue 8 say on which line they are, nested keys and later entries too.
    void badValuesNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("line");
        const QByteArray first = "{\"servers\": [\n{" + kServer + "},\n";
        QTest::newRow("run") << first + "{\"kind\": \"server\", \"name\": \"t\", "
                                        "\"db_address\": \"tcp://127.0.0.1:4\", "
                                        "\"pull_address\": \"tcp://127.0.0.1:5\", "
                                        "\"pub_address\": \"tcp://127.0.0.1:6\",\n"
                                        "\"run\": \"fork\"}]}"
                             << 5;
        QTest::newRow("restart")
            << first + "{\"kind\": \"process\", \"name\": \"p\", \"command\": [\"x\"],\n\n"
                       "  \"restart\": \"sometimes\"}]}"
            << 6;
        QTest::newRow("command item")
            << first + "{\"kind\": \"process\", \"name\": \"p\",\n \"command\": [\"x\", 3]}]}" << 5;
        QTest::newRow("env key") << first + "{\"kind\": \"process\", \"name\": \"p\", "
                                            "\"command\": [\"x\"], \"env\": {\n"
                                            "  \"A\": \"1\",\n  \"B\": 2}}]}"
                                 << 6;
        QTest::newRow("attach control")
            << first + "{\"kind\": \"master\", \"name\": \"m\", \"attach\": {\n"
                       "  \"control\": \"tcp:/x\"}}]}"
            << 5;
        QTest::newRow("cross-field rule")
            << first + "{\"kind\": \"server\", \"name\": \"t\",\n"
                       " \"db_address\": \"tcp://127.0.0.1:4\",\n \"pull_address\": "
                       "\"tcp://127.0.0.1:5\",\n \"pub_address\": \"tcp://127.0.0.1:6\",\n"
                       " \"restart\": \"always\"}]}"
            << 8;
        // A missing key: the line of its section.
        QTest::newRow("control key missing")
            << QByteArray("{\n\"control\": {\n  \"address\": \"tcp://10.1.2.3:7000\"},\n"
                          "\"servers\": [{") +
                   kServer + "}]}"
            << 2;
        QTest::newRow("control address")
            << QByteArray("{\"control\": {\n\n  \"address\": \"tcp:/x\"},\n\"servers\": [{") +
                   kServer + "}]}"
            << 3;
    }

    void badValuesNameTheLine()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, line);
        const QString got = errorOf(json);
        QVERIFY2(got.endsWith(QStringLiteral(" (line %1)").arg(line)), qPrintable(got));
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkdir(QStringLiteral("work"));
        const QByteArray json =
            "{\"servers\": [\n            {\"kind\": \"process\", \"name\": \"py\", \"command\": "
            "[\"python3\", \"w.py\", \"{name}\"],\n             \"cwd\": \"work\", \"env\": "
            "{\"A\": \"1\"}, \"replicas\": 2, \"restart\": \"never\"},\n            {\"kind\": "
            "\"master\", \"name\": \"m\", \"attach\": {\"control\": \"tcp://10.0.0.2:7000\"}},\n   "
            "         " +
            QByteArray("{") + kServer + ", \"run\": \"process\", \"restart\": \"always\"}]}";
        ClusterError error;
        const auto configs = parseClusterJson(json, dir.path(), &error);
        QVERIFY2(configs, qPrintable(error.toString()));
        QCOMPARE(configs->size(), 3);
        QCOMPARE(configs->at(0).kind, ServerKind::Process);
        QCOMPARE(configs->at(0).command,
                 QStringList({QStringLiteral("python3"), QStringLiteral("w.py"),
                              QStringLiteral("{name}")}));
        QCOMPARE(configs->at(0).cwd, dir.filePath(QStringLiteral("work")));
        QCOMPARE(configs->at(0).env, QStringList{QStringLiteral("A=1")});
        QCOMPARE(configs->at(0).restart, RestartMode::Never);
        QCOMPARE(configs->at(1).attach.control, QStringLiteral("tcp://10.0.0.2:7000"));
        QCOMPARE(configs->at(2).run, RunMode::Process);
        QCOMPARE(configs->at(2).restart, RestartMode::Always);
        QCOMPARE(expandReplicas(*configs).size(), 4);

        const QByteArray written = clusterJson(*configs, dir.path());
        const auto again = parseClusterJson(written, dir.path(), &error);
        QVERIFY2(again, qPrintable(error.toString() + QString::fromUtf8(written)));
        QCOMPARE(clusterJson(*again, dir.path()), written);
        QVERIFY(written.contains("\"restart\": \"never\""));
        QVERIFY(written.contains("\"cwd\": \"work\""));
        QVERIFY(written.contains("\"run\": \"process\""));
    }

    void restartPolicy()
    {
        RestartPolicy onFailure(RestartMode::OnFailure);
        QVERIFY(!onFailure.ended(false, 0).restart); // a clean exit stays down
        QList<int> delays;
        qint64 now = 1000;
        for (int i = 0; i < 5; ++i) {
            const auto decision = onFailure.ended(true, now += 500);
            QVERIFY(decision.restart && !decision.flapping);
            delays << decision.delayMs;
        }
        QCOMPARE(delays, QList<int>({100, 200, 400, 800, 1600}));
        const auto sixth = onFailure.ended(true, now += 500);
        QVERIFY(sixth.flapping && !sixth.restart);
        // Restarts older than the window are forgotten.
        RestartPolicy always(RestartMode::Always);
        for (int i = 0; i < 5; ++i)
            QVERIFY(always.ended(false, i * 1000).restart);
        QVERIFY(always.ended(false, 70000).restart);
        QVERIFY(!RestartPolicy(RestartMode::Never).ended(true, 0).restart);
    }

    void pylmLines()
    {
        PylmLogParser parser(QStringLiteral("w1"));
        LogBatch records;
        for (const char *line :
             {"2016-08-26 09:41:59,053 - w1 - WARNING - Got a message",
              "2016-08-26 09:41:59,060 - w1 - ERROR - User function gave an error",
              "Traceback (most recent call last):", "  File \"/srv/worker.py\", line 12, in work",
              "    raise ValueError(message)", "ValueError: bad input", "plain output",
              "2016-08-26 09:42:00,001 - other - INFO - from another logger"})
            records << parser.feed(QString::fromUtf8(line));
        records << parser.flush();
        QCOMPARE(records.size(), 4);
        QCOMPARE(records.at(0).level, LogLevel::Warning);
        QCOMPARE(records.at(0).text, QStringLiteral("Got a message"));
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(records.at(0).msecsSinceEpoch)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
                 QStringLiteral("2016-08-26 09:41:59.053"));
        QCOMPARE(records.at(1).level, LogLevel::Error);
        QCOMPARE(records.at(1).traceback,
                 QStringLiteral("Traceback (most recent call last):\n"
                                "  File \"/srv/worker.py\", line 12, in work\n"
                                "    raise ValueError(message)\nValueError: bad input"));
        QCOMPARE(records.at(2).level, LogLevel::Info);
        QCOMPARE(records.at(2).text, QStringLiteral("plain output"));
        QVERIFY(records.at(2).traceback.isEmpty());
        QCOMPARE(records.at(3).server, QStringLiteral("w1"));
        QCOMPARE(records.at(3).text, QStringLiteral("other: from another logger"));
    }
};

QTEST_GUILESS_MAIN(TestProcessConfig)
#include "tst_processconfig.moc"
