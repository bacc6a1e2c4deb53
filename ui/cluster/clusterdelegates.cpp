// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterdelegates.h"

#include "clustermodel.h"

#include <QApplication>
#include <QComboBox>
#include <QPainter>

#include <algorithm>

namespace qpalm {

namespace {
const QList<LogLevel> kLevels{LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error,
                              LogLevel::Critical};
} // namespace

QWidget *LogLevelDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &,
                                        const QModelIndex &) const
{
    auto *combo = new QComboBox(parent);
    for (LogLevel level : kLevels)
        combo->addItem(levelName(level), int(level));
    connect(combo, &QComboBox::activated, this, [this, combo] {
        auto *self = const_cast<LogLevelDelegate *>(this);
        Q_EMIT self->commitData(combo);
        Q_EMIT self->closeEditor(combo);
    });
    return combo;
}

void LogLevelDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *combo = static_cast<QComboBox *>(editor);
    combo->setCurrentIndex(qMax(0, combo->findData(index.data(ClusterModel::LogLevelRole))));
}

void LogLevelDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                    const QModelIndex &index) const
{
    auto *combo = static_cast<QComboBox *>(editor);
    model->setData(index, combo->currentData(), Qt::EditRole);
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);
    const QList<double> history = index.data(ClusterModel::RateHistoryRole).value<QList<double>>();
    if (history.size() < 2)
        return;
    const double peak = *std::max_element(history.cbegin(), history.cend());
    const QRectF area = QRectF(option.rect).adjusted(3, 3, -3, -3);
    QPolygonF line;
    const int slots = ClusterModel::kHistory - 1;
    const int offset = slots - int(history.size() - 1); // newest at the right edge
    for (int i = 0; i < history.size(); ++i) {
        const double x = area.left() + area.width() * (offset + i) / slots;
        const double y = area.bottom() - (peak > 0 ? area.height() * history[i] / peak : 0.0);
        line.append(QPointF(x, y));
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(
        QPen(selected ? option.palette.highlightedText().color() : QColor(0x2e, 0x7d, 0xc0), 1.3));
    painter->drawPolyline(line);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    return {72, QStyledItemDelegate::sizeHint(option, index).height()};
}

} // namespace qpalm
