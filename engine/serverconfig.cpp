// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverconfig.h"

#include "servertraits.h"

namespace qpalm {

QString kindName(ServerKind kind)
{
    return QString(traitsOf(kind).name);
}

std::optional<ServerKind> parseKind(QStringView text)
{
    for (const ServerKindTraits &traits : allKindTraits()) {
        if (text.compare(traits.name, Qt::CaseInsensitive) == 0)
            return traits.kind;
    }
    return std::nullopt;
}

QString runModeName(RunMode mode)
{
    return mode == RunMode::Process ? QStringLiteral("process") : QStringLiteral("threads");
}

QString restartModeName(RestartMode mode)
{
    switch (mode) {
    case RestartMode::Always:
        return QStringLiteral("always");
    case RestartMode::Never:
        return QStringLiteral("never");
    case RestartMode::OnFailure:
        break;
    }
    return QStringLiteral("on-failure");
}

QList<std::pair<QString, QString>> ServerConfig::namedAddresses() const
{
    QList<std::pair<QString, QString>> out;
    for (ClusterField field : {ClusterField::DbAddress, ClusterField::PullAddress,
                               ClusterField::PubAddress, ClusterField::WorkerPullAddress,
                               ClusterField::WorkerPushAddress, ClusterField::SubAddress}) {
        const QString address = addressOf(*this, field);
        if (!address.isEmpty())
            out.append({QString(fieldName(field)), address});
    }
    for (int i = 0; i < subAddresses.size(); ++i)
        out.append({QStringLiteral("sub_addresses[%1]").arg(i), subAddresses.at(i)});
    return out;
}

QStringList ServerConfig::boundAddresses() const
{
    QStringList out;
    for (ClusterField field : traitsOf(kind).boundFields()) {
        const QString address = addressOf(*this, field);
        if (!address.isEmpty())
            out << address;
    }
    return out;
}

QString *addressIn(ServerConfig &config, ClusterField field)
{
    switch (field) {
    case ClusterField::DbAddress:
        return &config.dbAddress;
    case ClusterField::PullAddress:
        return &config.pullAddress;
    case ClusterField::PubAddress:
        return &config.pubAddress;
    case ClusterField::WorkerPullAddress:
        return &config.workerPullAddress;
    case ClusterField::WorkerPushAddress:
        return &config.workerPushAddress;
    case ClusterField::SubAddress:
        return &config.subAddress;
    default:
        return nullptr;
    }
}

QString addressOf(const ServerConfig &config, ClusterField field)
{
    const QString *address = addressIn(const_cast<ServerConfig &>(config), field);
    return address ? *address : QString();
}

QString replicaName(const QString &entry, int replica)
{
    return QStringLiteral("%1-%2").arg(entry).arg(replica);
}

QList<ServerConfig> expandReplicas(const QList<ServerConfig> &configs)
{
    QList<ServerConfig> out;
    for (const ServerConfig &config : configs) {
        if (!traitsOf(config.kind).takesReplicas || config.replicas <= 1 || config.replica > 0) {
            ServerConfig single = config;
            if (single.replica <= 0 || single.entry.isEmpty()) {
                single.entry = config.name; // an entry is its own entry
                single.replica = 0;
            }
            single.replicas = 1;
            out.append(single);
            continue;
        }
        for (int i = 1; i <= config.replicas; ++i) {
            ServerConfig replica = config;
            replica.name = replicaName(config.name, i);
            replica.entry = config.name;
            replica.replica = i;
            replica.replicas = 1;
            out.append(replica);
        }
    }
    return out;
}

} // namespace qpalm
