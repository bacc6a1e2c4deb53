// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracebackview.h"

#include "tracebacklocation.h"

#include <QKeyEvent>
#include <QMouseEvent>

namespace qpalm {

TracebackView::TracebackView(QWidget *parent) : QListWidget(parent)
{
    // Long lines wrap (at words, else anywhere) instead of being clipped.
    setWordWrap(true);
    setTextElideMode(Qt::ElideNone);
    setResizeMode(QListView::Adjust);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
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
