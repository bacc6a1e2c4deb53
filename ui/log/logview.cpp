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
        if (!m_view->isExpanded(index.row())) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
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
    // A reset (filter change) puts every row back to one line: expand the ones still shown.
    const LogModel *logModel = qobject_cast<const LogModel *>(model());
    if (logModel) {
        for (auto it = m_expanded.begin(); it != m_expanded.end();) {
            const int row = logModel->rowForSerial(*it);
            if (row >= 0) {
                verticalHeader()->resizeSection(row,
                                                lineHeight() * int(1 + expandedLines(row).size()));
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
    if (expanded) {
        m_expanded.insert(serial);
        verticalHeader()->resizeSection(row, lineHeight() * int(1 + expandedLines(row).size()));
    } else {
        m_expanded.remove(serial);
        verticalHeader()->resizeSection(row, lineHeight());
    }
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

TracebackView::TracebackView(QWidget *parent) : QListWidget(parent)
{
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setMouseTracking(true);
    connect(this, &QListWidget::itemClicked, this, &TracebackView::activate);
}

void TracebackView::setContent(const QString &text, const QString &traceback)
{
    clear();
    QStringList lines;
    if (!text.isEmpty())
        lines += text.split(QLatin1Char('\n'));
    if (!traceback.isEmpty())
        lines += traceback.split(QLatin1Char('\n'));
    if (lines.size() > MaxLines) {
        const qsizetype dropped = lines.size() - MaxLines;
        lines.resize(MaxLines);
        lines.append(tr("(%n more line(s) not shown)", nullptr, int(dropped)));
    }
    QFont linkFont = font();
    linkFont.setUnderline(true);
    const QBrush linkBrush = palette().brush(QPalette::Link);
    for (QString &line : lines) {
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        line.replace(QLatin1Char('\t'), QStringLiteral("    "));
        auto *item = new QListWidgetItem(line, this);
        const SourceLocation loc = parseSourceLocation(line);
        if (loc.isValid()) {
            item->setData(FileRole, loc.file);
            item->setData(LineRole, loc.line);
            item->setForeground(linkBrush);
            item->setFont(linkFont);
            item->setToolTip(tr("Open %1 at line %2").arg(loc.file).arg(loc.line));
        }
    }
}

QListWidgetItem *TracebackView::firstLinkItem() const
{
    for (int i = 0; i < count(); ++i) {
        if (item(i)->data(LineRole).toInt() > 0)
            return item(i);
    }
    return nullptr;
}

void TracebackView::activate(QListWidgetItem *item)
{
    if (!item)
        return;
    const int line = item->data(LineRole).toInt();
    if (line > 0)
        Q_EMIT locationActivated(item->data(FileRole).toString(), line);
}

void TracebackView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        activate(currentItem());
        event->accept();
        return;
    }
    QListWidget::keyPressEvent(event);
}

void TracebackView::mouseMoveEvent(QMouseEvent *event)
{
    const QListWidgetItem *hovered = itemAt(event->position().toPoint());
    viewport()->setCursor(hovered && hovered->data(LineRole).toInt() > 0 ? Qt::PointingHandCursor
                                                                         : Qt::ArrowCursor);
    QListWidget::mouseMoveEvent(event);
}

} // namespace qpalm
