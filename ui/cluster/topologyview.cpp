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

// A tcp endpoint split into host and port; other transports keep the whole address.
struct Endpoint
{
    QString scheme;
    QString host;
    QString port;
};

Endpoint parseEndpoint(const QString &address)
{
    Endpoint e;
    const qsizetype sep = address.indexOf(QLatin1String("://"));
    if (sep < 0)
        return {QString(), address, QString()};
    e.scheme = address.left(sep);
    const QString rest = address.mid(sep + 3);
    if (e.scheme != QLatin1String("tcp")) {
        e.host = rest;
        return e;
    }
    const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
    e.host = colon < 0 ? rest : rest.left(colon);
    e.port = colon < 0 ? QString() : rest.mid(colon + 1);
    if (e.host == QLatin1String("localhost") || e.host == QLatin1String("[::1]"))
        e.host = QStringLiteral("127.0.0.1");
    return e;
}

// True when a socket connecting to connectAddress reaches one bound at bindAddress.
bool sameEndpoint(const QString &bindAddress, const QString &connectAddress)
{
    if (bindAddress.isEmpty() || connectAddress.isEmpty())
        return false;
    if (bindAddress == connectAddress)
        return !bindAddress.endsWith(QLatin1String(":*"));
    const Endpoint b = parseEndpoint(bindAddress);
    const Endpoint c = parseEndpoint(connectAddress);
    if (b.scheme != c.scheme)
        return false;
    if (b.scheme != QLatin1String("tcp"))
        return b.host == c.host;
    if (b.port.isEmpty() || b.port == QLatin1String("*") || b.port != c.port)
        return false;
    const bool anyHost = b.host == QLatin1String("*") || b.host == QLatin1String("0.0.0.0");
    return anyHost || b.host == c.host;
}

// A server's address for parameter: the resolved one once bound, else the configured one.
QString addressOf(const ServerHandle *server, const QString &parameter)
{
    const QString resolved = server->address(parameter);
    if (!resolved.isEmpty())
        return resolved;
    const auto named = server->config().namedAddresses();
    for (const auto &[name, address] : named) {
        if (name == parameter)
            return address;
    }
    return {};
}

bool hasWorkers(ServerKind kind)
{
    return kind == ServerKind::Master || kind == ServerKind::Hub;
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

QList<TopologyView::Edge> TopologyView::computeEdges(const QList<ServerHandle *> &servers)
{
    QList<Edge> edges;
    const QString client = clientNodeName();
    QSet<QString> consumedPublishers;
    for (const ServerHandle *s : servers) {
        switch (s->kind()) {
        case ServerKind::Server:
        case ServerKind::Master:
            edges.append({client, s->name(), EdgeKind::Request});
            break;
        case ServerKind::Worker: {
            const QString db = addressOf(s, QStringLiteral("db_address"));
            const QString push = addressOf(s, QStringLiteral("worker_push_address"));
            for (const ServerHandle *m : servers) {
                if (!hasWorkers(m->kind()))
                    continue;
                if (sameEndpoint(addressOf(m, QStringLiteral("db_address")), db) ||
                    sameEndpoint(addressOf(m, QStringLiteral("worker_push_address")), push)) {
                    edges.append({m->name(), s->name(), EdgeKind::Task});
                    edges.append({s->name(), m->name(), EdgeKind::Result});
                    break;
                }
            }
            break;
        }
        case ServerKind::Hub:
        case ServerKind::Pipeline:
        case ServerKind::Sink: {
            QStringList subs = s->kind() == ServerKind::Sink ? s->config().subAddresses
                                                             : QStringList{s->config().subAddress};
            for (const QString &sub : std::as_const(subs)) {
                for (const ServerHandle *p : servers) {
                    if (p == s || p->kind() == ServerKind::Worker)
                        continue;
                    if (sameEndpoint(addressOf(p, QStringLiteral("pub_address")), sub)) {
                        edges.append({p->name(), s->name(), EdgeKind::Stream});
                        consumedPublishers.insert(p->name());
                    }
                }
            }
            break;
        }
        }
    }
    for (const ServerHandle *s : servers) {
        if (s->kind() != ServerKind::Worker && !consumedPublishers.contains(s->name()))
            edges.append({s->name(), client, EdgeKind::Reply});
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
    m_edges = computeEdges(servers);

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
    QList<ServerHandle *> servers;
    for (int row = 0; row < m_model->rowCount(); ++row)
        servers.append(m_model->serverAt(row));
    if (computeEdges(servers) != m_edges)
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
