// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scripteditor.h"

#include "linediff.h"
#include "script/lualint.h"
#include "serverfollower.h"
#include "serverhandle.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexerdiff.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

#include <memory>

// Apply (lint, reload, then save) and the diff against what the servers run.
namespace qpalm {

bool ScriptEditor::lintBeforeApply(const QString &path)
{
    QsciScintilla *editor = this->editor(path);
    if (!editor || path.endsWith(QLatin1String(".py"), Qt::CaseInsensitive))
        return true;
    const QString name = QFileInfo(path).fileName();
    const LuaSyntaxError error = lintLua(editor->text().toUtf8(), name);
    if (!error.isError())
        return true;
    clearMarkers(path);
    markError(path, std::max(1, error.line), error.message);
    const QString message =
        error.line > 0
            ? tr("Syntax error in %1 at line %2: %3. Nothing was saved or applied.")
                  .arg(name)
                  .arg(error.line)
                  .arg(error.message)
            : tr("%1 does not compile: %2. Nothing was saved or applied.").arg(name, error.message);
    if (error.line > 0) {
        editor->setCursorPosition(error.line - 1, 0);
        editor->ensureLineVisible(error.line - 1);
    }
    finishApply(path, false, message);
    Q_EMIT scriptApplyFailed(path, error.fullText);
    return false;
}

void ScriptEditor::finishApply(const QString &path, bool ok, const QString &message)
{
    if (ok) {
        m_lastError.clear();
        setStatus(message, false);
    } else {
        fail(message);
    }
    Q_EMIT applyFinished(path, ok, message);
}

bool ScriptEditor::apply(const QString &file)
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    QsciScintilla *editor = this->editor(path);
    if (!editor)
        return fail(path.isEmpty() ? tr("No script is open.")
                                   : tr("%1 is not open.").arg(QDir::toNativeSeparators(path)));
    const QString name = QFileInfo(path).fileName();
    if (m_applying.contains(path))
        return fail(tr("An Apply of %1 is still under way.").arg(name));
    if (!lintBeforeApply(path))
        return false;
    clearMarkers();
    const QList<ServerHandle *> servers = serversForFile(path);
    if (servers.isEmpty()) {
        if (!save(path))
            return false;
        updateServersLabel();
        finishApply(path, true, tr("Saved %1; no running server uses it.").arg(name));
        Q_EMIT scriptApplied(path);
        return true;
    }
    // The servers get the buffer; the file is written only once every one of them took it, so
    // the file on disk never holds a script the servers refused.
    ScriptSource source;
    source.name = name;
    source.content = editor->text().toUtf8();
    source.path = path;
    // Each server swaps between two messages on its own thread; the answers come back queued,
    // so a server busy in a long handler never freezes the editor.
    struct Outcome
    {
        int pending = 0;
        QSet<const ServerHandle *> answered;
        QStringList reloaded;
        QStringList errors;
    };
    auto outcome = std::make_shared<Outcome>();
    outcome->pending = int(servers.size());
    auto *batch = new QObject(this);
    m_applying.insert(path);
    setStatus(tr("Applying %1...").arg(name), false);
    auto finishOne = [this, path, name, outcome, batch, source](const ServerHandle *server) {
        // One answer per server: a stop after its reload, or a late second signal, is ignored.
        if (outcome->pending <= 0 || outcome->answered.contains(server))
            return;
        outcome->answered.insert(server);
        if (--outcome->pending > 0)
            return;
        m_applying.remove(path);
        batch->deleteLater();
        if (!outcome->errors.isEmpty()) {
            QString message = tr("Apply of %1 failed; the old script keeps running and the file is "
                                 "not saved.\n%2")
                                  .arg(name, outcome->errors.join(QLatin1Char('\n')));
            if (!outcome->reloaded.isEmpty())
                message += QLatin1Char('\n') +
                           tr("Reloaded on: %1").arg(outcome->reloaded.join(QStringLiteral(", ")));
            finishApply(path, false, message);
            Q_EMIT scriptApplyFailed(path, outcome->errors.join(QLatin1Char('\n')));
            return;
        }
        if (!writeScript(path, source.content)) {
            finishApply(path, false,
                        tr("Applied %1 to %2, but it could not be saved: %3")
                            .arg(name, outcome->reloaded.join(QStringLiteral(", ")), m_lastError));
            Q_EMIT scriptApplyFailed(path, m_lastError);
            return;
        }
        finishApply(path, true,
                    tr("Applied and saved %1 (running on %2).")
                        .arg(name, outcome->reloaded.join(QStringLiteral(", "))));
        Q_EMIT scriptApplied(path);
    };
    for (ServerHandle *server : servers) {
        const QPointer<ServerHandle> guarded(server);
        connect(server, &ServerHandle::scriptReloaded, batch,
                [outcome, finishOne, guarded, name](const QString &reloadedName) {
                    if (reloadedName != name)
                        return;
                    if (!guarded || outcome->answered.contains(guarded.data()))
                        return;
                    outcome->reloaded.append(guarded->name());
                    finishOne(guarded.data());
                });
        connect(server, &ServerHandle::scriptReloadFailed, batch,
                [this, outcome, finishOne, guarded, path](const QString &reason) {
                    if (!guarded || outcome->answered.contains(guarded.data()))
                        return;
                    const QString error =
                        reason.isEmpty() ? tr("the reload failed without a reason") : reason;
                    outcome->errors.append(tr("%1: %2").arg(guarded->name(), error));
                    addLocations(error, path, true);
                    finishOne(guarded.data());
                });
        // A server that stops or goes away before it answers counts as failed.
        connect(server, &ServerHandle::stopped, batch, [this, outcome, finishOne, guarded] {
            if (!guarded || outcome->answered.contains(guarded.data()))
                return;
            outcome->errors.append(tr("%1: stopped before the reload").arg(guarded->name()));
            finishOne(guarded.data());
        });
    }
    for (ServerHandle *server : servers)
        server->reloadScript(source);
    return true;
}

QByteArray ScriptEditor::runningContent(const QString &file, const QString &serverName) const
{
    const QList<ServerHandle *> servers = serversForFile(file);
    for (const ServerHandle *server : servers) {
        if (serverName.isEmpty() || server->name() == serverName)
            return server->runningScript().content;
    }
    return {};
}

QString ScriptEditor::diffAgainstRunning(const QString &file) const
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    const QsciScintilla *editor = this->editor(path);
    if (!editor)
        return {};
    const QString name = QFileInfo(path).fileName();
    const QString buffer = editor->text();
    // Servers running the same content share one diff.
    QList<QPair<QByteArray, QStringList>> versions;
    const QList<ServerHandle *> servers = serversForFile(path);
    for (const ServerHandle *server : servers) {
        const QByteArray content = server->runningScript().content;
        auto it = std::find_if(versions.begin(), versions.end(),
                               [&content](const auto &v) { return v.first == content; });
        if (it == versions.end())
            versions.append({content, {server->name()}});
        else
            it->second.append(server->name());
    }
    QString out;
    for (const auto &[content, names] : std::as_const(versions)) {
        const QString diff =
            unifiedDiff(QString::fromUtf8(content), buffer,
                        tr("%1 (running on %2)").arg(name, names.join(QStringLiteral(", "))),
                        tr("%1 (editor)").arg(name));
        if (!diff.isEmpty())
            out += diff;
    }
    return out;
}

void ScriptEditor::showDiffAgainstRunning()
{
    const QString path = currentFile();
    if (path.isEmpty())
        return;
    const QString name = QFileInfo(path).fileName();
    if (serversForFile(path).isEmpty()) {
        setStatus(tr("No running server uses %1.").arg(name), false);
        return;
    }
    const QString diff = diffAgainstRunning(path);
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("diffDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1: editor against running").arg(name));
    auto *view = new QsciScintilla(dialog);
    view->setObjectName(QStringLiteral("diffView"));
    auto *lexer = new QsciLexerDiff(view);
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    lexer->setDefaultFont(font);
    lexer->setFont(font);
    view->setLexer(lexer);
    view->setUtf8(true);
    view->setText(diff.isEmpty() ? tr("No difference: the running servers serve this buffer.\n")
                                 : diff);
    view->setReadOnly(true);
    view->setMarginWidth(0, 0);
    view->setMarginWidth(1, 0);
    view->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTH, 1);
    view->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTHTRACKING, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QPushButton *revertButton =
        buttons->addButton(tr("Revert to Running"), QDialogButtonBox::ResetRole);
    revertButton->setEnabled(!diff.isEmpty());
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(revertButton, &QPushButton::clicked, dialog, [this, dialog, path] {
        revertToRunning(path);
        dialog->accept();
    });
    auto *layout = new QVBoxLayout(dialog);
    auto *summary = new QLabel(diff.isEmpty() ? tr("The buffer matches what the servers run.")
                                              : tr("- running version, + the editor's buffer"),
                               dialog);
    layout->addWidget(summary);
    layout->addWidget(view, 1);
    layout->addWidget(buttons);
    dialog->resize(820, 560);
    dialog->show();
}

bool ScriptEditor::revertToRunning(const QString &file, const QString &serverName)
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    QsciScintilla *editor = this->editor(path);
    if (!editor)
        return fail(tr("No script is open."));
    if (serversForFile(path).isEmpty())
        return fail(tr("No running server uses %1.").arg(QFileInfo(path).fileName()));
    const QString running = QString::fromUtf8(runningContent(path, serverName));
    int line = 0;
    int index = 0;
    editor->getCursorPosition(&line, &index);
    // One undoable edit, not a reload: Ctrl+Z brings the buffer back.
    editor->beginUndoAction();
    editor->selectAll();
    editor->replaceSelectedText(running);
    editor->endUndoAction();
    editor->setCursorPosition(std::min(line, editor->lines() - 1), 0);
    setStatus(
        tr("%1 now holds the running version (not saved yet).").arg(QFileInfo(path).fileName()),
        false);
    return true;
}

} // namespace qpalm
