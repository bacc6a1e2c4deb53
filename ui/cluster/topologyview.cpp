#include "topologyview.h"

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

constexpr qreal kNodeWidth = 124;
constexpr qreal kClientWidth = 84;
constexpr qreal kNodeHeight = 44;
constexpr qreal kColumnGap = 196;
constexpr qreal kRowGap = 62;

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

QColor edgeColor(TopologyView::EdgeKind kind)
{
    switch (kind) {
    case TopologyView::EdgeKind::Request:
    case TopologyView::EdgeKind::Reply:
        return QColor(0x35, 0x6d, 0xb5);
    case TopologyView::EdgeKind::Task:
    case TopologyView::EdgeKind::Result:
        return QColor(0x7a, 0x4f, 0xb0);
    case TopologyView::EdgeKind::Stream:
        break;
    }
    return QColor(0x1f, 0x8a, 0x80);
}

} // namespace

// One server (or the clients) drawn as a rounded box with its name, kind and state.
class TopologyNode : public QGraphicsItem
{
public:
    explicit TopologyNode(QString name, bool isClient)
        : m_name(std::move(name)), m_isClient(isClient)
    {
        setAcceptHoverEvents(true);
        setCursor(Qt::PointingHandCursor);
        setZValue(1);
    }

    QRectF boundingRect() const override
    {
        return QRectF(-width() / 2 - 3, -kNodeHeight / 2 - 3, width() + 6, kNodeHeight + 6);
    }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override
    {
        painter->setRenderHint(QPainter::Antialiasing);
        const QRectF box(-width() / 2, -kNodeHeight / 2, width(), kNodeHeight);
        const QPalette &palette = option->palette;
        const QColor stateColour =
            m_isClient ? QColor(0x35, 0x6d, 0xb5) : ClusterModel::stateColor(m_state);
        QColor fill = palette.color(QPalette::Base);
        if (m_state == int(ServerHandle::State::Failed))
            fill = QColor(0xfd, 0xec, 0xec);
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

    void setInfo(int state, const QString &subtitle, const QString &tooltip)
    {
        if (state == m_state && subtitle == m_subtitle && tooltip == toolTip())
            return;
        m_state = state;
        m_subtitle = subtitle;
        setToolTip(tooltip);
        update();
    }

    void setHighlighted(bool on)
    {
        if (on != m_highlighted) {
            m_highlighted = on;
            update();
        }
    }

    const QString &name() const { return m_name; }
    bool isClient() const { return m_isClient; }
    qreal width() const { return m_isClient ? kClientWidth : kNodeWidth; }
    int state() const { return m_state; }
    QString text() const { return m_name + QLatin1Char('\n') + m_subtitle; }

private:
    QString m_name;
    bool m_isClient;
    int m_state = int(ServerHandle::State::Stopped);
    QString m_subtitle;
    bool m_highlighted = false;
};

// One connection: a curve with an arrow head and, when the flow is live, its rate.
class TopologyEdge : public QGraphicsItem
{
public:
    TopologyEdge(TopologyView::Edge edge, TopologyNode *from, TopologyNode *to)
        : m_edge(std::move(edge)), m_from(from), m_to(to)
    {
        setZValue(0);
        rebuildPath();
    }

    QRectF boundingRect() const override { return m_bounds; }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *) override
    {
        painter->setRenderHint(QPainter::Antialiasing);
        QColor colour = edgeColor(m_edge.kind);
        if (!m_live)
            colour = option->palette.color(QPalette::PlaceholderText);
        QPen pen(colour, m_live ? 1.8 : 1.2);
        if (!m_live)
            pen.setStyle(Qt::DashLine);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(m_path);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour);
        painter->drawPolygon(m_arrow);
        if (m_label.isEmpty())
            return;
        QFont font = painter->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        painter->setFont(font);
        const QFontMetricsF metrics(font);
        QRectF labelRect = metrics.boundingRect(m_label).adjusted(-4, -1, 4, 1);
        labelRect.moveCenter(m_labelPos);
        painter->setBrush(option->palette.color(QPalette::Base));
        painter->setPen(QPen(colour, 0.8));
        painter->drawRoundedRect(labelRect, 4, 4);
        painter->setPen(option->palette.color(QPalette::Text));
        painter->drawText(labelRect, Qt::AlignCenter, m_label);
    }

    void rebuildPath()
    {
        prepareGeometryChange();
        const QPointF a = m_from->pos();
        const QPointF b = m_to->pos();
        const qreal fromHalf = m_from->width() / 2;
        const qreal toHalf = m_to->width() / 2;
        QPainterPath path;
        QPointF end;
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
            m_labelPos =
                path.pointAtPercent(m_edge.kind == TopologyView::EdgeKind::Task ? 0.7 : 0.5);
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
            path.cubicTo(QPointF(start.x() + bulge, start.y()), QPointF(end.x() + bulge, end.y()),
                         end);
            tangentFrom = QPointF(end.x() + 10, end.y() + (down ? -2 : 2));
            m_labelPos = path.pointAtPercent(0.5);
        }
        m_path = path;
        const QLineF back(end, tangentFrom);
        const qreal angle = std::atan2(back.dy(), back.dx());
        const qreal size = 8;
        m_arrow.clear();
        m_arrow << end
                << end + QPointF(std::cos(angle + 0.45) * size, std::sin(angle + 0.45) * size)
                << end + QPointF(std::cos(angle - 0.45) * size, std::sin(angle - 0.45) * size);
        m_bounds = (path.boundingRect() | m_arrow.boundingRect() |
                    QRectF(m_labelPos - QPointF(40, 12), QSizeF(80, 24)))
                       .adjusted(-4, -4, 4, 4);
        update();
    }

    void setFlow(bool live, const QString &label)
    {
        if (live == m_live && label == m_label)
            return;
        m_live = live;
        m_label = label;
        update();
    }

    const TopologyView::Edge &edge() const { return m_edge; }
    const QString &label() const { return m_label; }

private:
    TopologyView::Edge m_edge;
    TopologyNode *m_from;
    TopologyNode *m_to;
    QPainterPath m_path;
    QPolygonF m_arrow;
    QPointF m_labelPos;
    QRectF m_bounds;
    bool m_live = false;
    QString m_label;
};

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

    // Columns by longest forward path from the clients; replies and results are back edges.
    const QString client = clientNodeName();
    QHash<QString, int> layer;
    layer.insert(client, 0);
    for (const ServerHandle *s : std::as_const(servers))
        layer.insert(s->name(), 1);
    QHash<QString, ServerKind> kinds;
    for (const ServerHandle *s : std::as_const(servers))
        kinds.insert(s->name(), s->kind());
    for (int pass = 0; pass < servers.size() + 1; ++pass) {
        bool changed = false;
        for (const Edge &e : std::as_const(m_edges)) {
            if (e.kind == EdgeKind::Reply || e.kind == EdgeKind::Result)
                continue;
            // Leave a column for a master's workers before the stages it feeds.
            const int gap =
                e.kind == EdgeKind::Stream && hasWorkers(kinds.value(e.from)) &&
                        std::any_of(m_edges.cbegin(), m_edges.cend(),
                                    [&](const Edge &t) {
                                        return t.kind == EdgeKind::Task && t.from == e.from;
                                    })
                    ? 2
                    : 1;
            const int wanted = layer.value(e.from) + gap;
            if (layer.value(e.to) < wanted) {
                layer[e.to] = wanted;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    int maxLayer = 0;
    for (int l : std::as_const(layer))
        maxLayer = qMax(maxLayer, l);
    QList<QStringList> columns(maxLayer + 1);
    columns[0].append(client);
    for (const ServerHandle *s : std::as_const(servers))
        columns[layer.value(s->name())].append(s->name());

    for (int c = 0; c < columns.size(); ++c) {
        const QStringList &names = columns[c];
        for (int i = 0; i < names.size(); ++i) {
            auto *node = new TopologyNode(names[i], c == 0);
            // The narrow clients column sits a shorter gap before the first servers.
            const qreal x =
                c == 0 ? 0
                       : kClientWidth / 2 + (kColumnGap - kNodeWidth / 2) + (c - 1) * kColumnGap;
            node->setPos(x, (i - (names.size() - 1) / 2.0) * kRowGap);
            scene()->addItem(node);
            m_nodes.insert(names[i], node);
        }
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
