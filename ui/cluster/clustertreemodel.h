// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QStringList>

namespace qpalm {

class ClusterModel;

// ClusterModel's rows as a tree: a worker entry with replicas (ServerConfig::entry/replica) is
// one row with aggregated state and counters, its replicas its children; other servers are
// rows of their own. Selection and expansion follow the servers when rows come and go.
class ClusterTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role {
        EntryRowRole = Qt::UserRole + 100, // bool: the row stands for a whole entry
        ReplicaCountRole,                  // int: replicas under an entry row (1 otherwise)
    };

    explicit ClusterTreeModel(ClusterModel *source, QObject *parent = nullptr);
    ~ClusterTreeModel() override;

    ClusterModel *source() const { return m_source; }
    // The servers an index stands for: one server, or every replica of an entry row.
    QStringList serversAt(const QModelIndex &index) const;
    // The entry an entry row stands for, or empty.
    QString entryAt(const QModelIndex &index) const;
    // The row of a server (a child when it is a replica), or invalid.
    QModelIndex indexOfServer(const QString &name, int column = 0) const;
    // The row of an entry with replicas, or invalid.
    QModelIndex indexOfEntry(const QString &entry, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

private:
    struct Item
    {
        QString entry;     // set: an entry row with the replicas in names
        QStringList names; // one server, or the entry's replicas in table order
    };
    static QList<Item> build(const ClusterModel *source);
    void rebuild();
    void reindex();
    void onSourceChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                         const QList<int> &roles);
    QModelIndex sourceIndex(const QString &name, int column) const;
    QVariant entryData(const Item &item, int column, int role) const;

    ClusterModel *m_source = nullptr;
    QList<Item> m_items;
    QHash<QString, std::pair<int, int>> m_place; // server -> (top row, child row or -1)
};

} // namespace qpalm
