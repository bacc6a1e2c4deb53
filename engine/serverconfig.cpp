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

} // namespace qpalm
