// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyview.h"

#include "topologyitems.h"

#include "clustermodel.h"
#include "serverhandle.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

// The topology's zoom, pan keys and legend.
namespace qpalm {

namespace {
constexpr qreal kZoomStep = 1.25;
constexpr qreal kMinZoom = 0.15;
constexpr qreal kMaxZoom = 4.0;
constexpr int kEdgeEntries = 5; // the legend's first column; the states fill the second
constexpr int kLegendRows = 5;
} // namespace

qreal TopologyView::zoomFactor() const
{
    return transform().m11();
}

void TopologyView::zoomBy(qreal factor)
{
    const qreal target = std::clamp(zoomFactor() * factor, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(target, zoomFactor()))
        return;
    m_autoFit = false;
    const qreal applied = target / zoomFactor();
    scale(applied, applied);
}

void TopologyView::zoomIn()
{
    zoomBy(kZoomStep);
}

void TopologyView::zoomOut()
{
    zoomBy(1 / kZoomStep);
}

void TopologyView::fitToView()
{
    m_autoFit = true;
    fitScene();
}

void TopologyView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        if (steps != 0)
            zoomBy(std::pow(kZoomStep, steps));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event); // scrolls: pan
}

void TopologyView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        fitToView();
        return;
    default:
        QGraphicsView::keyPressEvent(event);
    }
}

QStringList TopologyView::legendEntries()
{
    return {tr("request / reply"),
            tr("task / result"),
            tr("stream"),
            tr("idle (dashed)"),
            tr("worker gone (dotted)"),
            tr("running"),
            tr("stopped"),
            tr("failed"),
            tr("hung"),
            tr("unreachable")};
}

void TopologyView::setLegendVisible(bool on)
{
    if (on == m_legendVisible)
        return;
    m_legendVisible = on;
    if (QToolButton *toggle = m_buttons.value(3); toggle && toggle->isChecked() != on)
        toggle->setChecked(on);
    viewport()->update();
}

QRect TopologyView::legendRect() const
{
    if (!m_legendVisible)
        return {};
    const QFontMetrics metrics(topology::labelFont());
    const int row = metrics.height() + 2;
    int width = 0;
    for (const QString &entry : legendEntries())
        width = std::max(width, metrics.horizontalAdvance(entry));
    const QRect rect(0, 0, width + 40, row * kLegendRows + 10);
    // Two columns: edges on the left, states on the right; bottom-left corner of the viewport.
    return QRect(6, viewport()->height() - rect.height() - 6, rect.width() * 2, rect.height());
}

void TopologyView::drawForeground(QPainter *painter, const QRectF &)
{
    if (!m_legendVisible || m_nodes.isEmpty())
        return;
    const QRect box = legendRect();
    painter->save();
    painter->resetTransform();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = palette().color(QPalette::Base);
    fill.setAlpha(225);
    painter->setBrush(fill);
    painter->setPen(QPen(palette().color(QPalette::Mid), 1));
    painter->drawRoundedRect(box, 6, 6);
    painter->setFont(topology::labelFont());
    const QFontMetrics metrics(topology::labelFont());
    const int row = metrics.height() + 2;
    const QStringList entries = legendEntries();
    const QList<QColor> edgeColours{
        topology::edgeColor(EdgeKind::Request), topology::edgeColor(EdgeKind::Task),
        topology::edgeColor(EdgeKind::Stream), palette().color(QPalette::PlaceholderText),
        topology::goneColor()};
    const QList<ServerHandle::State> states{
        ServerHandle::State::Running, ServerHandle::State::Stopped, ServerHandle::State::Failed,
        ServerHandle::State::Hung, ServerHandle::State::Unreachable};
    for (int i = 0; i < entries.size(); ++i) {
        const int column = i < kEdgeEntries ? 0 : 1;
        const int x = box.left() + 8 + column * box.width() / 2;
        const int y = box.top() + 5 + (column ? i - kEdgeEntries : i) * row + row / 2;
        if (column == 0) {
            QPen pen(edgeColours.at(i), 2);
            if (i == 3)
                pen.setStyle(Qt::DashLine);
            else if (i == 4)
                pen.setStyle(Qt::DotLine);
            painter->setPen(pen);
            painter->drawLine(x, y, x + 20, y);
        } else {
            painter->setPen(Qt::NoPen);
            painter->setBrush(ClusterModel::stateColor(int(states.at(i - kEdgeEntries))));
            painter->drawRoundedRect(QRect(x + 4, y - 5, 12, 10), 3, 3);
        }
        painter->setPen(palette().color(QPalette::Text));
        painter->drawText(QRect(x + 26, y - row / 2, box.width() / 2 - 34, row),
                          Qt::AlignLeft | Qt::AlignVCenter, entries.at(i));
    }
    painter->restore();
}

void TopologyView::placeButtons()
{
    int x = width() - 4 -
            (verticalScrollBar() && verticalScrollBar()->isVisible() ? verticalScrollBar()->width()
                                                                     : 0);
    for (auto it = m_buttons.crbegin(); it != m_buttons.crend(); ++it) {
        QToolButton *b = *it;
        b->adjustSize();
        x -= b->width();
        b->move(x, 4);
        x -= 2;
    }
}

void TopologyView::fitScene()
{
    const QRectF rect = sceneRect();
    if (rect.isEmpty() || viewport()->width() <= 0)
        return;
    const qreal scale = qMin<qreal>(
        1.0, qMin(viewport()->width() / rect.width(), viewport()->height() / rect.height()));
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(rect.center());
}

} // namespace qpalm
