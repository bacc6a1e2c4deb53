// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clustergraph.h"

#include <QGraphicsView>
#include <QHash>
#include <QMap>
#include <QStringList>

class QTimer;
class QToolButton;

namespace qpalm {

class ClusterModel;
class ServerHandle;
class TopologyNode;
class TopologyEdge;
class TopologyGroup;
class TopologyLabels;

// The cluster as a graph: servers as nodes grouped by host, their sockets' connections as edges
// with live rates (and latency where measured); master -> worker edges show the master's ledger of
// that worker (in flight, requeued, duplicates dropped, gone); a master's PUSH/PULL (pylm) workers
// are one node with what they returned. Zoom with Ctrl+wheel, +/- or the
// buttons; drag to pan; a legend names edge kinds and states.
class TopologyView : public QGraphicsView
{
    Q_OBJECT
public:
    // The engine's edges (ClusterGraph), the clients node named clientNodeName().
    using Edge = ClusterGraph::Edge;
    using EdgeKind = ClusterGraph::EdgeKind;

    explicit TopologyView(QWidget *parent = nullptr);
    ~TopologyView() override;

    // Follows model's servers (not owned).
    void setModel(ClusterModel *model);
    // The node standing for the cluster's clients.
    static QString clientNodeName();
    // The connections drawn: the model's graph without its cache edges.
    QList<Edge> edges() const { return m_edges; }
    QStringList nodeNames() const;
    // The text a node shows (name, kind, state), and an edge's rate label; for tests and tooltips.
    QString nodeText(const QString &name) const;
    QString edgeLabel(const QString &from, const QString &to) const;
    // A master -> worker edge's tooltip (the worker's whole ledger entry), and whether its worker
    // is gone by the master's ledger.
    QString edgeToolTip(const QString &from, const QString &to) const;
    bool isEdgeGone(const QString &from, const QString &to) const;
    // Where a node's centre is, in view coordinates.
    QPoint nodeViewPosition(const QString &name) const;
    QString highlightedServer() const { return m_highlighted; }
    void setShowRates(bool on);

    // The view's scale (1 = 100%).
    qreal zoomFactor() const;
    // Shown edge labels, scene coordinates; they never overlap each other or a node.
    QList<QRectF> edgeLabelRects() const;
    // Latency measured on an edge (the client panel measures clients -> entry); its label shows
    // p50/p99. Negative p50 forgets it.
    void setEdgeLatency(const QString &from, const QString &to, double p50ms, double p99ms);
    // Servers by host: hostLabel() or the host the server binds on, else thisMachine().
    QMap<QString, QStringList> hostGroups() const;
    static QString thisMachine();
    // The legend's lines (edge kinds, then states), and whether it is drawn.
    static QStringList legendEntries();
    bool isLegendVisible() const { return m_legendVisible; }
    void setLegendVisible(bool on);
    // Where the legend is drawn, viewport coordinates (empty when hidden).
    QRect legendRect() const;

public Q_SLOTS:
    // Marks one node (empty clears).
    void highlightServer(const QString &name);
    // Rebuilds nodes, edges and their placement.
    void relayout();
    // Zoom by a step, or fit the whole graph (and keep fitting on resize until the next zoom).
    void zoomIn();
    void zoomOut();
    void fitToView();

Q_SIGNALS:
    // GUI thread: a node was clicked (empty: the background or the clients node).
    void serverActivated(const QString &name);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void refresh();
    void fitScene();
    void zoomBy(qreal factor);
    void placeLabels();
    void placeButtons();
    QString hostOf(const ServerHandle *server) const;
    void onDataChanged(bool stateChanged);
    QList<Edge> graphEdges() const;

    ClusterModel *m_model = nullptr;
    QList<Edge> m_edges;
    QHash<QString, TopologyNode *> m_nodes;
    QHash<QString, QString> m_plainNodes; // a master's PUSH/PULL workers' node -> the master
    QList<TopologyEdge *> m_edgeItems;
    QList<TopologyGroup *> m_groups;
    TopologyLabels *m_labels = nullptr;              // in the scene
    QHash<QString, QPair<double, double>> m_latency; // "from\nto" -> p50, p99 (ms)
    QString m_highlighted;
    bool m_showRates = true;
    bool m_autoFit = true;
    bool m_legendVisible = true;
    QTimer *m_refreshTimer = nullptr;
    QList<QToolButton *> m_buttons; // zoom out, zoom in, fit, legend
};

} // namespace qpalm
