// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ScriptEditor's tools: find/replace and go to line by keyboard, lint before Apply, the diff
// against (and revert to) what a live server runs, runtime error counts, a start failure's marker,
// and the Python lexer.
#include "findbar.h"
#include "linediff.h"
#include "script/lualint.h"
#include "scripteditor.h"
#include "scripteditorfixture.h"

#include "handlewait.h"
#include "localserver.h"

#include <QAction>
#include <QDialog>
#include <QLineEdit>
#include <QSignalSpy>

using namespace qpalm;
using namespace editortest;

class TestScriptEditorTools : public QObject, private ScratchFolder
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(scratchIsValid()); }
    void lintUsesLuasParser();
    void lineDiff();
    void findAndReplace();
    void keysOpenTheBars();
    void lintRefusesApplyWithoutWriting();
    void diffAndRevertAgainstRunning();
    void runtimeErrorsAreCounted();
    void syntaxErrorAtStartIsMarked();
    void pythonFilesGetThePythonLexer();
};

void TestScriptEditorTools::lintUsesLuasParser()
{
    QVERIFY(!lintLua("function f(p)\n  return p\nend\n", QStringLiteral("w.lua")).isError());
    const LuaSyntaxError error =
        lintLua("local x = 1\nfunction f(p)\n  return p +\nend\n", QStringLiteral("w.lua"));
    QVERIFY(error.isError());
    QCOMPARE(error.line, 4);
    QVERIFY2(error.message.contains(QLatin1String("near 'end'")), qPrintable(error.message));
    QVERIFY2(error.fullText.startsWith(QLatin1String("w.lua:4:")), qPrintable(error.fullText));
    // Nothing runs: a top-level error() compiles fine.
    QVERIFY(!lintLua("error('not run')\nos.exit(1)\n", QStringLiteral("w.lua")).isError());
    // Binary chunks are refused.
    QVERIFY(lintLua(QByteArray("\x1bLua\x54\x00", 6), QStringLiteral("b.lua")).isError());
}

void TestScriptEditorTools::lineDiff()
{
    QCOMPARE(unifiedDiff(QStringLiteral("a\nb\n"), QStringLiteral("a\nb\n"), QStringLiteral("x"),
                         QStringLiteral("y")),
             QString());
    const QString diff = unifiedDiff(QStringLiteral("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"),
                                     QStringLiteral("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n"),
                                     QStringLiteral("run"), QStringLiteral("buf"), 1);
    QCOMPARE(diff, QStringLiteral("--- run\n+++ buf\n"
                                  "@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n"
                                  "@@ -10,1 +10,2 @@\n 10\n+11\n"));
    // Everything removed: the after side is empty.
    QCOMPARE(
        unifiedDiff(QStringLiteral("a\n"), QString(), QStringLiteral("x"), QStringLiteral("y")),
        QStringLiteral("--- x\n+++ y\n@@ -1,1 +0,0 @@\n-a\n"));
}

void TestScriptEditorTools::findAndReplace()
{
    const QString file = path(QStringLiteral("find.lua"));
    QVERIFY(writeFile(file, "local count = 1\nlocal Counter = 2\nlocal counted = count + 3\n"
                            "return count\n"));
    ScriptEditor editor;
    QVERIFY(editor.open(file));
    QsciScintilla *text = editor.editor(file);
    FindBar *bar = editor.findBar();
    text->setCursorPosition(0, 0);

    // Whole word, case sensitive: "count" on lines 1, 3 (not "counted") and 4; wraps to line 1.
    bar->setPattern(QStringLiteral("count"));
    bar->setOptions(false, true, true, true);
    QVERIFY(bar->findNext());
    QCOMPARE(cursorLine(text), 1);
    QVERIFY(bar->findNext());
    QCOMPARE(cursorLine(text), 3);
    QCOMPARE(text->selectedText(), QStringLiteral("count"));
    QVERIFY(bar->findNext());
    QCOMPARE(cursorLine(text), 4);
    QVERIFY(bar->findNext());
    QCOMPARE(cursorLine(text), 1); // wrapped
    QVERIFY(bar->findNext(false));
    QCOMPARE(cursorLine(text), 4); // backwards, wrapped
    // Without wrap the end is the end.
    bar->setOptions(false, true, true, false);
    QVERIFY(!bar->findNext());
    QVERIFY(bar->statusText().contains(QLatin1String("No match")));
    // Case-insensitive finds "Counter" too.
    bar->setOptions(false, false, false, true);
    text->setCursorPosition(1, 0);
    QVERIFY(bar->findNext());
    QCOMPARE(text->selectedText(), QStringLiteral("Count"));

    // Regex replace all with a group, one undo step.
    bar->setOptions(true, true, false, true);
    bar->setPattern(QStringLiteral("local (\\w+) ="));
    bar->setReplacement(QStringLiteral("local \\1_v ="));
    QCOMPARE(bar->replaceAll(), 3);
    QCOMPARE(text->text(), QStringLiteral("local count_v = 1\nlocal Counter_v = 2\n"
                                          "local counted_v = count + 3\nreturn count\n"));
    QCOMPARE(bar->statusText(), QStringLiteral("3 replaced"));
    text->undo();
    QCOMPARE(text->text().toUtf8(), readFile(file));
    // A pattern that matches empty text replaces nothing rather than looping.
    bar->setPattern(QStringLiteral("x*"));
    QCOMPARE(bar->replaceAll(), 0);
    // Replace one: the selected match, then the next is selected.
    bar->setOptions(false, true, true, true);
    bar->setPattern(QStringLiteral("count"));
    bar->setReplacement(QStringLiteral("n"));
    text->setCursorPosition(0, 0);
    QVERIFY(bar->findNext());
    QVERIFY(bar->replaceCurrent());
    QVERIFY(text->text().startsWith(QLatin1String("local n = 1\n")));
    QCOMPARE(cursorLine(text), 3);
    // An invalid regex says so.
    bar->setOptions(true, true, false, true);
    bar->setPattern(QStringLiteral("(unclosed"));
    QVERIFY(!bar->findNext());
    QVERIFY(bar->statusText().contains(QLatin1String("Invalid")));
}

void TestScriptEditorTools::keysOpenTheBars()
{
    const QString file = path(QStringLiteral("keys.lua"));
    QByteArray lines;
    for (int i = 1; i <= 60; ++i)
        lines += "-- line " + QByteArray::number(i) + (i == 42 ? " needle" : "") + "\n";
    QVERIFY(writeFile(file, lines));
    ScriptEditor editor;
    editor.resize(800, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor)); // focus and shortcuts need it (xcb, WM)
    QVERIFY(editor.open(file));
    QsciScintilla *text = editor.editor(file);
    text->setFocus();
    QTRY_VERIFY(text->hasFocus());
    auto *findText = editor.findChild<QLineEdit *>(QStringLiteral("findText"));
    auto *gotoText = editor.findChild<QLineEdit *>(QStringLiteral("goToLineText"));
    QVERIFY(findText && gotoText);

    // Ctrl+L, a number, Return: the cursor is on that line.
    QTest::keyClick(text, Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(gotoText->isVisible() && gotoText->hasFocus());
    gotoText->selectAll();
    QTest::keyClicks(gotoText, QStringLiteral("17"));
    QTest::keyClick(gotoText, Qt::Key_Return);
    QCOMPARE(cursorLine(text), 17);
    QTRY_VERIFY(text->hasFocus());

    // Ctrl+F, a word, Return finds it; F3 in the editor finds again (wraps), Escape closes.
    QTest::keyClick(text, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(findText->isVisible() && findText->hasFocus());
    QTest::keyClicks(findText, QStringLiteral("needle"));
    QTest::keyClick(findText, Qt::Key_Return);
    QCOMPARE(cursorLine(text), 42);
    text->setCursorPosition(0, 0);
    text->setFocus();
    QTest::keyClick(text, Qt::Key_F3);
    QCOMPARE(cursorLine(text), 42);
    QTest::keyClick(text, Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(cursorLine(text), 42);
    QTest::keyClick(findText, Qt::Key_Escape);
    QTRY_VERIFY(!editor.findBar()->isVisible());

    // Ctrl+H (and Ctrl+R) show the replace row.
    auto *replaceText = editor.findChild<QLineEdit *>(QStringLiteral("replaceText"));
    text->setFocus();
    QTest::keyClick(text, Qt::Key_H, Qt::ControlModifier);
    QTRY_VERIFY(replaceText->isVisible());
    QTest::keyClick(findText, Qt::Key_Escape);
    text->setFocus();
    QTest::keyClick(text, Qt::Key_R, Qt::ControlModifier);
    QTRY_VERIFY(replaceText->isVisible());
    // The actions for the Script menu carry the keys.
    QCOMPARE(editor.goToLineAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_L));
    QVERIFY(editor.replaceAction()->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_R)));
}

void TestScriptEditorTools::lintRefusesApplyWithoutWriting()
{
    const QString file = path(QStringLiteral("broken.lua"));
    const QByteArray good = "function f(p)\n  return p\nend\n";
    QVERIFY(writeFile(file, good));
    ScriptEditor editor;
    QVERIFY(editor.open(file));
    QSignalSpy finished(&editor, &ScriptEditor::applyFinished);
    QSignalSpy applied(&editor, &ScriptEditor::scriptApplied);
    QSignalSpy saved(&editor, &ScriptEditor::fileSaved);
    editor.editor(file)->setText(QStringLiteral("function f(p)\n  return p +\nend\n"));
    QVERIFY(!editor.apply());
    QCOMPARE(readFile(file), good);
    QVERIFY(saved.isEmpty());
    QVERIFY(applied.isEmpty());
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).toBool(), false);
    const QString message = finished.first().at(2).toString();
    QCOMPARE(message, editor.statusText());
    QVERIFY2(message.contains(QLatin1String("line 3")) &&
                 message.contains(QLatin1String("Nothing was saved")),
             qPrintable(message));
    QCOMPARE(editor.markedLines(file), QList<int>{3});
    // The squiggle is on the line, the message under it.
    QsciScintilla *text = editor.editor(file);
    const long lineStart = text->positionFromLineIndex(2, 0);
    QVERIFY(text->SendScintilla(QsciScintillaBase::SCI_INDICATORVALUEAT, 8, lineStart + 1) != 0);
    QVERIFY(text->annotation(2).contains(QLatin1String("near 'end'")));
    QCOMPARE(cursorLine(text), 3);
    editor.resize(760, 300);
    saveShot(&editor, QStringLiteral("editor-lint.png"));

    // Fixed: Apply saves; the message says so, once.
    text->setText(QStringLiteral("function f(p)\n  return p + 1\nend\n"));
    QVERIFY(editor.apply());
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished.last().at(1).toBool(), true);
    QCOMPARE(finished.last().at(2).toString(),
             QStringLiteral("Saved broken.lua; no running server uses it."));
    QCOMPARE(readFile(file), QByteArray("function f(p)\n  return p + 1\nend\n"));
    QVERIFY(editor.markedLines(file).isEmpty());
}

void TestScriptEditorTools::diffAndRevertAgainstRunning()
{
    const QString file = path(QStringLiteral("diffed.lua"));
    const QByteArray v1 = "function hello(p)\n    return 'v1:' .. p\nend\n";
    QVERIFY(writeFile(file, v1));
    LocalServer server(serverConfig(QStringLiteral("diffed"), file));
    QVERIFY2(qpalm::startAndWait(&server, 15000), qPrintable(server.errorString()));
    // The file changes on disk after the start: the server still runs v1.
    QVERIFY(writeFile(file, "function hello(p)\n    return 'disk:' .. p\nend\n"));
    QCOMPARE(server.runningScript().content, v1);

    ScriptEditor editor;
    editor.setServers({&server});
    QVERIFY(editor.open(file));
    QCOMPARE(editor.runningContent(file), v1);
    QVERIFY(editor.diffAction()->isEnabled());
    const QString diff = editor.diffAgainstRunning(file);
    QVERIFY2(diff.contains(QLatin1String("-    return 'v1:' .. p\n+    return 'disk:' .. p\n")),
             qPrintable(diff));
    QVERIFY2(diff.startsWith(QLatin1String("--- diffed.lua (running on diffed)")),
             qPrintable(diff));
    editor.showDiffAgainstRunning();
    auto *dialog = editor.findChild<QDialog *>(QStringLiteral("diffDialog"));
    QVERIFY(dialog && dialog->isVisible());
    auto *view = dialog->findChild<QsciScintilla *>(QStringLiteral("diffView"));
    QVERIFY(view);
    QCOMPARE(view->text(), diff);
    dialog->resize(720, 300);
    saveShot(dialog, QStringLiteral("editor-diff.png"));
    dialog->close();

    // Revert to running: one undoable edit, not saved.
    QVERIFY(editor.revertToRunning(file));
    QCOMPARE(editor.editor(file)->text().toUtf8(), v1);
    QVERIFY(editor.isModified(file));
    QVERIFY(editor.diffAgainstRunning(file).isEmpty());
    editor.editor(file)->undo();
    QVERIFY(editor.editor(file)->text().contains(QLatin1String("disk:")));

    // After an Apply the server runs the buffer, and the diff is empty.
    editor.editor(file)->setText(QStringLiteral("function hello(p)\n    return 'v2:' .. p\nend\n"));
    QSignalSpy applied(&editor, &ScriptEditor::scriptApplied);
    QVERIFY(editor.apply());
    QTRY_COMPARE(applied.size(), 1);
    QCOMPARE(server.runningScript().content, editor.editor(file)->text().toUtf8());
    QVERIFY(editor.diffAgainstRunning(file).isEmpty());
    server.stop();
    QTRY_COMPARE(server.state(), ServerHandle::State::Stopped);
    QVERIFY(!editor.diffAction()->isEnabled());
}

void TestScriptEditorTools::runtimeErrorsAreCounted()
{
    const QString file = path(QStringLiteral("faulty.lua"));
    QVERIFY(writeFile(file, "function ok(p)\n    return p\nend\n"
                            "function fails(p)\n    local t = nil\n    return t.x\nend\n"));
    LocalServer server(serverConfig(QStringLiteral("faulty"), file));
    QVERIFY2(qpalm::startAndWait(&server, 15000), qPrintable(server.errorString()));
    ScriptEditor editor;
    editor.setServers({&server});
    QVERIFY(editor.open(file));

    const std::unique_ptr<Client> client = clientOf(server, 3000);
    QVERIFY(client);
    for (int i = 0; i < 3; ++i)
        (void)client->eval("faulty.fails", "x");
    QTRY_COMPARE_WITH_TIMEOUT(editor.errorCount(file, 6), 3, 5000);
    QCOMPARE(editor.markedLines(file), QList<int>{6});
    const QString note = editor.editor(file)->annotation(5);
    QVERIFY2(note.startsWith(QLatin1String("3 errors")), qPrintable(note));
    server.stop();
}

void TestScriptEditorTools::syntaxErrorAtStartIsMarked()
{
    const QString file = path(QStringLiteral("nostart.lua"));
    QVERIFY(writeFile(file, "function f(p)\n    return p\n\nfunction g(p)\n    return p\nend\n"));
    LocalServer server(serverConfig(QStringLiteral("nostart"), file));
    ScriptEditor editor;
    editor.setServers({&server});
    QVERIFY(editor.openFiles().isEmpty());
    server.start();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), ServerHandle::State::Failed, 10000);
    // The editor opens the script at the line Lua names and marks it.
    QTRY_COMPARE(editor.currentFile(), file);
    QVERIFY2(!editor.markedLines(file).isEmpty(), qPrintable(server.errorString()));
    QCOMPARE(cursorLine(editor.editor(file)), editor.markedLines(file).first());
    QVERIFY2(editor.statusText().contains(QLatin1String("nostart did not start")),
             qPrintable(editor.statusText()));

    // A start that fails for another reason (its port is taken) marks nothing and opens nothing,
    // although the address reads like "file:line:".
    const QString good = path(QStringLiteral("portclash.lua"));
    QVERIFY(writeFile(good, "function f(p)\n    return p\nend\n"));
    LocalServer first(serverConfig(QStringLiteral("first"), good));
    QVERIFY2(qpalm::startAndWait(&first, 15000), qPrintable(first.errorString()));
    ServerConfig clashing = serverConfig(QStringLiteral("clash"), good);
    clashing.dbAddress = first.address(QStringLiteral("db_address"));
    LocalServer clash(clashing);
    editor.setServers({&server, &first, &clash});
    clash.start();
    QTRY_COMPARE_WITH_TIMEOUT(clash.state(), ServerHandle::State::Failed, 10000);
    QVERIFY2(clash.errorString().contains(first.address(QStringLiteral("db_address"))),
             qPrintable(clash.errorString()));
    QTest::qWait(100);
    QCOMPARE(editor.openFiles(), QStringList{file});
    QVERIFY(editor.markedLines(good).isEmpty());
    first.stop();
}

void TestScriptEditorTools::pythonFilesGetThePythonLexer()
{
    const QString py = path(QStringLiteral("peer.py"));
    QVERIFY(writeFile(py, "def f(x):\n    return x\n"));
    const QString lua = path(QStringLiteral("peer.lua"));
    QVERIFY(writeFile(lua, "return 1\n"));
    ScriptEditor editor;
    QVERIFY(editor.open(py));
    QVERIFY(editor.open(lua));
    QCOMPARE(QString::fromLatin1(editor.editor(py)->lexer()->language()), QStringLiteral("Python"));
    QCOMPARE(QString::fromLatin1(editor.editor(lua)->lexer()->language()), QStringLiteral("Lua"));
    // A Python traceback lands on its line.
    QVERIFY(editor.markLocations(QStringLiteral("Traceback (most recent call last):\n"
                                                "  File \"%1\", line 2, in f\n"
                                                "ValueError: bad")
                                     .arg(py)) >= 1);
    QCOMPARE(editor.markedLines(py), QList<int>{2});
}

QTEST_MAIN(TestScriptEditorTools)
#include "tst_scripteditortools.moc"
