// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scripteditor.h"

#include "findbar.h"
#include "serverfollower.h"
#include "serverhandle.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QAction>
#include <QKeyEvent>
#include <QTabWidget>

// The editor's find, go-to-line and diff actions and keys, and what it follows of its servers.
namespace qpalm {

void ScriptEditor::createEditActions()
{
    auto make = [this](QAction *&action, const char *name, const QString &text,
                       const QList<QKeySequence> &keys, const QString &tip, auto slot) {
        action = new QAction(text, this);
        action->setObjectName(QLatin1String(name));
        action->setShortcuts(keys);
        // The editor's keys: the editor's event filter takes them first, so a window shortcut on
        // the same key (Ctrl+L shows all logs) still works outside the editor.
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(keys.isEmpty()
                               ? tip
                               : QStringLiteral("%1 (%2)").arg(
                                     tip, keys.first().toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    make(m_findAction, "findInScript", tr("&Find…"), {QKeySequence(Qt::CTRL | Qt::Key_F)},
         tr("Find in the script"), [this] { m_findBar->showFind(false); });
    make(m_replaceAction, "replaceInScript", tr("R&eplace…"),
         {QKeySequence(Qt::CTRL | Qt::Key_H), QKeySequence(Qt::CTRL | Qt::Key_R)},
         tr("Find and replace in the script"), [this] { m_findBar->showFind(true); });
    make(m_findNextAction, "findNext", tr("Find &Next"), {QKeySequence(Qt::Key_F3)},
         tr("Next match"), [this] { m_findBar->findNext(true); });
    make(m_findPreviousAction, "findPrevious", tr("Find Pre&vious"),
         {QKeySequence(Qt::SHIFT | Qt::Key_F3)}, tr("Previous match"),
         [this] { m_findBar->findNext(false); });
    make(m_goToLineAction, "goToLine", tr("&Go to Line…"), {QKeySequence(Qt::CTRL | Qt::Key_L)},
         tr("Go to a line of the script"), [this] { m_findBar->showGoToLine(); });
    make(m_diffAction, "diffAgainstRunning", tr("&Diff Against Running"), {},
         tr("Compare the buffer with the script the running servers serve"),
         [this] { showDiffAgainstRunning(); });
    m_diffAction->setIconText(tr("Diff"));
    make(m_revertToRunningAction, "revertToRunning", tr("Revert to Ru&nning"), {},
         tr("Replace the buffer with the script the running server serves (undoable)"),
         [this] { revertToRunning(); });
}

bool ScriptEditor::handleEditorKey(QKeyEvent *key, bool press)
{
    const QKeySequence pressed(key->keyCombination());
    for (QAction *action : {m_findAction, m_replaceAction, m_findNextAction, m_findPreviousAction,
                            m_goToLineAction}) {
        if (!action->shortcuts().contains(pressed))
            continue;
        if (press)
            action->trigger();
        return true;
    }
    if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier &&
        m_findBar->isVisible()) {
        if (press)
            m_findBar->hide();
        return true;
    }
    return false;
}

bool ScriptEditor::goToLine(int line)
{
    m_findBar->setEditor(qobject_cast<QsciScintilla *>(m_tabs->currentWidget()));
    return m_findBar->goToLine(line);
}

void ScriptEditor::followServers()
{
    const QList<ServerHandle *> servers = m_servers->servers();
    for (ServerHandle *server : servers)
        connect(server, &ServerHandle::recordsLogged, this, &ScriptEditor::noteRecords,
                Qt::UniqueConnection);
    updateActions();
}

void ScriptEditor::onServerStateChanged(ServerHandle *server)
{
    updateServersLabel();
    updateActions();
    if (!server || server->state() != ServerHandle::State::Failed)
        return;
    // A script that does not load at start: mark its line and show it, as Apply would.
    const QString script = server->config().scriptPath;
    const QString reason = server->errorString();
    if (script.isEmpty() || reason.isEmpty())
        return;
    if (addLocations(reason, script, false) > 0) {
        const QList<int> lines = markedLines(script);
        if (open(script, lines.value(0)))
            setStatus(tr("%1 did not start: %2").arg(server->name(), reason), true);
    }
}

void ScriptEditor::noteRecords(const LogBatch &records)
{
    auto *server = qobject_cast<ServerHandle *>(sender());
    const QString script = server ? server->config().scriptPath : QString();
    for (const LogRecord &record : records) {
        if (record.level >= LogLevel::Error && !record.traceback.isEmpty())
            countRuntimeError(record.text + QLatin1Char('\n') + record.traceback, script);
    }
}

} // namespace qpalm
