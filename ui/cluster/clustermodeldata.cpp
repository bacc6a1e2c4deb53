// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustermodel.h"

#include "serverhandle.h"
#include "servertraits.h"

#include <QDateTime>
#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QTimer>

// What the cluster model shows: cell texts, tool tips, headers, the editable level.
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

qint64 backlogOf(const ServerHandle *server)
{
    const ServerStats s = server->stats();
    qint64 backlog = qint64(s.pendingOut) + s.heldForSubscriber;
    if (traitsOf(server->kind()).hasWorkers)
        backlog += qMax<qint64>(0, s.inFlight);
    return backlog;
}

QString countdown(int seconds)
{
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

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
    case UptimeRole:
        return r.upSinceMsecs > 0 ? QDateTime::currentMSecsSinceEpoch() - r.upSinceMsecs
                                  : qint64(-1);
    case RestartsRole:
        return qMax(0, r.runs - 1);
    case BacklogRole:
        return backlogOf(server);
    case RateHistoryRole:
        return QVariant::fromValue(r.history);
    case NoteRole:
        return r.note;
    case HostRole:
        return server->hostLabel();
    default:
        break;
    }

    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return server->name();
        case KindColumn:
            return server->hostLabel().isEmpty()
                       ? kindName(server->kind())
                       : tr("%1 @ %2").arg(kindName(server->kind()), server->hostLabel());
        case StateColumn: {
            QString text = stateText(server);
            if (server->state() == ServerHandle::State::Stopped && !r.note.isEmpty())
                text = tr("stopped (%1)").arg(r.note);
            // The whole reason is in the tool tip; the column stays readable.
            constexpr int kMaxState = 60;
            return text.size() > kMaxState ? text.left(kMaxState - 1) + QStringLiteral("…") : text;
        }
        case UptimeColumn:
            return r.upSinceMsecs > 0
                       ? durationText(QDateTime::currentMSecsSinceEpoch() - r.upSinceMsecs)
                       : QString();
        case RestartsColumn:
            return QString::number(qMax(0, r.runs - 1));
        case BacklogColumn:
            return QString::number(backlogOf(server));
        case InRateColumn:
        case OutRateColumn:
            if (server->stats().countersUnknown)
                return QStringLiteral("\u2014"); // not counted (an external process)
            return rateText(column == InRateColumn ? r.inRate : r.outRate);
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
    } else if (role == Qt::TextAlignmentRole && column >= UptimeColumn && column <= ErrorsColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (column == StateColumn && server->state() == ServerHandle::State::Failed)
            return stateColor(state);
        if (column == ErrorsColumn && server->stats().errors > 0)
            return stateColor(int(ServerHandle::State::Failed));
    } else if (role == Qt::ToolTipRole) {
        if (column == StateColumn && server->state() == ServerHandle::State::Failed)
            return tr("%1 could not start: %2").arg(server->name(), server->errorString());
        if (column == StateColumn && !r.note.isEmpty() &&
            server->state() == ServerHandle::State::Stopped)
            return tr("%1: %2").arg(server->name(), r.note);
        if (column == StateColumn && server->state() == ServerHandle::State::Hung)
            return tr("%1 runs, but a call is stuck; its master routes around it")
                .arg(server->name());
        if (column == StateColumn && server->state() == ServerHandle::State::Unreachable)
            return tr("%1: the control link is lost; it may still run").arg(server->name());
        if (column == UptimeColumn || column == RestartsColumn)
            return tr("Up %1; started %2 time(s) since the cluster was opened")
                .arg(r.upSinceMsecs > 0
                         ? durationText(QDateTime::currentMSecsSinceEpoch() - r.upSinceMsecs)
                         : tr("—"))
                .arg(r.runs);
        if (column == BacklogColumn) {
            const ServerStats s = server->stats();
            return tr("waiting for a full socket %1, held for a subscriber %2, in flight at "
                      "workers %3")
                .arg(s.pendingOut)
                .arg(s.heldForSubscriber)
                .arg(s.inFlight);
        }
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
            if (s.countersUnknown)
                tip = tr("in and out are not counted for an external process; errors %1")
                          .arg(s.errors);
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
        case UptimeColumn:
            return tr("Up");
        case RestartsColumn:
            return tr("Restarts");
        case BacklogColumn:
            return tr("Backlog");
        case ActivityColumn:
            return tr("Activity");
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
        case UptimeColumn:
            return tr("How long the server has been running");
        case RestartsColumn:
            return tr("Starts after the first one, since the cluster was opened");
        case BacklogColumn:
            return tr("Messages waiting: for a full socket, for a subscriber, and (masters) in "
                      "flight at workers");
        case ActivityColumn:
            return tr("Message rate over the last half minute");
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
