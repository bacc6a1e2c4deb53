// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustermodel.h"

#include "cluster.h"
#include "clustergraph.h"
#include "serverhandle.h"
#include "servertraits.h"

#include <QDateTime>
#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QTimer>

#include <algorithm>

namespace qpalm {

ClusterModel::ClusterModel(QObject *parent)
    : QAbstractTableModel(parent), m_ticker(new QTimer(this))
{
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, [this] {
        for (int row = 0; row < m_rows.size(); ++row) {
            if (m_rows[row].revertTimer)
                emitRowChanged(row, LogLevelColumn, LogLevelColumn);
            if (m_rows[row].upSinceMsecs > 0)
                emitRowChanged(row, UptimeColumn, UptimeColumn);
        }
    });
}

ClusterModel::~ClusterModel() = default;

QColor ClusterModel::stateColor(int state)
{
    switch (static_cast<ServerHandle::State>(state)) {
    case ServerHandle::State::Running:
        return QColor(0x2e, 0xa0, 0x43);
    case ServerHandle::State::Starting:
    case ServerHandle::State::Stopping:
        return QColor(0xe0, 0xa0, 0x10);
    case ServerHandle::State::Failed:
        return QColor(0xd0, 0x30, 0x30);
    case ServerHandle::State::Hung:
        return QColor(0xc0, 0x50, 0xc0);
    case ServerHandle::State::Unreachable:
        return QColor(0x60, 0x60, 0xc0);
    case ServerHandle::State::Stopped:
        break;
    }
    return QColor(0x90, 0x90, 0x90);
}

QString ClusterModel::durationText(qint64 msecs)
{
    const qint64 seconds = qMax<qint64>(0, msecs / 1000);
    if (seconds < 60)
        return tr("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (seconds < 86400)
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return tr("%1d %2h").arg(seconds / 86400).arg(seconds / 3600 % 24);
}

void ClusterModel::setNote(const QString &name, const QString &note)
{
    const int row = rowOf(name);
    if (row < 0 || m_rows[row].note == note)
        return;
    m_rows[row].note = note;
    emitRowChanged(row, StateColumn, StateColumn);
}

QString ClusterModel::stateText(const ServerHandle *server)
{
    switch (server->state()) {
    case ServerHandle::State::Running:
        return tr("running");
    case ServerHandle::State::Starting:
        return tr("starting");
    case ServerHandle::State::Stopping:
        return tr("stopping");
    case ServerHandle::State::Failed: {
        const QString reason = server->errorString();
        return reason.isEmpty() ? tr("failed") : tr("failed: %1").arg(reason);
    }
    case ServerHandle::State::Hung:
        return tr("hung");
    case ServerHandle::State::Unreachable:
        return tr("unreachable");
    case ServerHandle::State::Stopped:
        break;
    }
    return tr("stopped");
}

const ClusterGraph &ClusterModel::graph() const
{
    if (!m_graph) {
        QList<ServerConfig> configs;
        for (const Row &row : m_rows)
            configs.append(Cluster::resolvedConfig(row.server));
        m_graph = std::make_unique<ClusterGraph>(configs);
    }
    return *m_graph;
}

void ClusterModel::setCluster(Cluster *cluster)
{
    m_graph.reset();
    beginResetModel();
    if (m_cluster)
        disconnect(m_cluster, nullptr, this, nullptr);
    for (Row &row : m_rows) {
        disconnect(row.server, nullptr, this, nullptr);
        delete row.revertTimer;
    }
    m_rows.clear();
    m_order.clear();
    m_cluster = cluster;
    if (m_cluster) {
        const QList<ServerHandle *> servers = m_cluster->servers();
        for (ServerHandle *server : servers)
            addServer(server);
        connect(m_cluster, &Cluster::serverAdded, this, [this](ServerHandle *server) {
            if (rowOf(server) >= 0)
                return;
            // A server recreated under a known name (Edit Server) goes back to its row.
            int at = int(m_rows.size());
            const qsizetype place = m_order.indexOf(server->name());
            if (place >= 0) {
                at = 0;
                for (const Row &r : std::as_const(m_rows)) {
                    const qsizetype other = m_order.indexOf(r.server->name());
                    if (other >= 0 && other < place)
                        ++at;
                }
            }
            beginInsertRows({}, at, at);
            addServer(server, at);
            endInsertRows();
            Q_EMIT totalsChanged();
        });
        connect(m_cluster, &Cluster::serverAboutToBeRemoved, this, &ClusterModel::removeServer);
        connect(m_cluster, &QObject::destroyed, this, [this] { setCluster(nullptr); });
    }
    endResetModel();
    updateTicker();
    Q_EMIT totalsChanged();
}

void ClusterModel::addServer(ServerHandle *server, int at)
{
    m_graph.reset();
    Row row;
    row.server = server;
    if (server->state() == ServerHandle::State::Running) {
        row.upSinceMsecs = QDateTime::currentMSecsSinceEpoch();
        row.runs = 1;
    }
    if (at < 0 || at > m_rows.size())
        at = int(m_rows.size());
    m_rows.insert(at, row);
    if (!m_order.contains(server->name())) {
        // After the row above it in the known order, so later rows keep theirs too.
        const qsizetype above =
            at > 0 ? m_order.indexOf(m_rows[at - 1].server->name()) : qsizetype(-1);
        m_order.insert(above >= 0 ? above + 1 : (at == 0 ? 0 : m_order.size()), server->name());
    }
    connect(server, &ServerHandle::statsUpdated, this,
            [this, server](const ServerStats &stats) { onStats(server, stats); });
    connect(server, &ServerHandle::stateChanged, this, [this, server] { onStateChanged(server); });
    connect(server, &ServerHandle::logLevelChanged, this, [this, server] {
        const int row = rowOf(server);
        if (row >= 0)
            emitRowChanged(row, LogLevelColumn, LogLevelColumn);
    });
    connect(server, &ServerHandle::failed, this,
            [this, server](const QString &reason) { Q_EMIT serverFailed(server->name(), reason); });
    connect(server, &QObject::destroyed, this, [this, server] { removeServer(server); });
}

void ClusterModel::removeServer(ServerHandle *server)
{
    const int row = rowOf(server);
    if (row < 0)
        return;
    m_graph.reset();
    beginRemoveRows({}, row, row);
    disconnect(server, nullptr, this, nullptr);
    delete m_rows[row].revertTimer;
    m_rows.removeAt(row);
    endRemoveRows();
    updateTicker();
    Q_EMIT totalsChanged();
}

int ClusterModel::rowOf(const ServerHandle *server) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].server == server)
            return row;
    }
    return -1;
}

int ClusterModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].server->name() == name)
            return row;
    }
    return -1;
}

ServerHandle *ClusterModel::serverAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].server : nullptr;
}

QStringList ClusterModel::serverNames() const
{
    QStringList names;
    for (const Row &row : m_rows)
        names.append(row.server->name());
    return names;
}

double ClusterModel::inRate(const QString &name) const
{
    const int row = rowOf(name);
    return row >= 0 ? m_rows[row].inRate : 0;
}

double ClusterModel::outRate(const QString &name) const
{
    const int row = rowOf(name);
    return row >= 0 ? m_rows[row].outRate : 0;
}

double ClusterModel::plainWorkerRate(const QString &name) const
{
    const int row = rowOf(name);
    return row >= 0 ? m_rows[row].plainRate : 0;
}

ClusterModel::Totals ClusterModel::totals() const
{
    Totals totals;
    totals.total = int(m_rows.size());
    for (const Row &row : m_rows) {
        if (row.server->state() == ServerHandle::State::Running)
            ++totals.running;
        totals.errors += row.server->stats().errors;
        if (row.server->kind() != ServerKind::Worker) {
            totals.inRate += row.inRate;
            totals.outRate += row.outRate;
        }
    }
    return totals;
}

void ClusterModel::onStats(ServerHandle *server, const ServerStats &stats)
{
    const int row = rowOf(server);
    if (row < 0)
        return;
    Row &r = m_rows[row];
    const qint64 now =
        stats.msecsSinceEpoch > 0 ? stats.msecsSinceEpoch : QDateTime::currentMSecsSinceEpoch();
    if (!r.samples.isEmpty() &&
        (stats.messagesIn < r.samples.last().in || stats.messagesOut < r.samples.last().out ||
         stats.fromPlainWorkers < r.samples.last().plain || now < r.samples.last().msecs))
        r.samples.clear(); // restarted: counters begin again
    r.samples.append({now, stats.messagesIn, stats.messagesOut, stats.fromPlainWorkers});
    while (r.samples.size() > 2 && now - r.samples.first().msecs > m_rateWindowMs)
        r.samples.removeFirst();
    const Sample &first = r.samples.first();
    const Sample &last = r.samples.last();
    const qint64 dt = last.msecs - first.msecs;
    if (dt > 0) {
        r.inRate = double(last.in - first.in) * 1000.0 / double(dt);
        r.outRate = double(last.out - first.out) * 1000.0 / double(dt);
        r.plainRate = double(last.plain - first.plain) * 1000.0 / double(dt);
    }
    // Workers publish nothing themselves: their activity is what they send back.
    r.history.append(server->kind() == ServerKind::Worker ? qMax(r.outRate, r.inRate) : r.outRate);
    while (r.history.size() > kHistory)
        r.history.removeFirst();
    emitRowChanged(row, UptimeColumn, ActivityColumn);
    Q_EMIT totalsChanged();
}

void ClusterModel::onStateChanged(ServerHandle *server)
{
    const int row = rowOf(server);
    if (row < 0)
        return;
    m_graph.reset(); // addresses resolve when a server binds, which may reveal connections
    Row &r = m_rows[row];
    if (server->state() == ServerHandle::State::Running) {
        if (r.upSinceMsecs == 0) {
            r.upSinceMsecs = QDateTime::currentMSecsSinceEpoch();
            ++r.runs;
        }
        r.note.clear();
    } else if (server->state() == ServerHandle::State::Hung) {
        // still up: a call is stuck
    } else {
        r.upSinceMsecs = 0;
        r.samples.clear();
        r.inRate = 0;
        r.outRate = 0;
        r.plainRate = 0;
    }
    updateTicker();
    emitRowChanged(row, NameColumn, LogLevelColumn);
    Q_EMIT totalsChanged();
}

void ClusterModel::emitRowChanged(int row, int firstColumn, int lastColumn)
{
    Q_EMIT dataChanged(index(row, firstColumn), index(row, lastColumn));
}

bool ClusterModel::setLogLevel(const QString &name, LogLevel level, int revertAfterMs)
{
    const int row = rowOf(name);
    if (row < 0)
        return false;
    Row &r = m_rows[row];
    ServerHandle *server = r.server;
    if (revertAfterMs > 0) {
        if (!r.revertTimer) {
            r.revertLevel =
                server->logLevel(); // keep the first level when stacking temporary changes
            r.revertTimer = new QTimer(this);
            r.revertTimer->setSingleShot(true);
            connect(r.revertTimer, &QTimer::timeout, this, [this, name] { revert(name); });
        }
        r.revertTimer->start(revertAfterMs);
    } else if (r.revertTimer) {
        delete r.revertTimer;
        r.revertTimer = nullptr;
    }
    server->setLogLevel(level);
    emitRowChanged(row, LogLevelColumn, LogLevelColumn);
    updateTicker();
    return true;
}

void ClusterModel::revert(const QString &name)
{
    const int row = rowOf(name);
    if (row < 0 || !m_rows[row].revertTimer)
        return;
    Row &r = m_rows[row];
    r.revertTimer->deleteLater();
    r.revertTimer = nullptr;
    const LogLevel level = r.revertLevel;
    r.server->setLogLevel(level);
    emitRowChanged(row, LogLevelColumn, LogLevelColumn);
    updateTicker();
    Q_EMIT logLevelReverted(name, level);
}

void ClusterModel::cancelRevert(const QString &name)
{
    const int row = rowOf(name);
    if (row < 0 || !m_rows[row].revertTimer)
        return;
    delete m_rows[row].revertTimer;
    m_rows[row].revertTimer = nullptr;
    emitRowChanged(row, LogLevelColumn, LogLevelColumn);
    updateTicker();
}

bool ClusterModel::hasPendingRevert(const QString &name) const
{
    const int row = rowOf(name);
    return row >= 0 && m_rows[row].revertTimer;
}

void ClusterModel::updateTicker()
{
    const bool any = std::any_of(m_rows.cbegin(), m_rows.cend(),
                                 [](const Row &r) { return r.revertTimer || r.upSinceMsecs > 0; });
    if (any && !m_ticker->isActive())
        m_ticker->start();
    else if (!any)
        m_ticker->stop();
}

int ClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

} // namespace qpalm
