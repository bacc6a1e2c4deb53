// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "topologyview.h"

#include <QHash>
#include <QPointF>
#include <QStringList>

namespace qpalm {

// Where the topology's nodes go (centres, scene coordinates): the clients node in the first
// column, each server in the column of its longest forward path from the clients (replies,
// results and cache lookups are back edges; a master feeding stages leaves a column for its
// workers), each column's nodes centred on y = 0 in the given order. A column holding workers
// (targets of task edges) sits workerGapExtra further right, room for their edges' labels. Pure:
// same input, same output.
QHash<QString, QPointF> layoutTopology(const QStringList &servers,
                                       const QList<TopologyView::Edge> &edges,
                                       const QString &clientNode, qreal workerGapExtra = 0);

} // namespace qpalm
