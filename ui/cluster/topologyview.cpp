// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyview.h"

#include "topologyitems.h"
#include "topologylayout.h"

#include "clustermodel.h"
#include "serverhandle.h"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionGraphicsItem>
#include <QTimer>

#include <cmath>

namespace qpalm {

namespace {

QString rateLabel(double rate)
{
    if (rate < 10)
        return QStringLiteral("%1/s").arg(rate, 0, 'f', rate > 0 ? 1 : 0);
    return QStringLiteral("%1/s").arg(qRound64(rate));
}

} // namespace

TopologyView::TopologyView(QWidget *parent) : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setAlignment(Qt::AlignCenter);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setMinimumSize(240, 160);
    setToolTip(tr("Click a server to show only its log; click the background to show every log"));
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(250);
    connect(m_refreshTimer, &QTimer::timeout, this, &TopologyView::refresh);
}

TopologyView::~TopologyView() = default;

QString TopologyView::clientNodeName()
{
    return tr("clients");
}

void TopologyView::setModel(ClusterModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &QAbstractItemModel::modelReset, this, &TopologyView::relayout);
        connect(m_model, &QAbstractItemModel::rowsInserted, this, &TopologyView::relayout);
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TopologyView::relayout);
        connect(m_model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &topLeft) {
                    onDataChanged(topLeft.column() <= ClusterModel::StateColumn);
                });
        connect(m_model, &QObject::destroyed, this, [this] {
            m_model = nullptr;
            relayout();
        });
    }
    relayout();
}

QList<TopologyView::Edge> TopologyView::graphEdges() const
{
    QList<Edge> edges;
    if (!m_model)
        return edges;
    const QString client = clientNodeName();
    const QList<Edge> all = m_model->graph().edges();
    for (Edge edge : all) {
        if (edge.kind == EdgeKind::Cache)
            continue;
        if (edge.from == ClusterGraph::clientNode())
            edge.from = client;
        if (edge.to == ClusterGraph::clientNode())
            edge.to = client;
        edges.append(edge);
    }
    return edges;
}

QStringList TopologyView::nodeNames() const
{
    QStringList names = m_nodes.keys();
    names.sort();
    return names;
}

QString TopologyView::nodeText(const QString &name) const
{
    const TopologyNode *node = m_nodes.value(name);
    return node ? node->text() : QString();
}

QString TopologyView::edgeLabel(const QString &from, const QString &to) const
{
    for (const TopologyEdge *item : m_edgeItems) {
        if (item->edge().from == from && item->edge().to == to)
            return item->label();
    }
    return {};
}

QPoint TopologyView::nodeViewPosition(const QString &name) const
{
    const TopologyNode *node = m_nodes.value(name);
    return node ? mapFromScene(node->pos()) : QPoint(-1, -1);
}

void TopologyView::setShowRates(bool on)
{
    m_showRates = on;
    refresh();
}

void TopologyView::highlightServer(const QString &name)
{
    m_highlighted = name;
    for (TopologyNode *node : std::as_const(m_nodes))
        node->setHighlighted(!name.isEmpty() && node->name() == name && !node->isClient());
}

void TopologyView::relayout()
{
    scene()->clear();
    m_nodes.clear();
    m_edgeItems.clear();
    m_edges.clear();
    if (!m_model || m_model->rowCount() == 0) {
        scene()->setSceneRect(QRectF());
        return;
    }
    QList<ServerHandle *> servers;
    for (int row = 0; row < m_model->rowCount(); ++row)
        servers.append(m_model->serverAt(row));
    m_edges = graphEdges();

    QStringList names;
    for (const ServerHandle *s : std::as_const(servers))
        names.append(s->name());
    const QString client = clientNodeName();
    const QHash<QString, QPointF> positions = layoutTopology(names, m_edges, client);
    for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
        auto *node = new TopologyNode(it.key(), it.key() == client);
        node->setPos(it.value());
        scene()->addItem(node);
        m_nodes.insert(it.key(), node);
    }
    for (const Edge &e : std::as_const(m_edges)) {
        TopologyNode *from = m_nodes.value(e.from);
        TopologyNode *to = m_nodes.value(e.to);
        if (!from || !to)
            continue;
        auto *item = new TopologyEdge(e, from, to);
        scene()->addItem(item);
        m_edgeItems.append(item);
    }
    highlightServer(m_highlighted);
    refresh();
    const QRectF bounds = scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    scene()->setSceneRect(bounds);
    fitScene();
}

void TopologyView::onDataChanged(bool stateChanged)
{
    if (!m_model)
        return;
    if (!stateChanged) {
        // Rates: repaint at most a few times a second, however many servers report.
        if (!m_refreshTimer->isActive())
            m_refreshTimer->start();
        return;
    }
    // Addresses resolve when servers bind, which may reveal connections.
    if (graphEdges() != m_edges)
        relayout();
    else
        refresh();
}

void TopologyView::refresh()
{
    if (!m_model)
        return;
    const QString client = clientNodeName();
    auto running = [this, &client](const QString &name) {
        if (name == client)
            return true;
        const ServerHandle *s = m_model->serverAt(m_model->rowOf(name));
        return s && s->state() == ServerHandle::State::Running;
    };
    for (TopologyNode *node : std::as_const(m_nodes)) {
        if (node->isClient())
            continue;
        const ServerHandle *s = m_model->serverAt(m_model->rowOf(node->name()));
        if (!s)
            continue;
        const auto state = s->state();
        QString subtitle = kindName(s->kind()) + QStringLiteral(" · ");
        subtitle +=
            state == ServerHandle::State::Failed ? tr("failed") : ClusterModel::stateText(s);
        QString tip = ClusterModel::stateText(s);
        if (state == ServerHandle::State::Running)
            tip += tr("\nin %1, out %2")
                       .arg(rateLabel(m_model->inRate(s->name())),
                            rateLabel(m_model->outRate(s->name())));
        node->setInfo(int(state), subtitle, s->name() + QLatin1Char('\n') + tip);
    }
    if (TopologyNode *clients = m_nodes.value(client))
        clients->setInfo(int(ServerHandle::State::Running), tr("external"),
                         tr("Clients sending to the cluster"));

    for (TopologyEdge *item : std::as_const(m_edgeItems)) {
        const Edge &e = item->edge();
        const bool live = running(e.from) && running(e.to);
        double rate = 0;
        switch (e.kind) {
        case EdgeKind::Request:
        case EdgeKind::Task:
            rate = m_model->inRate(e.to);
            break;
        case EdgeKind::Result:
        case EdgeKind::Stream:
        case EdgeKind::Reply:
        case EdgeKind::Cache:
            rate = m_model->outRate(e.from);
            break;
        }
        // A worker's results mirror its tasks: one label per pair, on the task edge.
        const bool labelled = live && m_showRates && e.kind != EdgeKind::Result;
        item->setFlow(live, labelled ? rateLabel(rate) : QString());
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

void TopologyView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        QGraphicsItem *item = itemAt(event->position().toPoint());
        TopologyNode *node = nullptr;
        for (; item && !node; item = item->parentItem()) {
            for (TopologyNode *candidate : std::as_const(m_nodes)) {
                if (candidate == item) {
                    node = candidate;
                    break;
                }
            }
        }
        const QString name = node && !node->isClient() ? node->name() : QString();
        highlightServer(name);
        Q_EMIT serverActivated(name);
    }
    QGraphicsView::mousePressEvent(event);
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    fitScene();
}

} // namespace qpalm
