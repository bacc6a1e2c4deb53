// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>

#include <memory>

class QTimer;

namespace qpalm {

class Cluster;
class ClusterGraph;
class ServerHandle;
struct ServerStats;

// One row per server of a cluster: kind, state, message rates, errors and live log level.
class ClusterModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        KindColumn,
        StateColumn,
        UptimeColumn,
        RestartsColumn,
        InRateColumn,
        OutRateColumn,
        BacklogColumn,
        ErrorsColumn,
        ActivityColumn, // a sparkline of the recent out rate (RateHistoryRole)
        LogLevelColumn,
        ColumnCount
    };
    enum Role {
        ServerNameRole = Qt::UserRole + 1, // QString
        KindRole,                          // int (ServerKind)
        StateRole,                         // int (ServerHandle::State)
        InRateRole,                        // double, messages/s
        OutRateRole,                       // double, messages/s
        ErrorsRole,                        // qulonglong
        LogLevelRole,                      // int (LogLevel)
        FailureRole,                       // QString, why the last start failed
        RevertLevelRole,                   // int (LogLevel) the level restored later, or -1
        RevertSecondsRole,                 // int, seconds until the level is restored, or -1
        UptimeRole,                        // qint64, msecs running, or -1 when not running
        RestartsRole,                      // int, starts after the first one
        BacklogRole,                       // qint64, pendingOut + held + in flight (masters)
        RateHistoryRole,                   // QList<double>, out rate per sample, oldest first
        NoteRole,                          // QString, why a stopped server did not start
        HostRole,                          // QString, ServerHandle::hostLabel()
    };

    // Cluster-wide numbers for the status bar; rates leave out workers (their traffic is the
    // master's).
    struct Totals
    {
        int running = 0;
        int total = 0;
        double inRate = 0;
        double outRate = 0;
        quint64 errors = 0;
    };

    explicit ClusterModel(QObject *parent = nullptr);
    ~ClusterModel() override;

    // Shows cluster's servers and follows it; the cluster is not owned (nullptr clears).
    void setCluster(Cluster *cluster);
    Cluster *cluster() const { return m_cluster; }

    ServerHandle *serverAt(int row) const;
    // Row of the server named name, or -1.
    int rowOf(const QString &name) const;
    QStringList serverNames() const;
    // Who talks to whom (engine's ClusterGraph), from the servers' configs with the addresses they
    // bound once running; rebuilt when servers come, go or change state.
    const ClusterGraph &graph() const;
    double inRate(const QString &name) const;
    double outRate(const QString &name) const;
    // Master/hub: results per second from its PUSH/PULL workers (ServerStats::fromPlainWorkers).
    double plainWorkerRate(const QString &name) const;
    Totals totals() const;

    // Sets a server's log level now; with revertAfterMs > 0 the level before is restored after that
    // time.
    bool setLogLevel(const QString &name, qpalm::LogLevel level, int revertAfterMs = 0);
    // Forgets a pending restore of a server's level.
    void cancelRevert(const QString &name);
    bool hasPendingRevert(const QString &name) const;
    // The colour views use for a server state (ServerHandle::State as int).
    static QColor stateColor(int state);
    // "running", "stopped", "failed: reason", ...
    static QString stateText(const ServerHandle *server);

    // Why a server is stopped though asked to start ("not started: its master m failed"); shown
    // in its state until it runs. Empty clears.
    void setNote(const QString &name, const QString &note);
    // "4s", "3:07", "2:03:07", "3d 4h": how uptime reads.
    static QString durationText(qint64 msecs);
    // Rate samples kept per server for the sparkline.
    static constexpr int kHistory = 60;

    // Over how much recent time message rates are averaged.
    void setRateWindow(int msecs) { m_rateWindowMs = msecs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    // GUI thread: running count, rates or errors changed.
    void totalsChanged();
    // GUI thread: a server's start failed with reason.
    void serverFailed(const QString &name, const QString &reason);
    // GUI thread: a temporary log level was restored to level.
    void logLevelReverted(const QString &name, qpalm::LogLevel level);

private:
    struct Sample
    {
        qint64 msecs;
        quint64 in;
        quint64 out;
        quint64 plain; // results from PUSH/PULL workers (master/hub)
    };
    struct Row
    {
        ServerHandle *server = nullptr;
        QList<Sample> samples;
        double inRate = 0;
        double outRate = 0;
        double plainRate = 0;
        QTimer *revertTimer = nullptr;
        LogLevel revertLevel = LogLevel::Info;
        qint64 upSinceMsecs = 0; // when it last became running, 0 when not running
        int runs = 0;            // how many times it became running
        QList<double> history;   // out rate per stats sample
        QString note;
    };

    void addServer(ServerHandle *server, int at = -1);
    void removeServer(ServerHandle *server);
    int rowOf(const ServerHandle *server) const;
    void onStats(ServerHandle *server, const ServerStats &stats);
    void onStateChanged(ServerHandle *server);
    void emitRowChanged(int row, int firstColumn, int lastColumn);
    void revert(const QString &name);
    void updateTicker();

    Cluster *m_cluster = nullptr;
    QList<Row> m_rows;
    QStringList m_order; // every name seen, in row order: a server recreated keeps its place
    mutable std::unique_ptr<ClusterGraph> m_graph; // built on demand
    QTimer *m_ticker = nullptr;
    int m_rateWindowMs = 2500;
};

} // namespace qpalm
