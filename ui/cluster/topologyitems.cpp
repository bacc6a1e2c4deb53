// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyitems.h"

#include "clustermodel.h"
#include "serverhandle.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace qpalm {

using namespace topology;

QFont topology::labelFont()
{
    QFont font;
    font.setPointSizeF(font.pointSizeF() * 0.85);
    return font;
}

QColor topology::edgeColor(TopologyView::EdgeKind kind)
{
    switch (kind) {
    case TopologyView::EdgeKind::Request:
    case TopologyView::EdgeKind::Reply:
        return QColor(0x35, 0x6d, 0xb5);
    case TopologyView::EdgeKind::Task:
    case TopologyView::EdgeKind::Result:
        return QColor(0x7a, 0x4f, 0xb0);
    case TopologyView::EdgeKind::Stream:
    case TopologyView::EdgeKind::Cache:
        break;
    }
    return QColor(0x1f, 0x8a, 0x80);
}

QColor topology::goneColor()
{
    return ClusterModel::stateColor(int(ServerHandle::State::Failed));
}

TopologyNode::TopologyNode(QString name, bool isClient)
    : m_name(std::move(name)), m_isClient(isClient), m_state(int(ServerHandle::State::Stopped))
{
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    setZValue(1);
}

namespace {
constexpr qreal kStackOffset = 5; // the box behind a stacked node
} // namespace

QRectF TopologyNode::boundingRect() const
{
    const qreal behind = m_stacked ? kStackOffset : 0;
    return QRectF(-width() / 2 - 3, -kNodeHeight / 2 - 3 - behind, width() + 6 + behind,
                  kNodeHeight + 6 + behind);
}

void TopologyNode::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF box(-width() / 2, -kNodeHeight / 2, width(), kNodeHeight);
    const QPalette &palette = option->palette;
    const QColor stateColour =
        m_isClient ? QColor(0x35, 0x6d, 0xb5) : ClusterModel::stateColor(m_state);
    QColor fill = palette.color(QPalette::Base);
    if (m_state == int(ServerHandle::State::Failed))
        fill = QColor(0xfd, 0xec, 0xec);
    if (m_stacked) {
        painter->setPen(QPen(stateColour.darker(110), 1.2));
        painter->setBrush(fill);
        painter->drawRoundedRect(box.translated(kStackOffset, -kStackOffset), 8, 8);
    }
    painter->setPen(
        QPen(m_highlighted ? palette.color(QPalette::Highlight) : stateColour.darker(110),
             m_highlighted ? 3.0 : 1.6));
    painter->setBrush(fill);
    painter->drawRoundedRect(box, 8, 8);
    // State stripe on the left edge.
    QPainterPath stripe;
    stripe.addRoundedRect(QRectF(box.left(), box.top(), 10, box.height()), 8, 8);
    QPainterPath clip;
    clip.addRect(QRectF(box.left(), box.top(), 6, box.height()));
    painter->setPen(Qt::NoPen);
    painter->setBrush(stateColour);
    painter->drawPath(stripe.intersected(clip));

    QFont bold = painter->font();
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(palette.color(QPalette::Text));
    const QRectF textRect = box.adjusted(12, 4, -6, -4);
    const QFontMetricsF boldMetrics(bold);
    painter->drawText(
        QRectF(textRect.left(), textRect.top(), textRect.width(), textRect.height() / 2),
        Qt::AlignLeft | Qt::AlignVCenter,
        boldMetrics.elidedText(m_name, Qt::ElideMiddle, textRect.width()));
    QFont small = painter->font();
    small.setBold(false);
    small.setPointSizeF(small.pointSizeF() * 0.9);
    painter->setFont(small);
    painter->setPen(m_state == int(ServerHandle::State::Failed)
                        ? stateColour.darker(120)
                        : palette.color(QPalette::PlaceholderText));
    const QFontMetricsF smallMetrics(small);
    painter->drawText(
        QRectF(textRect.left(), textRect.center().y(), textRect.width(), textRect.height() / 2),
        Qt::AlignLeft | Qt::AlignVCenter,
        smallMetrics.elidedText(m_subtitle, Qt::ElideRight, textRect.width()));
}

void TopologyNode::setInfo(int state, const QString &subtitle, const QString &tooltip)
{
    if (state == m_state && subtitle == m_subtitle && tooltip == toolTip())
        return;
    m_state = state;
    m_subtitle = subtitle;
    setToolTip(tooltip);
    update();
}

void TopologyNode::setStacked(bool on)
{
    if (on == m_stacked)
        return;
    prepareGeometryChange();
    m_stacked = on;
    update();
}

void TopologyNode::setHighlighted(bool on)
{
    if (on != m_highlighted) {
        m_highlighted = on;
        update();
    }
}

qreal TopologyNode::width() const
{
    return m_isClient ? kClientWidth : kNodeWidth;
}

TopologyEdge::TopologyEdge(TopologyView::Edge edge, TopologyNode *from, TopologyNode *to)
    : m_edge(std::move(edge)), m_from(from), m_to(to)
{
    setZValue(0);
    rebuildPath();
}

void TopologyEdge::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor colour = this->colour(option->palette);
    QPen pen(colour, m_live ? 1.8 : 1.2);
    if (m_gone)
        pen.setStyle(Qt::DotLine);
    else if (!m_live)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawPolygon(m_arrow);
}

QColor TopologyEdge::colour(const QPalette &palette) const
{
    if (m_gone)
        return goneColor();
    return m_live ? edgeColor(m_edge.kind) : palette.color(QPalette::PlaceholderText);
}

void TopologyEdge::paintLabel(QPainter *painter, const QStyleOptionGraphicsItem *option) const
{
    if (m_label.isEmpty())
        return;
    const QColor colour = this->colour(option->palette);
    painter->setFont(labelFont());
    const QRectF labelRect = this->labelRect();
    if (!m_labelOffset.isNull()) {
        // A label moved off its curve keeps a thin leader to it.
        painter->setPen(QPen(colour, 0.6, Qt::DotLine));
        painter->drawLine(naturalLabelRect().center(), labelRect.center());
    }
    painter->setBrush(option->palette.color(QPalette::Base));
    painter->setPen(QPen(colour, 0.8));
    painter->drawRoundedRect(labelRect, 4, 4);
    painter->setPen(option->palette.color(QPalette::Text));
    painter->drawText(labelRect, Qt::AlignCenter, m_label);
}

QRectF TopologyEdge::naturalLabelRect() const
{
    if (m_label.isEmpty())
        return {};
    const QFontMetricsF metrics(labelFont());
    QRectF rect = metrics.boundingRect(QRectF(0, 0, 1000, 1000), Qt::AlignCenter, m_label)
                      .adjusted(-4, -1, 4, 1);
    rect.moveCenter(m_labelPos);
    if (!m_labelEnd.isNull())
        rect.moveCenter(QPointF(m_labelEnd.x() - 12 - rect.width() / 2, m_labelEnd.y()));
    return rect;
}

QRectF TopologyEdge::labelRect() const
{
    return naturalLabelRect().translated(m_labelOffset);
}

void TopologyEdge::setLabelOffset(const QPointF &offset)
{
    if (offset == m_labelOffset)
        return;
    m_labelOffset = offset;
    updateBounds();
}

void TopologyEdge::updateBounds()
{
    prepareGeometryChange();
    m_bounds =
        (m_path.boundingRect() | m_arrow.boundingRect() | labelRect()).adjusted(-4, -4, 4, 4);
    update();
}

void TopologyEdge::rebuildPath()
{
    prepareGeometryChange();
    const QPointF a = m_from->pos();
    const QPointF b = m_to->pos();
    const qreal fromHalf = m_from->width() / 2;
    const qreal toHalf = m_to->width() / 2;
    QPainterPath path;
    QPointF end;
    m_labelEnd = QPointF();
    QPointF tangentFrom; // a point just before end, to orient the arrow
    const bool pair = m_edge.kind == TopologyView::EdgeKind::Task ||
                      m_edge.kind == TopologyView::EdgeKind::Result;
    if (m_edge.kind == TopologyView::EdgeKind::Reply) {
        // Back to the clients, below the graph.
        const QPointF start(a.x(), a.y() + kNodeHeight / 2);
        end = QPointF(b.x(), b.y() + kNodeHeight / 2);
        const qreal dip = qMax(a.y(), b.y()) + kNodeHeight / 2 + 70;
        path.moveTo(start);
        path.cubicTo(QPointF(start.x(), dip), QPointF(end.x(), dip), end);
        tangentFrom = QPointF(end.x(), end.y() + 10);
        m_labelPos = path.pointAtPercent(0.5);
    } else if (b.x() > a.x()) {
        const qreal offset = pair ? -5 : 0;
        const QPointF start(a.x() + fromHalf, a.y() + offset);
        end = QPointF(b.x() - toHalf, b.y() + offset);
        const qreal dx = (end.x() - start.x()) / 2;
        path.moveTo(start);
        path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end);
        tangentFrom = QPointF(end.x() - 10, end.y());
        m_labelPos = path.pointAtPercent(0.5);
        // A task edge's label sits on its last, level stretch, just before the worker: a column
        // of labels, one per worker row.
        m_labelEnd = m_edge.kind == TopologyView::EdgeKind::Task ? end : QPointF();
    } else if (b.x() < a.x()) {
        const qreal offset = pair ? 5 : 0;
        const QPointF start(a.x() - fromHalf, a.y() + offset);
        end = QPointF(b.x() + toHalf, b.y() + offset);
        const qreal dx = (start.x() - end.x()) / 2;
        path.moveTo(start);
        path.cubicTo(QPointF(start.x() - dx, start.y()), QPointF(end.x() + dx, end.y()), end);
        tangentFrom = QPointF(end.x() + 10, end.y());
        m_labelPos = path.pointAtPercent(0.5);
    } else {
        // Same column: an arc on the right.
        const bool down = b.y() > a.y();
        const QPointF start(a.x() + fromHalf, a.y());
        end = QPointF(b.x() + toHalf, b.y());
        const qreal bulge = toHalf + 40;
        path.moveTo(start);
        path.cubicTo(QPointF(start.x() + bulge, start.y()), QPointF(end.x() + bulge, end.y()), end);
        tangentFrom = QPointF(end.x() + 10, end.y() + (down ? -2 : 2));
        m_labelPos = path.pointAtPercent(0.5);
    }
    m_path = path;
    const QLineF back(end, tangentFrom);
    const qreal angle = std::atan2(back.dy(), back.dx());
    const qreal size = 8;
    m_arrow.clear();
    m_arrow << end << end + QPointF(std::cos(angle + 0.45) * size, std::sin(angle + 0.45) * size)
            << end + QPointF(std::cos(angle - 0.45) * size, std::sin(angle - 0.45) * size);
    updateBounds();
}

void TopologyEdge::setGone(bool gone)
{
    if (gone != m_gone) {
        m_gone = gone;
        update();
    }
}

void TopologyEdge::setFlow(bool live, const QString &label)
{
    if (live == m_live && label == m_label)
        return;
    m_live = live;
    m_label = label;
    updateBounds();
}

TopologyLabels::TopologyLabels(QList<TopologyEdge *> edges) : m_edges(std::move(edges))
{
    setZValue(0.5); // above every edge, below the nodes
    update();
}

void TopologyLabels::labelsMoved()
{
    prepareGeometryChange();
    m_bounds = QRectF();
    for (const TopologyEdge *edge : std::as_const(m_edges)) {
        if (!edge->label().isEmpty())
            m_bounds |= edge->labelRect() | edge->naturalLabelRect();
    }
    m_bounds.adjust(-2, -2, 2, 2);
    update();
}

void TopologyLabels::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    for (const TopologyEdge *edge : std::as_const(m_edges))
        edge->paintLabel(painter, option);
}

TopologyGroup::TopologyGroup(QString title, const QRectF &rect)
    : m_title(std::move(title)), m_rect(rect)
{
    setZValue(-1);
    setToolTip(m_title);
}

void TopologyGroup::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = option->palette.color(QPalette::AlternateBase);
    fill.setAlpha(160);
    painter->setBrush(fill);
    painter->setPen(QPen(option->palette.color(QPalette::Mid), 1.0, Qt::DashLine));
    painter->drawRoundedRect(m_rect.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10);
    painter->setFont(labelFont());
    painter->setPen(option->palette.color(QPalette::PlaceholderText));
    painter->drawText(m_rect.adjusted(10, 3, -10, 0), Qt::AlignLeft | Qt::AlignTop, m_title);
}

} // namespace qpalm
