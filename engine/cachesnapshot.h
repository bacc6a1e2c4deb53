// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

// Cache snapshot file (JSON, UTF-8), every key and value as base64 so binary survives:
//   {"format": "qpalm-cache-snapshot", "version": 1,
//    "server": "master", "taken": "2026-12-02T03:04:05.678Z",
//    "entries": [{"key": "<base64>", "value": "<base64>"}, ...]}
// Keys are unique. "server" and "taken" are informative; restoring may target another server.
// Values may hold any bytes; keys are UTF-8 text without NUL (pylm's protobuf string field; the
// "keys" verb lists them NUL-separated).

namespace qpalm {

class Client;

// Every key/value of one server's cache at one moment.
struct CacheSnapshot
{
    QString server;                                   // whose cache it was taken from
    qint64 takenMsecs = 0;                            // msecs since epoch
    QList<std::pair<QByteArray, QByteArray>> entries; // sorted by key
};

// What a restore did.
struct CacheRestoreResult
{
    int set = 0;     // keys written
    int removed = 0; // keys deleted (replace only)
    int kept = 0;    // the target's own published keys, left as they are
};

// True for keys a server publishes for its peers ("name", its addresses): a restore never
// writes or deletes them, since they belong to the server that runs.
bool isPublishedCacheKey(const QByteArray &key);

QByteArray cacheSnapshotJson(const CacheSnapshot &snapshot);
// Parses and checks a snapshot file's content; nullopt with error naming what is wrong.
std::optional<CacheSnapshot> parseCacheSnapshot(const QByteArray &json, QString *error);
// Reads a snapshot file; nothing partial is returned.
std::optional<CacheSnapshot> readCacheSnapshot(const QString &path, QString *error);
bool writeCacheSnapshot(const QString &path, const CacheSnapshot &snapshot, QString *error);

// Reads every key and value through a connected client (blocking, the client's thread).
std::optional<CacheSnapshot> takeCacheSnapshot(Client &client, const QString &server,
                                               QString *error);
// Writes the snapshot's keys into the client's server; with replace, also deletes the keys the
// snapshot does not have, so the cache holds exactly the snapshot (published keys aside).
std::optional<CacheRestoreResult>
restoreCacheSnapshot(Client &client, const CacheSnapshot &snapshot, bool replace, QString *error);

} // namespace qpalm
