// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QStringList>
#include <QWidget>

#include <atomic>
#include <limits>
#include <memory>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QThread;
class QTimer;
class QToolButton;

namespace qpalm {

class LogModel;
class LogView;
class TracebackView;

// The log panel: live records of all or some servers, filters, follow/pause, traceback pane,
// export. Feed it with appendRecords (e.g. from ServerHandle::recordsLogged).
class LogViewer : public QWidget
{
    Q_OBJECT
public:
    explicit LogViewer(QWidget *parent = nullptr);
    ~LogViewer() override;

    // The parts, for tests and for callers that need more than the slots below.
    LogModel *model() const { return m_model; }
    LogView *view() const { return m_view; }
    TracebackView *tracebackView() const { return m_traceback; }

    // The filter in force (as set by the slots below or the toolbar).
    QStringList serverFilter() const;
    LogLevel minimumLevel() const;
    QString textFilter() const;
    bool isRegexFilter() const;
    bool follow() const;
    bool isPaused() const;
    int capacity() const;
    // Why the current text filter is refused (invalid regex), or empty.
    QString filterError() const;
    // The time range shown: [from, to) in ms since the epoch (unbounded by default).
    qint64 timeFrom() const { return m_timeFrom; }
    qint64 timeTo() const { return m_timeTo; }
    bool wrapLines() const;

    // The filter box is never narrower than this many characters.
    static constexpr int MinimumFilterChars = 16;
    // Set by setRecentTimeRange: the range is the last timeSpan() ms (0: a fixed range). It
    // rolls forward: every rollInterval ms, records that aged out leave (a refilter, in the
    // background over a large store, as any filter; none while paused or while one runs).
    qint64 timeSpan() const { return m_timeSpan; }
    static int rollInterval(qint64 spanMsecs);

    // Named filters (text, regex, case, level, servers, time range), kept in the settings.
    QStringList savedFilterNames() const;
    // Where saved filters are kept: an INI file (tests, portable use); empty: the user's settings.
    void setSettingsPath(const QString &iniPath) { m_settingsPath = iniPath; }

    // Keyboard actions (F8 / Shift+F8 errors, Ctrl+M bookmark, F2 / Shift+F2 bookmarks).
    QAction *nextErrorAction() const { return m_nextError; }
    QAction *previousErrorAction() const { return m_previousError; }
    QAction *toggleBookmarkAction() const { return m_toggleBookmark; }
    QAction *nextBookmarkAction() const { return m_nextBookmark; }
    QAction *previousBookmarkAction() const { return m_previousBookmark; }

    // Writes the rows shown to path (.log, .csv or .jsonl by suffix); false with the reason.
    // Blocks: about 2 s per million rows.
    bool exportTo(const QString &path, QString *errorText = nullptr);
    // True while exportInBackground is writing.
    bool isExporting() const { return m_exportThread != nullptr; }

public Q_SLOTS:
    // Adds records; shown within ~100 ms, in arrival order.
    void appendRecords(const qpalm::LogBatch &records);
    // Shows only these servers; an empty list shows all.
    void setServerFilter(const QStringList &servers);
    // Names offered in the server menu besides those that logged already (e.g. the cluster's).
    void setKnownServers(const QStringList &servers);
    // Hides records below level (a number between two levels picks the next one up).
    void setMinimumLevel(qpalm::LogLevel level);
    // Shows records whose text or traceback contains text (or matches it as a regex).
    void setTextFilter(const QString &text, bool regex = false);
    // Text and regex filters match case when on (off by default).
    void setCaseSensitive(bool caseSensitive);
    // Keeps the newest record in view.
    void setFollow(bool follow);
    // Freezes the rows shown; records keep being stored and appear on resume.
    void setPaused(bool paused);
    // Drops every record shown and stored.
    void clear();
    // Ring size in records (default 1'000'000); the oldest are dropped first.
    void setCapacity(int capacity);
    // Copies the rows shown (cheap) and writes them on a worker thread; see exportFinished.
    void exportInBackground(const QString &path);
    // Asks for a file name and exports the rows shown in the background.
    void exportWithDialog();
    // Shows records logged in [fromMsecs, toMsecs) only; no arguments: any time.
    void setTimeRange(qint64 fromMsecs = std::numeric_limits<qint64>::min(),
                      qint64 toMsecs = std::numeric_limits<qint64>::max());
    // Shows records of the last spanMsecs from now on; a saved filter keeps the span, not the
    // times.
    void setRecentTimeRange(qint64 spanMsecs);
    // Long messages wrap over several lines.
    void setWrapLines(bool wrap);
    // Saves the current filter under name (replacing one of that name).
    void saveFilter(const QString &name);
    // Applies a saved filter; false when there is none of that name.
    bool applySavedFilter(const QString &name);
    void removeSavedFilter(const QString &name);

Q_SIGNALS:
    // GUI thread: the user clicked/activated a traceback line naming a script position.
    void tracebackLineActivated(const QString &file, int line);
    // GUI thread: follow turned on or off (also when the user scrolls away from the end).
    void followChanged(bool follow);
    // GUI thread: pause turned on or off.
    void pausedChanged(bool paused);
    // GUI thread: the text filter became invalid (message) or valid again (empty).
    void filterErrorChanged(const QString &message);
    // GUI thread: a background export ended; errorText says why when ok is false.
    void exportFinished(const QString &path, bool ok, const QString &errorText);

private:
    void createTools();
    void updateTimeButton();
    // Starts or stops the roll timer for the current range.
    void updateRollTimer();
    // Moves a recent range to end now; refilters when a shown record fell out of it.
    void rollTimeRange();
    void updateSavedMenu();
    void askCustomTimeRange();
    void askSaveFilter();
    void applyFilter();
    void updateServerMenu();
    void updateServerButton();
    void updateStatus();
    void showCurrentRecord();
    void activateRow(const QModelIndex &index);

    LogModel *m_model;
    LogView *m_view;
    TracebackView *m_traceback;
    QToolButton *m_serverButton;
    QMenu *m_serverMenu;
    QComboBox *m_levelCombo;
    QLineEdit *m_textEdit;
    QToolButton *m_regexButton;
    QToolButton *m_caseButton;
    QToolButton *m_followButton;
    QToolButton *m_pauseButton;
    QToolButton *m_exportButton;
    QLabel *m_status;
    QLabel *m_error;
    QTimer *m_textDebounce;
    QStringList m_serverFilter;
    QStringList m_knownServers;   // as listed in the menu
    QStringList m_offeredServers; // from setKnownServers
    QProgressBar *m_filterProgress;
    QToolButton *m_cancelFilterButton;
    QToolButton *m_timeButton;
    QMenu *m_timeMenu;
    QTimer *m_rollTimer;
    QToolButton *m_savedButton;
    QMenu *m_savedMenu;
    QToolButton *m_wrapButton;
    QAction *m_nextError;
    QAction *m_previousError;
    QAction *m_toggleBookmark;
    QAction *m_nextBookmark;
    QAction *m_previousBookmark;
    qint64 m_timeFrom = std::numeric_limits<qint64>::min();
    qint64 m_timeTo = std::numeric_limits<qint64>::max();
    qint64 m_timeSpan = 0;
    QString m_settingsPath;
    QThread *m_exportThread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_exportCancel;
};

} // namespace qpalm
