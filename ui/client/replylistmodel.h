// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QByteArray>

#include <deque>

namespace qpalm {

// The newest replies of the client panel, numbered in arrival order; keeps at most maximum() rows.
class ReplyListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { BytesRole = Qt::UserRole + 1, NumberRole };

    explicit ReplyListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Appends replies whose first one is number firstNumber (1-based), dropping the oldest rows
    // past maximum().
    void appendReplies(const QList<QByteArray> &replies, qint64 firstNumber);
    void clear();
    int maximum() const { return m_maximum; }
    void setMaximum(int rows);
    QByteArray bytesAt(int row) const;

private:
    struct Entry
    {
        qint64 number;
        QByteArray bytes;
    };
    std::deque<Entry> m_entries;
    int m_maximum = 1000;
};

} // namespace qpalm
