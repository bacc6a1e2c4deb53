// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Scripts under qpalm-server: limits per server from the cluster file, and SIGHUP hot reload
// mid-job.

#include "clitest.h"

#include <QTemporaryDir>

using namespace clitest;

namespace {

const QByteArray kLimitsScript =
    R"(-- Each of these breaks one limit; foo shows the server is still fine.
function spin(message)
    while true do end
end

function bomb(message)
    return string.rep('x', 1 << 30)
end

function deep(message)
    local function down(n)
        return 1 + down(n + 1)
    end
    return tostring(down(1))
end

function foo(message)
    return 'ok ' .. message
end
)";

// Busy enough (~0.1 ms a call) that a 10k job lasts long enough to swap scripts in the middle.
QByteArray versionScript(const QByteArray &version)
{
    return "function foo(message)\n"
           "    local x = 0\n"
           "    for i = 1, 10000 do x = x + i end\n"
           "    return '" +
           version +
           ":' .. message\n"
           "end\n";
}

} // namespace

class TestCliScripts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(serverPath()), qPrintable(serverPath()));
        QVERIFY2(QFile::exists(clientPath()), qPrintable(clientPath()));
    }

    // Time, memory and stack limits from the cluster file: each breach answers b'0', is logged
    // once, and the server goes on.
    void limits()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.path(), QStringLiteral("limits.lua"), kLimitsScript);
        const QString cluster =
            writeFile(dir.path(), QStringLiteral("cluster.json"), j(R"({'servers': [
  {'kind': 'server', 'name': 'limited', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*',
   'pub_address': 'tcp://127.0.0.1:*', 'script': 'limits.lua',
   'limits': {'time_ms': 300, 'memory_mb': 64, 'stack_depth': 200}}]})"));
        ServerProcess server;
        QVERIFY2(server.start({cluster}), qPrintable(server.describe()));
        const QStringList base = {QStringLiteral("--db"),
                                  server.address(QStringLiteral("limited"), QStringLiteral("db")),
                                  QStringLiteral("--server"),
                                  QStringLiteral("limited"),
                                  QStringLiteral("--timeout"),
                                  QStringLiteral("10000"),
                                  QStringLiteral("eval")};
        const QString marker = QStringLiteral(" - limited - ERROR - User function gave an error");
        int errors = 0;
        for (const QString &method :
             {QStringLiteral("spin"), QStringLiteral("bomb"), QStringLiteral("deep")}) {
            QElapsedTimer timer;
            timer.start();
            ClientResult result = runClient(
                base + QStringList{QStringLiteral("limited.") + method, QStringLiteral("x")});
            QVERIFY2(result.exitCode == 0,
                     qPrintable(method + u' ' + result.describe() + server.describe()));
            QCOMPARE(text(result.out), QStringLiteral("0\n"));
            if (method == QLatin1String("spin"))
                QVERIFY2(timer.elapsed() >= 300 && timer.elapsed() < 5000,
                         qPrintable(QString::number(timer.elapsed())));
            ++errors;
            QVERIFY2(server.waitFor(marker, errors),
                     qPrintable(method + u'\n' + server.describe()));

            result = runClient(base + QStringList{QStringLiteral("limited.foo"), method});
            QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
            QCOMPARE(text(result.out), QStringLiteral("ok ") + method + u'\n');
        }
        // Logged once each, and the traceback names the script.
        QCOMPARE(server.output().count(marker), 3);
        // Each error names the script line and the limit configured in the cluster file.
        for (const char *pattern : {"^limits\\.lua:3: .*\\b300\\b", "^limits\\.lua:7: .*\\b64\\b",
                                    "^limits\\.lua:12: .*\\b200\\b"}) {
            const QRegularExpression re(QString::fromLatin1(pattern),
                                        QRegularExpression::MultilineOption);
            QVERIFY2(re.match(server.output()).hasMatch(),
                     qPrintable(QString::fromLatin1(pattern) + u'\n' + server.describe()));
        }
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(3000), 0);
    }

    // SIGHUP in the middle of a 10k-message job: every message answered once, the new script
    // visible after the swap.
    void hotReload()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString script =
            writeFile(dir.path(), QStringLiteral("hot.lua"), versionScript("v1"));
        const QString cluster =
            writeFile(dir.path(), QStringLiteral("cluster.json"), j(R"({'servers': [
  {'kind': 'server', 'name': 'hot', 'db_address': 'tcp://127.0.0.1:*', 'pull_address': 'tcp://127.0.0.1:*',
   'pub_address': 'tcp://127.0.0.1:*', 'script': 'hot.lua'}]})"));
        ServerProcess server;
        QVERIFY2(server.start({cluster}), qPrintable(server.describe()));

        constexpr int kMessages = 10000;
        QByteArray input;
        for (int i = 0; i < kMessages; ++i)
            input += QByteArray::number(i) + '\n';
        QProcess client;
        client.start(clientPath(), {QStringLiteral("--db"),
                                    server.address(QStringLiteral("hot"), QStringLiteral("db")),
                                    QStringLiteral("--server"), QStringLiteral("hot"),
                                    QStringLiteral("job"), QStringLiteral("hot.foo")});
        QVERIFY(client.waitForStarted(5000));
        client.write(input);
        client.closeWriteChannel();

        QByteArray out;
        bool swapped = false;
        QElapsedTimer timer;
        timer.start();
        while (client.state() != QProcess::NotRunning && !timer.hasExpired(60000)) {
            client.waitForReadyRead(20);
            out += client.readAllStandardOutput();
            if (!swapped && out.count('\n') >= 2000) {
                writeFile(dir.path(), QStringLiteral("hot.lua"), versionScript("v2"));
                server.signal(SIGHUP);
                swapped = true;
            }
        }
        QVERIFY(client.state() == QProcess::NotRunning || client.waitForFinished(5000));
        out += client.readAllStandardOutput();
        QVERIFY2(swapped, "the job ended before 2000 replies");
        QVERIFY2(client.exitCode() == 0, client.readAllStandardError().constData());
        QVERIFY2(server.waitFor(QStringLiteral("qpalm-server: hot: reloaded ") + script),
                 qPrintable(server.describe()));

        const QStringList replies = lines(out);
        QCOMPARE(replies.size(), kMessages);
        QList<int> seen(kMessages, 0);
        static const QRegularExpression reply(QStringLiteral("^v([12]):(\\d+)$"));
        int firstV2 = -1;
        int lastV1 = -1;
        for (int i = 0; i < replies.size(); ++i) {
            const auto match = reply.match(replies.at(i));
            QVERIFY2(match.hasMatch(), qPrintable(replies.at(i)));
            const int n = match.captured(2).toInt();
            QVERIFY(n >= 0 && n < kMessages);
            ++seen[n];
            if (match.captured(1) == QLatin1String("2") && firstV2 < 0)
                firstV2 = i;
            if (match.captured(1) == QLatin1String("1"))
                lastV1 = i;
        }
        QCOMPARE(seen.count(1), kMessages); // each message answered exactly once
        QVERIFY2(firstV2 > 0, "the new script never answered");
        qInfo("the new script answered from reply %d of %d on", firstV2 + 1, kMessages);
        QVERIFY2(lastV1 < firstV2,
                 qPrintable(QStringLiteral("v1 at %1 after v2 at %2").arg(lastV1).arg(firstV2)));

        // A broken script is refused and the old one keeps answering.
        writeFile(dir.path(), QStringLiteral("hot.lua"), "function foo(message\n");
        server.signal(SIGHUP);
        QVERIFY2(server.waitFor(
                     QStringLiteral("qpalm-server: hot: reload of %1 failed, old script kept: ")
                         .arg(script)),
                 qPrintable(server.describe()));
        const ClientResult after = runClient(
            {QStringLiteral("--db"), server.address(QStringLiteral("hot"), QStringLiteral("db")),
             QStringLiteral("--server"), QStringLiteral("hot"), QStringLiteral("eval"),
             QStringLiteral("hot.foo"), QStringLiteral("x")});
        QVERIFY2(after.exitCode == 0, qPrintable(after.describe()));
        QCOMPARE(text(after.out), QStringLiteral("v2:x\n"));
    }
};

QTEST_GUILESS_MAIN(TestCliScripts)
#include "tst_cli_scripts.moc"
