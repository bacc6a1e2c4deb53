#include "serverconfig.h"

namespace qpalm {

QString kindName(ServerKind kind)
{
    switch (kind) {
    case ServerKind::Server:
        return QStringLiteral("server");
    case ServerKind::Master:
        return QStringLiteral("master");
    case ServerKind::Hub:
        return QStringLiteral("hub");
    case ServerKind::Worker:
        return QStringLiteral("worker");
    case ServerKind::Pipeline:
        return QStringLiteral("pipeline");
    case ServerKind::Sink:
        return QStringLiteral("sink");
    }
    return {};
}

std::optional<ServerKind> parseKind(QStringView text)
{
    for (ServerKind kind : {ServerKind::Server, ServerKind::Master, ServerKind::Hub,
                            ServerKind::Worker, ServerKind::Pipeline, ServerKind::Sink}) {
        if (text.compare(kindName(kind), Qt::CaseInsensitive) == 0)
            return kind;
    }
    return std::nullopt;
}

QList<std::pair<QString, QString>> ServerConfig::namedAddresses() const
{
    QList<std::pair<QString, QString>> out;
    auto add = [&out](const char *name, const QString &value) {
        if (!value.isEmpty())
            out.append({QString::fromLatin1(name), value});
    };
    add("db_address", dbAddress);
    add("pull_address", pullAddress);
    add("pub_address", pubAddress);
    add("worker_pull_address", workerPullAddress);
    add("worker_push_address", workerPushAddress);
    add("sub_address", subAddress);
    for (int i = 0; i < subAddresses.size(); ++i)
        out.append({QStringLiteral("sub_addresses[%1]").arg(i), subAddresses.at(i)});
    return out;
}

QStringList ServerConfig::boundAddresses() const
{
    QStringList out;
    switch (kind) {
    case ServerKind::Server:
        out << dbAddress << pullAddress << pubAddress;
        break;
    case ServerKind::Master:
        out << dbAddress << pullAddress << pubAddress << workerPullAddress << workerPushAddress;
        break;
    case ServerKind::Hub:
        out << dbAddress << pubAddress << workerPullAddress << workerPushAddress;
        break;
    case ServerKind::Pipeline:
    case ServerKind::Sink:
        out << dbAddress << pubAddress;
        break;
    case ServerKind::Worker:
        break;
    }
    out.removeAll(QString());
    return out;
}

} // namespace qpalm
