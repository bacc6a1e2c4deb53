// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ScriptEditor: tabs, line navigation, save/revert, error markers, and Apply into a running Lua
// server.
#include "scripteditor.h"
#include "scripteditorfixture.h"
#include "tabnames.h"
#include "tracebacklocation.h"

#include "handlewait.h"
#include "localserver.h"

#include <QSignalSpy>
#include <QTabWidget>

using namespace qpalm;
using namespace editortest;
using namespace Qt::StringLiterals;

class TestScriptEditor : public QObject, private ScratchFolder
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parseLocations_data();
    void parseLocations();
    void openAtLine();
    void openMissingFileFails();
    void modifiedSaveAndRevert();
    void distinctTabNames_data();
    void distinctTabNames();
    void sameNamedTabsShowTheirFolder();
    void markersFollowErrorsAndClearOnEdit();
    void markersWaitForTheFile();
    void openByTracebackName();
    void applyWithoutServerSaves();
    void applyReloadsLiveServer();
};

void TestScriptEditor::initTestCase()
{
    QVERIFY(scratchIsValid());
}

void TestScriptEditor::parseLocations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QList<int>>("lines");

    QTest::newRow("load error") << QStringLiteral(
                                       "/tmp/a/handlers.lua:3: unexpected symbol near 'end'")
                                << QStringList{QStringLiteral("/tmp/a/handlers.lua")}
                                << QList<int>{3};
    QTest::newRow("traceback")
        << QStringLiteral(
               "/s/h.lua:12: boom\nstack traceback:\n\t[C]: in function 'error'\n"
               "\t/s/h.lua:12: in function 'inner'\n\t/s/h.lua:20: in function </s/h.lua:18>\n")
        << QStringList{QStringLiteral("/s/h.lua"), QStringLiteral("/s/h.lua"),
                       QStringLiteral("/s/h.lua")}
        << QList<int>{12, 20, 18};
    QTest::newRow("shortened") << QStringLiteral(
                                      "...ery/long/folder/x.lua:7: attempt to index a nil value")
                               << QStringList{QStringLiteral("...ery/long/folder/x.lua")}
                               << QList<int>{7};
    QTest::newRow("relative in quotes")
        << QStringLiteral("error in 'worker.lua:44'") << QStringList{QStringLiteral("worker.lua")}
        << QList<int>{44};
    QTest::newRow("none") << QStringLiteral("attempt to call a nil value (global 'foo')")
                          << QStringList{} << QList<int>{};
}

void TestScriptEditor::parseLocations()
{
    QFETCH(QString, text);
    QFETCH(QStringList, files);
    QFETCH(QList<int>, lines);
    const auto locations = qpalm::sourceLocations(text);
    QStringList gotFiles;
    QList<int> gotLines;
    for (const auto &location : locations) {
        gotFiles.append(location.file);
        gotLines.append(location.line);
    }
    QCOMPARE(gotFiles, files);
    QCOMPARE(gotLines, lines);
}

void TestScriptEditor::openAtLine()
{
    const QString a = path(QStringLiteral("a.lua"));
    const QString b = path(QStringLiteral("b.lua"));
    QVERIFY(writeFile(a, numberedLines(40)));
    QVERIFY(writeFile(b, numberedLines(5)));
    ScriptEditor editor;
    QSignalSpy current(&editor, &ScriptEditor::currentFileChanged);
    QVERIFY2(editor.open(a, 30), qPrintable(editor.lastError()));
    QCOMPARE(editor.currentFile(), a);
    QCOMPARE(cursorLine(editor.editor(a)), 30);
    QVERIFY(editor.open(b));
    QCOMPARE(editor.openFiles(), (QStringList{a, b}));
    // Opening again focuses the existing tab and moves to the line.
    QVERIFY(editor.open(a, 3));
    QCOMPARE(editor.openFiles().size(), 2);
    QCOMPARE(editor.currentFile(), a);
    QCOMPARE(cursorLine(editor.editor(a)), 3);
    // A path spelled differently is the same file.
    QVERIFY(editor.open(m_dir.path() + QStringLiteral("/./b.lua"), 99));
    QCOMPARE(editor.openFiles().size(), 2);
    QCOMPARE(editor.currentFile(), b);
    QCOMPARE(cursorLine(editor.editor(b)), 5); // clamped to the last line with text
    QVERIFY(current.size() >= 3);
    // Line numbers are shown.
    QVERIFY(editor.editor(a)->marginWidth(0) > 0);
    QVERIFY(editor.editor(a)->lexer());
    QCOMPARE(QString::fromLatin1(editor.editor(a)->lexer()->language()), QStringLiteral("Lua"));
}

void TestScriptEditor::openMissingFileFails()
{
    ScriptEditor editor;
    QVERIFY(!editor.open(path(QStringLiteral("nope.lua"))));
    QVERIFY2(editor.lastError().contains(QLatin1String("nope.lua")),
             qPrintable(editor.lastError()));
    QVERIFY(editor.openFiles().isEmpty());
}

void TestScriptEditor::modifiedSaveAndRevert()
{
    const QString file = path(QStringLiteral("edit.lua"));
    QVERIFY(writeFile(file, "return 1\n"));
    ScriptEditor editor;
    editor.show();
    QVERIFY(editor.open(file));
    auto *tabs = editor.findChild<QTabWidget *>(QStringLiteral("tabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->tabText(0), QStringLiteral("edit.lua"));
    QsciScintilla *sci = editor.editor(file);
    sci->insertAt(QStringLiteral("-- hi\n"), 0, 0);
    QVERIFY(editor.isModified(file));
    QVERIFY(editor.hasUnsavedChanges());
    QCOMPARE(tabs->tabText(0), QStringLiteral("edit.lua*"));

    // Ctrl+S inside the editor saves.
    QSignalSpy saved(&editor, &ScriptEditor::fileSaved);
    sci->setFocus();
    QTest::keyClick(sci, Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(readFile(file), QByteArray("-- hi\nreturn 1\n"));
    QVERIFY(!editor.isModified(file));
    QCOMPARE(tabs->tabText(0), QStringLiteral("edit.lua"));

    // Revert drops edits.
    sci->insertAt(QStringLiteral("garbage "), 1, 0);
    QVERIFY(editor.isModified(file));
    QVERIFY(editor.revert());
    QCOMPARE(sci->text(), QStringLiteral("-- hi\nreturn 1\n"));
    QVERIFY(!editor.isModified(file));
    QVERIFY(!editor.closeFile(path(QStringLiteral("other.lua"))));
    QVERIFY(editor.closeFile(file));
    QVERIFY(editor.openFiles().isEmpty());
}

void TestScriptEditor::distinctTabNames_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("unique") << QStringList{u"/c/a/worker.lua"_s, u"/c/master.lua"_s}
                            << QStringList{u"worker.lua"_s, u"master.lua"_s};
    QTest::newRow("two folders") << QStringList{u"/c/a/worker.lua"_s, u"/c/master.lua"_s,
                                                u"/c/b/worker.lua"_s}
                                 << QStringList{u"a/worker.lua"_s, u"master.lua"_s,
                                                u"b/worker.lua"_s};
    QTest::newRow("shared folder name: one more level where needed")
        << QStringList{u"/p/x/worker.lua"_s, u"/q/x/worker.lua"_s, u"/q/y/worker.lua"_s}
        << QStringList{u"p/x/worker.lua"_s, u"q/x/worker.lua"_s, u"y/worker.lua"_s};
    QTest::newRow("one at the root")
        << QStringList{u"/worker.lua"_s, u"/a/worker.lua"_s}
        << QStringList{QDir::toNativeSeparators(u"/worker.lua"_s), u"a/worker.lua"_s};
}

void TestScriptEditor::distinctTabNames()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, names);
    QStringList expected;
    for (const QString &name : std::as_const(names))
        expected.append(QDir::toNativeSeparators(name));
    QCOMPARE(qpalm::distinctTabNames(files), expected);
}

void TestScriptEditor::sameNamedTabsShowTheirFolder()
{
    // Two clusters' worker.lua open at once (the tryout had two of each script, told apart only
    // by tooltip).
    QDir root(m_dir.path());
    QVERIFY(root.mkpath(u"a"_s) && root.mkpath(u"b"_s) && root.mkpath(u"p/b"_s));
    const QString a = path(u"a/worker.lua"_s);
    const QString b = path(u"b/worker.lua"_s);
    const QString pb = path(u"p/b/worker.lua"_s);
    const QString master = path(u"a/master.lua"_s);
    for (const QString &file : {a, b, pb, master})
        QVERIFY(writeFile(file, "return 1\n"));
    ScriptEditor editor;
    auto *tabs = editor.findChild<QTabWidget *>(u"tabs"_s);
    QVERIFY(tabs);
    auto texts = [tabs] {
        QStringList out;
        for (int i = 0; i < tabs->count(); ++i)
            out.append(QDir::fromNativeSeparators(tabs->tabText(i)));
        return out;
    };
    QVERIFY(editor.open(a));
    QVERIFY(editor.open(master));
    QCOMPARE(texts(), (QStringList{u"worker.lua"_s, u"master.lua"_s}));
    QVERIFY(editor.open(b));
    QCOMPARE(texts(), (QStringList{u"a/worker.lua"_s, u"master.lua"_s, u"b/worker.lua"_s}));
    // The full path stays in the tooltip.
    QCOMPARE(tabs->tabToolTip(2), QDir::toNativeSeparators(b));

    // b/worker.lua twice: both get one more folder; a stays short. Modified keeps its star.
    QVERIFY(editor.open(pb));
    editor.editor(a)->insertAt(u"-- edit\n"_s, 0, 0);
    const QString top = root.dirName();
    QCOMPARE(texts(), (QStringList{u"a/worker.lua*"_s, u"master.lua"_s, top + u"/b/worker.lua"_s,
                                   u"p/b/worker.lua"_s}));

    // Closing one updates the others; the last worker.lua is plain again.
    QVERIFY(editor.closeFile(pb));
    QCOMPARE(texts(), (QStringList{u"a/worker.lua*"_s, u"master.lua"_s, u"b/worker.lua"_s}));
    QVERIFY(editor.closeFile(a, true));
    QCOMPARE(texts(), (QStringList{u"master.lua"_s, u"worker.lua"_s}));
}

void TestScriptEditor::markersFollowErrorsAndClearOnEdit()
{
    const QString file = path(QStringLiteral("marks.lua"));
    QVERIFY(writeFile(file, numberedLines(20)));
    ScriptEditor editor;
    QVERIFY(editor.open(file));
    QCOMPARE(editor.markedLines(file), QList<int>{});

    // A traceback naming the file by its full path.
    const QString traceback =
        file + QStringLiteral(":7: boom\nstack traceback:\n\t[C]: in function 'error'\n\t") + file +
        QStringLiteral(":7: in function 'f'\n\t") + file + QStringLiteral(":15: in function <") +
        file + QStringLiteral(":14>");
    QCOMPARE(editor.markLocations(traceback), 3);
    QCOMPARE(editor.markedLines(file), (QList<int>{7, 14, 15}));
    // Shortened by Lua ("...tail") and unnamed chunks resolve through the fallback file.
    QCOMPARE(editor.markLocations(QStringLiteral("...marks.lua:3: oops"), file), 1);
    QCOMPARE(editor.markedLines(file), QList<int>{3});
    QCOMPARE(editor.markLocations(QStringLiteral("[string \"marks\"]:9: oops"), file), 1);
    QCOMPARE(editor.markedLines(file), QList<int>{9});

    // An edit clears the markers.
    editor.editor(file)->insertAt(QStringLiteral(" "), 0, 0);
    QCOMPARE(editor.markedLines(file), QList<int>{});
}

void TestScriptEditor::markersWaitForTheFile()
{
    const QString file = path(QStringLiteral("later.lua"));
    QVERIFY(writeFile(file, numberedLines(10)));
    ScriptEditor editor;
    editor.markError(file, 4, QStringLiteral("bad"));
    QCOMPARE(editor.markedLines(file), QList<int>{4});
    QVERIFY(editor.open(file, 4));
    QCOMPARE(editor.markedLines(file), QList<int>{4});
    editor.clearMarkers();
    QCOMPARE(editor.markedLines(file), QList<int>{});
}

void TestScriptEditor::openByTracebackName()
{
    QTemporaryDir other;
    QVERIFY(other.isValid());
    const QString served = other.filePath(QStringLiteral("served.lua"));
    QVERIFY(writeFile(served, numberedLines(8)));
    ServerConfig config;
    config.name = QStringLiteral("s");
    config.scriptPath = served;
    LocalServer server(config); // never started: only its script path matters here
    ScriptEditor editor;
    editor.setServers({&server});
    // Lua names a script by its file name, or "...tail" when the path is long.
    QVERIFY2(editor.open(QStringLiteral("served.lua"), 6), qPrintable(editor.lastError()));
    QCOMPARE(editor.currentFile(), served);
    QCOMPARE(cursorLine(editor.editor(served)), 6);
    QVERIFY(editor.closeFile(served));
    QVERIFY(editor.open(QStringLiteral("...rved.lua"), 2));
    QCOMPARE(editor.currentFile(), served);
    QVERIFY(!editor.open(QStringLiteral("unknown.lua")));
    QVERIFY2(editor.lastError().contains(QLatin1String("unknown.lua")),
             qPrintable(editor.lastError()));
}

void TestScriptEditor::applyWithoutServerSaves()
{
    const QString file = path(QStringLiteral("alone.lua"));
    QVERIFY(writeFile(file, "function f(p) return p end\n"));
    ScriptEditor editor;
    QVERIFY(editor.open(file));
    editor.editor(file)->setText(QStringLiteral("function f(p) return p .. p end\n"));
    QSignalSpy applied(&editor, &ScriptEditor::scriptApplied);
    QVERIFY(editor.apply());
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first().first().toString(), file);
    QCOMPARE(readFile(file), QByteArray("function f(p) return p .. p end\n"));
    QVERIFY(editor.serversForFile(file).isEmpty());
}

void TestScriptEditor::applyReloadsLiveServer()
{
    const QString file = path(QStringLiteral("live.lua"));
    QVERIFY(writeFile(file, "function hello(payload)\n    return 'v1:' .. payload\nend\n"
                            "function fails(payload)\n    error('boom')\nend\n"));
    const ServerConfig config = serverConfig(QStringLiteral("live"), file);
    LocalServer server(config);
    QVERIFY2(qpalm::startAndWait(&server, 15000), qPrintable(server.errorString()));
    ServerConfig otherConfig = config;
    otherConfig.name = QStringLiteral("unrelated");
    otherConfig.scriptPath.clear();
    LocalServer other(otherConfig);

    const std::unique_ptr<Client> client = clientOf(server, 5000);
    QVERIFY(client);
    auto call = [&client](const char *function) {
        const auto replies = client->eval(function, "x");
        return replies && replies->size() == 1 ? QByteArray::fromStdString(replies->front())
                                               : QByteArray("<none>");
    };
    QCOMPARE(call("live.hello"), QByteArray("v1:x"));

    ScriptEditor editor;
    editor.setServers({&server, &other});
    QCOMPARE(editor.serversForFile(file), QList<ServerHandle *>{&server});
    QVERIFY(editor.open(file));
    QSignalSpy applied(&editor, &ScriptEditor::scriptApplied);
    QSignalSpy applyFailed(&editor, &ScriptEditor::scriptApplyFailed);

    // A good edit goes live.
    editor.editor(file)->setText(
        QStringLiteral("function hello(payload)\n    return 'v2:' .. payload\nend\n"
                       "function fails(payload)\n    error('boom')\nend\n"));
    QVERIFY2(editor.apply(), qPrintable(editor.lastError()));
    QVERIFY(editor.isApplying() || applied.size() == 1); // answered later, never blocking
    QTRY_COMPARE(applied.size(), 1);
    QVERIFY(!editor.isApplying());
    QVERIFY(applyFailed.isEmpty());
    QCOMPARE(call("live.hello"), QByteArray("v2:x"));

    // A syntax error never leaves the editor: marked at its line, nothing written, nothing sent.
    const QByteArray v2 = readFile(file);
    QSignalSpy finished(&editor, &ScriptEditor::applyFinished);
    QSignalSpy reloaded(&server, &ServerHandle::scriptReloaded);
    QSignalSpy refused(&server, &ServerHandle::scriptReloadFailed);
    editor.editor(file)->setText(
        QStringLiteral("function hello(payload)\n    return 'v3:' ..\nend\n"));
    QVERIFY(!editor.apply());
    QCOMPARE(applyFailed.size(), 1);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).toBool(), false);
    QVERIFY2(editor.markedLines(file) == QList<int>{3}, qPrintable(editor.lastError()));
    QVERIFY2(editor.lastError().contains(QLatin1String("line 3")), qPrintable(editor.lastError()));
    QCOMPARE(readFile(file), v2);
    QTest::qWait(200);
    QVERIFY(reloaded.isEmpty() && refused.isEmpty());
    QCOMPARE(call("live.hello"), QByteArray("v2:x"));

    // A script that compiles but fails as it loads is refused by the server: the old script keeps
    // running, the line is marked, and the file on disk still holds what runs.
    editor.editor(file)->setText(
        QStringLiteral("function hello(payload)\n    return 'v3:' .. payload\nend\n"
                       "error('refused at load')\n"));
    QVERIFY(editor.apply());
    QTRY_COMPARE(applyFailed.size(), 2);
    QCOMPARE(applyFailed.last().at(0).toString(), file);
    const QString error = applyFailed.last().at(1).toString();
    QVERIFY2(!error.isEmpty(), "no error text");
    QVERIFY2(editor.markedLines(file) == QList<int>{4}, qPrintable(error));
    QVERIFY(editor.lastError().contains(QLatin1String("old script keeps running")));
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished.last().at(2).toString(), editor.statusText());
    QCOMPARE(readFile(file), v2);
    QVERIFY(editor.isModified(file));
    QCOMPARE(call("live.hello"), QByteArray("v2:x"));

    // A fix applies, is saved, and clears the markers.
    editor.editor(file)->setText(
        QStringLiteral("function hello(payload)\n    return 'v4:' .. payload\nend\n"
                       "function fails(payload)\n    local t = nil\n    return t.x\nend\n"));
    QVERIFY(editor.markedLines(file).isEmpty());
    QVERIFY2(editor.apply(), qPrintable(editor.lastError()));
    QTRY_COMPARE(applied.size(), 2);
    QCOMPARE(call("live.hello"), QByteArray("v4:x"));
    QCOMPARE(readFile(file), editor.editor(file)->text().toUtf8());
    QVERIFY(!editor.isModified(file));

    // A runtime traceback from the server's log marks the failing line.
    QSignalSpy logged(&server, &ServerHandle::recordsLogged);
    (void)call("live.fails");
    QString traceback;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto &args : std::as_const(logged)) {
                for (const LogRecord &record : args.first().value<LogBatch>()) {
                    if (!record.traceback.isEmpty())
                        traceback = record.text + QLatin1Char('\n') + record.traceback;
                }
            }
            return !traceback.isEmpty();
        }(),
        5000);
    QVERIFY2(editor.markLocations(traceback) >= 1, qPrintable(traceback));
    QVERIFY2(editor.markedLines(file).contains(6), qPrintable(traceback));
    server.stop();
}

QTEST_MAIN(TestScriptEditor)
#include "tst_scripteditor.moc"
