// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustervalidation.h"

#include "clusterfilesupport.h"
#include "endpoint.h"
#include "serverconfig.h"
#include "servertraits.h"

#include <QHash>

namespace qpalm {

QString ClusterError::toString(const QString &fileName) const
{
    QString text;
    if (!fileName.isEmpty())
        text += fileName + QStringLiteral(": ");
    if (!entry.isEmpty())
        text += entry.startsWith(u'#') ? QStringLiteral("server %1: ").arg(entry)
                                       : QStringLiteral("server '%1': ").arg(entry);
    if (!field.isEmpty())
        text += QStringLiteral("field '%1': ").arg(field);
    return text + message;
}

namespace {

// The entry a name like "w-3" would be a replica of, when it has that form.
QString replicaBaseOf(const QString &name)
{
    const qsizetype dash = name.lastIndexOf(u'-');
    if (dash <= 0 || dash + 1 >= name.size() || name.at(dash + 1) == u'0')
        return {};
    for (qsizetype i = dash + 1; i < name.size(); ++i) {
        if (!name.at(i).isDigit())
            return {};
    }
    return name.left(dash);
}

// Names after replica expansion must be unique, and no name may be one a worker entry's replicas
// take (w-3 beside worker w): a replica added later would collide with it.
std::optional<ClusterError> checkNames(const QList<ServerConfig> &configs)
{
    // Names after replica expansion, each mapped to the worker it is a replica of (empty: none).
    QHash<QString, QString> owners;
    QHash<QString, int> workerEntries;
    for (qsizetype i = 0; i < configs.size(); ++i) {
        const ServerConfig &config = configs.at(i);
        if (traitsOf(config.kind).takesReplicas && config.replica <= 0)
            workerEntries.insert(config.name, int(i));
        for (const ServerConfig &concrete : expandReplicas({config})) {
            const bool isReplica = concrete.name != config.name;
            const auto it = owners.constFind(concrete.name);
            if (it != owners.constEnd()) {
                const QString earlier = it->isEmpty()
                                            ? QStringLiteral("an earlier server")
                                            : QStringLiteral("a replica of worker '%1'").arg(*it);
                const QString message = isReplica
                                            ? QStringLiteral("its replica '%1' has the name of %2")
                                                  .arg(concrete.name, earlier)
                                            : QStringLiteral("name '%1' is already used by %2")
                                                  .arg(concrete.name, earlier);
                return ClusterError{config.name, QStringLiteral("name"), message};
            }
            owners.insert(concrete.name, isReplica ? config.name : QString());
        }
    }
    for (const ServerConfig &config : configs) {
        if (config.replica > 0)
            continue;
        const QString base = replicaBaseOf(config.name);
        if (base.isEmpty() || !workerEntries.contains(base))
            continue;
        return ClusterError{config.name, QStringLiteral("name"),
                            QStringLiteral("name '%1' is reserved for replicas of worker '%2' "
                                           "(entry #%3); rename one of them")
                                .arg(config.name, base)
                                .arg(workerEntries.value(base) + 1)};
    }
    return std::nullopt;
}

// Every bound address once, by endpoint: finds the first earlier binding of another server that
// a new one conflicts with in constant time.
class BoundAddresses
{
public:
    struct Bound
    {
        qsizetype order = -1;
        QString server;
        QString field;
    };

    Bound conflicting(const Endpoint &e) const
    {
        Bound first;
        auto consider = [&first](const QHash<QString, Bound> &map, const QString &key) {
            const auto it = map.constFind(key);
            if (it != map.constEnd() && (first.order < 0 || it->order < first.order))
                first = *it;
        };
        if (e.isWildcardPort())
            return first;
        consider(m_exact, e.normalized());
        if (e.isTcp()) {
            const QString port = QString::number(e.port());
            consider(m_allInterfaces, port);
            if (e.isAllInterfaces())
                consider(m_anyHost, port);
        }
        return first;
    }

    void add(const Endpoint &e, const QString &server, const QString &field)
    {
        if (e.isWildcardPort())
            return;
        const Bound bound{m_count++, server, field};
        if (!m_exact.contains(e.normalized()))
            m_exact.insert(e.normalized(), bound);
        if (e.isTcp()) {
            const QString port = QString::number(e.port());
            if (!m_anyHost.contains(port))
                m_anyHost.insert(port, bound);
            if (e.isAllInterfaces() && !m_allInterfaces.contains(port))
                m_allInterfaces.insert(port, bound);
        }
    }

private:
    qsizetype m_count = 0;
    QHash<QString, Bound> m_exact;
    QHash<QString, Bound> m_anyHost;       // tcp port -> first binding on any host
    QHash<QString, Bound> m_allInterfaces; // tcp port -> first binding on all interfaces
};

} // namespace

bool isValidAddress(const QString &address)
{
    const auto endpoint = Endpoint::parse(address);
    return endpoint && endpoint->source().isEmpty();
}

bool addressesConflict(const QString &a, const QString &b)
{
    const auto ea = Endpoint::parse(a);
    const auto eb = Endpoint::parse(b);
    return ea && eb && ea->conflictsWith(*eb);
}

std::optional<ClusterError> validateServer(const ServerConfig &config)
{
    const QString label = config.name.isEmpty() ? QStringLiteral("#?") : config.name;
    auto error = [&](ClusterField key, const QString &message) {
        return ClusterError{label, QString(fieldName(key)), message};
    };
    if (auto problem = nameProblem(config.name))
        return error(ClusterField::Name, *problem);
    const ServerKindTraits &rules = traitsOf(config.kind);
    const QList<ClusterField> binds = rules.boundFields();
    for (ClusterField key : rules.fields) {
        if (isAddressField(key)) {
            const QString address = addressOf(config, key);
            if (address.isEmpty()) {
                if (rules.required.contains(key) && !config.attach.isSet())
                    return error(
                        key, QStringLiteral("missing (required for %1)").arg(rules.withArticle()));
                continue;
            }
            if (!isValidAddress(address))
                return error(key, QStringLiteral("not a valid address '%1'").arg(address));
        } else if (config.attach.isSet()) {
            continue; // the attached server has its own addresses
        } else if (key == ClusterField::SubAddresses) {
            if (config.subAddresses.isEmpty())
                return error(key,
                             QStringLiteral("missing (required for %1)").arg(rules.withArticle()));
            for (qsizetype i = 0; i < config.subAddresses.size(); ++i) {
                if (!isValidAddress(config.subAddresses.at(i)))
                    return error(key, QStringLiteral("item %1: not a valid address '%2'")
                                          .arg(i + 1)
                                          .arg(config.subAddresses.at(i)));
            }
        } else if (key == ClusterField::Previous) {
            if (config.previous.isEmpty())
                return error(key,
                             QStringLiteral("missing (required for %1)").arg(rules.withArticle()));
            if (config.kind != ServerKind::Sink && config.previous.size() != 1)
                return error(key,
                             QStringLiteral("%1 takes exactly one topic").arg(rules.withArticle()));
            for (const QString &topic : config.previous) {
                if (topic.isEmpty())
                    return error(key, QStringLiteral("topic must not be empty"));
            }
            if (config.kind == ServerKind::Sink &&
                config.previous.size() != config.subAddresses.size())
                return error(key, QStringLiteral("has %1 topic(s) but sub_addresses has %2 "
                                                 "address(es); they pair up in order")
                                      .arg(config.previous.size())
                                      .arg(config.subAddresses.size()));
        }
    }
    if (config.kind == ServerKind::Process && config.command.isEmpty())
        return error(ClusterField::Command,
                     QStringLiteral("missing (required for a process): the program and its "
                                    "arguments"));
    if (traitsOf(config.kind).takesReplicas && (config.replicas < 1 || config.replicas > 1000))
        return error(
            ClusterField::Replicas,
            QStringLiteral("expected a whole number from 1 to 1000, got %1").arg(config.replicas));
    if (config.limits.timeLimitMs < 1)
        return ClusterError{label, QStringLiteral("limits.time_ms"),
                            QStringLiteral("must be at least 1")};
    if (config.limits.memoryLimitBytes < 1024 * 1024)
        return ClusterError{label, QStringLiteral("limits.memory_mb"),
                            QStringLiteral("must be at least 1")};
    if (config.limits.stackDepth < 1)
        return ClusterError{label, QStringLiteral("limits.stack_depth"),
                            QStringLiteral("must be at least 1")};
    if (!config.scriptPath.isEmpty()) {
        if (auto problem = scriptProblem(config.scriptPath))
            return error(ClusterField::Script, *problem);
    }
    // Two sockets of one server on one endpoint.
    for (qsizetype i = 0; i < binds.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            const QString a = addressOf(config, binds.at(j));
            const QString b = addressOf(config, binds.at(i));
            if (addressesConflict(a, b))
                return error(binds.at(i), QStringLiteral("address '%1' is also this server's %2")
                                              .arg(b, QString(fieldName(binds.at(j)))));
        }
    }
    return std::nullopt;
}

std::optional<ClusterError> validateCluster(const QList<ServerConfig> &configs)
{
    for (const ServerConfig &config : configs) {
        if (auto error = validateServer(config))
            return error;
    }
    if (auto error = checkNames(configs))
        return error;

    BoundAddresses bound;
    for (const ServerConfig &config : configs) {
        if (config.attach.isSet())
            continue; // binds on its own host
        const QList<ClusterField> binds = traitsOf(config.kind).boundFields();
        QList<std::pair<Endpoint, QString>> mine;
        for (ClusterField key : binds) {
            const QString address = addressOf(config, key);
            const auto endpoint = Endpoint::parse(address);
            if (!endpoint)
                continue;
            const BoundAddresses::Bound other = bound.conflicting(*endpoint);
            if (other.order >= 0)
                return ClusterError{
                    config.name, QString(fieldName(key)),
                    QStringLiteral("address '%1' is already bound by server '%2' (%3)")
                        .arg(address, other.server, other.field)};
            mine.append({*endpoint, QString(fieldName(key))});
        }
        for (const auto &[endpoint, field] : std::as_const(mine))
            bound.add(endpoint, config.name, field);
    }
    return std::nullopt;
}

} // namespace qpalm
