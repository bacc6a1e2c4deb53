// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logview.h"

#include "logmodel.h"
#include "tracebacklocation.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTextLayout>

namespace qpalm {

namespace {

// Paints an expanded row: the record on its first line, its traceback lines below (links styled).
class LogRowDelegate : public QStyledItemDelegate
{
public:
    explicit LogRowDelegate(LogView *view) : QStyledItemDelegate(view), m_view(view) {}

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        const bool bookmarked = m_view->isBookmarked(index.row());
        if (bookmarked)
            painter->fillRect(option.rect, QColor(0x2f, 0x80, 0xed, 48));
        if (m_view->isExpanded(index.row()))
            paintExpanded(painter, option, index);
        else if (index.column() == LogModel::TextColumn &&
                 (m_view->wrapLines() || !m_view->highlight().pattern().isEmpty()))
            paintText(painter, option, index);
        else
            QStyledItemDelegate::paint(painter, option, index);
        if (bookmarked && index.column() == LogModel::TimeColumn)
            painter->fillRect(QRect(option.rect.left(), option.rect.top(), 4, option.rect.height()),
                              QColor(0x2f, 0x80, 0xed));
    }

    // The message with its matches highlighted, on one elided line or wrapped over the row.
    void paintText(QPainter *painter, const QStyleOptionViewItem &option,
                   const QModelIndex &index) const
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        const QWidget *widget = option.widget;
        QStyle *style = widget->style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
        const QRect r = opt.rect.adjusted(margin, 0, -margin, 0);
        const bool wrap = m_view->wrapLines();
        const QString shown =
            wrap ? text : opt.fontMetrics.elidedText(text, Qt::ElideRight, r.width());
        QList<QTextLayout::FormatRange> formats;
        for (const auto &[start, length] : m_view->highlightRanges(shown)) {
            QTextLayout::FormatRange range;
            range.start = start;
            range.length = length;
            range.format.setBackground(QColor(0xff, 0xd5, 0x4f));
            range.format.setForeground(QColor(Qt::black));
            formats.append(range);
        }
        QTextLayout layout(shown, opt.font);
        QTextOption textOption;
        textOption.setWrapMode(wrap ? QTextOption::WrapAtWordBoundaryOrAnywhere
                                    : QTextOption::NoWrap);
        layout.setTextOption(textOption);
        layout.setFormats(formats);
        const int lineHeight = m_view->verticalHeader()->defaultSectionSize();
        layout.beginLayout();
        qreal y = 0;
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(r.width());
            line.setPosition(QPointF(0, y));
            y += lineHeight;
        }
        layout.endLayout();
        const bool selected = opt.state & QStyle::State_Selected;
        painter->save();
        painter->setClipRect(r);
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        layout.draw(painter,
                    QPointF(r.left(), r.top() + (lineHeight - opt.fontMetrics.height()) / 2));
        painter->restore();
    }

    void paintExpanded(QPainter *painter, const QStyleOptionViewItem &option,
                       const QModelIndex &index) const
    {
        const int lineHeight = m_view->verticalHeader()->defaultSectionSize();
        QStyleOptionViewItem first = option;
        painter->save();
        // The selection/background covers the whole row; the record's own text its first line.
        QStyleOptionViewItem background = option;
        background.text.clear();
        initStyleOption(&background, index);
        background.text.clear();
        background.icon = {};
        option.widget->style()->drawControl(QStyle::CE_ItemViewItem, &background, painter,
                                            option.widget);
        first.rect.setHeight(lineHeight);
        QStyledItemDelegate::paint(painter, first, index);
        if (index.column() == LogModel::TextColumn) {
            const QStringList lines = m_view->expandedLines(index.row());
            QFont font = option.font;
            font.setStyleHint(QFont::Monospace);
            font.setFamily(QStringLiteral("monospace"));
            QFont link = font;
            link.setUnderline(true);
            const bool selected = option.state & QStyle::State_Selected;
            const QColor plain =
                option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
            const QColor linkColor = selected ? plain : option.palette.color(QPalette::Link);
            QRect line = option.rect.adjusted(18, lineHeight, -4, 0);
            line.setHeight(lineHeight);
            for (const QString &text : lines) {
                const bool isLink = parseSourceLocation(text).isValid();
                painter->setFont(isLink ? link : font);
                painter->setPen(isLink ? linkColor : plain);
                painter->drawText(
                    line, Qt::AlignLeft | Qt::AlignVCenter,
                    option.fontMetrics.elidedText(text, Qt::ElideRight, line.width()));
                line.translate(0, lineHeight);
            }
        }
        painter->restore();
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        // The marker points down while the record is expanded.
        if (index.column() == LogModel::TextColumn && option->text.startsWith(QChar(0x25B8)) &&
            m_view->isExpanded(index.row()))
            option->text[0] = QChar(0x25BE);
    }

private:
    LogView *m_view;
};

} // namespace

LogView::LogView(QWidget *parent) : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    setShowGrid(false);
    setAlternatingRowColors(true);
    setCornerButtonEnabled(false);
    setSortingEnabled(false);
    setTextElideMode(Qt::ElideRight);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);

    QHeaderView *rows = verticalHeader();
    rows->setVisible(false);
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setMinimumSectionSize(1);
    rows->setDefaultSectionSize(fontMetrics().height() + 4);

    QHeaderView *columns = horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(true);
    columns->setHighlightSections(false);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    setItemDelegate(new LogRowDelegate(this));
    setMouseTracking(true);

    connect(verticalScrollBar(), &QAbstractSlider::valueChanged, this, &LogView::updateRowHeights);
    connect(columns, &QHeaderView::sectionResized, this, [this](int column) {
        if (m_wrap && column == LogModel::TextColumn)
            updateRowHeights();
    });
    connect(verticalScrollBar(), &QAbstractSlider::actionTriggered, this, [this](int) {
        // sliderPosition is already the target of the user's action here.
        const QScrollBar *bar = verticalScrollBar();
        setFollow(bar->sliderPosition() >= bar->maximum());
    });
}

void LogView::setModel(QAbstractItemModel *model)
{
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QTableView::setModel(model);
    if (!model)
        return;
    connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsInserted);
    connect(model, &QAbstractItemModel::modelReset, this, &LogView::onModelReset);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsRemoved);
    // Bold (CRITICAL) rows are the widest.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    setColumnWidth(LogModel::TimeColumn,
                   fm.horizontalAdvance(QStringLiteral("2016-08-26 09:41:59,053")) + 16);
    setColumnWidth(LogModel::ServerColumn,
                   fm.horizontalAdvance(QStringLiteral("worker-name-10")) + 16);
    setColumnWidth(LogModel::LevelColumn, fm.horizontalAdvance(QStringLiteral("CRITICAL")) + 16);
}

void LogView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    executeDelayedItemsLayout();
    QTableView::scrollTo(index, hint);
}

void LogView::setFollow(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (m_follow)
        scrollToBottom();
    Q_EMIT followChanged(m_follow);
}

void LogView::onModelReset()
{
    m_tall.clear(); // every row is back to the default height
    // A reset (filter change) puts every row back to one line: expand the ones still shown.
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (logModel) {
        for (auto it = m_expanded.begin(); it != m_expanded.end();) {
            const int row = logModel->rowForSerial(*it);
            if (row >= 0) {
                verticalHeader()->resizeSection(row, lineHeight() * rowLines(row));
                ++it;
            } else if (!logModel->store().contains(*it)) {
                it = m_expanded.erase(it); // evicted for good
            } else {
                ++it; // filtered out for now
            }
        }
    }
    onRowsInserted();
}

int LogView::lineHeight() const
{
    return verticalHeader()->defaultSectionSize();
}

quint64 LogView::serialOf(int row) const
{
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    return logModel && row >= 0 && row < logModel->rowCount() ? logModel->serialAt(row) : 0;
}

bool LogView::isExpanded(int row) const
{
    return !m_expanded.isEmpty() && m_expanded.contains(serialOf(row));
}

QStringList LogView::expandedLines(int row) const
{
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (!logModel || row < 0 || row >= logModel->rowCount())
        return {};
    const LogRecord record = logModel->recordAt(row);
    QStringList lines = record.text.split(QLatin1Char('\n')).mid(1); // the first shows in the row
    lines += record.traceback.split(QLatin1Char('\n'));
    for (QString &line : lines) {
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        line.replace(QLatin1Char('\t'), QStringLiteral("    "));
    }
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.size() > MaxExpandedLines) {
        const qsizetype more = lines.size() - MaxExpandedLines;
        lines.resize(MaxExpandedLines);
        lines.append(tr("(%n more line(s) in the pane below)", nullptr, int(more)));
    }
    return lines;
}

void LogView::setExpanded(int row, bool expanded)
{
    const quint64 serial = serialOf(row);
    if (serial == 0 || expanded == m_expanded.contains(serial))
        return;
    if (expanded && !model()->index(row, 0).data(LogModel::HasTracebackRole).toBool())
        return;
    if (expanded)
        m_expanded.insert(serial);
    else
        m_expanded.remove(serial);
    verticalHeader()->resizeSection(row, lineHeight() * rowLines(row));
    viewport()->update();
}

int LogView::expandedLineAt(const QPoint &viewportPoint, int *rowOut) const
{
    const int row = rowAt(viewportPoint.y());
    if (rowOut)
        *rowOut = row;
    if (row < 0 || !isExpanded(row))
        return -1;
    const int offset = viewportPoint.y() - rowViewportPosition(row) - lineHeight();
    if (offset < 0)
        return -1;
    const int line = offset / lineHeight();
    return line < expandedLines(row).size() ? line : -1;
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    int row = -1;
    const int line = expandedLineAt(pos, &row);
    if (line >= 0 && columnAt(pos.x()) == LogModel::TextColumn) {
        const SourceLocation loc = parseSourceLocation(expandedLines(row).at(line));
        if (loc.isValid()) {
            Q_EMIT locationActivated(loc.file, loc.line);
            event->accept();
            return;
        }
    }
    // The marker in front of a record with a traceback toggles it.
    const QModelIndex index = indexAt(pos);
    if (index.isValid() && index.column() == LogModel::TextColumn &&
        index.data(LogModel::HasTracebackRole).toBool() &&
        pos.x() - columnViewportPosition(index.column()) <
            fontMetrics().horizontalAdvance(QStringLiteral("\u25B8 ")) + 8 &&
        pos.y() - rowViewportPosition(index.row()) < lineHeight()) {
        setExpanded(index.row(), !isExpanded(index.row()));
    }
    QTableView::mousePressEvent(event);
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    int row = -1;
    const int line = expandedLineAt(pos, &row);
    const bool onLink = line >= 0 && columnAt(pos.x()) == LogModel::TextColumn &&
                        parseSourceLocation(expandedLines(row).at(line)).isValid();
    viewport()->setCursor(onLink ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QTableView::mouseMoveEvent(event);
}

void LogView::onRowsInserted()
{
    if (m_follow)
        scrollToBottom();
    if (m_wrap)
        updateRowHeights();
}

void LogView::setWrapLines(bool wrap)
{
    if (wrap == m_wrap)
        return;
    m_wrap = wrap;
    if (!m_wrap) {
        // Back to one line per row (expanded rows keep their height).
        const LogModel *logModel = qobject_cast<const LogModel *>(model());
        for (quint64 serial : std::as_const(m_tall)) {
            const int row = logModel ? logModel->rowForSerial(serial) : -1;
            if (row >= 0)
                verticalHeader()->resizeSection(row, lineHeight() * rowLines(row));
        }
        m_tall.clear();
    }
    updateRowHeights();
    viewport()->update();
}

int LogView::wrappedLines(int row) const
{
    const QModelIndex index = model()->index(row, LogModel::TextColumn);
    const QString text = index.data(Qt::DisplayRole).toString();
    const int width = columnWidth(LogModel::TextColumn) - 8;
    if (width <= 0 || fontMetrics().horizontalAdvance(text) <= width)
        return 1;
    QTextLayout layout(text, font());
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    int lines = 0;
    for (QTextLine line = layout.createLine(); line.isValid() && lines < MaxWrappedLines;
         line = layout.createLine()) {
        line.setLineWidth(width);
        ++lines;
    }
    layout.endLayout();
    return std::max(1, lines);
}

int LogView::rowLines(int row) const
{
    if (isExpanded(row))
        return int(1 + expandedLines(row).size());
    return m_wrap ? wrappedLines(row) : 1;
}

void LogView::updateRowHeights()
{
    if (!m_wrap || m_sizing || !model())
        return;
    m_sizing = true;
    // Only the rows in view (and a screenful below) are measured: the view stays O(visible).
    const int first = std::max(0, rowAt(0));
    const int visible = viewport()->height() / std::max(1, lineHeight()) + 1;
    const int last = std::min(model()->rowCount() - 1, first + 2 * visible);
    for (int row = first; row <= last; ++row) {
        const int lines = rowLines(row);
        if (verticalHeader()->sectionSize(row) != lines * lineHeight()) {
            verticalHeader()->resizeSection(row, lines * lineHeight());
            if (lines > 1)
                m_tall.insert(serialOf(row));
        }
    }
    m_sizing = false;
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    updateRowHeights();
}

void LogView::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    // Rows evicted above the viewport: keep the records in view where they are.
    if (parent.isValid() || m_follow || first != 0)
        return;
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(std::max(0, bar->value() - (last - first + 1)));
}

QString LogView::selectedText() const
{
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (!logModel || !selectionModel())
        return {};
    QString text;
    int rows = 0;
    const QItemSelection selection = selectionModel()->selection();
    // Ranges come in selection order; copy them in row order.
    std::vector<std::pair<int, int>> ranges;
    for (const QItemSelectionRange &r : selection)
        ranges.emplace_back(r.top(), r.bottom());
    std::sort(ranges.begin(), ranges.end());
    int next = 0;
    for (const auto &[top, bottom] : ranges) {
        for (int row = std::max(top, next); row <= bottom && rows < MaxCopyRows; ++row, ++rows) {
            text += formatPylmLine(logModel->recordAt(row));
            text += QLatin1Char('\n');
        }
        next = std::max(next, bottom + 1);
    }
    return text;
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (event == QKeySequence::Copy) {
        QApplication::clipboard()->setText(selectedText());
        event->accept();
        return;
    }
    // Right expands, Left collapses the current record's traceback, as in a tree.
    const int row = currentIndex().row();
    if (row >= 0 && (event->key() == Qt::Key_Right || event->key() == Qt::Key_Left) &&
        currentIndex().data(LogModel::HasTracebackRole).toBool()) {
        setExpanded(row, event->key() == Qt::Key_Right);
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

} // namespace qpalm
