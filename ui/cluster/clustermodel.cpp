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

namespace {

QIcon stateIcon(int state)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(state);
    if (it != cache.end())
        return *it;
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor colour = ClusterModel::stateColor(state);
    painter.setPen(QPen(colour.darker(130), 1));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    painter.end();
    return *cache.insert(state, QIcon(pixmap));
}

QString rateText(double rate)
{
    if (rate <= 0)
        return QStringLiteral("0");
    if (rate < 10)
        return QString::number(rate, 'f', 1);
    return QString::number(qRound64(rate));
}

QString countdown(int seconds)
{
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

ClusterModel::ClusterModel(QObject *parent)
    : QAbstractTableModel(parent), m_ticker(new QTimer(this))
{
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, [this] {
        for (int row = 0; row < m_rows.size(); ++row) {
            if (m_rows[row].revertTimer)
                emitRowChanged(row, LogLevelColumn, LogLevelColumn);
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
    m_cluster = cluster;
    if (m_cluster) {
        const QList<ServerHandle *> servers = m_cluster->servers();
        for (ServerHandle *server : servers)
            addServer(server);
        connect(m_cluster, &Cluster::serverAdded, this, [this](ServerHandle *server) {
            if (rowOf(server) >= 0)
                return;
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            addServer(server);
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

void ClusterModel::addServer(ServerHandle *server)
{
    m_graph.reset();
    Row row;
    row.server = server;
    m_rows.append(row);
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
         now < r.samples.last().msecs))
        r.samples.clear(); // restarted: counters begin again
    r.samples.append({now, stats.messagesIn, stats.messagesOut});
    while (r.samples.size() > 2 && now - r.samples.first().msecs > m_rateWindowMs)
        r.samples.removeFirst();
    const Sample &first = r.samples.first();
    const Sample &last = r.samples.last();
    const qint64 dt = last.msecs - first.msecs;
    if (dt > 0) {
        r.inRate = double(last.in - first.in) * 1000.0 / double(dt);
        r.outRate = double(last.out - first.out) * 1000.0 / double(dt);
    }
    emitRowChanged(row, InRateColumn, ErrorsColumn);
    Q_EMIT totalsChanged();
}

void ClusterModel::onStateChanged(ServerHandle *server)
{
    const int row = rowOf(server);
    if (row < 0)
        return;
    m_graph.reset(); // addresses resolve when a server binds, which may reveal connections
    Row &r = m_rows[row];
    if (server->state() != ServerHandle::State::Running) {
        r.samples.clear();
        r.inRate = 0;
        r.outRate = 0;
    }
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
    const bool any =
        std::any_of(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.revertTimer; });
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

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    const ServerHandle *server = r.server;
    const int state = int(server->state());
    const int revertSeconds = r.revertTimer ? (r.revertTimer->remainingTime() + 999) / 1000 : -1;

    switch (role) {
    case ServerNameRole:
        return server->name();
    case KindRole:
        return int(server->kind());
    case StateRole:
        return state;
    case InRateRole:
        return r.inRate;
    case OutRateRole:
        return r.outRate;
    case ErrorsRole:
        return qulonglong(server->stats().errors);
    case LogLevelRole:
        return int(server->logLevel());
    case FailureRole:
        return server->state() == ServerHandle::State::Failed ? server->errorString() : QString();
    case RevertLevelRole:
        return r.revertTimer ? int(r.revertLevel) : -1;
    case RevertSecondsRole:
        return revertSeconds;
    default:
        break;
    }

    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return server->name();
        case KindColumn:
            return kindName(server->kind());
        case StateColumn:
            return stateText(server);
        case InRateColumn:
            return rateText(r.inRate);
        case OutRateColumn:
            return rateText(r.outRate);
        case ErrorsColumn:
            return QString::number(server->stats().errors);
        case LogLevelColumn:
            if (r.revertTimer)
                return tr("%1 (%2 in %3)")
                    .arg(levelName(server->logLevel()), levelName(r.revertLevel),
                         countdown(qMax(0, revertSeconds)));
            return levelName(server->logLevel());
        default:
            break;
        }
    } else if (role == Qt::EditRole && column == LogLevelColumn) {
        return int(server->logLevel());
    } else if (role == Qt::DecorationRole && column == StateColumn) {
        return stateIcon(state);
    } else if (role == Qt::TextAlignmentRole && column >= InRateColumn && column <= ErrorsColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (column == StateColumn && server->state() == ServerHandle::State::Failed)
            return stateColor(state);
        if (column == ErrorsColumn && server->stats().errors > 0)
            return stateColor(int(ServerHandle::State::Failed));
    } else if (role == Qt::ToolTipRole) {
        if (column == StateColumn && server->state() == ServerHandle::State::Failed)
            return tr("%1 could not start: %2").arg(server->name(), server->errorString());
        if (column == LogLevelColumn && r.revertTimer)
            return tr("Back to %1 in %2")
                .arg(levelName(r.revertLevel), countdown(qMax(0, revertSeconds)));
        if (column >= InRateColumn && column <= ErrorsColumn) {
            const ServerStats s = server->stats();
            QString tip = tr("in %1, out %2, errors %3, malformed %4, dropped %5")
                              .arg(s.messagesIn)
                              .arg(s.messagesOut)
                              .arg(s.errors)
                              .arg(s.malformed)
                              .arg(s.dropped);
            if (traitsOf(server->kind()).hasWorkers)
                tip += tr("\nto workers %1, from workers %2, in flight %3")
                           .arg(s.toWorkers)
                           .arg(s.fromWorkers)
                           .arg(s.inFlight);
            return tip;
        }
        if (column == NameColumn) {
            QStringList lines{tr("%1 (%2)").arg(server->name(), kindName(server->kind()))};
            const auto addresses = server->config().namedAddresses();
            for (const auto &[parameter, address] : addresses) {
                const QString resolved = server->address(parameter);
                lines.append(QStringLiteral("%1: %2").arg(parameter,
                                                          resolved.isEmpty() ? address : resolved));
            }
            return lines.join(QLatin1Char('\n'));
        }
    }
    return {};
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Name");
        case KindColumn:
            return tr("Kind");
        case StateColumn:
            return tr("State");
        case InRateColumn:
            return tr("In/s");
        case OutRateColumn:
            return tr("Out/s");
        case ErrorsColumn:
            return tr("Errors");
        case LogLevelColumn:
            return tr("Log level");
        default:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case InRateColumn:
            return tr("Messages received per second");
        case OutRateColumn:
            return tr("Messages published (workers: sent back) per second");
        case ErrorsColumn:
            return tr("User errors, unknown functions and malformed input since start");
        case LogLevelColumn:
            return tr("Double-click to change the level while the server runs");
        default:
            break;
        }
    }
    return {};
}

Qt::ItemFlags ClusterModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == LogLevelColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

bool ClusterModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        index.column() != LogLevelColumn)
        return false;
    std::optional<LogLevel> level;
    bool isNumber = false;
    const int number = value.toInt(&isNumber);
    if (isNumber && value.typeId() != QMetaType::QString)
        level = parseLevel(QString::number(number));
    else
        level = parseLevel(value.toString());
    if (!level)
        return false;
    return setLogLevel(m_rows[index.row()].server->name(), *level);
}

} // namespace qpalm
