// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyview.h"

#include "topologyitems.h"
#include "topologylayout.h"
#include "topologyledger.h"
#include "topologyplain.h"

#include "clustermodel.h"
#include "serverhandle.h"

#include <QDateTime>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QTimer>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace qpalm {

namespace {

QString latencyKey(const QString &from, const QString &to)
{
    return from + QLatin1Char('\n') + to;
}

QString msText(double ms)
{
    return ms < 10 ? QString::number(ms, 'f', 1) : QString::number(qRound64(ms));
}

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
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setMinimumSize(240, 160);
    setToolTip(tr("Click a server to show only its log; click the background to show every log. "
                  "Ctrl+wheel or +/- zooms, 0 fits, drag to pan."));
    auto button = [this](const char *name, const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setObjectName(QLatin1String(name));
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(false);
        b->setFocusPolicy(Qt::NoFocus);
        m_buttons.append(b);
        return b;
    };
    connect(button("zoomOut", QStringLiteral("−"), tr("Zoom out (-)")), &QToolButton::clicked, this,
            &TopologyView::zoomOut);
    connect(button("zoomIn", QStringLiteral("+"), tr("Zoom in (+, Ctrl+wheel)")),
            &QToolButton::clicked, this, &TopologyView::zoomIn);
    connect(button("zoomFit", tr("Fit"), tr("Show the whole cluster (0)")), &QToolButton::clicked,
            this, &TopologyView::fitToView);
    QToolButton *legend = button("legendToggle", tr("Legend"), tr("Show or hide the legend"));
    legend->setCheckable(true);
    legend->setChecked(m_legendVisible);
    connect(legend, &QToolButton::toggled, this, &TopologyView::setLegendVisible);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(250);
    // Rates; and PUSH/PULL workers appear with the first results they send back.
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        if (m_model && graphEdges() != m_edges)
            relayout();
        else
            refresh();
    });
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
    // A master's PUSH/PULL workers, not servers of the cluster: one node, one task/result pair.
    const QStringList masters = topologyplain::masters(*m_model);
    for (const QString &master : masters) {
        const QString plain = topologyplain::nodeName(master);
        edges.append({master, plain, EdgeKind::Task, {}});
        edges.append({plain, master, EdgeKind::Result, {}});
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

QString TopologyView::edgeToolTip(const QString &from, const QString &to) const
{
    for (const TopologyEdge *item : m_edgeItems) {
        if (item->edge().from == from && item->edge().to == to)
            return item->toolTip();
    }
    return {};
}

bool TopologyView::isEdgeGone(const QString &from, const QString &to) const
{
    for (const TopologyEdge *item : m_edgeItems) {
        if (item->edge().from == from && item->edge().to == to)
            return item->isGone();
    }
    return false;
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
    m_plainNodes.clear();
    m_edgeItems.clear();
    m_groups.clear();
    m_labels = nullptr;
    m_edges.clear();
    if (!m_model || m_model->rowCount() == 0) {
        scene()->setSceneRect(QRectF());
        return;
    }
    QList<ServerHandle *> servers;
    for (int row = 0; row < m_model->rowCount(); ++row)
        servers.append(m_model->serverAt(row));
    m_edges = graphEdges();

    // Servers of one host stay together in each column: order them by host, hosts by first use.
    QStringList hosts;
    QHash<QString, QString> hostByServer;
    for (const ServerHandle *s : std::as_const(servers)) {
        const QString host = hostOf(s);
        hostByServer.insert(s->name(), host);
        if (!hosts.contains(host))
            hosts.append(host);
    }
    QStringList names;
    for (const QString &host : std::as_const(hosts)) {
        for (const ServerHandle *s : std::as_const(servers)) {
            if (hostByServer.value(s->name()) == host)
                names.append(s->name());
        }
    }
    // PUSH/PULL workers sit in their master's worker column, in no host's group.
    for (const Edge &e : std::as_const(m_edges)) {
        if (e.kind == EdgeKind::Task && !hostByServer.contains(e.to)) {
            m_plainNodes.insert(e.to, e.from);
            names.append(e.to);
        }
    }
    const QString client = clientNodeName();
    // Room before a worker column for its task edges' ledger labels (the widest they grow to).
    const QFontMetricsF metrics(topology::labelFont());
    qreal ledgerWidth = 0;
    for (const QString &line : {tr("9999/s · 999 in flight"), tr("999 requeued · 99 dup dropped"),
                                tr("p50 99.9 ms · p99 999 ms")})
        ledgerWidth = std::max(ledgerWidth, metrics.horizontalAdvance(line) + 8);
    const qreal workerGapExtra =
        std::max<qreal>(0, ledgerWidth + 60 - (topology::kColumnGap - topology::kNodeWidth));
    const QHash<QString, QPointF> positions =
        layoutTopology(names, m_edges, client, workerGapExtra);
    for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
        auto *node = new TopologyNode(it.key(), it.key() == client);
        node->setStacked(m_plainNodes.contains(it.key()));
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
    m_labels = new TopologyLabels(m_edgeItems);
    scene()->addItem(m_labels);
    for (const QString &host : std::as_const(hosts)) {
        QRectF box;
        for (auto it = hostByServer.cbegin(); it != hostByServer.cend(); ++it) {
            if (it.value() == host && m_nodes.contains(it.key()))
                box |= m_nodes.value(it.key())->sceneBoundingRect();
        }
        if (box.isEmpty())
            continue;
        auto *group = new TopologyGroup(host, box.adjusted(-12, -22, 12, 12));
        scene()->addItem(group);
        m_groups.append(group);
    }
    highlightServer(m_highlighted);
    refresh();
    const QRectF bounds = scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    scene()->setSceneRect(bounds);
    if (m_autoFit)
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
        const ServerHandle *s = m_model->serverAt(m_model->rowOf(m_plainNodes.value(name, name)));
        return s && s->state() == ServerHandle::State::Running;
    };
    for (TopologyNode *node : std::as_const(m_nodes)) {
        if (node->isClient())
            continue;
        if (const QString master = m_plainNodes.value(node->name()); !master.isEmpty()) {
            const ServerHandle *s = m_model->serverAt(m_model->rowOf(master));
            const quint64 results = s ? s->stats().fromPlainWorkers : 0;
            node->setInfo(
                int(running(master) ? ServerHandle::State::Running : ServerHandle::State::Stopped),
                topologyplain::subtitle(), topologyplain::toolTip(master, results));
            continue;
        }
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

    // The reliable path's ledger, as each running master last reported it.
    QHash<QString, QList<WorkerLedger>> ledgers;
    for (const TopologyEdge *item : std::as_const(m_edgeItems)) {
        const Edge &e = item->edge();
        if (e.kind == EdgeKind::Task && !ledgers.contains(e.from) && running(e.from))
            ledgers.insert(e.from, m_model->serverAt(m_model->rowOf(e.from))->stats().ledger);
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();

    for (TopologyEdge *item : std::as_const(m_edgeItems)) {
        const Edge &e = item->edge();
        const bool live = running(e.from) && running(e.to);
        const bool worksFor = e.kind == EdgeKind::Task || e.kind == EdgeKind::Result;
        const QString master = e.kind == EdgeKind::Task ? e.from : e.to;
        const QString worker = e.kind == EdgeKind::Task ? e.to : e.from;
        const std::optional<WorkerLedger> ledger =
            worksFor && ledgers.contains(master)
                ? topologyledger::entryOf(ledgers.value(master), worker)
                : std::nullopt;
        const bool gone = ledger && ledger->gone;
        if (const QString plainMaster = m_plainNodes.value(e.to); !plainMaster.isEmpty()) {
            const ServerHandle *s = m_model->serverAt(m_model->rowOf(plainMaster));
            const quint64 results = s ? s->stats().fromPlainWorkers : 0;
            item->setFlow(live, live && m_showRates
                                    ? topologyplain::label(
                                          rateLabel(m_model->plainWorkerRate(plainMaster)), results)
                                    : QString());
            item->setGone(false);
            item->setToolTip(topologyplain::toolTip(plainMaster, results));
            continue;
        }
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
        const bool labelled = (live || gone) && m_showRates && e.kind != EdgeKind::Result;
        QString latency;
        if (const auto it = m_latency.constFind(latencyKey(e.from, e.to));
            labelled && it != m_latency.cend())
            latency = tr("p50 %1 ms · p99 %2 ms").arg(msText(it->first), msText(it->second));
        QString label;
        if (labelled && ledger && ledger->latencyP50Us > 0)
            latency = topologyledger::latencyText(*ledger); // the master measures this edge
        if (labelled && ledger)
            label = topologyledger::label(*ledger, rateLabel(rate), latency);
        else if (labelled && live)
            label = latency.isEmpty() ? rateLabel(rate) : rateLabel(rate) + u'\n' + latency;
        item->setFlow(live && !gone, label);
        item->setGone(gone);
        item->setToolTip(ledger ? topologyledger::toolTip(master, *ledger, now) : QString());
    }
    placeLabels();
}

void TopologyView::placeLabels()
{
    // Greedy, in reading order: each label takes the nearest free slot above or below its
    // curve's point, clear of nodes and of the labels placed before it.
    QList<TopologyEdge *> labelled;
    for (TopologyEdge *item : std::as_const(m_edgeItems)) {
        if (item->label().isEmpty())
            item->setLabelOffset({});
        else
            labelled.append(item);
    }
    std::stable_sort(labelled.begin(), labelled.end(), [](TopologyEdge *a, TopologyEdge *b) {
        const QPointF pa = a->naturalLabelRect().center();
        const QPointF pb = b->naturalLabelRect().center();
        return pa.x() != pb.x() ? pa.x() < pb.x() : pa.y() < pb.y();
    });
    QList<QRectF> taken;
    for (const TopologyNode *node : std::as_const(m_nodes))
        taken.append(node->sceneBoundingRect());
    for (TopologyEdge *item : std::as_const(labelled)) {
        const QRectF natural = item->naturalLabelRect();
        const qreal step = natural.height() / 2 + 1;
        auto isFree = [&taken](const QRectF &rect) {
            return std::none_of(taken.cbegin(), taken.cend(),
                                [&rect](const QRectF &other) { return other.intersects(rect); });
        };
        QPointF offset;
        for (int attempt = 1; attempt < 400 && !isFree(natural.translated(offset)); ++attempt) {
            // 0, +1, -1, +2, -2, ... half-heights; after a while also sideways.
            const int k = (attempt + 1) / 2;
            const qreal dy = (attempt % 2 ? 1 : -1) * k * step;
            const qreal dx = k > 12 ? (k - 12) * 8.0 : 0.0;
            offset = QPointF(dx, dy);
        }
        item->setLabelOffset(offset);
        taken.append(item->labelRect().adjusted(-1, -1, 1, 1));
    }
    if (m_labels)
        m_labels->labelsMoved();
}

QList<QRectF> TopologyView::edgeLabelRects() const
{
    QList<QRectF> rects;
    for (const TopologyEdge *item : m_edgeItems) {
        if (!item->label().isEmpty())
            rects.append(item->labelRect());
    }
    return rects;
}

void TopologyView::setEdgeLatency(const QString &from, const QString &to, double p50ms,
                                  double p99ms)
{
    if (p50ms < 0)
        m_latency.remove(latencyKey(from, to));
    else
        m_latency.insert(latencyKey(from, to), {p50ms, p99ms});
    refresh();
}

QString TopologyView::thisMachine()
{
    return tr("this machine");
}

QString TopologyView::hostOf(const ServerHandle *server) const
{
    if (const QString label = server->hostLabel(); !label.isEmpty())
        return label;
    const QString host = m_model ? m_model->graph().hostOf(server->name()) : QString();
    return host.isEmpty() ? thisMachine() : host;
}

QMap<QString, QStringList> TopologyView::hostGroups() const
{
    QMap<QString, QStringList> groups;
    if (!m_model)
        return groups;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const ServerHandle *s = m_model->serverAt(row);
        groups[hostOf(s)].append(s->name());
    }
    return groups;
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
        // The clients and PUSH/PULL workers are no servers of the cluster.
        const QString name = node && !node->isClient() && !m_plainNodes.contains(node->name())
                                 ? node->name()
                                 : QString();
        highlightServer(name);
        Q_EMIT serverActivated(name);
    }
    QGraphicsView::mousePressEvent(event);
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    placeButtons();
    if (m_autoFit)
        fitScene();
}

} // namespace qpalm
