// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "topologyview.h"

#include <QFont>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>

namespace qpalm {

// Sizes of the topology drawing, shared by the items and the layout.
namespace topology {
constexpr qreal kNodeWidth = 124;
constexpr qreal kClientWidth = 84;
constexpr qreal kNodeHeight = 44;
constexpr qreal kColumnGap = 196; // between column centres
constexpr qreal kRowGap = 62;     // between row centres
// The font of edge labels and group titles (the application font, smaller).
QFont labelFont();
// The colour of an edge kind (request/reply, task/result, stream/cache).
QColor edgeColor(TopologyView::EdgeKind kind);
// The colour of an edge to a worker its master gave up on (the ledger's "gone").
QColor goneColor();
} // namespace topology

// One server (or the clients) drawn as a rounded box with its name, kind and state.
class TopologyNode : public QGraphicsItem
{
public:
    TopologyNode(QString name, bool isClient);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override;

    // state is a ServerHandle::State; tooltip shows on hover.
    void setInfo(int state, const QString &subtitle, const QString &tooltip);
    void setHighlighted(bool on);
    // Stands for several peers drawn as one (a master's PUSH/PULL workers): a box behind the box.
    void setStacked(bool on);

    const QString &name() const { return m_name; }
    bool isClient() const { return m_isClient; }
    qreal width() const;
    int state() const { return m_state; }
    QString text() const { return m_name + QLatin1Char('\n') + m_subtitle; }

private:
    QString m_name;
    bool m_isClient;
    int m_state;
    QString m_subtitle;
    bool m_highlighted = false;
    bool m_stacked = false;
};

// One connection: a curve with an arrow head and, when the flow is live, its rate.
class TopologyEdge : public QGraphicsItem
{
public:
    TopologyEdge(TopologyView::Edge edge, TopologyNode *from, TopologyNode *to);

    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override;

    // Recomputes the curve from the nodes' positions.
    void rebuildPath();
    // live: both ends run (solid line); label: the rate shown on it (empty: none).
    void setFlow(bool live, const QString &label);
    // The worker of this task/result edge was given up on by its master (drawn as such).
    void setGone(bool gone);
    bool isGone() const { return m_gone; }
    // Where the label would sit on the curve (scene), before any offset, and its size.
    QRectF naturalLabelRect() const;
    // Moves the label off the curve's point to avoid others; labelRect() is where it is drawn.
    void setLabelOffset(const QPointF &offset);
    QRectF labelRect() const;

    const TopologyView::Edge &edge() const { return m_edge; }
    const QString &label() const { return m_label; }
    // Draws the label (a TopologyLabels layer calls it, so that no edge crosses a label).
    void paintLabel(QPainter *painter, const QStyleOptionGraphicsItem *option) const;

private:
    TopologyView::Edge m_edge;
    TopologyNode *m_from;
    TopologyNode *m_to;
    QPainterPath m_path;
    QPolygonF m_arrow;
    QPointF m_labelPos;
    QPointF m_labelEnd; // a task edge's arrow tip: its label ends just before it (null: centred)
    QPointF m_labelOffset;
    QRectF m_bounds;
    bool m_live = false;
    bool m_gone = false;
    QString m_label;
    void updateBounds();
    QColor colour(const QPalette &palette) const;
};

// The edges' labels, drawn above every edge and below the nodes.
class TopologyLabels : public QGraphicsItem
{
public:
    explicit TopologyLabels(QList<TopologyEdge *> edges);
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override;
    // Call after labels changed or moved.
    void labelsMoved();

private:
    QList<TopologyEdge *> m_edges;
    QRectF m_bounds;
};

// A host: a titled box behind its servers' nodes.
class TopologyGroup : public QGraphicsItem
{
public:
    TopologyGroup(QString title, const QRectF &rect);
    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override;
    const QString &title() const { return m_title; }

private:
    QString m_title;
    QRectF m_rect;
};

} // namespace qpalm
