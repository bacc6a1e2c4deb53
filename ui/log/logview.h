// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QListWidget>
#include <QSet>
#include <QString>
#include <QTableView>

#include "tracebacklocation.h"

namespace qpalm {

class LogModel;
struct LogRecord;

// The records table: fixed row height, only visible rows painted, follow (stick to the end).
class LogView : public QTableView
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    // Also right after rows changed (lays out pending rows first).
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    bool follow() const { return m_follow; }
    // Rows selected, as pylm lines, one per line (at most MaxCopyRows).
    QString selectedText() const;
    static constexpr int MaxCopyRows = 100'000;

    // A record with a traceback expands in place: its lines show under it, links clickable.
    bool isExpanded(int row) const;
    void setExpanded(int row, bool expanded);
    // The traceback lines an expanded row shows (text lines first), at most MaxExpandedLines.
    QStringList expandedLines(int row) const;
    // Which shown line of an expanded row a viewport point is on, or -1.
    int expandedLineAt(const QPoint &viewportPoint, int *row = nullptr) const;
    static constexpr int MaxExpandedLines = 200;

public Q_SLOTS:
    // Keeps the last row in view as rows arrive; scrolling up by hand turns it off.
    void setFollow(bool follow);

Q_SIGNALS:
    // GUI thread: follow turned on or off (by setFollow or by the user scrolling).
    void followChanged(bool follow);
    // GUI thread: a link line of an expanded row was clicked.
    void locationActivated(const QString &file, int line);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void onRowsInserted();
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onModelReset();
    int lineHeight() const;
    quint64 serialOf(int row) const;

    bool m_follow = true;
    QSet<quint64> m_expanded; // record serials, so an expansion survives filters and eviction
};

// Lines of one record's text and traceback; a line naming a script position acts as a link.
class TracebackView : public QListWidget
{
    Q_OBJECT
public:
    enum Role { FileRole = Qt::UserRole + 1, LineRole };
    static constexpr int MaxLines = 5000;

    explicit TracebackView(QWidget *parent = nullptr);

    // Shows text then traceback, one item per line; empty strings clear the view.
    void setContent(const QString &text, const QString &traceback);
    // The item of the first line that is a link, or nullptr.
    QListWidgetItem *firstLinkItem() const;

Q_SIGNALS:
    // GUI thread: a link line was clicked or activated with Enter.
    void locationActivated(const QString &file, int line);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void activate(QListWidgetItem *item);
};

} // namespace qpalm
