// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterfile.h"

#include "clusterentryparser.h"
#include "clusterfilesupport.h"
#include "endpoint.h"
#include "jsonduplicates.h"
#include "remote/controlsecurity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>

namespace qpalm {

namespace {

const QString kControl = QStringLiteral("control");

// Checks a "control" section; fills out when it is valid.
std::optional<ClusterError> readControl(const QJsonValue &value, const QString &baseDir,
                                        ClusterControl *out)
{
    auto problem = [](const QString &field, const QString &message) {
        return ClusterError{{}, field.isEmpty() ? kControl : kControl + u'.' + field, message};
    };
    if (!value.isObject())
        return problem({}, expected(QStringLiteral("an object {\"address\": ...}"), value));
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != QLatin1String("address") && it.key() != QLatin1String("key") &&
            it.key() != QLatin1String("authorized"))
            return problem(it.key(),
                           QStringLiteral("unknown key (expected address, key, authorized)"));
        if (!it.value().isString() || it.value().toString().isEmpty())
            return problem(it.key(), expected(QStringLiteral("a non-empty string"), it.value()));
    }
    ClusterControl control;
    control.address = object.value(QLatin1String("address")).toString();
    if (control.address.isEmpty())
        return problem(QStringLiteral("address"), QStringLiteral("missing"));
    QString error;
    const auto endpoint = Endpoint::parse(control.address, &error);
    if (!endpoint)
        return problem(QStringLiteral("address"), error);
    if (endpoint->transport() == Endpoint::Transport::Inproc)
        return problem(QStringLiteral("address"),
                       QStringLiteral("inproc:// cannot be reached from outside"));
    const QDir base(baseDir);
    if (object.contains(QLatin1String("key")))
        control.key =
            QDir::cleanPath(base.absoluteFilePath(object.value(QLatin1String("key")).toString()));
    if (object.contains(QLatin1String("authorized")))
        control.authorized = QDir::cleanPath(
            base.absoluteFilePath(object.value(QLatin1String("authorized")).toString()));
    if (control.key.isEmpty() != control.authorized.isEmpty())
        return problem(control.key.isEmpty() ? QStringLiteral("key") : QStringLiteral("authorized"),
                       QStringLiteral("missing: CURVE needs both key and authorized"));
    if (control.key.isEmpty() && !remote::isLocalControlAddress(*endpoint))
        return problem(QStringLiteral("key"),
                       QStringLiteral("missing: %1 is not on loopback or ipc://, so it needs "
                                      "CURVE keys (key and authorized)")
                           .arg(control.address));
    if (out)
        *out = control;
    return std::nullopt;
}

const QString kDataSecurity = QStringLiteral("data_security");

// Checks a "data_security" section and reads its keys; fills out when it is valid.
std::optional<ClusterError> readDataSecurity(const QJsonValue &value, const QString &baseDir,
                                             const QByteArray &json, DataSecurity *out)
{
    auto problem = [&](const QString &field, const QString &message) {
        // The field's line, or the section's when it lacks the field.
        const int line = jsonKeyLine(json, field.isEmpty() ? QStringList{kDataSecurity}
                                                           : QStringList{kDataSecurity, field});
        return ClusterError{{},
                            field.isEmpty() ? kDataSecurity : kDataSecurity + u'.' + field,
                            line > 0 ? QStringLiteral("%1 (line %2)").arg(message).arg(line)
                                     : message};
    };
    if (!value.isObject())
        return problem({}, expected(QStringLiteral("an object {\"key\": \"cluster.secret\", "
                                                   "\"authorized\": \"folder\"}"),
                                    value));
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != QLatin1String("key") && it.key() != QLatin1String("authorized"))
            return problem(it.key(), QStringLiteral("unknown key (data_security takes: key, "
                                                    "authorized)"));
        if (!it.value().isString() || it.value().toString().isEmpty())
            return problem(it.key(), expected(QStringLiteral("a non-empty path"), it.value()));
    }
    if (!object.contains(QLatin1String("key")))
        return problem(QStringLiteral("key"),
                       QStringLiteral("missing: the cluster's key pair, a PATH.secret written by "
                                      "qpalm-ctl keygen"));
    const QDir base(baseDir);
    DataSecurity security;
    security.keyPath =
        QDir::cleanPath(base.absoluteFilePath(object.value(QLatin1String("key")).toString()));
    QString error;
    const auto keys = remote::readSecretKey(security.keyPath, &error);
    if (!keys)
        return problem(QStringLiteral("key"), error);
    security.publicKey = keys->publicKey;
    security.secretKey = keys->secretKey;
    if (object.contains(QLatin1String("authorized"))) {
        security.authorizedPath = QDir::cleanPath(
            base.absoluteFilePath(object.value(QLatin1String("authorized")).toString()));
        const auto authorized = remote::readAuthorizedKeys(security.authorizedPath, &error);
        if (!authorized)
            return problem(QStringLiteral("authorized"), error);
        security.authorized = authorized->values();
        std::sort(security.authorized.begin(), security.authorized.end());
    }
    if (out)
        *out = security;
    return std::nullopt;
}

} // namespace

std::optional<ClusterControl> parseClusterControl(const QByteArray &json, const QString &baseDir,
                                                  ClusterError *error)
{
    const QJsonValue value = QJsonDocument::fromJson(json).object().value(kControl);
    if (value.isUndefined())
        return std::nullopt;
    ClusterControl control;
    if (auto problem = readControl(value, baseDir, &control)) {
        if (error)
            *error = *problem;
        return std::nullopt;
    }
    return control;
}

namespace {

// Errors in the fields of issue 8 (and the control section) say on which line the field is.
void addLine(const QByteArray &json, int entry, ClusterError *error)
{
    static const QStringList located = {QStringLiteral("run"),
                                        QStringLiteral("restart"),
                                        QStringLiteral("command"),
                                        QStringLiteral("cwd"),
                                        QStringLiteral("env"),
                                        QStringLiteral("attach"),
                                        kControl};
    QStringList path = error->field.split(u'.');
    if (!located.contains(path.first()) || (path.first() == kControl) != (entry < 0))
        return;
    if (entry >= 0)
        path = QStringList{QStringLiteral("servers"), QStringLiteral("#%1").arg(entry)} + path;
    if (const int line = jsonKeyLine(json, path); line > 0)
        error->message += QStringLiteral(" (line %1)").arg(line);
}

} // namespace

std::optional<QList<ServerConfig>> parseClusterJson(const QByteArray &json, const QString &baseDir,
                                                    ClusterError *error)
{
    auto failWith = [&](ClusterError e, int entry = -1) -> std::optional<QList<ServerConfig>> {
        addLine(json, entry, &e);
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
    DataSecurity security;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() == kControl) {
            if (auto problem = readControl(it.value(), baseDir, nullptr))
                return failWith(*problem);
        } else if (it.key() == kDataSecurity) {
            if (auto problem = readDataSecurity(it.value(), baseDir, json, &security))
                return failWith(*problem);
        } else if (it.key() != QLatin1String("servers")) {
            return failWith(ClusterError{{},
                                         it.key(),
                                         QStringLiteral("unknown key (a cluster file has "
                                                        "\"servers\", \"control\" and "
                                                        "\"data_security\")")});
        }
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
            return failWith(entryError, int(i));
        // pylm processes cannot speak CURVE: a cluster with data_security is qpalm-only.
        if (security.isSet() && config.kind == ServerKind::Process)
            return failWith(
                ClusterError{config.name, QStringLiteral("kind"),
                             QStringLiteral("a process entry cannot join a cluster with "
                                            "data_security (its sockets cannot speak CURVE)")},
                int(i));
        config.dataSecurity = security;
        configs.append(std::move(config));
    }
    if (auto problem = validateCluster(configs)) {
        int entry = -1;
        for (qsizetype i = 0; i < list.size() && entry < 0; ++i) {
            if (list.at(i).toObject().value(QLatin1String("name")).toString() == problem->entry)
                entry = int(i);
        }
        return failWith(*problem, entry);
    }
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
