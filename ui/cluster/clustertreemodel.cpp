// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustertreemodel.h"

#include "clustermodel.h"
#include "serverhandle.h"
#include "servertraits.h"

#include <algorithm>

namespace qpalm {

namespace {

using State = ServerHandle::State;

// Which replica's state an entry row shows: the one that most needs a look.
int severity(State state)
{
    switch (state) {
    case State::Failed:
        return 6;
    case State::Hung:
        return 5;
    case State::Unreachable:
        return 4;
    case State::Starting:
        return 3;
    case State::Stopping:
        return 2;
    case State::Stopped:
        return 1;
    case State::Running:
        break;
    }
    return 0;
}

QString stateWord(State state)
{
    switch (state) {
    case State::Running:
        return ClusterTreeModel::tr("running");
    case State::Starting:
        return ClusterTreeModel::tr("starting");
    case State::Stopping:
        return ClusterTreeModel::tr("stopping");
    case State::Failed:
        return ClusterTreeModel::tr("failed");
    case State::Hung:
        return ClusterTreeModel::tr("hung");
    case State::Unreachable:
        return ClusterTreeModel::tr("unreachable");
    case State::Stopped:
        break;
    }
    return ClusterTreeModel::tr("stopped");
}

QString rateText(double rate)
{
    if (rate <= 0)
        return QStringLiteral("0");
    return rate < 10 ? QString::number(rate, 'f', 1) : QString::number(qRound64(rate));
}

// Columns summed over an entry's replicas (their sums are shown right-aligned as numbers).
bool isSummed(int column)
{
    return column == ClusterModel::RestartsColumn || column == ClusterModel::BacklogColumn ||
           column == ClusterModel::ErrorsColumn || column == ClusterModel::InRateColumn ||
           column == ClusterModel::OutRateColumn;
}

} // namespace

ClusterTreeModel::ClusterTreeModel(ClusterModel *source, QObject *parent)
    : QAbstractItemModel(parent), m_source(source)
{
    m_items = build(m_source);
    reindex();
    connect(m_source, &QAbstractItemModel::dataChanged, this, &ClusterTreeModel::onSourceChanged);
    connect(m_source, &QAbstractItemModel::rowsInserted, this, &ClusterTreeModel::rebuild);
    connect(m_source, &QAbstractItemModel::rowsRemoved, this, &ClusterTreeModel::rebuild);
    connect(m_source, &QAbstractItemModel::rowsMoved, this, &ClusterTreeModel::rebuild);
    connect(m_source, &QAbstractItemModel::layoutChanged, this, &ClusterTreeModel::rebuild);
    connect(m_source, &QAbstractItemModel::modelReset, this, [this] {
        beginResetModel();
        m_items = build(m_source);
        reindex();
        endResetModel();
    });
}

ClusterTreeModel::~ClusterTreeModel() = default;

QList<ClusterTreeModel::Item> ClusterTreeModel::build(const ClusterModel *source)
{
    // An entry is grouped once it has a numbered replica (ServerConfig::replica), in the place
    // of its first server; its replicas keep table order.
    QHash<QString, bool> grouped;
    for (int row = 0; row < source->rowCount(); ++row) {
        const ServerHandle *server = source->serverAt(row);
        const ServerConfig &config = server->config();
        if (traitsOf(config.kind).takesReplicas && !config.entry.isEmpty() && config.replica > 0)
            grouped.insert(config.entry, true);
    }
    QList<Item> items;
    QHash<QString, qsizetype> entryItem;
    for (int row = 0; row < source->rowCount(); ++row) {
        const ServerHandle *server = source->serverAt(row);
        const ServerConfig &config = server->config();
        if (!traitsOf(config.kind).takesReplicas || !grouped.contains(config.entry)) {
            items.append(Item{{}, {server->name()}});
            continue;
        }
        const auto it = entryItem.constFind(config.entry);
        if (it != entryItem.constEnd()) {
            items[*it].names.append(server->name());
            continue;
        }
        entryItem.insert(config.entry, items.size());
        items.append(Item{config.entry, {server->name()}});
    }
    return items;
}

void ClusterTreeModel::reindex()
{
    m_place.clear();
    for (int top = 0; top < m_items.size(); ++top) {
        const Item &item = m_items[top];
        for (int child = 0; child < item.names.size(); ++child)
            m_place.insert(item.names[child], {top, item.entry.isEmpty() ? -1 : child});
    }
}

void ClusterTreeModel::rebuild()
{
    // Persistent indexes (selection, current row, expanded entries) follow their server or
    // entry by name; an entry row that is no longer grouped hands over to its server's row.
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QList<std::pair<QString, QString>> keys; // (entry, server)
    for (const QModelIndex &index : before) {
        const QString entry = entryAt(index);
        keys.append({entry, entry.isEmpty() ? serversAt(index).value(0) : QString()});
    }
    m_items = build(m_source);
    reindex();
    QModelIndexList after;
    for (qsizetype i = 0; i < before.size(); ++i) {
        const int column = before[i].column();
        QModelIndex to;
        if (!keys[i].first.isEmpty()) {
            to = indexOfEntry(keys[i].first, column);
            if (!to.isValid())
                to = indexOfServer(keys[i].first, column);
        } else {
            to = indexOfServer(keys[i].second, column);
        }
        after.append(to);
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

void ClusterTreeModel::onSourceChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                       const QList<int> &roles)
{
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const ServerHandle *server = m_source->serverAt(row);
        if (!server)
            continue;
        const auto it = m_place.constFind(server->name());
        if (it == m_place.constEnd())
            continue;
        const auto [top, child] = *it;
        const QModelIndex parentIndex = child < 0 ? QModelIndex() : index(top, 0);
        const int at = child < 0 ? top : child;
        Q_EMIT dataChanged(index(at, topLeft.column(), parentIndex),
                           index(at, bottomRight.column(), parentIndex), roles);
        if (child >= 0) // the entry row sums its replicas
            Q_EMIT dataChanged(index(top, topLeft.column()), index(top, bottomRight.column()));
    }
}

QStringList ClusterTreeModel::serversAt(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index))
        return {};
    if (index.internalId() == 0) {
        const Item &item = m_items.at(index.row());
        return item.names;
    }
    return {m_items.at(int(index.internalId() - 1)).names.value(index.row())};
}

QString ClusterTreeModel::entryAt(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index) || index.internalId() != 0)
        return {};
    return m_items.at(index.row()).entry;
}

QModelIndex ClusterTreeModel::indexOfServer(const QString &name, int column) const
{
    const auto it = m_place.constFind(name);
    if (it == m_place.constEnd())
        return {};
    const auto [top, child] = *it;
    return child < 0 ? index(top, column) : index(child, column, index(top, 0));
}

QModelIndex ClusterTreeModel::indexOfEntry(const QString &entry, int column) const
{
    for (int top = 0; top < m_items.size(); ++top) {
        if (m_items[top].entry == entry && !entry.isEmpty())
            return index(top, column);
    }
    return {};
}

QModelIndex ClusterTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ClusterModel::ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_items.size() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || parent.row() >= m_items.size())
        return {};
    const Item &item = m_items[parent.row()];
    if (item.entry.isEmpty() || row >= item.names.size())
        return {};
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex ClusterTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int ClusterTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_items.size());
    if (parent.column() != 0 || parent.internalId() != 0)
        return 0;
    const Item &item = m_items.at(parent.row());
    return item.entry.isEmpty() ? 0 : int(item.names.size());
}

int ClusterTreeModel::columnCount(const QModelIndex &) const
{
    return ClusterModel::ColumnCount;
}

bool ClusterTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QModelIndex ClusterTreeModel::sourceIndex(const QString &name, int column) const
{
    const int row = m_source->rowOf(name);
    return row < 0 ? QModelIndex() : m_source->index(row, column);
}

QVariant ClusterTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool entryRow = index.internalId() == 0 && !m_items.at(index.row()).entry.isEmpty();
    if (role == EntryRowRole)
        return entryRow;
    if (!entryRow) {
        if (role == ReplicaCountRole)
            return 1;
        return sourceIndex(serversAt(index).value(0), index.column()).data(role);
    }
    return entryData(m_items.at(index.row()), index.column(), role);
}

QVariant ClusterTreeModel::entryData(const Item &item, int column, int role) const
{
    QList<QModelIndex> rows;
    for (const QString &name : item.names)
        rows.append(sourceIndex(name, column));
    const auto sum = [&rows](int r) {
        double total = 0;
        for (const QModelIndex &i : rows)
            total += i.data(r).toDouble();
        return total;
    };
    // The replica whose state shows: the one that most needs a look.
    QModelIndex worst = rows.value(0);
    for (const QModelIndex &i : rows) {
        if (severity(State(i.data(ClusterModel::StateRole).toInt())) >
            severity(State(worst.data(ClusterModel::StateRole).toInt())))
            worst = i;
    }
    qint64 uptime = -1; // the youngest running replica's
    for (const QModelIndex &i : rows) {
        const qint64 up = i.data(ClusterModel::UptimeRole).toLongLong();
        if (up >= 0 && (uptime < 0 || up < uptime))
            uptime = up;
    }
    int level = rows.value(0).data(ClusterModel::LogLevelRole).toInt();
    for (const QModelIndex &i : rows) {
        if (i.data(ClusterModel::LogLevelRole).toInt() != level)
            level = -1;
    }
    switch (role) {
    case ClusterModel::ServerNameRole:
        return item.entry;
    case ReplicaCountRole:
        return int(item.names.size());
    case ClusterModel::StateRole:
        return worst.data(ClusterModel::StateRole);
    case ClusterModel::InRateRole:
    case ClusterModel::OutRateRole:
        return sum(role);
    case ClusterModel::ErrorsRole:
        return qulonglong(sum(role));
    case ClusterModel::RestartsRole:
        return int(sum(role));
    case ClusterModel::BacklogRole:
        return qint64(sum(role));
    case ClusterModel::UptimeRole:
        return uptime;
    case ClusterModel::LogLevelRole:
        return level;
    case ClusterModel::RevertLevelRole:
    case ClusterModel::RevertSecondsRole:
        return -1;
    case ClusterModel::RateHistoryRole: {
        QList<double> total;
        for (const QModelIndex &i : rows) {
            const QList<double> history = i.data(role).value<QList<double>>();
            if (history.size() > total.size())
                total.insert(0, history.size() - total.size(), 0.0);
            const qsizetype offset = total.size() - history.size(); // newest last
            for (qsizetype k = 0; k < history.size(); ++k)
                total[offset + k] += history[k];
        }
        return QVariant::fromValue(total);
    }
    case ClusterModel::KindRole:
    case ClusterModel::HostRole:
        return rows.value(0).data(role);
    case ClusterModel::FailureRole:
    case ClusterModel::NoteRole:
        return QString();
    case Qt::DisplayRole:
        break;
    case Qt::DecorationRole:
        return column == ClusterModel::StateColumn ? worst.data(role) : QVariant();
    case Qt::ForegroundRole:
        return column == ClusterModel::StateColumn ? worst.data(role) : rows.value(0).data(role);
    case Qt::EditRole:
        return column == ClusterModel::LogLevelColumn && level >= 0 ? QVariant(level) : QVariant();
    case Qt::ToolTipRole: {
        QStringList lines{tr("%1: %n replica(s)", nullptr, int(item.names.size())).arg(item.entry)};
        for (const QModelIndex &i : rows) {
            lines.append(QStringLiteral("%1: %2").arg(
                i.data(ClusterModel::ServerNameRole).toString(),
                m_source->index(i.row(), ClusterModel::StateColumn).data().toString()));
        }
        return lines.join(u'\n');
    }
    default:
        return rows.value(0).data(role); // alignment, font
    }

    switch (column) {
    case ClusterModel::NameColumn:
        return item.entry;
    case ClusterModel::KindColumn:
        return tr("%1 ×%2").arg(rows.value(0).data().toString()).arg(item.names.size());
    case ClusterModel::StateColumn: {
        QList<std::pair<State, int>> counts;
        for (const QModelIndex &i : rows) {
            const State state = State(i.data(ClusterModel::StateRole).toInt());
            auto it = std::find_if(counts.begin(), counts.end(),
                                   [state](const auto &c) { return c.first == state; });
            if (it == counts.end())
                counts.append({state, 1});
            else
                ++it->second;
        }
        if (counts.size() == 1)
            return tr("%1 (%2)").arg(stateWord(counts[0].first)).arg(counts[0].second);
        QStringList parts;
        for (const auto &[state, count] : counts)
            parts.append(tr("%1 %2").arg(count).arg(stateWord(state)));
        return parts.join(QStringLiteral(", "));
    }
    case ClusterModel::UptimeColumn:
        return uptime >= 0 ? ClusterModel::durationText(uptime) : QString();
    case ClusterModel::LogLevelColumn:
        return level >= 0 ? levelName(LogLevel(level)) : tr("mixed");
    case ClusterModel::ActivityColumn:
        return QString();
    default:
        break;
    }
    if (isSummed(column)) {
        if (column == ClusterModel::InRateColumn || column == ClusterModel::OutRateColumn)
            return rateText(sum(column == ClusterModel::InRateColumn ? ClusterModel::InRateRole
                                                                     : ClusterModel::OutRateRole));
        const int r = column == ClusterModel::RestartsColumn  ? ClusterModel::RestartsRole
                      : column == ClusterModel::BacklogColumn ? ClusterModel::BacklogRole
                                                              : ClusterModel::ErrorsRole;
        return QString::number(qint64(sum(r)));
    }
    return {};
}

QVariant ClusterTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_source->headerData(section, orientation, role);
}

Qt::ItemFlags ClusterTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = sourceIndex(serversAt(index).value(0), index.column()).flags();
    if (hasChildren(index.siblingAtColumn(0)))
        flags &= ~Qt::ItemNeverHasChildren; // the source is a table; an entry row is not
    return flags;
}

bool ClusterTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    // An entry row's level goes to every replica.
    bool any = false;
    for (const QString &name : serversAt(index)) {
        const QModelIndex source = sourceIndex(name, index.column());
        any = m_source->setData(source, value, role) || any;
    }
    return any;
}

} // namespace qpalm
