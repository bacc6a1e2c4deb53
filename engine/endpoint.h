// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace qpalm {

// A ZeroMQ endpoint: tcp://[source;]host:port (port may be *), ipc://path or inproc://name.
// The one parser of addresses in qpalm; comparisons use a normalised form in which host names
// are lower case, localhost is 127.0.0.1 and every spelling of "all interfaces" is *.
class Endpoint
{
public:
    enum class Transport { Tcp, Ipc, Inproc };

    // The endpoint text denotes, or nullopt (and why in error) when it is not a valid address.
    static std::optional<Endpoint> parse(QStringView text, QString *error = nullptr);

    // The address as written.
    QString toString() const { return m_text; }
    // The normalised address: equal for every spelling of one endpoint.
    QString normalized() const;
    Transport transport() const { return m_transport; }
    bool isTcp() const { return m_transport == Transport::Tcp; }
    // tcp: the host as written (without a source); empty for other transports.
    QString host() const { return m_host; }
    // tcp: the normalised host ("127.0.0.1" for localhost, "*" for all interfaces).
    QString normalizedHost() const { return m_normalizedHost; }
    // tcp: the source of a "source;host:port" address, usually empty.
    QString source() const { return m_source; }
    // tcp: the port, 0 when it is the wildcard *; 0 for other transports.
    int port() const { return m_port; }
    // ipc and inproc: what follows the "://"; empty for tcp.
    QString path() const { return m_path; }

    // tcp://host:* or ipc://*: the system picks the endpoint when binding.
    bool isWildcardPort() const;
    // tcp on *, 0.0.0.0, [::] or [*].
    bool isAllInterfaces() const;

    // One and the same concrete endpoint (never true for wildcard ports).
    bool sameAs(const Endpoint &other) const;
    // Binding both at once fails: the same port on the same host or on all interfaces.
    bool conflictsWith(const Endpoint &other) const;
    // A socket bound here is reached by one connecting to connectTo.
    bool reachedBy(const Endpoint &connectTo) const;
    // This endpoint (as advertised by a server) made reachable from here: a server bound to all
    // interfaces is reached on the host we reached via (e.g. its cache) at; else unchanged.
    Endpoint reachableFrom(const Endpoint &via) const;
    // The same endpoint on another host (tcp only).
    Endpoint withHost(const QString &host) const;
    // The inproc endpoint a bound tcp endpoint is twinned with in this process; empty otherwise.
    QString inprocAlias() const;

    bool operator==(const Endpoint &other) const { return normalized() == other.normalized(); }

private:
    Endpoint() = default;

    Transport m_transport = Transport::Tcp;
    QString m_text;
    QString m_source;
    QString m_host;
    QString m_normalizedHost;
    int m_port = 0;
    QString m_path;
};

} // namespace qpalm
