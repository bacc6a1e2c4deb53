// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "logview.h"

#include <QAbstractTableModel>
#include <QByteArrayList>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace qpalm {

class Cluster;
class ReplayRunner;
struct CallReplayResult;
class TracebackView;

// Caught errors (records at ERROR and above) grouped by message and first traceback frame.
class ErrorInboxModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        CountColumn,
        MessageColumn,
        LocationColumn,
        ServersColumn,
        FirstSeenColumn,
        LastSeenColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers for count and times, text otherwise
        CountRole,                   // qint64
        FirstSeenRole,               // qint64 ms since the epoch
        LastSeenRole,                // qint64 ms since the epoch
        FileRole,                    // QString, first frame's file (empty when none)
        LineRole,                    // int, first frame's line (0 when none)
        TextRole,                    // QString, the latest record's text
        TracebackRole,               // QString, the latest record's traceback
        HasMessageRole,              // bool, a failing message is kept for Replay
        MessageSummaryRole,          // QString, that message's fields and payload, for display
        FailedCallRole,              // int (FailedCall), the function that message was given to
    };

    struct Group
    {
        QString message;
        SourceLocation frame;
        qint64 count = 0;
        qint64 firstSeen = 0;
        qint64 lastSeen = 0;
        QStringList servers; // distinct, in order of appearance, at most MaxServersTracked
        LogLevel level = LogLevel::Error; // the highest seen
        LogRecord latest;                 // the most recent occurrence
        // The most recent failing message kept with an occurrence (for Replay), and its server.
        std::shared_ptr<const Message> failedMessage;
        qint64 messagePayloadBytes = 0;
        QString messageServer;
        FailedCall failedCall = FailedCall::Unknown; // the function that message was given to
    };
    static constexpr int MaxServersListed = 8; // shown in the Servers column
    static constexpr int MaxServersTracked = 256;
    static constexpr int DefaultMaxGroups = 10'000;

    explicit ErrorInboxModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const Group &group(int row) const { return m_groups.at(row); }
    // Errors counted in the groups held.
    qint64 errorCount() const { return m_errorCount; }
    int maxGroups() const { return m_maxGroups; }
    // Past this many groups, the least recently seen tenth is dropped.
    void setMaxGroups(int groups);

    // What an error says: a Lua/Python traceback's message line, else the record's first line.
    static QString errorMessage(const LogRecord &record);
    // "function 'a.f', stage 0, cache 'k', payload (5 bytes): hello" (payload shown up to 200).
    static QString describeMessage(const Message &message, qint64 payloadBytes);

public Q_SLOTS:
    // Counts the records at ERROR and above; others are ignored.
    void appendRecords(const qpalm::LogBatch &records);
    void removeGroup(int row);
    void clear();

Q_SIGNALS:
    // GUI thread: groups or counts changed.
    void countsChanged(int groups, qint64 errors);

private:
    static QString keyOf(const QString &message, const SourceLocation &frame);
    void trim();
    void reindex();

    QList<Group> m_groups;
    QHash<QString, int> m_rowByKey;
    qint64 m_errorCount = 0;
    int m_maxGroups = DefaultMaxGroups;
};

// The error inbox: groups sorted by last seen, the latest traceback of the selected one.
class ErrorInbox : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorInbox(QWidget *parent = nullptr);

    ErrorInboxModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    TracebackView *tracebackView() const { return m_traceback; }
    QPushButton *replayButton() const { return m_replayButton; }
    // What the last replay answered (or why it failed), as shown under the traceback.
    QString replayResultText() const;

    // The running cluster replays go to (the app sets it when a cluster opens).
    void setCluster(Cluster *cluster);
    // Selects the group at a source-model row.
    void selectGroup(int row);

public Q_SLOTS:
    // Counts the errors among records (connect to ServerHandle::recordsLogged).
    void appendRecords(const qpalm::LogBatch &records);
    void clear();
    // Replays the selected group's kept message on the current script: a handler or scatter
    // error's message goes in again as a client's; a gather or handle_stream error's input is run
    // through that function inside its server. False (with the reason shown) when it cannot be
    // replayed. See replayFinished.
    bool replaySelected();

Q_SIGNALS:
    // GUI thread: a replay ended; replies as received (a call replay: the payloads it gave), or
    // errorText.
    void replayFinished(bool ok, const QByteArrayList &replies, const QString &errorText);
    // GUI thread: a traceback line or a group's first frame was clicked/activated.
    void tracebackLineActivated(const QString &file, int line);
    // GUI thread: groups or counts changed (for a badge).
    void countsChanged(int groups, qint64 errors);

private:
    void showCurrent();
    // Enables Replay for the current group when it can be replayed; the tooltip says how, or why
    // not (errorinboxreplay.cpp, as are the two below).
    void updateReplayButton();
    void showReplayResult(bool ok, const QByteArrayList &replies, const QString &errorText);
    void showCallReplayResult(const qpalm::CallReplayResult &result);

    ErrorInboxModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    TracebackView *m_traceback;
    QLabel *m_summary;
    QLabel *m_messageInfo;
    QPushButton *m_replayButton;
    QLabel *m_replayResult;
    ReplayRunner *m_replay;
    QPointer<Cluster> m_cluster;
    int m_replayedRow = -1; // source row whose replay result is shown
};

} // namespace qpalm
