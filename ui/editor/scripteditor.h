// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QWidget>

class QAction;
class QFileSystemWatcher;
class QKeyEvent;
class QLabel;
class QTabWidget;
class QsciScintilla;

#include "logrecord.h"

namespace qpalm {

class Cluster;
class FindBar;
class ServerFollower;
class ServerHandle;

// Tabs of Lua (and Python) scripts: save, revert, find/replace, go to line, and Apply (lint, save,
// hot reload into every running server that uses the file). Load errors and tracebacks put
// markers on the lines they name; runtime errors of the servers are counted per line.
// Files are identified by their absolute (canonical when it exists) path.
class ScriptEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ScriptEditor(QWidget *parent = nullptr);
    ~ScriptEditor() override;

    // Opens file in a tab (or focuses its tab) and, when line > 0, puts the cursor on that 1-based
    // line. A name as Lua writes it ("x.lua", "...dir/x.lua") is matched against open and served
    // scripts. False (reason in lastError) when the file cannot be read.
    bool open(const QString &file, int line = 0);
    // Closes file's tab; a modified file is kept open unless discardChanges is true.
    bool closeFile(const QString &file, bool discardChanges = false);
    QString currentFile() const;
    QStringList openFiles() const;
    bool isModified(const QString &file) const;
    bool hasUnsavedChanges() const;
    // Asks the user about unsaved files (save all / discard / cancel); false when the user cancels.
    bool confirmClose();

    // Writes the file (current one when empty); false with lastError.
    bool save(const QString &file = {});
    bool saveAll();
    // Checks the syntax with Lua's parser, saves, then starts reloading the script into every
    // running server that uses it, without blocking (a server swaps between two messages).
    // scriptApplied or scriptApplyFailed follows; on failure the servers keep the old script, the
    // error is shown and its line marked. A syntax error is marked and nothing is written or sent.
    // False when nothing could be started (syntax error, not saved, or an Apply under way).
    bool apply(const QString &file = {});
    // True while an Apply waits for its servers.
    bool isApplying() const { return !m_applying.isEmpty(); }
    // Reloads the file from disk, dropping edits.
    bool revert(const QString &file = {});
    // The script a running server of file runs (what it was started or last reloaded with);
    // empty when none runs it. serverName picks one server (empty: the first).
    QByteArray runningContent(const QString &file, const QString &serverName = {}) const;
    // A unified diff of the buffer against what each running server of file runs (empty: same).
    QString diffAgainstRunning(const QString &file = {}) const;
    // Shows that diff in a dialog (with a Revert to Running button).
    void showDiffAgainstRunning();
    // Replaces the buffer with what the server runs (an undoable edit; nothing is saved).
    bool revertToRunning(const QString &file = {}, const QString &serverName = {});
    // Moves the cursor of the current tab to the 1-based line.
    bool goToLine(int line);
    FindBar *findBar() const { return m_findBar; }

    // Which servers Apply reloads: those set here (or the cluster's) whose config().scriptPath is
    // the file.
    void setServers(const QList<ServerHandle *> &servers);
    void setCluster(Cluster *cluster);
    // Running servers that use file.
    QList<ServerHandle *> serversForFile(const QString &file) const;

    // Replaces every marker with the locations named in an error or traceback text; an unnamed
    // "...:N:" line goes to fallbackFile. Files not open yet get their markers when opened. Returns
    // markers placed.
    int markLocations(const QString &text, const QString &fallbackFile = {});
    // Adds one marker (with message as an annotation under the line).
    void markError(const QString &file, int line, const QString &message = {});
    // Counts a runtime error at its line (marker + "N errors" annotation); cleared by an edit of
    // the line's file or an Apply. Returns the line's count (0: no location found).
    int countRuntimeError(const QString &text, const QString &fallbackFile = {});
    // Runtime errors counted at a 1-based line of file.
    int errorCount(const QString &file, int line) const;
    // Removes markers of file (all files when empty).
    void clearMarkers(const QString &file = {});
    // 1-based lines of file that carry an error marker.
    QList<int> markedLines(const QString &file) const;

    // The editor of an open file, or nullptr.
    QsciScintilla *editor(const QString &file) const;
    // For menus and toolbars; they act on the current tab.
    QAction *saveAction() const { return m_saveAction; }
    QAction *applyAction() const { return m_applyAction; }
    QAction *revertAction() const { return m_revertAction; }
    QAction *findAction() const { return m_findAction; }
    QAction *replaceAction() const { return m_replaceAction; }
    QAction *findNextAction() const { return m_findNextAction; }
    QAction *findPreviousAction() const { return m_findPreviousAction; }
    QAction *goToLineAction() const { return m_goToLineAction; }
    QAction *diffAction() const { return m_diffAction; }
    QAction *revertToRunningAction() const { return m_revertToRunningAction; }
    // The editor's last outcome message (what its status line shows).
    QString statusText() const;
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // GUI thread: every running server that uses file now runs the saved script (or none uses it).
    void scriptApplied(const QString &file);
    // GUI thread: a reload failed; the servers kept the old script.
    void scriptApplyFailed(const QString &file, const QString &error);
    // GUI thread: file was written.
    void fileSaved(const QString &file);
    // GUI thread: an Apply ended (ok or not) with message, the one text to show for it.
    void applyFinished(const QString &file, bool ok, const QString &message);
    // GUI thread: the current tab changed (empty when no tab is left).
    void currentFileChanged(const QString &file);

public Q_SLOTS:
    // Counts the runtime errors (records with a traceback) of a server's log.
    void noteRecords(const qpalm::LogBatch &records);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Mark
    {
        int line;
        QString message;
        int count = 0; // runtime errors seen at the line (0: a load or lint error)
    };
    static QString normalized(const QString &file);
    QsciScintilla *createEditor(const QString &file);
    static void defineMargins(QsciScintilla *editor);
    int indexOf(const QString &file) const;
    QString fileOf(const QsciScintilla *editor) const;
    QString resolve(const QString &file, const QString &fallbackFile) const;
    bool load(QsciScintilla *editor, const QString &file);
    void renderMarks(QsciScintilla *editor, const QString &file);
    void updateTabTitles();
    void updateServersLabel();
    void updateActions();
    void setStatus(const QString &text, bool isError);
    void onFileChangedOnDisk(const QString &file);
    bool fail(const QString &error);
    bool writeScript(const QString &path, const QByteArray &bytes);
    void createEditActions();
    bool handleEditorKey(QKeyEvent *key, bool press);
    bool lintBeforeApply(const QString &path);
    // Marks the locations text names; bareLines: also a bare ":N:" as a line of fallbackFile.
    int addLocations(const QString &text, const QString &fallbackFile, bool bareLines);
    void followServers();
    void onServerStateChanged(ServerHandle *server);
    void finishApply(const QString &path, bool ok, const QString &message);

    QTabWidget *m_tabs = nullptr;
    QLabel *m_serversLabel = nullptr;
    QLabel *m_status = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_applyAction = nullptr;
    QSet<QString> m_applying; // files whose Apply waits for servers
    QAction *m_revertAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_replaceAction = nullptr;
    QAction *m_findNextAction = nullptr;
    QAction *m_findPreviousAction = nullptr;
    QAction *m_goToLineAction = nullptr;
    QAction *m_diffAction = nullptr;
    QAction *m_revertToRunningAction = nullptr;
    FindBar *m_findBar = nullptr;
    QFileSystemWatcher *m_watcher = nullptr;
    QHash<QsciScintilla *, QString> m_files;
    QHash<QString, QList<Mark>> m_marks;
    ServerFollower *m_servers = nullptr;
    QString m_lastError;
    bool m_loading = false;
    int m_errorStyle = -1;
};

} // namespace qpalm
