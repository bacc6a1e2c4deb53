// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QWidget>

class QAction;
class QLabel;
class QMenu;
class QTreeView;

namespace qpalm {

class Cluster;
class ClusterModel;
class ClusterTreeModel;
class ServerHandle;
class WorkerLedgerModel;

// The cluster's servers as a tree (an entry's replicas under it): start/stop, live log level,
// worker replicas, and the current master's worker ledger in a details pane.
class ClusterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ClusterPanel(QWidget *parent = nullptr);
    ~ClusterPanel() override;

    // Shows and steers cluster (not owned; nullptr clears).
    void setCluster(Cluster *cluster);
    Cluster *cluster() const { return m_cluster; }
    ClusterModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    // What the view shows: ClusterModel's servers grouped by entry.
    ClusterTreeModel *treeModel() const { return m_tree; }
    // The details pane's ledger and whose it is (empty while hidden).
    WorkerLedgerModel *ledgerModel() const { return m_ledger; }
    QTreeView *ledgerView() const { return m_ledgerView; }
    QString ledgerServer() const;

    // Names of the selected servers, in tree order (an entry row: all its replicas).
    QStringList selectedServers() const;
    // The server with the focus, or empty.
    QString currentServer() const;
    // Makes name the current and only selected server.
    void selectServer(const QString &name);
    // Makes an entry's row (all its replicas) the current and only selection.
    void selectEntry(const QString &entry);
    // Selects these servers (those that exist) with current as the current one.
    void selectServers(const QStringList &names, const QString &current);
    // Actions shown first in the context menu (start, stop, edit, replicas; owned by the caller).
    void setContextActions(const QList<QAction *> &actions) { m_contextActions = actions; }
    // The durations offered for a temporary log level, in minutes.
    void setTemporaryLevelChoices(const QList<int> &minutes) { m_temporaryMinutes = minutes; }
    // The worker entry name a replica belongs to ("w" for "w-2"; an entry's own name for itself),
    // or empty when name is no replica.
    QString replicaBase(const QString &name) const;
    // The master or hub a worker in the cluster takes its work from (matched by address), or
    // nullptr.
    ServerHandle *masterOf(const ServerHandle *worker) const;
    // The context menu for the current selection (built fresh each time).
    QMenu *createContextMenu(QWidget *parent);

public Q_SLOTS:
    // Starts servers (binding kinds before workers; a worker whose master is down is skipped);
    // false when any did not start. startFinished lists why.
    bool startServers(const QStringList &names);
    // Stops servers (workers first).
    void stopServers(const QStringList &names);
    bool startSelected();
    void stopSelected();
    // Stops the selected servers and starts them again once stopped (workers after masters).
    void restartSelected();
    void restartServers(const QStringList &names);
    // Returns at once; the cluster starts rank by rank (Cluster::startAll), then startFinished
    // lists every server that failed (with its reason) or was not started (and why).
    bool startAll();
    void stopAll();
    // Adds a replica of the selected worker (started when its siblings run); false when none fits.
    bool addReplica();
    // Removes the highest-numbered replica of the selected worker.
    bool removeReplica();
    bool addReplicaOf(const QString &name);
    bool removeReplicaOf(const QString &name);
    // Changes a server's log level now; revertAfterMs > 0 restores the level before after that
    // time.
    bool setLogLevel(const QString &name, qpalm::LogLevel level, int revertAfterMs = 0);
    // Same for every selected server.
    void setSelectedLogLevel(qpalm::LogLevel level, int revertAfterMs = 0);

Q_SIGNALS:
    // GUI thread: the current server changed (empty when none).
    void currentServerChanged(const QString &name);
    // GUI thread: the selection changed.
    void selectionChanged();
    // GUI thread: the user asked to edit a server's settings (double-click outside the level
    // column).
    void editRequested(const QString &name);
    // GUI thread: the user asked to see only this server's log.
    void serverActivated(const QString &name);
    // GUI thread: a worker entry now has count replicas.
    void replicasChanged(const QString &baseName, int count);
    // GUI thread: a start from the panel ended; failures lists "name: reason" (empty: all started).
    void startFinished(const QStringList &failures);

private:
    // Emits startFinished with the reason if server fails its next start.
    void reportFailureOf(ServerHandle *server);
    void showContextMenu(const QPoint &pos);
    // Orders servers as the engine starts them (ClusterGraph::startOrder).
    void sortForStart(QList<ServerHandle *> &servers) const;
    ServerHandle *handle(const QString &name) const;
    void expandNewEntries();
    void updateLedger();

    Cluster *m_cluster = nullptr;
    ClusterModel *m_model = nullptr;
    QTreeView *m_view = nullptr;
    ClusterTreeModel *m_tree = nullptr;
    WorkerLedgerModel *m_ledger = nullptr;
    QTreeView *m_ledgerView = nullptr;
    QLabel *m_ledgerTitle = nullptr;
    QWidget *m_ledgerPane = nullptr;
    QSet<QString> m_seenEntries; // entries expanded once already
    QList<QAction *> m_contextActions;
    QPointer<QObject> m_startWatch; // the running Start All's report
    QList<int> m_temporaryMinutes{1, 5, 15, 60};
};

} // namespace qpalm
