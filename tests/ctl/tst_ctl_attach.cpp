// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// A qpalm-server whose cluster file attaches a server of another qpalm-server does not own it:
// SIGTERM (and a failed start) leave it running there; `qpalm-ctl stop NAME` sent to the
// attaching server still stops it. Real processes, control channels on ipc://.

#include "ctltest.h"

#include <QTemporaryDir>

#include <csignal>

using namespace ctltest;

class TestCtlAttach : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FileServer> m_owner; // runs solo
    QString m_ownerControl;

    QString soloStatus() const
    {
        return lines(runCtl({QStringLiteral("status")}, m_ownerControl).out).value(0);
    }
    // A qpalm-server in dir/NAME whose file attaches solo at the owner's control channel.
    std::unique_ptr<FileServer> startAttacher(const QString &name, QString *control)
    {
        QDir(m_dir.path()).mkpath(name);
        const QString dir = m_dir.filePath(name);
        const QString file =
            writeFile(dir, QStringLiteral("attach.json"),
                      j("{'servers': [{'kind': 'server', 'name': 'solo', 'attach': {'control': '") +
                          m_ownerControl.toUtf8() + j("'}}]}"));
        auto server = std::make_unique<FileServer>(dir);
        *control = QStringLiteral("ipc://") + dir + QStringLiteral("/control");
        if (!server->start({file, QStringLiteral("--control"), *control}))
            return nullptr;
        return server;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QDir(m_dir.path()).mkpath(QStringLiteral("owner"));
        const QString ownerDir = m_dir.filePath(QStringLiteral("owner"));
        const QString script = writeFile(ownerDir, QStringLiteral("solo.lua"),
                                         "function foo(m)\n    return 'v1:' .. m\nend\n");
        const QString cluster = writeSoloCluster(ownerDir, script);
        m_owner = std::make_unique<FileServer>(ownerDir);
        m_ownerControl = QStringLiteral("ipc://") + ownerDir + QStringLiteral("/control");
        QVERIFY2(m_owner->start({cluster, QStringLiteral("--control"), m_ownerControl}),
                 qPrintable(m_owner->describe()));
        QVERIFY2(soloStatus().startsWith(QLatin1String("solo server running ")),
                 qPrintable(soloStatus()));
    }

    void sigtermLeavesAttachedServersRunning()
    {
        QString control;
        auto attacher = startAttacher(QStringLiteral("a1"), &control);
        QVERIFY(attacher);
        QVERIFY2(attacher->output().contains(QLatin1String("solo (server) attached at ")),
                 qPrintable(attacher->describe()));
        // The attaching server sees solo running through its own channel.
        QTRY_VERIFY_WITH_TIMEOUT(lines(runCtl({QStringLiteral("status")}, control).out)
                                     .value(0)
                                     .startsWith(QLatin1String("solo server running ")),
                                 10000);

        ::kill(pid_t(attacher->process().processId()), SIGTERM);
        QCOMPARE(attacher->waitForExit(10000), 0);
        QVERIFY2(attacher->output().contains(QLatin1String("qpalm-server: stopped")),
                 qPrintable(attacher->describe()));
        // Nothing asked the owner to stop solo: it still serves.
        QVERIFY2(soloStatus().startsWith(QLatin1String("solo server running ")),
                 qPrintable(soloStatus() + u'\n' + m_owner->describe()));
        QVERIFY2(!m_owner->output().contains(QLatin1String("control: stop solo")),
                 qPrintable(m_owner->describe()));
        const ClientResult eval = runClient(
            {QStringLiteral("--db"), m_owner->address(QStringLiteral("solo"), QStringLiteral("db")),
             QStringLiteral("--server"), QStringLiteral("solo"), QStringLiteral("eval"),
             QStringLiteral("solo.foo"), QStringLiteral("still")});
        QCOMPARE(eval.out, QByteArray("v1:still\n"));
    }

    void explicitStopStillStopsIt()
    {
        QString control;
        auto attacher = startAttacher(QStringLiteral("a2"), &control);
        QVERIFY(attacher);
        QTRY_VERIFY_WITH_TIMEOUT(lines(runCtl({QStringLiteral("status")}, control).out)
                                     .value(0)
                                     .startsWith(QLatin1String("solo server running ")),
                                 10000);
        const ClientResult stop = runCtl({QStringLiteral("stop"), QStringLiteral("solo")}, control);
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(soloStatus().startsWith(QLatin1String("solo server stopped ")),
                                 10000);
        QVERIFY(m_owner->waitFor(QStringLiteral("control: stop solo")));

        // Started again through the attacher, and still running once the attacher is gone.
        const ClientResult start =
            runCtl({QStringLiteral("start"), QStringLiteral("solo")}, control);
        QVERIFY2(start.exitCode == 0, qPrintable(start.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(soloStatus().startsWith(QLatin1String("solo server running ")),
                                 10000);
        ::kill(pid_t(attacher->process().processId()), SIGTERM);
        QCOMPARE(attacher->waitForExit(10000), 0);
        QVERIFY2(soloStatus().startsWith(QLatin1String("solo server running ")),
                 qPrintable(soloStatus()));
        QCOMPARE(m_owner->output().count(QLatin1String("control: stop solo")), 1);
    }

    void cleanupTestCase() { m_owner.reset(); }
};

QTEST_MAIN(TestCtlAttach)
#include "tst_ctl_attach.moc"
