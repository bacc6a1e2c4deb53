// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterpanel.h"

#include "cluster.h"
#include "clusterdelegates.h"
#include "clustergraph.h"
#include "clustermodel.h"
#include "clustertreemodel.h"
#include "serverhandle.h"
#include "servertraits.h"
#include "workerledgermodel.h"

#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPointer>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace qpalm {

namespace {

const QList<LogLevel> kLevels{LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error,
                              LogLevel::Critical};

bool isWorker(const ServerHandle *server)
{
    return server->kind() == ServerKind::Worker;
}

} // namespace

ClusterPanel::ClusterPanel(QWidget *parent)
    : QWidget(parent), m_model(new ClusterModel(this)), m_view(new QTreeView(this))
{
    m_tree = new ClusterTreeModel(m_model, this);
    m_view->setObjectName(QStringLiteral("clusterView"));
    m_view->setModel(m_tree);
    m_view->setRootIsDecorated(true); // an entry's replicas sit under it
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->setItemDelegateForColumn(ClusterModel::LogLevelColumn, new LogLevelDelegate(m_view));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setItemDelegateForColumn(ClusterModel::ActivityColumn, new SparklineDelegate(m_view));
    // Every column as wide as its content: a long level or reason never squeezes the state to
    // "r…" (the view scrolls instead); the sparkline has a fixed width.
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(ClusterModel::ActivityColumn, QHeaderView::Fixed);
    m_view->header()->resizeSection(ClusterModel::ActivityColumn, 72);

    // The details pane: the workers' ledger of the current master (or of a worker's master).
    m_ledger = new WorkerLedgerModel(this);
    m_ledgerView = new QTreeView(this);
    m_ledgerView->setObjectName(QStringLiteral("ledgerView"));
    m_ledgerView->setModel(m_ledger);
    m_ledgerView->setRootIsDecorated(false);
    m_ledgerView->setUniformRowHeights(true);
    m_ledgerView->setAlternatingRowColors(true);
    m_ledgerView->header()->setStretchLastSection(false);
    m_ledgerView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ledgerView->setColumnHidden(WorkerLedgerModel::P50Column, !WorkerLedgerModel::hasLatency());
    m_ledgerView->setColumnHidden(WorkerLedgerModel::P99Column, !WorkerLedgerModel::hasLatency());
    m_ledgerTitle = new QLabel(this);
    m_ledgerTitle->setObjectName(QStringLiteral("ledgerTitle"));
    m_ledgerPane = new QWidget(this);
    auto *paneLayout = new QVBoxLayout(m_ledgerPane);
    paneLayout->setContentsMargins(0, 4, 0, 0);
    paneLayout->addWidget(m_ledgerTitle);
    paneLayout->addWidget(m_ledgerView, 1);
    m_ledgerPane->hide();
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_ledgerPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_view, &QWidget::customContextMenuRequested, this, &ClusterPanel::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ClusterPanel::selectionChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateLedger();
        Q_EMIT currentServerChanged(currentServer());
    });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.column() != ClusterModel::LogLevelColumn)
            Q_EMIT editRequested(m_tree->serversAt(index.siblingAtColumn(0)).value(0));
    });
    // Rows removed under the selection also change it; new entries show their replicas.
    const auto structureChanged = [this] {
        // Once the view has taken the change in.
        QMetaObject::invokeMethod(this, &ClusterPanel::expandNewEntries, Qt::QueuedConnection);
        updateLedger();
        Q_EMIT selectionChanged();
    };
    connect(m_tree, &QAbstractItemModel::layoutChanged, this, structureChanged);
    connect(m_tree, &QAbstractItemModel::modelReset, this, structureChanged);
}

void ClusterPanel::expandNewEntries()
{
    for (int row = 0; row < m_tree->rowCount(); ++row) {
        const QModelIndex index = m_tree->index(row, 0);
        const QString entry = m_tree->entryAt(index);
        if (!entry.isEmpty() && !m_seenEntries.contains(entry)) {
            m_seenEntries.insert(entry); // expanded once; a collapse by the user stays
            m_view->expand(index);
        }
    }
}

QString ClusterPanel::ledgerServer() const
{
    return m_ledger->server() ? m_ledger->server()->name() : QString();
}

void ClusterPanel::updateLedger()
{
    ServerHandle *server = handle(currentServer());
    if (server && !traitsOf(server->kind()).hasWorkers)
        server = masterOf(server);
    if (server && !traitsOf(server->kind()).hasWorkers)
        server = nullptr;
    m_ledger->setServer(server);
    m_ledgerPane->setVisible(server != nullptr);
    if (server)
        m_ledgerTitle->setText(tr("Workers of %1 (reliable path)").arg(server->name()));
}

ClusterPanel::~ClusterPanel() = default;

void ClusterPanel::setCluster(Cluster *cluster)
{
    m_cluster = cluster;
    m_model->setCluster(cluster);
}

ServerHandle *ClusterPanel::handle(const QString &name) const
{
    return m_cluster ? m_cluster->server(name) : nullptr;
}

QStringList ClusterPanel::selectedServers() const
{
    // In tree order; an entry row stands for all its replicas.
    QModelIndexList selected = m_view->selectionModel()->selectedRows();
    const auto key = [](const QModelIndex &i) {
        return i.parent().isValid() ? std::pair(i.parent().row(), i.row() + 1)
                                    : std::pair(i.row(), 0);
    };
    std::sort(selected.begin(), selected.end(),
              [&key](const QModelIndex &a, const QModelIndex &b) { return key(a) < key(b); });
    QStringList names;
    for (const QModelIndex &index : std::as_const(selected)) {
        for (const QString &name : m_tree->serversAt(index)) {
            if (!names.contains(name))
                names.append(name);
        }
    }
    return names;
}

QString ClusterPanel::currentServer() const
{
    // An entry row's current server is its first replica (its entry for Edit and replicas).
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return m_tree->serversAt(current.siblingAtColumn(0)).value(0);
}

void ClusterPanel::selectServer(const QString &name)
{
    const QModelIndex index = m_tree->indexOfServer(name);
    if (!index.isValid()) {
        m_view->selectionModel()->clearSelection();
        return;
    }
    if (index.parent().isValid())
        m_view->expand(index.parent());
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void ClusterPanel::selectEntry(const QString &entry)
{
    const QModelIndex index = m_tree->indexOfEntry(entry);
    if (!index.isValid()) {
        selectServer(entry);
        return;
    }
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void ClusterPanel::selectServers(const QStringList &names, const QString &current)
{
    QItemSelection selection;
    const int last = m_tree->columnCount() - 1;
    for (const QString &name : names) {
        const QModelIndex index = m_tree->indexOfServer(name);
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(last));
    }
    const QModelIndex currentIndex = m_tree->indexOfServer(current);
    if (currentIndex.isValid())
        m_view->selectionModel()->setCurrentIndex(currentIndex, QItemSelectionModel::NoUpdate);
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect |
                                                    QItemSelectionModel::Rows);
}

QString ClusterPanel::replicaBase(const QString &name) const
{
    const ServerHandle *server = handle(name);
    if (!server && m_cluster) // an entry row's name
        return m_cluster->replicas(name).isEmpty() ? QString() : name;
    if (!server || !isWorker(server))
        return {};
    const QString entry =
        server->config().entry.isEmpty() ? server->name() : server->config().entry;
    return m_cluster->replicas(entry).contains(server) ? entry : QString();
}

ServerHandle *ClusterPanel::masterOf(const ServerHandle *worker) const
{
    if (!m_cluster || !isWorker(worker))
        return nullptr;
    return m_cluster->server(m_model->graph().masterOf(worker->name()));
}

void ClusterPanel::sortForStart(QList<ServerHandle *> &servers) const
{
    // The engine's start order: what binds first, then what connects to it.
    const QList<ServerHandle *> order = m_cluster ? m_cluster->startOrder() : servers;
    std::stable_sort(servers.begin(), servers.end(),
                     [&order](const ServerHandle *a, const ServerHandle *b) {
                         return order.indexOf(a) < order.indexOf(b);
                     });
}

bool ClusterPanel::startServers(const QStringList &names)
{
    QList<ServerHandle *> servers;
    for (const QString &name : names) {
        if (ServerHandle *server = handle(name))
            servers.append(server);
    }
    sortForStart(servers);
    QStringList failures;
    for (ServerHandle *server : std::as_const(servers)) {
        const auto state = server->state();
        if (state == ServerHandle::State::Running || state == ServerHandle::State::Starting)
            continue;
        // A worker would wait for its master's cache in vain.
        if (const ServerHandle *master = masterOf(server);
            master && master->state() != ServerHandle::State::Running &&
            master->state() != ServerHandle::State::Starting) {
            failures.append(tr("%1: not started, its master %2 is not running")
                                .arg(server->name(), master->name()));
            continue;
        }
        reportFailureOf(server);
        server->start(); // returns at once; a failure arrives as failed()
    }
    Q_EMIT startFinished(failures);
    return failures.isEmpty();
}

void ClusterPanel::reportFailureOf(ServerHandle *server)
{
    // Starts report later: pass this one's outcome on once, as startFinished.
    auto *watch = new QObject(this);
    connect(server, &ServerHandle::started, watch, &QObject::deleteLater);
    connect(server, &QObject::destroyed, watch, &QObject::deleteLater);
    connect(server, &ServerHandle::failed, watch,
            [this, watch, name = server->name()](const QString &reason) {
                watch->deleteLater();
                Q_EMIT startFinished({tr("%1: %2").arg(name, reason)});
            });
}

void ClusterPanel::stopServers(const QStringList &names)
{
    QList<ServerHandle *> servers;
    for (const QString &name : names) {
        if (ServerHandle *server = handle(name))
            servers.append(server);
    }
    sortForStart(servers);
    for (auto it = servers.crbegin(); it != servers.crend(); ++it)
        (*it)->stop(); // returns at once; stopped() follows
}

bool ClusterPanel::startSelected()
{
    return startServers(selectedServers());
}

void ClusterPanel::stopSelected()
{
    stopServers(selectedServers());
}

bool ClusterPanel::startAll()
{
    if (!m_cluster)
        return false;
    QList<QPointer<ServerHandle>> starting;
    const QList<ServerHandle *> servers = m_cluster->servers();
    for (ServerHandle *server : servers) {
        const auto state = server->state();
        if (state != ServerHandle::State::Running && state != ServerHandle::State::Starting) {
            starting.append(server);
            m_model->setNote(server->name(), {});
        }
    }
    // Once every rank settled and no server is still starting: each server that did not come up
    // says why. A newer Start All replaces this watch.
    delete m_startWatch;
    auto *watch = new QObject(this);
    m_startWatch = watch;
    auto sequenceDone = std::make_shared<bool>(false);
    auto report = [this, watch, starting, sequenceDone] {
        if (!*sequenceDone)
            return;
        for (const QPointer<ServerHandle> &server : starting) {
            if (server && (server->state() == ServerHandle::State::Starting ||
                           server->state() == ServerHandle::State::Stopping))
                return;
        }
        disconnect(watch, nullptr, nullptr, nullptr);
        watch->deleteLater();
        QStringList failed;
        QStringList firstFailed;
        for (const QPointer<ServerHandle> &server : starting) {
            if (server && server->state() == ServerHandle::State::Failed) {
                failed.append(tr("%1: %2").arg(server->name(), server->errorString()));
                firstFailed.append(server->name());
            }
        }
        for (const QPointer<ServerHandle> &server : starting) {
            if (!server || server->state() != ServerHandle::State::Stopped)
                continue;
            const ServerHandle *master = masterOf(server);
            const QString why =
                master && master->state() != ServerHandle::State::Running
                    ? tr("not started: its master %1 is not running").arg(master->name())
                : firstFailed.isEmpty()
                    ? tr("not started")
                    : tr("not started: %1 failed first").arg(firstFailed.join(QLatin1String(", ")));
            m_model->setNote(server->name(), why);
            failed.append(tr("%1: %2").arg(server->name(), why));
        }
        Q_EMIT startFinished(failed);
    };
    connect(m_cluster, &Cluster::allStarted, watch, [sequenceDone, report](bool) {
        *sequenceDone = true;
        report();
    });
    for (const QPointer<ServerHandle> &server : std::as_const(starting))
        connect(server, &ServerHandle::stateChanged, watch, report);
    connect(m_cluster, &QObject::destroyed, watch, &QObject::deleteLater);
    m_cluster->startAll(); // returns at once; rank by rank, each once the one before is up
    return true;
}

void ClusterPanel::restartSelected()
{
    restartServers(selectedServers());
}

void ClusterPanel::restartServers(const QStringList &names)
{
    QList<QPointer<ServerHandle>> servers;
    for (const QString &name : names) {
        if (ServerHandle *server = handle(name))
            servers.append(server);
    }
    if (servers.isEmpty())
        return;
    // Start them again once all of them stopped (a master before its workers, as at start).
    auto *watch = new QObject(this);
    auto check = [this, watch, servers, names] {
        for (const QPointer<ServerHandle> &server : servers) {
            if (server && server->state() != ServerHandle::State::Stopped &&
                server->state() != ServerHandle::State::Failed)
                return;
        }
        watch->deleteLater();
        disconnect(watch, nullptr, nullptr, nullptr);
        QMetaObject::invokeMethod(
            this, [this, names] { startServers(names); }, Qt::QueuedConnection);
    };
    for (const QPointer<ServerHandle> &server : std::as_const(servers))
        connect(server, &ServerHandle::stateChanged, watch, check);
    stopServers(names);
    check();
}

void ClusterPanel::stopAll()
{
    if (!m_cluster)
        return;
    m_cluster->stopAll(); // returns at once; workers stop first
}

bool ClusterPanel::addReplica()
{
    const QString name = currentServer().isEmpty() ? selectedServers().value(0) : currentServer();
    return addReplicaOf(name);
}

bool ClusterPanel::removeReplica()
{
    const QString name = currentServer().isEmpty() ? selectedServers().value(0) : currentServer();
    return removeReplicaOf(name);
}

bool ClusterPanel::addReplicaOf(const QString &name)
{
    const QString base = replicaBase(name);
    if (base.isEmpty())
        return false;
    const QList<ServerHandle *> siblings = m_cluster->replicas(base);
    bool running = std::any_of(siblings.cbegin(), siblings.cend(), [](const ServerHandle *s) {
        return s->state() == ServerHandle::State::Running;
    });
    ServerHandle *added = m_cluster->addReplica(base, running);
    if (!added)
        return false;
    Q_EMIT replicasChanged(base, int(m_cluster->replicas(base).size()));
    if (running)
        reportFailureOf(added);
    return true;
}

bool ClusterPanel::removeReplicaOf(const QString &name)
{
    const QString base = replicaBase(name);
    if (base.isEmpty())
        return false;
    const bool removed = m_cluster->removeReplica(base);
    if (removed)
        Q_EMIT replicasChanged(base, int(m_cluster->replicas(base).size()));
    return removed;
}

bool ClusterPanel::setLogLevel(const QString &name, LogLevel level, int revertAfterMs)
{
    return m_model->setLogLevel(name, level, revertAfterMs);
}

void ClusterPanel::setSelectedLogLevel(LogLevel level, int revertAfterMs)
{
    const QStringList names = selectedServers();
    for (const QString &name : names)
        m_model->setLogLevel(name, level, revertAfterMs);
}

QMenu *ClusterPanel::createContextMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    for (QAction *action : std::as_const(m_contextActions)) {
        if (action)
            menu->addAction(action);
        else
            menu->addSeparator();
    }
    const QStringList names = selectedServers();
    if (names.isEmpty())
        return menu;
    if (!menu->isEmpty())
        menu->addSeparator();

    const ServerHandle *first = handle(names.first());
    QMenu *levels = menu->addMenu(tr("&Log Level"));
    levels->setObjectName(QStringLiteral("logLevelMenu"));
    for (LogLevel level : kLevels) {
        QAction *action = levels->addAction(levelName(level), this,
                                            [this, level] { setSelectedLogLevel(level); });
        action->setCheckable(true);
        action->setChecked(first && first->logLevel() == level);
    }
    QMenu *temporary = menu->addMenu(tr("&Temporary Log Level"));
    temporary->setObjectName(QStringLiteral("temporaryLevelMenu"));
    for (LogLevel level : {LogLevel::Debug, LogLevel::Info}) {
        for (int minutes : std::as_const(m_temporaryMinutes)) {
            QString duration;
            if (minutes == 60)
                duration = tr("1 hour");
            else if (minutes % 60 == 0)
                duration = tr("%1 hours").arg(minutes / 60);
            else
                duration = tr("%1 min").arg(minutes);
            const QString label = tr("%1 for %2").arg(levelName(level), duration);
            temporary->addAction(label, this, [this, level, minutes] {
                setSelectedLogLevel(level, minutes * 60 * 1000);
            });
        }
        temporary->addSeparator();
    }
    const bool pending = std::any_of(names.cbegin(), names.cend(), [this](const QString &n) {
        return m_model->hasPendingRevert(n);
    });
    QAction *cancel = temporary->addAction(tr("Keep Current Level"), this, [this] {
        const QStringList selected = selectedServers();
        for (const QString &n : selected)
            m_model->cancelRevert(n);
    });
    cancel->setEnabled(pending);
    menu->addSeparator();
    menu->addAction(tr("Show Only This Server's &Log"), this,
                    [this] { Q_EMIT serverActivated(currentServer()); });
    return menu;
}

void ClusterPanel::showContextMenu(const QPoint &pos)
{
    QMenu *menu = createContextMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

} // namespace qpalm
