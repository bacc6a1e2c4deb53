// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The control channel's security: keygen, CURVE with an authorized-keys directory (a ZAP handler
// that refuses unknown keys and logs each refused peer once), no keys off loopback (exit 2),
// ipc sockets private to the user.

#include "ctltest.h"

#include <QTemporaryDir>

#include <sys/stat.h>

using namespace ctltest;

class TestCtlSecurity : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cluster;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString script = writeFile(m_dir.path(), QStringLiteral("solo.lua"),
                                         "function foo(message)\n  return message\nend\n");
        m_cluster = writeSoloCluster(m_dir.path(), script);
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("authorized")));
    }

    void keygen()
    {
        for (const QString &name :
             {QStringLiteral("server"), QStringLiteral("alice"), QStringLiteral("mallory")}) {
            const ClientResult result = runCtl({QStringLiteral("keygen"), path(name)});
            QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
            QFile pub(path(name + QStringLiteral(".pub")));
            QVERIFY(pub.open(QIODevice::ReadOnly));
            const QByteArray key = pub.readAll();
            QCOMPARE(key.size(), 41);
            QVERIFY(key.endsWith('\n'));
            struct stat info = {};
            QCOMPARE(::stat(QFile::encodeName(path(name + QStringLiteral(".secret"))).constData(),
                            &info),
                     0);
            QCOMPARE(int(info.st_mode & 0777), 0600);
        }
        QVERIFY(QFile::copy(path(QStringLiteral("alice.pub")),
                            path(QStringLiteral("authorized/alice.pub"))));
        QCOMPARE(runCtl({QStringLiteral("keygen")}).exitCode, 2);
    }

    void nonLoopbackNeedsKeys_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QStringList>("missing");
        QTest::newRow("no keys") << QStringList{}
                                 << QStringList{QStringLiteral("--control-key"),
                                                QStringLiteral("--authorized")};
        QTest::newRow("no authorized")
            << QStringList{QStringLiteral("--control-key"), QStringLiteral("server.secret")}
            << QStringList{QStringLiteral("--authorized")};
        QTest::newRow("no key") << QStringList{QStringLiteral("--authorized"),
                                               QStringLiteral("authorized")}
                                << QStringList{QStringLiteral("--control-key")};
    }

    void nonLoopbackNeedsKeys()
    {
        QFETCH(QStringList, options);
        QFETCH(QStringList, missing);
        for (QString &option : options) {
            if (!option.startsWith(QLatin1String("--")))
                option = path(option);
        }
        for (const QString &address :
             {QStringLiteral("tcp://0.0.0.0:*"), QStringLiteral("tcp://10.1.2.3:7000")}) {
            const ClientResult result =
                run(serverPath(),
                    QStringList{m_cluster, QStringLiteral("--control"), address} + options);
            QVERIFY2(result.exitCode == 2, qPrintable(result.describe()));
            for (const QString &option : missing)
                QVERIFY2(text(result.err).contains(QStringLiteral("missing")) &&
                             text(result.err).contains(option),
                         qPrintable(result.describe()));
            QVERIFY(!text(result.out).contains(QLatin1String("serving")));
        }
    }

    void curve()
    {
        // Keys given: CURVE even on loopback, so the rule is testable without another host.
        FileServer server(m_dir.path());
        QVERIFY2(server.start({m_cluster, QStringLiteral("--control"),
                               QStringLiteral("tcp://127.0.0.1:*"), QStringLiteral("--control-key"),
                               path(QStringLiteral("server.secret")),
                               QStringLiteral("--authorized"), path(QStringLiteral("authorized"))}),
                 qPrintable(server.describe()));
        QVERIFY(server.output().contains(QLatin1String("(CURVE)")));
        const QString control = server.control();
        const QStringList serverKey = {QStringLiteral("--server-key"),
                                       path(QStringLiteral("server.pub"))};
        auto as = [&](const QString &who) {
            return QStringList{QStringLiteral("--key"), path(who + QStringLiteral(".secret"))} +
                   serverKey;
        };

        ClientResult result =
            runCtl(as(QStringLiteral("alice")) + QStringList{QStringLiteral("status")}, control);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe() + server.describe()));
        QVERIFY(text(result.out).startsWith(QLatin1String("solo server running ")));
        result = runCtl(as(QStringLiteral("alice")) + QStringList{QStringLiteral("level"),
                                                                  QStringLiteral("solo"),
                                                                  QStringLiteral("WARNING")},
                        control);
        QCOMPARE(result.exitCode, 0);

        // A key not in the directory: refused (3, nothing reaches the server), logged once.
        for (int attempt = 0; attempt < 2; ++attempt) {
            result = runCtl(as(QStringLiteral("mallory")) +
                                QStringList{QStringLiteral("--timeout"), QStringLiteral("700"),
                                            QStringLiteral("level"), QStringLiteral("solo"),
                                            QStringLiteral("DEBUG")},
                            control);
            QVERIFY2(result.exitCode == 3, qPrintable(result.describe()));
            // Said at once, not as a timeout.
            QVERIFY2(text(result.err).contains(QLatin1String("the server refused our key")),
                     qPrintable(result.describe()));
        }
        QVERIFY2(server.waitFor(QStringLiteral("refused a control peer")),
                 qPrintable(server.describe()));
        QFile mallory(path(QStringLiteral("mallory.pub")));
        QVERIFY(mallory.open(QIODevice::ReadOnly));
        const QString malloryKey = QString::fromLatin1(mallory.readAll().trimmed());
        QVERIFY2(server.errors().contains(malloryKey), qPrintable(server.describe()));
        QCOMPARE(server.errors().count(QLatin1String("refused a control peer")), 1);

        // No key at all: the handshake never completes.
        result =
            runCtl({QStringLiteral("--timeout"), QStringLiteral("700"), QStringLiteral("status")},
                   control);
        QCOMPARE(result.exitCode, 3);
        QVERIFY2(server.waitFor(QStringLiteral("whose CURVE handshake failed")),
                 qPrintable(server.describe()));
        // The server key wrong (our own): no answer either.
        result =
            runCtl({QStringLiteral("--key"), path(QStringLiteral("alice.secret")),
                    QStringLiteral("--server-key"), path(QStringLiteral("alice.pub")),
                    QStringLiteral("--timeout"), QStringLiteral("700"), QStringLiteral("status")},
                   control);
        QCOMPARE(result.exitCode, 3);

        // Nothing the refused peers sent took effect.
        result =
            runCtl(as(QStringLiteral("alice")) + QStringList{QStringLiteral("status")}, control);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(text(result.out).trimmed().endsWith(QLatin1String(" WARNING")),
                 qPrintable(result.describe()));
        // --key without --server-key is a usage error.
        result = runCtl({QStringLiteral("--key"), path(QStringLiteral("alice.secret")),
                         QStringLiteral("status")},
                        control);
        QCOMPARE(result.exitCode, 2);
    }

    void ipcIsPrivate()
    {
        FileServer server(m_dir.path());
        const QString socket = path(QStringLiteral("ctl.sock"));
        QVERIFY2(server.start(
                     {m_cluster, QStringLiteral("--control"), QStringLiteral("ipc://") + socket}),
                 qPrintable(server.describe()));
        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(socket).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0600);
        const ClientResult result =
            runCtl({QStringLiteral("status")}, QStringLiteral("ipc://") + socket);
        QVERIFY2(result.exitCode == 0, qPrintable(result.describe()));
        // Scripts are accepted over a local channel.
        const QString v2 = writeFile(m_dir.path(), QStringLiteral("v2.lua"),
                                     "function foo(message)\n  return 'v2'\nend\n");
        QCOMPARE(runCtl({QStringLiteral("reload"), QStringLiteral("solo"),
                         QStringLiteral("--script"), v2},
                        QStringLiteral("ipc://") + socket)
                     .exitCode,
                 0);
    }
};

QTEST_GUILESS_MAIN(TestCtlSecurity)
#include "tst_ctl_security.moc"
