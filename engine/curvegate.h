// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

#include <string>

namespace qpalm {

struct DataSecurity;

// CURVE on data sockets (a cluster file's "data_security", docs/security.md). One ZAP handler
// per process, in the shared ZeroMQ context, lets a peer in when its key is the cluster's own or
// an authorized one; sockets of plaintext servers in the same process still pass. Any thread.
namespace curve {

// A ZAP domain for one server's bound sockets: peers with these keys (Z85) get in, others are
// refused and recorded. Starts the ZAP handler on first use; empty with error when it cannot.
std::string openDomain(const QList<QByteArray> &keys, QString *error);
// Forgets a domain from openDomain, with its unread refusals.
void closeDomain(const std::string &domain);
// Refusals recorded for domain since the last call: one text per peer address and key.
QStringList takeRefusals(const std::string &domain);

// Makes the socket (a ZeroMQ socket handle, before bind) a CURVE server in domain.
void makeServer(void *socket, const DataSecurity &security, const std::string &domain);
// Makes the socket (before connect) a CURVE client of a server with serverKey (Z85).
void makeClient(void *socket, const QByteArray &publicKey, const QByteArray &secretKey,
                const QByteArray &serverKey);
// The same, with the cluster's own key pair (servers of one cluster share it).
void makeClient(void *socket, const DataSecurity &security);

} // namespace curve
} // namespace qpalm
