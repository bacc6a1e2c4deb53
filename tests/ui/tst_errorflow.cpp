// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The error path a user walks in the app: a Lua handler fails, the log shows the record with its
// traceback while the server keeps answering, clicking the traceback line opens the script at
// that line, the fix is applied live and the next reply shows it. All on a real cluster.
#include "errorapptest.h"
#include "errorinbox.h"
#include "logmodel.h"
#include "logview.h"
#include "logviewer.h"
#include "scripteditor.h"

#include "client.h"
#include "cluster.h"
#include "serverhandle.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

#include <thread>

#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

using namespace qpalm;
using errorapptest::serverEntry;

namespace {
const char *kBroken = "-- a handler with a bug on line 4\n"
                      "function foo(payload)\n"
                      "    if payload == 'boom' then\n"
                      "        return missing .. payload\n"
                      "    end\n"
                      "    return 'ok ' .. payload\n"
                      "end\n";
} // namespace

class TestErrorFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tracebackToEditorAndLiveFix();
    void applyDoesNotWaitForABusyServer();
    void oneMessageAndStartErrorsMarked();
};

void TestErrorFlow::tracebackToEditorAndLiveFix()
{
    errorapptest::App app;
    MainWindow &window = app.window;
    const QString script = app.path(QStringLiteral("handler.lua"));
    QVERIFY(app.write(QStringLiteral("handler.lua"), kBroken));
    QVERIFY2(app.open({serverEntry("srv", "handler.lua")}), qPrintable(window.lastError()));
    ServerHandle *server = window.cluster()->server(QStringLiteral("srv"));
    QVERIFY(server);
    QTRY_COMPARE(server->state(), ServerHandle::State::Running);

    Client client({"srv", server->address(QStringLiteral("db_address")).toStdString()});
    QVERIFY2(client.connect(), client.lastError().c_str());
    auto reply = client.eval("srv.foo", "boom");
    QVERIFY2(reply, client.lastError().c_str());
    QCOMPARE(reply->front(), std::string("0")); // pylm's answer to a failed handler
    reply = client.eval("srv.foo", "next");
    QVERIFY(reply);
    QCOMPARE(reply->front(), std::string("ok next")); // the server carries on

    // The log shows one ERROR record carrying the Lua traceback with the script's file:line.
    LogModel *model = window.logViewer()->model();
    int errorRow = -1;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 for (int row = 0; row < model->rowCount(); ++row) {
                                     const LogRecord record = model->recordAt(row);
                                     if (record.level == LogLevel::Error &&
                                         record.text ==
                                             QStringLiteral("User function gave an error")) {
                                         errorRow = row;
                                         return true;
                                     }
                                 }
                                 return false;
                             }()),
                             5000);
    const LogRecord record = model->recordAt(errorRow);
    QVERIFY2(record.traceback.contains(QStringLiteral("handler.lua:4:")),
             qPrintable(record.traceback));
    QTRY_VERIFY(window.errorInbox()->findChildren<QAbstractItemView *>().size() > 0);

    // Select the record: its traceback shows below; click the line naming handler.lua:4.
    LogView *view = window.logViewer()->view();
    view->setCurrentIndex(model->index(errorRow, 0));
    QListWidget *traceback = window.logViewer()->tracebackView();
    QListWidgetItem *frame = nullptr;
    QTRY_VERIFY(([&] {
        for (int i = 0; i < traceback->count(); ++i) {
            if (traceback->item(i)->text().contains(QStringLiteral("handler.lua:4:"))) {
                frame = traceback->item(i);
                return true;
            }
        }
        return false;
    }()));
    traceback->scrollToItem(frame);
    QTest::mouseClick(traceback->viewport(), Qt::LeftButton, {},
                      traceback->visualItemRect(frame).center());

    ScriptEditor *editor = window.scriptEditor();
    QTRY_VERIFY(editor->currentFile().endsWith(QStringLiteral("handler.lua")));
    QsciScintilla *text = editor->editor(editor->currentFile());
    QVERIFY(text);
    int line = -1;
    int index = -1;
    text->getCursorPosition(&line, &index);
    QCOMPARE(line + 1, 4);

    // Fix the line in the editor and Apply: the running server swaps scripts between messages.
    text->setText(QString::fromUtf8(kBroken).replace(QStringLiteral("missing .. payload"),
                                                     QStringLiteral("'fixed ' .. payload")));
    QSignalSpy applied(editor, &ScriptEditor::scriptApplied);
    QVERIFY2(editor->apply(), qPrintable(editor->lastError()));
    QTRY_COMPARE(applied.count(), 1);
    reply = client.eval("srv.foo", "boom");
    QVERIFY(reply);
    QCOMPARE(reply->front(), std::string("fixed boom"));
    QTRY_COMPARE(server->state(), ServerHandle::State::Running);
}

void TestErrorFlow::applyDoesNotWaitForABusyServer()
{
    errorapptest::App app;
    MainWindow &window = app.window;
    const QString script = app.path(QStringLiteral("busy.lua"));
    QVERIFY(app.write(QStringLiteral("busy.lua"), "function slow(payload)\n"
                                                  "    local n = 0\n"
                                                  "    for i = 1, 400000000 do n = n + 1 end\n"
                                                  "    return 'slow done'\n"
                                                  "end\n"
                                                  "function version(payload) return 'v1' end\n"));
    QVERIFY2(app.open({serverEntry("busy", "busy.lua", "\"limits\": {\"time_ms\": 1500}")}, false),
             qPrintable(window.lastError()));
    ServerHandle *server = window.cluster()->server(QStringLiteral("busy"));
    QVERIFY(server);
    QTRY_COMPARE(server->state(), ServerHandle::State::Running);
    const std::string db = server->address(QStringLiteral("db_address")).toStdString();

    // An idle server answers its cache at once.
    auto answersWithin = [&db](int msecs) {
        Client probe({"busy", db, {}, {}, {}, msecs});
        return probe.get("name").has_value();
    };
    QVERIFY(answersWithin(2000));

    // Keep the server inside a long handler (stopped by its 1.5 s limit at the latest).
    std::thread caller([db] {
        Client slowClient({"busy", db});
        if (slowClient.connect())
            (void)slowClient.eval("busy.slow", "x");
    });
    // Proof that the server is busy: its thread no longer answers the cache.
    QElapsedTimer waiting;
    waiting.start();
    bool busy = false;
    while (!busy && waiting.elapsed() < 5000)
        busy = !answersWithin(250);
    QVERIFY2(busy, "the server never became busy with the slow handler");

    ScriptEditor *editor = window.scriptEditor();
    QVERIFY(editor->open(script));
    editor->editor(script)->setText(QStringLiteral("function version(payload) return 'v2' end\n"));
    QSignalSpy applied(editor, &ScriptEditor::scriptApplied);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(editor->apply(), qPrintable(editor->lastError()));
    QVERIFY2(clock.elapsed() < 300, "Apply waited for the busy server");
    QVERIFY(editor->isApplying());
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, 10000);
    // The reload had to wait for the handler to end: the server was busy during Apply.
    QVERIFY2(clock.elapsed() >= 400, qPrintable(QStringLiteral("applied after %1 ms, so the "
                                                               "server was not busy")
                                                    .arg(clock.elapsed())));
    caller.join();

    Client client({"busy", db});
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto reply = client.eval("busy.version", "x");
    QVERIFY2(reply, client.lastError().c_str());
    QCOMPARE(reply->front(), std::string("v2"));
}

void TestErrorFlow::oneMessageAndStartErrorsMarked()
{
    errorapptest::App app;
    MainWindow &window = app.window;
    const QString good = app.path(QStringLiteral("good.lua"));
    const QByteArray goodText = "function hello(payload) return 'hi ' .. payload end\n";
    QVERIFY(app.write(QStringLiteral("good.lua"), goodText));
    const QString broken = app.path(QStringLiteral("broken.lua"));
    QVERIFY(app.write(QStringLiteral("broken.lua"),
                      "function hello(payload)\n    return 'x' ..\nend\n"));
    QVERIFY2(
        app.open({serverEntry("good", "good.lua"), serverEntry("broken", "broken.lua")}, false),
        qPrintable(window.lastError()));
    ServerHandle *goodServer = window.cluster()->server(QStringLiteral("good"));
    ServerHandle *brokenServer = window.cluster()->server(QStringLiteral("broken"));
    QTRY_COMPARE(goodServer->state(), ServerHandle::State::Running);
    QTRY_COMPARE(brokenServer->state(), ServerHandle::State::Failed);

    // Bug 6: the syntax error at start lands in the editor, marked at its line.
    ScriptEditor *editor = window.scriptEditor();
    QTRY_VERIFY(editor->currentFile().endsWith(QStringLiteral("broken.lua")));
    QTRY_COMPARE(editor->markedLines(broken), QList<int>{3});

    // Bugs 3 and 4: a syntax error in Apply writes nothing, sends nothing, and the status bar
    // says what the editor says.
    QVERIFY(editor->open(good));
    editor->editor(good)->setText(QStringLiteral("function hello(payload)\n  return (\nend\n"));
    QSignalSpy reloads(goodServer, &ServerHandle::scriptReloaded);
    QVERIFY(!editor->apply());
    QCOMPARE(editor->markedLines(good), QList<int>{3});
    QFile onDisk(good);
    QVERIFY(onDisk.open(QIODevice::ReadOnly));
    QCOMPARE(onDisk.readAll(), goodText);
    QCOMPARE(window.statusBar()->currentMessage(), editor->statusText());
    QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Syntax error")));
    QTest::qWait(100);
    QVERIFY(reloads.isEmpty());

    // A fix of the script nobody runs: saved, and both say exactly that.
    QVERIFY(editor->open(broken));
    editor->editor(broken)->setText(
        QStringLiteral("function hello(payload)\n    return 'x'\nend\n"));
    QVERIFY(editor->apply());
    QCOMPARE(editor->statusText(), QStringLiteral("Saved broken.lua; no running server uses it."));
    QCOMPARE(window.statusBar()->currentMessage(), editor->statusText());

    // Ctrl+L is Go to Line in the editor and Show All Logs elsewhere, never ambiguous.
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window)); // focus and shortcuts need it (xcb, WM)
    QAction *allLogs = window.findChild<QAction *>(QStringLiteral("actionShowAllLogs"));
    QVERIFY(allLogs);
    QSignalSpy showAll(allLogs, &QAction::triggered);
    QsciScintilla *text = editor->editor(broken);
    text->setFocus();
    QTRY_VERIFY(text->hasFocus());
    QTest::keyClick(text, Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(editor->findChild<QWidget *>(QStringLiteral("goToLineText"))->isVisible());
    QVERIFY(showAll.isEmpty());
    QWidget *logs = window.findChild<QWidget *>(QStringLiteral("logViewer"));
    QVERIFY(logs);
    QWidget *target = logs->focusProxy() ? logs->focusProxy() : logs;
    target->setFocus();
    QTRY_VERIFY(!editor->isAncestorOf(QApplication::focusWidget()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(showAll.size(), 1);
}

QTEST_MAIN(TestErrorFlow)
#include "tst_errorflow.moc"
