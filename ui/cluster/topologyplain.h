// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace qpalm {

class ClusterModel;

// Workers on a master's plain PUSH/PULL sockets (pylm's, or any PUSH/PULL peer) are not servers of
// the cluster and cannot be told apart: the master only counts what comes back on
// worker_pull_address (ServerStats::fromPlainWorkers). The topology draws them as one node per
// master, joined to it by one task/result pair.
namespace topologyplain {

// The node standing for master's PUSH/PULL workers.
QString nodeName(const QString &master);
// Running masters and hubs that have had results from PUSH/PULL workers the cluster does not list.
// A master with a listed worker of its own off the reliable path is left out: that worker's
// results arrive on the same socket and cannot be told from theirs (its own edge shows them).
QStringList masters(const ClusterModel &model);
// The task edge's label: "12/s · 1,234 done".
QString label(const QString &rate, quint64 results);
// The node's subtitle and tooltip.
QString subtitle();
QString toolTip(const QString &master, quint64 results);

} // namespace topologyplain
} // namespace qpalm
