// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm-ctl end to end against qpalm-server --control on loopback: every command, its output and
// its exit code, refusals (bad name, bad level), usage errors and nobody answering.

#include "ctltest.h"

#include <QTemporaryDir>

using namespace ctltest;

namespace {

const QByteArray kScript = "function foo(message)\n"
                           "    return 'v1:' .. message\n"
                           "end\n"
                           "function bomb(message)\n"
                           "    error('boom ' .. message)\n"
                           "end\n";

} // namespace

class TestCtl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FileServer> m_server;
    QString m_control;

    ClientResult eval(const QString &function, const QString &payload)
    {
        return runClient({QStringLiteral("--db"),
                          m_server->address(QStringLiteral("solo"), QStringLiteral("db")),
                          QStringLiteral("--server"), QStringLiteral("solo"),
                          QStringLiteral("eval"), function, payload});
    }
    // The status line of solo.
    QString soloStatus()
    {
        const ClientResult result = runCtl({QStringLiteral("status")}, m_control);
        return lines(result.out).value(0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(ctlPath()));
        QVERIFY(m_dir.isValid());
        const QString script = writeFile(m_dir.path(), QStringLiteral("solo.lua"), kScript);
        const QString cluster = writeSoloCluster(m_dir.path(), script);
        m_server = std::make_unique<FileServer>(m_dir.path());
        QVERIFY2(m_server->start(
                     {cluster, QStringLiteral("--control"), QStringLiteral("tcp://127.0.0.1:*")}),
                 qPrintable(m_server->describe()));
        m_control = m_server->control();
        QVERIFY2(m_control.startsWith(QLatin1String("tcp://127.0.0.1:")),
                 qPrintable(m_server->describe()));
        QVERIFY(m_server->output().contains(QLatin1String("(local, no keys)")));
    }

    void helpVersionUsage()
    {
        ClientResult result = runCtl({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(text(result.out).contains(QLatin1String("NAME KIND STATE IN OUT ERRORS LEVEL")));
        result = runCtl({QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(text(result.out), QStringLiteral("qpalm-ctl " QPALM_VERSION "\n"));
        const QList<QStringList> bad = {
            {},
            {QStringLiteral("frobnicate")},
            {QStringLiteral("level"), QStringLiteral("solo")},
            {QStringLiteral("status"), QStringLiteral("--follow")},
            {QStringLiteral("level"), QStringLiteral("solo"), QStringLiteral("DEBUG"),
             QStringLiteral("--for"), QStringLiteral("soon")},
            {QStringLiteral("logs"), QStringLiteral("--level"), QStringLiteral("LOUD")},
            {QStringLiteral("--timeout"), QStringLiteral("x"), QStringLiteral("status")},
        };
        for (const QStringList &args : bad) {
            result = runCtl(args, m_control);
            QVERIFY2(result.exitCode == 2, qPrintable(args.join(u' ') + u' ' + result.describe()));
            QVERIFY2(text(result.err).startsWith(QLatin1String("qpalm-ctl: ")),
                     qPrintable(result.describe()));
        }
        // No address at all: neither --connect nor $QPALM_CONTROL.
        result = runCtl({QStringLiteral("status")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(text(result.err).contains(QLatin1String("QPALM_CONTROL")));
    }

    void status()
    {
        // --connect and $QPALM_CONTROL both work.
        ClientResult result =
            runCtl({QStringLiteral("--connect"), m_control, QStringLiteral("status")});
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(lines(result.out).size(), 1);
        QVERIFY2(QRegularExpression(QStringLiteral("^solo server running \\d+ \\d+ \\d+ INFO$"))
                     .match(lines(result.out).first())
                     .hasMatch(),
                 qPrintable(result.describe()));

        QCOMPARE(eval(QStringLiteral("solo.foo"), QStringLiteral("x")).out, QByteArray("v1:x\n"));
        QCOMPARE(eval(QStringLiteral("solo.bomb"), QStringLiteral("x")).out, QByteArray("0\n"));
        // Stats come about twice a second.
        QTRY_VERIFY_WITH_TIMEOUT(
            soloStatus().startsWith(QLatin1String("solo server running 2 2 1 ")), 10000);
    }

    void levelAndRevert()
    {
        ClientResult result = runCtl(
            {QStringLiteral("level"), QStringLiteral("solo"), QStringLiteral("debug")}, m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(soloStatus().section(u' ', 6), QStringLiteral("DEBUG"));

        result = runCtl({QStringLiteral("level"), QStringLiteral("solo"), QStringLiteral("ERROR"),
                         QStringLiteral("--for"), QStringLiteral("1")},
                        m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QVERIFY(text(result.out).contains(QLatin1String("back to DEBUG in 1 s")));
        QCOMPARE(soloStatus().section(u' ', 6), QStringLiteral("ERROR"));
        QTRY_COMPARE_WITH_TIMEOUT(soloStatus().section(u' ', 6), QStringLiteral("DEBUG"), 8000);

        result = runCtl({QStringLiteral("level"), QStringLiteral("solo"), QStringLiteral("INFO")},
                        m_control);
        QCOMPARE(result.exitCode, 0);
    }

    void refusals()
    {
        ClientResult result = runCtl(
            {QStringLiteral("level"), QStringLiteral("solo"), QStringLiteral("LOUD")}, m_control);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(text(result.err).contains(QLatin1String("unknown level 'LOUD'")),
                 qPrintable(result.describe()));
        for (const QString &command : {QStringLiteral("start"), QStringLiteral("stop"),
                                       QStringLiteral("restart"), QStringLiteral("reload")}) {
            result = runCtl({command, QStringLiteral("nope")}, m_control);
            QVERIFY2(result.exitCode == 1, qPrintable(command + u' ' + result.describe()));
            QVERIFY2(text(result.err).contains(QLatin1String("no server named 'nope'")),
                     qPrintable(result.describe()));
        }
        result = runCtl({QStringLiteral("level"), QStringLiteral("nope"), QStringLiteral("INFO")},
                        m_control);
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(soloStatus().section(u' ', 2, 2), QStringLiteral("running"));
    }

    void noAnswer()
    {
        QElapsedTimer timer;
        timer.start();
        const ClientResult result =
            runCtl({QStringLiteral("--connect"), QStringLiteral("tcp://127.0.0.1:9"),
                    QStringLiteral("--timeout"), QStringLiteral("400"), QStringLiteral("status")});
        QCOMPARE(result.exitCode, 3);
        QVERIFY(text(result.err).contains(QLatin1String("no answer within 400 ms")));
        QVERIFY2(timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));
    }

    void reload()
    {
        // A script shipped over the channel.
        const QString v2 = writeFile(m_dir.path(), QStringLiteral("v2.lua"),
                                     "function foo(message)\n    return 'v2:' .. message\nend\n");
        ClientResult result = runCtl(
            {QStringLiteral("reload"), QStringLiteral("solo"), QStringLiteral("--script"), v2},
            m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe() + m_server->describe()));
        QCOMPARE(eval(QStringLiteral("solo.foo"), QStringLiteral("y")).out, QByteArray("v2:y\n"));

        // A broken one is refused; the old script keeps answering.
        const QString broken =
            writeFile(m_dir.path(), QStringLiteral("broken.lua"), "function foo(message\n");
        result = runCtl(
            {QStringLiteral("reload"), QStringLiteral("solo"), QStringLiteral("--script"), broken},
            m_control);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(text(result.err).contains(QLatin1String("old script kept")),
                 qPrintable(result.describe()));
        QCOMPARE(eval(QStringLiteral("solo.foo"), QStringLiteral("z")).out, QByteArray("v2:z\n"));

        // Without --script the server re-reads its own file.
        result = runCtl({QStringLiteral("reload"), QStringLiteral("solo")}, m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QCOMPARE(eval(QStringLiteral("solo.foo"), QStringLiteral("w")).out, QByteArray("v1:w\n"));
    }

    void logs()
    {
        QCOMPARE(eval(QStringLiteral("solo.bomb"), QStringLiteral("late")).out, QByteArray("0\n"));
        QTRY_VERIFY_WITH_TIMEOUT(text(runCtl({QStringLiteral("logs")}, m_control).out)
                                     .contains(QLatin1String("boom late")),
                                 5000);
        ClientResult result =
            runCtl({QStringLiteral("logs"), QStringLiteral("--level"), QStringLiteral("ERROR"),
                    QStringLiteral("--server"), QStringLiteral("solo")},
                   m_control);
        QCOMPARE(result.exitCode, 0);
        const QStringList out = lines(result.out);
        QVERIFY2(!out.isEmpty(), qPrintable(result.describe()));
        // Only ERROR records (pylm lines), each followed by its traceback lines.
        static const QRegularExpression pylm(QStringLiteral(
            "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} - (\\S+) - (\\w+) - "));
        int records = 0;
        for (const QString &line : out) {
            const auto match = pylm.match(line);
            if (!match.hasMatch())
                continue;
            ++records;
            QCOMPARE(match.captured(1), QStringLiteral("solo"));
            QCOMPARE(match.captured(2), QStringLiteral("ERROR"));
        }
        QVERIFY(records >= 1);
        QVERIFY2(out.size() > records, qPrintable(result.describe())); // traceback lines
        QVERIFY2(text(result.out).contains(QLatin1String("boom late")),
                 qPrintable(result.describe()));
        result =
            runCtl({QStringLiteral("logs"), QStringLiteral("--server"), QStringLiteral("nope")},
                   m_control);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray());

        // --follow streams what happens next.
        QProcess follow;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QPALM_CONTROL"), m_control);
        follow.setProcessEnvironment(env);
        follow.start(ctlPath(), {QStringLiteral("logs"), QStringLiteral("--follow"),
                                 QStringLiteral("--level"), QStringLiteral("WARNING")});
        QVERIFY(follow.waitForStarted(5000));
        QByteArray seen;
        QTest::qWait(500);
        QCOMPARE(eval(QStringLiteral("solo.bomb"), QStringLiteral("followed")).out,
                 QByteArray("0\n"));
        QElapsedTimer timer;
        timer.start();
        while (!seen.contains("boom followed") && !timer.hasExpired(10000)) {
            follow.waitForReadyRead(100);
            seen += follow.readAllStandardOutput();
        }
        follow.kill();
        follow.waitForFinished(3000);
        QVERIFY2(seen.contains("boom followed"), seen.constData());
        QVERIFY(!seen.contains(" - INFO - "));
    }

    void stopStartRestart()
    {
        ClientResult result = runCtl({QStringLiteral("stop"), QStringLiteral("solo")}, m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QVERIFY(soloStatus().startsWith(QLatin1String("solo server stopped ")));
        result = runCtl({QStringLiteral("stop"), QStringLiteral("solo")}, m_control);
        QCOMPARE(result.exitCode, 0);
        QVERIFY(text(result.out).contains(QLatin1String("not running")));
        result = runCtl({QStringLiteral("reload"), QStringLiteral("solo")}, m_control);
        QCOMPARE(result.exitCode, 1);

        result = runCtl({QStringLiteral("start"), QStringLiteral("solo")}, m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QVERIFY(soloStatus().startsWith(QLatin1String("solo server running ")));
        result = runCtl({QStringLiteral("restart"), QStringLiteral("solo")}, m_control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QVERIFY(soloStatus().startsWith(QLatin1String("solo server running ")));
        QVERIFY(m_server->waitFor(QStringLiteral("qpalm-server: control: restart solo")));
        QVERIFY(m_server->waitFor(QStringLiteral("server 'solo' started"), 3));
    }

    void replicas()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray db = QStringLiteral("ipc://%1/db").arg(dir.path()).toUtf8();
        const QByteArray any = "tcp://127.0.0.1:*";
        const QString cluster = writeFile(
            dir.path(), QStringLiteral("cluster.json"),
            j("{'servers': [{'kind': 'master', 'name': 'm', 'db_address': '") + db +
                j("', 'pull_address': '") + any + j("', 'pub_address': '") + any +
                j("', 'worker_pull_address': '") + any + j("', 'worker_push_address': '") + any +
                j("'}, {'kind': 'worker', 'name': 'w', 'db_address': '") + db +
                j("', 'replicas': 2}]}"));
        FileServer server(dir.path());
        QVERIFY2(server.start({cluster, QStringLiteral("--control"),
                               QStringLiteral("ipc://%1/ctl").arg(dir.path())}),
                 qPrintable(server.describe()));
        const QString control = server.control();
        auto names = [&] {
            QStringList out;
            for (const QString &line : lines(runCtl({QStringLiteral("status")}, control).out))
                out << line.section(u' ', 0, 0) + u':' + line.section(u' ', 2, 2);
            return out.join(u' ');
        };
        QCOMPARE(names(), QStringLiteral("m:running w-1:running w-2:running"));

        ClientResult result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("w"), QStringLiteral("3")}, control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe() + server.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(
            names(), QStringLiteral("m:running w-1:running w-2:running w-3:running"), 10000);
        result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("w"), QStringLiteral("1")}, control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(names(), QStringLiteral("m:running w-1:running"), 10000);
        const ClientResult job =
            runClient({QStringLiteral("--db"), QString::fromUtf8(db), QStringLiteral("--server"),
                       QStringLiteral("m"), QStringLiteral("eval"), QStringLiteral("m.foo"),
                       QStringLiteral("x")});
        QVERIFY2(job.exitCode == 0, qPrintable(job.describe() + server.describe()));

        result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("m"), QStringLiteral("2")}, control);
        QCOMPARE(result.exitCode, 1);
        QVERIFY(text(result.err).contains(QLatin1String("no worker entry named 'm'")));
        result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("w"), QStringLiteral("0")}, control);
        QCOMPARE(result.exitCode, 1);
        result = runCtl({QStringLiteral("replicas"), QStringLiteral("w"), QStringLiteral("many")},
                        control);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(names(), QStringLiteral("m:running w-1:running"));
    }

    // A process entry (an external command) with replicas: more and fewer over qpalm-ctl, each a
    // process of its own; its in/out counters show as unknown ("-").
    void processReplicas()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString cluster =
            writeFile(dir.path(), QStringLiteral("cluster.json"),
                      j("{'servers': [{'kind': 'process', 'name': 'p', 'command': ['sleep', '60'], "
                        "'replicas': 2}]}"));
        FileServer server(dir.path());
        QVERIFY2(server.start({cluster, QStringLiteral("--control"),
                               QStringLiteral("ipc://%1/ctl").arg(dir.path())}),
                 qPrintable(server.describe()));
        const QString control = server.control();
        auto status = [&] { return lines(runCtl({QStringLiteral("status")}, control).out); };
        auto names = [&] {
            QStringList out;
            for (const QString &line : status())
                out << line.section(u' ', 0, 0) + u':' + line.section(u' ', 2, 2);
            return out.join(u' ');
        };
        QTRY_COMPARE_WITH_TIMEOUT(names(), QStringLiteral("p-1:running p-2:running"), 10000);
        QVERIFY2(status().first().startsWith(QLatin1String("p-1 process running - - 0 ")),
                 qPrintable(status().join(u'\n')));

        ClientResult result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("p"), QStringLiteral("3")}, control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe() + server.describe()));
        QVERIFY2(text(result.out).contains(QLatin1String("p: 3 replicas (p-1 p-2 p-3)")),
                 qPrintable(result.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(names(), QStringLiteral("p-1:running p-2:running p-3:running"),
                                  10000);
        QVERIFY2(server.waitFor(QStringLiteral(" - p-3 - INFO - started pid ")),
                 qPrintable(server.describe()));
        result =
            runCtl({QStringLiteral("replicas"), QStringLiteral("p"), QStringLiteral("1")}, control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(names(), QStringLiteral("p-1:running"), 10000);
        QVERIFY(server.waitFor(QStringLiteral("qpalm-server: control: replicas p: 3 -> 1")));
    }

    void cleanupTestCase()
    {
        if (!m_server)
            return;
        ::kill(pid_t(m_server->process().processId()), SIGTERM);
        QCOMPARE(m_server->waitForExit(10000), 0);
    }
};

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
