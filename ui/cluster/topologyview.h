// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clustergraph.h"

#include <QGraphicsView>
#include <QHash>
#include <QStringList>

class QTimer;

namespace qpalm {

class ClusterModel;
class ServerHandle;
class TopologyNode;
class TopologyEdge;

// The cluster as a graph: servers as nodes, their sockets' connections as edges with live rates.
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
    // Where a node's centre is, in view coordinates.
    QPoint nodeViewPosition(const QString &name) const;
    QString highlightedServer() const { return m_highlighted; }
    void setShowRates(bool on);

public Q_SLOTS:
    // Marks one node (empty clears).
    void highlightServer(const QString &name);
    // Rebuilds nodes, edges and their placement.
    void relayout();

Q_SIGNALS:
    // GUI thread: a node was clicked (empty: the background or the clients node).
    void serverActivated(const QString &name);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void refresh();
    void fitScene();
    void onDataChanged(bool stateChanged);
    QList<Edge> graphEdges() const;

    ClusterModel *m_model = nullptr;
    QList<Edge> m_edges;
    QHash<QString, TopologyNode *> m_nodes;
    QList<TopologyEdge *> m_edgeItems;
    QString m_highlighted;
    bool m_showRates = true;
    QTimer *m_refreshTimer = nullptr;
};

} // namespace qpalm
