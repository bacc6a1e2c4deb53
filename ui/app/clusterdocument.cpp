// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterdocument.h"

#include "cluster.h"
#include "clusterfile.h"
#include "clusterfilesupport.h"
#include "serverhandle.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace qpalm {

ClusterDocument::ClusterDocument(QObject *parent) : QObject(parent)
{
    replaceCluster({});
}

ClusterDocument::~ClusterDocument()
{
    delete m_cluster;
    m_cluster = nullptr;
}

void ClusterDocument::replaceCluster(const QList<ServerConfig> &configs)
{
    if (m_cluster) {
        Q_EMIT clusterAboutToBeReplaced(m_cluster);
        delete m_cluster; // stops its servers
    }
    m_cluster = new Cluster(this);
    m_cluster->addServers(configs);
    Q_EMIT clusterReplaced(m_cluster);
}

void ClusterDocument::reset(const QList<ServerConfig> &configs, const QString &path)
{
    m_configs = configs;
    m_control = {};
    setFilePath(path);
    replaceCluster(configs);
    setModified(false);
    Q_EMIT entriesChanged();
}

namespace {

// True when b is entry a with another replica count (the Edit Server dialog's replicas field).
bool onlyReplicasDiffer(const ServerConfig &a, const ServerConfig &b)
{
    if (a.kind != ServerKind::Worker || b.kind != ServerKind::Worker || a.replicas == b.replicas ||
        a.name != b.name || a.nativeHandlers != b.nativeHandlers)
        return false;
    ServerConfig same = b;
    same.replicas = a.replicas;
    return clusterJson({a}, {}) == clusterJson({same}, {});
}

// The file read again without the "script" keys whose files are missing (by entry index), so the
// rest is checked as strictly as ever; nullopt when the file has no such script.
std::optional<QList<ServerConfig>> loadWithoutMissingScripts(const QString &path,
                                                             ClusterError *problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonArray servers = root.value(QLatin1String("servers")).toArray();
    const QDir base = QFileInfo(path).absoluteDir();
    QHash<int, QString> missing;
    for (qsizetype i = 0; i < servers.size(); ++i) {
        QJsonObject entry = servers.at(i).toObject();
        const QJsonValue script = entry.value(QLatin1String("script"));
        if (!script.isString() || script.toString().isEmpty())
            continue;
        const QString resolved = QDir::cleanPath(base.absoluteFilePath(script.toString()));
        if (!scriptProblem(resolved))
            continue;
        missing.insert(int(i), resolved);
        entry.remove(QLatin1String("script"));
        servers[i] = entry;
    }
    if (missing.isEmpty())
        return std::nullopt;
    root.insert(QLatin1String("servers"), servers);
    auto configs = parseClusterJson(QJsonDocument(root).toJson(), base.absolutePath(), problem);
    if (!configs)
        return std::nullopt;
    for (auto it = missing.cbegin(); it != missing.cend(); ++it)
        (*configs)[it.key()].scriptPath = it.value();
    return configs;
}

} // namespace

bool ClusterDocument::load(const QString &path, QString *error)
{
    ClusterError problem;
    auto configs = loadClusterFile(path, &problem);
    if (!configs && problem.field == QLatin1String("script")) {
        ClusterError other;
        configs = loadWithoutMissingScripts(path, &other);
        if (!configs && !other.message.isEmpty())
            problem = other; // a problem besides the script: that one stops the load
    }
    if (!configs) {
        if (error)
            *error = problem.toString(QFileInfo(path).fileName());
        return false;
    }
    QFile file(path);
    ClusterControl control;
    if (file.open(QIODevice::ReadOnly)) {
        ClusterError ignored; // checked by loadClusterFile already
        control = parseClusterControl(file.readAll(), QFileInfo(path).absolutePath(), &ignored)
                      .value_or(ClusterControl());
    }
    reset(*configs, path);
    m_control = control;
    return true;
}

QStringList ClusterDocument::entryProblems() const
{
    QStringList problems;
    for (const ServerConfig &config : m_configs) {
        if (config.scriptPath.isEmpty())
            continue;
        if (auto problem = scriptProblem(config.scriptPath))
            problems.append(QStringLiteral("server '%1': %2").arg(config.name, *problem));
    }
    return problems;
}

std::optional<ClusterError> ClusterDocument::validate(const QList<ServerConfig> &configs,
                                                      int checked) const
{
    QList<ServerConfig> relaxed = configs;
    for (int i = 0; i < relaxed.size(); ++i) {
        if (i != checked && !relaxed[i].scriptPath.isEmpty() &&
            scriptProblem(relaxed[i].scriptPath))
            relaxed[i].scriptPath.clear(); // known already (entryProblems); fixed in its dialog
    }
    return validateCluster(relaxed);
}

bool ClusterDocument::saveAs(const QString &path, QString *error)
{
    if (auto problem = validate(m_configs, -1)) {
        if (error)
            *error = problem->toString(QFileInfo(path).fileName());
        return false;
    }
    if (!saveClusterFile(path, m_configs, error,
                         m_control.address.isEmpty() ? nullptr : &m_control))
        return false;
    setFilePath(path);
    setModified(false);
    return true;
}

int ClusterDocument::entryIndexOf(const QString &serverName) const
{
    for (int i = 0; i < m_configs.size(); ++i) {
        if (m_configs[i].name == serverName)
            return i;
    }
    // A replica belongs to the entry it was expanded from (never guessed from its name).
    const ServerHandle *server = m_cluster->server(serverName);
    if (!server || server->config().entry.isEmpty())
        return -1;
    for (int i = 0; i < m_configs.size(); ++i) {
        if (m_configs[i].name == server->config().entry)
            return i;
    }
    return -1;
}

QList<ServerHandle *> ClusterDocument::serversOf(const ServerConfig &entry) const
{
    if (entry.kind == ServerKind::Worker)
        return m_cluster->replicas(entry.name);
    ServerHandle *server = m_cluster->server(entry.name);
    return server ? QList<ServerHandle *>{server} : QList<ServerHandle *>{};
}

bool ClusterDocument::addEntry(const ServerConfig &config, QString *error)
{
    QList<ServerConfig> all = m_configs;
    all.append(config);
    if (auto problem = validate(all, int(all.size()) - 1)) {
        if (error)
            *error = problem->toString();
        return false;
    }
    m_configs.append(config);
    m_cluster->addServers({config});
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

bool ClusterDocument::replaceEntry(const QString &serverName, const ServerConfig &config,
                                   QStringList *restart, QString *error)
{
    const int index = entryIndexOf(serverName);
    if (index < 0)
        return false;
    QList<ServerConfig> all = m_configs;
    all[index] = config;
    if (auto problem = validate(all, index)) {
        if (error)
            *error = problem->toString();
        return false;
    }
    if (onlyReplicasDiffer(m_configs[index], config)) {
        // Like Add/Remove Replica: the replicas that run keep running.
        const QList<ServerHandle *> existing = m_cluster->replicas(config.name);
        const bool running =
            std::any_of(existing.cbegin(), existing.cend(), [](const ServerHandle *s) {
                return s->state() == ServerHandle::State::Running ||
                       s->state() == ServerHandle::State::Starting;
            });
        for (qsizetype n = existing.size(); n < config.replicas; ++n) {
            if (ServerHandle *added = m_cluster->addReplica(config.name, false);
                added && running && restart)
                restart->append(added->name());
        }
        for (qsizetype n = existing.size(); n > config.replicas; --n)
            m_cluster->removeReplica(config.name);
        m_configs[index].replicas = config.replicas;
        setModified(true);
        Q_EMIT entriesChanged();
        return true;
    }
    bool wasRunning = false;
    const QList<ServerHandle *> handles = serversOf(m_configs[index]);
    for (ServerHandle *handle : handles) {
        wasRunning = wasRunning || handle->state() == ServerHandle::State::Running ||
                     handle->state() == ServerHandle::State::Starting;
        m_cluster->removeServer(handle);
    }
    m_configs[index] = config;
    const int before = int(m_cluster->servers().size());
    m_cluster->addServers({config});
    if (wasRunning && restart) {
        const QList<ServerHandle *> servers = m_cluster->servers();
        for (int i = before; i < servers.size(); ++i)
            restart->append(servers[i]->name());
    }
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

bool ClusterDocument::removeEntry(const QString &serverName)
{
    const int index = entryIndexOf(serverName);
    if (index < 0)
        return false;
    const ServerConfig entry = m_configs.takeAt(index);
    const QList<ServerHandle *> handles = serversOf(entry);
    for (ServerHandle *handle : handles)
        m_cluster->removeServer(handle);
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

void ClusterDocument::setReplicaCount(const QString &entry, int count)
{
    const int index = entryIndexOf(entry);
    if (index < 0 || m_configs[index].kind != ServerKind::Worker || count < 1 ||
        m_configs[index].replicas == count)
        return;
    m_configs[index].replicas = count;
    setModified(true);
    Q_EMIT entriesChanged();
}

void ClusterDocument::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

void ClusterDocument::setFilePath(const QString &path)
{
    const QString absolute = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    if (absolute == m_filePath)
        return;
    m_filePath = absolute;
    Q_EMIT filePathChanged(m_filePath);
}

} // namespace qpalm
