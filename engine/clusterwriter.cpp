// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterfile.h"

#include "servertraits.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace qpalm {

namespace {

QByteArray jsonValueText(const QJsonValue &value)
{
    QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

// Expanded replicas folded back into their entry: one entry with replicas = how many there are.
QList<ServerConfig> entriesOf(const QList<ServerConfig> &configs)
{
    QList<ServerConfig> out;
    QHash<QString, qsizetype> entryIndex;
    for (const ServerConfig &config : configs) {
        if (config.replica <= 0 || config.entry.isEmpty()) {
            out.append(config);
            continue;
        }
        const auto it = entryIndex.constFind(config.entry);
        if (it != entryIndex.constEnd()) {
            ++out[*it].replicas;
            continue;
        }
        ServerConfig entry = config;
        entry.name = config.entry;
        entry.replica = 0;
        entry.replicas = 1;
        entryIndex.insert(config.entry, out.size());
        out.append(entry);
    }
    return out;
}

} // namespace

QByteArray clusterJson(const QList<ServerConfig> &servers, const QString &baseDir,
                       const ClusterControl *control)
{
    const QList<ServerConfig> configs = entriesOf(servers);
    const ScriptLimits defaults;
    QByteArray out = "{\n  \"servers\": [";
    for (qsizetype i = 0; i < configs.size(); ++i) {
        const ServerConfig &config = configs.at(i);
        QList<std::pair<QString, QJsonValue>> fields;
        for (ClusterField key : traitsOf(config.kind).fields) {
            const QString name = fieldName(key);
            switch (key) {
            case ClusterField::Kind:
                fields.append({name, kindName(config.kind)});
                break;
            case ClusterField::Name:
                fields.append({name, config.name});
                break;
            case ClusterField::SubAddresses:
                fields.append({name, QJsonArray::fromStringList(config.subAddresses)});
                break;
            case ClusterField::Previous:
                if (config.kind == ServerKind::Sink)
                    fields.append({name, QJsonArray::fromStringList(config.previous)});
                else
                    fields.append({name, config.previous.value(0)});
                break;
            case ClusterField::Pipelined:
                if (config.pipelined)
                    fields.append({name, true});
                break;
            case ClusterField::ToClient:
                if (!config.toClient)
                    fields.append({name, false});
                break;
            case ClusterField::LogLevel:
                fields.append({name, levelName(config.logLevel)});
                break;
            case ClusterField::Script:
                if (!config.scriptPath.isEmpty())
                    fields.append({name, QDir(baseDir).relativeFilePath(config.scriptPath)});
                break;
            case ClusterField::Replicas:
                if (config.replicas != 1)
                    fields.append({name, config.replicas});
                break;
            case ClusterField::Limits: {
                QJsonObject limits;
                if (config.limits.timeLimitMs != defaults.timeLimitMs)
                    limits.insert(QStringLiteral("time_ms"), config.limits.timeLimitMs);
                if (config.limits.memoryLimitBytes != defaults.memoryLimitBytes)
                    limits.insert(QStringLiteral("memory_mb"),
                                  (config.limits.memoryLimitBytes + 1024 * 1024 - 1) /
                                      (1024 * 1024));
                if (config.limits.stackDepth != defaults.stackDepth)
                    limits.insert(QStringLiteral("stack_depth"), config.limits.stackDepth);
                if (!limits.isEmpty())
                    fields.append({name, limits});
                break;
            }
            case ClusterField::Delivery: {
                const DeliverySettings plain;
                const DeliverySettings &d = config.delivery;
                QJsonObject delivery;
                if (d.reliable != plain.reliable)
                    delivery.insert(QStringLiteral("reliable"), d.reliable);
                if (d.heartbeatMs != plain.heartbeatMs)
                    delivery.insert(QStringLiteral("heartbeat_ms"), d.heartbeatMs);
                if (d.heartbeatMissed != plain.heartbeatMissed)
                    delivery.insert(QStringLiteral("heartbeat_missed"), d.heartbeatMissed);
                if (d.credit != plain.credit)
                    delivery.insert(QStringLiteral("credit"), d.credit);
                if (!delivery.isEmpty())
                    fields.append({name, delivery});
                break;
            }
            case ClusterField::Run:
                if (config.run != RunMode::Threads)
                    fields.append({name, runModeName(config.run)});
                break;
            case ClusterField::Restart:
                if (config.restart != RestartMode::OnFailure &&
                    (config.run == RunMode::Process || config.kind == ServerKind::Process))
                    fields.append({name, restartModeName(config.restart)});
                break;
            case ClusterField::Command:
                fields.append({name, QJsonArray::fromStringList(config.command)});
                break;
            case ClusterField::Cwd:
                if (!config.cwd.isEmpty() &&
                    QDir(baseDir).relativeFilePath(config.cwd) != QLatin1String("."))
                    fields.append({name, QDir(baseDir).relativeFilePath(config.cwd)});
                break;
            case ClusterField::Env:
                if (!config.env.isEmpty()) {
                    QJsonObject env;
                    for (const QString &pair : config.env)
                        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
                    fields.append({name, env});
                }
                break;
            case ClusterField::Attach:
                if (config.attach.isSet()) {
                    QJsonObject attach{{QStringLiteral("control"), config.attach.control}};
                    if (!config.attach.keyPath.isEmpty()) {
                        attach.insert(QStringLiteral("key"),
                                      QDir(baseDir).relativeFilePath(config.attach.keyPath));
                        attach.insert(QStringLiteral("server_key"),
                                      QDir(baseDir).relativeFilePath(config.attach.serverKeyPath));
                    }
                    fields.append({name, attach});
                }
                break;
            default:
                if (isAddressField(key) && !addressOf(config, key).isEmpty())
                    fields.append({name, addressOf(config, key)});
                break;
            }
        }
        out += i == 0 ? "\n    {" : ",\n    {";
        for (qsizetype f = 0; f < fields.size(); ++f) {
            out += f == 0 ? "\n      " : ",\n      ";
            out += jsonValueText(fields.at(f).first) + ": " + jsonValueText(fields.at(f).second);
        }
        out += "\n    }";
    }
    out += "\n  ]";
    if (control && !control->address.isEmpty()) {
        const QDir base(baseDir);
        QJsonObject section{{QStringLiteral("address"), control->address}};
        if (!control->key.isEmpty())
            section.insert(QStringLiteral("key"), base.relativeFilePath(control->key));
        if (!control->authorized.isEmpty())
            section.insert(QStringLiteral("authorized"),
                           base.relativeFilePath(control->authorized));
        out += ",\n  \"control\": " + QJsonDocument(section).toJson(QJsonDocument::Compact);
    }
    if (const DataSecurity &security = configs.value(0).dataSecurity; security.isSet()) {
        QJsonObject section{
            {QStringLiteral("key"), QDir(baseDir).relativeFilePath(security.keyPath)}};
        if (!security.authorizedPath.isEmpty())
            section.insert(QStringLiteral("authorized"),
                           QDir(baseDir).relativeFilePath(security.authorizedPath));
        out += ",\n  \"data_security\": " + jsonValueText(section);
    }
    out += "\n}\n";
    return out;
}

bool saveClusterFile(const QString &path, const QList<ServerConfig> &configs, QString *errorText,
                     const ClusterControl *control)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (errorText)
            *errorText = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(clusterJson(configs, QFileInfo(path).absolutePath(), control));
    if (!file.commit()) {
        if (errorText)
            *errorText = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace qpalm
