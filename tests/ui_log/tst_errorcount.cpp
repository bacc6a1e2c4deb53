// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 10 item 5: the status bar's "Errors: N" and the Errors tab's "(N)" are one count (the
// inbox's), and restarting a server does not reset it while the inbox lists its errors.
#include "errorapptest.h"
#include "errorinbox.h"

#include "client.h"
#include "cluster.h"
#include "serverhandle.h"

#include <QDockWidget>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace qpalm;

namespace {

int sendBooms(ServerHandle *server, int n)
{
    Client client({"srv", server->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        return -1;
    int zeros = 0;
    for (int i = 0; i < n; ++i) {
        const auto reply = client.eval("srv.foo", "boom " + std::to_string(i));
        zeros += reply && reply->front() == "0" ? 1 : 0;
    }
    return zeros;
}

} // namespace

class TestErrorCount : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statusBarTabAndInboxAgreeAcrossRestart();
};

void TestErrorCount::statusBarTabAndInboxAgreeAcrossRestart()
{
    errorapptest::App app;
    MainWindow &window = app.window;
    // Two different errors (two groups), so a group count and an error count would differ.
    QVERIFY(app.write(QStringLiteral("handler.lua"),
                      "function foo(payload)\n"
                      "    if payload:sub(-1) == '0' then error('even') end\n"
                      "    return missing .. payload\n"
                      "end\n"));
    QVERIFY2(app.open({errorapptest::serverEntry("srv", "handler.lua")}),
             qPrintable(window.lastError()));
    ServerHandle *server = window.cluster()->server(QStringLiteral("srv"));
    QTRY_COMPARE_WITH_TIMEOUT(server->state(), ServerHandle::State::Running, 10000);

    auto *status = window.findChild<QLabel *>(QStringLiteral("errorsStatus"));
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("errorDock"));
    QVERIFY(status && dock);
    ErrorInboxModel *inbox = window.errorInbox()->model();

    QCOMPARE(sendBooms(server, 3), 3);
    QTRY_COMPARE_WITH_TIMEOUT(inbox->errorCount(), 3, 5000);
    QCOMPARE(inbox->rowCount(), 2);
    QTRY_COMPARE(status->text(), QStringLiteral("Errors: 3"));
    QCOMPARE(dock->windowTitle(), QStringLiteral("Errors (3)"));

    // Restart: the server's own counters start again, the count shown does not.
    QSignalSpy stopped(server, &ServerHandle::stopped);
    server->stop();
    QVERIFY(stopped.wait(5000));
    QSignalSpy started(server, &ServerHandle::started);
    server->start();
    QVERIFY(started.wait(10000));
    QTest::qWait(700); // a stats update or two from the fresh server
    QCOMPARE(status->text(), QStringLiteral("Errors: 3"));
    QCOMPARE(dock->windowTitle(), QStringLiteral("Errors (3)"));

    QCOMPARE(sendBooms(server, 2), 2);
    QTRY_COMPARE_WITH_TIMEOUT(inbox->errorCount(), 5, 5000);
    QTRY_COMPARE(status->text(), QStringLiteral("Errors: 5"));
    QCOMPARE(dock->windowTitle(), QStringLiteral("Errors (5)"));

    // Clearing the inbox clears both.
    window.errorInbox()->clear();
    QTRY_COMPARE(status->text(), QStringLiteral("Errors: 0"));
    QCOMPARE(dock->windowTitle(), QStringLiteral("Errors"));
}

QTEST_MAIN(TestErrorCount)
#include "tst_errorcount.moc"
