// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cachesnapshot.h"

#include "client.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <string>

namespace qpalm {

namespace {

const QString kFormat = QStringLiteral("qpalm-cache-snapshot");

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), size_t(bytes.size()));
}

QByteArray toBytes(const std::string &text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

QString lastError(const Client &client)
{
    return QString::fromStdString(client.lastError());
}

} // namespace

bool isPublishedCacheKey(const QByteArray &key)
{
    static const QList<QByteArray> published{"name",
                                             "db_address",
                                             "pull_address",
                                             "pub_address",
                                             "sub_address",
                                             "sub_addresses",
                                             "worker_pull_address",
                                             "worker_push_address",
                                             "worker_reliable_address"};
    return published.contains(key) || key.startsWith("sub_address_"); // a Sink's, per input
}

QByteArray cacheSnapshotJson(const CacheSnapshot &snapshot)
{
    QJsonArray entries;
    for (const auto &[key, value] : snapshot.entries) {
        entries.append(
            QJsonObject{{QStringLiteral("key"), QString::fromLatin1(key.toBase64())},
                        {QStringLiteral("value"), QString::fromLatin1(value.toBase64())}});
    }
    const QJsonObject root{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), 1},
        {QStringLiteral("server"), snapshot.server},
        {QStringLiteral("taken"),
         QDateTime::fromMSecsSinceEpoch(snapshot.takenMsecs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("entries"), entries}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<CacheSnapshot> parseCacheSnapshot(const QByteArray &json, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        return fail(QStringLiteral("not a cache snapshot: the top level is not an object"));
    const QJsonObject root = document.object();
    if (root.value(QLatin1String("format")).toString() != kFormat)
        return fail(QStringLiteral("not a cache snapshot: \"format\" is not \"%1\"").arg(kFormat));
    if (root.value(QLatin1String("version")).toInt() != 1)
        return fail(QStringLiteral("unsupported snapshot version %1 (this qpalm reads 1)")
                        .arg(root.value(QLatin1String("version")).toVariant().toString()));
    const QJsonValue entriesValue = root.value(QLatin1String("entries"));
    if (!entriesValue.isArray())
        return fail(QStringLiteral("\"entries\" is missing or not a list"));
    CacheSnapshot snapshot;
    snapshot.server = root.value(QLatin1String("server")).toString();
    snapshot.takenMsecs =
        QDateTime::fromString(root.value(QLatin1String("taken")).toString(), Qt::ISODateWithMs)
            .toMSecsSinceEpoch();
    QSet<QByteArray> seen;
    const QJsonArray entries = entriesValue.toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries.at(i).toObject();
        QByteArray decoded[2];
        const char *fields[2] = {"key", "value"};
        for (int f = 0; f < 2; ++f) {
            const QJsonValue value = entry.value(QLatin1String(fields[f]));
            const auto result = QByteArray::fromBase64Encoding(
                value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!value.isString() || !result)
                return fail(QStringLiteral("entry %1: \"%2\" is not base64 text")
                                .arg(i + 1)
                                .arg(QLatin1String(fields[f])));
            decoded[f] = *result;
        }
        if (decoded[0].isEmpty())
            return fail(QStringLiteral("entry %1: the key is empty").arg(i + 1));
        if (seen.contains(decoded[0]))
            return fail(QStringLiteral("entry %1: key \"%2\" appears twice")
                            .arg(i + 1)
                            .arg(QString::fromUtf8(decoded[0].left(80))));
        seen.insert(decoded[0]);
        snapshot.entries.append({decoded[0], decoded[1]});
    }
    std::sort(snapshot.entries.begin(), snapshot.entries.end());
    return snapshot;
}

std::optional<CacheSnapshot> readCacheSnapshot(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QString problem;
    auto snapshot = parseCacheSnapshot(file.readAll(), &problem);
    if (!snapshot && error)
        *error = QStringLiteral("%1: %2").arg(path, problem);
    return snapshot;
}

bool writeCacheSnapshot(const QString &path, const CacheSnapshot &snapshot, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(cacheSnapshotJson(snapshot)) < 0 ||
        !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<CacheSnapshot> takeCacheSnapshot(Client &client, const QString &server,
                                               QString *error)
{
    const auto keys = client.keys();
    if (!keys) {
        if (error)
            *error = QStringLiteral("listing the keys failed: %1").arg(lastError(client));
        return std::nullopt;
    }
    CacheSnapshot snapshot;
    snapshot.server = server;
    snapshot.takenMsecs = QDateTime::currentMSecsSinceEpoch();
    for (const std::string &key : *keys) {
        const auto value = client.get(key);
        if (!value) {
            if (error)
                *error = QStringLiteral("getting key \"%1\" failed: %2")
                             .arg(QString::fromStdString(key).left(80), lastError(client));
            return std::nullopt;
        }
        snapshot.entries.append({toBytes(key), toBytes(*value)});
    }
    std::sort(snapshot.entries.begin(), snapshot.entries.end());
    return snapshot;
}

std::optional<CacheRestoreResult>
restoreCacheSnapshot(Client &client, const CacheSnapshot &snapshot, bool replace, QString *error)
{
    const auto fail = [&client, error](const QString &what) {
        if (error)
            *error = QStringLiteral("%1 failed: %2").arg(what, lastError(client));
        return std::nullopt;
    };
    CacheRestoreResult result;
    QSet<QByteArray> wanted;
    for (const auto &[key, value] : snapshot.entries) {
        wanted.insert(key);
        if (isPublishedCacheKey(key)) {
            ++result.kept;
            continue;
        }
        if (!client.set(toStd(value), toStd(key)))
            return fail(QStringLiteral("setting key \"%1\"").arg(QString::fromUtf8(key.left(80))));
        ++result.set;
    }
    if (!replace)
        return result;
    const auto keys = client.keys();
    if (!keys)
        return fail(QStringLiteral("listing the keys"));
    for (const std::string &key : *keys) {
        const QByteArray bytes = toBytes(key);
        if (wanted.contains(bytes) || isPublishedCacheKey(bytes))
            continue;
        if (!client.remove(key))
            return fail(QStringLiteral("deleting key \"%1\"").arg(QString::fromStdString(key)));
        ++result.removed;
    }
    return result;
}

} // namespace qpalm
