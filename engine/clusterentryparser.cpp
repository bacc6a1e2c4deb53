// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterentryparser.h"

#include "clusterfilesupport.h"
#include "clustervalidation.h"
#include "serverconfig.h"
#include "servertraits.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace qpalm {

namespace {

struct EntryParser
{
    QString label;
    QString baseDir;
    ClusterError error;

    bool fail(const QString &field, const QString &message)
    {
        error = ClusterError{label, field, message};
        return false;
    }

    bool parseAddress(const QJsonObject &object, ClusterField key, ServerConfig &config)
    {
        const QString field = fieldName(key);
        const QJsonValue value = object.value(field);
        if (!value.isString())
            return fail(field, expected(QStringLiteral("an address string"), value));
        const QString address = value.toString();
        if (!isValidAddress(address))
            return fail(field, QStringLiteral("not a valid address '%1'").arg(address));
        *addressIn(config, key) = address;
        return true;
    }

    bool parseSubAddresses(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::SubAddresses);
        const QJsonValue value = object.value(field);
        if (!value.isArray())
            return fail(field, expected(QStringLiteral("a list of addresses"), value));
        const QJsonArray list = value.toArray();
        if (list.isEmpty())
            return fail(field, QStringLiteral("must list at least one address"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonValue item = list.at(i);
            if (!item.isString())
                return fail(field, QStringLiteral("item %1: ").arg(i + 1) +
                                       expected(QStringLiteral("an address string"), item));
            if (!isValidAddress(item.toString()))
                return fail(field, QStringLiteral("item %1: not a valid address '%2'")
                                       .arg(i + 1)
                                       .arg(item.toString()));
            config.subAddresses << item.toString();
        }
        return true;
    }

    bool parsePrevious(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Previous);
        const QJsonValue value = object.value(field);
        if (config.kind == ServerKind::Sink) {
            if (!value.isArray())
                return fail(
                    field,
                    expected(QStringLiteral("a list of topics (one per sub address)"), value));
            const QJsonArray list = value.toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QJsonValue item = list.at(i);
                if (!item.isString() || item.toString().isEmpty())
                    return fail(field,
                                QStringLiteral("item %1: ").arg(i + 1) +
                                    (item.isString()
                                         ? QStringLiteral("topic must not be empty")
                                         : expected(QStringLiteral("a topic string"), item)));
                config.previous << item.toString();
            }
            return true;
        }
        if (!value.isString())
            return fail(field, expected(QStringLiteral("a topic string"), value));
        if (value.toString().isEmpty())
            return fail(field, QStringLiteral("topic must not be empty"));
        config.previous = QStringList{value.toString()};
        return true;
    }

    bool parseBool(const QJsonObject &object, ClusterField key, bool &out)
    {
        const QJsonValue value = object.value(fieldName(key));
        if (!value.isBool())
            return fail(fieldName(key), expected(QStringLiteral("true or false"), value));
        out = value.toBool();
        return true;
    }

    bool parseLogLevel(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::LogLevel);
        const QJsonValue value = object.value(field);
        const QString levels = QStringLiteral("DEBUG, INFO, WARNING, ERROR or CRITICAL");
        if (!value.isString())
            return fail(field, expected(levels, value));
        const auto level = parseLevel(value.toString());
        if (!level)
            return fail(
                field,
                QStringLiteral("unknown level '%1' (expected %2)").arg(value.toString(), levels));
        config.logLevel = *level;
        return true;
    }

    bool parseScript(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Script);
        const QJsonValue value = object.value(field);
        if (!value.isString())
            return fail(field, expected(QStringLiteral("a file path"), value));
        if (value.toString().isEmpty())
            return fail(field, QStringLiteral("must not be empty"));
        const QString path = QDir::cleanPath(QDir(baseDir).absoluteFilePath(value.toString()));
        if (auto problem = scriptProblem(path))
            return fail(field, *problem);
        config.scriptPath = path;
        return true;
    }

    bool parseReplicas(const QJsonObject &object, ServerConfig &config)
    {
        QString problem;
        const auto n =
            integerValue(object.value(fieldName(ClusterField::Replicas)), 1, 1000, &problem);
        if (!n)
            return fail(fieldName(ClusterField::Replicas), problem);
        config.replicas = int(*n);
        return true;
    }

    bool parseLimits(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Limits);
        const QJsonValue value = object.value(field);
        if (!value.isObject())
            return fail(
                field,
                expected(QStringLiteral("an object with time_ms, memory_mb, stack_depth"), value));
        const QJsonObject limits = value.toObject();
        for (auto it = limits.begin(); it != limits.end(); ++it) {
            const QString sub = field + u'.' + it.key();
            QString problem;
            if (it.key() == QLatin1String("time_ms")) {
                const auto n = integerValue(it.value(), 1, 24LL * 3600 * 1000, &problem);
                if (!n)
                    return fail(sub, problem);
                config.limits.timeLimitMs = int(*n);
            } else if (it.key() == QLatin1String("memory_mb")) {
                const auto n = integerValue(it.value(), 1, 1024 * 1024, &problem);
                if (!n)
                    return fail(sub, problem);
                config.limits.memoryLimitBytes = *n * 1024 * 1024;
            } else if (it.key() == QLatin1String("stack_depth")) {
                const auto n = integerValue(it.value(), 1, 1000000, &problem);
                if (!n)
                    return fail(sub, problem);
                config.limits.stackDepth = int(*n);
            } else {
                return fail(sub, QStringLiteral(
                                     "unknown key (limits take: time_ms, memory_mb, stack_depth)"));
            }
        }
        return true;
    }

    bool parseDelivery(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Delivery);
        const QJsonValue value = object.value(field);
        const QString keys = QStringLiteral("reliable, heartbeat_ms, heartbeat_missed, credit");
        if (!value.isObject())
            return fail(field, expected(QStringLiteral("an object with ") + keys, value));
        const QJsonObject delivery = value.toObject();
        DeliverySettings &out = config.delivery;
        for (auto it = delivery.begin(); it != delivery.end(); ++it) {
            const QString sub = field + u'.' + it.key();
            QString problem;
            auto integer = [&](qint64 low, qint64 high, int &into) {
                const auto n = integerValue(it.value(), low, high, &problem);
                if (!n)
                    return fail(sub, problem);
                into = int(*n);
                return true;
            };
            if (it.key() == QLatin1String("reliable")) {
                if (!it.value().isBool())
                    return fail(sub, expected(QStringLiteral("true or false"), it.value()));
                out.reliable = it.value().toBool();
            } else if (it.key() == QLatin1String("heartbeat_ms")) {
                if (!integer(10, 3600 * 1000, out.heartbeatMs))
                    return false;
            } else if (it.key() == QLatin1String("heartbeat_missed")) {
                if (!integer(1, 1000, out.heartbeatMissed))
                    return false;
            } else if (it.key() == QLatin1String("credit")) {
                if (!integer(1, 100000, out.credit))
                    return false;
            } else {
                return fail(sub, QStringLiteral("unknown key (delivery takes: %1)").arg(keys));
            }
        }
        return true;
    }

    bool parseChoice(const QJsonObject &object, ClusterField key, const QStringList &choices,
                     int *index)
    {
        const QString field = fieldName(key);
        const QJsonValue value = object.value(field);
        const QString list = QStringLiteral("\"") + choices.join(QStringLiteral("\", \"")) + u'"';
        if (!value.isString())
            return fail(field, expected(QStringLiteral("one of ") + list, value));
        *index = int(choices.indexOf(value.toString()));
        if (*index < 0)
            return fail(
                field,
                QStringLiteral("unknown value '%1' (expected %2)").arg(value.toString(), list));
        return true;
    }

    bool parseRun(const QJsonObject &object, ServerConfig &config)
    {
        int index = 0;
        if (!parseChoice(object, ClusterField::Run,
                         {QStringLiteral("threads"), QStringLiteral("process")}, &index))
            return false;
        config.run = index == 1 ? RunMode::Process : RunMode::Threads;
        return true;
    }

    bool parseRestart(const QJsonObject &object, ServerConfig &config)
    {
        int index = 0;
        if (!parseChoice(
                object, ClusterField::Restart,
                {QStringLiteral("on-failure"), QStringLiteral("always"), QStringLiteral("never")},
                &index))
            return false;
        config.restart = index == 1   ? RestartMode::Always
                         : index == 2 ? RestartMode::Never
                                      : RestartMode::OnFailure;
        return true;
    }

    bool parseCommand(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Command);
        const QJsonValue value = object.value(field);
        if (!value.isArray())
            return fail(field, expected(QStringLiteral("a list of strings (program, arguments...)"),
                                        value));
        const QJsonArray list = value.toArray();
        if (list.isEmpty())
            return fail(field, QStringLiteral("must name at least the program to run"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (!list.at(i).isString())
                return fail(field, QStringLiteral("item %1: ").arg(i + 1) +
                                       expected(QStringLiteral("a string"), list.at(i)));
            config.command << list.at(i).toString();
        }
        if (config.command.first().isEmpty())
            return fail(field, QStringLiteral("item 1: the program must not be empty"));
        return true;
    }

    bool parseCwd(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Cwd);
        const QJsonValue value = object.value(field);
        if (!value.isString() || value.toString().isEmpty())
            return fail(field, expected(QStringLiteral("a folder path"), value));
        const QString path = QDir::cleanPath(QDir(baseDir).absoluteFilePath(value.toString()));
        if (!QFileInfo(path).isDir())
            return fail(field, QStringLiteral("'%1' is not a folder").arg(path));
        config.cwd = path;
        return true;
    }

    bool parseEnv(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Env);
        const QJsonValue value = object.value(field);
        if (!value.isObject())
            return fail(field, expected(QStringLiteral("an object {\"NAME\": \"value\"}"), value));
        const QJsonObject env = value.toObject();
        for (auto it = env.begin(); it != env.end(); ++it) {
            if (it.key().isEmpty() || it.key().contains(u'='))
                return fail(field, QStringLiteral("'%1' is not a variable name").arg(it.key()));
            if (!it.value().isString())
                return fail(field + u'.' + it.key(),
                            expected(QStringLiteral("a string"), it.value()));
            config.env << it.key() + u'=' + it.value().toString();
        }
        return true;
    }

    bool parseAttach(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = fieldName(ClusterField::Attach);
        const QJsonValue value = object.value(field);
        if (!value.isObject())
            return fail(field,
                        expected(QStringLiteral("an object with control, key, server_key"), value));
        const QJsonObject attach = value.toObject();
        for (auto it = attach.begin(); it != attach.end(); ++it) {
            const QString sub = field + u'.' + it.key();
            if (it.key() != QLatin1String("control") && it.key() != QLatin1String("key") &&
                it.key() != QLatin1String("server_key"))
                return fail(sub, QStringLiteral("unknown key (attach takes: control, key, "
                                                "server_key)"));
            if (!it.value().isString() || it.value().toString().isEmpty())
                return fail(sub, expected(it.key() == QLatin1String("control")
                                              ? QStringLiteral("a control address")
                                              : QStringLiteral("a key file path"),
                                          it.value()));
        }
        const QString control = attach.value(QLatin1String("control")).toString();
        if (control.isEmpty())
            return fail(field + QStringLiteral(".control"), QStringLiteral("missing"));
        if (!isValidAddress(control) || control.startsWith(QLatin1String("inproc://")))
            return fail(field + QStringLiteral(".control"),
                        QStringLiteral("not a valid control address '%1'").arg(control));
        const bool hasKey = attach.contains(QLatin1String("key"));
        if (hasKey != attach.contains(QLatin1String("server_key")))
            return fail(field, QStringLiteral("key and server_key go together (CURVE needs both)"));
        config.attach.control = control;
        if (hasKey) {
            auto path = [this, &attach](const char *key) {
                return QDir::cleanPath(
                    QDir(baseDir).absoluteFilePath(attach.value(QLatin1String(key)).toString()));
            };
            config.attach.keyPath = path("key");
            config.attach.serverKeyPath = path("server_key");
            for (const QString &file : {config.attach.keyPath, config.attach.serverKeyPath}) {
                if (!QFileInfo(file).isReadable())
                    return fail(field, QStringLiteral("cannot read the key file '%1'").arg(file));
            }
        }
        return true;
    }

    // Rules between fields: what run, restart and attach allow.
    bool checkCombination(const QJsonObject &object, const ServerConfig &config)
    {
        auto has = [&object](ClusterField key) { return object.contains(fieldName(key)); };
        if (config.attach.isSet()) {
            for (ClusterField key : {ClusterField::Run, ClusterField::Restart, ClusterField::Script,
                                     ClusterField::Limits, ClusterField::Replicas}) {
                if (has(key))
                    return fail(fieldName(key),
                                QStringLiteral("does not apply to an attached server (it runs "
                                               "elsewhere, under its own cluster file)"));
            }
        }
        if (has(ClusterField::Restart) && config.kind != ServerKind::Process &&
            config.run != RunMode::Process)
            return fail(fieldName(ClusterField::Restart),
                        QStringLiteral("applies only to entries that run in a process (add "
                                       "\"run\": \"process\")"));
        return true;
    }

    bool parse(const QJsonValue &entry, ServerConfig &config)
    {
        if (!entry.isObject())
            return fail({}, expected(QStringLiteral("an object"), entry));
        const QJsonObject object = entry.toObject();

        const QJsonValue name = object.value(QLatin1String("name"));
        if (name.isString() && !name.toString().isEmpty())
            label = name.toString();

        const QJsonValue kind = object.value(QLatin1String("kind"));
        if (kind.isUndefined())
            return fail(QStringLiteral("kind"), QStringLiteral("missing (%1)").arg(kindNameList()));
        if (!kind.isString())
            return fail(QStringLiteral("kind"), expected(QStringLiteral("a string"), kind));
        const auto parsedKind = parseKind(kind.toString());
        if (!parsedKind)
            return fail(QStringLiteral("kind"), QStringLiteral("unknown kind '%1' (expected %2)")
                                                    .arg(kind.toString(), kindNameList()));
        config.kind = *parsedKind;

        if (name.isUndefined())
            return fail(QStringLiteral("name"), QStringLiteral("missing"));
        if (!name.isString())
            return fail(QStringLiteral("name"), expected(QStringLiteral("a string"), name));
        if (auto problem = nameProblem(name.toString()))
            return fail(QStringLiteral("name"), *problem);
        config.name = name.toString();

        const ServerKindTraits &rules = traitsOf(config.kind);
        for (auto it = object.begin(); it != object.end(); ++it) {
            const auto key = fieldFromName(it.key());
            if (!key)
                return fail(it.key(), QStringLiteral("unknown key (%1 takes: %2)")
                                          .arg(rules.withArticle(), rules.fieldList()));
            if (!rules.fields.contains(*key))
                return fail(it.key(), QStringLiteral("not used by %1 (%1 takes: %2)")
                                          .arg(rules.withArticle(), rules.fieldList()));
        }

        const bool attached = object.contains(fieldName(ClusterField::Attach));
        for (ClusterField key : rules.fields) {
            if (key == ClusterField::Kind || key == ClusterField::Name)
                continue;
            if (!object.contains(fieldName(key))) {
                if (rules.required.contains(key) && !attached)
                    return fail(
                        fieldName(key),
                        QStringLiteral("missing (required for %1)").arg(rules.withArticle()));
                continue;
            }
            bool ok = true;
            if (isAddressField(key))
                ok = parseAddress(object, key, config);
            else if (key == ClusterField::SubAddresses)
                ok = parseSubAddresses(object, config);
            else if (key == ClusterField::Previous)
                ok = parsePrevious(object, config);
            else if (key == ClusterField::Pipelined)
                ok = parseBool(object, key, config.pipelined);
            else if (key == ClusterField::ToClient)
                ok = parseBool(object, key, config.toClient);
            else if (key == ClusterField::LogLevel)
                ok = parseLogLevel(object, config);
            else if (key == ClusterField::Script)
                ok = parseScript(object, config);
            else if (key == ClusterField::Replicas)
                ok = parseReplicas(object, config);
            else if (key == ClusterField::Limits)
                ok = parseLimits(object, config);
            else if (key == ClusterField::Delivery)
                ok = parseDelivery(object, config);
            else if (key == ClusterField::Run)
                ok = parseRun(object, config);
            else if (key == ClusterField::Restart)
                ok = parseRestart(object, config);
            else if (key == ClusterField::Command)
                ok = parseCommand(object, config);
            else if (key == ClusterField::Cwd)
                ok = parseCwd(object, config);
            else if (key == ClusterField::Env)
                ok = parseEnv(object, config);
            else if (key == ClusterField::Attach)
                ok = parseAttach(object, config);
            if (!ok)
                return false;
        }
        if (!checkCombination(object, config))
            return false;
        if (config.kind == ServerKind::Process && config.cwd.isEmpty() && !baseDir.isEmpty())
            config.cwd = QDir::cleanPath(baseDir); // commands run beside the cluster file

        if (config.kind == ServerKind::Sink && config.previous.size() != config.subAddresses.size())
            return fail(
                fieldName(ClusterField::Previous),
                QStringLiteral(
                    "has %1 topic(s) but sub_addresses has %2 address(es); they pair up in order")
                    .arg(config.previous.size())
                    .arg(config.subAddresses.size()));
        return true;
    }
};

} // namespace

bool parseClusterEntry(const QJsonValue &entry, const QString &label, const QString &baseDir,
                       ServerConfig *config, ClusterError *error)
{
    EntryParser parser{label, baseDir, {}};
    if (parser.parse(entry, *config))
        return true;
    *error = parser.error;
    return false;
}

} // namespace qpalm
