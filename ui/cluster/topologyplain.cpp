// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyplain.h"

#include "topologyledger.h"

#include "clustergraph.h"
#include "clustermodel.h"
#include "serverhandle.h"
#include "servertraits.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace qpalm::topologyplain {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("TopologyView", text);
}
} // namespace

QString nodeName(const QString &master)
{
    return tr("PUSH/PULL · %1").arg(master);
}

QStringList masters(const ClusterModel &model)
{
    QStringList found;
    for (int row = 0; row < model.rowCount(); ++row) {
        const ServerHandle *server = model.serverAt(row);
        if (!server || !traitsOf(server->kind()).hasWorkers ||
            server->state() != ServerHandle::State::Running)
            continue;
        const ServerStats stats = server->stats();
        if (stats.fromPlainWorkers == 0)
            continue;
        const QStringList listed = model.graph().workersOf(server->name());
        const bool ownPlain = std::any_of(listed.cbegin(), listed.cend(), [&](const QString &w) {
            const ServerHandle *worker = model.serverAt(model.rowOf(w));
            return worker && worker->state() == ServerHandle::State::Running &&
                   !topologyledger::entryOf(stats.ledger, w);
        });
        if (!ownPlain)
            found.append(server->name());
    }
    return found;
}

QString label(const QString &rate, quint64 results)
{
    return tr("%1 · %2 done").arg(rate, QLocale().toString(results));
}

QString subtitle()
{
    return tr("pylm workers");
}

QString toolTip(const QString &master, quint64 results)
{
    return tr("Workers on %1's worker_push_address / worker_pull_address that the cluster does not "
              "list (pylm's, or any PUSH/PULL peer), drawn as one.\n%2 results came back from them "
              "this run. PUSH/PULL carries no ids: how many there are, which one holds what, and "
              "what one loses when it dies are not known (docs/delivery.md).")
        .arg(master, QLocale().toString(results));
}

} // namespace qpalm::topologyplain
