#include "logview.h"

#include "logmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QScrollBar>

namespace qpalm {

namespace {

bool hasLetterExtension(QStringView file)
{
    const qsizetype dot = file.lastIndexOf(QLatin1Char('.'));
    if (dot < 0 || dot + 1 >= file.size() || !file.at(dot + 1).isLetter())
        return false;
    for (qsizetype i = dot + 1; i < file.size(); ++i) {
        const QChar c = file.at(i);
        if (!c.isLetterOrNumber() && c != QLatin1Char('_'))
            return false;
    }
    return true;
}

// Digits at s[from..), returned as a line number (0 when none or too large); `end` past them.
int parseLineNumber(QStringView s, qsizetype from, qsizetype *end)
{
    qsizetype j = from;
    while (j < s.size() && s.at(j).isDigit() && s.at(j).unicode() < 128)
        ++j;
    *end = j;
    if (j == from || j - from > 9)
        return 0;
    return s.mid(from, j - from).toInt();
}

} // namespace

SourceLocation parseSourceLocation(QStringView line)
{
    const QStringView s = line.trimmed();
    qsizetype end = 0;

    // Python: File "path.py", line 12, in foo
    if (s.startsWith(u"File \"")) {
        const qsizetype q = s.indexOf(QLatin1Char('"'), 6);
        if (q > 6 && s.mid(q).startsWith(u"\", line ")) {
            const int n = parseLineNumber(s, q + 8, &end);
            if (n > 0)
                return {s.mid(6, q - 6).toString(), n};
        }
        return {};
    }

    // Lua chunk loaded from a string: [string "name"]:3:
    if (s.startsWith(u"[string \"")) {
        const qsizetype q = s.indexOf(u"\"]:", 9);
        if (q >= 9) {
            const int n = parseLineNumber(s, q + 3, &end);
            if (n > 0 && (end == s.size() || s.at(end) == QLatin1Char(':')))
                return {s.mid(9, q - 9).toString(), n};
        }
        return {};
    }

    // file:line: (Lua, compilers); file:line at the end of the line only with an extension.
    for (qsizetype i = 1; i + 1 < s.size(); ++i) {
        if (s.at(i) != QLatin1Char(':') || !s.at(i + 1).isDigit())
            continue;
        const int n = parseLineNumber(s, i + 1, &end);
        const bool colonAfter = end < s.size() && s.at(end) == QLatin1Char(':');
        if (!colonAfter && end != s.size())
            continue;
        const QStringView file = s.left(i);
        if (n <= 0 || file.startsWith(QLatin1Char('[')) || file.startsWith(QLatin1Char('<')))
            return {};
        bool hasSpace = false;
        for (QChar c : file) {
            if (c.isSpace()) {
                hasSpace = true;
                break;
            }
        }
        const bool hasSeparator =
            file.contains(QLatin1Char('/')) || file.contains(QLatin1Char('\\'));
        if ((!colonAfter || hasSpace) && !hasLetterExtension(file))
            return {};
        if (hasSpace && !hasSeparator)
            return {};
        return {file.toString(), n};
    }
    return {};
}

SourceLocation firstFrame(const QString &traceback)
{
    const QList<QStringView> lines = QStringView(traceback).split(QLatin1Char('\n'));
    bool python = false;
    qsizetype header = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QStringView t = lines.at(i).trimmed();
        if (t == u"Traceback (most recent call last):")
            python = true;
        else if (header < 0 && t == u"stack traceback:")
            header = i;
    }
    if (python) {
        // The innermost frame is the last "File" line.
        for (qsizetype i = lines.size() - 1; i >= 0; --i) {
            if (lines.at(i).trimmed().startsWith(u"File \"")) {
                const SourceLocation loc = parseSourceLocation(lines.at(i));
                if (loc.isValid())
                    return loc;
            }
        }
        return {};
    }
    for (qsizetype i = header + 1; i < lines.size(); ++i) {
        const SourceLocation loc = parseSourceLocation(lines.at(i));
        if (loc.isValid())
            return loc;
    }
    for (qsizetype i = 0; i < header; ++i) {
        const SourceLocation loc = parseSourceLocation(lines.at(i));
        if (loc.isValid())
            return loc;
    }
    return {};
}

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
    connect(model, &QAbstractItemModel::modelReset, this, &LogView::onRowsInserted);
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
