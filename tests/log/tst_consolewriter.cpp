// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The console sink: one buffered writer thread, no lock on the logging path, order kept per
// server, nothing lost at exit.
#include "consolewriter.h"
#include "logrecord.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryFile>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <thread>
#include <vector>

using namespace qpalm;

namespace {

// Checks that text holds exactly `records` lines "sN i" per server N < servers, each server's in
// order; returns the first problem, or an empty string.
QString checkLines(const QByteArray &text, int servers, int records)
{
    if (!text.endsWith('\n'))
        return QStringLiteral("output does not end with a complete line");
    QHash<int, int> next;
    const QList<QByteArray> lines = text.left(text.size() - 1).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> parts = line.split(' ');
        bool okServer = false, okIndex = false;
        const int server = parts.value(0).mid(1).toInt(&okServer);
        const int index = parts.value(1).toInt(&okIndex);
        if (parts.size() != 2 || !okServer || !okIndex || !parts[0].startsWith('s'))
            return QStringLiteral("malformed line '%1'").arg(QString::fromUtf8(line));
        if (index != next.value(server))
            return QStringLiteral("server %1: record %2 where %3 was due")
                .arg(server)
                .arg(index)
                .arg(next.value(server));
        next[server] = index + 1;
    }
    for (int server = 0; server < servers; ++server) {
        if (next.value(server) != records)
            return QStringLiteral("server %1: %2 of %3 records")
                .arg(server)
                .arg(next.value(server))
                .arg(records);
    }
    return {};
}

} // namespace

class TestConsoleWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timestampMatchesQDateTime()
    {
        // formatTimestamp caches the local-time part per second and thread.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 samples[] = {0,     1,         999,           1000,    -1,      -999,
                                  -1000, -1001,     1472197319053, now,     now + 1, now - 1,
                                  now,   now + 999, now + 1000,    now + 1, -1};
        for (qint64 msecs : samples) {
            QCOMPARE(formatTimestamp(msecs),
                     QDateTime::fromMSecsSinceEpoch(msecs, Qt::LocalTime)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss,zzz")));
        }
    }

    void concurrentServersKeepOrderAndLoseNothing()
    {
        constexpr int kServers = 8;
        constexpr int kRecords = 20000;
        QTemporaryFile file;
        QVERIFY(file.open());
        std::FILE *stream = std::fopen(QFile::encodeName(file.fileName()).constData(), "wb");
        QVERIFY(stream);
        {
            ConsoleWriter writer(stream);
            std::vector<std::thread> threads;
            for (int server = 0; server < kServers; ++server) {
                threads.emplace_back([&writer, server] {
                    for (int i = 0; i < kRecords; ++i)
                        writer.write(QByteArray("s") + QByteArray::number(server) + ' ' +
                                     QByteArray::number(i) + '\n');
                });
            }
            for (std::thread &thread : threads)
                thread.join();
            writer.shutdown();
            // After shutdown, writes go straight to the stream, still complete and in order.
            writer.write(QByteArray("s") + QByteArray::number(kServers) + " 0\n");
        }
        std::fclose(stream);
        QByteArray text = file.readAll();
        const QByteArray last = QByteArray("s") + QByteArray::number(kServers) + " 0\n";
        QVERIFY(text.endsWith(last));
        text.chop(last.size());
        const QString problem = checkLines(text, kServers, kRecords);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void writesReachTheStreamWithoutFlush()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        std::FILE *stream = std::fopen(QFile::encodeName(file.fileName()).constData(), "wb");
        QVERIFY(stream);
        ConsoleWriter writer(stream);
        writer.write("s0 0\n");
        // The writer thread writes every 50 ms: well within the bound.
        QTRY_COMPARE_WITH_TIMEOUT(QFile(file.fileName()).size(), qint64(5), 5000);
        writer.write("s0 1\n");
        writer.flush(); // returns only once the line is in the file
        QFile check(file.fileName());
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray("s0 0\ns0 1\n"));
        writer.shutdown();
        std::fclose(stream);
    }

    void writeNeverWaitsForABlockedStream()
    {
        // A pipe nobody reads: the writer thread blocks in fwrite, the loggers must not.
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        std::FILE *stream = ::fdopen(fds[1], "wb");
        QVERIFY(stream);
        ConsoleWriter writer(stream);
        const QByteArray line(200, 'x');
        for (int i = 0; i < 2000; ++i) // 400 KB: more than a pipe holds
            writer.write(line + '\n');
        QTest::qWait(200); // the writer is stuck in fwrite now
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 2000; ++i)
            writer.write(line + '\n');
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("%1 ms").arg(elapsed)));

        std::thread reader([fd = fds[0]] {
            char buffer[65536];
            while (::read(fd, buffer, sizeof buffer) > 0) {
            }
        });
        writer.shutdown();
        std::fclose(stream); // the reader sees the end
        reader.join();
        ::close(fds[0]);
    }

    void processExitWritesEveryRecord_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("return from main") << QStringLiteral("return");
        QTest::newRow("exit()") << QStringLiteral("exit");
        QTest::newRow("flushConsoleLog + _exit") << QStringLiteral("_exit");
    }

    void processExitWritesEveryRecord()
    {
        // consolelogexit: 4 threads log 5000 records each through Logger (no sink: stdout),
        // then the process ends at once in the given way.
        QFETCH(QString, mode);
        QProcess process;
        process.start(QCoreApplication::applicationDirPath() + QStringLiteral("/consolelogexit"),
                      {mode});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QByteArray text = process.readAllStandardOutput();
        // "... - sN - INFO - i" (pylm lines) to "sN i".
        QByteArray compact;
        for (const QByteArray &line : text.split('\n')) {
            if (line.isEmpty())
                continue;
            const QList<QByteArray> parts = line.split('-');
            QVERIFY2(parts.size() >= 5, line.constData());
            compact += parts[parts.size() - 3].trimmed() + ' ' + parts.last().trimmed() + '\n';
        }
        const QString problem = checkLines(compact, 4, 5000);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestConsoleWriter)
#include "tst_consolewriter.moc"
