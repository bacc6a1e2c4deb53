// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logfilter.h"
#include "logstore.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QFont>
#include <QList>

#include <atomic>
#include <memory>
#include <vector>

class QThread;
class QTimer;

namespace qpalm {

// Table of the records that pass the filter, over a bounded LogStore; appends are batched.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, ServerColumn, LevelColumn, TextColumn, ColumnCount };
    enum Role {
        SerialRole = Qt::UserRole + 1, // quint64, the record's store serial
        LevelRole,                     // int, Python's level number
        MsecsRole,                     // qint64, ms since the epoch
        SequenceRole,                  // quint64, per-server sequence
        ServerRole,                    // QString
        FullTextRole,                  // QString, the whole message
        TracebackRole,                 // QString, empty when none
        HasTracebackRole,              // bool
    };

    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const LogStore &store() const { return m_store; }
    const LogFilter &filter() const { return m_filter; }
    // The reason the last setFilter was refused, or empty.
    QString filterError() const { return m_filterError; }

    // Store serial of a shown row.
    quint64 serialAt(int row) const { return m_index[m_indexBegin + size_t(row)]; }
    // Row showing this serial, or -1 (filtered out, evicted or not yet flushed).
    int rowForSerial(quint64 serial) const;
    // Row of the first shown record with serial >= this one, or rowCount().
    int lowerBoundRow(quint64 serial) const;
    LogRecord recordAt(int row) const { return m_store.record(serialAt(row)); }
    // The first row from `from` on (or back, when not forward) at minimumLevel or above; -1.
    int findRow(int from, bool forward, LogLevel minimumLevel) const;

    qsizetype capacity() const { return m_store.capacity(); }
    bool isPaused() const { return m_paused; }
    // Records received but not yet in the store (waiting for the next flush).
    qsizetype pendingCount() const { return m_pendingCount; }
    int batchInterval() const { return m_batchInterval; }

    // Filters over at least this many held records run on a worker thread (rows and filter()
    // stay as they were until it ends; records arriving meanwhile wait in the queue).
    static constexpr qsizetype DefaultBackgroundThreshold = 400'000;
    void setBackgroundThreshold(qsizetype records) { m_backgroundThreshold = records; }
    bool isFiltering() const { return m_filterThread != nullptr; }
    // The filter being applied in the background (valid while isFiltering()).
    const LogFilter &pendingFilter() const { return m_pendingFilter; }

    // Colours used for a level's rows (invalid = the view's default).
    static QColor levelForeground(LogLevel level);
    static QColor levelBackground(LogLevel level);

public Q_SLOTS:
    // Queues records; they are stored and shown at the next flush (at most batchInterval later).
    void appendRecords(const qpalm::LogBatch &records);
    // Stores and shows what is queued now.
    void flush();
    // Applies a filter (all rows reset); false and filterErrorChanged when it is invalid,
    // in which case the previous filter stays. Over a large store it runs in the background:
    // filterProgress, then filterFinished.
    bool setFilter(const qpalm::LogFilter &filter);
    // Stops a background filter; the previous filter and rows stay (filterFinished(false)).
    void cancelFilter();
    // Keeps the newest records that fit (default 1'000'000).
    void setCapacity(int capacity);
    // Keeps at most this many WARNING+ records pushed out of the ring (default 200'000).
    void setKeptCapacity(int capacity);
    // While paused the store keeps receiving records but no row is added.
    void setPaused(bool paused);
    // Drops every record.
    void clear();
    void setBatchInterval(int msecs);

Q_SIGNALS:
    // GUI thread: a flush added and/or evicted rows (after the row signals).
    void flushed(int rowsInserted, int rowsRemoved);
    // GUI thread: a server name was seen for the first time.
    void serversChanged(const QStringList &servers);
    // GUI thread: setFilter was refused (message) or accepted again (empty).
    void filterErrorChanged(const QString &message);
    // GUI thread: pause state changed.
    void pausedChanged(bool paused);
    // GUI thread: a background filter started (total records to scan).
    void filterStarted(qint64 total);
    // GUI thread, at most every ~100 ms while a background filter runs, and once at its end.
    void filterProgress(qint64 done, qint64 total);
    // GUI thread: a background filter ended; applied is false when it was cancelled.
    void filterFinished(bool applied);

private:
    // Removes the rows of records the store no longer holds (after an append or a resize).
    int dropGoneRows(quint64 oldFirst);
    int indexNewRecords();
    void rebuildIndex();
    void compactIndex();
    void startBackgroundFilter(const LogFilter &filter);
    void finishBackgroundFilter();
    // Cancels a background filter and waits for its thread (before the store changes).
    void stopBackgroundFilter();

    LogStore m_store;
    LogFilter m_filter;
    QString m_filterError;
    std::unique_ptr<LogMatcher> m_matcher;
    std::vector<quint64> m_index; // serials shown, increasing; rows start at m_indexBegin
    size_t m_indexBegin = 0;
    quint64 m_indexedUpTo = 0; // serials below this were considered for the index
    QList<LogBatch> m_pending;
    qsizetype m_pendingCount = 0;
    QTimer *m_flushTimer;
    int m_batchInterval = 100;
    bool m_paused = false;
    qsizetype m_knownServers = 0;
    QFont m_boldFont;

    // Background filtering: the store does not change while m_filterThread runs.
    struct FilterJob;
    qsizetype m_backgroundThreshold = DefaultBackgroundThreshold;
    QThread *m_filterThread = nullptr;
    std::shared_ptr<FilterJob> m_filterJob;
    LogFilter m_pendingFilter;
    QTimer *m_progressTimer = nullptr;
};

} // namespace qpalm
