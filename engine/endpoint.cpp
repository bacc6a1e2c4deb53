// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "endpoint.h"

#include <QRegularExpression>

namespace qpalm {

namespace {

bool setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

bool validHost(const QString &host)
{
    if (host == QLatin1String("*"))
        return true;
    if (host.startsWith(u'[')) {
        static const QRegularExpression ipv6(QStringLiteral("^\\[[0-9A-Fa-f:.*]+\\]$"));
        return ipv6.match(host).hasMatch();
    }
    static const QRegularExpression ipv4(QStringLiteral("^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)$"));
    if (const auto m = ipv4.match(host); m.hasMatch()) {
        for (int i = 1; i <= 4; ++i) {
            if (m.captured(i).toInt() > 255)
                return false;
        }
        return true;
    }
    static const QRegularExpression hostName(
        QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-"
                       "Za-z0-9])?)*$"));
    static const QRegularExpression allDigitsAndDots(QStringLiteral("^[0-9.]+$"));
    return hostName.match(host).hasMatch() && !allDigitsAndDots.match(host).hasMatch();
}

QString normalizeHost(const QString &host)
{
    const QString lower = host.toLower();
    if (lower == QLatin1String("localhost"))
        return QStringLiteral("127.0.0.1");
    if (lower == QLatin1String("*") || lower == QLatin1String("0.0.0.0") ||
        lower == QLatin1String("[::]") || lower == QLatin1String("[*]"))
        return QStringLiteral("*");
    return lower;
}

} // namespace

std::optional<Endpoint> Endpoint::parse(QStringView text, QString *error)
{
    const QString address = text.toString();
    for (QChar c : address) {
        if (c.isSpace() || !c.isPrint()) {
            setError(error,
                     QStringLiteral("'%1' contains spaces or control characters").arg(address));
            return std::nullopt;
        }
    }
    Endpoint e;
    e.m_text = address;
    if (address.startsWith(QLatin1String("ipc://")) ||
        address.startsWith(QLatin1String("inproc://"))) {
        const bool ipc = address.startsWith(QLatin1String("ipc://"));
        e.m_transport = ipc ? Transport::Ipc : Transport::Inproc;
        e.m_path = address.mid(ipc ? 6 : 9);
        if (e.m_path.isEmpty()) {
            setError(error, QStringLiteral("'%1' has no path").arg(address));
            return std::nullopt;
        }
        return e;
    }
    if (!address.startsWith(QLatin1String("tcp://"))) {
        setError(error, QStringLiteral("'%1' is not tcp://host:port, ipc://path or inproc://name")
                            .arg(address));
        return std::nullopt;
    }
    QString rest = address.mid(6);
    if (const qsizetype semicolon = rest.indexOf(u';'); semicolon >= 0) {
        e.m_source = rest.left(semicolon);
        rest = rest.mid(semicolon + 1);
        if (e.m_source.isEmpty()) {
            setError(error, QStringLiteral("'%1' has an empty source").arg(address));
            return std::nullopt;
        }
    }
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon <= 0) {
        setError(error, QStringLiteral("'%1' needs a host and a port").arg(address));
        return std::nullopt;
    }
    e.m_host = rest.left(colon);
    const QString port = rest.mid(colon + 1);
    if (port != QLatin1String("*")) {
        bool ok = false;
        const int n = port.toInt(&ok);
        if (!ok || n < 1 || n > 65535 || port.startsWith(u'+') || port.startsWith(u'0')) {
            setError(
                error,
                QStringLiteral("'%1': port must be 1 to 65535 or *, not '%2'").arg(address, port));
            return std::nullopt;
        }
        e.m_port = n;
    }
    if (!validHost(e.m_host)) {
        setError(error, QStringLiteral("'%1': '%2' is not a valid host").arg(address, e.m_host));
        return std::nullopt;
    }
    e.m_normalizedHost = normalizeHost(e.m_host);
    return e;
}

QString Endpoint::normalized() const
{
    switch (m_transport) {
    case Transport::Tcp: {
        QString out = QStringLiteral("tcp://");
        if (!m_source.isEmpty())
            out += m_source + u';';
        return out + m_normalizedHost + u':' +
               (m_port == 0 ? QStringLiteral("*") : QString::number(m_port));
    }
    case Transport::Ipc:
        return QStringLiteral("ipc://") + m_path;
    case Transport::Inproc:
        break;
    }
    return QStringLiteral("inproc://") + m_path;
}

bool Endpoint::isWildcardPort() const
{
    if (m_transport == Transport::Tcp)
        return m_port == 0;
    return m_transport == Transport::Ipc && m_path == QLatin1String("*");
}

bool Endpoint::isAllInterfaces() const
{
    return m_transport == Transport::Tcp && m_normalizedHost == QLatin1String("*");
}

bool Endpoint::sameAs(const Endpoint &other) const
{
    return !isWildcardPort() && !other.isWildcardPort() && normalized() == other.normalized();
}

bool Endpoint::conflictsWith(const Endpoint &other) const
{
    if (m_transport != other.m_transport || isWildcardPort() || other.isWildcardPort())
        return false;
    if (m_transport != Transport::Tcp)
        return m_path == other.m_path;
    return m_port == other.m_port && (m_normalizedHost == other.m_normalizedHost ||
                                      isAllInterfaces() || other.isAllInterfaces());
}

bool Endpoint::reachedBy(const Endpoint &connectTo) const
{
    if (m_transport != connectTo.m_transport || isWildcardPort() || connectTo.isWildcardPort())
        return false;
    if (m_transport != Transport::Tcp)
        return m_path == connectTo.m_path;
    return m_port == connectTo.m_port &&
           (isAllInterfaces() || m_normalizedHost == connectTo.m_normalizedHost);
}

Endpoint Endpoint::reachableFrom(const Endpoint &via) const
{
    if (!isTcp() || !via.isTcp() || !isAllInterfaces())
        return *this;
    return withHost(via.isAllInterfaces() ? QStringLiteral("127.0.0.1") : via.m_host);
}

Endpoint Endpoint::withHost(const QString &host) const
{
    if (!isTcp())
        return *this;
    Endpoint e = *this;
    e.m_host = host;
    e.m_normalizedHost = normalizeHost(host);
    e.m_text = QStringLiteral("tcp://") + (m_source.isEmpty() ? QString() : m_source + u';') +
               host + u':' + (m_port == 0 ? QStringLiteral("*") : QString::number(m_port));
    return e;
}

QString Endpoint::inprocAlias() const
{
    if (!isTcp() || isWildcardPort())
        return {};
    // Not "*" in an inproc name: every spelling of all interfaces becomes 0.0.0.0.
    const QString host = isAllInterfaces() ? QStringLiteral("0.0.0.0") : m_normalizedHost;
    return QStringLiteral("inproc://qpalm-twin/tcp://%1:%2").arg(host).arg(m_port);
}

} // namespace qpalm
