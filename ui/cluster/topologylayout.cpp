// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologylayout.h"

#include "topologyitems.h"

#include <algorithm>

namespace qpalm {

QHash<QString, QPointF> layoutTopology(const QStringList &servers,
                                       const QList<TopologyView::Edge> &edges,
                                       const QString &clientNode, qreal workerGapExtra)
{
    using Kind = TopologyView::EdgeKind;
    QHash<QString, int> layer;
    layer.insert(clientNode, 0);
    for (const QString &name : servers)
        layer.insert(name, 1);
    for (int pass = 0; pass < servers.size() + 1; ++pass) {
        bool changed = false;
        for (const TopologyView::Edge &e : edges) {
            if (e.kind == Kind::Reply || e.kind == Kind::Result || e.kind == Kind::Cache ||
                !layer.contains(e.from) || !layer.contains(e.to))
                continue;
            // Leave a column for a master's workers before the stages it feeds.
            const bool feedsWorkers =
                std::any_of(edges.cbegin(), edges.cend(), [&e](const TopologyView::Edge &t) {
                    return t.kind == Kind::Task && t.from == e.from;
                });
            const int wanted =
                layer.value(e.from) + (e.kind == Kind::Stream && feedsWorkers ? 2 : 1);
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
    columns[0].append(clientNode);
    for (const QString &name : servers)
        columns[layer.value(name)].append(name);

    QHash<QString, QPointF> positions;
    qreal x = 0;
    for (int c = 0; c < columns.size(); ++c) {
        const QStringList &names = columns[c];
        // The narrow clients column sits a shorter gap before the first servers.
        if (c == 1)
            x = topology::kClientWidth / 2 + (topology::kColumnGap - topology::kNodeWidth / 2);
        else if (c > 1)
            x += topology::kColumnGap;
        const bool workers = std::any_of(edges.cbegin(), edges.cend(), [&names](const auto &e) {
            return e.kind == Kind::Task && names.contains(e.to);
        });
        if (workers)
            x += workerGapExtra;
        for (int i = 0; i < names.size(); ++i)
            positions.insert(names[i],
                             QPointF(x, (i - (names.size() - 1) / 2.0) * topology::kRowGap));
    }
    return positions;
}

} // namespace qpalm
