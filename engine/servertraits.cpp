// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "servertraits.h"

namespace qpalm {

namespace {

using F = ClusterField;
using S = SocketType;

struct FieldName
{
    ClusterField field;
    QLatin1StringView name;
};

constexpr FieldName kFieldNames[] = {
    {F::Kind, QLatin1StringView("kind")},
    {F::Name, QLatin1StringView("name")},
    {F::DbAddress, QLatin1StringView("db_address")},
    {F::PullAddress, QLatin1StringView("pull_address")},
    {F::PubAddress, QLatin1StringView("pub_address")},
    {F::WorkerPullAddress, QLatin1StringView("worker_pull_address")},
    {F::WorkerPushAddress, QLatin1StringView("worker_push_address")},
    {F::SubAddress, QLatin1StringView("sub_address")},
    {F::SubAddresses, QLatin1StringView("sub_addresses")},
    {F::Previous, QLatin1StringView("previous")},
    {F::Pipelined, QLatin1StringView("pipelined")},
    {F::ToClient, QLatin1StringView("to_client")},
    {F::LogLevel, QLatin1StringView("log_level")},
    {F::Script, QLatin1StringView("script")},
    {F::Replicas, QLatin1StringView("replicas")},
    {F::Limits, QLatin1StringView("limits")},
    {F::Delivery, QLatin1StringView("delivery")},
    {F::Run, QLatin1StringView("run")},
    {F::Restart, QLatin1StringView("restart")},
    {F::Command, QLatin1StringView("command")},
    {F::Cwd, QLatin1StringView("cwd")},
    {F::Env, QLatin1StringView("env")},
    {F::Attach, QLatin1StringView("attach")},
};

QList<ClusterField> withCommon(QList<ClusterField> specific)
{
    QList<ClusterField> out = {F::Kind, F::Name};
    out += specific;
    out += {F::LogLevel, F::Script, F::Limits, F::Run, F::Restart, F::Attach};
    return out;
}

QStringList cacheKeys(const QList<SocketTraits> &sockets)
{
    QStringList out{QStringLiteral("name")};
    for (const SocketTraits &socket : sockets) {
        if (socket.binds)
            out << QString(fieldName(socket.address));
    }
    return out;
}

ServerKindTraits make(ServerKind kind, const char *name, int rank, QList<SocketTraits> sockets,
                      QList<ClusterField> specific, QList<ClusterField> required)
{
    ServerKindTraits t{kind, QLatin1StringView(name), false,    false, false, false, false, rank,
                       {},   withCommon(specific),    required, {}};
    for (const SocketTraits &socket : sockets) {
        t.hasWorkers |= socket.address == F::WorkerPushAddress && socket.binds;
        t.servesCache |= socket.address == F::DbAddress && socket.binds;
        t.bindsClientPull |= socket.address == F::PullAddress && socket.binds;
        t.subscribes |= socket.type == S::Sub;
    }
    t.takesReplicas = specific.contains(F::Replicas);
    t.presetCacheKeys = cacheKeys(sockets);
    t.sockets = std::move(sockets);
    return t;
}

// An external command: no sockets of ours, started after the servers it may connect to.
ServerKindTraits processTraits()
{
    ServerKindTraits t = make(ServerKind::Process, "process", 2, {}, {}, {F::Command});
    t.fields = {F::Kind, F::Name, F::Command, F::Cwd, F::Env, F::Replicas, F::Restart, F::LogLevel};
    t.takesReplicas = true;
    t.presetCacheKeys = {};
    return t;
}

QList<ServerKindTraits> buildTraits()
{
    const SocketTraits cache{F::DbAddress, S::Rep, true};
    const SocketTraits pub{F::PubAddress, S::XPub, true};
    const SocketTraits toWorkers{F::WorkerPushAddress, S::Push, true};
    const SocketTraits fromWorkers{F::WorkerPullAddress, S::Pull, true};
    const SocketTraits clientPull{F::PullAddress, S::Pull, true};
    const SocketTraits sub{F::SubAddress, S::Sub, false};
    return {
        make(ServerKind::Server, "server", 0, {cache, clientPull, pub},
             {F::DbAddress, F::PullAddress, F::PubAddress, F::Pipelined},
             {F::DbAddress, F::PullAddress, F::PubAddress}),
        make(ServerKind::Master, "master", 0, {cache, clientPull, pub, fromWorkers, toWorkers},
             {F::DbAddress, F::PullAddress, F::PubAddress, F::WorkerPullAddress,
              F::WorkerPushAddress, F::Pipelined, F::Delivery},
             {F::DbAddress, F::PullAddress, F::PubAddress, F::WorkerPullAddress,
              F::WorkerPushAddress}),
        make(ServerKind::Hub, "hub", 0, {cache, sub, pub, fromWorkers, toWorkers},
             {F::DbAddress, F::SubAddress, F::Previous, F::PubAddress, F::WorkerPullAddress,
              F::WorkerPushAddress, F::Pipelined, F::Delivery},
             {F::DbAddress, F::SubAddress, F::Previous, F::PubAddress, F::WorkerPullAddress,
              F::WorkerPushAddress}),
        make(ServerKind::Worker, "worker", 2,
             {{F::DbAddress, S::Req, false},
              {F::WorkerPushAddress, S::Pull, false},
              {F::WorkerPullAddress, S::Push, false}},
             {F::DbAddress, F::WorkerPullAddress, F::WorkerPushAddress, F::Replicas, F::Delivery},
             {F::DbAddress}),
        make(ServerKind::Pipeline, "pipeline", 1, {cache, sub, pub},
             {F::DbAddress, F::SubAddress, F::Previous, F::PubAddress, F::ToClient},
             {F::DbAddress, F::SubAddress, F::Previous, F::PubAddress}),
        make(ServerKind::Sink, "sink", 1, {cache, {F::SubAddresses, S::Sub, false}, pub},
             {F::DbAddress, F::SubAddresses, F::Previous, F::PubAddress, F::ToClient},
             {F::DbAddress, F::SubAddresses, F::Previous, F::PubAddress}),
        processTraits(),
    };
}

} // namespace

QLatin1StringView fieldName(ClusterField field)
{
    for (const FieldName &entry : kFieldNames) {
        if (entry.field == field)
            return entry.name;
    }
    return {};
}

std::optional<ClusterField> fieldFromName(QStringView name)
{
    for (const FieldName &entry : kFieldNames) {
        if (entry.name == name)
            return entry.field;
    }
    return std::nullopt;
}

bool isAddressField(ClusterField field)
{
    switch (field) {
    case F::DbAddress:
    case F::PullAddress:
    case F::PubAddress:
    case F::WorkerPullAddress:
    case F::WorkerPushAddress:
    case F::SubAddress:
        return true;
    default:
        return false;
    }
}

QList<ClusterField> ServerKindTraits::boundFields() const
{
    QList<ClusterField> out;
    for (const SocketTraits &socket : sockets) {
        if (socket.binds)
            out << socket.address;
    }
    return out;
}

QString ServerKindTraits::withArticle() const
{
    return QStringLiteral("a ") + name;
}

QString ServerKindTraits::fieldList() const
{
    QStringList names;
    for (ClusterField field : fields)
        names << QString(fieldName(field));
    return names.join(QStringLiteral(", "));
}

const QList<ServerKindTraits> &allKindTraits()
{
    static const QList<ServerKindTraits> traits = buildTraits();
    return traits;
}

const ServerKindTraits &traitsOf(ServerKind kind)
{
    const QList<ServerKindTraits> &all = allKindTraits();
    const qsizetype index = qsizetype(kind);
    Q_ASSERT(index >= 0 && index < all.size() && all.at(index).kind == kind);
    return all.at(qBound(qsizetype(0), index, all.size() - 1));
}

QString kindNameList()
{
    QStringList names;
    for (const ServerKindTraits &traits : allKindTraits())
        names << QString(traits.name);
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

} // namespace qpalm
