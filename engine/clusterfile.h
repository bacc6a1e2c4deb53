// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clustervalidation.h"
#include "serverconfig.h"

#include <QList>
#include <QString>

#include <optional>

// Cluster file format (JSON), checked strictly: unknown keys and keys that do not apply to
// the entry's kind are errors.
//   {"servers": [ {
//       "kind": "server" | "master" | "hub" | "worker" | "pipeline" | "sink",
//       "name": "my_server",                      // no spaces, dots or quotes
//       "db_address": "tcp://127.0.0.1:5555",      // and the other pylm address parameters:
//       "pull_address", "pub_address", "worker_pull_address", "worker_push_address",
//       "sub_address",                             // pipeline, hub
//       "sub_addresses": ["tcp://..."],            // sink
//       "previous": "topic" | ["topic", ...],      // pipeline/hub: a string; sink: a list
//       "pipelined": false,                        // server, master, hub
//       "to_client": true,                         // pipeline, sink
//       "log_level": "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL",
//       "script": "worker.lua",                    // relative to the cluster file
//       "replicas": 1,                             // workers: name-1, name-2, ...
//       "limits": {"time_ms": 5000, "memory_mb": 256, "stack_depth": 200}
//   } ] }
//   "control": {"address": "tcp://0.0.0.0:7000", // optional, top level: qpalm-server's control
//               "key": "server.secret",         // channel when no --control flag is given;
//               "authorized": "authorized"}     // key and folder relative to the file
//   "data_security": {"key": "cluster.secret",  // optional, top level: CURVE on every data
//                     "authorized": "clients"}  // socket (qpalm-only; docs/security.md)
// Required addresses: server: db, pull, pub; master: db, pull, pub, worker_pull, worker_push;
// hub: db, sub, previous, pub, worker_pull, worker_push; worker: db; pipeline: db, sub,
// previous, pub; sink: db, sub_addresses, previous (one topic per sub address), pub.

namespace qpalm {

// A cluster file's top-level "control" section: where qpalm-server serves qpalm-ctl.
struct ClusterControl
{
    QString address;    // e.g. tcp://0.0.0.0:7000 or ipc:///run/qpalm/NAME.ctl
    QString key;        // absolute path of the server's *.secret, or empty (loopback/ipc only)
    QString authorized; // absolute folder of the allowed *.pub keys, or empty with key
};

// Parses and validates a cluster file's JSON; scripts resolve against baseDir. Nothing partial is
// returned.
std::optional<QList<ServerConfig>> parseClusterJson(const QByteArray &json, const QString &baseDir,
                                                    ClusterError *error);
// The control section of a cluster file's JSON (nullopt: none, or invalid with error set).
std::optional<ClusterControl> parseClusterControl(const QByteArray &json, const QString &baseDir,
                                                  ClusterError *error);
// Reads, parses and validates a cluster file.
std::optional<QList<ServerConfig>> loadClusterFile(const QString &path, ClusterError *error);
// Serializes configs (scripts relative to the file's folder) in the format loadClusterFile reads,
// with control (paths relative to the folder too) as the top-level "control" section when given.
QByteArray clusterJson(const QList<ServerConfig> &configs, const QString &baseDir,
                       const ClusterControl *control = nullptr);
bool saveClusterFile(const QString &path, const QList<ServerConfig> &configs, QString *errorText,
                     const ClusterControl *control = nullptr);

} // namespace qpalm
