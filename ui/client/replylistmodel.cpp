// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "replylistmodel.h"

#include "bytetext.h"

#include <algorithm>

namespace qpalm {

ReplyListModel::ReplyListModel(QObject *parent) : QAbstractListModel(parent) {}

int ReplyListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ReplyListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("#%1  %2").arg(entry.number).arg(displayBytes(entry.bytes, 300));
    case Qt::ToolTipRole:
        return tr("Reply #%1, %2 bytes\n%3")
            .arg(entry.number)
            .arg(entry.bytes.size())
            .arg(displayBytes(entry.bytes, 4000));
    case BytesRole:
        return entry.bytes;
    case NumberRole:
        return entry.number;
    default:
        return {};
    }
}

void ReplyListModel::appendReplies(const QList<QByteArray> &replies, qint64 firstNumber)
{
    if (replies.isEmpty() || m_maximum <= 0)
        return;
    qsizetype skip = std::max<qsizetype>(0, replies.size() - m_maximum);
    const int incoming = int(replies.size() - skip);
    const int overflow = int(m_entries.size()) + incoming - m_maximum;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (qsizetype i = skip; i < replies.size(); ++i)
        m_entries.push_back({firstNumber + i, replies[i]});
    endInsertRows();
}

void ReplyListModel::clear()
{
    if (m_entries.empty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

void ReplyListModel::setMaximum(int rows)
{
    m_maximum = std::max(0, rows);
    const int overflow = int(m_entries.size()) - m_maximum;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
        endRemoveRows();
    }
}

QByteArray ReplyListModel::bytesAt(int row) const
{
    if (row < 0 || row >= int(m_entries.size()))
        return {};
    return m_entries[std::size_t(row)].bytes;
}

} // namespace qpalm
