// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustergraph.h"

#include "endpoint.h"
#include "serverconfig.h"
#include "servertraits.h"

#include <QHash>

#include <algorithm>
#include <functional>

namespace qpalm {

namespace {

// Bound endpoints by transport and port (tcp) or path, so a lookup compares only a few.
class BindIndex
{
public:
    struct Binding
    {
        int server;
        ClusterField field;
        Endpoint endpoint;
    };

    void add(int server, ClusterField field, const QString &address)
    {
        const auto endpoint = Endpoint::parse(address);
        if (endpoint && !endpoint->isWildcardPort())
            m_bindings[bucket(*endpoint)].append(Binding{server, field, *endpoint});
    }

    // Servers bound on field (any field when filter is empty) that a connect to address reaches.
    QList<int> reachedBy(const QString &address, std::optional<ClusterField> field) const
    {
        QList<int> out;
        const auto endpoint = Endpoint::parse(address);
        if (!endpoint)
            return out;
        const auto it = m_bindings.constFind(bucket(*endpoint));
        if (it == m_bindings.constEnd())
            return out;
        for (const Binding &binding : *it) {
            if ((!field || binding.field == *field) && binding.endpoint.reachedBy(*endpoint))
                out.append(binding.server);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

private:
    static QString bucket(const Endpoint &e)
    {
        return e.isTcp() ? QStringLiteral("tcp:%1").arg(e.port()) : e.normalized();
    }

    QHash<QString, QList<Binding>> m_bindings;
};

} // namespace

struct ClusterGraph::Data
{
    QList<ServerConfig> configs;
    QHash<QString, int> index;
    QList<int> master;            // per server: index of its master, -1 when none
    QList<QList<int>> publishers; // per server: servers whose pub it reads
    QList<int> cache;             // per worker: the server whose cache it reads
    QList<Edge> edges;
    QList<QStringList> ranks;

    void build();
    void buildRanks();
};

void ClusterGraph::Data::build()
{
    const int n = int(configs.size());
    BindIndex bound;
    for (int i = 0; i < n; ++i) {
        index.insert(configs.at(i).name, i);
        for (ClusterField field : traitsOf(configs.at(i).kind).boundFields())
            bound.add(i, field, addressOf(configs.at(i), field));
    }
    master.fill(-1, n);
    cache.fill(-1, n);
    publishers.resize(n);
    const QString client = clientNode();
    QList<bool> consumed(n, false);
    for (int i = 0; i < n; ++i) {
        const ServerConfig &s = configs.at(i);
        const ServerKindTraits &traits = traitsOf(s.kind);
        if (traits.bindsClientPull)
            edges.append({client, s.name, EdgeKind::Request, {}});
        if (s.kind == ServerKind::Worker) {
            // The first master (in config order) whose cache or worker sockets it uses.
            QList<int> candidates;
            for (ClusterField field : {ClusterField::DbAddress, ClusterField::WorkerPushAddress,
                                       ClusterField::WorkerPullAddress}) {
                const QString address = addressOf(s, field);
                if (!address.isEmpty())
                    candidates += bound.reachedBy(address, field);
            }
            std::sort(candidates.begin(), candidates.end());
            for (int m : std::as_const(candidates)) {
                if (m != i && traitsOf(configs.at(m).kind).hasWorkers) {
                    master[i] = m;
                    break;
                }
            }
            for (int c : bound.reachedBy(s.dbAddress, ClusterField::DbAddress)) {
                if (c != i) {
                    cache[i] = c;
                    break;
                }
            }
            if (master[i] >= 0) {
                edges.append({configs.at(master[i]).name, s.name, EdgeKind::Task, {}});
                edges.append({s.name, configs.at(master[i]).name, EdgeKind::Result, {}});
            }
        }
        if (traits.subscribes) {
            const QStringList subs =
                s.kind == ServerKind::Sink ? s.subAddresses : QStringList{s.subAddress};
            for (qsizetype k = 0; k < subs.size(); ++k) {
                const QString topic = s.previous.value(s.kind == ServerKind::Sink ? k : 0);
                for (int p : bound.reachedBy(subs.at(k), ClusterField::PubAddress)) {
                    if (p == i || configs.at(p).kind == ServerKind::Worker)
                        continue;
                    edges.append({configs.at(p).name, s.name, EdgeKind::Stream, topic});
                    publishers[i].append(p);
                    consumed[p] = true;
                }
            }
        }
    }
    for (int i = 0; i < n; ++i) {
        if (configs.at(i).kind != ServerKind::Worker && !consumed.at(i))
            edges.append({configs.at(i).name, client, EdgeKind::Reply, {}});
    }
    for (int i = 0; i < n; ++i) {
        if (cache.at(i) >= 0)
            edges.append({configs.at(i).name, configs.at(cache.at(i)).name, EdgeKind::Cache, {}});
    }
    buildRanks();
}

void ClusterGraph::Data::buildRanks()
{
    const int n = int(configs.size());
    QList<int> rank(n, -1);
    QList<bool> visiting(n, false);
    // A server starts after what it connects to; a cycle (two pipelines feeding each other) is
    // cut where it closes.
    std::function<int(int)> rankOf = [&](int i) -> int {
        if (rank.at(i) >= 0)
            return rank.at(i);
        if (visiting.at(i))
            return traitsOf(configs.at(i).kind).startRank;
        visiting[i] = true;
        int r = traitsOf(configs.at(i).kind).startRank;
        QList<int> dependencies = publishers.at(i);
        if (master.at(i) >= 0)
            dependencies.append(master.at(i));
        for (int dep : std::as_const(dependencies))
            r = std::max(r, rankOf(dep) + 1);
        visiting[i] = false;
        rank[i] = r;
        return r;
    };
    int highest = -1;
    for (int i = 0; i < n; ++i)
        highest = std::max(highest, rankOf(i));
    QList<QStringList> groups(highest + 1);
    for (int i = 0; i < n; ++i)
        groups[rank.at(i)].append(configs.at(i).name);
    groups.removeIf([](const QStringList &group) { return group.isEmpty(); });
    ranks = groups;
}

ClusterGraph::ClusterGraph(const QList<ServerConfig> &configs) : d(std::make_unique<Data>())
{
    d->configs = configs;
    d->build();
}

ClusterGraph::~ClusterGraph() = default;
ClusterGraph::ClusterGraph(ClusterGraph &&) noexcept = default;
ClusterGraph &ClusterGraph::operator=(ClusterGraph &&) noexcept = default;

QList<ClusterGraph::Edge> ClusterGraph::edges() const
{
    return d->edges;
}

QString ClusterGraph::masterOf(const QString &worker) const
{
    const int i = d->index.value(worker, -1);
    return i < 0 || d->master.at(i) < 0 ? QString() : d->configs.at(d->master.at(i)).name;
}

QStringList ClusterGraph::workersOf(const QString &master) const
{
    QStringList out;
    const int m = d->index.value(master, -1);
    if (m < 0)
        return out;
    for (int i = 0; i < d->configs.size(); ++i) {
        if (d->master.at(i) == m)
            out.append(d->configs.at(i).name);
    }
    return out;
}

QStringList ClusterGraph::publishersOf(const QString &subscriber) const
{
    QStringList out;
    const int i = d->index.value(subscriber, -1);
    if (i < 0)
        return out;
    QList<int> sorted = d->publishers.at(i);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (int p : std::as_const(sorted))
        out.append(d->configs.at(p).name);
    return out;
}

QList<QStringList> ClusterGraph::startRanks() const
{
    return d->ranks;
}

QStringList ClusterGraph::startOrder() const
{
    QStringList out;
    for (const QStringList &group : d->ranks)
        out += group;
    return out;
}

QString ClusterGraph::hostOf(const QString &name) const
{
    for (const ServerConfig &config : std::as_const(d->configs)) {
        if (config.name != name)
            continue;
        for (ClusterField field : traitsOf(config.kind).boundFields()) {
            const auto endpoint = Endpoint::parse(addressOf(config, field));
            if (!endpoint || !endpoint->isTcp() || endpoint->isAllInterfaces())
                continue;
            const QString host = endpoint->normalizedHost();
            if (host.startsWith(QLatin1String("127.")) || host == QLatin1String("::1") ||
                host == QLatin1String("[::1]"))
                continue;
            return endpoint->host();
        }
        return {};
    }
    return {};
}

} // namespace qpalm
