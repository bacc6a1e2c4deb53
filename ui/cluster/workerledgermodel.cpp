// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerledgermodel.h"

#include "serverhandle.h"

#include <QColor>
#include <QDateTime>

#include <algorithm>

namespace qpalm {

namespace {

// Latency per worker arrives with a later engine; until then its columns stay empty.
template <typename L> constexpr bool kHasLatency = requires(const L &l)
{
    l.latencyP50Us;
    l.latencyP99Us;
};

template <typename L> qint64 latencyOf(const L &entry, bool p99)
{
    if constexpr (kHasLatency<L>)
        return qint64(p99 ? entry.latencyP99Us : entry.latencyP50Us);
    else
        return -1;
}

QString microsText(qint64 us)
{
    if (us <= 0)
        return {}; // not measured (yet)
    if (us < 1000)
        return WorkerLedgerModel::tr("%1 µs").arg(us);
    if (us < 1000000)
        return WorkerLedgerModel::tr("%1 ms").arg(double(us) / 1000.0, 0, 'f', us < 10000 ? 1 : 0);
    return WorkerLedgerModel::tr("%1 s").arg(double(us) / 1e6, 0, 'f', 2);
}

QString ageText(qint64 lastSeenMsecs)
{
    if (lastSeenMsecs <= 0)
        return WorkerLedgerModel::tr("never");
    const qint64 age = std::max<qint64>(0, QDateTime::currentMSecsSinceEpoch() - lastSeenMsecs);
    if (age < 1000)
        return WorkerLedgerModel::tr("%1 ms ago").arg(age);
    return WorkerLedgerModel::tr("%1 s ago").arg(double(age) / 1000.0, 0, 'f', 1);
}

} // namespace

WorkerLedgerModel::WorkerLedgerModel(QObject *parent) : QAbstractTableModel(parent) {}

ServerHandle *WorkerLedgerModel::server() const
{
    return m_server.data();
}

bool WorkerLedgerModel::hasLatency()
{
    return kHasLatency<WorkerLedger>;
}

void WorkerLedgerModel::setServer(ServerHandle *server)
{
    if (m_server == server)
        return;
    if (m_server)
        disconnect(m_server, nullptr, this, nullptr);
    m_server = server;
    if (m_server) {
        connect(m_server, &ServerHandle::statsUpdated, this,
                [this](const ServerStats &stats) { setLedger(stats.ledger); });
        setLedger(m_server->stats().ledger);
    } else {
        setLedger({});
    }
}

void WorkerLedgerModel::setLedger(QList<WorkerLedger> ledger)
{
    std::sort(ledger.begin(), ledger.end(),
              [](const WorkerLedger &a, const WorkerLedger &b) { return a.worker < b.worker; });
    const bool sameWorkers = std::equal(
        ledger.cbegin(), ledger.cend(), m_ledger.cbegin(), m_ledger.cend(),
        [](const WorkerLedger &a, const WorkerLedger &b) { return a.worker == b.worker; });
    if (!sameWorkers) {
        beginResetModel();
        m_ledger = std::move(ledger);
        endResetModel();
        return;
    }
    m_ledger = std::move(ledger);
    if (!m_ledger.isEmpty()) // last seen ages even when nothing else moved
        Q_EMIT dataChanged(index(0, 0), index(int(m_ledger.size()) - 1, ColumnCount - 1));
}

int WorkerLedgerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ledger.size());
}

int WorkerLedgerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerLedgerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WorkerLedger &e = m_ledger.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case WorkerColumn:
            return e.worker;
        case StatusColumn:
            return e.gone ? tr("gone")
                          : (e.credit == 0 && e.inFlight > 0 ? tr("stuck") : tr("active"));
        case InFlightColumn:
            return QString::number(e.inFlight);
        case DoneColumn:
            return QString::number(e.done);
        case RequeuedColumn:
            return QString::number(e.requeued);
        case DuplicatesColumn:
            return QString::number(e.duplicatesDropped);
        case CreditColumn:
            return QString::number(e.credit);
        case LastSeenColumn:
            return ageText(e.lastSeenMsecs);
        case P50Column:
            return microsText(latencyOf(e, false));
        case P99Column:
            return microsText(latencyOf(e, true));
        default:
            break;
        }
    } else if (role == Qt::TextAlignmentRole && index.column() >= InFlightColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (index.column() == StatusColumn && e.gone)
            return QColor(0xd0, 0x30, 0x30);
        if (index.column() == RequeuedColumn && e.requeued > 0)
            return QColor(0xc0, 0x70, 0x10);
    } else if (role == Qt::ToolTipRole) {
        return tr("%1: %2 in flight, %3 done, %4 requeued, %5 late or repeated results dropped, "
                  "credit %6, last seen %7%8")
            .arg(e.worker)
            .arg(e.inFlight)
            .arg(e.done)
            .arg(e.requeued)
            .arg(e.duplicatesDropped)
            .arg(e.credit)
            .arg(ageText(e.lastSeenMsecs))
            .arg(e.gone ? tr("; given up on") : QString());
    }
    return {};
}

QVariant WorkerLedgerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WorkerColumn:
        return tr("Worker");
    case StatusColumn:
        return tr("Status");
    case InFlightColumn:
        return tr("In flight");
    case DoneColumn:
        return tr("Done");
    case RequeuedColumn:
        return tr("Requeued");
    case DuplicatesColumn:
        return tr("Dup. dropped");
    case CreditColumn:
        return tr("Credit");
    case LastSeenColumn:
        return tr("Last seen");
    case P50Column:
        return tr("p50");
    case P99Column:
        return tr("p99");
    default:
        break;
    }
    return {};
}

} // namespace qpalm
