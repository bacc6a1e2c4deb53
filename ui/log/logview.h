// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QListWidget>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QTableView>

#include "tracebacklocation.h"
#include "tracebackview.h"

#include <set>

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

    // Matches of text (or a regex) are highlighted in the Message column; empty: none.
    void setHighlight(const QString &text, bool regex = false,
                      Qt::CaseSensitivity cs = Qt::CaseInsensitive);
    const QRegularExpression &highlight() const { return m_highlight; }
    // [start, length) of each match in text (at most MaxHighlights).
    QList<std::pair<int, int>> highlightRanges(const QString &text) const;
    static constexpr int MaxHighlights = 64;

    // Bookmarks are kept by record, so they survive filters; a marker shows in the Time column.
    bool isBookmarked(int row) const;
    const std::set<quint64> &bookmarks() const { return m_bookmarks; }
    // Moves to the next (or previous) bookmarked / ERROR-or-worse row after the current one;
    // false when there is none that way.
    bool gotoBookmark(bool forward);
    bool gotoError(bool forward);

    // Long messages wrap over several lines in the rows in view (off by default).
    bool wrapLines() const { return m_wrap; }
    // Lines the row takes (1 unless wrapped or expanded).
    int rowLines(int row) const;
    static constexpr int MaxWrappedLines = 12;

public Q_SLOTS:
    // Keeps the last row in view as rows arrive; scrolling up by hand turns it off.
    void setFollow(bool follow);
    // Toggles the bookmark of the current row (of each selected row).
    void toggleBookmark();
    void clearBookmarks();
    void setWrapLines(bool wrap);

Q_SIGNALS:
    // GUI thread: follow turned on or off (by setFollow or by the user scrolling).
    void followChanged(bool follow);
    // GUI thread: a link line of an expanded row was clicked.
    void locationActivated(const QString &file, int line);
    // GUI thread: bookmarks were added or removed.
    void bookmarksChanged(int count);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void onRowsInserted();
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onModelReset();
    int lineHeight() const;
    quint64 serialOf(int row) const;
    bool gotoRow(int row);
    // Gives the rows in view the height their wrapped text needs (only those: cheap).
    void updateRowHeights();
    int wrappedLines(int row) const;

    bool m_follow = true;
    bool m_wrap = false;
    bool m_sizing = false;
    QSet<quint64> m_expanded; // record serials, so an expansion survives filters and eviction
    QSet<quint64> m_tall;     // rows made taller for wrapping, by serial
    std::set<quint64> m_bookmarks;
    QRegularExpression m_highlight;
};

} // namespace qpalm
