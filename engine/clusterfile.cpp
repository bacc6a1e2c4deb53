// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterfile.h"

#include "clusterentryparser.h"
#include "clusterfilesupport.h"
#include "jsonduplicates.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace qpalm {

std::optional<QList<ServerConfig>> parseClusterJson(const QByteArray &json, const QString &baseDir,
                                                    ClusterError *error)
{
    auto failWith = [&](ClusterError e) -> std::optional<QList<ServerConfig>> {
        if (error)
            *error = std::move(e);
        return std::nullopt;
    };

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Report a line and column rather than a byte offset.
        const QByteArray before = json.left(parseError.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = parseError.offset - (before.lastIndexOf('\n') + 1) + 1;
        return failWith(ClusterError{{},
                                     {},
                                     QStringLiteral("not valid JSON: %1 at line %2, column %3")
                                         .arg(parseError.errorString())
                                         .arg(line)
                                         .arg(column)});
    }
    if (!document.isObject())
        return failWith(
            ClusterError{{}, {}, QStringLiteral("expected a JSON object {\"servers\": [...]}")});
    const QJsonObject root = document.object();
    if (const auto duplicate = findDuplicateKey(json)) {
        QString label;
        if (duplicate->entry >= 0) {
            label = QStringLiteral("#%1").arg(duplicate->entry + 1);
            const QJsonValue name = root.value(QLatin1String("servers"))
                                        .toArray()
                                        .at(duplicate->entry)
                                        .toObject()
                                        .value(QLatin1String("name"));
            if (duplicate->key != QLatin1String("name") && name.isString() &&
                !name.toString().isEmpty())
                label = name.toString();
        }
        return failWith(ClusterError{label, duplicate->key,
                                     QStringLiteral("appears twice (again at line %1); JSON keeps "
                                                    "only one, so each key may appear once")
                                         .arg(duplicate->line)});
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("servers"))
            return failWith(ClusterError{
                {}, it.key(), QStringLiteral("unknown key (a cluster file has only \"servers\")")});
    }
    const QJsonValue servers = root.value(QLatin1String("servers"));
    if (servers.isUndefined())
        return failWith(ClusterError{{}, QStringLiteral("servers"), QStringLiteral("missing")});
    if (!servers.isArray())
        return failWith(ClusterError{
            {}, QStringLiteral("servers"), expected(QStringLiteral("a list"), servers)});
    const QJsonArray list = servers.toArray();
    if (list.isEmpty())
        return failWith(
            ClusterError{{}, QStringLiteral("servers"), QStringLiteral("the list is empty")});

    QList<ServerConfig> configs;
    configs.reserve(list.size());
    for (qsizetype i = 0; i < list.size(); ++i) {
        ServerConfig config;
        ClusterError entryError;
        if (!parseClusterEntry(list.at(i), QStringLiteral("#%1").arg(i + 1), baseDir, &config,
                               &entryError))
            return failWith(entryError);
        configs.append(std::move(config));
    }
    if (auto problem = validateCluster(configs))
        return failWith(*problem);
    return configs;
}

std::optional<QList<ServerConfig>> loadClusterFile(const QString &path, ClusterError *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error =
                ClusterError{{}, {}, QStringLiteral("cannot open: %1").arg(file.errorString())};
        return std::nullopt;
    }
    const QByteArray json = file.readAll();
    return parseClusterJson(json, QFileInfo(path).absolutePath(), error);
}

} // namespace qpalm
