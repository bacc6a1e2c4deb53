#include "clusterfile.h"

#include "cluster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace qpalm {

namespace {

// Every key a cluster entry may have, in the order files are written and checked.
enum class Key {
    Kind,
    Name,
    DbAddress,
    PullAddress,
    PubAddress,
    WorkerPullAddress,
    WorkerPushAddress,
    SubAddress,
    SubAddresses,
    Previous,
    Pipelined,
    ToClient,
    LogLevel,
    Script,
    Replicas,
    Limits
};

struct KeyInfo
{
    Key key;
    QLatin1String name;
};

constexpr KeyInfo kKeys[] = {
    {Key::Kind, QLatin1String("kind")},
    {Key::Name, QLatin1String("name")},
    {Key::DbAddress, QLatin1String("db_address")},
    {Key::PullAddress, QLatin1String("pull_address")},
    {Key::PubAddress, QLatin1String("pub_address")},
    {Key::WorkerPullAddress, QLatin1String("worker_pull_address")},
    {Key::WorkerPushAddress, QLatin1String("worker_push_address")},
    {Key::SubAddress, QLatin1String("sub_address")},
    {Key::SubAddresses, QLatin1String("sub_addresses")},
    {Key::Previous, QLatin1String("previous")},
    {Key::Pipelined, QLatin1String("pipelined")},
    {Key::ToClient, QLatin1String("to_client")},
    {Key::LogLevel, QLatin1String("log_level")},
    {Key::Script, QLatin1String("script")},
    {Key::Replicas, QLatin1String("replicas")},
    {Key::Limits, QLatin1String("limits")},
};

QString keyName(Key key)
{
    for (const KeyInfo &info : kKeys) {
        if (info.key == key)
            return info.name;
    }
    return {};
}

std::optional<Key> keyFromName(const QString &name)
{
    for (const KeyInfo &info : kKeys) {
        if (info.name == name)
            return info.key;
    }
    return std::nullopt;
}

// What one kind takes: allowed keys (in check order), which are required, which addresses it binds.
struct KindRules
{
    QList<Key> allowed;
    QList<Key> required;
    QList<Key> binds;
};

const KindRules &rulesFor(ServerKind kind)
{
    static const QList<Key> common = {Key::LogLevel, Key::Script, Key::Limits};
    auto make = [](QList<Key> specific, QList<Key> required, QList<Key> binds) {
        QList<Key> allowed = {Key::Kind, Key::Name};
        allowed += specific;
        allowed += common;
        return KindRules{allowed, required, binds};
    };
    static const KindRules server =
        make({Key::DbAddress, Key::PullAddress, Key::PubAddress, Key::Pipelined},
             {Key::DbAddress, Key::PullAddress, Key::PubAddress},
             {Key::DbAddress, Key::PullAddress, Key::PubAddress});
    static const KindRules master =
        make({Key::DbAddress, Key::PullAddress, Key::PubAddress, Key::WorkerPullAddress,
              Key::WorkerPushAddress, Key::Pipelined},
             {Key::DbAddress, Key::PullAddress, Key::PubAddress, Key::WorkerPullAddress,
              Key::WorkerPushAddress},
             {Key::DbAddress, Key::PullAddress, Key::PubAddress, Key::WorkerPullAddress,
              Key::WorkerPushAddress});
    static const KindRules hub =
        make({Key::DbAddress, Key::SubAddress, Key::Previous, Key::PubAddress,
              Key::WorkerPullAddress, Key::WorkerPushAddress, Key::Pipelined},
             {Key::DbAddress, Key::SubAddress, Key::Previous, Key::PubAddress,
              Key::WorkerPullAddress, Key::WorkerPushAddress},
             {Key::DbAddress, Key::PubAddress, Key::WorkerPullAddress, Key::WorkerPushAddress});
    static const KindRules worker =
        make({Key::DbAddress, Key::WorkerPullAddress, Key::WorkerPushAddress, Key::Replicas},
             {Key::DbAddress}, {});
    static const KindRules pipeline =
        make({Key::DbAddress, Key::SubAddress, Key::Previous, Key::PubAddress, Key::ToClient},
             {Key::DbAddress, Key::SubAddress, Key::Previous, Key::PubAddress},
             {Key::DbAddress, Key::PubAddress});
    static const KindRules sink =
        make({Key::DbAddress, Key::SubAddresses, Key::Previous, Key::PubAddress, Key::ToClient},
             {Key::DbAddress, Key::SubAddresses, Key::Previous, Key::PubAddress},
             {Key::DbAddress, Key::PubAddress});
    switch (kind) {
    case ServerKind::Server:
        return server;
    case ServerKind::Master:
        return master;
    case ServerKind::Hub:
        return hub;
    case ServerKind::Worker:
        return worker;
    case ServerKind::Pipeline:
        return pipeline;
    case ServerKind::Sink:
        return sink;
    }
    return server;
}

QString article(ServerKind kind)
{
    return QStringLiteral("a ") + kindName(kind);
}

QString allowedList(ServerKind kind)
{
    QStringList names;
    for (Key key : rulesFor(kind).allowed)
        names << keyName(key);
    return names.join(QStringLiteral(", "));
}

QString *addressField(ServerConfig &config, Key key)
{
    switch (key) {
    case Key::DbAddress:
        return &config.dbAddress;
    case Key::PullAddress:
        return &config.pullAddress;
    case Key::PubAddress:
        return &config.pubAddress;
    case Key::WorkerPullAddress:
        return &config.workerPullAddress;
    case Key::WorkerPushAddress:
        return &config.workerPushAddress;
    case Key::SubAddress:
        return &config.subAddress;
    default:
        return nullptr;
    }
}

QString addressValue(const ServerConfig &config, Key key)
{
    return *addressField(const_cast<ServerConfig &>(config), key);
}

bool isAddressKey(Key key)
{
    return key == Key::DbAddress || key == Key::PullAddress || key == Key::PubAddress ||
           key == Key::WorkerPullAddress || key == Key::WorkerPushAddress || key == Key::SubAddress;
}

// Names become topics and "name.method" entries: no whitespace, dots or quotes.
std::optional<QString> nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("must not be empty");
    for (QChar c : name) {
        if (c.isSpace() || c == u'.' || c == u'\'' || c == u'"' || !c.isPrint())
            return QStringLiteral("'%1' must not contain spaces, dots or quotes").arg(name);
    }
    return std::nullopt;
}

std::optional<QString> scriptProblem(const QString &path)
{
    QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("script '%1' does not exist").arg(path);
    if (!info.isFile())
        return QStringLiteral("script '%1' is not a file").arg(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read script '%1': %2").arg(path, file.errorString());
    return std::nullopt;
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

QString expected(const QString &what, const QJsonValue &value)
{
    return QStringLiteral("expected %1, got %2").arg(what, typeName(value));
}

// A whole number in [min, max], or the reason it is not.
std::optional<qint64> integerValue(const QJsonValue &value, qint64 min, qint64 max,
                                   QString *problem)
{
    if (!value.isDouble()) {
        *problem = expected(QStringLiteral("a whole number"), value);
        return std::nullopt;
    }
    const double d = value.toDouble();
    if (std::floor(d) != d || d < double(min) || d > double(max)) {
        *problem = QStringLiteral("expected a whole number from %1 to %2, got %3")
                       .arg(min)
                       .arg(max)
                       .arg(d);
        return std::nullopt;
    }
    return qint64(d);
}

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

    bool parseAddress(const QJsonObject &object, Key key, ServerConfig &config)
    {
        const QString field = keyName(key);
        const QJsonValue value = object.value(field);
        if (!value.isString())
            return fail(field, expected(QStringLiteral("an address string"), value));
        const QString address = value.toString();
        if (!isValidAddress(address))
            return fail(field, QStringLiteral("not a valid address '%1'").arg(address));
        *addressField(config, key) = address;
        return true;
    }

    bool parseSubAddresses(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = keyName(Key::SubAddresses);
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
        const QString field = keyName(Key::Previous);
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

    bool parseBool(const QJsonObject &object, Key key, bool &out)
    {
        const QJsonValue value = object.value(keyName(key));
        if (!value.isBool())
            return fail(keyName(key), expected(QStringLiteral("true or false"), value));
        out = value.toBool();
        return true;
    }

    bool parseLogLevel(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = keyName(Key::LogLevel);
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
        const QString field = keyName(Key::Script);
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
        const auto n = integerValue(object.value(keyName(Key::Replicas)), 1, 1000, &problem);
        if (!n)
            return fail(keyName(Key::Replicas), problem);
        config.replicas = int(*n);
        return true;
    }

    bool parseLimits(const QJsonObject &object, ServerConfig &config)
    {
        const QString field = keyName(Key::Limits);
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
            return fail(QStringLiteral("kind"),
                        QStringLiteral("missing (server, master, hub, worker, pipeline or sink)"));
        if (!kind.isString())
            return fail(QStringLiteral("kind"), expected(QStringLiteral("a string"), kind));
        const auto parsedKind = parseKind(kind.toString());
        if (!parsedKind)
            return fail(
                QStringLiteral("kind"),
                QStringLiteral(
                    "unknown kind '%1' (expected server, master, hub, worker, pipeline or sink)")
                    .arg(kind.toString()));
        config.kind = *parsedKind;

        if (name.isUndefined())
            return fail(QStringLiteral("name"), QStringLiteral("missing"));
        if (!name.isString())
            return fail(QStringLiteral("name"), expected(QStringLiteral("a string"), name));
        if (auto problem = nameProblem(name.toString()))
            return fail(QStringLiteral("name"), *problem);
        config.name = name.toString();

        const KindRules &rules = rulesFor(config.kind);
        for (auto it = object.begin(); it != object.end(); ++it) {
            const auto key = keyFromName(it.key());
            if (!key)
                return fail(it.key(), QStringLiteral("unknown key (%1 takes: %2)")
                                          .arg(article(config.kind), allowedList(config.kind)));
            if (!rules.allowed.contains(*key))
                return fail(it.key(), QStringLiteral("not used by %1 (%1 takes: %2)")
                                          .arg(article(config.kind), allowedList(config.kind)));
        }

        for (Key key : rules.allowed) {
            if (key == Key::Kind || key == Key::Name)
                continue;
            if (!object.contains(keyName(key))) {
                if (rules.required.contains(key))
                    return fail(
                        keyName(key),
                        QStringLiteral("missing (required for %1)").arg(article(config.kind)));
                continue;
            }
            bool ok = true;
            if (isAddressKey(key))
                ok = parseAddress(object, key, config);
            else if (key == Key::SubAddresses)
                ok = parseSubAddresses(object, config);
            else if (key == Key::Previous)
                ok = parsePrevious(object, config);
            else if (key == Key::Pipelined)
                ok = parseBool(object, key, config.pipelined);
            else if (key == Key::ToClient)
                ok = parseBool(object, key, config.toClient);
            else if (key == Key::LogLevel)
                ok = parseLogLevel(object, config);
            else if (key == Key::Script)
                ok = parseScript(object, config);
            else if (key == Key::Replicas)
                ok = parseReplicas(object, config);
            else if (key == Key::Limits)
                ok = parseLimits(object, config);
            if (!ok)
                return false;
        }

        if (config.kind == ServerKind::Sink && config.previous.size() != config.subAddresses.size())
            return fail(
                keyName(Key::Previous),
                QStringLiteral(
                    "has %1 topic(s) but sub_addresses has %2 address(es); they pair up in order")
                    .arg(config.previous.size())
                    .arg(config.subAddresses.size()));
        return true;
    }
};

// A tcp endpoint split into normalized host and port.
bool splitTcp(const QString &rest, QString &host, QString &port)
{
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    host = rest.left(colon).toLower();
    port = rest.mid(colon + 1);
    if (host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("[::]") ||
        host == QLatin1String("[*]"))
        host = QStringLiteral("*");
    return true;
}

QByteArray jsonValueText(const QJsonValue &value)
{
    QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

} // namespace

QString ClusterError::toString(const QString &fileName) const
{
    QString text;
    if (!fileName.isEmpty())
        text += fileName + QStringLiteral(": ");
    if (!entry.isEmpty())
        text += entry.startsWith(u'#') ? QStringLiteral("server %1: ").arg(entry)
                                       : QStringLiteral("server '%1': ").arg(entry);
    if (!field.isEmpty())
        text += QStringLiteral("field '%1': ").arg(field);
    return text + message;
}

bool isValidAddress(const QString &address)
{
    for (QChar c : address) {
        if (c.isSpace() || !c.isPrint())
            return false;
    }
    if (address.startsWith(QLatin1String("tcp://"))) {
        const QString rest = address.mid(6);
        const qsizetype colon = rest.lastIndexOf(u':');
        if (colon <= 0)
            return false;
        const QString host = rest.left(colon);
        const QString port = rest.mid(colon + 1);
        if (port != QLatin1String("*")) {
            bool ok = false;
            const int n = port.toInt(&ok);
            if (!ok || n < 1 || n > 65535 || port.startsWith(u'+') || port.startsWith(u'0'))
                return false;
        }
        if (host == QLatin1String("*"))
            return true;
        if (host.startsWith(u'[')) {
            static const QRegularExpression ipv6(QStringLiteral("^\\[[0-9A-Fa-f:.*]+\\]$"));
            return ipv6.match(host).hasMatch();
        }
        static const QRegularExpression ipv4(QStringLiteral("^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)$"));
        const auto m = ipv4.match(host);
        if (m.hasMatch()) {
            for (int i = 1; i <= 4; ++i) {
                if (m.captured(i).toInt() > 255)
                    return false;
            }
            return true;
        }
        static const QRegularExpression hostName(
            QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-"
                           "Za-z0-9])?)*$"));
        static const QRegularExpression allDigitsAndDots(QStringLiteral("^[0-9.]+$"));
        return hostName.match(host).hasMatch() && !allDigitsAndDots.match(host).hasMatch();
    }
    if (address.startsWith(QLatin1String("ipc://")))
        return address.size() > 6;
    if (address.startsWith(QLatin1String("inproc://")))
        return address.size() > 9;
    return false;
}

bool addressesConflict(const QString &a, const QString &b)
{
    if (a.startsWith(QLatin1String("tcp://")) && b.startsWith(QLatin1String("tcp://"))) {
        QString hostA, portA, hostB, portB;
        if (!splitTcp(a.mid(6), hostA, portA) || !splitTcp(b.mid(6), hostB, portB))
            return false;
        if (portA == QLatin1String("*") || portB == QLatin1String("*") || portA != portB)
            return false;
        return hostA == hostB || hostA == QLatin1String("*") || hostB == QLatin1String("*");
    }
    if (a == QLatin1String("ipc://*") || b == QLatin1String("ipc://*"))
        return false;
    return a == b;
}

std::optional<ClusterError> validateServer(const ServerConfig &config)
{
    const QString label = config.name.isEmpty() ? QStringLiteral("#?") : config.name;
    auto error = [&](Key key, const QString &message) {
        return ClusterError{label, keyName(key), message};
    };
    if (auto problem = nameProblem(config.name))
        return error(Key::Name, *problem);
    const KindRules &rules = rulesFor(config.kind);
    for (Key key : rules.allowed) {
        if (isAddressKey(key)) {
            const QString address = addressValue(config, key);
            if (address.isEmpty()) {
                if (rules.required.contains(key))
                    return error(
                        key, QStringLiteral("missing (required for %1)").arg(article(config.kind)));
                continue;
            }
            if (!isValidAddress(address))
                return error(key, QStringLiteral("not a valid address '%1'").arg(address));
        } else if (key == Key::SubAddresses) {
            if (config.subAddresses.isEmpty())
                return error(key,
                             QStringLiteral("missing (required for %1)").arg(article(config.kind)));
            for (qsizetype i = 0; i < config.subAddresses.size(); ++i) {
                if (!isValidAddress(config.subAddresses.at(i)))
                    return error(key, QStringLiteral("item %1: not a valid address '%2'")
                                          .arg(i + 1)
                                          .arg(config.subAddresses.at(i)));
            }
        } else if (key == Key::Previous) {
            if (config.previous.isEmpty())
                return error(key,
                             QStringLiteral("missing (required for %1)").arg(article(config.kind)));
            if (config.kind != ServerKind::Sink && config.previous.size() != 1)
                return error(
                    key, QStringLiteral("%1 takes exactly one topic").arg(article(config.kind)));
            for (const QString &topic : config.previous) {
                if (topic.isEmpty())
                    return error(key, QStringLiteral("topic must not be empty"));
            }
            if (config.kind == ServerKind::Sink &&
                config.previous.size() != config.subAddresses.size())
                return error(key, QStringLiteral("has %1 topic(s) but sub_addresses has %2 "
                                                 "address(es); they pair up in order")
                                      .arg(config.previous.size())
                                      .arg(config.subAddresses.size()));
        }
    }
    if (config.kind == ServerKind::Worker && (config.replicas < 1 || config.replicas > 1000))
        return error(
            Key::Replicas,
            QStringLiteral("expected a whole number from 1 to 1000, got %1").arg(config.replicas));
    if (config.limits.timeLimitMs < 1)
        return ClusterError{label, QStringLiteral("limits.time_ms"),
                            QStringLiteral("must be at least 1")};
    if (config.limits.memoryLimitBytes < 1024 * 1024)
        return ClusterError{label, QStringLiteral("limits.memory_mb"),
                            QStringLiteral("must be at least 1")};
    if (config.limits.stackDepth < 1)
        return ClusterError{label, QStringLiteral("limits.stack_depth"),
                            QStringLiteral("must be at least 1")};
    if (!config.scriptPath.isEmpty()) {
        if (auto problem = scriptProblem(config.scriptPath))
            return error(Key::Script, *problem);
    }
    // Two sockets of one server on one endpoint.
    for (qsizetype i = 0; i < rules.binds.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            const QString a = addressValue(config, rules.binds.at(j));
            const QString b = addressValue(config, rules.binds.at(i));
            if (addressesConflict(a, b))
                return error(rules.binds.at(i),
                             QStringLiteral("address '%1' is also this server's %2")
                                 .arg(b, keyName(rules.binds.at(j))));
        }
    }
    return std::nullopt;
}

std::optional<ClusterError> validateCluster(const QList<ServerConfig> &configs)
{
    for (const ServerConfig &config : configs) {
        if (auto error = validateServer(config))
            return error;
    }

    // Names after replica expansion, each mapped to the worker it is a replica of (empty: none).
    QMap<QString, QString> owners;
    for (const ServerConfig &config : configs) {
        const QList<ServerConfig> expanded = Cluster::expandReplicas({config});
        for (const ServerConfig &concrete : expanded) {
            const bool isReplica = concrete.name != config.name;
            const auto it = owners.constFind(concrete.name);
            if (it != owners.constEnd()) {
                const QString earlier = it->isEmpty()
                                            ? QStringLiteral("an earlier server")
                                            : QStringLiteral("a replica of worker '%1'").arg(*it);
                const QString message = isReplica
                                            ? QStringLiteral("its replica '%1' has the name of %2")
                                                  .arg(concrete.name, earlier)
                                            : QStringLiteral("name '%1' is already used by %2")
                                                  .arg(concrete.name, earlier);
                return ClusterError{config.name, QStringLiteral("name"), message};
            }
            owners.insert(concrete.name, isReplica ? config.name : QString());
        }
    }

    struct Bound
    {
        QString server;
        QString field;
        QString address;
    };
    QList<Bound> bound;
    for (const ServerConfig &config : configs) {
        const QList<Key> binds = rulesFor(config.kind).binds;
        for (Key key : binds) {
            const QString address = addressValue(config, key);
            for (const Bound &other : std::as_const(bound)) {
                if (other.server != config.name && addressesConflict(other.address, address))
                    return ClusterError{
                        config.name, keyName(key),
                        QStringLiteral("address '%1' is already bound by server '%2' (%3)")
                            .arg(address, other.server, other.field)};
            }
        }
        for (Key key : binds)
            bound.append(Bound{config.name, keyName(key), addressValue(config, key)});
    }
    return std::nullopt;
}

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
    for (qsizetype i = 0; i < list.size(); ++i) {
        EntryParser parser{QStringLiteral("#%1").arg(i + 1), baseDir, {}};
        ServerConfig config;
        if (!parser.parse(list.at(i), config))
            return failWith(parser.error);
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

QByteArray clusterJson(const QList<ServerConfig> &configs, const QString &baseDir)
{
    const ScriptLimits defaults;
    QByteArray out = "{\n  \"servers\": [";
    for (qsizetype i = 0; i < configs.size(); ++i) {
        const ServerConfig &config = configs.at(i);
        QList<std::pair<QString, QJsonValue>> fields;
        for (Key key : rulesFor(config.kind).allowed) {
            const QString name = keyName(key);
            switch (key) {
            case Key::Kind:
                fields.append({name, kindName(config.kind)});
                break;
            case Key::Name:
                fields.append({name, config.name});
                break;
            case Key::SubAddresses:
                fields.append({name, QJsonArray::fromStringList(config.subAddresses)});
                break;
            case Key::Previous:
                if (config.kind == ServerKind::Sink)
                    fields.append({name, QJsonArray::fromStringList(config.previous)});
                else
                    fields.append({name, config.previous.value(0)});
                break;
            case Key::Pipelined:
                if (config.pipelined)
                    fields.append({name, true});
                break;
            case Key::ToClient:
                if (!config.toClient)
                    fields.append({name, false});
                break;
            case Key::LogLevel:
                fields.append({name, levelName(config.logLevel)});
                break;
            case Key::Script:
                if (!config.scriptPath.isEmpty())
                    fields.append({name, QDir(baseDir).relativeFilePath(config.scriptPath)});
                break;
            case Key::Replicas:
                if (config.replicas != 1)
                    fields.append({name, config.replicas});
                break;
            case Key::Limits: {
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
            default:
                if (isAddressKey(key) && !addressValue(config, key).isEmpty())
                    fields.append({name, addressValue(config, key)});
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
    out += "\n  ]\n}\n";
    return out;
}

bool saveClusterFile(const QString &path, const QList<ServerConfig> &configs, QString *errorText)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (errorText)
            *errorText = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(clusterJson(configs, QFileInfo(path).absolutePath()));
    if (!file.commit()) {
        if (errorText)
            *errorText = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace qpalm
