// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogView: match highlighting, bookmarks, and moving to the next error or bookmark.
#include "logview.h"

#include "logmodel.h"

namespace qpalm {

void LogView::setHighlight(const QString &text, bool regex, Qt::CaseSensitivity cs)
{
    QRegularExpression re(regex ? text : QRegularExpression::escape(text),
                          cs == Qt::CaseInsensitive ? QRegularExpression::CaseInsensitiveOption
                                                    : QRegularExpression::NoPatternOption);
    if (text.isEmpty() || !re.isValid())
        re = QRegularExpression();
    if (re == m_highlight)
        return;
    m_highlight = re;
    viewport()->update();
}

QList<std::pair<int, int>> LogView::highlightRanges(const QString &text) const
{
    QList<std::pair<int, int>> ranges;
    if (m_highlight.pattern().isEmpty())
        return ranges;
    auto it = m_highlight.globalMatch(text);
    while (it.hasNext() && ranges.size() < MaxHighlights) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength() > 0)
            ranges.append({int(m.capturedStart()), int(m.capturedLength())});
    }
    return ranges;
}

bool LogView::isBookmarked(int row) const
{
    return !m_bookmarks.empty() && m_bookmarks.count(serialOf(row)) > 0;
}

void LogView::toggleBookmark()
{
    QList<int> rows;
    if (selectionModel()) {
        const QModelIndexList selected = selectionModel()->selectedRows();
        for (const QModelIndex &index : selected)
            rows.append(index.row());
    }
    if (rows.isEmpty() && currentIndex().isValid())
        rows.append(currentIndex().row());
    if (rows.isEmpty())
        return;
    // One press marks them all, or (when all are marked) unmarks them.
    bool allMarked = true;
    for (int row : std::as_const(rows))
        allMarked = allMarked && isBookmarked(row);
    for (int row : std::as_const(rows)) {
        if (allMarked)
            m_bookmarks.erase(serialOf(row));
        else
            m_bookmarks.insert(serialOf(row));
    }
    viewport()->update();
    Q_EMIT bookmarksChanged(int(m_bookmarks.size()));
}

void LogView::clearBookmarks()
{
    if (m_bookmarks.empty())
        return;
    m_bookmarks.clear();
    viewport()->update();
    Q_EMIT bookmarksChanged(0);
}

bool LogView::gotoRow(int row)
{
    if (row < 0)
        return false;
    setFollow(false);
    const QModelIndex index = model()->index(row, LogModel::TextColumn);
    selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                 QItemSelectionModel::Rows);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

bool LogView::gotoBookmark(bool forward)
{
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (!logModel || m_bookmarks.empty())
        return false;
    const int current = currentIndex().row();
    if (forward) {
        const quint64 after = current >= 0 ? serialOf(current) + 1 : 0;
        for (auto it = m_bookmarks.lower_bound(after); it != m_bookmarks.end(); ++it) {
            if (const int row = logModel->rowForSerial(*it); row >= 0)
                return gotoRow(row);
        }
    } else {
        const quint64 before = current >= 0 ? serialOf(current) : ~quint64(0);
        for (auto it = std::make_reverse_iterator(m_bookmarks.lower_bound(before));
             it != m_bookmarks.rend(); ++it) {
            if (const int row = logModel->rowForSerial(*it); row >= 0)
                return gotoRow(row);
        }
    }
    return false;
}

bool LogView::gotoError(bool forward)
{
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (!logModel)
        return false;
    const int current = currentIndex().row();
    const int from =
        current >= 0 ? current + (forward ? 1 : -1) : (forward ? 0 : logModel->rowCount() - 1);
    return gotoRow(logModel->findRow(from, forward, LogLevel::Error));
}

} // namespace qpalm
