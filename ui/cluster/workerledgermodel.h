// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverstats.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace qpalm {

class ServerHandle;

// What a master or hub knows of each of its reliable-path workers (ServerStats::ledger), one row
// per worker, following the server's stats as they arrive.
class WorkerLedgerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        WorkerColumn,
        StatusColumn,
        InFlightColumn,
        DoneColumn,
        RequeuedColumn,
        DuplicatesColumn,
        CreditColumn,
        LastSeenColumn,
        P50Column, // latency, shown when the engine measures it (WorkerLedger::latencyP50Us)
        P99Column,
        ColumnCount
    };

    explicit WorkerLedgerModel(QObject *parent = nullptr);

    // Follows server's ledger (nullptr clears).
    void setServer(ServerHandle *server);
    ServerHandle *server() const;
    const QList<WorkerLedger> &ledger() const { return m_ledger; }
    // True when this build's WorkerLedger carries latency.
    static bool hasLatency();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void setLedger(QList<WorkerLedger> ledger);

    QPointer<ServerHandle> m_server;
    QList<WorkerLedger> m_ledger;
};

} // namespace qpalm
