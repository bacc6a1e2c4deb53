// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The cluster-file checker: what a bad entry reports and the checks behind it.

#include <QList>
#include <QString>

#include <optional>

namespace qpalm {

struct ServerConfig;

// A cluster file's error: which entry, which field, what was wrong.
struct ClusterError
{
    QString entry; // server name, or "#3" when it has none; empty for the file itself
    QString field; // JSON key, or empty
    QString message;
    // "cluster.json: server 'w': field 'db_address': not a valid address 'tcp:/x'"
    QString toString(const QString &fileName = {}) const;
};

// Checks one config on its own (required addresses for its kind, address syntax, names).
std::optional<ClusterError> validateServer(const ServerConfig &config);
// Checks the set: duplicate names, two servers binding one address, each server on its own.
std::optional<ClusterError> validateCluster(const QList<ServerConfig> &configs);
// True for tcp://host:port (port may be *), ipc://path, inproc://name.
bool isValidAddress(const QString &address);
// True when binding both addresses at once would fail (same endpoint; a tcp port * never
// conflicts).
bool addressesConflict(const QString &a, const QString &b);

} // namespace qpalm
