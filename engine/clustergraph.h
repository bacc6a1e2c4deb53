// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace qpalm {

struct ServerConfig;

// Who talks to whom in a set of servers, from their configured addresses: the one place that
// knows which master a worker serves and in which order servers start.
class ClusterGraph
{
public:
    // client -> server/master (Request), master -> worker (Task), worker -> master (Result),
    // publisher -> subscriber (Stream, with the topic), worker -> the server whose cache it reads
    // (Cache), a last stage -> client (Reply).
    enum class EdgeKind { Request, Task, Result, Stream, Cache, Reply };
    struct Edge
    {
        QString from;
        QString to;
        EdgeKind kind;
        QString topic; // Stream only
        bool operator==(const Edge &other) const = default;
    };

    // Servers as configured (or with their resolved addresses once bound); names are unique.
    explicit ClusterGraph(const QList<ServerConfig> &configs);
    ~ClusterGraph();
    ClusterGraph(ClusterGraph &&) noexcept;
    ClusterGraph &operator=(ClusterGraph &&) noexcept;

    // The node that stands for the cluster's clients in edges (an empty name: no server has it).
    static QString clientNode() { return {}; }

    // Every connection: per server in config order, then Reply edges, then Cache edges.
    QList<Edge> edges() const;
    // The master or hub whose cache or worker sockets worker uses; empty when none.
    QString masterOf(const QString &worker) const;
    // Workers that masterOf maps to master, in config order.
    QStringList workersOf(const QString &master) const;
    // Servers whose pub_address subscriber reads, in config order.
    QStringList publishersOf(const QString &subscriber) const;
    // Names grouped by start rank: a group binds what later groups connect to (workers after
    // their master, subscribers after their publisher). Stop in the reverse order.
    QList<QStringList> startRanks() const;
    // startRanks() flattened.
    QStringList startOrder() const;
    // The host a server binds on, from its tcp addresses (the first one naming a host other than
    // this machine's loopback or all interfaces); empty for this machine or a server that only
    // connects (a worker).
    QString hostOf(const QString &name) const;

private:
    struct Data;
    std::unique_ptr<Data> d;
};

} // namespace qpalm
