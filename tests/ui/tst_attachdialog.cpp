// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// File > Attach…: a control address and keys typed into the dialog attach the servers of a real
// qpalm-server (CURVE on loopback) to the open cluster, shown with their host; a key the server
// does not know gives a clear error and attaches nothing. QPALM_SCREENSHOT_DIR set: the filled
// dialog is saved there as attach.png.

#include "appsettings.h"
#include "attachdialog.h"
#include "cluster.h"
#include "clustermodel.h"
#include "freeport.h"
#include "mainwindow.h"
#include "remote/controlsecurity.h"
#include "serverhandle.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace qpalm;

class TestAttachDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_server;
    QString m_control;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool keys(const QString &base, QString *problem)
    {
        const auto pair = remote::generateKeyPair();
        return pair && remote::writeKeyPair(*pair, path(base), problem);
    }

    // Runs fill on the Attach… dialog once File > Attach… opened it (it is modal).
    void withAttachDialog(MainWindow &window, const std::function<void(AttachDialog *)> &fill)
    {
        bool seen = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<AttachDialog *>(QApplication::activeModalWidget());
            if (!dialog) {
                QApplication::activeModalWidget()->close();
                return;
            }
            seen = true;
            fill(dialog);
        });
        QAction *attach = window.action(QStringLiteral("actionAttach"));
        QVERIFY(attach);
        attach->trigger(); // returns when the dialog closes
        QVERIFY(seen);
    }

    static void type(AttachDialog *dialog, const char *field, const QString &text)
    {
        auto *edit = dialog->findChild<QLineEdit *>(QLatin1String(field));
        QVERIFY(edit);
        edit->clear();
        QTest::keyClicks(edit, text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString problem;
        QVERIFY2(keys(QStringLiteral("server"), &problem), qPrintable(problem));
        QVERIFY2(keys(QStringLiteral("app"), &problem), qPrintable(problem));
        QVERIFY2(keys(QStringLiteral("stranger"), &problem), qPrintable(problem));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("authorized")));
        QVERIFY(QFile::copy(path(QStringLiteral("app.pub")),
                            path(QStringLiteral("authorized/app.pub"))));
        QFile json(path(QStringLiteral("cluster.json")));
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(
            "{\"servers\": [{\"kind\": \"server\", \"name\": \"far\", "
            "\"db_address\": \"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\", "
            "\"pub_address\": \"tcp://127.0.0.1:*\"}]}");
        json.close();
        m_control = QStringLiteral("tcp://127.0.0.1:%1").arg(qpalm::test::freePort());
        m_server.setStandardOutputFile(path(QStringLiteral("server.out")));
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.start(qEnvironmentVariable("QPALM_BINARY_DIR") +
                           QStringLiteral("/app/server/qpalm-server"),
                       {json.fileName(), QStringLiteral("--control"), m_control,
                        QStringLiteral("--control-key"), path(QStringLiteral("server.secret")),
                        QStringLiteral("--authorized"), path(QStringLiteral("authorized"))});
        QVERIFY(m_server.waitForStarted(5000));
        auto output = [this] {
            QFile out(path(QStringLiteral("server.out")));
            return out.open(QIODevice::ReadOnly) ? out.readAll() : QByteArray();
        };
        QTRY_VERIFY_WITH_TIMEOUT(output().contains("qpalm-server: ready, ") ||
                                     m_server.state() != QProcess::Running,
                                 15000);
        QCOMPARE(m_server.state(), QProcess::Running);
    }

    void cleanupTestCase()
    {
        m_server.terminate();
        m_server.waitForFinished(5000);
    }

    void attachesWithKeys()
    {
        AppSettings settings(path(QStringLiteral("settings.ini")));
        settings.setStartOnOpen(false);
        MainWindow window(&settings);
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        withAttachDialog(window, [&](AttachDialog *dialog) {
            type(dialog, "controlAddress", m_control);
            type(dialog, "keyFile", path(QStringLiteral("app.secret")));
            type(dialog, "serverKeyFile", path(QStringLiteral("server.pub")));
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectButton")),
                              Qt::LeftButton);
            auto *list = dialog->findChild<QListWidget *>(QStringLiteral("serverList"));
            QCOMPARE(list->count(), 1);
            QCOMPARE(list->item(0)->text(), QStringLiteral("far (server)"));
            QCOMPARE(dialog->statusText(), QStringLiteral("1 server at %1.").arg(m_control));
            // Every label's mnemonic reaches its field (no literal '&' in a label).
            for (const QLabel *label : dialog->findChildren<QLabel *>()) {
                if (label->text().contains(u'&'))
                    QVERIFY2(qobject_cast<QLineEdit *>(label->buddy()), qPrintable(label->text()));
            }
            if (const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR"); !dir.isEmpty())
                QVERIFY(dialog->grab().save(dir + QStringLiteral("/attach.png")));
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
        ServerHandle *far = window.cluster()->server(QStringLiteral("far"));
        QVERIFY(far);
        QCOMPARE(far->hostLabel(), QStringLiteral("127.0.0.1"));
        QTRY_COMPARE_WITH_TIMEOUT(far->state(), ServerHandle::State::Running, 10000);
        // The cluster panel shows it with its host.
        auto *model = window.findChild<ClusterModel *>();
        QVERIFY(model);
        bool shown = false;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, 0);
            if (index.data(ClusterModel::ServerNameRole).toString() == u"far")
                shown = index.data(ClusterModel::HostRole).toString() == u"127.0.0.1";
        }
        QVERIFY(shown);
    }

    void wrongKeyIsAClearError()
    {
        AppSettings settings(path(QStringLiteral("settings2.ini")));
        settings.setStartOnOpen(false);
        MainWindow window(&settings);
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const qsizetype before = window.cluster()->servers().size();
        withAttachDialog(window, [&](AttachDialog *dialog) {
            type(dialog, "controlAddress", m_control);
            type(dialog, "keyFile", path(QStringLiteral("stranger.secret")));
            type(dialog, "serverKeyFile", path(QStringLiteral("server.pub")));
            QVERIFY(!dialog->connectToServer());
            const QString status = dialog->statusText();
            QVERIFY2(status.startsWith(QLatin1String("Cannot attach: ")), qPrintable(status));
            QVERIFY2(status.contains(QLatin1String("refused our key")), qPrintable(status));
            QVERIFY(!dialog->findChild<QDialogButtonBox *>()
                         ->button(QDialogButtonBox::Ok)
                         ->isEnabled());
            dialog->reject();
        });
        QCOMPARE(window.cluster()->servers().size(), before);
    }
};

QTEST_MAIN(TestAttachDialog)
#include "tst_attachdialog.moc"
